"""Reading real news right: the time model, attribution and units that real pages need
(issue: read real news right).  Every sentence here is written for the test, in the shapes
real articles use; none is taken from the development corpus."""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal as D

import pytest

from checker.attribute.periods import TimeIndex, period_code, TIME_WORD
from checker.checks.compare import compare
from checker.extract import extract
from checker.load import document_from_text
from checker.pipeline import claims_for_document
from checker.rules import load_rules_text

RULES = textwrap.dedent("""\
    name: t
    entities:
      acme: {names: [艾克米, Acme], kind: company}
      bolt: {names: [博尔特, Bolt], kind: company}
      cato: {names: [卡托], kind: company}
    qualifiers:
      region:
        values: {china: [中国, 国内], global: [全球], europe: [欧洲], japan: [日本]}
      plan:
        values: {forecast: [预计, 指引, 预期], actual: []}
        default: actual
    claims:
      - id: revenue
        subject: [acme, bolt, cato]
        metric: revenue
        words: [营收, 收入]
        unit: CNY
        separate: [period, plan]
      - id: ad-revenue
        subject: acme
        metric: ad-revenue
        words: [广告收入]
        unit: CNY
        separate: [period]
      - id: share
        subject: [acme, bolt, cato]
        metric: share
        words: [份额, 市场份额]
        unit: percent
        separate: [period]
      - id: growth
        subject: acme
        metric: growth
        words: [营收]
        unit: percent
        separate: [period]
      - id: sales
        subject: acme
        metric: sales
        words: [销售额]
        unit: USD
        qualifiers: [region]
        separate: [period]
      - id: margin
        subject: acme
        metric: margin
        words: [毛利率]
        unit: percent
        separate: [period, plan]
    """)


@pytest.fixture(scope="module")
def rules():
    return load_rules_text(RULES, "t.yaml")


def read(text: str, rules, path: str = "a.txt"):
    doc = document_from_text(text, path)
    return {c.mention.text: c for c in claims_for_document(doc, rules)[1]}


# --- periods as written ------------------------------------------------------------------------

DATE = dt.date(2024, 2, 10)
PERIODS = [
    ("2025财年第三季度", None, "FY2025-Q3"), ("2025财年Q3", None, "FY2025-Q3"), ("FY2Q24", None, "FY2024-Q2"),
    ("FY2026 Q1", None, "FY2026-Q1"), ("1Q24", None, "2024-Q1"), ("24Q3", None, "2024-Q3"),
    ("2024年第三季", None, "2024-Q3"), ("2024 年第一季度", None, "2024-Q1"), ("2024年首季", None, "2024-Q1"),
    ("2024年12月", None, "2024-12"), ("2024年12月15日", None, "2024-12-15"), ("去(2023)年第4季", None, "2023-Q4"),
    ("第四季度", DATE, "2023-Q4"), ("第一季度", DATE, "2024-Q1"), ("上半年", DATE, "2024-H1"),
    ("上季", DATE, "2023-Q4"), ("去年", DATE, "2023"), ("第二季度", None, "Q2"), ("去年", None, None),
]


@pytest.mark.parametrize("written,date,code", PERIODS, ids=[f"{w}@{d}" for w, d, _ in PERIODS])
def test_period_codes(written, date, code):
    m = TIME_WORD.search(written)
    assert m is not None and m.group().strip() == written.strip()
    assert period_code(m, date) == code


def test_a_base_of_comparison_is_not_the_figures_period(rules):
    got = read("艾克米营收为120亿元,较2022年第二季度增长8%。", rules)
    assert got["120亿元"].time is None  # no period but the base's
    got = read("2023年第二季度,艾克米营收为120亿元,比去年同期增长8%。", rules)
    assert got["120亿元"].time == "2023-Q2"


def test_a_time_after_from_belongs_to_the_value_before_the_change_only(rules):
    got = read("2024年第四季度,艾克米份额从2023年第四季度的23%增长到26%。", rules)
    assert got["26%"].time == "2024-Q4"
    assert got["23%"].time == "2023-Q4"  # a before-value with its own time is a claim about that time
    got = read("2024年,艾克米份额从三年前的70%下滑到40%。", rules)
    assert "70%" not in got and got["40%"].time == "2024"  # without one it is no claim


def test_the_full_year_is_the_year_in_force(rules):
    got = read("2030年第四季度,艾克米营收为300亿元。全年营收为1100亿元。", rules)
    assert got["1100亿元"].time == "2030"


