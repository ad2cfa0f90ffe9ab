"""Paths -> (Document, mentions) for every article, in order: what ``factcheck extract`` runs.

    extract_paths(paths, *, jobs=1, date=None, …)

Reading the bytes and walking the directories happen in this process; decoding, the
matching view and extraction (the per-document work) run in ``jobs`` worker processes
when the corpus is large enough to pay for them (``checker.workers``), with the results
in the same order as in one process.  This module imports only the load and extract
stages, so the ``extract`` command does not pay for importing attribution, the checks
and the archive.
"""

from __future__ import annotations

from typing import Iterator, Sequence

from ..load import Source, coerce_date, document_from_source, load_sources
from ..model import Document, LoadProblem, Mention
from ..workers import ordered_map
from . import extract


def _extract_source(task: tuple) -> tuple[Document, list[Mention]] | LoadProblem:
    item, date = task
    if isinstance(item, LoadProblem):
        return item
    doc = document_from_source(item, date=date)
    if isinstance(doc, LoadProblem):
        return doc
    return doc, extract(doc)


def extract_paths(paths: Sequence[str], *, date=None, stdin_filename: str | None = None,
                  include=None, exclude=(), exclude_root=None, force_exclude: bool = False,
                  jobs: int | None = 1) -> Iterator[tuple[Document, list[Mention]] | LoadProblem]:
    """Each readable document with its mentions, or a LoadProblem for a file that cannot be
    read, in the order of the walk.  ``jobs``: worker processes (None: all cores)."""
    fallback = coerce_date(date)
    sources = load_sources(paths, stdin_filename=stdin_filename, include=include, exclude=exclude,
                           exclude_root=exclude_root, force_exclude=force_exclude)
    yield from ordered_map(_extract_source, ((s, fallback) for s in sources), jobs=jobs)


__all__ = ["Source", "extract_paths"]
