"""``html``: the corpus report as one self-contained page (``factcheck report --format html
-o FILE.html``), readable on a phone and printable.

    <h1> Fact-consistency report
    summary             articles, claims, findings by kind
    Disputed claims     one section per contradiction / arithmetic error / divergence: the
                        interval chart (render/chart.py), the table of every article's claim
                        with the quote, its interval and its cluster, the verdict and its
                        reason, the likely cause where one is known, how each side was read
    Notices             suspected typos and names written two ways
    Consistent claims   in brief
    Files not read

No network: no external font, style sheet, script or image; the charts are inline SVG.
Article text and rule text are untrusted: every piece of it goes through ``escape`` (text
and attribute values alike), and nothing from an article becomes a link, a tag or an
attribute name.  Deterministic: no timestamps, the order of every format, the same bytes
for the same input.

The pieces (``finding_section``, ``page``) are shared with the review page of
``factcheck serve``.
"""

from __future__ import annotations

import re
from typing import Iterable, TextIO

from ..amounts import value_text
from ..model import Claim, Finding, Location, Report
from . import chart
from .common import (DISPUTED_KINDS, KIND_LABELS, heading, kind_counts, place, qualifiers_text, repeats_text,
                     same_sentence,
                     side_sentence, sorted_claims, sorted_locations, visible_findings)

TITLE = "Fact-consistency report"
CLUSTER_NAMES = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#: Runs of whitespace (line breaks included) shown as one space in a quote.
_WHITESPACE = re.compile(r"\s+")


def escape(text: str) -> str:
    """Untrusted text made inert in HTML text and in quoted attribute values."""
    return chart.xml(text)


CSS = """\
:root{--red:#dc2626;--amber:#d97706;--grey:#6b7280;--ink:#111827;--line:#e5e7eb}
*{box-sizing:border-box}
body{margin:0;font:16px/1.55 system-ui,-apple-system,"Segoe UI","PingFang SC","Noto Sans CJK SC",sans-serif;
color:var(--ink);background:#fff}
main{max-width:62rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.5rem 0 1rem}h2{font-size:1.3rem;border-bottom:2px solid var(--line);margin-top:2rem}
h3{font-size:1.1rem;margin:1.5rem 0 .4rem}
.finding{border:1px solid var(--line);border-left:6px solid var(--grey);border-radius:6px;padding:.2rem 1rem 1rem;
margin:1rem 0;break-inside:avoid}
.finding.contradiction,.finding.arithmetic{border-left-color:var(--red)}.finding.divergence{border-left-color:var(--amber)}
.meta{color:#4b5563;font-size:.9rem;margin:.2rem 0}
figure.chart{margin:.6rem 0;overflow-x:auto}figure.chart svg{max-width:100%;height:auto}
figcaption{font-size:.85rem;color:#4b5563}
.swatch{display:inline-block;width:.9em;height:.9em;border-radius:2px;vertical-align:-.1em;margin:0 .25em 0 .6em}
.swatch.hatch{background:repeating-linear-gradient(45deg,#6b7280 0 2px,#fff 2px 5px)}
.swatch.conflict{background:rgba(220,38,38,.15);border:1px dashed var(--red)}
.table{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.5rem 0}
th,td{border:1px solid var(--line);padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#f9fafb}td.num{white-space:nowrap}td.path{word-break:break-all;min-width:7rem;max-width:11rem}
td.quote{min-width:16rem}
.quote b{background:#fef08a}
.cluster{display:inline-block;min-width:1.4em;text-align:center;color:#fff;border-radius:3px;font-weight:600}
.verdict{margin:.6rem 0}.cause{margin:.4rem 0;padding:.4rem .6rem;background:#fff7ed;border-radius:4px}
.detail{font-size:.85rem;color:#374151;white-space:pre-wrap;background:#f9fafb;padding:.5rem .7rem;border-radius:4px}
.counts td:last-child{text-align:right}
code{font-size:.88em;background:#f3f4f6;padding:0 .2em;border-radius:3px}
@media (max-width:40rem){body{font-size:15px}main{padding:.5rem}.finding{padding:.2rem .6rem .6rem}}
@media print{body{font-size:11pt}main{max-width:none}.finding{border-color:#999}a{color:inherit}}
"""


