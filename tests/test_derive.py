"""Arithmetic inside articles: rule-driven formulas over claims, and the generic checks
(restatements in parentheses, stated currency conversions, ranges running backwards)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest
import yaml

from checker.amounts import number_text as format_number
from checker.checks.arithmetic import check_arithmetic
from checker.checks.rates import RateTable
from checker.checks.restatement import CONVERSION_RULE, RANGE_ORDER_RULE, RESTATEMENT_RULE, check_document
from checker.interval import interval as quantity_interval
from checker.rules.checks import parse_checks, validate_references
from checker.rules.source import read_yaml
from checker.errors import RuleFileError
from checker.load import document_from_text
from checker.model import Claim, Mention, Quantity

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED = {
    "000": SEEDS / "000_4d0a8a5e27428347.txt",
    "001": SEEDS / "001_12274d2e8085e09b.txt",
    "002": SEEDS / "002_3a84414ad0228ca3.txt",
    "003": SEEDS / "003_b402c9ff82ff3bcd.txt",
    "004": SEEDS / "004_c2a44c906ffc7d08.txt",
}

#: The checks the seed corpus needs (the text proposed for rules/ai-chips.yaml).
SEED_CHECKS = """\
checks:
  - id: meta-h100-spend
    description: Meta's H100 bill is the number of H100s times the H100 price.
    formula: total ≈ count * price
    variables:
      total: ai-chips.meta-h100-spend
      count: ai-chips.meta-h100-count
      price: ai-chips.h100-price
  - id: altman-target-vs-chip-sales
    description: 7万亿美元 is 13倍以上 last year's chip sales (5270亿美元).
    formula: ratio ≈ target / sales
    variables:
      ratio: ai-chips.altman-target-multiple
      target: ai-chips.altman-target
      sales: ai-chips.chip-sales
  - id: altman-target-vs-uk-gdp
    description: 7万亿美元 against the UK's 3.14万亿美元 GDP is 全英国干2年多.
    formula: years ≈ target / gdp
    variables:
      years: ai-chips.uk-gdp-years
      target: ai-chips.altman-target
      gdp: ai-chips.uk-gdp
  - id: datacenter-shares
    description: Shares of the data-center AI market add up to at most 100%.
    formula: sum(share) <= 100
    variables:
      share: {rule: ai-chips.ai-chip-share, qualifiers: {market: datacenter-ai}}
"""


def seed(key: str):
    return document_from_text(SEED[key].read_text(encoding="utf-8"), SEED[key].name)


def mention(doc, text: str, quantity: Quantity, occurrence: int = 0) -> Mention:
    """A mention at the real place ``text`` is written (the ``occurrence``-th time)."""
    start = -1
    for _ in range(occurrence + 1):
        start = doc.text.index(text, start + 1)
    line, col = doc.position(start)
    return Mention(start=start, end=start + len(text), line=line, col=col, text=text, quantity=quantity)


def claim(doc, m: Mention, rule: str, subject: str = "", metric: str = "", qualifiers=()) -> Claim:
    sentence, start = doc.sentence_text(m.start, m.end)
    return Claim(rule=rule, subject=subject, metric=metric, qualifiers=tuple(qualifiers), mention=m, path=doc.path,
                 sentence=sentence, sentence_start=start, doc_date=doc.date)


def q(low, high=None, bound="exact", unit="USD", step=None, classifier=None) -> Quantity:
    low = D(str(low)) if low is not None else None
    high = D(str(high)) if high is not None else (low if bound in ("exact", "approx") else None)
    return Quantity(low=low, high=high, bound=bound, unit=unit, classifier=classifier,
                    step=D(str(step)) if step is not None else None)


@pytest.fixture(scope="module")
def checks():
    return parse_checks(read_yaml(SEED_CHECKS, "rules/ai-chips.yaml"), "rules/ai-chips.yaml")


def meta_claims_002():
    """Seed 002's three figures as the rules read them (values as in the gold file)."""
    doc = seed("002")
    return doc, [
        claim(doc, mention(doc, "35萬塊", q(350000, unit="count", step=10000, classifier="塊")),
              "ai-chips.meta-h100-count", "meta", "gpu-count"),
        claim(doc, mention(doc, "25000到30000美元", q(25000, 30000, step=1)), "ai-chips.h100-price", "h100", "price"),
        claim(doc, mention(doc, "接近900億美元", q(9e10, bound="approx", step=1e8)),
              "ai-chips.meta-h100-spend", "meta", "spend"),
    ]