def test_bullets_under_a_heading_take_its_period(rules):
    text = "2031财年第四季度业绩\n\n- 艾克米营收为120亿元\n- 艾克米市场份额为12%\n"
    got = read(text, rules, "a.md")
    assert got["120亿元"].time == "FY2031-Q4" and got["12%"].time == "FY2031-Q4"


# --- comparison over time ----------------------------------------------------------------------


def findings(articles: dict[str, str], rules):
    claims = []
    for path, text in articles.items():
        claims += claims_for_document(document_from_text(text, path), rules)[1]
    return compare(claims, rules)


def test_figures_of_different_periods_are_different_facts(rules):
    got = findings({"a.txt": "2030年第一季度,艾克米营收为120亿元。", "b.txt": "2031年第一季度,艾克米营收为150亿元。"}, rules)
    assert got == []


def test_articles_dated_a_year_apart_do_not_compare_their_undated_figures(rules):
    got = findings({"a.txt": "发布时间:2030-04-20\n艾克米的市场份额为20%。\n",
                    "b.txt": "发布时间:2031-04-22\n艾克米的市场份额为25%。\n"}, rules)
    assert got == []


def test_a_figure_of_unknown_time_is_never_an_error_against_one_of_known_time(rules):
    got = findings({"a.txt": "2030年第一季度,艾克米的市场份额为20%。", "b.txt": "艾克米的市场份额为25%。"}, rules)
    assert [(f.kind, f.severity, f.differs) for f in got] == [("divergence", "warning", ("time",))]


def test_same_period_different_values_is_a_contradiction_naming_the_outlier(rules):
    got = findings({"a.txt": "2030年第一季度,艾克米的市场份额为20%。", "b.txt": "2030年第一季度,艾克米的市场份额为20%。",
                    "c.txt": "2030年第一季度,艾克米的市场份额为25%。"}, rules)
    (f,) = got
    assert f.kind == "contradiction" and "c's 25% disagrees with 20%, stated by a and b" in f.message
    # only the disagreeing pairs: a-c and b-c, never a-b
    assert sorted((f.claims[i].path, f.claims[j].path) for i, j in f.conflicts) == [("a.txt", "c.txt"),
                                                                                    ("b.txt", "c.txt")]


def test_two_ranges_of_one_guidance_disagree_at_their_ends(rules):
    got = findings({"a.txt": "2030年第一季度,艾克米毛利率指引为40-42%。", "b.txt": "2030年第一季度,艾克米毛利率指引为41%-43%。"},
                   rules)
    (f,) = got
    assert f.kind == "contradiction" and "state different ranges" in f.message


# --- attribution -----------------------------------------------------------------------------


def test_a_list_distributes_in_order(rules):
    got = read("2030年,艾克米和博尔特的市场份额分别为30%和20%。", rules)
    assert (got["30%"].subject, got["20%"].subject) == ("acme", "bolt")


def test_a_list_of_regions_gives_each_number_its_region_and_the_unit_written_once(rules):
    got = read("2030年,艾克米在日本和欧洲的销售额分别为7.9亿、6.4亿美元。", rules)
    assert got["7.9亿"].qualifier("region") == "japan" and got["6.4亿美元"].qualifier("region") == "europe"


def test_a_list_whose_items_are_not_known_gives_no_claim(rules):
    got = read("2030年,艾克米的销售额在北美和南美分别为7.9亿、6.4亿美元。", rules)
    assert "7.9亿" not in got and "6.4亿美元" not in got


def test_a_part_of_the_whole_is_not_the_subjects_figure(rules):
    got = read("艾克米营收为300亿元,其中,云业务创造40亿元收入。", rules)
    assert "300亿元" in got and "40亿元" not in got


def test_a_change_is_not_a_level(rules):
    got = read("2030年艾克米的市场份额下降了2个点至18%,博尔特的份额分别上升3%及4%。", rules)
    assert "3%" not in got and "4%" not in got


def test_a_percent_of_an_amount_is_its_growth(rules):
    got = read("2030年,艾克米营收同比增长9%。", rules)
    assert got["9%"].rule == "t.growth"


def test_a_metric_word_inside_a_longer_one_is_the_longer_ones(rules):
    got = read("2030年,艾克米广告收入同比增长34%至250亿元。", rules)
    assert got["250亿元"].rule == "t.ad-revenue"