#: A report runs no script and loads nothing: even text that slipped through could not act.
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def page(title: str, body: str, *, css: str = "", script: str = "") -> str:
    """A whole HTML document: the shared style, ``body`` (already escaped HTML), and an
    optional inline script (the review page's)."""
    parts = ['<!DOCTYPE html>\n<html lang="zh">\n<head>\n<meta charset="utf-8">\n',
             '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
             "" if script else f'<meta http-equiv="Content-Security-Policy" content="{REPORT_CSP}">\n',
             f"<title>{escape(title)}</title>\n<style>\n{CSS}{css}</style>\n</head>\n<body>\n",
             body, "\n"]
    if script:
        parts.append(f"<script>{script}</script>\n")  # exactly the text a CSP hash covers
    parts.append("</body>\n</html>\n")
    return "".join(parts)


# --- pieces -----------------------------------------------------------------------------


def quote_html(side: Claim | Location, finding: Finding | None = None) -> str:
    """The sentence around a side, escaped, with the number (or name) in ``<b>``."""
    siblings = same_sentence(finding, side) if finding is not None and not isinstance(side, Claim) else None
    sentence, start, end = side_sentence(side, siblings)
    before, after = _WHITESPACE.sub(" ", sentence[:start]).lstrip(), _WHITESPACE.sub(" ", sentence[end:]).rstrip()
    return f"{escape(before)}<b>{escape(sentence[start:end])}</b>{escape(after)}"


def _cluster_chip(k: int) -> str:
    colour = chart.PALETTE[k % len(chart.PALETTE)]
    return f'<span class="cluster" style="background:{colour}">{CLUSTER_NAMES[k % len(CLUSTER_NAMES)]}</span>'


def _claims_table(finding: Finding, agree: chart.Agreement | None, intervals) -> str:
    head = "<tr><th>Article</th><th>Line</th><th>Quote</th><th>Value</th><th>Interval</th>" \
           + ("<th>Cluster</th>" if agree else "") + "<th>Qualifiers</th><th>Source</th></tr>"
    index = {id(c): i for i, c in enumerate(finding.claims)}
    rows = [head]
    for claim in sorted_claims(finding):
        i = index[id(claim)]
        path, line, col = place(claim)
        q = claim.mention.quantity
        iv = chart._interval_shown(intervals[i], q.unit, q.classifier) if intervals else ""
        if claim.negated:
            iv = f"denied: {iv}"
        cells = [escape(path), f"{line}:{col}", quote_html(claim),
                 escape(value_text(q)), escape(iv)]
        if agree:
            cells.append(_cluster_chip(agree.cluster[i]))
        cells += [escape(qualifiers_text(claim.qualifiers)) or "—", escape(claim.source) if claim.source else "—"]
        classes = {0: "path", 1: "num", 2: "quote", 3: "num", 4: "num"}
        rows.append("<tr>" + "".join(f'<td class="{classes[n]}">{c}</td>' if n in classes else f"<td>{c}</td>"
                                     for n, c in enumerate(cells)) + "</tr>")
    return '<div class="table"><table>' + "".join(rows) + "</table></div>"


def _locations_table(finding: Finding) -> str:
    rows = ["<tr><th>Article</th><th>Line</th><th>Text</th><th>Context</th></tr>"]
    for loc in sorted_locations(finding):
        rows.append(f"<tr><td class=\"path\">{escape(loc.path)}</td><td class=\"num\">{loc.line}:{loc.col}</td>"
                    f"<td>{escape(loc.text)}</td><td class=\"quote\">{quote_html(loc, finding)}</td></tr>")
    return '<div class="table"><table>' + "".join(rows) + "</table></div>"


