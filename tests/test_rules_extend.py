"""Rule files a user can extend and steer (issue 12): user files add to the shipped set,
``extends``/``override``/``disable``, ``priority``, and the keys ``unless``, any-of
``context``, ``unit`` lists, ``subject: {each: …}``, ``plausible``; ``rules suggest``."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from checker.cli import main
from checker.errors import RuleFileError
from checker.load import document_from_text
from checker.pipeline import claims_for_document, run_examples
from checker.rules import load_rules, load_rules_text

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
REAL = ROOT / "tests" / "data" / "real"


def claims_of(text: str, ruleset) -> dict[str, object]:
    doc = document_from_text(text, path="t.md")
    return {c.mention.text: c for c in claims_for_document(doc, ruleset)[1]}


def user(text: str):
    return load_rules_text(textwrap.dedent(text), "rules/house.yaml", builtin=True)


# --- extending the shipped set --------------------------------------------------------------


MARKET_EXTENSION = """\
    qualifiers:
      market:
        values:
          datacenter-ai: [云端AI算力市场]
"""


def test_a_one_file_extension_of_the_shipped_market_qualifier_changes_what_check_reports(tmp_path, capsys):
    """Adding a word to the shipped `market` qualifier (no E306): a share in a market the
    shipped set does not name becomes a share of the data-center AI market, and contradicts
    the 98% stated for it."""
    (tmp_path / "a.md").write_text("英伟达在云端AI算力市场拥有70%的市场份额。\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("英伟达在数据中心AI市场拥有98%的市场份额。\n", encoding="utf-8")
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "house.yaml").write_text(textwrap.dedent(MARKET_EXTENSION), encoding="utf-8")

    def kinds(*extra):
        main(["check", str(tmp_path / "a.md"), str(tmp_path / "b.md"), "--format", "json", "--no-progress", *extra])
        findings = json.loads(capsys.readouterr().out)["findings"]
        return sorted({f["kind"] for f in findings if f["rule"] == "ai-chips.market-share"})

    assert kinds() == []
    assert kinds("--rules", str(rules)) == ["contradiction"]
    rs = load_rules([rules], builtin=True)
    assert "云端ai算力市场" in dict(rs.qualifiers["market"].values)["datacenter-ai"]
    assert rs.qualifiers["market"].extended_by == (f"{rules / 'house.yaml'}:2",)


def test_a_house_rule_in_dot_rules_and_the_shipped_rules_both_apply(tmp_path, monkeypatch, capsys):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "house.yaml").write_text(textwrap.dedent("""\
        entities:
          catl: [宁德时代]
        claims:
          - id: battery-price
            subject: catl
            metric: price
            words: [价格]
            unit: USD
    """), encoding="utf-8")
    (tmp_path / "rules" / "notes.yaml").write_text("title: not a rule file\nitems: [1, 2]\n", encoding="utf-8")
    (tmp_path / "a.md").write_text("宁德时代电池价格为100美元。英伟达H100的价格为3万美元。\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("宁德时代电池价格为120美元。英伟达H100的价格为4万美元。\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "a.md", "b.md", "--format", "json", "--no-progress"]) == 1
    captured = capsys.readouterr()
    rules = {f["rule"] for f in json.loads(captured.out)["findings"] if f["kind"] == "contradiction"}
    assert rules == {"house.battery-price", "ai-chips.h100-price"}
    assert "notes.yaml: not a rule file" in captured.err  # skipped with a note, not fatal
    # replacing the shipped set is an explicit choice
    assert main(["check", "a.md", "b.md", "--format", "json", "--no-progress", "--no-builtin-rules"]) == 1
    rules = {f["rule"] for f in json.loads(capsys.readouterr().out)["findings"] if f["kind"] == "contradiction"}
    assert rules == {"house.battery-price"}


def test_config_builtin_false_replaces_the_shipped_set(tmp_path, monkeypatch, capsys):
    (tmp_path / "mine.yaml").write_text("entities:\n  catl: [宁德时代]\n", encoding="utf-8")
    (tmp_path / "factcheck.toml").write_text('rules = ["mine.yaml"]\nbuiltin = false\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["rules", "list"]) == 0
    out = capsys.readouterr().out
    assert "claim rules (0)" in out and "catl" in out and "nvidia" not in out


@pytest.mark.parametrize("text, where", [
    # a user definition of a shipped id takes precedence: no E306
    ("entities:\n  nvidia: [老黄家]\n", None),
    ("name: ai-chips\nclaims:\n  - id: h100-price\n    subject: h100\n    metric: p\n    words: [价]\n"
     "    unit: USD\n", None),
])
def test_user_definitions_of_shipped_ids_take_precedence(text, where):
    rs = user(text)
    if "老黄家" in text:
        assert rs.entities["nvidia"].names[-1] == "老黄家" and "英伟达" in rs.entities["nvidia"].names
    else:
        rule = rs.rule("ai-chips.h100-price")
        shipped = load_rules().rule("ai-chips.h100-price")
        assert rule.origin == "user" and rule.words == ("价",) and rule.replaces == f"{shipped.path}:{shipped.line}"


def test_duplicates_within_the_users_own_files_are_still_e306(tmp_path):
    (tmp_path / "a.yaml").write_text("entities:\n  catl: [宁德时代]\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("entities:\n  catl: [CATL]\n", encoding="utf-8")
    with pytest.raises(RuleFileError) as err:
        load_rules([tmp_path], builtin=True)
    assert err.value.code == "E306" and "b.yaml" in str(err.value)


def test_a_user_entity_takes_a_name_from_a_shipped_one():
    rs = user("entities:\n  google-cloud: [谷歌云, 谷歌]\n")
    assert "谷歌" not in rs.entities["google"].match_names
    assert claims_of("谷歌的AI芯片市场份额为10%。", rs) == {}


EXTEND = """\
    claims:
      - extends: ai-chips.h100-price
        words: [要价]
        separate: [period]
        examples:
          - text: 2030年H100的要价为2万美元。
            value: 2万美元
            qualifiers: {period: "2030"}
