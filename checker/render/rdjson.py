"""``rdjson``: the Reviewdog Diagnostic Format (one JSON object), for reviewdog's
``-f=rdjson``: pull-request comments on the lines a change touched.

    {"source": {"name": "factcheck"}, "severity": "ERROR",
     "diagnostics": [{"message", "location": {"path", "range": {"start": {"line", "column"},
                      "end": {…}}}, "severity", "code": {"value": RULE}, "relatedLocations": […]}]}

One diagnostic per finding side, a few other sides as ``relatedLocations`` (those it
disagrees with first: ``common.related_sides``).  Severity ERROR / WARNING / INFO.  Lines are 1-based; columns are counted in
Unicode code points, as in every factcheck format (reviewdog's format counts UTF-8 bytes,
which matters only for suggested edits, and factcheck suggests none; reviewdog places a
comment by its line).  Files that could not be read are ERROR diagnostics at the file.
"""

from __future__ import annotations

from typing import TextIO

from ..amounts import value_text
from ..display import json_text
from ..model import Claim, Report, severity_rank
from .sarif import INDENTED_UP_TO
from .common import alert_sides, message_text, related_sides, place, side_text, sides, visible_findings

SEVERITY = {"error": "ERROR", "warning": "WARNING", "info": "INFO"}


def _range(side) -> dict:
    _, line, col = place(side)
    text = side_text(side)
    if "\n" in text:
        lines = text.split("\n")
        end = {"line": line + len(lines) - 1, "column": len(lines[-1]) + 1}
    else:
        end = {"line": line, "column": col + len(text)}
    return {"start": {"line": line, "column": max(col, 1)}, "end": end}


def _location(side) -> dict:
    return {"path": place(side)[0], "range": _range(side)}


def render(report: Report, out: TextIO, *, show_consistent: bool = False) -> None:
    diagnostics = []
    worst = None
    for finding in visible_findings(report, show_consistent):
        all_sides = sides(finding)
        message = message_text(finding)
        if worst is None or severity_rank(finding.severity) > severity_rank(worst):
            worst = finding.severity
        for side in alert_sides(report, finding):
            this = side_text(side) + (f" → {value_text(side.mention.quantity)}" if isinstance(side, Claim) else "")
            diagnostic = {
                "message": f"{finding.kind}: {message} (here: {this})",
                "location": _location(side),
                "severity": SEVERITY[finding.severity],
                "code": {"value": finding.rule},
            }
            related = [{"message": side_text(o), "location": _location(o)}
                       for o in related_sides(finding, side, all_sides)]
            if related:
                diagnostic["relatedLocations"] = related
            diagnostics.append(diagnostic)
    for p in sorted(report.problems, key=lambda p: (p.path, p.code)):
        diagnostics.append({"message": f"{p.code} {p.message}", "location": {"path": p.path},
                            "severity": "ERROR", "code": {"value": p.code}})
        worst = "error"
    doc = {"source": {"name": "factcheck"}, "severity": SEVERITY[worst or "info"], "diagnostics": diagnostics}
    # indented for a few diagnostics a person may read, compact (half the size) for many
    out.write(json_text(doc, indent=2 if len(diagnostics) <= INDENTED_UP_TO else None) + "\n")
