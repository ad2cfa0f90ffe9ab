"""``rich``: the terminal report a desk editor reads before publishing.

For each finding: the verdict, what the claim is about (subject · metric ·
qualifiers), each side's article file:line:col, the sentence with the number
marked, the normalized value, and the reason in one line.  Then a summary.

The findings are wrapped in small adapter classes that implement
``__rich_console__``, so the data model never imports rich.  The Console is
always passed in.  Widths are measured with ``rich.cells.cell_len`` (a Chinese
character takes two cells), never ``len()``.  Article text is put in ``Text``
objects, never parsed as console markup.
"""

from __future__ import annotations

import os
import re
from typing import TextIO

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from ..amounts import value_text
from ..display import display, terminal
from ..model import Claim, Finding, Report, severity_rank
from .chart import PALETTE, text_rows
from .common import (counts_line, heading, place, qualifiers_text, repeats_text, same_sentence,
                     shared_qualifiers, side_sentence, side_text, sides, visible_findings)

SEVERITY_STYLES = {"error": "bold red", "warning": "bold yellow", "info": "bold cyan"}
KIND_STYLES = {"contradiction": "red", "arithmetic": "red", "divergence": "yellow", "notice": "yellow",
               "consistent": "green"}
NUMBER_STYLE = "bold reverse"
ELLIPSIS = "…"
INDENT = 2
#: Runs of whitespace (line breaks included) shown as one space in an excerpt.
_WHITESPACE = re.compile(r"\s+")
SENTENCE_INDENT = 6


def use_color(out: TextIO, color: bool | None) -> bool:
    """Colour when asked; by default only on a terminal and when NO_COLOR is not set."""
    if color is not None:
        return color
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(out, "isatty", None)
    return bool(isatty and isatty())


def make_console(out: TextIO, color: bool | None = None) -> Console:
    colored = use_color(out, color)
    return Console(file=out, color_system="auto" if colored else None, no_color=not colored,
                   force_terminal=colored, highlight=False, emoji=False, markup=False)


def fit_left(text: str, cells: int) -> str:
    """The end of ``text`` that fits in ``cells`` cells, with an ellipsis if cut."""
    if cell_len(text) <= cells:
        return text
    out, used = [], cell_len(ELLIPSIS)
    for ch in reversed(text):
        w = cell_len(ch)
        if used + w > cells:
            break
        out.append(ch)
        used += w
    return ELLIPSIS + "".join(reversed(out))


def fit_right(text: str, cells: int) -> str:
    """The start of ``text`` that fits in ``cells`` cells, with an ellipsis if cut."""
    if cell_len(text) <= cells:
        return text
    out, used = [], cell_len(ELLIPSIS)
    for ch in text:
        w = cell_len(ch)
        if used + w > cells:
            break
        out.append(ch)
        used += w
    return "".join(out) + ELLIPSIS


