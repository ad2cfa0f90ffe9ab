"""Quarterly rankings retold by many outlets: the shapes the held-out foundry corpus showed
(tests/data/real/foundry/), each tested on sentences written for the test.  Last quarter's
figure in this quarter's sentence, year-less quarters, 上季 and 持平, tables laid out one cell
per line, a metric word carried past a nearer one, two beats sharing a company, a publisher
written three ways, and a figure whose article names no source."""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal as D

import pytest

from checker.attribute.periods import TimeIndex
from checker.attribute.sources import source_key
from checker.checks.compare import compare
from checker.load import document_from_text
from checker.pipeline import claims_for_document
from checker.rules import load_rules_text

RULES = textwrap.dedent("""\
    name: r
    entities:
      acme: {names: [艾克米, Acme], kind: company}
      bolt: {names: [博尔特, Bolt], kind: company}
      cato: {names: [卡托], kind: company}
      lumen: {names: [Lumenics, 流明研究, 流明], kind: research}
    claims:
      - id: share
        subject: {each: [acme, bolt, cato]}
        metric: share
        words: [市占率, 市占, 份额]
        unit: percent
        qualifiers: [source]
        separate: [period]
      - id: revenue
        subject: {each: [acme, bolt, cato]}
        metric: revenue
        words: [营收]
        unit: USD
        qualifiers: [source]
        separate: [period]
      - id: qoq
        subject: {each: [acme, bolt, cato]}
        metric: qoq
        words: [季增, 环比增长]
        unit: percent
        priority: 1
        qualifiers: [source]
        separate: [period]
      - id: joint-share
        subject: {each: [acme, bolt, cato]}
        metric: joint-share
        words: [占]
        unit: percent
    """)


@pytest.fixture(scope="module")
def rules():
    return load_rules_text(RULES, "r.yaml")


def read(text: str, rules, path: str = "a.txt", date=None):
    doc = document_from_text(text, path, date=date)
    return {c.mention.text: c for c in claims_for_document(doc, rules)[1]}


def findings(articles: dict[str, str], rules):
    claims = []
    for path, text in articles.items():
        claims += claims_for_document(document_from_text(text, path), rules)[1]
    return compare(claims, rules)


# --- last quarter's figure in this quarter's sentence -------------------------------------------


def test_a_before_value_after_zi_with_its_own_time_is_a_claim_about_that_time(rules):
    got = read("2031年第二季度,艾克米市占率自2031年第一季度的40.5%提升至42.1%。", rules)
    assert got["42.1%"].time == "2031-Q2"
    assert got["40.5%"].time == "2031-Q1"
    got = read("2031年第二季度,艾克米市占率自40.5%提升至42.1%。", rules)
    assert "40.5%" not in got and got["42.1%"].time == "2031-Q2"  # no time of its own: no claim


def test_the_value_at_a_base_of_comparison_belongs_to_the_base(rules):
    got = read("2031年第四季度,艾克米市占率较2031年第三季高峰61%下滑至60.2%。", rules)
    assert got["60.2%"].time == "2031-Q4"
    assert got["61%"].time == "2031-Q3"
    got = read("2031年第四季度,艾克米营收为30亿美元,较2030年第四季度增长8%。", rules)
    assert got["30亿美元"].time == "2031-Q4"  # a plain base is still no period


def test_chi_ping_with_the_last_quarter_is_a_base_not_the_figures_period(rules):
    date = dt.date(2031, 11, 20)
    for text in ("2031年第三季,博尔特营收约8亿美元,大致跟上季持平,市占率为6.1%。",
                 "2031年第三季,博尔特以约8亿美元大致持平上季,市占6.1%,排名第二。",
                 "2031年第三季,博尔特营收约8亿美元,与前一季持平,市占率为6.1%。"):
        assert read(text, rules, date=date)["6.1%"].time == "2031-Q3", text


# --- quarters without their year ----------------------------------------------------------------


def test_a_quarter_without_its_year_takes_the_year_of_the_period_in_force_in_an_undated_article(rules):
    got = read("2031年第四季,艾克米市占率从第三季的50.2%升至52.4%。", rules)
    assert got["50.2%"].time == "2031-Q3" and got["52.4%"].time == "2031-Q4"
    times = TimeIndex(document_from_text("2031年第四季度营收创新高。展望第一季,动能放缓。", "a.txt"))
    assert [w.period for w in times.words] == ["2031-Q4", "2032-Q1"]  # the nearest such quarter


