"""Attribution: each number is attached to the subject, metric and qualifiers of its
own clause, on real sentences from the seed articles."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from checker.attribute import attribute, segment
from checker.extract import extract
from checker.load import document_from_text, read_document
from checker.rules import load_rules

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def ruleset():
    return load_rules()


def read(text, ruleset, date=None):
    doc = document_from_text(text, "t.txt", date=date)
    return {c.mention.text: c for c in attribute(doc, extract(doc), ruleset)}


def test_each_clause_has_its_own_model(ruleset):
    """The two counts belong to different models (ChatGPT, then GPT-5 of the next sentence)."""
    got = read("目前,ChatGPT训练一次大约需要2.5万块英伟达A100芯片。如果训练GPT-5,则还需要5万张英伟达H100。", ruleset)
    assert dict(got["2.5万块"].qualifiers) == {"model": "ChatGPT", "chip": "A100"}
    assert dict(got["5万张"].qualifiers) == {"model": "GPT-5", "chip": "H100"}


def test_metric_is_inherited_across_coordinated_clauses(ruleset):
    got = read("英伟达在数据中心AI 市场拥有 98% 的市场份额,而 AMD 公司的市场份额仅有1.2%,英特尔则只有不到1%。", ruleset)
    assert {t: c.subject for t, c in got.items()} == {"98%": "nvidia", "1.2%": "amd", "不到1%": "intel"}
    assert all(c.qualifier("market") == "datacenter-ai" for c in got.values())
    assert all(c.metric == "market-share" for c in got.values())


@pytest.mark.parametrize("sentence,market", [
    ("英伟达公司在全球AI芯片市场中控制了超过80%的份额。", "ai-chips"),
    ("英偉達在全球人工智能處理器市場的份額高達80%以上。", "ai-chips"),
    ("花旗研究的分析師指出,英偉達在AI訓練領域佔據了“至少90%”的市場份額。", "ai-training"),
])
def test_market_is_read_from_the_sentence(ruleset, sentence, market):
    (claim,) = read(sentence, ruleset).values()
    assert claim.subject == "nvidia" and claim.qualifier("market") == market


def test_source_is_read(ruleset):
    got = read("据富国银行统计显示,目前,英伟达在数据中心AI 市场拥有 98% 的市场份额。", ruleset)
    assert got["98%"].source == "富国银行"


def test_garbled_h100_reads_as_h100(ruleset):
    """000 writes p00 for H100: in a sentence with a number it still reads as H100."""
    doc = read_document(SEEDS / "000_4d0a8a5e27428347.txt")
    claims = attribute(doc, extract(doc), ruleset)
    h100 = [c for c in claims if c.subject == "h100" or c.qualifier("chip") == "H100"]
    assert sorted(c.mention.text for c in h100) == ["2.5万-3万美元", "5万张", "约35万块"]


@pytest.mark.parametrize("token,expected", [("p00", "H100"), ("A1OO", "A100"), ("Hl00", "H100"), ("H10", None),
                                            ("H200", None), ("A800", None), ("A4", None), ("v5p", None)],
                         ids=["p00", "A1OO", "Hl00", "H10", "H200", "A800", "A4", "v5p"])
def test_near_miss_names_one_judgement_for_attribution_and_notices(token, expected):
    """A capital token that drops a digit (H10) is a name as written, not a damaged H100;
    look-alike letters (A1OO) and a lower-case letter beside digits (p00) are damage."""
    from checker.names import near_miss

    names = ["A100"] if token.startswith("A1") else ["H100", "TPU v5p"]  # the fuzzy names of a rule set
    assert near_miss(token, names) == expected


def test_bare_clause_is_not_a_claim(ruleset):
    got = read("到今年年底,Meta将拥有约35万块H100,而如果包括其他GPU的话,总计将有等效60万块H100的计算能力。", ruleset)
    assert "约35万块" in got and "60万块" not in got


def test_number_compared_with_a_subject_is_not_its_value(ruleset):
    """In 'A是B规模的13倍', the words after A describe B: 7万亿美元 is not the chip market."""
    got = read("另外,7万亿美元还是去年全球半导体产业规模的13倍以上。", ruleset)
    assert "7万亿美元" not in got


def test_relative_year_resolved_against_the_date(ruleset):
    text = "这项投资也让去年约 1000 亿美元的芯片制造设备市场相形见绌。"
    assert read(text, ruleset, date=dt.date(2024, 3, 1))["约 1000 亿美元"].qualifier("period") == "2023"
    assert read(text, ruleset)["约 1000 亿美元"].qualifier("period") is None  # unknown date: unresolved


def test_year_in_own_clause_wins(ruleset):
    got = read("去年全球芯片销售额为5270亿美元,预计到2030年将增至 1 万亿美元规模。", ruleset, date=dt.date(2024, 2, 1))
    assert got["5270亿美元"].qualifier("period") == "2023"
    assert got["1 万亿美元"].qualifier("period") == "2030"


def test_unrelated_numbers_match_no_rule(ruleset):
    got = read("英伟达来自中国大陆地区(含香港)的收入为40亿美元,占总收入22.4%。马斯克曾表示芯片成本能控制在5000美元以下。",
               ruleset)
    assert got == {}


def test_claims_keep_positions_and_sentence(ruleset):
    doc = read_document(SEEDS / "002_3a84414ad0228ca3.txt")
    for c in attribute(doc, extract(doc), ruleset):
        assert doc.text[c.mention.start:c.mention.end] == c.mention.text
        assert doc.text[c.sentence_start:c.sentence_start + len(c.sentence)] == c.sentence
        assert c.mention.text in c.sentence


def test_segment_keeps_thousands_together():
    segs = segment("价格为25,000美元,而且上涨。")
    assert len(segs) == 1 and len(segs[0].clauses) == 2


PHONES = """\
name: phones
entities:
  xiaomi: [小米]
  apple: [苹果]
  samsung: [三星]
