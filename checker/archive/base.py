"""The storage interface every archive backend implements, and what they share:
reading by key, group or rule on top of each backend's row queries, the interval query's
reference implementation, and writing documents through ``put_batch``.

``store.Archive.open`` picks the backend; this module knows none of them.
"""

from __future__ import annotations

import abc
import datetime as _dt
from typing import Iterable, Sequence

from ..errors import ArchiveError
from ..model import Claim
from .rows import claim_from_row, claim_row, encode_qualifiers, outside
from .schema import SCHEMA_VERSION
from .summary import GroupSummary, build, group_summary, unpack


class ArchiveBase(abc.ABC):
    """An open archive, SQLite or PostgreSQL.  Use as a context manager, or call close().
    ``path`` is the archive as it may be shown (a URL's password masked); ``backend`` is
    ``"sqlite"`` or ``"postgresql"``."""

    backend = ""
    path: str

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- what each backend provides ----------------------------------------------------

    @property
    def schema_version(self) -> int:
        raise NotImplementedError

    def migrate(self, *, upto: int = SCHEMA_VERSION) -> list[str]:
        raise NotImplementedError

    def migrations_applied(self) -> list[str]:
        """The names of the migrations this archive has had, in order."""
        raise NotImplementedError

    def _group_rows(self, subject: str, metric: str, excluded: list[str]) -> list[tuple]:
        """Rows (display path, seq, *CLAIM_COLUMNS) of one (subject, metric) group."""
        raise NotImplementedError

    def _key_rows(self, rule: str, subject: str, metric: str, qualifiers: list[str] | None) -> list[tuple]:
        raise NotImplementedError

    def _rule_rows(self, rule: str, excluded: list[str]) -> list[tuple]:
        raise NotImplementedError

    def _id_rows(self, ids: Sequence[int]) -> list[tuple]:
        """Rows (display path, seq, *CLAIM_COLUMNS) of the claims with these ids."""
        raise NotImplementedError

    def _negated_rows(self, subject: str, metric: str, excluded: list[str]) -> list[tuple]:
        """Rows of the denied claims of one group (compare reads each denial's sentence)."""
        raise NotImplementedError

    def _stale_groups(self) -> set[tuple[str, str]]:
        raise NotImplementedError

    def _excluded_groups(self, files: Sequence[str]) -> set[tuple[str, str]]:
        """The groups in which the documents ``files`` (absolute paths) have claims."""
        raise NotImplementedError

    def _summary_rows(self, subject: str, metric: str) -> tuple[str | None, list[tuple]]:
        """(packed row or None, overlap rows) stored for one group (``schema.SUMMARY_PACKED``)."""
        raise NotImplementedError

    def _listing_rows(self, subject: str, metric: str, numbers: Sequence[int]) -> list[tuple]:
        """(cls, examples, firsts) of these classes of one group (``schema.SUMMARY_LISTINGS``)."""
        raise NotImplementedError

    def _rebuild_summaries(self, builder) -> int:
        """In one write transaction that keeps other writers from marking groups meanwhile:
        for each stale group, ``builder(source rows)`` -> (class rows, overlap rows) replaces its
        summary and its stale mark is removed.  Returns how many groups were rebuilt."""
        raise NotImplementedError

    def snapshot(self):
        """A context in which every read sees one state of the archive (a writer committing
        meanwhile is not seen): a draft's summaries and the claims they name agree."""
        raise NotImplementedError

    def counts(self) -> dict[str, int]:
        raise NotImplementedError

    def group_sizes(self) -> dict[tuple[str, str], int]:
        """(subject, metric) -> number of claims: the summary of what the archive holds."""
        raise NotImplementedError

    def content(self) -> tuple[list[tuple], list[tuple]]:
        raise NotImplementedError

    def known_documents(self) -> dict[str, tuple]:
        raise NotImplementedError

    def remove_and_rename(self, gone: Sequence[int], renamed: Sequence[tuple[str, int]]) -> None:
        raise NotImplementedError

    def put_batch(self, documents: Sequence[tuple[tuple, Sequence[tuple]]],
                  touched: Sequence[tuple[str, int, int, str]] = ()) -> None:
        raise NotImplementedError

    # -- reading, the same on every backend -------------------------------------------------

    def claims_for_keys(self, keys: Iterable[tuple]) -> list[Claim]:
        """Claims stored under the given keys.  A key is a ``Claim.key``
        (rule, subject, metric, qualifiers), or (rule, subject, metric) for every
        qualifier.  Ordered by document path, then position in the document."""
        wanted: dict[tuple[str, str, str], set | None] = {}
        for key in keys:
            rule, subject, metric = key[0], key[1], key[2]
            slot = (rule, subject, metric)
            if len(key) == 3:
                wanted[slot] = None  # all qualifiers
            elif wanted.get(slot, set()) is not None:
                wanted.setdefault(slot, set()).add(encode_qualifiers(tuple(key[3])))
        rows: list[tuple] = []
        for (rule, subject, metric), quals in sorted(wanted.items()):
            rows.extend(self._key_rows(rule, subject, metric, None if quals is None else sorted(quals)))
        return self._claims(rows)

    def claims_for_groups(self, groups: Iterable[tuple[str, str]], *,
                          exclude_files: Iterable[str] = ()) -> list[Claim]:
        """Every claim about (subject, metric), whatever its rule and qualifiers: the
        unit compare works on (a divergence is a qualifier that differs within it).
        ``exclude_files``: absolute paths of documents to leave out (a draft that is
        already indexed).  Ordered by document path, then position."""
        excluded = sorted({str(f) for f in exclude_files})
        rows: list[tuple] = []
        for subject, metric in sorted(set(groups)):
            rows.extend(self._group_rows(subject, metric, excluded))
        return self._claims(rows)

    def claims_for_rules(self, rules: Iterable[str], *, exclude_files: Iterable[str] = ()) -> list[Claim]:
        """Every claim made by these rules (the variables of a corpus-wide derived check)."""
        excluded = sorted({str(f) for f in exclude_files})
        rows: list[tuple] = []
        for rule in sorted(set(rules)):
            rows.extend(self._rule_rows(rule, excluded))
        return self._claims(rows)

    def claims_outside(self, subject: str, metric: str, unit: str, low, high) -> list[Claim]:
        """The claims of (subject, metric) in ``unit`` whose stored interval lies wholly
        below ``low`` or wholly above ``high`` (None: open on that side): the claims that
        can conflict with a value in [low, high].  On PostgreSQL this is a GiST range
        query (``claims_by_interval``); here the group is read and filtered, with the same
        interval semantics (``rows.outside``)."""
        rows = [r for r in self._group_rows(subject, metric, []) if r[14] == unit]
        return [c for c in self._claims(rows) if outside(c.mention.quantity, low, high)]

    # -- summaries ---------------------------------------------------------------------------

    def refresh_summaries(self) -> int:
        """Rebuild the summary of every group a write made stale; returns how many.  Each
        group costs O(its claims); all are rebuilt in one transaction (``factcheck index``
        does it at the end of each run)."""
        return self._rebuild_summaries(build)

    def summaries_for(self, groups: Iterable[tuple[str, str]], *,
                      exclude_files: Iterable[str] = ()) -> dict[tuple[str, str], GroupSummary | None]:
        """The summary of each (subject, metric) group, or None where it cannot answer: the
        group is stale (written since the last ``refresh_summaries``), or a document of
        ``exclude_files`` has claims in it (its claims would be counted)."""
        wanted = sorted(set(groups))
        unusable = self._stale_groups()
        excluded = sorted({str(f) for f in exclude_files})
        if excluded:
            unusable |= self._excluded_groups(excluded)
        out: dict[tuple[str, str], GroupSummary | None] = {}
        for subject, metric in wanted:
            if (subject, metric) in unusable:
                out[(subject, metric)] = None
                continue
            packed, overlaps = self._summary_rows(subject, metric)
            try:
                rows = unpack(packed)
            except ValueError as exc:
                raise ArchiveError(f"index is corrupt or not a factcheck index (the summary of {subject} "
                                   f"{metric}: {exc})", path=self.path, code="E503",
                                   hint="delete it and run 'factcheck index' again to rebuild it") from None
            out[(subject, metric)] = group_summary(subject, metric, rows, overlaps,
                                                   lambda numbers, s=subject, m=metric: self._listing_rows(s, m, numbers))
        return out

    def claims_by_ids(self, ids: Iterable[int]) -> dict[int, Claim]:
        """The claims with these ids (from a summary's examples and firsts), by id."""
        wanted = sorted(set(ids))
        out: dict[int, Claim] = {}
        for k in range(0, len(wanted), 500):
            for row in self._id_rows(wanted[k:k + 500]):
                out[row[0]] = claim_from_row(row[3:])
        return out

    def denied_claims(self, subject: str, metric: str, *, exclude_files: Iterable[str] = ()) -> list[Claim]:
        """Every denied claim of one group (a denial's sentence decides whether it is conditional)."""
        return self._claims(self._negated_rows(subject, metric, sorted({str(f) for f in exclude_files})))

    @staticmethod
    def _claims(rows: list[tuple]) -> list[Claim]:
        rows.sort(key=lambda r: (r[0], r[1]))
        return [claim_from_row(r[2:]) for r in rows]

    # -- writing, the same on every backend -------------------------------------------------

    def put_documents(self, documents: Iterable[tuple[str, Sequence[Claim], dict]]) -> None:
        """Store many (file, claims, put_document keywords) in one transaction."""
        batch = []
        for file, claims, kw in documents:
            date = kw.get("date")
            doc = (file, kw.get("path") or file, kw.get("size", 0), kw.get("mtime_ns", 0), kw.get("hash", ""),
                   date.isoformat() if date else None, kw.get("rules_version", ""), kw.get("mentions", 0),
                   None, kw.get("engine", ""))
            batch.append((doc, [claim_row(c) for c in claims]))
        self.put_batch(batch)

    def put_document(self, file: str, claims: Sequence[Claim], *, path: str | None = None, size: int = 0,
                     mtime_ns: int = 0, hash: str = "", date: _dt.date | None = None,
                     rules_version: str = "", engine: str = "", mentions: int = 0) -> None:
        """Store (or replace) one document and its claims in one transaction, as
        ``index`` does for each file.  ``file`` identifies the document."""
        self.put_documents([(file, claims, dict(path=path, size=size, mtime_ns=mtime_ns, hash=hash, date=date,
                                                rules_version=rules_version, engine=engine,
                                                mentions=mentions))])


__all__ = ["ArchiveBase"]
