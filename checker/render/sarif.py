"""``sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

* One result per finding side, so each article involved gets its annotation; the
  other sides are ``relatedLocations`` and are linked from the message
  (``[path:line](id)``, which code scanning turns into links).
* ``run.columnKind`` is ``unicodeCodePoints``; lines and columns are 1-based
  (``startColumn`` >= 1), ``endColumn`` is the column after the quantity.
* URIs: inside a git repository (the closest directory upwards from the working
  directory that holds ``.git``), repository-relative with ``uriBaseId`` ``%SRCROOT%``
  (the checkout, as code scanning reads it); else relative to the working directory, with the
  same base; a path outside both is an absolute ``file:`` URI *without* a ``uriBaseId``
  (SARIF §3.4.4).
* Rules: one descriptor per (rule id, finding kind), because one claim rule yields
  contradictions (errors) and divergences (warnings) and code scanning keeps one alert
  per rule and line: ``ruleId`` is ``RULE/KIND`` (``ai-chips.training-gpus/contradiction``).
  Every descriptor is a function of its id alone (never of whichever finding came
  first): ``name``, ``shortDescription``, ``fullDescription``, ``help`` (text and
  Markdown), ``helpUri`` (when ``FACTCHECK_DOCS_URL`` names where the docs are published:
  an absolute URI is required), ``defaultConfiguration.level``, ``properties.tags``.
* ``partialFingerprints["factcheckClaim/v1"]`` hashes what the claim means (rule,
  finding kind, subject, metric, qualifiers, normalized value and unit), never its
  line.  Code scanning tracks alerts by its own ``primaryLocationLineHash`` (which the
  upload action computes) and the ``ruleId``; the claim hash is kept for other tools.
* level: error -> error, warning -> warning, info -> note.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import TextIO
from urllib.parse import quote

from .. import __version__
from ..amounts import decimal_text, value_text
from ..display import json_text, sarif_text
from ..model import DEFAULT_SEVERITY, Claim, Finding, Report
from .common import (REPEATS_NAMED, alert_sides, heading, message_text, place, related_sides, side_text,
                     sides, visible_findings)

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


#: Longer descriptions, by finding kind (SARIF fullDescription and help).
KIND_HELP = {
    "contradiction": "Two or more articles state the same fact (same subject, metric, qualifiers and time) with "
                     "values whose intervals do not overlap, even widened by the rule's tolerance. Check the "
                     "sources; correct the article that is wrong, or add a qualifier to the rule if the "
                     "articles speak of different things.",
    "divergence": "Articles state different values for the same subject and metric, and a qualifier differs "
                  "(another market, chip, model or period), so both may be right. Check that the article says "
                  "which one it means.",
    "arithmetic": "An article's own numbers do not produce a figure it states (count times price, a sum, a "
                  "conversion or a restated figure). Recompute the figure or correct its inputs.",
    "notice": "A suspected slip that is not a contradiction: a garbled model name, one name written two "
              "ways, a range whose unit is missing on one side, a number style that changes.",
    "consistent": "Articles agree on this fact: shown only on request, to prove it was understood.",
}
#: Where each kind is documented (anchors of docs/checks.md and docs/suppression.md).
DOC_ANCHORS = {
    "contradiction": "checks.md#how-numbers-are-compared",
    "divergence": "checks.md#how-numbers-are-compared",
    "consistent": "checks.md#how-numbers-are-compared",
    "arithmetic": "checks.md#rule-driven-checks-checks",
    "notice": "checks.md#notices",
}
SRCROOT = "%SRCROOT%"


def docs_url() -> str | None:
    """Where the docs are published (FACTCHECK_DOCS_URL, ending in '/'), for helpUri."""
    base = os.environ.get("FACTCHECK_DOCS_URL")
    if not base or "://" not in base:
        return None
    return base if base.endswith("/") else base + "/"


def doc_anchor(rule: str, kind: str) -> str:
    if rule.startswith("derive."):
        return "checks.md#generic-checks-no-rule-needed"
    if rule.startswith("factcheck."):
        return "suppression.md#suppressing-findings"
    return DOC_ANCHORS[kind]


def sarif_rule_id(finding: Finding) -> str:
    """``RULE/KIND``: one descriptor (and one alert family) per finding kind of a rule."""
    return f"{finding.rule}/{finding.kind}"


def repository_root(cwd: str | None = None) -> Path | None:
    """The closest directory from ``cwd`` upwards that holds ``.git``, or None."""
    here = Path(cwd or os.getcwd()).resolve()
    for directory in (here, *here.parents):
        if (directory / ".git").exists():
            return directory
    return None


def base_directory() -> Path:
    """What %SRCROOT% stands for: the repository root when one is known, else the working directory."""
    return repository_root() or Path.cwd().resolve()


def artifact_location(path: str) -> dict:
    """``{"uri": …, "uriBaseId": "%SRCROOT%"}`` for a path below the base directory
    (repository-relative, percent-encoded), ``{"uri": "file:///…"}`` for one outside it."""
    return dict(_artifact_location(path, str(Path.cwd()), str(base_directory())))


def artifact_uri(path: str) -> str:
    return artifact_location(path)["uri"]


@lru_cache(maxsize=4096)
def _artifact_location(path: str, cwd: str, base: str) -> tuple:
    if path.startswith("<"):  # <stdin>: no file
        return (("uri", quote(path.strip("<>").encode("utf-8", "surrogateescape"), safe="/")), ("uriBaseId", SRCROOT))
    absolute = Path(os.path.normpath(os.path.join(cwd, path)))
    try:
        rel = absolute.relative_to(base)
    except ValueError:
        return (("uri", absolute.as_uri()),)
    return (("uri", quote(PurePosixPath(*rel.parts).as_posix().encode("utf-8", "surrogateescape"), safe="/")), ("uriBaseId", SRCROOT))


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
    return {"artifactLocation": artifact_location(place(side)[0]), "region": region(side)}


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


def _camel(text: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in text.replace("/", ".").replace("_", "-")
                   .replace(".", "-").split("-") if part)


def rule_descriptor(rule: str, kind: str) -> dict:
    """The descriptor of ``RULE/KIND``: a function of the two alone, so it is the same in every run."""
    level = LEVELS[DEFAULT_SEVERITY[kind]]
    if rule.startswith("factcheck."):
        level = "warning"
    short = f"{KIND_DESCRIPTIONS[kind]} (rule {rule})"
    full = f"{KIND_HELP[kind]} Reported by rule {rule}."
    anchor = doc_anchor(rule, kind)
    suppress = f"<!-- factcheck: ignore {rule} reason -->"
    descriptor = {
        "id": f"{rule}/{kind}",
        "name": _camel(f"{rule}/{kind}"),
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "help": {"text": f"{KIND_HELP[kind]} To silence one paragraph, put {suppress} before it. "
                         f"Documented in docs/{anchor}.",
                 "markdown": f"**{kind}** ({rule}): {KIND_HELP[kind]}\n\nTo silence one paragraph, put "
                             f"`{suppress}` before it. Documented in `docs/{anchor}`."},
        "defaultConfiguration": {"level": level},
        "properties": {"tags": ["fact-consistency", kind], "kind": kind, "factcheckRule": rule},
    }
    base = docs_url()
    if base:
        descriptor["helpUri"] = base + anchor
    return descriptor


def _rule_descriptors(findings: list[Finding]) -> tuple[list[dict], dict[str, int]]:
    ids = sorted({(f.rule, f.kind) for f in findings})
    descriptors = [rule_descriptor(rule, kind) for rule, kind in ids]
    return descriptors, {d["id"]: i for i, d in enumerate(descriptors)}


#: Other sides listed as relatedLocations of one result.  GitHub shows at most 100 of them, and
def _result(finding: Finding, side, others: list, total_others: int, rule_index: int) -> dict:
    """One side of a finding; ``others`` are a few other sides (``common.related_sides``: those
    it disagrees with first) of the ``total_others`` there are."""
    related = []
    links = []
    for n, other in enumerate(others, start=1):
        path, line, _ = place(other)
        if isinstance(other, Claim):
            related.append({"id": n, "physicalLocation": physical_location(other),
                            "message": {"text": sarif_text(f"{side_text(other)} → {value_text(other.mention.quantity)}")}})
        else:
            related.append({"id": n, "physicalLocation": physical_location(other),
                            "message": {"text": sarif_text(side_text(other))}})
        links.append(f"[{sarif_text(path)}:{line}]({n})")
    for loc in finding.repeats[:REPEATS_NAMED]:  # the same slip in other articles (the message counts all)
        related.append({"id": len(related) + 1, "physicalLocation": physical_location(loc),
                        "message": {"text": sarif_text(f"the same finding: {side_text(loc)}")}})
    text = sarif_text(message_text(finding))
    if links:
        more = f" and {total_others - len(others):,} more" if total_others > len(others) else ""
        text += "; see " + ", ".join(links) + more
    this = side_text(side)
    if isinstance(side, Claim):
        this += f" → {value_text(side.mention.quantity)}"
    result = {
        "ruleId": sarif_rule_id(finding),
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": f"{finding.kind}: {sarif_text(heading(finding))}: {text} (here: {sarif_text(this)})"},
        "locations": [{"physicalLocation": physical_location(side)}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding, side)},
        "properties": {"kind": finding.kind, "rule": finding.rule, "subject": finding.subject,
                       "metric": finding.metric},
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
        for side in alert_sides(report, f):
            others = related_sides(f, side, all_sides)
            results.append(_result(f, side, others, len(all_sides) - 1, index[sarif_rule_id(f)]))
    notifications = [{"level": "error", "message": {"text": sarif_text(f"{p.code} {p.message}")},
                      "locations": [{"physicalLocation": {"artifactLocation": artifact_location(p.path)}}]}
                     for p in sorted(report.problems, key=lambda p: (p.path, p.code))]
    invocation = {"executionSuccessful": True}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    driver = {"name": "factcheck", "version": __version__, "semanticVersion": __version__}
    base = docs_url()
    if base:  # the tool's own page, beside each rule's helpUri (SARIF2005 asks for it)
        driver["informationUri"] = base
    driver["rules"] = rules
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "invocations": [invocation],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


#: Logs with at most this many results are indented (a person may read them); larger ones compact.
INDENTED_UP_TO = 100


def render(report: Report, out: TextIO, *, show_consistent: bool = False) -> None:
    log = document(report, show_consistent=show_consistent)
    # The log holds no Decimals, so the standard encoder writes it: indented for a log a person
    # may read, compact (the C encoder, many times faster, and half the size) for a large one.
    indent = 2 if len(log["runs"][0]["results"]) <= INDENTED_UP_TO else None
    out.write(json_text(log, indent=indent) + "\n")
