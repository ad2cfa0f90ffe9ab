"""Likely causes of a disagreement: a common slip is named only where the arithmetic fits."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from checker import pipeline
from checker.checks.causes import likely_cause
from checker.extract import extract
from checker.load import document_from_text
from checker.model import Claim


def claim_of(sentence: str, *, path: str = "a.txt", date: str | None = "2024-05-01", which: int = -1) -> Claim:
    """The ``which``-th quantity of a sentence (the last by default) as a claim of one fact (rule t, subject x, metric m)."""
    doc = document_from_text(sentence, path=path, date=dt.date.fromisoformat(date) if date else None)
    mention = extract(doc)[which]
    return Claim(rule="t", subject="x", metric="m", qualifiers=(), mention=mention, path=path, sentence=sentence,
                 sentence_start=0, doc_date=doc.date)


#: (sentence of article a, its date, sentence of article b, its date, what the cause must say; "" for none)
ACCEPT = [
    # 万 ↔ 亿: 35万元 for 35亿元
    ("该公司去年营收为35亿元。", "2024-05-01", "该公司去年营收为35万元。", "2024-05-01", "万 and 亿 confused"),
    # thousand ↔ million: a price per thousand tokens read as per million
    ("每百万个token的价格为30美元。", "2024-05-01", "每百万个token的价格为0.03美元。", "2024-05-01",
     "thousand and million confused"),
    # digit transposition
    ("英伟达的市场份额为37.2%。", "2024-05-01", "英伟达的市场份额为32.7%。", "2024-05-01", "digit transposition"),
    # percent ↔ 个百分点
    ("份额提升了3个百分点。", "2024-05-01", "份额提升了3%。", "2024-05-01", "percent and percentage points"),
    # 元 in an article in Traditional Chinese is Hong Kong dollars: 100億港元 is about 91.3亿元 in 2024
    ("該公司去年營收為100億元。", "2024-05-01", "该公司去年营收为91亿元。", "2024-05-01", "Hong Kong dollars"),
    # … and New Taiwan dollars: 1,000億 TWD is about 222亿元 in 2024
    ("該公司去年營收為1,000億元。", "2024-05-01", "该公司去年营收为222亿元。", "2024-05-01", "New Taiwan dollars"),
    # a missing magnitude: 4,500美元 for 4,500亿美元
    ("其估值达到4,500亿美元。", "2024-05-01", "其估值达到4,500美元。", "2024-05-01", "missing magnitude"),
    # a stale figure: no slip fits, and one article is a year older
    ("英伟达的市场份额为80%。", "2023-03-01", "英伟达的市场份额为98%。", "2024-05-01", "stale figure"),
    # no slip fits and the articles are of one date: nothing is guessed
    ("英伟达的市场份额为80%。", "2024-05-01", "英伟达的市场份额为98%。", "2024-05-02", ""),
    ("需要10万张H100。", "2024-05-01", "需要3万-5万张H100。", "2024-05-01", ""),
    # near, but not a transposition (three digits differ) nor a magnitude (factor 2)
    ("份额为37.2%。", "2024-05-01", "份额为21.3%。", "2024-05-01", ""),
    ("营收为35亿元。", "2024-05-01", "营收为70亿元。", "2024-05-01", ""),
    # 元 in a Simplified article is 人民币: no currency is guessed
    ("该公司去年营收为100亿元。", "2024-05-01", "该公司去年营收为91亿元。", "2024-05-01", ""),
]


@pytest.mark.parametrize("a, date_a, b, date_b, expected", ACCEPT)
def test_a_cause_is_named_only_where_the_arithmetic_fits(a, date_a, b, date_b, expected):
    """Each common slip on sentences of its own; either order of the pair gives the same cause."""
    ca, cb = claim_of(a, path="a.txt", date=date_a), claim_of(b, path="b.txt", date=date_b)
    for x, y in ((ca, cb), (cb, ca)):
        cause = likely_cause(x, y)
        if expected:
            assert expected in cause, cause
        else:
            assert cause == ""


def test_the_currency_cause_shows_the_rate_and_the_converted_amount():
    cause = likely_cause(claim_of("該公司去年營收為100億元。", path="hk.txt"), claim_of("该公司去年营收为91亿元。"))
    assert "100億元 in HKD is about 91.3亿元 in 人民币" in cause
    assert "at 1 HKD = 0.913元" in cause


def test_the_stale_cause_names_the_older_article_and_the_gap():
    cause = likely_cause(claim_of("份额为80%。", path="old.txt", date="2023-03-01"),
                         claim_of("份额为98%。", path="new.txt", date="2024-05-01"))
    assert cause.startswith("a stale figure: old.txt:1 (80%) was published 2023-03-01, 14 months before new.txt:1")


def test_a_missing_magnitude_names_the_side_without_it():
    cause = likely_cause(claim_of("其估值达到4,500亿美元。", path="a.txt"), claim_of("其估值达到4,500美元。", path="b.txt"))
    assert cause.startswith("a missing magnitude: b.txt:1 writes 4,500美元")


@pytest.fixture()
def two_articles(tmp_path):
    (tmp_path / "a.md").write_text("---\ndate: 2024-05-01\n---\n英伟达在数据中心AI芯片市场的份额为37.2%。\n",
                                   encoding="utf-8")
    (tmp_path / "b.md").write_text("---\ndate: 2024-05-02\n---\n英伟达在数据中心AI芯片市场的份额为32.7%。\n",
                                   encoding="utf-8")
    return [str(tmp_path / "a.md"), str(tmp_path / "b.md")]


def test_a_contradiction_carries_its_cause_into_every_format(two_articles):
    from checker.render import render_report_text

    report = pipeline.check(two_articles)
    [finding] = [f for f in report.findings if f.kind == "contradiction"]
    assert "digit transposition" in finding.cause
    doc = json.loads(render_report_text(report, "json"))
    assert "digit transposition" in doc["findings"][0]["cause"]
    for fmt in ("plain", "rich", "markdown", "github", "sarif", "junit", "rdjson", "html"):
        assert "digit transposition" in render_report_text(report, fmt), fmt
