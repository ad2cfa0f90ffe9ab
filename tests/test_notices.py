"""Notices: garbled model names, a name written two ways, and GB/T 15835-2011 number style;
each switchable off or re-levelled."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from checker.errors import RuleFileError
from checker.load import document_from_text
from checker.checks.notices import find_notices
from checker.names import garbled_target
from checker.rules.notices import (DIGIT_CHAR_MIX, DIGIT_WIDTH, FIGURE_STYLE, GARBLED_NAME, NAME_VARIANTS, NOTICE_IDS,
                                   RANGE_UNIT, parse_notice_settings)
from checker.rules.source import read_yaml

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED = {p.name[:3]: p for p in SEEDS.glob("*.txt")}


KNOWN = {
    "nvidia": ["英伟达", "英偉達", "輝達", "Nvidia", "NVIDIA"],
    "altman": ["阿尔特曼", "奥尔特曼", "奥特曼", "山姆·奥特曼", "山姆·奥尔特曼", "Sam Altman", "Altman"],
    "h100": ["H100"], "a100": ["A100"], "v100": ["V100"], "h800": ["H800"], "a800": ["A800"],
    "mi300x": ["MI300X"], "tpu-v5p": ["TPU v5p"], "gpt-4": ["GPT-4", "GPT4"], "gpt-5": ["GPT-5"],
    "tsmc": ["台积电", "台湾积体电路制造"], "amd": ["AMD"], "meta": ["Meta"],
}


def seed(key: str):
    return document_from_text(SEED[key].read_text(encoding="utf-8"), SEED[key].name)


def extract(doc):
    from checker.extract import extract as run

    return run(doc)


def notices(text_or_doc, known=KNOWN, **kw):
    doc = document_from_text(text_or_doc, "t.txt") if isinstance(text_or_doc, str) else text_or_doc
    return find_notices(doc, extract(doc), known, **kw)


def rules_of(findings):
    return [f.rule for f in findings]


# --- garbled model names --------------------------------------------------------------------


def test_seed_000_p00_is_a_garbled_h100():
    """Acceptance garbled-h100: one notice listing every p00, suggesting H100."""
    doc = seed("000")
    [f] = [f for f in notices(doc, KNOWN, prefer=["h100"]) if f.rule == GARBLED_NAME]
    assert (f.kind, f.severity, f.subject) == ("notice", "warning", "h100")
    assert "did you mean H100?" in f.message
    assert [loc.text for loc in f.locations] == ["p00"] * 6
    assert any("英伟达p00的价格已经飙升至2.5万-3万美元" in loc.sentence for loc in f.locations)
    assert "it follows 英伟达" in f.detail
    assert [loc.line for loc in f.locations] == sorted(loc.line for loc in f.locations)


def test_without_a_preference_every_equally_near_name_is_offered():
    """From a plain dict, p00 is as near A100, H100 and V100; all are named, none is dropped."""
    doc = seed("000")
    [f] = [f for f in notices(doc) if f.rule == GARBLED_NAME]
    assert "H100" in f.message and "A100" in f.message
    [g] = [f for f in notices(doc, prefer={"h100"}) if f.rule == GARBLED_NAME]
    assert g.message.endswith("did you mean H100?")


def test_a_garbled_spelling_listed_as_a_name_is_still_reported():
    """A rule set may list p00 as a name of H100 (so claims read as H100); the notice still fires."""
    known = dict(KNOWN, h100=["H100", "p00"])
    [f] = [f for f in notices(seed("000"), known) if f.rule == GARBLED_NAME]
    assert "did you mean H100?" in f.message and len(f.locations) == 6


@pytest.mark.parametrize("token, expected", [
    ("p00", "H100"), ("H1O0", "H100"), ("Hl00", "H100"), ("H1OO", "H100"), ("A1O0", "A100"),
])
def test_garbled_forms(token, expected):
    hits = garbled_target(token, ["H100", "A100"])
    assert hits and expected in [name for _, name in hits]


@pytest.mark.parametrize("token", ["H800", "A800", "MI300X", "V100", "H200", "H20", "B200", "GPT-4o", "A4", "K8",
                                   "G42", "Gaudi3", "v4", "v5p", "WSE-2", "5nm", "GPT-o1"])
def test_real_names_are_not_garbled(token):
    """Must not fire: well-formed names of other chips and models, even if unknown."""
    assert garbled_target(token, ["H100", "A100", "V100", "GPT-4", "MI300"]) == []


def test_real_distinct_names_in_text_do_not_fire():
    text = ("英伟达A100和H100都很贵,为中国推出了A800和H800,AMD发布MI300X,谷歌推出TPU v5p,"
            "GPT3.5需要1万张V100,还有H200、H20和GPT-4o。")
    assert [f for f in notices(text) if f.rule == GARBLED_NAME] == []


def test_look_alike_letters_fire_in_text():
    [f] = [f for f in notices("英伟达H100很贵,英伟达Hl00也很贵。") if f.rule == GARBLED_NAME]
    assert "'Hl00'" in f.message and "did you mean H100?" in f.message
    assert "as H100 does in this article" in f.detail


@pytest.mark.parametrize("key", ["001", "002", "003", "004"])
def test_other_seeds_have_no_garbled_names(key):
    assert [f for f in notices(seed(key), KNOWN, prefer=["h100"]) if f.rule == GARBLED_NAME] == []


# --- one name written two ways ---------------------------------------------------------------


def test_seed_000_altman_written_two_ways():
    """Acceptance name-variants: 阿尔特曼 and 奥尔特曼 in 000, quoting each form's first occurrence."""
    doc = seed("000")
    [f] = [f for f in notices(doc) if f.rule == NAME_VARIANTS]
    assert f.subject == "altman" and f.severity == "warning"
    assert [(loc.text, loc.line) for loc in f.locations] == [("阿尔特曼", 1), ("奥尔特曼", 41)]
    assert "第二家奥尔特曼投资的公司" in f.locations[1].sentence


