"""``markdown``: the corpus report (``factcheck report -o FILE.md``, or ``check --format
markdown`` to stdout), readable in any Markdown viewer.

    # Fact-consistency report
    summary: articles, claims, findings by kind
    ## Disputed claims      one section per contradiction / arithmetic error / divergence:
                            a table of every article's value, then the verdict and its reason
    ## Notices              suspected typos and names written two ways
    ## Consistent claims    in brief (only when consistent findings are shown)
    ## Files not read

Deterministic: no timestamps, findings and table rows sorted, so the same input
gives the same bytes.  Article text is escaped for Markdown and HTML (``|`` in
tables, ``<``, ``&``, emphasis characters); the number in a quote is marked with
``<b>`` (``**`` does not work next to CJK punctuation such as ``98%的``).
"""

from __future__ import annotations

from typing import Mapping, TextIO
from urllib.parse import quote

from ..amounts import value_text
from ..display import display, markdown as _markdown
from ..model import Claim, Finding, Report
from . import chart
from .common import (DISPUTED_KINDS, KIND_LABELS, heading, kind_counts, place, qualifiers_text, repeats_text,
                     same_sentence, side_sentence, side_text, sorted_claims, sorted_locations,
                     visible_findings)

TITLE = "Fact-consistency report"


def escape(text: str, *, strip: bool = True) -> str:
    """Article text made inert for Markdown and HTML, on one line (``checker.display.markdown``)."""
    return _markdown(text, strip=strip)


def code(text: str) -> str:
    """An identifier (rule id) as inline code; backticks cannot occur in ids, but be safe."""
    return "`" + display(text).replace("`", "'") + "`"


def quote_cell(side, finding: Finding | None = None) -> str:
    siblings = same_sentence(finding, side) if finding is not None and not isinstance(side, Claim) else None
    sentence, start, end = side_sentence(side, siblings)
    before = escape(sentence[:start].lstrip(), strip=False)
    after = escape(sentence[end:].rstrip(), strip=False)
    return f"{before}<b>{escape(sentence[start:end])}</b>{after}"


def _claims_table(finding: Finding) -> list[str]:
    rows = ["| Article | Line | Quote | Value | Qualifiers | Source |", "|---|---:|---|---|---|---|"]
    for claim in sorted_claims(finding):
        path, line, col = place(claim)
        cells = [escape(path), f"{line}:{col}", quote_cell(claim), escape(value_text(claim.mention.quantity)),
                 escape(qualifiers_text(claim.qualifiers)) or "—",
                 escape(claim.source) if claim.source else "—"]
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def _locations_table(finding: Finding) -> list[str]:
    rows = ["| Article | Line | Text | Context |", "|---|---:|---|---|"]
    for loc in sorted_locations(finding):
        rows.append(f"| {escape(loc.path)} | {loc.line}:{loc.col} | {escape(loc.text)} | {quote_cell(loc, finding)} |")
    return rows


def _summary(report: Report, findings: list[Finding]) -> list[str]:
    lines = [f"**{report.documents}** articles, **{report.claims}** claims.", ""]
    lines += ["| Findings | Count |", "|---|---:|"]
    counts = kind_counts(findings)
    for kind in ("contradiction", "arithmetic", "divergence", "notice", "consistent"):
        if kind == "consistent" and not counts[kind]:
            continue
        lines.append(f"| {KIND_LABELS[kind][1]} | {counts.get(kind, 0)} |")
    return lines


def _disputed_section(n: int, finding: Finding, chart_link: str | None = None) -> list[str]:
    kind = KIND_LABELS[finding.kind][0]
    lines = [f"### {n}. {kind.capitalize()}: {escape(heading(finding))}", "",
             f"Rule {code(finding.rule)} · severity **{finding.severity}**", ""]
    if chart_link:
        # a name that is not UTF-8 keeps its bytes, percent-encoded
        target = quote(chart_link.encode("utf-8", "surrogateescape"))
        lines += [f"![Interval chart of every article's value]({target})", ""]
    if finding.claims:
        lines += _claims_table(finding) + [""]
    if finding.locations:
        lines += _locations_table(finding) + [""]
    verdict = f"**Verdict:** {kind}"
    if finding.differs:
        verb = "differs" if len(finding.differs) == 1 else "differ"
        verdict += f" ({escape(', '.join(finding.differs))} {verb})"
    lines += [f"{verdict}. {escape(finding.message)}", ""]
    if finding.cause:
        lines += [f"**Likely cause:** {escape(finding.cause)}", ""]
    if finding.archive:
        lines += [f"**Archive:** {escape(finding.archive)}", ""]
    if finding.repeats:
        lines += [f"**Repeated:** {escape(repeats_text(finding))}", ""]
    if finding.detail:
        # one quoted paragraph per line of the explanation (each side's normalization)
        detail = [escape(l) for l in finding.detail.splitlines() if l.strip()]
        lines += ["\n>\n".join(f"> {l}" for l in detail), ""]
    return lines


