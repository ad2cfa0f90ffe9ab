"""One module per subcommand of the CLI, each with ``run(args) -> int``, and what they share:
the output formats, the exit code, the reporting of unreadable files.

Each command parses nothing (cli.py did), calls the library (``checker.pipeline``,
``checker.index``), renders, and returns the exit code.  Exit codes (a contract): 0
nothing at or above --fail-on; 1 findings at or above it; 2 a usage, configuration,
rule-file, input or internal error.  The output format never changes the exit code.
"""

from __future__ import annotations

import io
import os
import sys
from typing import Callable, Sequence

from ..display import display
from ..errors import InputError, UsageError
from ..load import display_path_of
from ..model import Report, severity_rank
from ..render.common import write_output

FORMATS_CHECK = ("rich", "plain", "markdown", "json", "sarif", "github", "junit", "rdjson")
FORMATS_EXTRACT = ("rich", "plain", "json")
#: Every format some command writes: FACTCHECK_FORMAT naming one of these is ignored by a
#: command that lacks it (so one environment serves check and extract); anything else is an error.
ALL_FORMATS = tuple(dict.fromkeys(FORMATS_CHECK + FORMATS_EXTRACT))
FAIL_ON = ("error", "warning", "info", "never")


def builtin_choice(args) -> bool | None:
    """False for --no-builtin-rules; None lets the configuration decide (default: loaded)."""
    return False if getattr(args, "no_builtin_rules", False) else None


def choose_format(requested: str | None, output: str | None, allowed: Sequence[str] = FORMATS_CHECK) -> str:
    """The --format asked for, else FACTCHECK_FORMAT (when this command has that format),
    else rich on a terminal and plain otherwise."""
    fmt = requested
    if not fmt:
        env = os.environ.get("FACTCHECK_FORMAT")
        if env and env not in ALL_FORMATS:
            raise UsageError(f"unknown output format {env!r} in FACTCHECK_FORMAT",
                             hint=f"use one of: {', '.join(allowed)}")
        fmt = env if env in allowed else None
    if fmt:
        if fmt not in allowed:
            raise UsageError(f"unknown output format {fmt!r}", hint=f"use one of: {', '.join(allowed)}")
        return fmt
    if (output is None or output == "-") and sys.stdout.isatty():
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


def emit(render: Callable, items, fmt: str, output: str | None) -> None:
    """``render(items, fmt, stream)`` to standard output (coloured as the terminal allows), or
    to the file ``output`` without colour, written whole (nothing half-written on Ctrl-C)."""
    if output is None or output == "-":
        render(items, fmt, sys.stdout)
        return
    buffer = io.StringIO()
    render(items, fmt, buffer, color=False)
    write_output(output, buffer.getvalue())


def say(message: str) -> None:
    """One line on stderr, "factcheck: …", in display form: a file name or article text
    with a newline, an ESC sequence or undecodable bytes cannot start a line of its own
    (a GitHub workflow command) or act on the terminal."""
    print(f"factcheck: {display(message)}", file=sys.stderr)


def configured(explicit: str | None):
    """The configuration for a command (``config.resolve_config``), its warnings said on stderr."""
    from ..config import resolve_config

    config = resolve_config(explicit)
    for warning in config.warnings:
        say(warning)
    return config


def report_pattern_notes(extra: Sequence[str] = ()) -> None:
    """Each user pattern that timed out (once, with its rule file and line), and each
    time budget that ran out; ``extra`` are such notes from worker processes."""
    from ..rules.patterns import take_notes

    for note in [*take_notes(), *extra]:
        say(note)


def explicit_paths(args) -> set[str]:
    """The display paths of the files named on the command line (not directories): a
    problem with one of them fails the run (exit 2), one found in a directory walk does not."""
    shown = set()
    for given in args.paths or ():
        if given == "-":
            shown.add(getattr(args, "stdin_filename", None) or "<stdin>")
        elif not os.path.isdir(given):
            shown.add(display_path_of(given))
    return shown


def report_problems(report: Report, explicit: set[str] | None = None) -> bool:
    """Print each file that could not be read (one line on stderr) and go on; when no file at
    all could be read there is nothing to report: E206.  True when a file named explicitly
    (in ``explicit``) could not be read: the caller still writes its output, then exits 2."""
    for problem in report.problems:
        say(f"{problem.path}: {problem.code} {problem.message}")
    if not report.documents and report.problems:
        raise InputError("no readable input among the paths given", code="E206",
                         hint="check the paths and their encodings (messages above)")
    return any(p.path in (explicit or ()) for p in report.problems)


def check_stdin_filename(args) -> None:
    """``--stdin-filename`` names the text read from standard input: with no PATH it means
    '-' (as ruff does); with PATHs that do not include '-' it would do nothing, so it is an error."""
    name = getattr(args, "stdin_filename", None)
    if name is None:
        return
    if not args.paths:
        args.paths = ["-"]
    elif "-" not in args.paths:
        raise UsageError("--stdin-filename names standard input, but no PATH is '-'",
                         hint="add '-' to the PATHs to read standard input, or drop --stdin-filename")


def split_ids(values) -> tuple[str, ...]:
    """--select a,b --select c -> ("a", "b", "c")."""
    return tuple(v.strip() for value in values or () for v in value.split(",") if v.strip())


def rule_tolerances(ruleset) -> dict:
    """rule id -> (tolerance, relative) of every claim rule, for the renderers that draw
    each claim's interval (render/chart.py)."""
    return {r.id: (r.tolerance, r.tolerance_relative) for r in ruleset.rules}


def jobs_of(args) -> int | None:
    """--jobs N (None: all cores); a usage error below 1."""
    jobs = getattr(args, "jobs", None)
    if jobs is not None and jobs < 1:
        raise UsageError(f"bad --jobs value {jobs}", hint="give a number of processes of at least 1")
    return jobs


def require_paths(args, what: str) -> None:
    """A usage error when no PATH was given."""
    if not args.paths:
        raise UsageError(f"no articles to {what}",
                         hint=f"name the files or directories: factcheck {what} PATHS… ('-' reads standard input)")


__all__ = ["ALL_FORMATS", "FAIL_ON", "FORMATS_CHECK", "FORMATS_EXTRACT", "check_stdin_filename", "choose_format",
           "configured", "exit_code_for", "explicit_paths", "jobs_of", "report_pattern_notes", "report_problems", "require_paths",
           "rule_tolerances", "say", "split_ids"]
