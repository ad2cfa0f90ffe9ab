"""The HTML report (render/html.py), the interval charts (render/chart.py), the terminal
interval line and the Markdown report's chart files."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from checker.cli import main
from checker.commands import report as report_command
from checker.model import Finding, Quantity
from checker.render import chart, render_report_text

from conftest import ROOT, build_seed_report, claim_in, seed_document

D = Decimal


class Tags(HTMLParser):
    """Every tag and attribute of a page, and the text of its scripts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def parse(html: str) -> Tags:
    p = Tags()
    p.feed(html)
    return p


#: What a report may contain: no script, no image, no link out, no event handler.
REPORT_TAGS = {"html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "h3", "section", "article",
               "p", "strong", "code", "figure", "figcaption", "span", "div", "table", "tr", "th", "td", "b", "ul",
               "li", "svg", "defs", "pattern", "rect", "line", "g", "text", "circle", "path"}


#: Attributes a report may use: none takes a URL (fill takes url(#id) of the chart's own patterns).
REPORT_ATTRIBUTES = {"lang", "charset", "name", "content", "http-equiv", "id", "class", "style", "data-kind",
                     "data-claim", "data-cluster", "xmlns", "viewbox", "width", "height", "role", "aria-label",
                     "font-family", "font-size", "patternunits", "patterntransform", "fill", "fill-opacity",
                     "stroke", "stroke-width", "stroke-dasharray", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy",
                     "r", "d", "text-anchor"}


def assert_inert(html: str) -> None:
    """No tag outside REPORT_TAGS, no attribute outside REPORT_ATTRIBUTES (so no on* handler
    and no href/src that javascript: could ride in), no reference outside the page."""
    tags = parse(html)
    assert {t for t, _ in tags.tags} <= REPORT_TAGS, {t for t, _ in tags.tags} - REPORT_TAGS
    for tag, attrs in tags.tags:
        for name, value in attrs.items():
            assert name in REPORT_ATTRIBUTES, (tag, name, value)
            if name == "fill" and "url(" in (value or ""):
                assert re.fullmatch(r"url\(#[\w-]+\)", value), value
            if name == "style":
                assert re.fullmatch(r"background:#[0-9a-f]{6}", value), value
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg\")", html), "a reference outside the page"


# --- the report of the seeds ----------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds_html():
    return render_report_text(build_seed_report(), "html", show_consistent=True)


def sections(html: str) -> list[str]:
    return re.findall(r'<article class="finding (\w+)".*?</article>', html, flags=re.S)


def test_one_chart_per_compared_disputed_claim(seeds_html):
    """A contradiction and a divergence each get a number line; an arithmetic error relates
    different quantities and shows its computation instead."""
    kinds = sections(seeds_html)
    assert kinds == ["contradiction", "arithmetic", "divergence", "notice"]
    blocks = re.findall(r'<article class="finding (\w+)".*?</article>', seeds_html, flags=re.S)
    bodies = re.findall(r'(<article class="finding \w+".*?</article>)', seeds_html, flags=re.S)
    charts = {kind: body.count("<svg") for kind, body in zip(blocks, bodies)}
    assert charts == {"contradiction": 1, "arithmetic": 0, "divergence": 1, "notice": 0}
    assert "<strong>Computation</strong>" in bodies[1]


def test_contradiction_chart_shows_clusters_the_conflict_unit_and_scale(seeds_html):
    body = re.search(r'<article class="finding contradiction".*?</article>', seeds_html, flags=re.S).group(0)
    svg = re.search(r"<svg.*?</svg>", body, flags=re.S).group(0)
    bars = re.findall(r'<g class="bar" data-claim="(\d)" data-cluster="(\d)">', svg)
    # 5万张 and 3万-5万张 agree (cluster 0); 10萬張 is alone (cluster 1)
    assert sorted(bars) == [("0", "0"), ("1", "0"), ("2", "1")]
    assert svg.count('class="conflict"') == 1
    assert "unit: 张 · linear scale" in svg
    assert "2 clusters, 1 conflict" in svg
    # the table names each claim's cluster and interval
    assert "[4.5万张, 5.5万张)" in body and "[3万张, 5万张]" in body
    assert 'class="cluster" style="background:#d97706">B</span>' in body


def test_likely_cause_names_the_notice_in_the_claims_sentence(seeds_html):
    body = re.search(r'<article class="finding contradiction".*?</article>', seeds_html, flags=re.S).group(0)
    assert "Likely cause:</strong> &#39;p00&#39; looks like a garbled &#39;H100&#39;" in body


def test_report_is_self_contained_and_runs_nothing(seeds_html):
    assert_inert(seeds_html)
    assert "<script" not in seeds_html
    assert 'http-equiv="Content-Security-Policy"' in seeds_html
    assert '<meta name="viewport"' in seeds_html and "@media print" in seeds_html