def _legend(finding: Finding, agree: chart.Agreement, intervals) -> str:
    parts = []
    for k in range(agree.clusters):
        members = [i for i, c in enumerate(agree.cluster) if c == k]
        values = " / ".join(dict.fromkeys(" ".join(finding.claims[i].mention.text.split()) for i in members[:4]))
        more = f" … ({len(members)} claims)" if len(members) > 4 else ""
        parts.append(f'<span class="swatch" style="background:{chart.PALETTE[k % len(chart.PALETTE)]}"></span>'
                     f"cluster {CLUSTER_NAMES[k % len(CLUSTER_NAMES)]}: {escape(values)}{more}")
    if agree.conflicts:
        parts.append('<span class="swatch conflict"></span>conflict (values that cannot both hold)')
    if any(c.mention.quantity.bound == "approx" or c.mention.quantity.vague for c in finding.claims):
        parts.append('<span class="swatch hatch"></span>approximate')
    parts.append(" · bar end: tick = closed, circle = open, arrow = unbounded")
    return "<figcaption>" + "".join(parts) + "</figcaption>"


def likely_causes(finding: Finding, notices: Iterable[Finding]) -> list[str]:
    """What probably explains a finding: its own ``cause`` where the finding carries one,
    and any notice (a garbled name, a number-style slip) in the sentence of one of its
    claims."""
    out = []
    own = getattr(finding, "cause", None)
    if own:
        out.append(str(own))
    where = {(c.path, c.sentence_start): c for c in finding.claims}
    sentences = {(c.path, c.sentence) for c in finding.claims}
    for notice in notices:
        for loc in notice.locations:
            if (loc.path, loc.sentence) in sentences or any(
                    loc.path == p and s <= loc.start < s + len(c.sentence) for (p, s), c in where.items()):
                out.append(f"{notice.message} ({loc.path}:{loc.line}:{loc.col})")
                break
    return list(dict.fromkeys(out))


def finding_section(finding: Finding, n: int, *, tolerances: chart.Tolerances | None = None,
                    notices: Iterable[Finding] = (), ident: str | None = None, level: int = 3) -> str:
    """One disputed claim as an ``<article>``: heading, chart, table, verdict, cause, detail."""
    kind = KIND_LABELS[finding.kind][0]
    ident = ident or f"finding-{n}"
    out = [f'<article class="finding {finding.kind}" id="{escape(ident)}" data-kind="{finding.kind}">',
           f"<h{level}>{n}. {escape(kind.capitalize())}: {escape(heading(finding))}</h{level}>",
           f'<p class="meta">Rule <code>{escape(finding.rule)}</code> · severity <strong>'
           f"{escape(finding.severity)}</strong></p>"]
    agree, intervals = None, None
    if finding.claims:
        intervals = chart.claim_intervals(finding, tolerances)
    if chart.charted(finding):
        agree = chart.agreement(finding, intervals)
        out.append(f'<figure class="chart">{chart.svg(finding, tolerances=tolerances, ident=ident)}'
                   f"{_legend(finding, agree, intervals)}</figure>")
    if finding.claims:
        out.append(_claims_table(finding, agree, intervals))
    if finding.locations:
        out.append(_locations_table(finding))
    verdict = f"<strong>Verdict:</strong> {escape(kind)}"
    if finding.differs:
        verb = "differs" if len(finding.differs) == 1 else "differ"
        verdict += f" ({escape(', '.join(finding.differs))} {verb})"
    out.append(f'<p class="verdict">{verdict}. {escape(finding.message)}</p>')
    for cause in likely_causes(finding, notices):
        out.append(f'<p class="cause"><strong>Likely cause:</strong> {escape(cause)}</p>')
    if finding.repeats:
        out.append(f'<p class="repeats"><strong>Repeated:</strong> {escape(repeats_text(finding))}</p>')
    if finding.detail:
        lines = [escape(l.strip()) for l in finding.detail.splitlines() if l.strip()]
        title = "Computation" if finding.kind == "arithmetic" else "How each side was read"
        out.append(f'<div class="detail"><strong>{title}</strong>\n' + "\n".join(lines) + "</div>")
    out.append("</article>")
    return "\n".join(out)


