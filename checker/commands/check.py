"""``factcheck check PATHS…``: check articles against each other, or drafts against
an archive (``--against``), and print the findings.

Load problems go to stderr, one line each, and the run goes on.  The exit code is
decided from the report (``exit_code_for``), never by the renderer.
"""

from __future__ import annotations

import sys

from .. import pipeline
from ..archive import is_index_file
from ..config import resolve_config
from ..render import render_report, write_report
from . import builtin_choice, choose_format, exit_code_for, report_problems, require_paths
from .progress import CheckProgress


def run(args) -> int:
    require_paths(args, "check")
    config = resolve_config(args.config)
    archive_dirs = [a for a in args.against or () if not is_index_file(a)]
    with CheckProgress(list(args.paths) + archive_dirs, not args.no_progress,
                       include=list(config.include) or None, exclude=tuple(config.exclude)) as tick:
        report = pipeline.check(args.paths, rules=args.rules, builtin=builtin_choice(args), config=config, date=args.date, against=args.against,
                                show_consistent=args.show_consistent, stdin_filename=args.stdin_filename,
                                progress=tick)
    report_problems(report)
    fmt = choose_format(args.format or config.format, args.output)
    if args.output:
        write_report(report, fmt, args.output, show_consistent=args.show_consistent)
    else:
        render_report(report, fmt, sys.stdout, show_consistent=args.show_consistent)
        sys.stdout.flush()
    fail_on = args.fail_on or config.fail_on or "error"
    return exit_code_for(report, fail_on, args.exit_zero)
