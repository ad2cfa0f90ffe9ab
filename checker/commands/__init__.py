"""One module per subcommand of the CLI, each with ``run(args) -> int``, and what they share:
the output formats, the exit code, the reporting of unreadable files.

Each command parses nothing (cli.py did), calls the library (``checker.pipeline``,
``checker.index``), renders, and returns the exit code.  Exit codes (a contract): 0
nothing at or above --fail-on; 1 findings at or above it; 2 a usage, configuration,
rule-file, input or internal error.  The output format never changes the exit code.
"""

from __future__ import annotations

import os
import sys
from typing import Sequence

from ..errors import InputError, UsageError
from ..model import Report, severity_rank

FORMATS_CHECK = ("rich", "plain", "markdown", "json", "sarif", "github")
FORMATS_EXTRACT = ("rich", "plain", "json")
FAIL_ON = ("error", "warning", "info", "never")


def builtin_choice(args) -> bool | None:
    """False for --no-builtin-rules; None lets the configuration decide (default: loaded)."""
    return False if getattr(args, "no_builtin_rules", False) else None


def choose_format(requested: str | None, output: str | None, allowed: Sequence[str] = FORMATS_CHECK) -> str:
    """The --format asked for, else FACTCHECK_FORMAT, else rich on a terminal and plain otherwise."""
    fmt = requested or os.environ.get("FACTCHECK_FORMAT")
    if fmt:
        if fmt not in allowed:
            raise UsageError(f"unknown output format {fmt!r}", hint=f"use one of: {', '.join(allowed)}")
        return fmt
    if output is None and sys.stdout.isatty():
        return "rich"
    return "plain"


def exit_code_for(report: Report, fail_on: str, exit_zero: bool = False) -> int:
    """Decided once, from the report, never by a renderer."""
    if exit_zero or fail_on == "never":
        return 0
    threshold = severity_rank(fail_on)
    for finding in report.findings:
        if finding.kind != "consistent" and severity_rank(finding.severity) >= threshold:
            return 1
    return 0


def report_problems(report: Report) -> None:
    """Print each file that could not be read (one line on stderr) and go on; when no file at
    all could be read there is nothing to report: E206."""
    for problem in report.problems:
        print(f"factcheck: {problem.path}: {problem.code} {problem.message}", file=sys.stderr)
    if not report.documents and report.problems:
        raise InputError("no readable input among the paths given", code="E206",
                         hint="check the paths and their encodings (messages above)")


def rule_tolerances(ruleset) -> dict:
    """rule id -> (tolerance, relative) of every claim rule, for the renderers that draw
    each claim's interval (render/chart.py)."""
    return {r.id: (r.tolerance, r.tolerance_relative) for r in ruleset.rules}


def require_paths(args, what: str) -> None:
    """A usage error when no PATH was given."""
    if not args.paths:
        raise UsageError(f"no articles to {what}",
                         hint=f"name the files or directories: factcheck {what} PATHS… ('-' reads standard input)")


__all__ = ["FAIL_ON", "FORMATS_CHECK", "FORMATS_EXTRACT", "choose_format", "exit_code_for", "report_problems",
           "require_paths", "rule_tolerances"]
