"""The docs keep up with the code: every error code and every command is documented."""

from __future__ import annotations

from pathlib import Path

from checker.errors import CODE_PATTERN, CODES

ROOT = Path(__file__).resolve().parent.parent


def test_error_codes_are_well_formed():
    assert all(CODE_PATTERN.match(code) for code in CODES)


def test_every_error_code_is_documented():
    text = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    missing = [code for code in CODES if f"| {code} |" not in text]
    assert not missing, f"add {missing} to docs/errors.md"


def test_readme_documents_every_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for command in ["factcheck check", "factcheck report", "factcheck extract", "factcheck rules",
                    "factcheck index", "factcheck serve"]:
        assert command in readme, command


def test_readme_quick_start_is_two_commands_and_ci_runs_the_second():
    """.ci/run runs exactly the README's test command."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quick start", 1)[1].split("```", 2)[1]
    commands = [line for line in block.splitlines()[1:] if line.strip() and not line.startswith("#")]
    assert len(commands) == 2, commands
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1].strip() in ci


def test_fixture_copies_match_the_shared_originals():
    """tests/data keeps copies of the gold and acceptance files so the suite runs anywhere;
    where the shared originals are beside the checkout, the copies must be current."""
    shared = ROOT.parent / "shared"
    pairs = [(shared / "gold" / "numbers-seeds.yaml", ROOT / "tests" / "data" / "gold-numbers-seeds.yaml"),
             (shared / "acceptance" / "seeds.yaml", ROOT / "tests" / "data" / "acceptance-seeds.yaml")]
    for original, copy in pairs:
        assert copy.exists(), copy
        if original.exists():
            assert copy.read_bytes() == original.read_bytes(), f"refresh {copy} from {original}"


def test_the_shipped_rules_are_where_the_package_looks():
    """Installed or run from a checkout, the package finds the rule set of rules/ (a
    non-editable install carries it as checker/builtin_rules), byte for byte."""
    from checker.resources import builtin_rules_dir

    found = builtin_rules_dir()
    shipped = sorted((ROOT / "rules").glob("*.yaml"))
    assert shipped
    for path in shipped:
        assert (found / path.name).read_bytes() == path.read_bytes(), found / path.name


def _blocks_after(text: str, marker: str) -> str:
    """The first fenced block after ``marker`` in a Markdown text."""
    rest = text.split(marker, 1)[1]
    return rest.split("```", 2)[1].split("\n", 1)[1]


def test_the_rule_example_in_the_docs_loads_and_its_examples_pass():
    """docs/rules.md's complete example (EV battery prices) is a working rule file: a new
    user who copies it gets no error, and `rules test` passes on it."""
    from checker.pipeline import run_examples
    from checker.rules import load_rules_text

    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    yaml_text = _blocks_after(doc, "## A complete example")
    assert yaml_text.startswith("# rules/ev-batteries.yaml")
    ruleset = load_rules_text(yaml_text, "ev-batteries.yaml")
    results = run_examples(ruleset)
    assert results and all(r.passed for r in results), [r.problem for r in results if not r.passed]
