"""The PostgreSQL backend: one archive shared by a newsroom's editors and CI runners.

Opened by ``Archive.open("postgresql://user@host/dbname")``; needs the optional driver
(``pip install "factcheck[postgres]"``, psycopg 3), imported only here and only then.
Same rows, same named migrations (``schema.PG_MIGRATIONS``), same claims as the SQLite
backend.  What it does in PostgreSQL's way:

* Every batch is one transaction: documents upserted with ``INSERT … ON CONFLICT (file)
  DO UPDATE`` (re-indexing replaces, never duplicates), their old claims deleted, the new
  ones loaded with ``COPY``.  Rows are locked in file order, so concurrent indexers of
  overlapping paths queue behind each other instead of deadlocking; a deadlock or
  serialization failure that happens anyway is retried.  A killed indexer's open
  transaction is rolled back by the server: the archive keeps every batch committed.
* A claim's stated interval is a ``numrange`` (``span``) under a GiST index with its
  subject and metric (``claims_by_interval``): ``claims_outside`` is an index query.
* Migrations run under a transaction-scoped advisory lock, so indexers starting at once
  on an empty database create the schema exactly once.
* Connection problems are E505, a refused login E506, a missing database E501, a
  missing driver E507: one line each, the URL's password masked (``location.mask_url``).
"""

from __future__ import annotations

import contextlib
import time
from decimal import Decimal
from typing import Sequence

from ..errors import ArchiveError, ArchiveSchemaTooNew, FactcheckError
from ..model import Claim, Quantity
from .location import mask_url, scrub
from .rows import decode_number, span_text
from .summary import pack
from .schema import (APPLICATION, DEFAULT_BUSY_TIMEOUT, CLAIM_COLUMNS, CLAIM_SELECT, DOC_COLUMNS, PG_MIGRATIONS,
                     SCHEMA_VERSION, SUMMARY_INSERT, SUMMARY_LISTINGS, SUMMARY_SOURCE, SUMMARY_OVERLAPS, SUMMARY_PACKED)
from .base import ArchiveBase

#: Seconds to wait for the server to answer a connection.
CONNECT_TIMEOUT = 10

#: Attempts of one write transaction that meets a deadlock or a serialization failure.
WRITE_ATTEMPTS = 6

#: Key of the advisory lock that serializes migrations within one database.
_MIGRATION_LOCK = "SELECT pg_advisory_xact_lock(hashtext('factcheck-index'))"

_UPSERT_DOC = (f'INSERT INTO documents ({", ".join(DOC_COLUMNS)}) VALUES ({", ".join(["%s"] * len(DOC_COLUMNS))}) '
               "ON CONFLICT (file) DO UPDATE SET "
               + ", ".join(f"{c} = excluded.{c}" for c in DOC_COLUMNS if c != "file")
               + " RETURNING id")
_COPY_CLAIMS = (f'COPY claims (doc_id, seq, {", ".join(chr(34) + c + chr(34) for c in CLAIM_COLUMNS)}, span) '
                "FROM STDIN")
_MARK_DOCS = ("INSERT INTO summary_stale (subject, metric) SELECT DISTINCT subject, metric FROM claims "
              "WHERE doc_id = ANY(%s) ON CONFLICT DO NOTHING")
_MARK = "INSERT INTO summary_stale (subject, metric) VALUES (%s, %s) ON CONFLICT DO NOTHING"
_SELECT = f"SELECT d.path, c.seq, {CLAIM_SELECT} FROM claims c JOIN documents d ON d.id = c.doc_id WHERE "

# Positions in a claim row (schema.CLAIM_COLUMNS) that make up its interval.
_LOW, _HIGH, _BOUND, _UNIT = (CLAIM_COLUMNS.index(c) for c in ("low", "high", "bound", "unit"))


def _driver():
    try:
        import psycopg
    except ImportError:
        return None
    return psycopg