def test_a_combined_figure_is_no_single_ones(rules):
    got = read("2030年,中国、日本和欧洲共占艾克米销售额的7200亿美元。", rules)
    assert "7200亿美元" not in got


def test_the_subject_carries_into_a_sentence_that_names_none(rules):
    got = read("艾克米公布2030年第二季度财报。毛利率为41.2%,好于预期。", rules)
    assert got["41.2%"].subject == "acme"
    got = read("艾克米公布2030年第二季度财报。博尔特毛利率为41.2%。", rules)
    assert "41.2%" not in got  # the sentence names another company


def test_tenths_with_their_hundredths():
    doc = document_from_text("营业额升五成七,纯利增四成。", "a.txt")
    assert [(m.text, m.quantity.low) for m in extract(doc)] == [("五成七", D(57)), ("四成", D(40))]


def test_sources_as_real_pages_name_them():
    from checker.attribute.sources import source_of

    for text, source in [("市场研究机构Canalys报告显示,出货量下降13%。", "Canalys"), ("IDC 表示,出货量下降13%。", "IDC"),
                         ("从“Omdia”获悉,出货量下降13%。", "Omdia"), ("据IDC,出货量下降13%。", "IDC")]:
        doc = document_from_text(text, "a.txt")
        assert source_of(doc, 0, doc.text.index("13%"), len(doc.text)) == source, text


# --- article dates -----------------------------------------------------------------------------

DATES = [
    ("来源:某日报 发布时间: 2030-04-22 11:26:26 编辑:某\n正文。", dt.date(2030, 4, 22)),
    ("某财经   2030-04-19 17:49:57\n正文。", dt.date(2030, 4, 19)),
    ("某研究 | 2030.07.16 17:57\n正文。", dt.date(2030, 7, 16)),
    ("某某  2030年05月08日 09:07:00\n正文。", dt.date(2030, 5, 8)),
    ("2030年7月13日 星期四\n\n标题\n正文。", dt.date(2030, 7, 13)),
    ("原文 https://example.com/news/20300526/123.html\n正文。", dt.date(2030, 5, 26)),
    ("截至2030年6月30日止季度,收入为334亿元,这是一段很长的正文句子,不是日期行。\n", None),
    ("5月5日消息,某公司发布数据。\n", None),
]


@pytest.mark.parametrize("text,date", DATES, ids=[t[:14] for t, _ in DATES])
def test_article_dates_in_the_forms_real_pages_use(text, date):
    assert document_from_text(text, "a.txt").date == date


# --- units as real pages write them ------------------------------------------------------------

LATIN = [
    ("融资$4.5B", D("4.5e9"), "USD"), ("获得US$3 billion投资", D("3e9"), "USD"), ("$100 million的订单", D("1e8"), "USD"),
    ("4.5 billion美元", D("4.5e9"), "USD"), ("405B参数", D("4.05e11"), "number"), ("8B模型", D("8e9"), "number"),
]


@pytest.mark.parametrize("text,value,unit", LATIN, ids=[t for t, _, _ in LATIN])
def test_latin_magnitudes(text, value, unit):
    (m,) = extract(document_from_text(text, "a.txt"))
    assert (m.quantity.low, m.quantity.unit) == (value, unit)


@pytest.mark.parametrize("text", ["B200芯片", "4K显示器", "3M公司", "5G网络"])
def test_letters_that_are_names_are_no_magnitudes(text):
    assert extract(document_from_text(text, "a.txt")) == []


def test_the_same_amount_in_two_scripts_agrees(rules):
    got = findings({"a.txt": "2030年第一季度,艾克米在全球的销售额为45亿美元。",
                    "b.txt": "2030年第一季度,艾克米在全球的销售额为$4.5B。"}, rules)
    assert got == []


def test_a_count_without_its_measure_word_is_the_same_fact():
    rules = load_rules_text(textwrap.dedent("""\
        name: m
        entities:
          acme: [艾克米]
        claims:
          - id: params
            subject: acme
            metric: params
            words: [参数]
            unit: count
            classifier: [个]
        """), "m.yaml")
    for text in ("艾克米的模型有3000亿参数。", "艾克米的模型有3000亿个参数。"):
        (claim,) = claims_for_document(document_from_text(text, "a.txt"), rules)[1]
        assert claim.mention.quantity.low == D("3e11")
    assert claims_for_document(document_from_text("艾克米的模型有3000亿。", "a.txt"), rules)[1] == []