def test_last_quarter_is_the_one_before_the_quarter_named_in_its_paragraph(rules):
    date = dt.date(2032, 3, 1)  # a 2031-Q3 report retold late
    got = read("2031年第三季,艾克米市占率由上季的48.3%提高至49.5%。", rules, date=date)
    assert got["48.3%"].time == "2031-Q2" and got["49.5%"].time == "2031-Q3"
    # a paragraph that names no quarter speaks from the article's date
    got = read("2031年第三季,艾克米营收为9亿美元。\n上季艾克米营收为12亿美元。", rules, date=date)
    assert got["12亿美元"].time == "2031-Q4"


def test_qian_yi_ji_is_the_previous_quarter_not_the_first(rules):
    times = TimeIndex(document_from_text("2031年第三季营收增长,较前一季提升。", "a.txt", date=dt.date(2031, 11, 1)))
    assert [w.period for w in times.words] == ["2031-Q3", "2031-Q2"]
    assert times.words[1].base


# --- tables laid out one cell per line ----------------------------------------------------------


def test_cells_of_a_table_one_per_line_are_not_headings(rules):
    text = ("艾克米发布2031年第四季度业绩。\n\n公司\n\n4Q31 营收\n\n3Q31 营收\n\n艾克米\n\n12亿美元\n\n10亿美元\n\n"
            "艾克米营收季增20%。\n")
    assert read(text, rules)["20%"].time == "2031-Q4"  # not 2031-Q3 from the cell "3Q31 营收"
    bullets = "2031财年第四季度业绩\n\n- 艾克米营收为12亿美元\n- 艾克米市占率为12%\n"
    assert read(bullets, rules, "a.md")["12%"].time == "FY2031-Q4"  # a heading over a list still is one


# --- which metric, which rule ------------------------------------------------------------------


def test_a_metric_word_carried_from_an_earlier_clause_stops_at_a_nearer_one(rules):
    got = read("2031年第二季度,艾克米营收达30亿美元,季增5%,以市占率40.2%居首,领先博尔特的12.5%。", rules)
    assert got["5%"].rule == "r.qoq"
    assert got["40.2%"].rule == "r.share" and got["40.2%"].subject == "acme"
    assert got["12.5%"].rule == "r.share" and got["12.5%"].subject == "bolt"  # not bolt's growth


def test_a_tie_between_two_beats_rules_goes_to_the_beat_the_article_names(rules):
    two_beats = load_rules_text(textwrap.dedent("""\
        name: two
        entities:
          acme: {names: [艾克米], kind: company}
          bolt: {names: [博尔特], kind: company}
          cato: {names: [卡托], kind: company}
          dyne: {names: [戴恩], kind: company}
          eris: {names: [厄里斯], kind: company}
        claims:
          - id: chips-share
            subject: {each: [acme, dyne, eris]}
            metric: chips-share
            words: [份额]
            unit: percent
          - id: phones-share
            subject: {each: [acme, bolt, cato]}
            metric: phones-share
            words: [份额]
            unit: percent
        """), "two.yaml")
    phones = "2031年第一季度,博尔特和卡托出货量下滑。艾克米的份额为20.5%。"
    chips = "2031年第一季度,戴恩和厄里斯营收下滑。艾克米的份额为61.5%。"
    assert read(phones, two_beats)["20.5%"].rule == "two.phones-share"
    assert read(chips, two_beats)["61.5%"].rule == "two.chips-share"


def test_a_clause_going_on_after_a_joint_figure_is_about_them_together(rules):
    got = read("2031年,艾克米、博尔特和卡托——共同增长了15%,占总营收的70%。", rules)
    assert "70%" not in got


# --- a publisher written three ways -------------------------------------------------------------


@pytest.mark.parametrize("lead", [
    "研调机构流明(Lumenics)1日指出,",
    "Lumenics(流明研究)发布最新调查数据,",
    "据调研机构Lumenics流明研究最新调查,",
    "市调机构流明研究统计资料显示,",
    "根據流明研究最新調查,",
])
def test_a_publisher_named_by_any_of_its_names_is_one_source(rules, lead):
    got = read(lead + "2031年第二季度艾克米市占率为40.2%。", rules)
    assert dict(got["40.2%"].qualifiers)["source"] == "Lumenics"


def test_a_source_is_compared_without_what_describes_it():
    assert source_key("市調機構流明研究") == "流明研究"
    assert source_key("流明研究统计") == "流明研究"
    assert source_key("Quanta") == "Quanta"


# --- a figure whose article names no source ------------------------------------------------------