def _notice_section(finding: Finding) -> list[str]:
    about = escape(heading(finding)) if (finding.subject or finding.metric) else ""
    lines = [f"### {code(finding.rule)}{' · ' + about if about else ''}", "",
             f"{escape(finding.message)} (severity **{finding.severity}**)", ""]
    if finding.repeats:
        lines += [f"**Repeated:** {escape(repeats_text(finding))}", ""]
    if finding.locations:
        lines += _locations_table(finding) + [""]
    if finding.claims:
        lines += _claims_table(finding) + [""]
    return lines


def _consistent_item(finding: Finding) -> str:
    parts = []
    for claim in sorted_claims(finding):
        path, line, _ = place(claim)
        parts.append(f"{escape(path)}:{line} “{escape(side_text(claim))}” ({escape(value_text(claim.mention.quantity))})")
    where = "; ".join(parts)
    again = f" ({escape(repeats_text(finding))})" if finding.repeats else ""
    return f"- **{escape(heading(finding))}** ({code(finding.rule)}): {escape(finding.message)} — {where}{again}"


def disputed_findings(report: Report, show_consistent: bool = False) -> list[Finding]:
    """The disputed claims in the order of their numbered sections."""
    findings = visible_findings(report, show_consistent)
    return [f for kind in DISPUTED_KINDS for f in findings if f.kind == kind]


def chart_files(report: Report, *, show_consistent: bool = False, tolerances=None) -> dict[int, str]:
    """Section number -> the SVG of its interval chart (render/chart.py), for the
    disputed claims that get one; ``factcheck report`` writes them beside the Markdown
    (GitHub shows a linked SVG, not an inline one)."""
    return {n: chart.svg(f, tolerances=tolerances, ident=f"finding-{n}") + "\n"
            for n, f in enumerate(disputed_findings(report, show_consistent), start=1) if chart.charted(f)}


def render_text(report: Report, *, show_consistent: bool = False, chart_links: Mapping[int, str] | None = None
                ) -> str:
    """``chart_links``: section number -> the link of its chart (written by the caller)."""
    findings = visible_findings(report, show_consistent)
    links = chart_links or {}
    out = [f"# {TITLE}", "", "## Summary", ""] + _summary(report, findings) + [""]
    disputed = [f for kind in DISPUTED_KINDS for f in findings if f.kind == kind]
    notices = [f for f in findings if f.kind == "notice"]
    consistent = [f for f in findings if f.kind == "consistent"]
    out += ["## Disputed claims", ""]
    if disputed:
        for n, finding in enumerate(disputed, start=1):
            out += _disputed_section(n, finding, links.get(n))
    else:
        out += ["No contradictions, divergences or arithmetic errors.", ""]
    if notices:
        out += ["## Notices", ""]
        for finding in notices:
            out += _notice_section(finding)
    if show_consistent:
        out += ["## Consistent claims", ""]
        out += [_consistent_item(f) for f in consistent] or ["None shown."]
        out += [""]
    if report.problems:
        out += ["## Files not read", ""]
        out += [f"- {escape(p.path)}: {p.code} {escape(p.message)}"
                for p in sorted(report.problems, key=lambda p: (p.path, p.code))]
        out += [""]
    return "\n".join(out).rstrip("\n") + "\n"


def render(report: Report, out: TextIO, *, show_consistent: bool = False,
           chart_links: Mapping[int, str] | None = None) -> None:
    out.write(render_text(report, show_consistent=show_consistent, chart_links=chart_links))
