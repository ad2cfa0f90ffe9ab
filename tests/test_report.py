"""`factcheck report` (checker/commands/report.py), the shipped reports/seeds.md, and
the CI integration files (.pre-commit-hooks.yaml)."""

from __future__ import annotations


import pytest
import yaml

from checker.cli import build_parser, main
from checker.commands import report as report_command
from checker.render import render_report_text

from conftest import GOLDEN, ROOT, build_seed_report

SHIPPED_REPORT = ROOT / "reports" / "seeds.md"


def parse(argv):
    return build_parser().parse_args(argv)


@pytest.fixture
def hand_pipeline(monkeypatch):
    """report.run over the hand-built seed report (independent of the extraction stages)."""
    monkeypatch.setattr(report_command, "build_report", lambda args, config, ruleset=None: build_seed_report())


def test_report_writes_the_markdown(tmp_path, hand_pipeline, monkeypatch, capsys, golden):
    """The Markdown of the renderer, with a link to each chart file written beside it."""
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "r.md"
    code = report_command.run(parse(["report", "seeds/", "-o", str(out)]))
    assert code == 1  # a contradiction is at or above the default fail-on (error)
    text = out.read_text(encoding="utf-8")
    golden("seeds-hand.report.md", text)
    without_links = "".join(l for l in text.splitlines(keepends=True)[0:] if not l.startswith("![Interval chart"))
    assert without_links.replace("\n\n\n", "\n\n") == (GOLDEN / "seeds-hand.md").read_text(encoding="utf-8")
    assert sorted(p.name for p in (tmp_path / "r.charts").iterdir()) == ["1.svg", "3.svg"]
    assert "wrote" in capsys.readouterr().err


def test_report_exit_code_follows_configured_fail_on(tmp_path, hand_pipeline, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "factcheck.toml").write_text('fail-on = "never"\n', encoding="utf-8")
    assert report_command.run(parse(["report", "x", "-o", "r.md"])) == 0


def test_report_is_deterministic(tmp_path, hand_pipeline, monkeypatch):
    monkeypatch.chdir(tmp_path)
    report_command.run(parse(["report", "x", "-o", "r.md"]))
    first = (tmp_path / "r.md").read_bytes(), (tmp_path / "r.charts" / "1.svg").read_bytes()
    report_command.run(parse(["report", "x", "-o", "r.md"]))
    assert ((tmp_path / "r.md").read_bytes(), (tmp_path / "r.charts" / "1.svg").read_bytes()) == first
    report_command.run(parse(["report", "x", "-o", "r.html"]))
    html = (tmp_path / "r.html").read_bytes()
    report_command.run(parse(["report", "x", "-o", "r.html"]))
    assert (tmp_path / "r.html").read_bytes() == html


def test_interrupted_report_leaves_no_half_file(tmp_path, monkeypatch):
    """Ctrl-C while writing: the previous report stays whole and no temporary file remains."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.md").write_text("previous\n", encoding="utf-8")
    monkeypatch.setattr(report_command, "build_report", lambda args, config, ruleset=None: build_seed_report())

    import checker.render.common as common

    real_fsync = common.os.fsync

    def fsync_then_interrupt(fd):
        real_fsync(fd)
        raise KeyboardInterrupt

    monkeypatch.setattr(common.os, "fsync", fsync_then_interrupt)
    code = main(["report", "x", "-o", "r.md"])
    assert code == 130
    assert (tmp_path / "r.md").read_text(encoding="utf-8") == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.charts", "r.md"]
    assert not [p for p in (tmp_path / "r.charts").iterdir() if not p.name.endswith(".svg")]


def test_unwritable_output_is_exit_2(tmp_path, hand_pipeline, capsys):
    code = main(["report", "x", "-o", str(tmp_path / "missing-dir" / "r.md")])
    assert code == 2
    assert "E208" in capsys.readouterr().err


def test_report_requires_output(capsys):
    from checker.cli import main

    assert main(["report", "seeds/"]) == 2
    assert "E207 no --output FILE" in capsys.readouterr().err


# --- the shipped report -------------------------------------------------------------------


def test_shipped_seed_report_is_current(update_golden):
    """reports/seeds.md is what `factcheck report seeds/ -o reports/seeds.md` writes today.
    Regenerate with `pytest tests/test_report.py --update-golden`."""
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        args = parse(["report", "seeds/", "-o", "reports/seeds.md", "--no-progress"])
        from checker import pipeline
        from checker.commands import rule_tolerances
        from checker.config import resolve_config

        config = resolve_config(None)
        ruleset = pipeline.resolve_rules(None, config)
        text, charts = report_command.markdown_outputs(report_command.build_report(args, config, ruleset),
                                                       "reports/seeds.md", rule_tolerances(ruleset))
    finally:
        os.chdir(cwd)
    if update_golden:
        SHIPPED_REPORT.write_bytes(text.encode("utf-8"))
        for path, svg in charts.items():
            (ROOT / path).parent.mkdir(exist_ok=True)
            (ROOT / path).write_bytes(svg.encode("utf-8"))
    assert SHIPPED_REPORT.exists(), "reports/seeds.md is missing; run pytest tests/test_report.py --update-golden"
    assert SHIPPED_REPORT.read_bytes() == text.encode("utf-8"), "reports/seeds.md is stale"
    shipped_charts = sorted((ROOT / "reports" / "seeds.charts").glob("*.svg"))
    assert [p.relative_to(ROOT) for p in shipped_charts] == sorted(charts), "reports/seeds.charts/ is stale"
    for path, svg in charts.items():
        assert (ROOT / path).read_bytes() == svg.encode("utf-8"), f"{path} is stale"


# --- CI integration -----------------------------------------------------------------------


def test_pre_commit_manifest():
    """The hook manifest parses, has pre-commit's required keys, and runs serially so
    cross-article checks see every staged article in one run."""
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(hooks, list) and len(hooks) == 1
    hook = hooks[0]
    assert {"id", "name", "entry", "language"} <= hook.keys()
    assert hook["id"] == "factcheck" and hook["language"] == "python"
    assert hook["entry"] == "factcheck check"
    assert hook["require_serial"] is True
    assert set(hook["types_or"]) == {"markdown", "plain-text"}
    assert hook.get("pass_filenames", True) is True
    # the entry is a real subcommand
    assert parse(hook["entry"].split()[1:] + ["a.md"]).command == "check"


def test_report_with_no_readable_article_is_an_input_error(tmp_path, capsys):
    """Like check: no PATH is a usage error, only unreadable files is E206, and no report is written."""
    from checker.cli import main

    out = tmp_path / "r.md"
    assert main(["report", "-o", str(out)]) == 2
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    assert main(["report", str(tmp_path / "empty.txt"), "-o", str(out)]) == 2
    assert "E206" in capsys.readouterr().err
    assert not out.exists()