qualifiers:
  region:
    values: {china: [中国市场], global: [全球]}
claims:
  - id: shipments
    subject: [xiaomi, apple, samsung]
    metric: shipments
    words: [出货量, 出货]
    unit: count
    qualifiers: [region]
    separate: [period]
"""


@pytest.fixture(scope="module")
def phones():
    from checker.rules import load_rules_text

    return load_rules_text(PHONES, "phones.yaml")


@pytest.mark.parametrize("sentence, period", [
    ("2024年第一季度,苹果全球出货量为5010万部。", "2024-Q1"),
    ("2024年Q3苹果全球出货量为5010万部。", "2024-Q3"),
    ("苹果2024年上半年全球出货量为1亿部。", "2024-H1"),
    ("前三季度苹果全球出货量为1.5亿部。", "Q1-Q3"),
    ("2023年苹果全球出货量为2.35亿部。", "2023"),
])
def test_period_includes_the_part_of_the_year(phones, sentence, period):
    """A quarter's figure is a different fact from the year's: the period says which."""
    (claim,) = read(sentence, phones).values()
    assert claim.time == period and claim.qualifier("period") == period


def test_period_carries_over_until_another_is_named(phones):
    """"其中,三星以6010万部…" speaks of the quarter the sentence before named, and so does
    the next paragraph (the lead set it); a paragraph naming another period sets its own."""
    text = ("根据IDC的数据,2024年第一季度全球智能手机出货量为2.894亿部。其中,三星以6010万部的出货量重回第一。\n"
            "苹果出货量为5010万部。\n"
            "2023年第一季度,小米出货量为3040万部。\n")
    got = read(text, phones)
    assert got["6010万部"].time == "2024-Q1"
    assert got["5010万部"].time == "2024-Q1"
    assert got["3040万部"].time == "2023-Q1"


def test_relative_period_with_a_part(phones):
    got = read("小米去年上半年全球出货量为7000万部。", phones, date=dt.date(2024, 3, 1))
    assert got["7000万部"].time == "2023-H1"


def test_source_is_a_built_in_qualifier():
    """A rule that lists `source` keeps figures from different publishers apart (a
    divergence naming the source, not a contradiction); 权威数据显示 names no one."""
    from checker.checks.compare import compare
    from checker.rules import load_rules_text

    rules = load_rules_text(PHONES.replace("qualifiers: [region]", "qualifiers: [region, source]"), "phones.yaml")
    a = document_from_text("据IDC统计,2023年小米全球智能手机出货量为1.46亿部。", "a.txt")
    b = document_from_text("Canalys数据显示,2023年小米全球智能手机出货量约为1.7亿部。", "b.txt")
    c = document_from_text("权威数据显示,2023年小米全球出货量为1.5亿部。", "c.txt")
    claims = [cl for d in (a, b, c) for cl in attribute(d, extract(d), rules)]
    assert [cl.qualifier("source") for cl in claims] == ["IDC", "Canalys", None]
    (finding,) = compare(claims, rules)
    assert finding.kind == "divergence" and finding.differs == ("source",)


@pytest.mark.parametrize("sentence, kept", [
    ("英伟达在中国市场的份额从95%降至50%。", ["50%"]),
    ("英伟达H100的价格从2.5万美元涨到4万美元。", ["4万美元"]),
    ("AMD的市场份额由1%提升至5%。", ["5%"]),
])
def test_the_value_before_a_change_is_not_a_claim(ruleset, sentence, kept):
    """In 从A降至B the first number is the value before the change: read as a claim, it
    would contradict the second inside one sentence."""
    assert list(read(sentence, ruleset)) == kept


def test_an_unknown_owner_does_not_inherit_the_subject(ruleset):
    """"而超微的市占率仅约1.2%": the clause names its own owner, unknown to the rules, so the
    1.2% is not read as Nvidia's share (which would contradict the 95% before it)."""
    got = read("英伟达在数据中心AI市场的市占率约为95%,而超微的市占率仅约1.2%。", ruleset)
    assert list(got) == ["约为95%"]