@pytest.mark.parametrize("key", ["001", "002", "003", "004"])
def test_one_spelling_per_article_does_not_fire(key):
    """002 writes 奧特曼 throughout, 003 山姆·奧爾特曼 (Traditional), 004 奥特曼 and 山姆·奥特曼
    (the same surname): no notice."""
    assert [f for f in notices(seed(key)) if f.rule == NAME_VARIANTS] == []


def test_abbreviations_and_latin_names_are_not_variants():
    text = "台湾积体电路制造(台积电)与英伟达合作;Sam Altman,即奥特曼,也就是Altman。"
    assert [f for f in notices(text) if f.rule == NAME_VARIANTS] == []


@pytest.mark.parametrize("text", [
    "小鹏汽车公布了季度交付量。小鹏表示,新车型将在年底上市。",  # a short form inside the long one
    "瑞声科技控股今日发布公告,瑞声科技称毛利率有所回升。",
])
def test_a_short_form_inside_the_full_name_is_no_variant(text):
    known = {"xpeng": ["小鹏汽车", "小鹏"], "aac": ["瑞声科技控股", "瑞声科技"]}
    assert [f for f in notices(text, known) if f.rule == NAME_VARIANTS] == []


def test_a_market_described_two_ways_is_no_variant_but_a_person_spelled_two_ways_is():
    """Spellings are of people and organisations; a market (kind: market) is described, and
    全球平板 / 全球平板电脑 are two wordings of it."""
    from checker.rules import load_rules_text

    ruleset = load_rules_text(
        "name: t\nentities:\n"
        "  tablet-market:\n    names: [全球平板电脑, 全球平板]\n    kind: market\n"
        "  huang:\n    names: [黄仁勋, 黄仁勳, 黄任勋]\n    kind: person\n", "rules/t.yaml")
    doc = document_from_text("全球平板电脑出货量回升。黄仁勋称,全球平板市场仍在调整,黄任勋随后补充。", "t.txt")
    found = [f for f in find_notices(doc, extract(doc), ruleset) if f.rule == NAME_VARIANTS]
    assert [f.subject for f in found] == ["huang"]


def test_traditional_variants_fire():
    [f] = [f for f in notices("奧特曼表示，奧爾特曼的計劃很大。") if f.rule == NAME_VARIANTS]
    assert [loc.text for loc in f.locations] == ["奧特曼", "奧爾特曼"]


# --- number style (GB/T 15835-2011) ----------------------------------------------------------


@pytest.mark.parametrize("text, fires", [
    ("需要3～5万张芯片", True), ("份额为15～30%", True), ("投资约3-5亿美元", True),
    ("需要3万～5万张芯片", False), ("价格2.5万-3万美元", False), ("份额为15%～30%", False),
    ("价格25000到30000美元", False),
])
def test_range_must_repeat_the_magnitude(text, fires):
    found = [f for f in notices(text) if f.rule == RANGE_UNIT]
    assert bool(found) is fires
    if fires:
        assert "write '" in found[0].message