# --- rule-driven checks on the seeds ---------------------------------------------------------


def test_meta_h100_spend_is_an_arithmetic_error(checks):
    """Acceptance meta-h100-spend: 35萬 × 25000到30000美元 is 87.5亿-105亿美元, not 接近900億美元."""
    doc, claims = meta_claims_002()
    findings = check_arithmetic(claims, checks)
    assert len(findings) == 1
    f = findings[0]
    assert (f.kind, f.severity, f.rule) == ("arithmetic", "error", "meta-h100-spend")
    assert {c.mention.text for c in f.claims} == {"35萬塊", "25000到30000美元", "接近900億美元"}
    assert "35万塊 × 2.5万–3万美元 = 87.5亿–105亿美元" in f.detail
    assert "≈ 900亿美元 (接近900億美元)" in f.detail
    assert "8.6× the top of the computed range" in f.detail
    assert f.subject == "meta"


def test_the_check_passes_when_the_total_fits(checks):
    """The same sentence with 100亿美元 is consistent: shown only when asked for."""
    doc = document_from_text("Meta将拥有35万块H100,H100的价格为2.5万-3万美元,这笔支出约为100亿美元。", "t.txt")
    claims = [
        claim(doc, mention(doc, "35万块", q(350000, unit="count", step=10000)), "ai-chips.meta-h100-count"),
        claim(doc, mention(doc, "2.5万-3万美元", q(25000, 30000, step=1000)), "ai-chips.h100-price"),
        claim(doc, mention(doc, "约为100亿美元", q(1e10, bound="approx", step=1e9)), "ai-chips.meta-h100-spend"),
    ]
    assert check_arithmetic(claims, checks) == []
    shown = check_arithmetic(claims, checks, show_consistent=True)
    assert [(f.kind, f.severity) for f in shown] == [("consistent", "info")]


def test_seed_000_ratio_to_chip_sales_is_consistent(checks):
    """Internal-consistent item: 7万亿美元 is 13倍以上 of 5270亿美元 (13.3) - verified, never an error."""
    doc = seed("000")
    claims = [
        claim(doc, mention(doc, "7万亿美元", q(7e12, step=1e12), occurrence=3), "ai-chips.altman-target"),
        claim(doc, mention(doc, "13倍以上", q(13, None, bound="ge", unit="times", step=1)),
              "ai-chips.altman-target-multiple"),
        claim(doc, mention(doc, "5270亿美元", q(5.27e11, step=1e8)), "ai-chips.chip-sales"),
    ]
    assert check_arithmetic(claims, checks) == []
    [f] = check_arithmetic(claims, checks, show_consistent=True)
    assert f.kind == "consistent" and f.rule == "altman-target-vs-chip-sales"
    assert "13.28" in f.detail  # 7万亿 / 5270亿


def test_seed_004_uk_gdp_years_is_consistent(checks):
    """Internal-consistent item: 7万亿 against the UK's 3.14万亿 GDP is 2年多 (2.23)."""
    doc = seed("004")
    claims = [
        claim(doc, mention(doc, "7万亿美元", q(7e12, step=1e12), occurrence=1), "ai-chips.altman-target"),
        claim(doc, mention(doc, "3.14 万亿美元", q(3.14e12, step=1e10)), "ai-chips.uk-gdp"),
        claim(doc, mention(doc, "2年多", q(2, None, bound="gt", unit="count", step=1, classifier="年")),
              "ai-chips.uk-gdp-years"),
    ]
    [f] = check_arithmetic(claims, checks, show_consistent=True)
    assert f.kind == "consistent"
    assert "2.2293" in f.detail


def test_shares_of_one_market_sum_to_at_most_100(checks):
    """98% + 1.2% + 不到1% fits in 100% (seed 000); 98% + 5% does not."""
    doc = seed("000")
    market = (("market", "datacenter-ai"),)
    good = [
        claim(doc, mention(doc, "98%", q(98, unit="percent", step=1)), "ai-chips.ai-chip-share", "nvidia", "share", market),
        claim(doc, mention(doc, "1.2%", q(1.2, unit="percent", step=0.1)), "ai-chips.ai-chip-share", "amd", "share", market),
        claim(doc, mention(doc, "不到1%", q(None, 1, bound="lt", unit="percent", step=1)), "ai-chips.ai-chip-share",
              "intel", "share", market),
    ]
    assert check_arithmetic(good, checks) == []
    [ok] = check_arithmetic(good, checks, show_consistent=True)
    assert ok.kind == "consistent" and len(ok.claims) == 3

    text = "英伟达在数据中心AI市场拥有98%的份额,AMD的份额为5%。"
    doc2 = document_from_text(text, "shares.txt")
    bad = [claim(doc2, mention(doc2, "98%", q(98, unit="percent", step=1)), "ai-chips.ai-chip-share", "nvidia", "share", market),
           claim(doc2, mention(doc2, "5%", q(5, unit="percent", step=1)), "ai-chips.ai-chip-share", "amd", "share", market)]
    [f] = check_arithmetic(bad, checks)
    assert f.kind == "arithmetic"
    assert "sum(share) ≤ 100 cannot hold" in f.detail
    assert "(98% + 5%) = 103%" in f.detail  # values as stated, not widened


