"""Suppression comments (checker/suppress.py) on real seed text."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from checker.load import document_from_text
from checker.model import Finding, Quantity
from checker.suppress import UNUSED_RULE, apply_suppressions, parse_suppressions

from conftest import SEEDS, claim_in

SEED_000 = (SEEDS / "000_4d0a8a5e27428347.txt").read_text(encoding="utf-8")
SHARE_LINE = "据富国银行统计显示,目前,英伟达在数据中心AI 市场拥有 98% 的市场份额"
PRICE_LINE = "英伟达p00的价格已经飙升至2.5万-3万美元"


def with_comment_before(text: str, anchor: str, comment: str) -> str:
    at = text.index(anchor)
    return text[:at] + comment + "\n" + text[at:]


def share_finding(doc, *, rule="ai-chips.nvidia-share"):
    claim = claim_in(doc, "英伟达在数据中心AI 市场拥有 98% 的市场份额", "98%",
                     Quantity(Decimal(98), Decimal(98), "exact", "percent"),
                     rule=rule, subject="nvidia", metric="market-share", qualifiers=[("market", "datacenter-ai")])
    return Finding(kind="divergence", severity="warning", rule=rule, subject="nvidia", metric="market-share",
                   message="98% and > 80% are shares of different markets", claims=(claim,))


def price_finding(doc):
    claim = claim_in(doc, PRICE_LINE, "2.5万-3万美元", Quantity(Decimal(25000), Decimal(30000), "exact", "USD"),
                     rule="ai-chips.h100-price", subject="nvidia", metric="unit-price", qualifiers=[("chip", "H100")])
    return Finding(kind="contradiction", severity="error", rule="ai-chips.h100-price", subject="nvidia",
                   metric="unit-price", message="x", claims=(claim,))


@pytest.mark.parametrize("comment, rule, reason, scope", [
    ("<!-- factcheck: ignore ai-chips.nvidia-share 富国银行 figure, checked -->", "ai-chips.nvidia-share",
     "富国银行 figure, checked", "paragraph"),
    ("<!--factcheck:ignore ai-chips.*-->", "ai-chips.*", "", "paragraph"),
    ("<!-- factcheck: ignore-file * wire copy -->", "*", "wire copy", "file"),
])
def test_parse_comment_forms(comment, rule, reason, scope):
    doc = document_from_text(with_comment_before(SEED_000, SHARE_LINE, comment), "seeds/000.txt")
    (s,) = parse_suppressions(doc)
    assert (s.rule, s.reason, s.scope) == (rule, reason, scope)
    assert doc.text[s.start:s.end] == comment
    assert s.line == 23 and s.col == 1


def test_txt_paragraph_is_the_next_line():
    """In a text file with one paragraph per line (the seeds), 'ignore' covers the next line only."""
    doc = document_from_text(with_comment_before(SEED_000, SHARE_LINE, "<!-- factcheck: ignore * -->"),
                             "seeds/000.txt")
    (s,) = parse_suppressions(doc)
    assert doc.text[s.region_start:s.region_end] == doc.line_text(24)
    assert doc.text[s.region_start:s.region_end].startswith(SHARE_LINE)


def test_markdown_paragraph_runs_to_the_blank_line():
    text = ("# 芯片\n\n<!-- factcheck: ignore ai-chips.nvidia-share 不同市场 -->\n"
            "英伟达在数据中心AI 市场拥有 98% 的市场份额,\n而 AMD 仅有1.2%。\n\n下一段 80%。\n")
    doc = document_from_text(text, "a.md")
    (s,) = parse_suppressions(doc)
    assert doc.text[s.region_start:s.region_end] == "英伟达在数据中心AI 市场拥有 98% 的市场份额,\n而 AMD 仅有1.2%。"


def test_paragraph_suppression_drops_the_finding_in_it():
    doc = document_from_text(
        with_comment_before(SEED_000, SHARE_LINE, "<!-- factcheck: ignore ai-chips.nvidia-share checked -->"),
        "seeds/000.txt")
    kept, notices = apply_suppressions([share_finding(doc), price_finding(doc)], parse_suppressions(doc))
    assert [f.rule for f in kept] == ["ai-chips.h100-price"]
    assert notices == []


def test_suppression_for_another_rule_keeps_the_finding_and_is_reported_unused():
    doc = document_from_text(
        with_comment_before(SEED_000, SHARE_LINE, "<!-- factcheck: ignore ai-chips.h100-price wrong rule -->"),
        "seeds/000.txt")
    kept, notices = apply_suppressions([share_finding(doc)], parse_suppressions(doc))
    assert [f.rule for f in kept] == ["ai-chips.nvidia-share"]
    (notice,) = notices
    assert (notice.kind, notice.severity, notice.rule) == ("notice", "warning", UNUSED_RULE)
    loc = notice.locations[0]
    assert (loc.path, loc.line, loc.col) == ("seeds/000.txt", 23, 1)
    assert "ai-chips.h100-price" in notice.message


def test_paragraph_suppression_does_not_reach_other_paragraphs():
    """The comment before the price line does not cover the share line further down."""
    doc = document_from_text(with_comment_before(SEED_000, PRICE_LINE, "<!-- factcheck: ignore * -->"),
                             "seeds/000.txt")
    kept, notices = apply_suppressions([share_finding(doc), price_finding(doc)], parse_suppressions(doc))
    assert [f.rule for f in kept] == ["ai-chips.nvidia-share"] and notices == []


@pytest.mark.parametrize("pattern, dropped", [("*", True), ("ai-chips.*", True), ("ai-chips.nvidia-share", True),
                                              ("ai-chips.nvidia", False), ("ai-*", True), ("other.*", False)])
def test_file_suppression_patterns(pattern, dropped):
    doc = document_from_text(f"<!-- factcheck: ignore-file {pattern} reason -->\n" + SEED_000, "seeds/000.txt")
    kept, notices = apply_suppressions([share_finding(doc)], parse_suppressions(doc))
    assert (kept == []) is dropped
    assert (notices == []) is dropped


def test_multi_article_finding_dropped_when_any_side_is_suppressed():
    """A finding is dropped when any of its claims lies in a suppressed region (documented rule)."""
    doc = document_from_text("<!-- factcheck: ignore-file ai-chips.nvidia-share -->\n" + SEED_000, "seeds/000.txt")
    other = document_from_text(SEED_000, "seeds/004.txt")
    f = share_finding(doc)
    f = replace(f, claims=(share_finding(other).claims[0], f.claims[0]))
    kept, _ = apply_suppressions([f], parse_suppressions(doc) + parse_suppressions(other))
    assert kept == []


def test_consistent_findings_are_never_suppressed():
    doc = document_from_text("<!-- factcheck: ignore-file * -->\n" + SEED_000, "seeds/000.txt")
    f = replace(share_finding(doc), kind="consistent", severity="info")
    kept, notices = apply_suppressions([f], parse_suppressions(doc))
    assert kept == [f] and len(notices) == 1  # agreement does not use a suppression


def test_comment_is_read_from_text_not_norm():
    """The loader blanks comments in norm; suppressions come from the original text."""
    doc = document_from_text("<!-- factcheck: ignore-file * -->\n英伟达 98%\n", "a.md")
    assert len(parse_suppressions(doc)) == 1


def test_no_comments_no_suppressions():
    assert parse_suppressions(document_from_text(SEED_000, "seeds/000.txt")) == []
    assert parse_suppressions(document_from_text("<!-- ordinary comment -->\n正文", "a.md")) == []