def test_a_figure_with_no_source_is_compared_with_the_one_source_others_name(rules):
    named = "Lumenics数据显示,2031年第二季度艾克米市占率为40.2%。"
    bare = "2031年第二季度,艾克米市占率为38.5%。"
    got = findings({"a.txt": named, "b.txt": bare}, rules)
    assert [f.kind for f in got if f.kind == "contradiction"] == ["contradiction"]
    other = "Quanta数据显示,2031年第二季度艾克米市占率为41.9%。"
    got = findings({"a.txt": named, "b.txt": bare, "c.txt": other}, rules)
    assert not [f for f in got if f.kind == "contradiction"]  # two sources named: whose it is is unclear


# --- tables --------------------------------------------------------------------------------------


def test_a_row_table_reads_each_cell_by_its_row_and_the_unit_of_its_column(rules):
    text = ("Lumenics数据显示,2031年第二季度三家厂商营收排名如下。\n\n"
            "公司 营收(亿美元) 市占率(%)\n艾克米(Acme) 120.5 61.2\n博尔特 22 11.4\n卡托 9.8 5\n")
    got = read(text, rules)
    share, revenue = got["11.4"], got["22"]
    assert (share.rule, share.subject, share.time) == ("r.share", "bolt", "2031-Q2")
    assert share.mention.quantity.unit == "percent" and share.mention.quantity.low == D("11.4")
    assert (revenue.rule, revenue.subject) == ("r.revenue", "bolt")
    assert revenue.mention.quantity.unit == "USD" and revenue.mention.quantity.low == 22 * 10**8
    assert dict(share.qualifiers)["source"] == "Lumenics"  # the source in force where the table stands
    assert dict(got["61.2"].qualifiers)["period"] == "2031-Q2" and got["61.2"].subject == "acme"


def test_a_header_naming_two_quarters_gives_each_column_its_own(rules):
    text = "2031年市场回顾。\n\n厂商 2030年第四季度市占率 2031年第四季度市占率\n艾克米 40% 44%\n博尔特 30% 27%\n\n博尔特的份额下降。\n"
    got = read(text, rules)
    assert got["40%"].time == "2030-Q4" and got["44%"].time == "2031-Q4"
    assert got["27%"].subject == "bolt" and got["27%"].time == "2031-Q4"


def test_a_table_one_cell_per_line_reads_its_rows(rules):
    text = ("艾克米发布2031年第四季度排名。\n\n排名\n\n公司\n\n4Q31 营收 (百万美元)\n\n4Q31 市占率\n\n3Q31 市占率\n\n"
            "1\n\n艾克米\n\n2,600\n\n55.0%\n\n52.5%\n\n2\n\n博尔特\n\n1,180\n\n25.1%\n\n26.3%\n\n"
            "博尔特市占率下滑。\n")
    got = read(text, rules)
    assert got["2,600"].mention.quantity.low == 26 * 10**8 and got["2,600"].subject == "acme"
    assert got["26.3%"].subject == "bolt" and got["26.3%"].time == "2031-Q3"
    assert got["25.1%"].time == "2031-Q4"


def test_a_table_that_disagrees_with_a_retelling_is_a_contradiction(rules):
    table = "Lumenics数据显示,2031年第二季度排名如下。\n\n公司 营收(亿美元) 市占率(%)\n艾克米 120.5 61.2\n博尔特 22 11.4\n"
    prose = "Lumenics数据显示,2031年第二季度博尔特市占率为12.9%。"
    got = [f for f in findings({"a.txt": table, "b.txt": prose}, rules) if f.kind == "contradiction"]
    assert len(got) == 1 and got[0].subject == "bolt"


def test_prose_lines_and_lists_are_no_tables(rules):
    from checker.extract.tables import tables
    for text in ("艾克米营收 120亿美元 同比增长 20%,博尔特营收 30亿美元。\n下一段。\n",
                 "要点\n- 营收 120 亿美元\n- 市占率 40 %\n- 毛利率 50 %\n",
                 "短句一\n短句二\n短句三\n短句四\n"):
        doc = document_from_text(text, "a.txt")
        assert tables(doc.text, doc.norm) == [], text


def test_a_tables_title_says_what_it_is_about_and_its_quarter_takes_the_year_in_force(rules):
    text = ("2031年第二季度,艾克米营收创新高。\n\n第二季厂商营收表现\n\n公司 营收(亿美元) 市占率(%)\n"
            "艾克米 120.5 61.2\n博尔特 22 11.4\n")
    got = read(text, rules)
    assert got["11.4"].time == "2031-Q2" and dict(got["11.4"].qualifiers)["period"] == "2031-Q2"
