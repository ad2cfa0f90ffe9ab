"""``sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

* One result per finding side, so each article involved gets its annotation; the
  other sides are ``relatedLocations`` and are linked from the message
  (``[path:line](id)``, which code scanning turns into links).
* ``run.columnKind`` is ``unicodeCodePoints``; lines and columns are 1-based
  (``startColumn`` >= 1), ``endColumn`` is the column after the quantity.
* URIs are the paths as reported (repository-relative when the run starts at the
  repository root), with ``uriBaseId`` ``%SRCROOT%``.
* ``partialFingerprints["factcheckClaim/v1"]`` hashes what the claim means (rule,
  finding kind, subject, metric, qualifiers, normalized value and unit), never its
  line, so an alert survives edits above it.
* level: error -> error, warning -> warning, info -> note.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import TextIO
from urllib.parse import quote

from .. import __version__
from ..amounts import decimal_text, value_text
from ..model import Claim, Finding, Report
from .common import (heading, place, side_text, sides,
                     visible_findings)

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = "factcheckClaim/v1"

#: One-line descriptions for the rule descriptors, by finding kind.
KIND_DESCRIPTIONS = {
    "contradiction": "Articles state incompatible values for the same fact",
    "divergence": "Articles state different values for related facts whose qualifiers differ",
    "arithmetic": "An article's own numbers do not produce a figure it states",
    "notice": "A suspected typo or inconsistent spelling",
    "consistent": "Articles agree on this fact",
}


def artifact_uri(path: str) -> str:
    """A repository-relative URI reference for a reported path (percent-encoded)."""
    return _artifact_uri(path, str(Path.cwd()))


@lru_cache(maxsize=4096)
def _artifact_uri(path: str, cwd: str) -> str:
    p = Path(path)
    if p.is_absolute():
        try:
            p = p.relative_to(cwd)
        except ValueError:
            return p.as_uri()
    posix = PurePosixPath(*p.parts).as_posix() if p.parts else path
    if posix.startswith("./"):
        posix = posix[2:]
    return quote(posix, safe="/")


def region(side) -> dict:
    path, line, col = place(side)
    text = side_text(side)
    if "\n" in text:
        lines = text.split("\n")
        end_line, end_col = line + len(lines) - 1, len(lines[-1]) + 1
    else:
        end_line, end_col = line, col + len(text)
    return {"startLine": line, "startColumn": max(col, 1), "endLine": end_line, "endColumn": max(end_col, 1),
            "snippet": {"text": text}}


def physical_location(side) -> dict:
    return {"artifactLocation": {"uri": artifact_uri(place(side)[0]), "uriBaseId": "%SRCROOT%"},
            "region": region(side)}


def fingerprint(finding: Finding, side) -> str:
    """What the side means, not where it is: the same claim moved down a page keeps its hash."""
    if isinstance(side, Claim):
        q = side.mention.quantity
        value = "|".join([q.bound, decimal_text(q.low) if q.low is not None else "",
                          decimal_text(q.high) if q.high is not None else "", q.unit, q.classifier or ""])
        parts = [finding.rule, finding.kind, side.subject, side.metric,
                 ";".join(f"{k}={v}" for k, v in side.qualifiers), value]
    else:
        parts = [finding.rule, finding.kind, finding.subject, finding.metric, side.text]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _rule_descriptors(findings: list[Finding]) -> tuple[list[dict], dict[str, int]]:
    by_rule: dict[str, Finding] = {}
    for f in findings:
        by_rule.setdefault(f.rule, f)
    descriptors, index = [], {}
    for i, rule_id in enumerate(sorted(by_rule)):
        f = by_rule[rule_id]
        about = " · ".join(p for p in (f.subject, f.metric) if p)
        descriptors.append({
            "id": rule_id,
            "name": rule_id,
            "shortDescription": {"text": f"{KIND_DESCRIPTIONS[f.kind]}{': ' + about if about else ''}"},
            "properties": {"tags": ["fact-consistency", f.kind]},
        })
        index[rule_id] = i
    return descriptors, index


#: Other sides listed as relatedLocations of one result.  GitHub shows at most 100 of them, and
#: a finding over a large archive may have thousands of sides: listing all of them for every
#: side would make the log quadratic in the size of the finding.
MAX_RELATED = 10


def _result(finding: Finding, side, others: list, total_others: int, rule_index: int) -> dict:
    """One side of a finding; ``others`` are the first other sides (at most MAX_RELATED) of the
    ``total_others`` there are."""
    related = []
    links = []
    for n, other in enumerate(others, start=1):
        path, line, _ = place(other)
        if isinstance(other, Claim):
            related.append({"id": n, "physicalLocation": physical_location(other),
                            "message": {"text": f"{side_text(other)} → {value_text(other.mention.quantity)}"}})
        else:
            related.append({"id": n, "physicalLocation": physical_location(other),
                            "message": {"text": side_text(other)}})
        links.append(f"[{path}:{line}]({n})")
    text = finding.message
    if links:
        more = f" and {total_others - len(others):,} more" if total_others > len(others) else ""
        text += "; see " + ", ".join(links) + more
    this = side_text(side)
    if isinstance(side, Claim):
        this += f" → {value_text(side.mention.quantity)}"
    result = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": f"{finding.kind}: {heading(finding)}: {text} (here: {this})"},
        "locations": [{"physicalLocation": physical_location(side)}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding, side)},
        "properties": {"kind": finding.kind, "subject": finding.subject, "metric": finding.metric},
    }
    if related:
        result["relatedLocations"] = related
    if isinstance(side, Claim):
        result["properties"]["qualifiers"] = {k: v for k, v in side.qualifiers}
    if finding.differs:
        result["properties"]["differs"] = list(finding.differs)
    return result


def document(report: Report, *, show_consistent: bool = False) -> dict:
    findings = visible_findings(report, show_consistent)
    rules, index = _rule_descriptors(findings)
    results = []
    for f in findings:
        all_sides = sides(f)
        head = all_sides[:MAX_RELATED + 1]  # enough to list MAX_RELATED others for any side
        for side in all_sides:
            others = [o for o in head if o is not side][:MAX_RELATED]
            results.append(_result(f, side, others, len(all_sides) - 1, index[f.rule]))
    notifications = [{"level": "error", "message": {"text": f"{p.code} {p.message}"},
                      "locations": [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(p.path),
                                                                               "uriBaseId": "%SRCROOT%"}}}]}
                     for p in sorted(report.problems, key=lambda p: (p.path, p.code))]
    invocation = {"executionSuccessful": True}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "factcheck", "version": __version__, "semanticVersion": __version__,
                                "rules": rules}},
            "invocations": [invocation],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def render(report: Report, out: TextIO, *, show_consistent: bool = False) -> None:
    log = document(report, show_consistent=show_consistent)
    # The log holds no Decimals, so the standard encoder writes it: indented for a log a person
    # may read, compact (the C encoder, many times faster) for a large one.
    indent = 2 if len(log["runs"][0]["results"]) <= 2000 else None
    out.write(json.dumps(log, ensure_ascii=False, indent=indent) + "\n")
