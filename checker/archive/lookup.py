"""The archive claims a check of drafts needs: by group, and by rule id."""

from __future__ import annotations

import os
from typing import Iterable

from ..model import Claim
from .location import is_database_url
from .store import Archive


def archive_claims_for(draft_claims: Iterable[Claim], db_path: str | os.PathLike, *,
                       corpus_rules: Iterable[str] = (), exclude_paths: Iterable[str] = ()) -> list[Claim]:
    """The archive claims a check of these drafts needs: every claim in the
    (subject, metric) groups the drafts touch (compare works within them), plus every claim
    of ``corpus_rules`` (the rules of corpus-wide arithmetic checks the drafts take part in,
    from ``checks.corpus_check_rules``).
    ``db_path``: an SQLite file or a ``postgresql://`` URL (``Archive.open``).
    Compared together with the drafts' own claims, they give the findings involving
    the drafts that a full check of drafts + archive gives.  Indexed copies of the
    drafts (their files, and ``exclude_paths``) are left out so nothing counts twice."""
    claims = list(draft_claims)
    draft_paths = {c.path for c in claims} | {str(p) for p in exclude_paths}
    excluded = {_storable(os.path.abspath(p)) for p in draft_paths if p and p != "<stdin>"}
    with Archive.open(db_path) as archive:
        found = archive.claims_for_groups({(c.subject, c.metric) for c in claims}, exclude_files=excluded)
        rules = set(corpus_rules)
        if rules:
            have = {id(c) for c in found}
            extra = [c for c in archive.claims_for_rules(rules, exclude_files=excluded)
                     if (c.subject, c.metric) not in {(x.subject, x.metric) for x in claims}]
            found = sorted([*found, *(c for c in extra if id(c) not in have)],
                           key=lambda c: (c.path, c.mention.start))
    return [c for c in found if c.path not in draft_paths]


def _storable(path: str) -> str:
    """A path as the index stores it (``checker.index.storable``): not-UTF-8 bytes as ``\\xff``."""
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def is_index_file(path: str | os.PathLike) -> bool:
    """True for an --against argument naming an index (an SQLite file, or a
    ``postgresql://`` URL) rather than a directory of articles."""
    return is_database_url(path) or str(path).endswith((".sqlite", ".sqlite3", ".db"))


__all__ = ["archive_claims_for", "is_index_file"]
