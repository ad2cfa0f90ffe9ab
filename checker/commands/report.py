"""``factcheck report PATHS… -o FILE``: the report over a corpus, in Markdown
(``FILE.md``) or as one self-contained HTML page (``--format html``, or ``FILE.html``).

A summary (articles, claims, findings by kind), one section per disputed claim
with every article's value (and its interval chart), the notices, then the
consistent claims in brief.  The Markdown links each chart as an SVG file written
beside it in ``FILE.charts/`` (GitHub shows linked SVG, not inline SVG); the HTML
page carries its charts inline.  Deterministic (same input, same bytes) and written
atomically (temporary file + os.replace), so an interrupted run never leaves half a
report.

Exit code as for ``check``: 1 when a finding is at or above the configured
``fail-on`` (default error), else 0; 2 for a usage, configuration, rule or input
error.  The report is written in every case but the last.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .. import pipeline
from ..errors import FactcheckError, UsageError
from ..model import Report
from ..render import write_atomic, write_report
from ..render.markdown import chart_files, render_text
from . import (builtin_choice, check_stdin_filename, configured, exit_code_for, explicit_paths, jobs_of, report_pattern_notes,
               report_problems, require_paths, rule_tolerances, say, split_ids)
from .progress import CheckProgress

FORMATS_REPORT = ("markdown", "html")
#: The chart files a report writes (and may remove on a later run): 1.svg, 2.svg …
_CHART_FILE = re.compile(r"\d+\.svg")


def report_format(requested: str | None, output: str) -> str:
    """--format, else html for a .html/.htm output, else markdown."""
    if requested:
        return requested
    return "html" if Path(output).suffix.lower() in (".html", ".htm") else "markdown"


def build_report(args, config, ruleset=None) -> Report:
    """The Report for the paths, with consistent findings (the report lists them in brief)."""
    with CheckProgress(args.paths, not args.no_progress, include=list(config.include) or None,
                       exclude=tuple(config.exclude), label="reading") as tick:
        return pipeline.check(args.paths, rules=args.rules, builtin=builtin_choice(args), ruleset=ruleset,
                              config=config, date=args.date, stdin_filename=args.stdin_filename,
                              show_consistent=True, force_exclude=args.force_exclude, select=split_ids(args.select),
                              ignore=split_ids(args.ignore),
                              cache_dir=None if args.no_cache else pipeline.default_cache_dir(), progress=tick,
                              jobs=jobs_of(args))


def charts_dir(output: str) -> Path:
    """Where the Markdown report's chart files go: reports/seeds.md -> reports/seeds.charts/."""
    out = Path(output)
    return out.with_name(out.stem + ".charts")


def markdown_outputs(report: Report, output: str, tolerances=None) -> tuple[str, dict[Path, str]]:
    """The Markdown report and its chart files (path -> SVG text)."""
    charts = chart_files(report, show_consistent=True, tolerances=tolerances)
    folder = charts_dir(output)
    files = {folder / f"{n}.svg": svg for n, svg in charts.items()}
    links = {n: f"{folder.name}/{n}.svg" for n in charts}
    return render_text(report, show_consistent=True, chart_links=links), files


def write_markdown(report: Report, output: str, tolerances) -> None:
    """The Markdown report and its chart files (charts first, so the report never links
    a missing one); chart files of an earlier run that this one does not write go."""
    text, files = markdown_outputs(report, output, tolerances)
    folder = charts_dir(output)
    if files:
        try:
            folder.mkdir(exist_ok=True)
        except OSError as exc:
            raise FactcheckError(f"cannot write the chart files: {exc.strerror}", path=str(folder),
                                 hint="check that the directory exists and is writable", code="E208") from exc
        for path, svg in files.items():
            write_atomic(path, svg)
    if folder.is_dir():
        for old in folder.iterdir():
            if _CHART_FILE.fullmatch(old.name) and old not in files:
                old.unlink()
    write_atomic(output, text)


def run(args) -> int:
    check_stdin_filename(args)
    config = configured(args.config)
    if args.show_settings:
        from .settings import show_settings

        sys.stdout.write(show_settings(args, config, select=split_ids(args.select), ignore=split_ids(args.ignore),
                                       fmt="markdown"))
        return 0
    if not args.output:
        raise UsageError("no --output FILE", hint="name the file to write: -o FILE.md or -o FILE.html "
                                                  "('-': standard output)")
    require_paths(args, "report")
    fmt = report_format(getattr(args, "format", None), args.output)
    ruleset = pipeline.resolve_rules(args.rules, config, builtin=builtin_choice(args))
    report = build_report(args, config, ruleset)
    report_pattern_notes()
    named_unreadable = report_problems(report, explicit_paths(args))
    tolerances = rule_tolerances(ruleset)
    if fmt == "html" or args.output == "-":
        write_report(report, fmt, args.output, show_consistent=True, tolerances=tolerances)
    else:
        write_markdown(report, args.output, tolerances)
    counts = ", ".join(f"{n} {kind}" for kind, n in report.counts().items() if n)
    where = "standard output" if args.output == "-" else args.output
    say(f"wrote {where} ({report.documents} articles; {counts or 'no findings'})")
    if named_unreadable:
        return 2
    return exit_code_for(report, config.fail_on or "error")