"""


def test_extends_adds_words_and_separate_to_a_shipped_rule():
    rs = user(EXTEND)
    rule = rs.rule("ai-chips.h100-price")
    assert "要价" in rule.words and "价格" in rule.words
    assert rule.separate == ("sale", "period")
    assert rule.extended_by == ("rules/house.yaml:2",)
    assert len(rule.examples) == 5 and rule.examples[-1].path == "rules/house.yaml"
    assert all(r.passed for r in run_examples(rs) if r.rule.id == rule.id)


@pytest.mark.parametrize("text, code, says", [
    ("claims:\n  - extends: ai-chips.h100-prise\n    words: [x]\n", "E305", "did you mean 'ai-chips.h100-price'"),
    ("claims:\n  - extends: ai-chips.h100-price\n    metric: other\n", "E302", "unknown key 'metric'"),
    ("claims:\n  - extends: ai-chips.h100-price\n    separate: [perod]\n", "E304", "did you mean 'period'"),
    ("disable: [ai-chips.h100-prize]\n", "E305", "did you mean 'ai-chips.h100-price'"),
])
def test_a_bad_extension_says_where_and_what(text, code, says):
    with pytest.raises(RuleFileError) as err:
        user(text)
    assert err.value.code == code and says in str(err.value) and "rules/house.yaml:" in str(err.value)


def test_override_replaces_and_disable_removes():
    rs = user("""\
        claims:
          - override: ai-chips.query-cost
            subject: chatgpt
            metric: query-cost
            words: [每次提问]
            unit: USD
        disable: [ai-chips.gdp-share, ai-beat.*]
    """)
    assert rs.rule("ai-chips.query-cost").words == ("每次提问",)
    assert rs.rule("ai-chips.gdp-share") is None and not any(r.id.startswith("ai-beat.") for r in rs.rules)
    assert "ai-chips.gdp-share" in rs.disabled


def test_priority_decides_between_rules_that_read_one_number():
    base = """\
        entities:
          acme: [艾克米]
        claims:
          - id: generic
            subject: acme
            metric: m
            words: [收入]
            unit: USD
          - id: specific
            subject: acme
            metric: n
            words: [云收入]
            unit: USD
    """
    text = "艾克米的云收入为10亿美元。"
    # the metric word 收入 inside 云收入 is the longer word's: the more specific rule reads it
    assert claims_of(text, load_rules_text(textwrap.dedent(base))).popitem()[1].rule == "rules.specific"
    # between rules whose evidence is equally near, priority decides (else the first listed)
    tie = textwrap.dedent(base).replace("words: [云收入]", "words: [营收]")
    assert claims_of("艾克米营收收入为10亿美元。", load_rules_text(tie)).popitem()[1].rule == "rules.generic"
    boosted = tie + "    priority: 1\n"
    assert claims_of("艾克米营收收入为10亿美元。", load_rules_text(boosted)).popitem()[1].rule == "rules.specific"


def test_rules_list_says_where_each_rule_came_from(tmp_path, capsys):
    (tmp_path / "house.yaml").write_text(textwrap.dedent(EXTEND), encoding="utf-8")
    assert main(["rules", "list", "--rules", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    shipped = load_rules().rule("ai-chips.h100-price")
    assert f"from shipped {shipped.path}:{shipped.line}, extended by {tmp_path / 'house.yaml'}:2" in out


def test_replace_semantics_rule_files_keep_working(tmp_path):
    """A copy of the shipped files (written for the old replace semantics) loads on top of the
    shipped set: no E306, the same rules."""
    for f in (ROOT / "rules").glob("*.yaml"):
        (tmp_path / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    shipped = load_rules()
    both = load_rules([tmp_path], builtin=True)
    assert [r.id for r in both.rules] == [r.id for r in shipped.rules]
    assert all(r.passed for r in run_examples(both))


def test_the_hand_written_rules_of_the_real_corpus_load_on_top_of_the_shipped_set():
    """They load (their region qualifier and equipment entity merge with the shipped ones) and
    read their own examples; where they take a shipped name (半导体设备, 微软) they win."""
    rs = load_rules([REAL / "rules"], builtin=True)
    assert rs.rule("phones.brand-share") and rs.rule("ai-chips.market-share")
    mine = [r for r in run_examples(rs) if r.rule.origin == "user"]
    assert len(mine) >= 30 and all(r.passed for r in mine)
    assert claims_of("2030年全球半导体设备销售额为1000亿美元。", rs).popitem()[1].rule == "semi.equipment-sales"


# --- the new keys -----------------------------------------------------------------------------


KEYS = """\
    entities:
      acme: [艾克米]
      beta: [贝塔]
      gamma: [伽马]
      rival: [对手]
    claims:
      - id: revenue
        subject: acme
        metric: revenue
        words: [营收]
        unit: [USD, CNY]
        unless: [传闻]
        context: {any: [芯片, 半导体]}
      - id: count
        subject: acme
        metric: users
        words: [用户]
        unit: [count, number]
      - id: price
        subject: {each: [beta, gamma]}
        metric: price
        words: [价格]
        unit: USD
      - id: competitors
        subject: [beta, gamma]
        metric: share
        words: [份额]
        unit: percent
      - id: valuation
        subject: acme
        metric: valuation
        words: [估值]
        unit: USD
        plausible: [1e8, 1e13]