def test_html_is_deterministic():
    a = render_report_text(build_seed_report(), "html", show_consistent=True)
    report = build_seed_report()
    report.findings.reverse()
    assert render_report_text(report, "html", show_consistent=True) == a


# --- escaping ---------------------------------------------------------------------------------

HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "javascript:alert(1)",
           "' onmouseover='alert(1)"]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_article_text_and_rule_text_are_inert(hostile):
    report = build_seed_report()
    f = report.findings[0]
    c = f.claims[0]
    sentence = hostile + c.mention.text + hostile
    c2 = replace(c, sentence=sentence, sentence_start=c.mention.start - len(hostile), path=f"seeds/{hostile}.txt",
                 source=hostile, qualifiers=(("chip", hostile),))
    report.findings[0] = replace(f, claims=(c2, *f.claims[1:]), message=f"{hostile} label", rule=hostile,
                                 subject=hostile, metric=hostile, detail=hostile)
    html = render_report_text(report, "html", show_consistent=True)
    assert_inert(html)
    if any(ch in hostile for ch in "<>\"'"):
        assert hostile not in html  # never as markup
    else:
        assert hostile in html  # plain text, shown as such (assert_inert: never in a link)


def write_hostile_corpus(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "x.yaml").write_text("""\
name: x
entities:
  acme:
    names: [艾克米]
claims:
  - id: share
    label: '<script>alert(1)</script> "><img src=x onerror=alert(1)> javascript:alert(1)'
    subject: acme
    metric: share
    words: [份额]
    unit: percent
""", encoding="utf-8")
    (tmp_path / "a.md").write_text("艾克米的份额是98%。<script>alert(1)</script>\n", encoding="utf-8")
    (tmp_path / "b.md").write_text('艾克米的份额是50%。"><img src=x onerror=alert(1)> javascript:alert(1)\n',
                                   encoding="utf-8")
    return rules


def test_hostile_rule_label_and_articles_through_the_command_line(tmp_path, monkeypatch):
    rules = write_hostile_corpus(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["report", "a.md", "b.md", "--rules", str(rules), "-o", "r.html", "--no-progress"]) == 1
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 1  # the contradiction, drawn
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the label, shown as text
    assert_inert(html)


# --- clusters and scales ---------------------------------------------------------------------


def q(low, high, bound="exact", unit="count", step=None, classifier="张"):
    return Quantity(None if low is None else D(low), None if high is None else D(high), bound, unit,
                    classifier=classifier, step=None if step is None else D(step))


def finding_of(*quantities, conflicts=None):
    doc = seed_document("000")
    claims = [claim_in(doc, "5万张", "5万张", qty, rule="r", subject="s", metric="m") for qty in quantities]
    f = Finding(kind="contradiction", severity="error", rule="r", subject="s", metric="m", message="",
                claims=tuple(claims))
    if conflicts is None:
        return f
    return replace(f, conflicts=tuple(tuple(p) for p in conflicts))


ACCEPT = [
    # quantities                                                     clusters          conflicts
    ((q(30000, 50000, step=10000), q(50000, 50000, step=10000), q(100000, 100000, step=10000)),
     (0, 0, 1), ((1, 2),)),
    ((q(98, 98, unit="percent", step=1), q(80, None, "gt", unit="percent")), (0, 0), ()),
    ((q(32, 32, step=1), q(33, 33, step=1)), (0, 1), ((0, 1),)),  # half-open: adjacent integers do not agree
    ((q(1, 1, step=1), q(5, 5, step=1), q(9, 9, step=1)), (0, 1, 2), ((0, 1), (1, 2))),
    ((q(10, 20), q(15, 30), q(25, 40)), (0, 0, 0), ()),  # a chain is one cluster
]


@pytest.mark.parametrize("quantities, clusters, conflicts", ACCEPT)
def test_agreement_clusters_overlapping_intervals(quantities, clusters, conflicts):
    f = finding_of(*quantities)
    got = chart.agreement(f, chart.claim_intervals(f))
    assert got.cluster == clusters
    assert got.conflicts == conflicts


def test_agreement_reads_the_findings_conflicts_when_given():
    f = finding_of(q(10, 20), q(15, 30), q(25, 40), conflicts=[[2, 0], [0, 2], [5, 1]])
    got = chart.agreement(f, chart.claim_intervals(f))
    assert got.cluster == (0, 0, 0) and got.conflicts == ((0, 2),)


def test_scale_is_log_over_orders_of_magnitude():
    f = finding_of(q(350000, 350000, step=10000), q(90000000000, 90000000000, "approx", step=10000000000))
    scale = chart.Scale(chart.claim_intervals(f), 0, 100)
    assert scale.log and scale.x(D(350000)) < 10 < 90 < scale.x(D(90000000000))
    assert "log scale" in chart.svg(f)
    assert not chart.Scale(chart.claim_intervals(finding_of(q(3, 3), q(9, 9))), 0, 100).log


