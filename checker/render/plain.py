"""``plain``: one line per finding side, the format editors' tools and grep expect.

    path:line:col: kind[rule] message

Lines and columns are 1-based, columns counted in Unicode code points.  A
finding with three claims gives three lines, each at its own claim's quantity.
"""

from __future__ import annotations

from typing import TextIO

from ..model import Report
from .common import place, sides, visible_findings


def line_for(finding, side) -> str:
    path, line, col = place(side)
    message = " ".join(finding.message.split())  # one line, whatever the message holds
    return f"{path}:{line}:{col}: {finding.kind}[{finding.rule}] {message}"


def render(report: Report, out: TextIO, *, show_consistent: bool = False) -> None:
    for finding in visible_findings(report, show_consistent):
        for side in sides(finding):
            out.write(line_for(finding, side) + "\n")