def excerpt(sentence: str, start: int, end: int, cells: int, *, mark: bool) -> Text:
    """The sentence cut to ``cells`` terminal cells around [start, end), the number
    styled (and bracketed when there is no colour, so it still stands out)."""
    number = terminal(sentence[start:end])
    if not mark:
        number = f"[{number}]"
    room = max(cells - cell_len(number), 8)
    before = terminal(_WHITESPACE.sub(" ", sentence[:start]))
    after = terminal(_WHITESPACE.sub(" ", sentence[end:]))
    left_room = max(room // 2, room - cell_len(after))
    left = fit_left(before, left_room)
    right = fit_right(after, room - cell_len(left))
    text = Text(left)
    text.append(number, style=NUMBER_STYLE if mark else None)
    text.append(right)
    return text


class FindingView:
    """A Finding as a rich renderable."""

    def __init__(self, finding: Finding, *, mark: bool = True, tolerances=None, drafts: frozenset[str] = frozenset()):
        self.finding = finding
        self.mark = mark
        self.tolerances = tolerances
        self.drafts = drafts  #: pre-publish mode: only the drafts' sides are shown in full

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        f = self.finding
        width = options.max_width
        if self.drafts and f.kind == "consistent":
            # pre-publish mode: a draft's agreeing claim in one line
            for side in [s for s in sides(f) if place(s)[0] in self.drafts]:
                line = Text("✓ ", style="green")
                p, l, c = place(side)
                line.append(display(f"{p}:{l}:{c} "), style="cyan")
                line.append(terminal(side_text(side)), style="bold")
                if isinstance(side, Claim):
                    line.append(f" → {value_text(side.mention.quantity)}")
                line.append(terminal(f"  {f.archive or f.message}"), style="dim")
                yield line
            return
        title = Text()
        title.append(f" {f.severity.upper()} ", style=SEVERITY_STYLES[f.severity])
        title.append(" ")
        title.append(f.kind, style=KIND_STYLES[f.kind])
        title.append("  ")
        title.append(terminal(f.rule), style="dim")
        yield title
        # Every line that may wrap is indented with Padding (or laid out in a grid), so a
        # wrapped line keeps its hanging indent at any width.
        yield Padding(Text(terminal(heading(f)), style="bold"), (0, 0, 0, INDENT), expand=False)
        all_sides = sides(f)
        if self.drafts:
            all_sides = [s for s in all_sides if place(s)[0] in self.drafts] or all_sides
        labels = [display(f"{p}:{l}:{c}") for p, l, c in map(place, all_sides)]
        shared = shared_qualifiers(f)
        for side, label in zip(all_sides, labels):
            line = Text()
            line.append(terminal(side_text(side)), style="bold")
            if isinstance(side, Claim):
                line.append(" → ")
                line.append(value_text(side.mention.quantity), style="bold")
                extra = [q for q in side.qualifiers if q not in shared]
                if extra:
                    line.append(f"  [{terminal(qualifiers_text(extra))}]", style="magenta")
                if side.time:
                    line.append(f"  time={terminal(side.time)}", style="dim")
                if side.source:
                    line.append(f"  据{terminal(side.source)}", style="dim")
            yield _hanging(Text(label, style="cyan"), line, INDENT, max(cell_len(l) for l in labels), width)
            siblings = None if isinstance(side, Claim) else same_sentence(f, side)
            sentence, start, end = side_sentence(side, siblings)
            body = excerpt(sentence, start, end, width - SENTENCE_INDENT, mark=self.mark)
            yield Padding(body, (0, 0, 0, SENTENCE_INDENT), expand=False)
        if f.kind == "contradiction":
            yield from interval_lines(f, self.tolerances)
        yield _hanging(Text("→"), Text(terminal(" ".join(f.message.split()))), INDENT, 1, width, gap=1)
        if f.archive:
            yield _hanging(Text("≠" if f.kind != "consistent" else "=", style="bold"),
                           Text(terminal("archive: " + " ".join(f.archive.split()))), INDENT, 1, width, gap=1)
        if f.repeats:
            yield _hanging(Text("+", style="bold"), Text(terminal(repeats_text(f))), INDENT, 1, width, gap=1)
        if f.cause:
            yield _hanging(Text("?", style="bold magenta"),
                           Text(terminal("likely cause: " + " ".join(f.cause.split()))), INDENT, 1, width, gap=1)
        for detail in f.detail.splitlines():
            if self.drafts and not any(detail.startswith(d + ":") for d in self.drafts):
                continue  # pre-publish mode: how the draft's sides were read; the archive is summed up above
            if detail.strip():
                yield Padding(Text(terminal(" ".join(detail.split())), style="dim"), (0, 0, 0, INDENT + 2), expand=False)
        yield Text("")


def interval_lines(finding: Finding, tolerances=None) -> list[Text]:
    """The contradiction on a number line (render/chart.py): one bar per claim, the
    clusters in their colours, ``×`` over the gap between values that cannot both hold."""
    rows = text_rows(finding, tolerances=tolerances)
    labels = [label for label, _, k in rows if k >= -1]
    cells = min(max((cell_len(label) for label in labels), default=0), 24)
    out = []
    for label, bar, k in rows:
        line = Text(" " * INDENT)
        shown = fit_right(label, cells) if k >= -1 else ""
        line.append(" " * (cells - cell_len(shown)) + shown + "  ")
        style = "red" if k == -1 else "dim" if k == -2 else PALETTE[k % len(PALETTE)]
        line.append(bar, style=style)
        if k == -2:
            line.append("  " + label, style="dim")
        out.append(line)
    return out


def _hanging(label: Text, body: Text, indent: int, label_cells: int, width: int, gap: int = 2):
    """``label`` then ``body``; a body that wraps continues under its own first character.
    A label too wide for that (a long path on a narrow terminal) goes on a line of its own."""
    if indent + label_cells + gap + 20 > width:
        return Group(Padding(label, (0, 0, 0, indent), expand=False), Padding(body, (0, 0, 0, indent + 4), expand=False))
    grid = Table.grid(padding=(0, gap, 0, 0))
    grid.add_column(no_wrap=True, width=label_cells)
    grid.add_column(overflow="fold")
    grid.add_row(label, body)
    return Padding(grid, (0, 0, 0, indent), expand=False)


class SummaryView:
    """The closing summary: articles, claims, findings by kind, unreadable files."""

    def __init__(self, report: Report, findings: list[Finding]):
        self.report = report
        self.findings = findings

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        r = self.report
        line = Text()
        line.append(f"{r.documents} articles", style="bold")
        line.append(f" · {r.claims} claims")
        kinds = counts_line(self.findings)
        if kinds:
            line.append(" · ")
            line.append(", ".join(f"{n} {label}" for label, n in kinds))
        else:
            line.append(" · no findings", style="green")
        yield line
        for p in sorted(r.problems, key=lambda p: (p.path, p.code)):
            yield Text(f"not read: {display(p.path)}: {p.code} {terminal(p.message)}", style="red")


def render_to(console: Console, report: Report, *, show_consistent: bool = False, tolerances=None) -> None:
    """Print the report on ``console`` (the caller owns the Console)."""
    findings = visible_findings(report, show_consistent)
    mark = console.color_system is not None and not console.no_color
    # an editor reads the errors first: most severe first, then in order of position
    drafts = frozenset(report.drafts)
    for finding in sorted(findings, key=lambda f: -severity_rank(f.severity)):
        console.print(FindingView(finding, mark=mark, tolerances=tolerances, drafts=drafts))
    console.print(SummaryView(report, findings))


def render(report: Report, out: TextIO, *, show_consistent: bool = False, color: bool | None = None,
           tolerances=None) -> None:
    render_to(make_console(out, color), report, show_consistent=show_consistent, tolerances=tolerances)
