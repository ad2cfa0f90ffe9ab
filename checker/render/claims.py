"""Render claims with their evidence (``factcheck claims``) and explanations of numbers
(``factcheck explain``): rich on a terminal, plain text, or JSON.

    render_claims(claims, fmt, out, *, color=None)
    render_explanations(explanations, fmt, out, *, color=None)

JSON: ``{"version": 1, "claims": [claim, …]}`` with each claim as in ``check --format
json`` (``evidence`` included), and ``{"version": 1, "numbers": [{"path", "line", "col",
"start", "end", "text", "low", "high", "bound", "unit", "classifier", "claim": claim or null,
"reasons": [{"rule", "reason"}, …]}]}``.  Documented in docs/output-formats.md.
"""

from __future__ import annotations

import os
from typing import IO, Iterable, Sequence

from ..amounts import value_text
from ..display import display, terminal
from ..model import Claim, Explanation
from .common import json_dumps, qualifiers_text
from .jsonout import claim_entry


def _number_record(e: Explanation) -> dict:
    m, q = e.mention, e.mention.quantity
    return {"path": e.path, "line": m.line, "col": m.col, "start": m.start, "end": m.end, "text": m.text,
            "low": q.low, "high": q.high, "bound": q.bound, "unit": q.unit, "classifier": q.classifier,
            "claim": claim_json(e.claim) if e.claim is not None else None,
            "reasons": [{"rule": rule, "reason": why} for rule, why in e.reasons]}


def claim_json(claim: Claim) -> dict:
    """A claim as ``check --format json`` writes it, with its rule, subject and metric."""
    return {"rule": claim.rule, "subject": claim.subject, "metric": claim.metric, **claim_entry(claim)}


def claim_lines(claim: Claim) -> list[str]:
    """A claim and its evidence, one fact a line (the first line unindented)."""
    m = claim.mention
    head = f"{claim.path}:{m.line}:{m.col}: {m.text} → {value_text(m.quantity)}  {claim.rule}"
    lines = [head, f"    subject {claim.subject} · metric {claim.metric}"
                   + (f" · {qualifiers_text(claim.qualifiers)}" if claim.qualifiers else "")
                   + (f" · time {claim.time}" if claim.time else "")
                   + (f" · 据{claim.source}" if claim.source else "")
                   + (" · denied (will not reach it)" if claim.negated else "")]
    for name, value in claim.evidence:
        lines.append(f"    {name}: {value}")
    return lines


def explanation_lines(e: Explanation) -> list[str]:
    m = e.mention
    if e.claim is not None:
        lines = claim_lines(e.claim)
        lines += [f"    not {rule}: {why}" for rule, why in e.reasons[:3]]
        if len(e.reasons) > 3:
            lines.append(f"    … and {len(e.reasons) - 3} more rules whose unit fits")
        return lines
    lines = [f"{e.path}:{m.line}:{m.col}: {m.text} → {value_text(m.quantity)}  no claim"]
    for rule, why in e.reasons[:5]:
        lines.append(f"    {rule + ': ' if rule else ''}{why}")
    if len(e.reasons) > 5:
        lines.append(f"    … and {len(e.reasons) - 5} more rules whose unit fits")
    return lines


def render_claims(claims: Sequence[Claim], fmt: str, out: IO[str], *, color: bool | None = None) -> None:
    if fmt == "json":
        out.write(json_dumps({"version": 1, "claims": [claim_json(c) for c in claims]}) + "\n")
        return
    blocks = [claim_lines(c) for c in claims]
    summary = f"{len(claims)} claims"
    _write(blocks, summary, fmt, out, color)


def render_explanations(items: Sequence[Explanation], fmt: str, out: IO[str], *,
                        color: bool | None = None) -> None:
    if fmt == "json":
        out.write(json_dumps({"version": 1, "numbers": [_number_record(e) for e in items]}) + "\n")
        return
    blocks = [explanation_lines(e) for e in items]
    claimed = sum(1 for e in items if e.claim is not None)
    _write(blocks, f"{len(items)} numbers · {claimed} claims", fmt, out, color)


def _write(blocks: Iterable[list[str]], summary: str, fmt: str, out: IO[str], color: bool | None) -> None:
    if fmt == "plain":
        for block in blocks:  # article text made inert (control characters, escape sequences)
            out.write("\n".join(display(line) for line in block) + "\n")
        out.write(summary + "\n")
        return
    from rich.console import Console
    from rich.padding import Padding
    from rich.text import Text

    if color is None:
        color = hasattr(out, "isatty") and out.isatty() and "NO_COLOR" not in os.environ
    console = Console(file=out, color_system="auto" if color else None, highlight=False,
                      force_terminal=bool(color))
    for block in blocks:
        title = Text(terminal(block[0]), style="bold")
        console.print(title)
        for line in block[1:]:
            body = terminal(line.strip())
            name, _, rest = body.partition(": ")
            text = Text()
            if rest:
                text.append(name + ": ", style="cyan" if not name.startswith("not ") else "dim")
                text.append(rest)
            else:
                text.append(body)
            console.print(Padding(text, (0, 0, 0, 4)))
    console.print(Text(summary, style="bold"))


__all__ = ["claim_json", "claim_lines", "explanation_lines", "render_claims", "render_explanations"]