"""


@pytest.mark.parametrize("sentence, read", [
    ("艾克米芯片业务营收为10亿美元。", {"10亿美元": "rules.revenue"}),        # a context word
    ("艾克米半导体营收为70亿元。", {"70亿元": "rules.revenue"}),              # any of them; CNY too
    ("艾克米营收为10亿美元。", {}),                                           # no context word
    ("传闻艾克米芯片营收为10亿美元。", {}),                                    # unless: anywhere in the sentence
    ("艾克米芯片业务营收为10亿美元,传闻如此。", {}),
    ("艾克米用户为3亿。", {"3亿": "rules.count"}),                             # unit list: a number …
    ("艾克米用户为3亿个。", {"3亿个": "rules.count"}),                          # … or a count
])
def test_unless_any_of_context_and_unit_lists(sentence, read):
    rs = load_rules_text(textwrap.dedent(KEYS))
    assert {t: c.rule for t, c in claims_of(sentence, rs).items()} == read


def test_money_in_two_currencies_is_separated_by_currency():
    rule = load_rules_text(textwrap.dedent(KEYS)).rule("rules.revenue")
    assert "currency" in rule.separate and rule.accepted_units == ("USD", "CNY")


@pytest.mark.parametrize("sentence, subjects", [
    # each subject reads like a rule of its own: the subject of the earlier clause is inherited …
    ("贝塔的价格为3万美元,高配版价格为4万美元。", {"3万美元": "beta", "4万美元": "beta"}),
    # … while competitors are not handed a figure from an earlier clause
    ("贝塔的份额为30%,高端市场份额为40%。", {"30%": "beta"}),
])
def test_subject_each_reads_like_single_subject_rules(sentence, subjects):
    rs = load_rules_text(textwrap.dedent(KEYS))
    assert {t: c.subject for t, c in claims_of(sentence, rs).items()} == subjects


def test_plausible_turns_an_absurd_value_into_a_notice(tmp_path, capsys):
    rules = tmp_path / "r.yaml"
    rules.write_text(textwrap.dedent(KEYS), encoding="utf-8")
    article = tmp_path / "a.md"
    article.write_text("艾克米的估值达到5,200美元。艾克米的估值达到52亿美元。\n", encoding="utf-8")
    main(["check", str(article), "--rules", str(rules), "--no-builtin-rules", "--format", "json"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    notes = [f for f in findings if f["rule"] == "notice.implausible-value"]
    assert len(notes) == 1 and "5,200美元" in notes[0]["message"] and "magnitude" in notes[0]["message"]
    rs = load_rules_text(textwrap.dedent(KEYS))
    assert list(claims_of("艾克米的估值达到5,200美元。艾克米的估值达到52亿美元。", rs)) == ["52亿美元"]


def test_rules_test_names_the_rule_that_took_the_number(tmp_path, capsys):
    f = tmp_path / "r.yaml"
    f.write_text(textwrap.dedent("""\
        entities:
          acme: [艾克米]
        claims:
          - id: generic
            subject: acme
            metric: m
            words: [收入]
            unit: USD
          - id: specific
            subject: acme
            metric: n
            words: [营收]
            unit: USD
            examples:
              - text: 艾克米营收收入为10亿美元。
                value: 10亿美元
    """), encoding="utf-8")
    assert main(["rules", "test", "--no-builtin-rules", "--rules", str(f)]) == 2
    err = capsys.readouterr().err
    assert "rule r.generic took 10亿美元 (acme" in err and "priority" in err


def test_the_shipped_rule_set_passes_its_examples():
    results = run_examples(load_rules())
    assert len(results) >= 80 and [r.problem for r in results if not r.passed] == []


# --- rules suggest ------------------------------------------------------------------------------


def test_rules_suggest_drafts_rules_that_load_and_read_their_examples(tmp_path, capsys):
    assert main(["rules", "suggest", str(REAL / "smartphones"), str(REAL / "platforms")]) == 0
    text = capsys.readouterr().out
    out = tmp_path / "suggested.yaml"
    out.write_text(text, encoding="utf-8")
    rs = load_rules([out])
    assert len(rs.rules) >= 3
    assert all(r.passed for r in run_examples(rs))
    words = {w for r in rs.rules for w in r.words}
    names = {n for e in rs.entities.values() for n in e.names}
    assert "出货量" in words and {"三星", "腾讯"} <= names
    assert any("period" in r.separate for r in rs.rules)


def test_rules_suggest_needs_a_path(capsys):
    assert main(["rules", "suggest"]) == 2
