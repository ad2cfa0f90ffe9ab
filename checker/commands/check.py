"""``factcheck check PATHS…``: check articles against each other, or drafts against
an archive (``--against``), and print the findings.

Load problems go to stderr, one line each, and the run goes on.  The exit code is
decided from the report (``cli.exit_code_for``), never by the renderer.
"""

from __future__ import annotations

import sys

from ..cli import choose_format, exit_code_for
from ..config import resolve_config
from . import report_problems, require_paths


def run(args) -> int:
    from .. import pipeline
    from ..render import render_report, write_report

    require_paths(args, "check")
    config = resolve_config(args.config)
    report = pipeline.check(args.paths, rules=args.rules, config=config, date=args.date, against=args.against,
                            show_consistent=args.show_consistent, stdin_filename=args.stdin_filename,
                            progress=not args.no_progress)
    report_problems(report)
    fmt = choose_format(args.format or config.format, args.output)
    if args.output:
        write_report(report, fmt, args.output, show_consistent=args.show_consistent)
    else:
        render_report(report, fmt, sys.stdout, show_consistent=args.show_consistent)
        sys.stdout.flush()
    fail_on = args.fail_on or config.fail_on or "error"
    return exit_code_for(report, fail_on, args.exit_zero)
