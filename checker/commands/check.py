"""``factcheck check PATHS…``: check articles against each other, or drafts against
an archive (``--against``), and print the findings.

Load problems go to stderr, one line each, and the run goes on; a PATH named explicitly
that cannot be read still fails the run (exit 2) after the findings are written.  The
exit code is decided from the report (``exit_code_for``), never by the renderer.
``--statistics`` prints counts per rule and kind instead of the findings, ``--quiet``
prints nothing, ``--show-settings`` prints the resolved settings and checks nothing.
"""

from __future__ import annotations

import sys

from .. import pipeline
from ..archive import is_index_file
from ..render import render_report, write_output, write_report
from . import (builtin_choice, check_stdin_filename, choose_format, configured, exit_code_for, explicit_paths, jobs_of,
               report_pattern_notes, report_problems, require_paths, split_ids)
from .progress import CheckProgress
from .settings import show_settings, statistics_text


def run(args) -> int:
    check_stdin_filename(args)
    config = configured(args.config)
    select, ignore = split_ids(args.select), split_ids(args.ignore)
    fmt = choose_format(args.format or config.format, args.output)
    if args.show_settings:
        sys.stdout.write(show_settings(args, config, select=select, ignore=ignore, fmt=fmt))
        return 0
    require_paths(args, "check")
    archive_dirs = [a for a in args.against or () if not is_index_file(a)]
    with CheckProgress(list(args.paths) + archive_dirs, not args.no_progress and not args.quiet,
                       include=list(config.include) or None, exclude=tuple(config.exclude)) as tick:
        report = pipeline.check(args.paths, rules=args.rules, builtin=builtin_choice(args), config=config, date=args.date, against=args.against,
                                show_consistent=args.show_consistent, stdin_filename=args.stdin_filename,
                                force_exclude=args.force_exclude, select=select, ignore=ignore,
                                cache_dir=None if args.no_cache else pipeline.default_cache_dir(),
                                progress=tick, jobs=jobs_of(args))
    report_pattern_notes()
    named_unreadable = report_problems(report, explicit_paths(args))
    if args.quiet:
        pass
    elif args.statistics:
        text = statistics_text(report, show_consistent=args.show_consistent)
        if args.output:
            write_output(args.output, text)
        else:
            sys.stdout.write(text)
    elif args.output:
        write_report(report, fmt, args.output, show_consistent=args.show_consistent)
    else:
        render_report(report, fmt, sys.stdout, show_consistent=args.show_consistent)
        sys.stdout.flush()
    if named_unreadable:
        return 2
    fail_on = args.fail_on or config.fail_on or "error"
    return exit_code_for(report, fail_on, args.exit_zero)