def test_svg_marks_ends_bounds_and_approximations():
    f = finding_of(q(13, None, "ge", unit="times", classifier=None), q(5, 5, "approx", unit="times", step=1,
                                                                          classifier=None),
                   q(3, 3, unit="times", step=1, classifier=None))
    svg = chart.svg(f, ident="t")
    assert svg.count('class="bar"') == 3
    assert '<path d="M' in svg  # the arrow of ≥13倍, open to the right
    assert 'fill="url(#t-h' in svg  # ≈5倍 hatched
    assert '<circle' in svg  # the open upper end of 3倍 ([2.5, 3.5))
    assert chart.svg(f, ident="t") == svg


def test_tolerance_widens_the_drawn_interval():
    f = finding_of(q(100, 100, step=1), q(104, 104, step=1))
    assert chart.agreement(f, chart.claim_intervals(f)).conflicts == ((0, 1),)
    wide = chart.claim_intervals(f, {"r": (D("0.05"), True)})
    assert chart.agreement(f, wide).conflicts == ()


def test_many_claims_are_bounded_in_the_chart():
    f = finding_of(*[q(i, i, step=1) for i in range(1, 40)])
    svg = chart.svg(f)
    assert svg.count('class="bar"') == chart.MAX_ROWS and "and 25 more claims not drawn" in svg


# --- terminal and Markdown -----------------------------------------------------------------


def test_terminal_draws_an_interval_line_per_contradiction():
    text = render_report_text(build_seed_report(), "rich")
    lines = text.splitlines()
    at = next(i for i, l in enumerate(lines) if l.strip().startswith("conflict") and "×" in l)
    assert "█" in lines[at - 2] and "▓" in lines[at - 1]  # 3万-5万张 in one cluster, 10萬張 in the other
    assert "张, linear scale" in lines[at + 1]
    assert text.count("linear scale") + text.count("log scale") == 1  # contradictions only


def test_markdown_report_links_its_chart_files(tmp_path, monkeypatch):
    monkeypatch.setattr(report_command, "build_report", lambda args, config, ruleset=None: build_seed_report())
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.charts").mkdir()
    (tmp_path / "r.charts" / "9.svg").write_text("stale", encoding="utf-8")
    (tmp_path / "r.charts" / "notes.txt").write_text("mine", encoding="utf-8")
    main(["report", "x", "-o", "r.md"])
    md = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert re.findall(r"\]\((r\.charts/\d\.svg)\)", md) == ["r.charts/1.svg", "r.charts/3.svg"]
    assert sorted(p.name for p in (tmp_path / "r.charts").iterdir()) == ["1.svg", "3.svg", "notes.txt"]
    assert (tmp_path / "r.charts" / "1.svg").read_text(encoding="utf-8").startswith("<svg xmlns=")


@pytest.mark.parametrize("argv, fmt", [(["-o", "r.html"], "html"), (["-o", "r.HTM"], "html"),
                                       (["-o", "r.md"], "markdown"), (["-o", "r.txt", "--format", "html"], "html"),
                                       (["-o", "r.html", "--format", "markdown"], "markdown")])
def test_report_format_follows_the_output_suffix(argv, fmt):
    from checker.cli import build_parser

    args = build_parser().parse_args(["report", "x", *argv])
    assert report_command.report_format(args.format, args.output) == fmt


def test_shipped_html_report_is_current(update_golden):
    """reports/seeds.html is what `factcheck report seeds/ --format html -o reports/seeds.html`
    writes today.  Regenerate with `pytest tests/test_html.py --update-golden`."""
    import os

    from checker import pipeline
    from checker.commands import rule_tolerances
    from checker.config import resolve_config

    shipped = ROOT / "reports" / "seeds.html"
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        from checker.cli import build_parser

        args = build_parser().parse_args(["report", "seeds/", "--format", "html", "-o", "reports/seeds.html",
                                          "--no-progress"])
        config = resolve_config(None)
        ruleset = pipeline.resolve_rules(None, config)
        text = render_report_text(report_command.build_report(args, config, ruleset), "html", show_consistent=True,
                                  tolerances=rule_tolerances(ruleset))
    finally:
        os.chdir(cwd)
    if update_golden:
        shipped.write_bytes(text.encode("utf-8"))
    assert shipped.exists(), "reports/seeds.html is missing; run pytest tests/test_html.py --update-golden"
    assert shipped.read_bytes() == text.encode("utf-8"), "reports/seeds.html is stale"
    assert_inert(text)
    # every contradiction and divergence of the seeds has its chart
    kinds = re.findall(r'<article class="finding (\w+)"', text)
    charts = sum(1 for k in kinds if k in ("contradiction", "divergence"))
    assert text.count("<svg") == charts >= 4