# --- dates as claim values ---------------------------------------------------------------------

FAB = textwrap.dedent("""\
    name: fab
    entities:
      acme: {names: [艾克米], kind: company}
    claims:
      - id: fab-start
        subject: acme
        metric: fab-production-start
        words: [投产, 量产]
        unit: date
    """)


def test_a_milestone_date_is_an_interval_of_days():
    rules = load_rules_text(FAB, "fab.yaml")
    got = read("艾克米的新工厂将于2032年底投产,另一条产线2033至2034年间量产,第三条2031年3月15日投产。", rules)
    spans = {text: (dt.date.fromordinal(int(c.mention.quantity.low)), dt.date.fromordinal(int(c.mention.quantity.high)))
             for text, c in got.items()}
    assert spans["2032年底"] == (dt.date(2032, 10, 1), dt.date(2032, 12, 31))
    assert spans["2033至2034年间"] == (dt.date(2033, 1, 1), dt.date(2034, 12, 31))
    assert spans["2031年3月15日"] == (dt.date(2031, 3, 15), dt.date(2031, 3, 15))


def test_a_schedule_stated_at_two_as_of_dates_is_a_revision_and_at_one_a_contradiction():
    rules = load_rules_text(FAB, "fab.yaml")
    got = findings({"a.txt": "发布时间: 2030-05-01\n艾克米表示,新工厂将于2032年底投产。\n",
                    "b.txt": "发布时间: 2030-05-20\n艾克米的新工厂预计2034年投产。\n",
                    "c.txt": "发布时间: 2031-09-01\n艾克米称新工厂的投产推迟到2033至2034年间。\n"}, rules)
    kinds = sorted((f.kind, f.differs) for f in got)
    assert kinds == [("contradiction", ()), ("divergence", ("as-of",))]
    (same_time,) = [f for f in got if f.kind == "contradiction"]
    assert {c.path for c in same_time.claims} == {"a.txt", "b.txt"}  # both stated in May 2030


CURRENCIES = [
    ("艾克米融资200亿美元,其中80亿来自某基金。", "80亿", "USD"),           # the part takes the whole's currency
    ("股价跌至300元,市值蒸发1,236亿港元。", "300元", "HKD"),                 # 元 in a paragraph about 港元
    ("某公司营收2000亿元,约合新台币2000亿元。", "2000亿元", "TWD"),
    ("营收2478亿元(人民币,下同),约2700亿港元。", "2478亿元", "CNY"),          # 人民币 named: CNY
    ("营收100亿元。", "100亿元", "CNY"),
]


@pytest.mark.parametrize("text,written,unit", CURRENCIES, ids=[c[1] + c[2] for c in CURRENCIES])
def test_currencies_as_the_text_gives_them(text, written, unit):
    got = {m.text: m.quantity.unit for m in extract(document_from_text(text, "a.txt"))}
    assert got[written] == unit


RATES = [
    ("价格为0.5元/千token。", "0.0005", "CNY", "token"), ("价格为2美元/百万token。", "0.000002", "USD", "token"),
    ("每百万token收费2美元。", "0.000002", "USD", "token"), ("运营成本为70万美元/天。", "700000", "USD", "天"),
]


@pytest.mark.parametrize("text,value,unit,per", RATES, ids=[r[0] for r in RATES])
def test_a_rate_keeps_its_denominator_and_converts_by_it(text, value, unit, per):
    (m,) = extract(document_from_text(text, "a.txt"))
    assert (m.quantity.low, m.quantity.unit, m.quantity.per) == (D(value), unit, per)


def test_per_thousand_and_per_million_tokens_agree():
    a = extract(document_from_text("价格为0.002美元/千token。", "a.txt"))[0].quantity
    b = extract(document_from_text("价格为2美元/百万token。", "a.txt"))[0].quantity
    assert (a.low, a.per) == (b.low, b.per)


# --- owners: adjectives, the nearer rival, anaphora ----------------------------------------------

VALUATION = RULES + textwrap.indent(textwrap.dedent("""\
    - id: valuation
      subject: [acme, bolt, cato]
      metric: valuation
      words: [估值]
      unit: USD
    - id: training-cost
      subject: [acme, bolt, cato]
      metric: training-cost
      words: [训练成本]
      unit: USD
    """), "  ")


