"""The per-file cache of ``check``: what extraction, attribution and the per-document checks
made of one article, so a repeated check of unchanged articles reads them back instead.

One SQLite file (default ``.factcheck/cache/check.sqlite`` at the project root, or
``$FACTCHECK_CACHE_DIR/check.sqlite``).  An entry is found by the article's display path
and a *context* (a hash of the rule set's version, the engine's fingerprint, the default
date and the options that change what a document yields) and is used only when the
SHA-256 of the file's bytes is the one stored.  Claims are stored as the archive's claim
rows (``rows.claim_row``), findings as plain JSON, numbers as exact decimal text.

Never trusted: a file that is not SQLite, was written by another program or another cache
format, or holds a row that does not decode, is not believed; the file is rebuilt (or the
row recomputed).  A cache that cannot be written (read-only directory, locked) is simply not
used: the check runs as without it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from ..model import Claim, Finding, Location
from .rows import claim_from_row, claim_row

APPLICATION = "factcheck-cache"
#: Bumped when the layout of an entry changes; the data model's field names are part of it too.
FORMAT = "1;" + ",".join(f.name for cls in (Finding, Claim, Location) for f in dataclasses.fields(cls))
CACHE_NAME = "check.sqlite"

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS entries (
           path     TEXT NOT NULL,
           context  TEXT NOT NULL,
           hash     TEXT NOT NULL,
           mentions INTEGER NOT NULL,
           claims   TEXT NOT NULL,
           findings TEXT,
           extra    TEXT,
           PRIMARY KEY (path, context)
       )""",
)


@dataclasses.dataclass(frozen=True, slots=True)
class Entry:
    """What one article yielded: its number of mentions, its claims, the findings of the
    per-document checks (None when they were not run) and opaque extra data (the pipeline's
    suppression comments)."""

    mentions: int
    claims: list[Claim]
    findings: list[Finding] | None
    extra: Any = None


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class ResultCache:
    """An open cache file.  ``get`` and ``put`` never raise on a bad cache; ``close`` writes
    what was put, in one transaction."""

    def __init__(self, conn: sqlite3.Connection | None, path: Path, context: str):
        self._conn = conn
        self.path = path
        self.context = context
        self._pending: list[tuple] = []
        self.hits = 0
        self.misses = 0
        self.rebuilt = False

    @classmethod
    def open(cls, directory: str | os.PathLike, context: str) -> "ResultCache":
        path = Path(directory) / CACHE_NAME
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            return cls(None, path, context)
        conn, rebuilt = _connect(path), False
        if conn is None:
            rebuilt = True
            _remove(path)
            conn = _connect(path)
        cache = cls(conn, path, context)
        cache.rebuilt = rebuilt
        return cache

    @property
    def enabled(self) -> bool:
        return self._conn is not None

    def get(self, path: str, digest: str) -> Entry | None:
        if self._conn is None or not _encodable(path):
            return None
        try:
            row = self._conn.execute("SELECT hash, mentions, claims, findings, extra FROM entries "
                                     "WHERE path = ? AND context = ?", (path, self.context)).fetchone()
        except sqlite3.Error:
            row = None
        entry = None
        if row is not None and row[0] == digest:
            try:
                entry = Entry(mentions=int(row[1]), claims=[claim_from_row(r) for r in json.loads(row[2])],
                              findings=None if row[3] is None else [finding_from_json(f) for f in json.loads(row[3])],
                              extra=None if row[4] is None else json.loads(row[4]))
            except Exception:  # a row that does not decode is not believed: recomputed and replaced
                entry = None
        if entry is None:
            self.misses += 1
        else:
            self.hits += 1
        return entry

    def put(self, path: str, digest: str, entry: Entry) -> None:
        if self._conn is None:
            return
        try:
            row = (path, self.context, digest, entry.mentions, json.dumps([claim_row(c) for c in entry.claims],
                                                                          ensure_ascii=False),
                   None if entry.findings is None else json.dumps([finding_to_json(f) for f in entry.findings],
                                                                  ensure_ascii=False),
                   None if entry.extra is None else json.dumps(entry.extra, ensure_ascii=False))
        except (TypeError, ValueError):  # something the cache cannot hold exactly: not cached
            return
        if not all(_encodable(v) for v in row if isinstance(v, str)):  # a name that is not UTF-8: not cached
            return
        self._pending.append(row)

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if self._pending:
                with conn:
                    conn.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?, ?)", self._pending)
        except sqlite3.Error:
            pass  # a cache that cannot be written is not used; the results stand
        finally:
            self._pending = []
            conn.close()

    def __enter__(self) -> "ResultCache":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _encodable(text: str) -> bool:
    """False for text SQLite cannot store (a file name that is not UTF-8, kept as surrogates)."""
    try:
        text.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def _connect(path: Path) -> sqlite3.Connection | None:
    """A connection to a cache file of this format, creating it when absent; None when the
    file is not one (not SQLite, another application, another format)."""
    try:
        conn = sqlite3.connect(path, timeout=5.0, isolation_level=None)
    except sqlite3.Error:
        return None
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            with conn:
                for statement in _SCHEMA:
                    conn.execute(statement)
                conn.executemany("INSERT INTO meta VALUES (?, ?)", [("application", APPLICATION),
                                                                    ("format", FORMAT)])
        else:
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall()) if "meta" in tables else {}
            if meta.get("application") != APPLICATION or meta.get("format") != FORMAT or "entries" not in tables:
                conn.close()
                return None
            conn.execute("SELECT path, context, hash, mentions, claims, findings, extra FROM entries LIMIT 1")
        conn.isolation_level = ""  # transactions for the writes of close()
        return conn
    except sqlite3.Error:
        conn.close()
        return None


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + "-journal"), path.with_name(path.name + "-wal"),
              path.with_name(path.name + "-shm")):
        try:
            p.unlink()
        except OSError:
            pass


# --- findings as plain JSON ----------------------------------------------------------------


def _plain(value):
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    raise TypeError(f"cannot cache a {type(value).__name__}")


def _tuples(value):
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


def _location_fields() -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(Location))


def finding_to_json(finding: Finding) -> dict:
    out = {}
    for f in dataclasses.fields(Finding):
        value = getattr(finding, f.name)
        if f.name == "claims":
            out[f.name] = [claim_row(c) for c in value]
        elif f.name == "locations":
            out[f.name] = [[_plain(getattr(loc, n)) for n in _location_fields()] for loc in value]
        else:
            out[f.name] = _plain(value)
    return out


def finding_from_json(data: dict) -> Finding:
    values = {}
    for f in dataclasses.fields(Finding):
        value = data[f.name]
        if f.name == "claims":
            values[f.name] = tuple(claim_from_row(r) for r in value)
        elif f.name == "locations":
            values[f.name] = tuple(Location(**dict(zip(_location_fields(), loc))) for loc in value)
        else:
            values[f.name] = _tuples(value)
    return Finding(**values)


__all__ = ["CACHE_NAME", "Entry", "FORMAT", "ResultCache", "content_hash", "finding_from_json", "finding_to_json"]
