"""``json``: the machine contract of DESIGN.md, version 1.

    {"version": 1,
     "findings": [{"kind", "severity", "rule", "subject", "metric", "message",
                   "claims": [{"path", "line", "col", "text", "low", "high", "bound", "unit",
                               "qualifiers"}, ...]}, ...]}

``line``/``col``/``text`` are those of the quantity as written (what ``extract``
gives); ``low``/``high`` are JSON numbers written digit for digit from the Decimal
(null for an open side).  Extra fields: per finding ``differs`` and ``detail``; per
claim ``start``, ``end``, ``classifier``, ``sentence``, ``source``, ``time``; per finding
``repeats``: the same finding in other articles (``articles`` counts them, ``at`` lists the
first few places).  A
finding's non-numeric evidence (``Finding.locations``: a garbled name, a name
spelled two ways) comes after its claims as claim-like entries whose ``low``,
``high``, ``bound`` and ``unit`` are null and ``qualifiers`` is empty.  At the top
level, ``summary`` counts what was read and ``problems`` lists files that could not
be read.  Documented in docs/output-formats.md.
"""

from __future__ import annotations

from typing import TextIO

from ..model import Claim, Finding, Location, Report
from .common import REPEATS_LISTED, json_dumps, kind_counts, sorted_claims, sorted_locations, visible_findings

VERSION = 1


def claim_entry(claim: Claim) -> dict:
    m, q = claim.mention, claim.mention.quantity
    return {
        "path": claim.path, "line": m.line, "col": m.col, "text": m.text,
        "low": q.low, "high": q.high, "bound": q.bound, "unit": q.unit,
        "qualifiers": {k: v for k, v in claim.qualifiers},
        "start": m.start, "end": m.end, "classifier": q.classifier,
        "sentence": claim.sentence, "source": claim.source, "time": claim.time,
        "evidence": [list(pair) for pair in claim.evidence],
    }


def location_entry(loc: Location) -> dict:
    return {
        "path": loc.path, "line": loc.line, "col": loc.col, "text": loc.text,
        "low": None, "high": None, "bound": None, "unit": None, "qualifiers": {},
        "start": loc.start, "end": loc.end, "classifier": None,
        "sentence": loc.sentence, "source": None, "time": None, "evidence": [],
    }


def finding_entry(finding: Finding) -> dict:
    claims = sorted_claims(finding)
    at = {id(c): i for i, c in enumerate(claims)}
    conflicts = sorted(sorted((at[id(finding.claims[i])], at[id(finding.claims[j])])) for i, j in finding.conflicts)
    return {
        "kind": finding.kind, "severity": finding.severity, "rule": finding.rule,
        "subject": finding.subject, "metric": finding.metric, "message": finding.message,
        "claims": [claim_entry(c) for c in claims] + [location_entry(l) for l in sorted_locations(finding)],
        "conflicts": [list(pair) for pair in conflicts], "omitted": finding.omitted,
        "differs": list(finding.differs), "detail": finding.detail, "cause": finding.cause,
        "archive": finding.archive,
        "repeats": {"articles": len(finding.repeats),
                    "at": [{"path": loc.path, "line": loc.line, "col": loc.col}
                           for loc in finding.repeats[:REPEATS_LISTED]]},
    }


def document(report: Report, *, show_consistent: bool = False) -> dict:
    findings = visible_findings(report, show_consistent)
    counts = kind_counts(findings)
    return {
        "version": VERSION,
        "findings": [finding_entry(f) for f in findings],
        "summary": {"articles": report.documents, "claims": report.claims, "mentions": report.mentions,
                    "findings": counts},
        "problems": [{"path": p.path, "code": p.code, "message": p.message}
                     for p in sorted(report.problems, key=lambda p: (p.path, p.code))],
    }


def render(report: Report, out: TextIO, *, show_consistent: bool = False) -> None:
    out.write(json_dumps(document(report, show_consistent=show_consistent)) + "\n")
