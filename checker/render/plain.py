"""``plain``: one line per finding side, the format editors' tools and grep expect,
sorted by path, line and column (whatever finding a line belongs to), then one summary line.

    path:line:col: severity kind[rule] message
    …
    5 articles · 10 claims · 1 contradiction, 2 notices

Lines and columns are 1-based, columns counted in Unicode code points.  A finding with
three claims gives three lines, each at its own claim's quantity.
"""

from __future__ import annotations

from typing import TextIO

from ..display import display
from ..model import Report
from .common import alert_sides, counts_line, message_text, place, visible_findings


def line_for(finding, side) -> str:
    path, line, col = place(side)
    message = message_text(finding)  # one line, whatever the message holds
    return display(f"{path}:{line}:{col}: {finding.severity} {finding.kind}[{finding.rule}] {message}")


def summary_line(report: Report, findings) -> str:
    kinds = counts_line(findings)
    found = ", ".join(f"{n} {label}" for label, n in kinds) if kinds else "no findings"
    unread = f" · {len(report.problems)} not read" if report.problems else ""
    return f"{report.documents} articles · {report.claims} claims · {found}{unread}"


def render(report: Report, out: TextIO, *, show_consistent: bool = False) -> None:
    findings = visible_findings(report, show_consistent)
    rows = []
    for n, finding in enumerate(findings):
        for side in alert_sides(report, finding):
            path, line, col = place(side)
            rows.append(((path, line, col, n), line_for(finding, side)))
    rows.sort(key=lambda r: r[0])
    for _, text in rows:
        out.write(text + "\n")
    out.write(summary_line(report, findings) + "\n")