def test_other_market_shares_are_not_summed(checks):
    """A share of another market (qualifier differs) is not part of the sum."""
    doc = document_from_text("英伟达在数据中心AI市场拥有98%的份额,在AI训练市场拥有90%的份额。", "m.txt")
    claims = [
        claim(doc, mention(doc, "98%", q(98, unit="percent", step=1)), "ai-chips.ai-chip-share", "nvidia", "share",
              (("market", "datacenter-ai"),)),
        claim(doc, mention(doc, "90%", q(90, unit="percent", step=1)), "ai-chips.ai-chip-share", "nvidia", "share",
              (("market", "ai-training"),)),
    ]
    assert check_arithmetic(claims, checks) == []


def test_checks_stay_inside_one_article_unless_scope_is_corpus():
    """By default a variable comes from the same article; scope: corpus lets it come from another."""
    data = """
checks:
  - id: spend
    formula: total ≈ count * price
    variables: {total: x.spend, count: x.count, price: x.price}
  - id: spend-corpus
    scope: corpus
    formula: total ≈ count * price
    variables: {total: x.spend, count: x.count, price: x.price}
"""
    checks = parse_checks(yaml.safe_load(data))
    a = document_from_text("Meta将拥有35万块芯片,支出将接近900亿美元。", "a.txt")
    b = document_from_text("该芯片的价格为2.5万-3万美元。", "b.txt")
    claims = [claim(a, mention(a, "35万块", q(350000, unit="count", step=10000)), "x.count"),
              claim(a, mention(a, "接近900亿美元", q(9e10, bound="approx", step=1e10)), "x.spend"),
              claim(b, mention(b, "2.5万-3万美元", q(25000, 30000, step=1000)), "x.price")]
    findings = check_arithmetic(claims, checks)
    assert [f.rule for f in findings] == ["spend-corpus"]
    assert "values taken from b.txt" in findings[0].detail
    assert {c.path for c in findings[0].claims} == {"a.txt", "b.txt"}


def test_repeated_figures_are_tried_once_and_any_reading_that_fits_passes():
    """Two candidate prices: the check holds if one of them makes the total."""
    checks = parse_checks([{"id": "t", "formula": "total ≈ count * price",
                            "variables": {"total": "x.t", "count": "x.c", "price": "x.p"}}])
    doc = document_from_text("买1万块,单价1万美元,二手价4万美元,共花1亿美元,即1亿美元。", "r.txt")
    claims = [claim(doc, mention(doc, "1万块", q(10000, unit="count", step=10000)), "x.c"),
              claim(doc, mention(doc, "1万美元", q(10000, step=10000)), "x.p"),
              claim(doc, mention(doc, "4万美元", q(40000, step=10000)), "x.p"),
              claim(doc, mention(doc, "1亿美元", q(1e8, step=1e8)), "x.t"),
              claim(doc, mention(doc, "1亿美元", q(1e8, step=1e8), occurrence=1), "x.t")]
    assert check_arithmetic(claims, checks) == []


def test_money_in_two_currencies_is_converted_with_the_dated_rate():
    """A CNY total against a USD price is converted at the rate for the article's date."""
    checks = parse_checks([{"id": "t", "formula": "total ≈ count * price",
                            "variables": {"total": "x.t", "count": "x.c", "price": "x.p"}}])
    doc = document_from_text("买1000块,单价1万美元,共花7100万元人民币。", "c.txt", date=dt.date(2024, 3, 1))
    claims = [claim(doc, mention(doc, "1000块", q(1000, unit="count", step=1000)), "x.c"),
              claim(doc, mention(doc, "1万美元", q(10000, step=10000)), "x.p"),
              claim(doc, mention(doc, "7100万元人民币", q(7.1e7, unit="CNY", step=1e6)), "x.t")]
    [f] = check_arithmetic(claims, checks, show_consistent=True)
    assert f.kind == "consistent"
    assert "converted at 7.1217 CNY/USD" in f.detail and "2024 average" in f.detail


