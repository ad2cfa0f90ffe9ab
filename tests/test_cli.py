"""The command line's contracts: help for every command, exit codes for usage errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

from checker.cli import build_parser, main
from checker.commands import exit_code_for
from checker.model import Finding, Report

COMMANDS = ["check", "report", "extract", "rules", "index"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command, capsys):
    """`factcheck COMMAND --help` explains the command and exits 0."""
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: factcheck " + command)
    assert len(out.splitlines()) > 3


def test_no_command_is_a_usage_error(capsys):
    """Running without a command prints help on stderr and exits 2."""
    assert main([]) == 2
    assert "usage: factcheck" in capsys.readouterr().err


def test_unknown_option_is_a_usage_error(capsys):
    assert main(["check", "--no-such-option", "seeds/"]) == 2
    assert "unrecognized arguments" in capsys.readouterr().err


def test_bad_choice_is_a_usage_error(capsys):
    assert main(["check", "--fail-on", "sometimes", "seeds/"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_python_dash_m_runs_the_same_cli():
    """`python -m checker` is the console script."""
    done = subprocess.run([sys.executable, "-m", "checker", "--version"], capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stdout.startswith("factcheck ")


def _finding(kind: str, severity: str) -> Finding:
    return Finding(kind=kind, severity=severity, rule="r", subject="s", metric="m", message="x")


@pytest.mark.parametrize(
    "severities, fail_on, expected",
    [
        ([], "error", 0),
        (["warning"], "error", 0),
        (["error"], "error", 1),
        (["warning"], "warning", 1),
        (["info"], "warning", 0),
        (["info"], "info", 1),
        (["error"], "never", 0),
    ],
)
def test_exit_code_follows_fail_on(severities, fail_on, expected):
    """1 when a finding is at or above --fail-on, else 0; 'never' always 0."""
    report = Report(findings=[_finding("notice", s) for s in severities])
    assert exit_code_for(report, fail_on) == expected


def test_exit_zero_overrides():
    report = Report(findings=[_finding("contradiction", "error")])
    assert exit_code_for(report, "error", exit_zero=True) == 0


def test_consistent_findings_never_fail():
    """Agreement shown with --show-consistent is information, never a failure."""
    report = Report(findings=[_finding("consistent", "info")])
    assert exit_code_for(report, "info") == 0


def test_parser_documents_exit_codes():
    assert "exit codes" in build_parser().format_help()


def test_a_bad_format_from_the_environment_is_a_usage_error(monkeypatch, capsys):
    """FACTCHECK_FORMAT=xml is reported like a bad --format: exit 2, what to use instead."""
    monkeypatch.setenv("FACTCHECK_FORMAT", "xml")
    assert main(["extract", "seeds/001_12274d2e8085e09b.txt"]) == 2
    err = capsys.readouterr().err
    assert "unknown output format 'xml'" in err and "rich, plain, json" in err