def translate(exc: Exception, location: str) -> ArchiveError:
    """A driver error as one clear line with a code; never the password."""
    shown = mask_url(location)
    lines = [line.strip() for line in scrub(str(exc), location).strip().splitlines() if line.strip()]
    text = lines[0] if lines else type(exc).__name__
    text = text.removeprefix("connection failed: ")
    state = getattr(exc, "sqlstate", None) or ""
    lowered = text.lower()
    if state.startswith("28") or "password authentication failed" in lowered or "no password supplied" in lowered \
            or "authentication failed" in lowered:
        return ArchiveError(f"the archive server refused the login ({text})", path=shown, code="E506",
                            hint="check the user and password (in the URL, PGPASSWORD or ~/.pgpass)")
    if state == "42501" or "permission denied" in lowered:
        return ArchiveError(f"the archive server refused access ({text})", path=shown, code="E506",
                            hint="grant this user CREATE and USAGE on the database (btree_gist needs to be "
                                 "installable by the owner or created once by a superuser)")
    if state == "3D000" or ("database" in lowered and "does not exist" in lowered):
        return ArchiveError(f"the archive database does not exist ({text})", path=shown, code="E501",
                            hint="create it first (createdb NAME), or fix --db")
    if state == "55P03":
        return ArchiveError("archive is locked by another process", path=shown, code="E502",
                            hint="wait for the other factcheck to finish, or raise --busy-timeout")
    psycopg = _driver()
    if psycopg is not None and isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError)):
        return ArchiveError(f"cannot reach the archive server ({text})", path=shown, code="E505",
                            hint="check the host, port and database in the URL, and that the server is running")
    if psycopg is not None and isinstance(exc, psycopg.ProgrammingError) and not state:
        return ArchiveError(f"bad archive URL ({text})", path=shown, code="E505",
                            hint="write it as postgresql://USER@HOST[:PORT]/DBNAME")
    return ArchiveError(f"archive database error ({text})", path=shown, code="E503",
                        hint="check that the database holds a factcheck archive (run 'factcheck index')")


def span_of_row(row: Sequence) -> str:
    """The ``numrange`` literal of a claim row's interval."""
    return span_text(Quantity(low=decode_number(row[_LOW]), high=decode_number(row[_HIGH]), bound=row[_BOUND],
                              unit=row[_UNIT]))