# --- parse_checks: validation with lines ----------------------------------------------------


def test_parse_checks_reads_the_seed_section(checks):
    assert [c.id for c in checks] == ["meta-h100-spend", "altman-target-vs-chip-sales", "altman-target-vs-uk-gdp",
                                      "datacenter-shares"]
    assert checks[0].line == 2 and checks[0].source_path == "rules/ai-chips.yaml"
    assert checks[0].rules == {"ai-chips.meta-h100-spend", "ai-chips.meta-h100-count", "ai-chips.h100-price"}
    assert checks[3].variables["share"].qualifiers == (("market", "datacenter-ai"),)


def test_prefix_qualifies_ids_and_rule_references():
    [check] = parse_checks({"checks": [{"id": "spend", "formula": "a ≈ b", "variables": {"a": "x", "b": "other.y"}}]},
                           prefix="ai-chips")
    assert check.id == "ai-chips.spend"
    assert check.variables["a"].rule == "ai-chips.x" and check.variables["b"].rule == "other.y"


@pytest.mark.parametrize("body, code, line, what", [
    ("  - id: a\n    formula: t ≈ c\n    variables: {t: x.t, c: x.c}\n    tolerence: 5%\n", "E302", 5,
     "unknown key 'tolerence'"),
    ("  - id: a\n    variables: {t: x.t}\n", "E303", 2, "has no 'formula'"),
    ("  - id: a\n    formula: t ≈ c *\n    variables: {t: x.t, c: x.c}\n", "E309", 3, "ends too early"),
    ("  - id: a\n    formula: t ≈ c\n    variables: {t: x.t}\n", "E303", 4, "formula names c"),
    ("  - id: a\n    formula: t ≈ c\n    variables: {t: x.t, c: x.c, d: x.d}\n", "E302", 4, "'d' of check 'a' is not used"),
    ("  - id: a\n    formula: t ≈ c\n    variables: {t: x.t, c: x.c}\n    tolerance: 5\n", "E304", 5, "bad tolerance"),
    ("  - id: a\n    formula: t ≈ c\n    variables: {t: x.t, c: x.c}\n    scope: world\n", "E304", 5, "bad scope"),
    ("  - id: a\n    formula: t ≈ c\n    variables: {t: x.t, c: x.c}\n    level: fatal\n", "E304", 5, "bad level"),
    ("  - id: A B\n    formula: t ≈ c\n    variables: {t: x.t, c: x.c}\n", "E304", 2, "bad check id"),
    ("  - id: a\n    formula: t + c\n    variables: {t: x.t, c: x.c}\n", "E309", 3, "states no relation"),
    ("  - id: a\n    formula: t ≈ c\n    variables: {t: x.t, c: {rul: x.c}}\n", "E302", 4, "unknown key 'rul'"),
    ("  - id: a\n    formula: t ≈ c\n    variables: {t: x.t, c: x.c}\n  - id: a\n    formula: t ≈ c\n"
     "    variables: {t: x.t, c: x.c}\n", "E306", 5, "duplicate check id"),
])
def test_bad_checks_name_file_line_and_fix(body, code, line, what):
    """Every mistake is a RuleFileError with the file, the line and what is wrong."""
    text = "checks:\n" + body
    with pytest.raises(RuleFileError) as info:
        parse_checks(read_yaml(text, "rules/x.yaml"), "rules/x.yaml")
    err = info.value
    assert err.code == code, str(err)
    assert err.path == "rules/x.yaml" and err.line == line, str(err)
    assert what in str(err)


def test_errors_from_plain_objects_name_the_key_path():
    """Without YAML positions the message names the key path instead."""
    with pytest.raises(RuleFileError, match=r"checks\[0\] has no 'formula'"):
        parse_checks([{"id": "a", "variables": {"t": "x.t"}}], "rules/x.yaml")
    with pytest.raises(RuleFileError, match="must be a list"):
        parse_checks({"checks": {"id": "a"}}, "rules/x.yaml")


def test_unknown_claim_rules_are_reported_with_a_suggestion(checks):
    with pytest.raises(RuleFileError) as info:
        validate_references(checks, ["ai-chips.meta-h100-spend", "ai-chips.meta-h100-count", "ai-chips.h100-prices"])
    assert info.value.code == "E305"
    assert "'ai-chips.h100-price'" in str(info.value) and "did you mean 'ai-chips.h100-prices'" in str(info.value)


