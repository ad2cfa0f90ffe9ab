"""Render extracted mentions (``factcheck extract``): rich table, plain lines, or JSON.

    render_mentions(items, fmt, out, *, color=None)

``items`` is a list of (Document, list[Mention]).  JSON is the contract of DESIGN.md:
``{"version": 1, "mentions": [{"path", "line", "col", "start", "end", "text", "low",
"high", "bound", "unit", "classifier"}]}`` with low/high as JSON numbers (null for an
open side), one entry per quantity.
"""

from __future__ import annotations

import os
from typing import IO, Iterable, Sequence

from ..amounts import value_text
from ..display import display, json_string, terminal
from ..model import Document, Mention
from .common import json_dumps, json_scalar

#: The fields of a mention in JSON, in order (DESIGN.md).
MENTION_KEYS = ("path", "line", "col", "start", "end", "text", "low", "high", "bound", "unit", "classifier")


def mention_record(doc: Document, m: Mention) -> dict:
    q = m.quantity
    return {
        "path": doc.path, "line": m.line, "col": m.col, "start": m.start, "end": m.end, "text": m.text,
        "low": q.low, "high": q.high, "bound": q.bound, "unit": q.unit,
        "classifier": q.classifier,
    }


#: One mention as ``json_dumps`` lays it out inside ``{"version": 1, "mentions": [...]}``.
_RECORD = "".join(f',\n      "{key}": {{}}' for key in MENTION_KEYS)[1:]
_RECORD_BRACED = "{{" + _RECORD + "\n    }}"


def mentions_json(items: Iterable[tuple[Document, list[Mention]]]) -> str:
    """``json_dumps({"version": 1, "mentions": [mention_record(...), ...]})``, byte for byte, without
    building a dict per mention: the records are flat and of one shape, so each is one format
    call (the writer's time was most of ``extract --format json``).  Decimals are written digit
    for digit as JSON numbers (33.33… for 三分之一 keeps its digits).  The words of a quantity
    (bound, unit, measure word) are few: each is escaped once, then looked up."""
    memo: dict = {}
    words: dict = {None: "null"}  # str (or None) -> its JSON literal
    fmt = _RECORD_BRACED.format
    records = []
    append = records.append
    for doc, mentions in items:
        path = json_scalar(doc.path, memo)
        for m in mentions:
            q = m.quantity
            low, high = q.low, q.high
            bound = words.get(q.bound)
            if bound is None:
                bound = words[q.bound] = json_scalar(q.bound, memo)
            unit = words.get(q.unit)
            if unit is None:
                unit = words[q.unit] = json_scalar(q.unit, memo)
            classifier = words.get(q.classifier)
            if classifier is None:
                classifier = words[q.classifier] = json_scalar(q.classifier, memo)
            append(fmt(path, m.line, m.col, m.start, m.end, json_string(m.text),
                       "null" if low is None else json_scalar(low, memo),
                       "null" if high is None else json_scalar(high, memo), bound, unit, classifier))
    if not records:
        return json_dumps({"version": 1, "mentions": []})
    return '{\n  "version": 1,\n  "mentions": [\n    ' + ",\n    ".join(records) + "\n  ]\n}"


def render_mentions(items: Sequence[tuple[Document, list[Mention]]], fmt: str, out: IO[str], *,
                    color: bool | None = None) -> None:
    """Write the mentions of each document to ``out`` in ``fmt`` (rich, plain or json)."""
    if fmt == "json":
        out.write(mentions_json(items) + "\n")
    elif fmt == "plain":
        for line in plain_lines(items):
            out.write(line + "\n")
    elif fmt == "rich":
        _render_rich(items, out, color)
    else:
        raise ValueError(f"unknown format {fmt!r}")


def plain_lines(items: Iterable[tuple[Document, list[Mention]]]) -> Iterable[str]:
    """path:line:col: text -> value (bound, unit[, classifier])"""
    for doc, mentions in items:
        for m in mentions:
            q = m.quantity
            extra = f", {q.classifier}" if q.classifier else ""
            yield display(f"{doc.path}:{m.line}:{m.col}: {m.text} -> {value_text(q)} ({q.bound}, {q.unit}{extra})")


def _render_rich(items, out: IO[str], color: bool | None) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    if color is None:
        color = hasattr(out, "isatty") and out.isatty() and "NO_COLOR" not in os.environ
    console = Console(file=out, color_system="auto" if color else None, highlight=False,
                      force_terminal=bool(color), soft_wrap=False, markup=False, emoji=False)
    from rich import box
    from rich.cells import cell_len

    table = Table(show_header=True, header_style="bold", show_lines=False, box=box.SIMPLE_HEAD, show_edge=False)
    # The values are what the table is for: they never wrap or get cut; the path column folds
    # when the terminal is narrow (a long path is still whole, on two lines).
    rows = [(display(f"{doc.path}:{m.line}:{m.col}"), m) for doc, mentions in items for m in mentions]
    longest = max((len(where) for where, _ in rows), default=5)
    width = console.width
    fixed = {"value": max((cell_len(value_text(m.quantity)) for _, m in rows), default=5),
             "bound": 6, "unit": max((cell_len(m.quantity.unit + (f" ({m.quantity.classifier})"
                                                                  if m.quantity.classifier else ""))
                                       for _, m in rows), default=4)}
    written = max((cell_len(terminal(m.text)) for _, m in rows), default=10)
    room = max(width - sum(fixed.values()) - 2 * 5 - 1, 16)  # the cells' padding
    where_width = min(longest, max(room - min(written, room // 2), room // 2))
    table.add_column("where", overflow="fold", width=where_width)
    table.add_column("as written", overflow="fold", width=max(room - where_width, 4))
    table.add_column("value", justify="right", no_wrap=True, min_width=fixed["value"])
    table.add_column("bound", no_wrap=True, min_width=fixed["bound"])
    table.add_column("unit", no_wrap=True, min_width=fixed["unit"])
    count = 0
    for where, m in rows:
        q = m.quantity
        unit = q.unit + (f" ({q.classifier})" if q.classifier else "")
        # cells are Text, never parsed as console markup ("[/]" in a path is text)
        table.add_row(Text(where), Text(terminal(m.text)), Text(value_text(q)), Text(q.bound), Text(unit))
        count += 1
    console.print(table)
    console.print(f"{count} quantities in {len(items)} file(s)")


__all__ = ["render_mentions", "plain_lines", "mention_record"]
