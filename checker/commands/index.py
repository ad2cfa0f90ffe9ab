"""``factcheck index PATHS… [--db FILE|URL] [--dask SCHEDULER|local]``: store the claims
of articles in the archive (an SQLite file, or a PostgreSQL database), skipping unchanged
files; extraction on local processes or on Dask workers.  Progress on stderr; a summary
on stderr.  The archive is ``--db``, else ``FACTCHECK_DB``, else the configuration's
``db``, else ``.factcheck/index.sqlite`` at the project root.

The rule set is resolved exactly as ``check`` resolves it (``--rules``, the configuration,
./rules/, the shipped set), so a draft checked ``--against`` the index meets the claims
the same rules made of the archive.
"""

from __future__ import annotations

import os
import sys

from ..archive import Archive, default_db_path, mask_url
from ..errors import UsageError
from ..index import dask_client, index_paths
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
    db = args.db or os.environ.get("FACTCHECK_DB") or config.db or str(default_db_path())
    show_progress = not args.no_progress and stderr_is_terminal()
    dask = getattr(args, "dask", None)
    with Archive.open(db, create=True) as archive, index_progress(show_progress) as progress:
        if dask:
            with dask_client(dask, workers=args.jobs) as client:
                where = "a local cluster" if dask == "local" else dask
                link = getattr(client, "dashboard_link", None) if dask != "local" else None
                workers = len(client.nthreads())
                print(f"factcheck: extracting on {workers} Dask worker(s) of {where}"
                      + (f"; dashboard {link}" if link else ""), file=sys.stderr)
                stats = index_paths(archive, args.paths, ruleset, date=date, progress=progress, dask=client,
                                    include=list(config.include) or None, exclude=tuple(config.exclude))
        else:
            stats = index_paths(archive, args.paths, ruleset, date=date, jobs=args.jobs, progress=progress,
                                include=list(config.include) or None, exclude=tuple(config.exclude))
        counts = archive.counts()
    for message in stats.problem_messages:
        say(message)
    report_pattern_notes(stats.pattern_notes)
    rate = stats.indexed / stats.seconds if stats.seconds else 0.0
    say(f"indexed {stats.indexed} file(s) ({stats.claims} claims, {rate:.0f} files/s), "
          f"{stats.unchanged} unchanged, {stats.removed} removed, {stats.problems} unreadable; "
          f"{counts['documents']} documents and {counts['claims']} claims in {mask_url(db)}")
    return 0
