"""``factcheck report PATHS… -o FILE.md``: the Markdown report over a corpus.

A summary (articles, claims, findings by kind), one section per disputed claim
with every article's value, the notices, then the consistent claims in brief.
Deterministic (same input, same bytes) and written atomically (temporary file +
os.replace), so an interrupted run never leaves half a report.

Exit code as for ``check``: 1 when a finding is at or above the configured
``fail-on`` (default error), else 0; 2 for a usage, configuration, rule or input
error.  The report is written in every case but the last.
"""

from __future__ import annotations

import sys

from .. import pipeline
from ..config import resolve_config
from ..errors import UsageError
from ..model import Report
from ..render import write_report
from . import check_stdin_filename, exit_code_for, explicit_paths, report_problems, require_paths, split_ids
from .progress import CheckProgress


def build_report(args, config) -> Report:
    """The Report for the paths, with consistent findings (the report lists them in brief)."""
    with CheckProgress(args.paths, not args.no_progress, include=list(config.include) or None,
                       exclude=tuple(config.exclude), label="reading") as tick:
        return pipeline.check(args.paths, rules=args.rules, config=config, date=args.date,
                              stdin_filename=args.stdin_filename, show_consistent=True,
                              force_exclude=args.force_exclude, select=split_ids(args.select),
                              ignore=split_ids(args.ignore),
                              cache_dir=None if args.no_cache else pipeline.default_cache_dir(), progress=tick)


def run(args) -> int:
    check_stdin_filename(args)
    config = resolve_config(args.config)
    if args.show_settings:
        from .settings import show_settings

        sys.stdout.write(show_settings(args, config, select=split_ids(args.select), ignore=split_ids(args.ignore),
                                       fmt="markdown"))
        return 0
    if not args.output:
        raise UsageError("no --output FILE", hint="name the Markdown file to write: -o FILE.md ('-': standard output)")
    require_paths(args, "report")
    report = build_report(args, config)
    named_unreadable = report_problems(report, explicit_paths(args))
    write_report(report, "markdown", args.output, show_consistent=True)
    counts = ", ".join(f"{n} {kind}" for kind, n in report.counts().items() if n)
    where = "standard output" if args.output == "-" else args.output
    print(f"factcheck: wrote {where} ({report.documents} articles; {counts or 'no findings'})", file=sys.stderr)
    if named_unreadable:
        return 2
    return exit_code_for(report, config.fail_on or "error")