# --- generic checks over one document -------------------------------------------------------


def _extract(doc):
    from checker.extract import extract

    return extract(doc)


def test_seed_000_restatements_and_conversion_are_verified():
    """四分之一(25%), 五分之二(40%) and 7万亿美元(约合人民币50.26万亿元) agree (internal-consistent items)."""
    doc = seed("000")
    mentions = _extract(doc)
    assert check_document(doc, mentions) == []
    shown = check_document(doc, mentions, show_consistent=True)
    by_rule = {}
    for f in shown:
        assert f.kind == "consistent"
        by_rule.setdefault(f.rule, []).append(f)
    assert {f.claims[0].mention.text for f in by_rule[RESTATEMENT_RULE]} >= {"四分之一", "五分之二"}
    [conv] = by_rule[CONVERSION_RULE]
    assert "implies 7.18 CNY/USD" in conv.detail
    assert "the article has no date" in conv.detail  # so the latest rate was used, and it says so
    assert conv.claims[0].sentence.startswith("近日,OpenAI CEO阿尔特曼")


@pytest.mark.parametrize("key", ["000", "001", "002", "003", "004"])
def test_generic_checks_never_report_errors_on_the_seeds(key):
    doc = seed(key)
    assert [f for f in check_document(doc, _extract(doc)) if f.severity == "error"] == []


@pytest.mark.parametrize("text, first, second, rule", [
    ("美国GDP的四分之一(30%)", "四分之一", "30%", RESTATEMENT_RULE),
    ("中国GDP的五分之二（25%）", "五分之二", "25%", RESTATEMENT_RULE),
    ("筹资7万亿美元(约合人民币30万亿元)", "7万亿美元", "约合人民币30万亿元", CONVERSION_RULE),
])
def test_wrong_restatements_are_arithmetic_errors(text, first, second, rule):
    doc = document_from_text(text, "r.txt")
    units = {"四分之一": q(25, unit="percent"), "五分之二": q(40, unit="percent"), "30%": q(30, unit="percent", step=1),
             "25%": q(25, unit="percent", step=1), "7万亿美元": q(7e12, step=1e12),
             "约合人民币30万亿元": q(3e13, bound="approx", unit="CNY", step=1e12)}
    mentions = [mention(doc, first, units[first]), mention(doc, second, units[second])]
    [f] = check_document(doc, mentions)
    assert (f.kind, f.severity, f.rule) == ("arithmetic", "error", rule)
    assert [c.mention.text for c in f.claims] == [first, second]
    assert all(c.rule == rule and c.subject == "" and c.metric == "" for c in f.claims)


def test_restatement_that_agrees_is_not_reported():
    """Must not fire: 三分之一(33%) agrees at the written precision."""
    doc = document_from_text("成本降低三分之一(33%)。", "ok.txt")
    mentions = [mention(doc, "三分之一", q(D(100) / 3, unit="percent")), mention(doc, "33%", q(33, unit="percent", step=1))]
    assert check_document(doc, mentions) == []


def test_conversion_uses_the_rate_of_the_article_date():
    doc = document_from_text("投资100亿美元(约合人民币704.67亿元)。", "d.txt", date=dt.date(2023, 6, 1))
    mentions = [mention(doc, "100亿美元", q(1e10, step=1e9)),
                mention(doc, "约合人民币704.67亿元", q(7.0467e10, bound="approx", unit="CNY", step=1e6))]
    [f] = check_document(doc, mentions, show_consistent=True)
    assert f.kind == "consistent" and "2023 average, for the article's date 2023-06-01" in f.detail
    assert "7.0467 CNY/USD" in f.detail


