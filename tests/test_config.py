"""Configuration discovery, validation and severity overrides (checker/config.py)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from checker.config import Config, Tolerance, find_config, load_config, resolve_config
from checker.errors import ConfigError

from conftest import build_seed_report


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- discovery --------------------------------------------------------------------------


def test_closest_config_wins(tmp_path):
    """A factcheck.toml in a subdirectory beats one higher up; nothing is merged."""
    top = write(tmp_path / "factcheck.toml", 'fail-on = "warning"\n')
    inner = write(tmp_path / "desk" / "factcheck.toml", 'format = "plain"\n')
    (tmp_path / "desk" / "drafts").mkdir()
    assert find_config(tmp_path / "desk" / "drafts") == inner
    assert find_config(tmp_path) == top
    assert load_config(inner).fail_on is None  # not inherited from the parent


def test_factcheck_toml_beats_pyproject_in_the_same_directory(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.factcheck]\nfail-on = "info"\n')
    own = write(tmp_path / "factcheck.toml", 'fail-on = "warning"\n')
    assert find_config(tmp_path) == own


def test_pyproject_without_tool_table_does_not_count(tmp_path):
    """A pyproject.toml with no [tool.factcheck] is skipped; the search goes on upwards."""
    outer = write(tmp_path / "pyproject.toml", '[tool.factcheck]\nfail-on = "info"\n')
    write(tmp_path / "pkg" / "pyproject.toml", '[project]\nname = "x"\n')
    assert find_config(tmp_path / "pkg") == outer
    assert load_config(outer).fail_on == "info"


def test_no_config_gives_defaults(tmp_path):
    assert find_config(tmp_path) is None or not str(find_config(tmp_path)).startswith(str(tmp_path))
    config = Config()
    assert config.fail_on is None and config.overrides == () and config.rules == ()


def test_resolve_config_prefers_the_named_file(tmp_path):
    write(tmp_path / "factcheck.toml", 'fail-on = "warning"\n')
    named = write(tmp_path / "ci.toml", 'fail-on = "info"\n')
    assert resolve_config(str(named), tmp_path).fail_on == "info"
    assert resolve_config(None, tmp_path).fail_on == "warning"


# --- contents ---------------------------------------------------------------------------


def test_full_config(tmp_path):
    """Every key, with rule paths resolved against the config file's directory."""
    path = write(tmp_path / "conf" / "factcheck.toml", '''
fail-on = "warning"
include = ["*.md", "*.txt"]
exclude = ["drafts/**"]
format = "sarif"

[rules]
paths = ["../rules/", "extra.yaml"]

[rules."ai-chips.nvidia-share"]
tolerance = "2%"
severity = "error"

[rules."ai-chips.*"]
severity = "info"
tolerance = 0.5

[notices."notice.garbled-name"]
severity = "off"
''')
    c = load_config(path)
    assert c.path == path and c.fail_on == "warning" and c.format == "sarif"
    assert c.include == ("*.md", "*.txt") and c.exclude == ("drafts/**",)
    assert c.rules == (tmp_path.resolve() / "conf" / ".." / "rules", tmp_path.resolve() / "conf" / "extra.yaml")
    assert c.tolerance_for("ai-chips.nvidia-share") == Tolerance(Decimal("0.02"), relative=True)
    assert c.tolerance_for("ai-chips.training-gpus") == Tolerance(Decimal("0.5"), relative=False)
    assert c.tolerance_for("other.rule") is None
    assert c.severity_for("ai-chips.nvidia-share", "warning") == "error"  # exact beats prefix
    assert c.severity_for("ai-chips.training-gpus", "error") == "info"
    assert c.severity_for("notice.garbled-name", "warning") == "off"
    assert c.severity_for("notice.name-variants", "warning") == "warning"


def test_rules_as_a_list(tmp_path):
    path = write(tmp_path / "pyproject.toml", '[tool.factcheck]\nrules = ["rules"]\n')
    assert load_config(path).rules == (tmp_path.resolve() / "rules",)


def test_apply_changes_and_drops_severities(tmp_path):
    """Config.apply on the seed findings: a divergence raised to error, the notice turned off."""
    path = write(tmp_path / "factcheck.toml", '''
[rules."ai-chips.nvidia-share"]
severity = "error"
[notices."notice.*"]
severity = "off"
''')
    findings = load_config(path).apply(build_seed_report().findings)
    by_rule = {f.rule: f for f in findings}
    assert by_rule["ai-chips.nvidia-share"].severity == "error"
    assert by_rule["ai-chips.training-gpus"].severity == "error"
    assert "notice.garbled-name" not in by_rule
    assert by_rule["ai-chips.query-cost"].severity == "info"  # consistent keeps info


# --- errors -----------------------------------------------------------------------------


@pytest.mark.parametrize("text, code, needle", [
    ('fail_on = "warning"\n', "E402", "unknown key 'fail_on'; did you mean 'fail-on'?"),
    ('fail-on = "errors"\n', "E403", "use one of error, warning, info, never"),
    ('format = "xml"\n', "E403", "bad value for 'format'"),
    ('include = "*.md"\nexclude = [1]\n', "E403", "expected a list of strings"),
    ('[rules."ai-chips.x"]\nseverity = "fatal"\n', "E403", "use one of info, warning, error, off"),
    ('[rules."ai-chips.x"]\nsevrity = "error"\n', "E402", "did you mean 'severity'?"),
    ('[rules."ai-chips.x"]\ntolerance = "two"\n', "E403", "percentage as text"),
    ('[rules."ai-chips.x"]\ntolerance = -1\n', "E403", "negative tolerance"),
    ('[notices."n.x"]\ntolerance = 1\n', "E402", "unknown key 'notices.\"n.x\".tolerance'"),
    ('fail-on = \n', "E401", "not valid TOML"),
])
def test_bad_config_says_file_key_and_fix(tmp_path, text, code, needle):
    path = write(tmp_path / "factcheck.toml", text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert info.value.code == code
    assert message.startswith(str(path)) and f" {code} " in message
    assert needle in message


def test_unknown_key_message_has_the_line(tmp_path):
    """factcheck.toml:3: E402 unknown key 'fail_on'; did you mean 'fail-on'?"""
    path = write(tmp_path / "factcheck.toml", '# desk settings\nformat = "plain"\nfail_on = "warning"\n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value) == f"{path}:3: E402 unknown key 'fail_on'; did you mean 'fail-on'?"


def test_bad_toml_has_line_and_column(tmp_path):
    path = write(tmp_path / "factcheck.toml", 'format = "plain"\nfail-on = "x" "y"\ninclude = []\n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.code == "E401" and (info.value.line, info.value.column) == (2, 15)
    path = write(tmp_path / "factcheck.toml", 'format = "plain"\nfail-on = [\n')
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.line == 2


def test_pyproject_named_without_table_is_an_error(tmp_path):
    path = write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    with pytest.raises(ConfigError, match=r"no \[tool.factcheck\] table"):
        load_config(path)


def test_cli_exit_code_for_a_bad_config(tmp_path, capsys):
    """A bad --config ends the run with exit 2 and the message on stderr, never a traceback."""
    from checker.cli import main

    path = write(tmp_path / "factcheck.toml", 'fail_on = "warning"\n')
    code = main(["report", str(tmp_path), "-o", str(tmp_path / "r.md"), "--config", str(path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "E402 unknown key 'fail_on'; did you mean 'fail-on'?" in err and "Traceback" not in err
