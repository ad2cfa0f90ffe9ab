"""A slip retold in many articles is one finding that names the others and counts every article
(checks/repeats.py), so a report grows with what is wrong, not with how often it was retold."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from checker import pipeline
from checker.render import render_report_text

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))

#: one phone maker's year retold by three sites with the same slip (a third is not 25%), and an
#: unrelated article with a slip of its own
RETOLD = "# 年报速读\n\n该厂商2023年智能手机出货量为1.46亿台，同比下降约三分之一（25%）。\n"
OTHER = "# 其他\n\n这家公司的净利润同比增长约四分之一（40%）。\n"


@pytest.fixture()
def corpus(tmp_path):
    for n in (1, 2, 3):
        (tmp_path / f"site{n}.md").write_text(f"---\ndate: 2024-0{n}-10\n---\n{RETOLD}", encoding="utf-8")
    (tmp_path / "other.md").write_text(f"---\ndate: 2024-04-10\n---\n{OTHER}", encoding="utf-8")
    return tmp_path


def _check(corpus, **kw):
    return pipeline.check([str(corpus)], **kw)


def test_a_slip_retold_in_three_articles_is_one_finding_that_names_the_other_two(corpus):
    report = _check(corpus)
    retold = [f for f in report.findings if "三分之一" in f.message]
    assert len(retold) == 1
    (finding,) = retold
    assert {c.path for c in finding.claims} == {str(corpus / "site1.md")}
    assert [Path(loc.path).name for loc in finding.repeats] == ["site2.md", "site3.md"]
    assert finding.occurrences == 3
    assert report.counts()["arithmetic"] == 4  # three retellings and the other article's own slip


def test_a_different_slip_is_not_folded(corpus):
    other = [f for f in _check(corpus).findings if "四分之一" in f.message]
    assert len(other) == 1 and other[0].repeats == ()


def test_the_same_slip_twice_in_one_article_is_two_findings_and_each_folds_its_retellings(tmp_path):
    twice = RETOLD + "\n重申：出货量同比下降约三分之一（25%）。\n"
    for n in (1, 2):
        (tmp_path / f"site{n}.md").write_text(f"---\ndate: 2024-0{n}-10\n---\n{twice}", encoding="utf-8")
    retold = [f for f in _check(tmp_path).findings if "三分之一" in f.message]
    assert [Path(c.path).name for f in retold for c in f.claims[:1]] == ["site1.md", "site1.md"]
    assert [[Path(loc.path).name for loc in f.repeats] for f in retold] == [["site2.md"], ["site2.md"]]
    assert "more article: " in render_report_text(_check(tmp_path), "plain")


def test_without_folding_every_article_keeps_its_own_finding(corpus):
    retold = [f for f in _check(corpus, fold=False).findings if "三分之一" in f.message]
    assert sorted({Path(c.path).name for f in retold for c in f.claims}) == ["site1.md", "site2.md", "site3.md"]
    assert all(f.repeats == () for f in retold)


def test_every_format_names_the_repeats_and_counts_every_article(corpus):
    report = _check(corpus)
    plain = render_report_text(report, "plain")
    assert plain.count("三分之一") == 2  # one line per side of the first article, not six
    line = next(l for l in plain.splitlines() if "三分之一" in l)
    assert re.search(r"site1\.md:6:\d+: error arithmetic.*the same in 2 more articles: .*site2\.md:6:\d+, .*site3\.md", line)
    assert plain.rstrip().endswith("4 arithmetic errors")
    doc = json.loads(render_report_text(report, "json"))
    (entry,) = [f for f in doc["findings"] if "三分之一" in f["message"]]
    assert entry["repeats"]["articles"] == 2
    assert [Path(a["path"]).name for a in entry["repeats"]["at"]] == ["site2.md", "site3.md"]
    assert doc["summary"]["findings"]["arithmetic"] == 4
    for fmt in ("rich", "markdown", "html"):
        assert "the same in 2 more articles" in render_report_text(report, fmt), fmt
    sarif = json.loads(render_report_text(report, "sarif"))
    related = [loc["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]
               if "三分之一" in r["message"]["text"] for loc in r.get("relatedLocations", ())]
    assert any(u.endswith("site2.md") for u in related) and any(u.endswith("site3.md") for u in related)
    junit = render_report_text(report, "junit")
    for name in ("site1.md", "site2.md", "site3.md"):  # each retelling fails in its own test suite
        suite = re.search(rf'<testsuite name="[^"]*{name}" tests="\d+" failures="(\d+)"', junit)
        assert suite and int(suite.group(1)) >= 1, name


def test_statistics_count_every_retelling(corpus):
    from checker.commands.settings import statistics_text

    rows = statistics_text(_check(corpus)).splitlines()
    assert rows[0].split() == ["4", "derive.restatement", "arithmetic"]
    assert rows[-1].split()[0] == "4"


def _retold_seeds(directory: Path, copies: int) -> Path:
    directory.mkdir()
    for src in SEEDS:
        text = src.read_text(encoding="utf-8")
        for k in range(copies):  # one date for every copy: retellings, not news of other days
            (directory / f"{src.stem}_{k:02d}.txt").write_text(f"date: 2024-03-01\n{text}", encoding="utf-8")
    return directory


def test_output_does_not_grow_with_how_often_the_seeds_are_retold(tmp_path):
    # both above the handful of claims a finding lists per cluster (compare.MAX_PER_CLUSTER)
    few = pipeline.check([str(_retold_seeds(tmp_path / "few", 6))])
    many = pipeline.check([str(_retold_seeds(tmp_path / "many", 12))])
    assert len(many.findings) == len(few.findings)
    assert sum(many.counts().values()) > sum(few.counts().values())  # every retelling is still counted
    for fmt in ("plain", "json", "sarif", "github", "rdjson", "markdown"):
        small, large = (len(render_report_text(r, fmt).encode("utf-8")) for r in (few, many))
        assert large < 1.1 * small, (fmt, small, large)
    results = [len(json.loads(render_report_text(r, "sarif"))["runs"][0]["results"]) for r in (few, many)]
    assert results[0] == results[1]