class PostgresArchive(ArchiveBase):
    """An open PostgreSQL archive (a database, or the first schema of its search_path)."""

    backend = "postgresql"

    def __init__(self, conn, location: str):
        self._conn = conn
        self._location = location
        self.path = mask_url(location)

    # -- opening ----------------------------------------------------------------------

    @classmethod
    def open(cls, location, *, create: bool = False,
             busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> "PostgresArchive":
        location = str(location)
        psycopg = _driver()
        if psycopg is None:
            raise ArchiveError("a PostgreSQL archive needs the psycopg driver, which is not installed",
                               path=mask_url(location), code="E507", hint='pip install "factcheck[postgres]"')
        options = {} if "connect_timeout" in location else {"connect_timeout": CONNECT_TIMEOUT}
        try:
            conn = psycopg.connect(location, autocommit=True, **options)
        except psycopg.Error as exc:
            raise translate(exc, location) from None
        archive = cls(conn, location)
        try:
            archive._prepare(create, busy_timeout)
        except psycopg.Error as exc:
            conn.close()
            raise translate(exc, location) from None
        except FactcheckError:
            conn.close()
            raise
        return archive

    def _prepare(self, create: bool, busy_timeout: float) -> None:
        conn = self._conn
        conn.execute(f"SET lock_timeout = {max(1, int(busy_timeout * 1000))}")
        state = self._state()
        if state is None:
            tables = conn.execute("SELECT count(*) FROM pg_catalog.pg_tables "
                                  "WHERE schemaname = current_schema()").fetchone()[0]
            if tables:
                # another indexer may have committed the schema between the two looks
                state = self._state()
        if state is None:
            if tables:
                raise ArchiveError("database holds tables but no factcheck archive", path=self.path, code="E503",
                                   hint="choose another database (or another schema with ?options=-csearch_path=…)")
            if not create:
                raise ArchiveError("archive is empty (never written by 'factcheck index')", path=self.path,
                                   code="E503", hint="run 'factcheck index PATHS… --db URL' to fill it")
            version = 0
        else:
            application, version = state
            if application != APPLICATION:
                raise ArchiveError("database holds a meta table but no factcheck archive", path=self.path,
                                   code="E503", hint="choose another database")
        if version > SCHEMA_VERSION:
            raise ArchiveSchemaTooNew(
                f"archive has schema version {version}; this factcheck reads up to {SCHEMA_VERSION}",
                path=self.path, hint="upgrade factcheck, or rebuild the archive with this version")
        if version < SCHEMA_VERSION:
            self.migrate()

    def _state(self) -> tuple[str | None, int] | None:
        """(application, schema version) from the meta table, or None without one."""
        conn = self._conn
        if conn.execute("SELECT to_regclass('meta') IS NOT NULL").fetchone()[0] is not True:
            return None
        rows = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('application', 'schema_version')"))
        return rows.get("application"), int(rows.get("schema_version", 0))

    def migrate(self, *, upto: int = SCHEMA_VERSION) -> list[str]:
        """Apply the migrations the database lacks, in one transaction, under an advisory
        lock (a second process waits, then finds them applied); returns their names."""
        conn = self._conn
        applied: list[str] = []
        psycopg = _driver()
        try:
            with conn.transaction():
                conn.execute(_MIGRATION_LOCK)
                state = self._state()
                version = state[1] if state else 0
                for number in range(version + 1, upto + 1):
                    name, statements = PG_MIGRATIONS[number - 1]
                    for statement in statements:
                        conn.execute(statement)
                    if number == 1:
                        conn.execute("INSERT INTO meta (key, value) VALUES ('application', %s)", (APPLICATION,))
                    conn.execute("INSERT INTO meta (key, value) VALUES (%s, %s) "
                                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                                 (f"migration.{number}", name))
                    applied.append(name)
                if applied:
                    conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', %s) "
                                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (str(upto),))
        except psycopg.Error as exc:
            raise translate(exc, self._location) from None
        return applied

    @property
    def schema_version(self) -> int:
        state = self._state()
        return state[1] if state else 0

    def migrations_applied(self) -> list[str]:
        rows = self._query("SELECT key, value FROM meta WHERE key LIKE 'migration.%'")
        return [name for _, name in sorted(rows, key=lambda r: int(r[0].split(".")[1]))]

    def close(self) -> None:
        self._conn.close()

    # -- reading ---------------------------------------------------------------------------

    def _query(self, sql: str, params: Sequence = ()) -> list[tuple]:
        try:
            return self._conn.execute(sql, params or None).fetchall()
        except _driver().Error as exc:
            raise translate(exc, self._location) from None

    def _select(self, where: str, params: list, excluded: Sequence[str] = ()) -> list[tuple]:
        sql = _SELECT + where
        if excluded:
            sql += " AND NOT (d.file = ANY(%s))"
            params = [*params, list(excluded)]
        return self._query(sql, params)

    def _group_rows(self, subject: str, metric: str, excluded: Sequence[str]) -> list[tuple]:
        return self._select("c.subject = %s AND c.metric = %s", [subject, metric], excluded)

    def _key_rows(self, rule: str, subject: str, metric: str, qualifiers: list[str] | None) -> list[tuple]:
        where, params = "c.subject = %s AND c.metric = %s AND c.rule = %s", [subject, metric, rule]
        if qualifiers is not None:
            where += " AND c.qualifiers = ANY(%s)"
            params.append(list(qualifiers))
        return self._select(where, params)

    def _rule_rows(self, rule: str, excluded: Sequence[str]) -> list[tuple]:
        return self._select("c.rule = %s", [rule], excluded)

    def claims_outside(self, subject: str, metric: str, unit: str, low, high) -> list[Claim]:
        rows = self._select("c.subject = %s AND c.metric = %s AND c.unit = %s AND "
                            "(c.span << numrange(%s::numeric, %s::numeric, '[]') "
                            "OR c.span >> numrange(%s::numeric, %s::numeric, '[]'))",
                            [subject, metric, unit, _num(low), _num(high), _num(low), _num(high)])
        return self._claims(rows)

    @contextlib.contextmanager
    def snapshot(self):
        psycopg = _driver()
        try:
            with self._conn.transaction():
                self._conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                yield self
        except psycopg.Error as exc:
            raise translate(exc, self._location) from None

    def _id_rows(self, ids: Sequence[int]) -> list[tuple]:
        return self._query(f"SELECT c.id, d.path, c.seq, {CLAIM_SELECT} FROM claims c JOIN documents d "
                           "ON d.id = c.doc_id WHERE c.id = ANY(%s)", [list(ids)])

    def _negated_rows(self, subject: str, metric: str, excluded: Sequence[str]) -> list[tuple]:
        return self._select("c.subject = %s AND c.metric = %s AND c.negated = 1", [subject, metric], excluded)

    def _stale_groups(self) -> set[tuple[str, str]]:
        return {(s, m) for s, m in self._query("SELECT subject, metric FROM summary_stale")}

    def _excluded_groups(self, files: Sequence[str]) -> set[tuple[str, str]]:
        return {(s, m) for s, m in self._query(
            "SELECT DISTINCT c.subject, c.metric FROM claims c JOIN documents d ON d.id = c.doc_id "
            "WHERE d.file = ANY(%s)", [list(files)])}

    def _summary_rows(self, subject: str, metric: str) -> tuple[str | None, list[tuple]]:
        packed = self._query(SUMMARY_PACKED.replace("?", "%s"), [subject, metric])
        return (packed[0][0] if packed else None,
                [tuple(r) for r in self._query(SUMMARY_OVERLAPS.replace("?", "%s"), [subject, metric])])

    def _listing_rows(self, subject: str, metric: str, numbers: Sequence[int]) -> list[tuple]:
        sql = SUMMARY_LISTINGS.replace("?", "%s").replace(" AND cls IN ", " AND cls = ANY(%s)")
        return [tuple(r) for r in self._query(sql, [subject, metric, list(numbers)])]

    def _rebuild_summaries(self, builder) -> int:
        done = []

        def run(cur) -> None:
            # no writer marks a group until this commits (writers mark in the transaction that writes)
            cur.execute("LOCK TABLE summary_stale IN EXCLUSIVE MODE")
            for subject, metric in cur.execute("SELECT subject, metric FROM summary_stale").fetchall():
                classes, overlaps = builder([tuple(r) for r in cur.execute(
                    SUMMARY_SOURCE.replace("?", "%s"), (subject, metric)).fetchall()])
                cur.execute("DELETE FROM summaries WHERE subject = %s AND metric = %s", (subject, metric))
                cur.execute("DELETE FROM summary_overlaps WHERE subject = %s AND metric = %s", (subject, metric))
                cur.execute("DELETE FROM summary_groups WHERE subject = %s AND metric = %s", (subject, metric))
                if classes:
                    cur.executemany(SUMMARY_INSERT.replace("?", "%s"), [(subject, metric, *row) for row in classes])
                    cur.execute("INSERT INTO summary_groups (subject, metric, classes) VALUES (%s, %s, %s)",
                                (subject, metric, pack(classes)))
                if overlaps:
                    cur.executemany("INSERT INTO summary_overlaps (subject, metric, classes, articles) "
                                    "VALUES (%s, %s, %s, %s)", [(subject, metric, *row) for row in overlaps])
                cur.execute("DELETE FROM summary_stale WHERE subject = %s AND metric = %s", (subject, metric))
                done.append((subject, metric))
        self._write(run)
        return len(done)

    def counts(self) -> dict[str, int]:
        docs = self._query("SELECT count(*) FROM documents")[0][0]
        claims = self._query("SELECT count(*) FROM claims")[0][0]
        return {"documents": docs, "claims": claims}

    def group_sizes(self) -> dict[tuple[str, str], int]:
        return {(s, m): n for s, m, n in self._query(
            "SELECT subject, metric, count(*) FROM claims GROUP BY subject, metric")}

    def content(self) -> tuple[list[tuple], list[tuple]]:
        """As SQLite's: ordered by code point (COLLATE "C"), whatever the database's locale."""
        docs = self._query("SELECT file, path, size, hash, date, rules_version, engine, mentions, problem "
                           'FROM documents ORDER BY file COLLATE "C"')
        claims = self._query(f"SELECT d.file, c.seq, {CLAIM_SELECT} FROM claims c "
                             'JOIN documents d ON d.id = c.doc_id ORDER BY d.file COLLATE "C", c.seq')
        return [tuple(r) for r in docs], [tuple(r) for r in claims]

    def known_documents(self) -> dict[str, tuple]:
        return {row[0]: tuple(row[1:]) for row in self._query(
            "SELECT file, id, path, size, mtime_ns, hash, rules_version, engine FROM documents")}

    # -- writing ---------------------------------------------------------------------------

    def _write(self, fn) -> None:
        """Run fn(cursor) in one transaction; retried on deadlock or serialization failure."""
        psycopg = _driver()
        retry = (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure)
        for attempt in range(WRITE_ATTEMPTS):
            try:
                with self._conn.transaction(), self._conn.cursor() as cur:
                    fn(cur)
                return
            except retry as exc:
                if attempt == WRITE_ATTEMPTS - 1:
                    raise translate(exc, self._location) from None
                time.sleep(0.05 * (attempt + 1))
            except psycopg.Error as exc:
                raise translate(exc, self._location) from None

    def remove_and_rename(self, gone: Sequence[int], renamed: Sequence[tuple[str, int]]) -> None:
        if not gone and not renamed:
            return

        def run(cur) -> None:
            cur.execute(_MARK_DOCS, (sorted({*gone, *(i for _, i in renamed)}),))
            if gone:
                cur.execute("DELETE FROM documents WHERE id = ANY(%s)", (sorted(gone),))  # claims cascade
            for path, doc_id in sorted(renamed, key=lambda r: r[1]):
                cur.execute("UPDATE documents SET path = %s WHERE id = %s", (path, doc_id))
                cur.execute("UPDATE claims SET path = %s WHERE doc_id = %s", (path, doc_id))
        self._write(run)

    def put_batch(self, documents: Sequence[tuple[tuple, Sequence[tuple]]],
                  touched: Sequence[tuple[str, int, int, str]] = ()) -> None:
        """In one transaction: upsert each document (ON CONFLICT), replace its claims
        (DELETE, then COPY), and record new size, mtime and path of touched-but-unchanged
        files; rows are locked in file order."""
        if not documents and not touched:
            return
        docs = sorted(documents, key=lambda d: d[0][0])

        def run(cur) -> None:
            for file, size, mtime_ns, display in sorted(touched):
                cur.execute("INSERT INTO summary_stale (subject, metric) SELECT DISTINCT subject, metric FROM claims "
                            "WHERE doc_id = (SELECT id FROM documents WHERE file = %s) AND path <> %s "
                            "ON CONFLICT DO NOTHING", (file, display))
                cur.execute("UPDATE documents SET size = %s, mtime_ns = %s, path = %s WHERE file = %s",
                            (size, mtime_ns, display, file))
                cur.execute("UPDATE claims SET path = %s WHERE doc_id = (SELECT id FROM documents WHERE file = %s) "
                            "AND path <> %s", (display, file, display))
            if not docs:
                return
            ids = []
            for doc, _ in docs:
                cur.execute(_UPSERT_DOC, doc)
                ids.append(cur.fetchone()[0])
            cur.execute(_MARK_DOCS, (ids,))
            cur.execute("DELETE FROM claims WHERE doc_id = ANY(%s)", (ids,))
            with cur.copy(_COPY_CLAIMS) as copy:
                for doc_id, (_, rows) in zip(ids, docs):
                    for seq, row in enumerate(rows):
                        copy.write_row((doc_id, seq, *row, span_of_row(row)))
            for group in sorted({(row[1], row[2]) for _, rows in docs for row in rows}):
                cur.execute(_MARK, group)
        self._write(run)


def _num(value) -> Decimal | None:
    return None if value is None else Decimal(value) if not isinstance(value, Decimal) else value


__all__ = ["CONNECT_TIMEOUT", "PostgresArchive", "span_of_row", "translate"]
