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
from ..model import Report
from ..render import write_report
from . import exit_code_for, report_problems, require_paths
from .progress import CheckProgress


def build_report(args, config) -> Report:
    """The Report for the paths, with consistent findings (the report lists them in brief)."""
    with CheckProgress(args.paths, not args.no_progress, include=list(config.include) or None,
                       exclude=tuple(config.exclude), label="reading") as tick:
        return pipeline.check(args.paths, rules=args.rules, config=config, date=args.date,
                              stdin_filename=args.stdin_filename, show_consistent=True, progress=tick)


def run(args) -> int:
    require_paths(args, "report")
    config = resolve_config(args.config)
    report = build_report(args, config)
    report_problems(report)
    write_report(report, "markdown", args.output, show_consistent=True)
    counts = ", ".join(f"{n} {kind}" for kind, n in report.counts().items() if n)
    print(f"factcheck: wrote {args.output} ({report.documents} articles; {counts or 'no findings'})",
          file=sys.stderr)
    return exit_code_for(report, config.fail_on or "error")