@pytest.fixture(scope="module")
def valuation_rules():
    return load_rules_text(VALUATION, "t.yaml")


@pytest.mark.parametrize("text,written", [
    ("博尔特最近的估值为500亿美元。", "500亿美元"),
    ("卡托单次的训练成本约为80万美元。", "约为80万美元"),
    ("据悉,艾克米目前的估值已达650亿美元。", "650亿美元"),
])
def test_an_adjective_before_the_metric_is_no_owner(valuation_rules, text, written):
    got = read(text, valuation_rules)
    assert written in got and got[written].subject in ("acme", "bolt", "cato")


def test_the_nearer_rival_owns_the_figure(valuation_rules):
    got = read("卡托估值800亿美元,其对手艾克米获新一轮融资后估值升至2000亿美元。", valuation_rules)
    assert (got["800亿美元"].subject, got["2000亿美元"].subject) == ("cato", "acme")


def test_the_company_refers_to_the_one_last_named(valuation_rules):
    assert read("卡托今日在港交所上市。该公司估值为120亿美元。", valuation_rules)["120亿美元"].subject == "cato"
    got = read("卡托今日在港交所上市。博尔特随后宣布完成融资。该公司估值为120亿美元。", valuation_rules)
    assert got["120亿美元"].subject == "bolt"


def test_the_former_and_the_latter(valuation_rules):
    got = read("博尔特与卡托宣布合并。前者估值约300亿美元。", valuation_rules)
    assert got["约300亿美元"].subject == "bolt"
    got = read("博尔特与卡托宣布合并。后者估值约300亿美元。", valuation_rules)
    assert got["约300亿美元"].subject == "cato"
    got = read("艾克米与卡托签下长约后,前者的估值升至900亿美元。", valuation_rules)
    assert got["900亿美元"].subject == "acme"


def test_the_former_with_no_clear_referent_gives_no_claim(valuation_rules):
    assert "700亿美元" not in read("卡托上市。前者的估值为700亿美元。", valuation_rules)
    assert "700亿美元" not in read("艾克米、博尔特和卡托均已上市,前者估值为700亿美元。", valuation_rules)


# --- a list item labelled with a name no rule knows ------------------------------------------------

ITEM_RULES = """
name: items
entities:
  lanhai:
    names: [蓝海芯科]
    kind: company
  beichen:
    names: [北辰半导体]
    kind: company
claims:
  - id: revenue
    subject: {each: [lanhai]}
    metric: revenue
    words: [营收]
    unit: money
"""


@pytest.mark.parametrize("text, subject", [
    # the item is about 星河微电子, which no rule names: 蓝海芯科's revenue is not carried into it
    ("2031年第三季度,蓝海芯科营收达35亿美元,位居第一。\n - 星河微电子:营收12亿美元,环比增长5%。", None),
    ("蓝海芯科公布财报,第三季度营收35亿美元。\n星河微电子:营收12亿美元,排名第二。", None),
    # a label that names the subject, a time, or a word that refers back keeps the reading
    ("2031年第三季度排名如下。\n - 蓝海芯科:营收12亿美元,环比增长5%。", "lanhai"),
    ("蓝海芯科公布财报,数据中心业务表现强劲。\n2031年第三季度:营收12亿美元。", "lanhai"),
    # a known company of the subject's kind (北辰半导体) stops the carry as before
    ("蓝海芯科公布财报。\n北辰半导体:营收12亿美元。", None),
])
def test_a_list_item_labelled_with_an_unknown_name_carries_no_subject(text, subject):
    rules = load_rules_text(ITEM_RULES, "rules/items.yaml")
    claims = read(text, rules)
    got = claims.get("12亿美元")
    assert (got.subject if got else None) == subject


def test_explain_says_a_labelled_item_carries_no_subject():
    from checker.attribute.explain import explain
    from checker.extract import extract as run

    rules = load_rules_text(ITEM_RULES, "rules/items.yaml")
    doc = document_from_text("蓝海芯科公布财报,第三季度营收35亿美元。\n星河微电子:营收12亿美元,排名第二。", "a.txt")
    (item,) = [e for e in explain(doc, run(doc), rules) if e.mention.text == "12亿美元"]
    assert item.claim is None
    assert any("labelled with a name no rule knows" in why for _, why in item.reasons), item.reasons