def _notice_section(finding: Finding) -> str:
    about = escape(heading(finding)) if (finding.subject or finding.metric) else ""
    out = [f'<article class="finding notice" data-kind="notice"><h3><code>{escape(finding.rule)}</code>'
           f"{' · ' + about if about else ''}</h3>",
           f"<p>{escape(finding.message)} (severity <strong>{escape(finding.severity)}</strong>)</p>"]
    if finding.repeats:
        out.append(f'<p class="repeats"><strong>Repeated:</strong> {escape(repeats_text(finding))}</p>')
    if finding.locations:
        out.append(_locations_table(finding))
    if finding.claims:
        out.append(_claims_table(finding, None, chart.claim_intervals(finding)))
    out.append("</article>")
    return "\n".join(out)


def _consistent_item(finding: Finding) -> str:
    again = f" ({escape(repeats_text(finding))})" if finding.repeats else ""
    parts = []
    for claim in sorted_claims(finding):
        path, line, _ = place(claim)
        parts.append(f"{escape(path)}:{line} “{escape(claim.mention.text)}” "
                     f"({escape(value_text(claim.mention.quantity))})")
    return (f"<li><strong>{escape(heading(finding))}</strong> (<code>{escape(finding.rule)}</code>): "
            f"{escape(finding.message)} — {'; '.join(parts)}{again}</li>")


def _summary(report: Report, findings: list[Finding]) -> str:
    counts = kind_counts(findings)
    rows = []
    for kind in ("contradiction", "arithmetic", "divergence", "notice", "consistent"):
        if kind == "consistent" and not counts[kind]:
            continue
        rows.append(f"<tr><td>{KIND_LABELS[kind][1]}</td><td>{counts.get(kind, 0)}</td></tr>")
    return (f'<section id="summary"><h2>Summary</h2><p><strong>{report.documents}</strong> articles, '
            f"<strong>{report.claims}</strong> claims.</p>"
            f'<table class="counts"><tr><th>Findings</th><th>Count</th></tr>{"".join(rows)}</table></section>')


def render_text(report: Report, *, show_consistent: bool = False, tolerances: chart.Tolerances | None = None) -> str:
    findings = visible_findings(report, show_consistent)
    disputed = [f for kind in DISPUTED_KINDS for f in findings if f.kind == kind]
    notices = [f for f in findings if f.kind == "notice"]
    consistent = [f for f in findings if f.kind == "consistent"]
    body = [f"<main>\n<h1>{TITLE}</h1>", _summary(report, findings), '<section id="disputed"><h2>Disputed claims</h2>']
    if disputed:
        body += [finding_section(f, n, tolerances=tolerances, notices=notices) for n, f in enumerate(disputed, 1)]
    else:
        body.append("<p>No contradictions, divergences or arithmetic errors.</p>")
    body.append("</section>")
    if notices:
        body += ['<section id="notices"><h2>Notices</h2>', *map(_notice_section, notices), "</section>"]
    if show_consistent:
        items = [_consistent_item(f) for f in consistent] or ["<li>None shown.</li>"]
        body += ['<section id="consistent"><h2>Consistent claims</h2><ul>', *items, "</ul></section>"]
    if report.problems:
        body += ['<section id="problems"><h2>Files not read</h2><ul>']
        body += [f"<li>{escape(p.path)}: {escape(p.code)} {escape(p.message)}</li>"
                 for p in sorted(report.problems, key=lambda p: (p.path, p.code))]
        body += ["</ul></section>"]
    body.append("</main>")
    return page(TITLE, "\n".join(body))


def render(report: Report, out: TextIO, *, show_consistent: bool = False,
           tolerances: chart.Tolerances | None = None) -> None:
    out.write(render_text(report, show_consistent=show_consistent, tolerances=tolerances))


__all__ = ["CSS", "TITLE", "escape", "finding_section", "likely_causes", "page", "quote_html", "render",
           "render_text"]
