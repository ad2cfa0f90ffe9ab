"""Rule files: every mistake an editor can make gets file, line and what to change
(exit 2 from the CLI, never a traceback); the shipped rule set loads and its
examples pass."""

from __future__ import annotations

import textwrap
from decimal import Decimal

import pytest

from checker.cli import main
from checker.errors import PatternTimeout, RuleFileError
from checker.pipeline import run_examples
from checker.rules import load_rules, load_rules_text

GOOD = """\
name: ev
entities:
  catl:
    names: [宁德时代, CATL]
claims:
  - id: battery-price
    subject: catl
    metric: pack-price
    words: [价格, 售价]
    unit: USD
"""


def _error(text: str) -> RuleFileError:
    with pytest.raises(RuleFileError) as info:
        load_rules_text(textwrap.dedent(text), "rules/ev.yaml")
    return info.value


def test_good_file_loads():
    rs = load_rules_text(GOOD, "rules/ev.yaml")
    (rule,) = rs.rules
    assert rule.id == "ev.battery-price"
    assert rs.entities["catl"].match_names == ("宁德时代", "catl")


# (what is wrong, file text, code, line, words the message must contain)
CASES = [
    ("bad YAML", "entities:\n  catl: [宁德时代\nclaims: []\n", "E301", 3, "not valid YAML"),
    ("unknown key with suggestion", GOOD.replace("    unit: USD", "    unit: USD\n    tolerence: 1"), "E302", 11,
     "did you mean 'tolerance'?"),
    ("unknown top-level key", "entitys:\n  catl: [宁德时代]\n", "E302", 1, "did you mean 'entities'?"),
    ("missing required key", GOOD.replace("    metric: pack-price\n", ""), "E303", 6, "missing required key 'metric'"),
    ("no metric words", GOOD.replace("    words: [价格, 售价]\n", ""), "E303", 6, "no metric words"),
    ("unknown unit", GOOD.replace("unit: USD", "unit: precent"), "E304", 10, "did you mean 'percent'?"),
    ("unknown entity", GOOD.replace("subject: catl", "subject: catll"), "E305", 7, "did you mean 'catl'?"),
    ("duplicate rule id", GOOD + GOOD[GOOD.index("  - id"):], "E306", 11, "duplicate rule id 'ev.battery-price'"),
    ("duplicate key", GOOD.replace("    unit: USD", "    unit: USD\n    unit: CNY"), "E306", 11, "appears twice"),
    ("bad pattern", GOOD.replace("    words: [价格, 售价]", "    patterns: ['价格(']"), "E307", 9, "bad pattern"),
    ("backtracking pattern", GOOD.replace("    words: [价格, 售价]", "    patterns: ['(价|价)+格']"), "E308", 9,
     "catastrophic backtracking"),
    ("bad tolerance", GOOD + "    tolerance: lots\n", "E304", 11, "tolerance"),
    ("unknown qualifier", GOOD + "    qualifiers: [markt]\n", "E304", 11, "unknown qualifier 'markt'"),
    ("classifier without count", GOOD + "    classifier: [块]\n", "E304", 11, "only applies to unit: count"),
]


@pytest.mark.parametrize("what,text,code,line,words", CASES, ids=[c[0] for c in CASES])
def test_rule_file_errors(what, text, code, line, words):
    """Each broken file names the file, the line and the fix."""
    err = _error(text)
    assert err.code == code, str(err)
    assert err.path == "rules/ev.yaml"
    assert err.line == line, str(err)
    assert words in str(err)
    assert str(err).startswith(f"rules/ev.yaml:{line}")


def test_backtracking_pattern_is_a_pattern_timeout():
    with pytest.raises(PatternTimeout):
        load_rules_text(GOOD.replace("    words: [价格, 售价]", "    patterns: ['(a|aa)+$']"), "r.yaml")


def test_duplicate_entity_across_files(tmp_path):
    (tmp_path / "a.yaml").write_text("entities:\n  catl: [宁德时代]\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("entities:\n  byd: [比亚迪]\n  catl: [CATL]\n", encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        load_rules([tmp_path])
    assert info.value.code == "E306" and info.value.line == 3 and "a.yaml:2" in str(info.value)


def test_name_given_to_two_entities():
    err = _error("entities:\n  nvidia: [英伟达]\n  nv: [英偉達]\n")
    assert err.code == "E306" and "英伟达" in str(err)


def test_traditional_only_alias_is_normalized():
    """輝達 exists only in Traditional: it is stored as 辉达, the form Document.norm has."""
    rs = load_rules_text("entities:\n  nvidia: [輝達]\n")
    assert rs.entities["nvidia"].match_names == ("辉达",)


def test_numbers_are_decimal():
    rs = load_rules_text(GOOD + "    tolerance: 0.1\n    range: [1万, 1e6]\n")
    rule = rs.rules[0]
    assert rule.tolerance == Decimal("0.1") and isinstance(rule.tolerance, Decimal)
    assert (rule.range_low, rule.range_high) == (Decimal(10000), Decimal(1000000))


def test_relative_tolerance():
    rule = load_rules_text(GOOD + "    tolerance: 5%\n").rules[0]
    assert rule.tolerance == Decimal("0.05") and rule.tolerance_relative


def test_cli_reports_broken_rule_file_without_traceback(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("unit: USD", "unit: usd"), encoding="utf-8")
    code = main(["rules", "list", "--rules", str(bad)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{bad}:10: E304 unknown unit 'usd'" in err and "did you mean 'USD'?" in err
    assert "Traceback" not in err


def test_shipped_rules_load_and_examples_pass():
    rs = load_rules()
    assert {"ai-chips.market-share", "ai-chips.training-gpus", "ai-chips.h100-price"} <= {r.id for r in rs.rules}
    results = run_examples(rs)
    assert len(results) >= 30
    assert [(r.example.line, r.problem) for r in results if not r.passed] == []


def test_rules_test_fails_on_a_bad_example(tmp_path, capsys):
    f = tmp_path / "ev.yaml"
    f.write_text(GOOD + "    examples:\n      - text: 宁德时代电池包价格降至100美元。\n        value: 90美元\n"
                 "      - text: 宁德时代电池包价格降至100美元。\n        match: false\n", encoding="utf-8")
    code = main(["rules", "test", "--rules", str(f)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{f}:12: E310" in err and "expected value 90美元" in err
    assert f"{f}:14: E310" in err and "must not match" in err


def test_rules_test_passes(tmp_path, capsys):
    f = tmp_path / "ev.yaml"
    f.write_text(GOOD + "    examples:\n      - text: 宁德时代电池包价格降至100美元。\n        value: 100美元\n",
                 encoding="utf-8")
    assert main(["rules", "test", "--no-builtin-rules", "--rules", str(f)]) == 0
    assert "1 of 1 rule examples pass" in capsys.readouterr().err


def test_rules_list_shows_what_is_loaded(capsys):
    assert main(["rules", "list"]) == 0
    out = capsys.readouterr().out
    assert "ai-chips.training-gpus" in out and "nvidia (company): 英伟达" in out
