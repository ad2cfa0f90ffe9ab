"""The archive behind one storage interface: ``Archive.open(location)`` gives the SQLite
backend for a file path (the embedded default) and the PostgreSQL backend
(``checker.archive.postgres``) for a ``postgresql://`` URL.  Both store the same rows
(``rows``), apply the same named migrations (``schema``) and return the same claims.

This folder is the only one with SQL, and it knows nothing of rules or statistics: it
stores and returns claims.  Storage rules of the SQLite backend:

* WAL mode, so readers (``check --against``) never block the writer (``index``) and a
  crash leaves the last committed state.  Every batch commits its documents together
  with their claims in one transaction: an interrupted run (Ctrl-C, SIGKILL, power loss)
  loses at most the batch in flight, and the next run redoes it.
* Numbers are stored as their exact decimal strings in TEXT columns, never REAL.
* The schema version is ``PRAGMA user_version``; ``schema.MIGRATIONS`` lists the named
  steps from an empty file to the current schema, applied in one transaction.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import Sequence

from ..errors import ArchiveError, ArchiveSchemaTooNew, FactcheckError
from .location import is_database_url
from .base import ArchiveBase
from .summary import pack
from .schema import (APPLICATION, DEFAULT_BUSY_TIMEOUT, CLAIM_SELECT, INSERT_CLAIM, MIGRATIONS, SCHEMA_VERSION,
                     SUMMARY_INSERT, SUMMARY_LISTINGS, SUMMARY_SOURCE, SUMMARY_OVERLAPS, SUMMARY_PACKED, UPSERT_DOC)

#: Marks the groups of a document's claims stale (before they are deleted, after they are written).
_MARK_DOC = ("INSERT OR IGNORE INTO summary_stale (subject, metric) "
             "SELECT DISTINCT subject, metric FROM claims WHERE doc_id = ?")

#: Default index location, relative to the project root.
DEFAULT_DB = Path(".factcheck") / "index.sqlite"

#: Files whose presence marks a project root (closest one upwards wins).
ROOT_MARKERS = ("pyproject.toml", "factcheck.toml", ".git")



def project_root(start: str | os.PathLike | None = None) -> Path:
    """The closest directory from ``start`` (default: the current one) upwards that
    holds pyproject.toml, factcheck.toml or .git; else ``start`` itself."""
    here = Path(start or os.getcwd()).resolve()
    for directory in (here, *here.parents):
        if any((directory / marker).exists() for marker in ROOT_MARKERS):
            return directory
    return here


def default_db_path(start: str | os.PathLike | None = None) -> Path:
    """``.factcheck/index.sqlite`` at the project root."""
    return project_root(start) / DEFAULT_DB


# --- errors -----------------------------------------------------------------------------


def translate(exc: sqlite3.Error, path: str) -> FactcheckError:
    text = str(exc)
    if isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
        return ArchiveError("index is locked by another process", path=path, code="E502",
                            hint="wait for the other factcheck to finish, or raise --busy-timeout")
    if isinstance(exc, sqlite3.OperationalError) and "unable to open" in text:
        return ArchiveError(f"cannot open the index ({text})", path=path, code="E501",
                            hint="check that the directory exists and is writable")
    return ArchiveError(f"index is corrupt or not a factcheck index ({text})", path=path, code="E503",
                        hint="delete it and run 'factcheck index' again to rebuild it")


# --- the archive ---------------------------------------------------------------------------


class Archive(ArchiveBase):
    """An open archive, SQLite or PostgreSQL (the interface is ``base.ArchiveBase``):
    ``Archive.open(location)`` chooses the backend.  Use as a context manager, or call
    close()."""

    @classmethod
    def open(cls, location: str | os.PathLike, *, create: bool = False,
             busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> "Archive":
        """Open an archive: a ``postgresql://`` (or ``postgres://``) URL opens the
        PostgreSQL backend (the optional ``factcheck[postgres]`` extra), anything else
        is an SQLite file.  ``create``: make what is missing (the file, or the tables
        in an existing database), as ``factcheck index`` does; otherwise a missing
        archive is E501.  An older schema is migrated; a newer one is E504; something
        that is not a factcheck archive is E503; a lock held past ``busy_timeout``
        seconds is E502."""
        if is_database_url(location):
            from .postgres import PostgresArchive

            Archive.register(PostgresArchive)
            return PostgresArchive.open(location, create=create, busy_timeout=busy_timeout)
        return SqliteArchive.open(location, create=create, busy_timeout=busy_timeout)


class SqliteArchive(Archive):
    """An open SQLite index file (the embedded default)."""

    backend = "sqlite"

    def __init__(self, conn: sqlite3.Connection, path: str):
        self._conn = conn
        self.path = path

    # -- opening ----------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike, *, create: bool = False,
             busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> "SqliteArchive":
        """Open an index file.  ``create``: make the file (and its directory) when missing,
        as ``factcheck index`` does; otherwise a missing file is E501.  An index from an
        older factcheck is migrated; one from a newer factcheck is E504; a file that is
        not a factcheck index is E503; a lock held past ``busy_timeout`` is E502."""
        shown = str(path)
        p = Path(path)
        if not create and not p.is_file():
            raise ArchiveError("index not found", path=shown, code="E501",
                               hint="create it with 'factcheck index PATHS… --db " + shown + "'")
        if create:
            try:
                p.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ArchiveError(f"cannot create the index directory ({exc.strerror})", path=shown,
                                   code="E501", hint="choose another --db location") from None
        uri = p.resolve().as_uri() + ("?mode=rwc" if create else "?mode=rw")
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=busy_timeout, isolation_level=None,
                                   check_same_thread=False)
        except sqlite3.Error as exc:
            raise translate(exc, shown) from None
        archive = cls(conn, shown)
        try:
            archive._prepare(create)
        except sqlite3.Error as exc:
            conn.close()
            raise translate(exc, shown) from None
        except FactcheckError:
            conn.close()
            raise
        return archive

    def _prepare(self, create: bool) -> None:
        conn = self._conn
        conn.execute("PRAGMA foreign_keys = ON")
        # reads of large claim groups come from memory-mapped pages rather than read() calls
        conn.execute("PRAGMA mmap_size = 268435456")
        conn.execute("PRAGMA cache_size = -65536")
        # One read transaction, so the version and the table count come from the same
        # snapshot (another process may be creating the index at this moment).
        conn.execute("BEGIN")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        finally:
            conn.execute("COMMIT")
        if version > SCHEMA_VERSION:
            raise ArchiveSchemaTooNew(
                f"index has schema version {version}; this factcheck reads up to {SCHEMA_VERSION}",
                path=self.path, hint="upgrade factcheck, or rebuild the index with this version")
        if version == 0:
            if tables:
                raise ArchiveError("file is an SQLite database but not a factcheck index", path=self.path,
                                   code="E503", hint="choose another --db file")
            if not create:
                raise ArchiveError("index is empty (never written by 'factcheck index')", path=self.path,
                                   code="E503", hint="run 'factcheck index PATHS…' to fill it")
        else:
            self._check_application()
        # WAL must be set outside a transaction; it persists in the file.
        if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")  # durable at each checkpoint; consistent always (WAL)
        if version < SCHEMA_VERSION:
            self.migrate()

    def _check_application(self) -> None:
        try:
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'application'").fetchone()
        except sqlite3.OperationalError:
            row = None
        if not row or row[0] != APPLICATION:
            raise ArchiveError("file is an SQLite database but not a factcheck index", path=self.path,
                               code="E503", hint="choose another --db file")

    def migrate(self, *, upto: int = SCHEMA_VERSION) -> list[str]:
        """Apply the migrations the file lacks (up to ``upto``), in one transaction;
        returns their names.  Safe when two processes do it at once: the second
        sees the version the first committed."""
        conn = self._conn
        applied: list[str] = []
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for number in range(version + 1, upto + 1):
                name, statements = MIGRATIONS[number - 1]
                for statement in statements:
                    conn.execute(statement)
                if number == 1:
                    conn.execute("INSERT INTO meta (key, value) VALUES ('application', ?)", (APPLICATION,))
                conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                             (f"migration.{number}", name))
                applied.append(name)
            if applied:
                conn.execute(f"PRAGMA user_version = {int(upto)}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return applied

    @property
    def schema_version(self) -> int:
        return self._conn.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        self._conn.close()

    # -- reading ---------------------------------------------------------------------------

    def _query(self, sql: str, params: Sequence = ()) -> list[tuple]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise translate(exc, self.path) from None

    def _select(self, where: str, params: list, excluded: Sequence[str] = ()) -> list[tuple]:
        sql = (f"SELECT d.path, c.seq, {CLAIM_SELECT} FROM claims c JOIN documents d ON d.id = c.doc_id "
               f"WHERE {where}")
        if excluded:
            sql += f" AND d.file NOT IN ({', '.join('?' * len(excluded))})"
            params = [*params, *excluded]
        return self._query(sql, params)

    def _group_rows(self, subject: str, metric: str, excluded: Sequence[str]) -> list[tuple]:
        return self._select("c.subject = ? AND c.metric = ?", [subject, metric], excluded)

    def _key_rows(self, rule: str, subject: str, metric: str, qualifiers: list[str] | None) -> list[tuple]:
        where, params = "c.subject = ? AND c.metric = ? AND c.rule = ?", [subject, metric, rule]
        if qualifiers is not None:
            where += f" AND c.qualifiers IN ({', '.join('?' * len(qualifiers))})"
            params.extend(qualifiers)
        return self._select(where, params)

    def _rule_rows(self, rule: str, excluded: Sequence[str]) -> list[tuple]:
        return self._select("c.rule = ?", [rule], excluded)

    def group_sizes(self) -> dict[tuple[str, str], int]:
        return {(s, m): n for s, m, n in self._query(
            "SELECT subject, metric, count(*) FROM claims GROUP BY subject, metric")}

    def _id_rows(self, ids: Sequence[int]) -> list[tuple]:
        return self._query(f"SELECT c.id, d.path, c.seq, {CLAIM_SELECT} FROM claims c JOIN documents d "
                           f"ON d.id = c.doc_id WHERE c.id IN ({', '.join('?' * len(ids))})", list(ids))

    def _negated_rows(self, subject: str, metric: str, excluded: Sequence[str]) -> list[tuple]:
        return self._select("c.subject = ? AND c.metric = ? AND c.negated = 1", [subject, metric], excluded)

    @contextlib.contextmanager
    def snapshot(self):
        try:
            self._conn.execute("BEGIN")
        except sqlite3.Error as exc:
            raise translate(exc, self.path) from None
        try:
            yield self
        finally:
            self._conn.execute("COMMIT")

    def _stale_groups(self) -> set[tuple[str, str]]:
        return {(s, m) for s, m in self._query("SELECT subject, metric FROM summary_stale")}

    def _excluded_groups(self, files: Sequence[str]) -> set[tuple[str, str]]:
        return {(s, m) for s, m in self._query(
            "SELECT DISTINCT c.subject, c.metric FROM claims c JOIN documents d ON d.id = c.doc_id "
            f"WHERE d.file IN ({', '.join('?' * len(files))})", list(files))}

    def _summary_rows(self, subject: str, metric: str) -> tuple[str | None, list[tuple]]:
        packed = self._query(SUMMARY_PACKED, [subject, metric])
        return packed[0][0] if packed else None, self._query(SUMMARY_OVERLAPS, [subject, metric])

    def _listing_rows(self, subject: str, metric: str, numbers: Sequence[int]) -> list[tuple]:
        return self._query(SUMMARY_LISTINGS + f"({', '.join('?' * len(numbers))})", [subject, metric, *numbers])

    def _rebuild_summaries(self, builder) -> int:
        done = []

        def run() -> None:
            conn = self._conn  # BEGIN IMMEDIATE: no other writer until this commits
            for subject, metric in conn.execute("SELECT subject, metric FROM summary_stale").fetchall():
                classes, overlaps = builder(conn.execute(SUMMARY_SOURCE, (subject, metric)).fetchall())
                conn.execute("DELETE FROM summaries WHERE subject = ? AND metric = ?", (subject, metric))
                conn.execute("DELETE FROM summary_overlaps WHERE subject = ? AND metric = ?", (subject, metric))
                conn.execute("DELETE FROM summary_groups WHERE subject = ? AND metric = ?", (subject, metric))
                conn.executemany(SUMMARY_INSERT, [(subject, metric, *row) for row in classes])
                if classes:
                    conn.execute("INSERT INTO summary_groups (subject, metric, classes) VALUES (?, ?, ?)",
                                 (subject, metric, pack(classes)))
                conn.executemany("INSERT INTO summary_overlaps (subject, metric, classes, articles) VALUES (?, ?, ?, ?)",
                                 [(subject, metric, *row) for row in overlaps])
                conn.execute("DELETE FROM summary_stale WHERE subject = ? AND metric = ?", (subject, metric))
                done.append((subject, metric))
        self._write(run)
        return len(done)

    def migrations_applied(self) -> list[str]:
        rows = self._query("SELECT key, value FROM meta WHERE key LIKE 'migration.%'")
        return [name for _, name in sorted(rows, key=lambda r: int(r[0].split(".")[1]))]

    def counts(self) -> dict[str, int]:
        """Documents and claims in the index."""
        docs = self._query("SELECT count(*) FROM documents")[0][0]
        claims = self._query("SELECT count(*) FROM claims")[0][0]
        return {"documents": docs, "claims": claims}

    def content(self) -> tuple[list[tuple], list[tuple]]:
        """Everything the index says, without row ids or file times, in a stable order:
        (documents, claims).  Two indexes of the same files have equal content."""
        docs = self._query("SELECT file, path, size, hash, date, rules_version, engine, mentions, problem "
                           "FROM documents ORDER BY file")
        claims = self._query(f"SELECT d.file, c.seq, {CLAIM_SELECT} FROM claims c "
                             "JOIN documents d ON d.id = c.doc_id ORDER BY d.file, c.seq")
        return docs, claims

    # -- writing ---------------------------------------------------------------------------


    def _write(self, fn, *args) -> None:
        """Run fn in one write transaction (BEGIN IMMEDIATE takes the write lock at
        once, waiting up to the busy timeout for another writer)."""
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                fn(*args)
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise translate(exc, self.path) from None

    def known_documents(self) -> dict[str, tuple]:
        """file -> (id, path, size, mtime_ns, hash, rules_version, engine) of every indexed document."""
        return {row[0]: row[1:] for row in self._query(
            "SELECT file, id, path, size, mtime_ns, hash, rules_version, engine FROM documents")}

    def remove_and_rename(self, gone: Sequence[int], renamed: Sequence[tuple[str, int]]) -> None:
        """In one transaction: drop the documents ``gone`` (ids) with their claims, and give
        ``renamed`` (path, id) their new display path (the same file indexed from another
        working directory)."""
        def run() -> None:
            conn = self._conn
            conn.executemany(_MARK_DOC, [(i,) for i in gone])
            conn.executemany(_MARK_DOC, [(i,) for _, i in renamed])
            conn.executemany("DELETE FROM claims WHERE doc_id = ?", [(i,) for i in gone])
            conn.executemany("DELETE FROM documents WHERE id = ?", [(i,) for i in gone])
            conn.executemany("UPDATE documents SET path = ? WHERE id = ?", renamed)
            conn.executemany("UPDATE claims SET path = ? WHERE doc_id = ?", renamed)
        self._write(run)

    def put_batch(self, documents: Sequence[tuple[tuple, Sequence[tuple]]],
                  touched: Sequence[tuple[str, int, int, str]] = ()) -> None:
        """In one transaction: store (or replace) each (document row, claim rows), and record
        for each touched-but-unchanged file (file, size, mtime_ns, display path) its new
        size, mtime and path, so the next run skips reading it.  Document rows follow
        ``schema.DOC_COLUMNS``, claim rows ``schema.CLAIM_COLUMNS`` (``rows.claim_row``)."""
        def run() -> None:
            conn = self._conn
            for file, size, mtime_ns, display in touched:
                conn.execute("INSERT OR IGNORE INTO summary_stale (subject, metric) SELECT DISTINCT subject, metric "
                             "FROM claims WHERE doc_id = (SELECT id FROM documents WHERE file = ?) AND path != ?",
                             (file, display))
                conn.execute("UPDATE documents SET size = ?, mtime_ns = ?, path = ? WHERE file = ?",
                             (size, mtime_ns, display, file))
                conn.execute("UPDATE claims SET path = ? WHERE doc_id = (SELECT id FROM documents WHERE file = ?) "
                             "AND path != ?", (display, file, display))
            for doc, rows in documents:
                self._put(doc, rows)
        self._write(run)

    def _put(self, doc: tuple, rows: Sequence[tuple]) -> None:
        conn = self._conn
        doc_id = conn.execute(UPSERT_DOC, doc).fetchone()[0]
        conn.execute(_MARK_DOC, (doc_id,))
        conn.execute("DELETE FROM claims WHERE doc_id = ?", (doc_id,))
        conn.executemany(INSERT_CLAIM, [(doc_id, seq, *row) for seq, row in enumerate(rows)])
        conn.executemany("INSERT OR IGNORE INTO summary_stale (subject, metric) VALUES (?, ?)",
                         sorted({(row[1], row[2]) for row in rows}))


__all__ = ["Archive", "SqliteArchive", "DEFAULT_BUSY_TIMEOUT", "DEFAULT_DB", "default_db_path", "project_root"]