@pytest.mark.parametrize("sentence, subject", [
    ("英伟达在数据中心AI市场的市场份额为98%,而AMD公司的市场份额仅有1.2%。", "amd"),   # a known owner
    ("英伟达在数据中心AI市场占据主导,其市场份额为98%。", "nvidia"),               # a pronoun refers back
    ("英伟达在数据中心AI市场占据主导,2023年的市场份额为98%。", "nvidia"),          # a time is no owner
])
def test_known_owners_pronouns_and_times_keep_the_subject(ruleset, sentence, subject):
    claims = read(sentence, ruleset)
    last = list(claims.values())[-1]
    assert last.subject == subject


@pytest.mark.parametrize("sentence", [
    "英伟达在AI芯片市场的份额约为80%,其次是谷歌,份额约为10%。",
    "英伟达在AI芯片市场的份额约为80%,排名第二的厂商份额约为10%。",
])
def test_a_competitor_rule_does_not_hand_another_company_s_share_to_the_first(ruleset, sentence):
    """A rule about several competitors takes the subject from an earlier clause only when the
    number's clause goes straight on about it (其市场份额, 市场份额为…).  (谷歌 is a known
    entity of the shipped beat rules: its 10% is its own share, never 英伟达's.)"""
    claims = read(sentence, ruleset)
    assert claims["约为80%"].subject == "nvidia"
    assert [text for text, c in claims.items() if c.subject == "nvidia"] == ["约为80%"]


@pytest.mark.parametrize("sentence, kept", [
    # another chip owns the second price
    ("英伟达H100的价格约为3万美元,B200的价格约为4万美元。", {"约为3万美元": "h100", "约为4万美元": "b200"}),
    # a company paying for a model's query is no competitor for the figure
    ("我们每次跟ChatGPT的互动,就花了OpenAI约0.04美元。", {"约0.04美元": "chatgpt"}),
    # an equivalence is not a count of the chips owned
    ("Meta将拥有约35万块H100,相当于60万块H100的算力。", {"约35万块": "meta"}),
])
def test_a_clause_about_another_thing_of_the_subject_s_kind_is_not_inherited(ruleset, sentence, kept):
    """(B200's own price is read by the shipped chip-price rule, as B200's.)"""
    assert {text: c.subject for text, c in read(sentence, ruleset).items()} == kept
