"""``github``: GitHub Actions workflow commands, one annotation per finding side.

    ::error file=seeds/003.txt,line=11,col=64,endColumn=68,title=factcheck contradiction (ai-chips.x)::message

error -> ``::error``, warning -> ``::warning``, info -> ``::notice``.  The message
is escaped per the workflow-command rules (``%``, CR, LF); property values also
escape ``:`` and ``,``.  GitHub shows at most 10 annotations of each level per
step (50 per job): use SARIF for large runs (docs/ci.md).
"""

from __future__ import annotations

from typing import TextIO

from ..display import github_data, github_property
from ..model import Claim, Report
from .common import alert_sides, message_text, place, side_text, sides, visible_findings

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}
#: Other sides quoted in one annotation; a finding over a large archive may have thousands.
MAX_OTHERS = 10


def escape_data(text: str) -> str:
    """Escape a command's message (after ``::``); other control characters in display form."""
    return github_data(text)


def escape_property(text: str) -> str:
    """Escape a property value (``file=…``, ``title=…``)."""
    return github_property(text)


def render(report: Report, out: TextIO, *, show_consistent: bool = False) -> None:
    for finding in visible_findings(report, show_consistent):
        all_sides = sides(finding)
        for side in alert_sides(report, finding):
            path, line, col = place(side)
            text = side_text(side)
            end_col = col + len(text) if "\n" not in text else None
            props = [f"file={escape_property(path)}", f"line={line}", f"col={col}"]
            if end_col is not None:
                props.append(f"endColumn={end_col}")
            props.append(f"title={escape_property(f'factcheck {finding.kind} ({finding.rule})')}")
            others = [o for o in all_sides[:MAX_OTHERS + 1] if o is not side][:MAX_OTHERS]
            message = message_text(finding)
            if isinstance(side, Claim) and others:
                refs = "; ".join(f"{p}:{l}:{c} {side_text(o)}" for o in others for p, l, c in [place(o)])
                if len(all_sides) - 1 > len(others):
                    refs += f"; and {len(all_sides) - 1 - len(others):,} more"
                message = f"{message} (this: {text}; other: {refs})"
            out.write(f"::{COMMANDS[finding.severity]} {','.join(props)}::{escape_data(message)}\n")
    for problem in sorted(report.problems, key=lambda p: (p.path, p.code)):
        out.write(f"::error file={escape_property(problem.path)},title={escape_property('factcheck ' + problem.code)}"
                  f"::{escape_data(problem.code + ' ' + problem.message)}\n")