def test_range_notice_suggests_the_fix():
    [f] = [f for f in notices("需要3～5万张芯片") if f.rule == RANGE_UNIT]
    assert "'3～5万'" in f.message and "write '3万～5万'" in f.message


@pytest.mark.parametrize("text, fires", [
    ("公司有4千台服务器", True), ("共1百零8个节点", True), ("规模3千亿美元", True),
    ("规模2.5万台", False), ("规模3.14万亿美元", False), ("重5千克", False), ("共10亿零817万5288人", False),
])
def test_digit_character_mixing(text, fires):
    assert bool([f for f in notices(text) if f.rule == DIGIT_CHAR_MIX]) is fires


def test_digit_width_mixing():
    [f] = [f for f in notices("GPU数量达１２万张,另有12万张和30万张。") if f.rule == DIGIT_WIDTH]
    assert [loc.text for loc in f.locations] == ["１２"]
    assert [f for f in notices("GPU数量达12万张,另有H100和30万张。") if f.rule == DIGIT_WIDTH] == []


def test_same_figure_written_two_ways():
    [f] = [f for f in notices("筹集7万亿美元。这7万亿美元即70000亿美元。") if f.rule == FIGURE_STYLE]
    assert [loc.text for loc in f.locations] == ["7万亿美元", "70000亿美元"]


def test_same_figure_same_way_does_not_fire():
    assert [f for f in notices("筹集7万亿美元。这7万亿美元很多,美国GDP的四分之一(25%)。")
            if f.rule == FIGURE_STYLE] == []


@pytest.mark.parametrize("key", ["000", "001", "002", "003", "004"])
def test_number_style_notices_on_the_seeds_are_few(key):
    """The seeds follow the standard's range and mixing rules; no style notice fires on them."""
    style = {RANGE_UNIT, DIGIT_CHAR_MIX, DIGIT_WIDTH}
    assert [f.message for f in notices(seed(key)) if f.rule in style] == []


# --- settings --------------------------------------------------------------------------------


def test_each_notice_can_be_switched_off_or_relevelled():
    doc = seed("000")
    base = notices(doc, KNOWN, prefer=["h100"])
    assert set(rules_of(base)) >= {GARBLED_NAME, NAME_VARIANTS}
    off = notices(doc, KNOWN, prefer=["h100"], settings={GARBLED_NAME: "off"})
    assert GARBLED_NAME not in rules_of(off) and NAME_VARIANTS in rules_of(off)
    relevelled = notices(doc, KNOWN, prefer=["h100"], settings={"garbled-name": "error", NAME_VARIANTS: "info"})
    levels = {f.rule: f.severity for f in relevelled}
    assert levels[GARBLED_NAME] == "error" and levels[NAME_VARIANTS] == "info"
    assert {f.kind for f in relevelled} == {"notice"}
    with pytest.raises(ValueError):
        notices(doc, KNOWN, prefer=["h100"], settings={"notice.nonsense": "off"})


def test_notice_settings_from_a_rule_file():
    text = "notices:\n  garbled-name: error\n  notice.digit-width: off\n  figure-style: suggestion\n"
    settings = parse_notice_settings(read_yaml(text, "rules/ai-chips.yaml"), "rules/ai-chips.yaml")
    assert settings == {GARBLED_NAME: "error", DIGIT_WIDTH: "off", FIGURE_STYLE: "info"}
    assert parse_notice_settings(yaml.safe_load(text)) == settings  # YAML reads bare `off` as false


@pytest.mark.parametrize("text, code, line", [
    ("notices:\n  garbled-names: error\n", "E302", 2),
    ("notices:\n  digit-width: loud\n", "E304", 2),
    ("notices: [a, b]\n", "E304", 1),
])
def test_bad_notice_settings_name_the_line(text, code, line):
    with pytest.raises(RuleFileError) as info:
        parse_notice_settings(read_yaml(text, "rules/x.yaml"), "rules/x.yaml")
    assert (info.value.code, info.value.line, info.value.path) == (code, line, "rules/x.yaml")


def test_every_notice_id_is_documented():
    doc = (Path(__file__).resolve().parent.parent / "docs" / "checks.md").read_text(encoding="utf-8")
    assert all(f"`{nid}`" in doc for nid in NOTICE_IDS)
