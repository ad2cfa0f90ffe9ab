"""The archive claims that a check of drafts needs: by group, and by rule id; and a
session that answers a draft check from the per-group summaries (``summary``)."""

from __future__ import annotations

import contextlib
import os
from typing import Iterable, Iterator

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


class ArchiveSession:
    """One open archive, read in one snapshot, for a check of drafts: the summaries of the
    drafts' groups, the claims they name, and claim-by-claim reads where a summary cannot
    answer.  Claims of the drafts' own files are never returned."""

    def __init__(self, archive: Archive, excluded: set[str], draft_paths: set[str]):
        self.archive = archive
        self._excluded = excluded
        self._drafts = draft_paths
        self.read = 0  #: claims read by id (examples and firsts)

    def summaries(self, groups: Iterable[tuple[str, str]]) -> dict:
        """(subject, metric) -> GroupSummary, or None where the group is read claim by claim."""
        return self.archive.summaries_for(groups, exclude_files=self._excluded)

    def claims(self, ids: Iterable[int]) -> dict[int, Claim]:
        found = self.archive.claims_by_ids(ids)
        self.read += len(found)
        return {i: c for i, c in found.items() if c.path not in self._drafts}

    def denied(self, subject: str, metric: str) -> list[Claim]:
        return [c for c in self.archive.denied_claims(subject, metric, exclude_files=self._excluded)
                if c.path not in self._drafts]

    def group_claims(self, groups: Iterable[tuple[str, str]]) -> list[Claim]:
        groups = set(groups)
        if not groups:
            return []
        return [c for c in self.archive.claims_for_groups(groups, exclude_files=self._excluded)
                if c.path not in self._drafts]

    def rule_claims(self, rules: Iterable[str]) -> list[Claim]:
        rules = set(rules)
        if not rules:
            return []
        return [c for c in self.archive.claims_for_rules(rules, exclude_files=self._excluded)
                if c.path not in self._drafts]


@contextlib.contextmanager
def archive_session(db_path: str | os.PathLike, draft_claims: Iterable[Claim], *,
                    exclude_paths: Iterable[str] = ()) -> Iterator[ArchiveSession]:
    """An ``ArchiveSession`` on ``db_path`` (an SQLite file or a ``postgresql://`` URL) for
    these drafts: their files (and ``exclude_paths``) are left out, as ``archive_claims_for`` does."""
    draft_paths = {c.path for c in draft_claims} | {str(p) for p in exclude_paths}
    excluded = {_storable(os.path.abspath(p)) for p in draft_paths if p and p != "<stdin>"}
    with Archive.open(db_path) as archive, archive.snapshot():
        yield ArchiveSession(archive, excluded, draft_paths)


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


__all__ = ["ArchiveSession", "archive_claims_for", "archive_session", "is_index_file"]
