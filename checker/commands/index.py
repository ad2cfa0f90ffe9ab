"""``factcheck index PATHS… [--db FILE]``: store the claims of articles in the SQLite
archive index, skipping unchanged files.  Progress on stderr; a summary on stderr."""

from __future__ import annotations

import datetime as dt
import sys

from ..errors import UsageError


def _parse_date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"bad --date value {text!r}", hint="write it as YYYY-MM-DD, e.g. 2024-02-12") from None


def run(args) -> int:
    from ..archive import Archive, default_db_path, progress_printer
    from ..rules import load_rules

    if not args.paths:
        raise UsageError("no paths to index", hint="name the article files or directories: factcheck index PATHS…")
    date = _parse_date(args.date)
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"bad --jobs value {args.jobs}", hint="give a number of processes of at least 1")
    ruleset = load_rules(args.rules)
    db = args.db or str(default_db_path())
    show_progress = not args.no_progress and sys.stderr.isatty()
    with Archive.open(db, create=True) as archive, progress_printer(show_progress) as progress:
        stats = archive.index(args.paths, ruleset, date=date, jobs=args.jobs, progress=progress)
        counts = archive.counts()
    for message in stats.problem_messages:
        print(f"factcheck: {message}", file=sys.stderr)
    rate = stats.indexed / stats.seconds if stats.seconds else 0.0
    print(f"factcheck: indexed {stats.indexed} file(s) ({stats.claims} claims, {rate:.0f} files/s), "
          f"{stats.unchanged} unchanged, {stats.removed} removed, {stats.problems} unreadable; "
          f"{counts['documents']} documents and {counts['claims']} claims in {db}", file=sys.stderr)
    return 0
