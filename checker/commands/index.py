"""``factcheck index PATHS… [--db FILE]``: store the claims of articles in the SQLite
archive index, skipping unchanged files.  Progress on stderr; a summary on stderr.

The rule set is resolved exactly as ``check`` resolves it (``--rules``, the configuration,
./rules/, the shipped set), so a draft checked ``--against`` the index meets the claims
the same rules made of the archive.
"""

from __future__ import annotations

from ..archive import Archive, default_db_path
from ..errors import UsageError
from ..index import index_paths
from ..load import coerce_date
from ..pipeline import resolve_rules
from . import builtin_choice, configured, report_pattern_notes, say
from .progress import index_progress, stderr_is_terminal


def run(args) -> int:
    if not args.paths:
        raise UsageError("no paths to index", hint="name the article files or directories: factcheck index PATHS…")
    date = coerce_date(args.date)
    if args.jobs is not None and args.jobs < 1:
        raise UsageError(f"bad --jobs value {args.jobs}", hint="give a number of processes of at least 1")
    config = configured(args.config)
    ruleset = resolve_rules(args.rules, config, builtin=builtin_choice(args))
    db = args.db or str(default_db_path())
    show_progress = not args.no_progress and stderr_is_terminal()
    with Archive.open(db, create=True) as archive, index_progress(show_progress) as progress:
        stats = index_paths(archive, args.paths, ruleset, date=date, jobs=args.jobs, progress=progress,
                            include=list(config.include) or None, exclude=tuple(config.exclude))
        counts = archive.counts()
    for message in stats.problem_messages:
        say(message)
    report_pattern_notes(stats.pattern_notes)
    rate = stats.indexed / stats.seconds if stats.seconds else 0.0
    say(f"indexed {stats.indexed} file(s) ({stats.claims} claims, {rate:.0f} files/s), "
          f"{stats.unchanged} unchanged, {stats.removed} removed, {stats.problems} unreadable; "
          f"{counts['documents']} documents and {counts['claims']} claims in {db}")
    return 0