@pytest.mark.parametrize("text, date, kind", [
    # no date: 6.45 CNY/USD is the rate of a year the table knows (2021), not of the latest (2024: 7.12)
    ("该公司上半年营收为人民币1,000亿元(155.0亿美元)。", None, "consistent"),
    # a 2017 report: the table has no 2017, the rate of that year (about 6.75) is among those it knows
    ("去年营收人民币2,710亿元(401.5亿美元)。", dt.date(2017, 3, 20), "consistent"),
    # no known rate gives 5 CNY/USD, or 9: still a slip, dated or not
    ("该公司上半年营收为人民币1,000亿元(200亿美元)。", None, "arithmetic"),
    ("去年营收人民币900亿元(100亿美元)。", dt.date(2017, 3, 20), "arithmetic"),
])
def test_an_article_without_a_known_rate_is_checked_against_every_rate_the_table_knows(text, date, kind):
    """Without the day's rate (no article date, or a date the table has no row for) the latest
    rate is not the one the article used: a conversion is wrong only where no known rate gives it."""
    from checker.extract import extract

    doc = document_from_text(text, "r.txt", date=date)
    [f] = [f for f in check_document(doc, extract(doc), show_consistent=True) if f.rule == CONVERSION_RULE]
    assert f.kind == kind, f.detail
    assert "widened to every rate of 2019–2024" in f.detail


def test_a_range_running_backwards_is_an_error():
    doc = document_from_text("需要5万-3万张芯片。", "b.txt")
    m = mention(doc, "5万-3万张", Quantity(low=D(50000), high=D(30000), bound="exact", unit="count", step=D(10000)))
    [f] = check_document(doc, [m])
    assert (f.kind, f.rule) == ("arithmetic", RANGE_ORDER_RULE)


# --- intervals, formatting, rates -----------------------------------------------------------


@pytest.mark.parametrize("quantity, low, high", [
    (q(98, unit="percent", step=1), "97.5", "98.5"),
    (q(7e12, step=1e12), "6.5e12", "7.5e12"),
    (q(25000, 30000, step=1000), "25000", "30000"),
    (q(80, None, bound="gt", unit="percent", step=1), "80", "100"),
    (q(None, 1, bound="lt", unit="percent", step=1), "0", "1"),
    (q(100, bound="approx", step=10), "95", "105"),
])
def test_quantity_intervals_follow_the_written_precision(quantity, low, high):
    iv = quantity_interval(quantity)
    assert (iv.lo, iv.hi) == (D(low), D(high))


@pytest.mark.parametrize("value, text", [
    ("8.75e9", "87.5亿"), ("1.05e10", "105亿"), ("9e10", "900亿"), ("25000", "2.5万"), ("13.2827", "13.283"), ("0.0000025", "0.0000025"), ("2.229299363", "2.2293"),
    ("0.04", "0.04"), ("9.996e9", "99.96亿"), ("2500", "2,500"), ("7e12", "7万亿"), ("99999999.99999", "1亿"),
])
def test_numbers_are_written_with_wan_and_yi_for_people(value, text):
    assert format_number(D(value)) == text


def test_rate_file_problems_are_rule_file_errors(tmp_path):
    path = tmp_path / "rates.yaml"
    path.write_text("rates:\n  - {base: USD, quote: CNY, period: '2024', rate: seven, source: x}\n", encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        RateTable.load(path)
    assert info.value.line == 2 and "bad rate" in str(info.value)


def test_a_rate_written_as_a_yaml_number_is_read_exactly(tmp_path):
    path = tmp_path / "rates.yaml"
    path.write_text("rates:\n  - {base: USD, quote: CNY, period: 2024, rate: 7.1217, source: x}\n", encoding="utf-8")
    [rate] = RateTable.load(path).rates
    assert rate.rate == D("7.1217") and rate.period == "2024"


def test_shipped_rates_have_sources_and_invert():
    table = RateTable.load()
    assert all(r.source and r.rate > 0 for r in table.rates)
    usd_cny = table.lookup("USD", "CNY", dt.date(2024, 2, 11))
    cny_usd = table.lookup("CNY", "USD", dt.date(2024, 2, 11))
    assert usd_cny.rate == D("7.1217") and abs(cny_usd.rate * usd_cny.rate - 1) < D("1e-20")
    assert table.lookup("USD", "JPY", None) is None


def test_checks_over_a_corpus_cost_linear_work(checks, monkeypatch):
    """Each claim is matched against each variable once per check, however many articles
    there are: doubling the articles doubles the work (a scan per article would quadruple it)."""
    import dataclasses

    from checker.rules import Variable

    calls = []
    real = Variable.matches
    monkeypatch.setattr(Variable, "matches", lambda self, c: calls.append(1) or real(self, c))
    _, claims = meta_claims_002()

    def run(articles: int) -> int:
        calls.clear()
        corpus = [dataclasses.replace(c, path=f"{i}.txt") for i in range(articles) for c in claims]
        findings = check_arithmetic(corpus, checks)
        assert len([f for f in findings if f.kind == "arithmetic"]) == articles
        return len(calls)

    assert run(200) == 2 * run(100)
