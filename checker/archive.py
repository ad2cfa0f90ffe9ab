"""The archive index: claims of every published article in one SQLite file.

This is the only module with SQL.  ``factcheck index`` fills it; ``factcheck check
--against FILE.sqlite`` reads from it only the claim groups a draft touches.

Storage rules:

* WAL mode, so readers (``check``) never block the writer (``index``) and a crash
  leaves the last committed state.  Every batch commits its documents together
  with their claims in one transaction: an interrupted run (Ctrl-C, SIGKILL, power
  loss) loses at most the batch in flight, and the next run redoes it.
* Numbers are stored as their exact decimal strings (``str(Decimal)``) in TEXT
  columns, never REAL, so a claim read back equals the claim attributed.
* A document is skipped when its size and mtime are unchanged (no read at all), or
  when its bytes hash to the stored SHA-256 (read, not extracted), provided the
  rules version and the engine fingerprint (package version, default date) are
  unchanged too.
* The schema version is ``PRAGMA user_version``; ``MIGRATIONS`` lists the named
  steps from an empty file to the current schema, applied in one transaction.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import signal
import sqlite3
import sys
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from . import __version__
from .errors import ArchiveError, ArchiveSchemaTooNew, FactcheckError, UsageError
from .model import Claim, Mention, Quantity

#: Written to the meta table so a foreign SQLite file is recognised as such.
APPLICATION = "factcheck-index"

#: Default index location, relative to the project root.
DEFAULT_DB = Path(".factcheck") / "index.sqlite"

#: Files whose presence marks a project root (closest one upwards wins).
ROOT_MARKERS = ("pyproject.toml", "factcheck.toml", ".git")

#: Seconds a writer or reader waits for another process's lock before giving up (E502).
DEFAULT_BUSY_TIMEOUT = 30.0

# --- schema and migrations ------------------------------------------------------------

#: (name, statements).  Position i+1 is the schema version after applying entry i.
#: Never edit a released entry; append a new one.
MIGRATIONS: list[tuple[str, tuple[str, ...]]] = [
    ("initial", (
        """CREATE TABLE meta (
               key   TEXT PRIMARY KEY,
               value TEXT NOT NULL
           )""",
        # file: the absolute resolved path, the identity of an indexed file;
        # path: the path as displayed in reports (claims carry it too).
        """CREATE TABLE documents (
               id            INTEGER PRIMARY KEY,
               file          TEXT NOT NULL UNIQUE,
               path          TEXT NOT NULL,
               size          INTEGER NOT NULL,
               mtime_ns      INTEGER NOT NULL,
               hash          TEXT NOT NULL,
               date          TEXT,
               rules_version TEXT NOT NULL,
               mentions      INTEGER NOT NULL DEFAULT 0,
               problem       TEXT
           )""",
        # Decimals (low, high, step) are exact decimal strings; qualifiers is a
        # JSON list of [name, value] pairs in the claim's (sorted) order.
        """CREATE TABLE claims (
               id             INTEGER PRIMARY KEY,
               doc_id         INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
               seq            INTEGER NOT NULL,
               rule           TEXT NOT NULL,
               subject        TEXT NOT NULL,
               metric         TEXT NOT NULL,
               qualifiers     TEXT NOT NULL,
               start          INTEGER NOT NULL,
               "end"          INTEGER NOT NULL,
               line           INTEGER NOT NULL,
               col            INTEGER NOT NULL,
               text           TEXT NOT NULL,
               low            TEXT,
               high           TEXT,
               bound          TEXT NOT NULL,
               unit           TEXT NOT NULL,
               classifier     TEXT,
               step           TEXT,
               vague          INTEGER NOT NULL,
               per            TEXT,
               path           TEXT NOT NULL,
               sentence       TEXT NOT NULL,
               sentence_start INTEGER NOT NULL,
               time           TEXT,
               source         TEXT,
               doc_date       TEXT
           )""",
        "CREATE INDEX claims_by_group ON claims (subject, metric, rule)",
        "CREATE INDEX claims_by_doc ON claims (doc_id, seq)",
    )),
    # The extraction code changes between releases: its version (and the default
    # --date, which resolves 去年) joins the rules version in deciding what is stale.
    ("engine-fingerprint", (
        "ALTER TABLE documents ADD COLUMN engine TEXT NOT NULL DEFAULT ''",
    )),
    # Derived checks with ``scope: corpus`` take variables from any article, by rule.
    ("claims-by-rule", (
        "CREATE INDEX claims_by_rule ON claims (rule)",
    )),
    # Claim.negated: the sentence denies the figure (不会达到1万亿美元).
    ("claim-negated", (
        "ALTER TABLE claims ADD COLUMN negated INTEGER NOT NULL DEFAULT 0",
    )),
]

SCHEMA_VERSION = len(MIGRATIONS)

_DOC_COLUMNS = ("file", "path", "size", "mtime_ns", "hash", "date", "rules_version", "mentions", "problem",
                "engine")
_CLAIM_COLUMNS = ("rule", "subject", "metric", "qualifiers", "start", "end", "line", "col", "text", "low",
                  "high", "bound", "unit", "classifier", "step", "vague", "per", "path", "sentence",
                  "sentence_start", "time", "source", "doc_date", "negated")
_CLAIM_SELECT = ", ".join(f'c."{c}"' for c in _CLAIM_COLUMNS)
_INSERT_CLAIM = (f'INSERT INTO claims (doc_id, seq, {", ".join(chr(34) + c + chr(34) for c in _CLAIM_COLUMNS)}) '
                 f'VALUES ({", ".join("?" * (len(_CLAIM_COLUMNS) + 2))})')
_UPSERT_DOC = (f'INSERT INTO documents ({", ".join(_DOC_COLUMNS)}) VALUES ({", ".join("?" * len(_DOC_COLUMNS))}) '
               f'ON CONFLICT(file) DO UPDATE SET '
               + ", ".join(f"{c} = excluded.{c}" for c in _DOC_COLUMNS if c != "file")
               + " RETURNING id")


# --- value encoding -------------------------------------------------------------------


def encode_number(value: Decimal | Fraction | None) -> str | None:
    """The exact text of a number: ``str(Decimal)`` (keeps sign, digits and
    exponent, so it reads back identical), or ``"n/d"`` for a Fraction."""
    if value is None:
        return None
    if isinstance(value, (Decimal, Fraction)):
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(Decimal(value))
    raise TypeError(f"numbers in claims must be Decimal or Fraction, not {type(value).__name__}: {value!r}")


@lru_cache(maxsize=65536)
def decode_number(text: str | None) -> Decimal | Fraction | None:
    """A stored number back to its exact value (immutable, so repeated texts share one)."""
    if text is None:
        return None
    if "/" in text:
        return Fraction(text)
    return Decimal(text)


@lru_cache(maxsize=8192)
def _decode_qualifiers(text: str) -> tuple[tuple[str, str], ...]:
    return tuple(tuple(pair) for pair in json.loads(text))


@lru_cache(maxsize=8192)
def _decode_date(text: str | None) -> _dt.date | None:
    return _dt.date.fromisoformat(text) if text else None


def _encode_qualifiers(qualifiers: tuple[tuple[str, str], ...]) -> str:
    return json.dumps([list(pair) for pair in qualifiers], ensure_ascii=False, separators=(",", ":"))


def claim_row(claim: Claim) -> tuple:
    """A claim as a row of _CLAIM_COLUMNS (plain values only, cheap to pickle)."""
    m = claim.mention
    q = m.quantity
    return (claim.rule, claim.subject, claim.metric, _encode_qualifiers(claim.qualifiers),
            m.start, m.end, m.line, m.col, m.text,
            encode_number(q.low), encode_number(q.high), q.bound, q.unit, q.classifier,
            encode_number(q.step), int(q.vague), q.per,
            claim.path, claim.sentence, claim.sentence_start, claim.time, claim.source,
            claim.doc_date.isoformat() if claim.doc_date else None, int(claim.negated))


def claim_from_row(row: Sequence) -> Claim:
    """The inverse of claim_row: a Claim equal to the one that was stored."""
    (rule, subject, metric, qualifiers, start, end, line, col, text, low, high, bound, unit, classifier,
     step, vague, per, path, sentence, sentence_start, time_, source, doc_date, negated) = row
    quantity = Quantity(low=decode_number(low), high=decode_number(high), bound=bound, unit=unit,
                        classifier=classifier, step=decode_number(step), vague=bool(vague), per=per)
    mention = Mention(start=start, end=end, line=line, col=col, text=text, quantity=quantity)
    return Claim(rule=rule, subject=subject, metric=metric,
                 qualifiers=_decode_qualifiers(qualifiers),
                 mention=mention, path=path, sentence=sentence, sentence_start=sentence_start,
                 time=time_, source=source,
                 doc_date=_decode_date(doc_date), negated=bool(negated))


# --- locating the index -----------------------------------------------------------------


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


def rules_version_of(ruleset, rule_paths: Sequence[str] | None = None) -> str:
    """The rule set's content hash (``RuleSet.version``); for a rule set without one,
    a SHA-256 over the rule files' bytes."""
    version = getattr(ruleset, "version", None)
    if version:
        return str(version)
    digest = hashlib.sha256()
    files: list[Path] = []
    for p in rule_paths or ["rules"]:
        p = Path(p)
        files.extend(sorted(p.rglob("*.yaml")) + sorted(p.rglob("*.yml")) if p.is_dir() else [p])
    for f in files:
        if f.is_file():
            digest.update(str(f.name).encode() + b"\0" + f.read_bytes() + b"\0")
    return "files:" + digest.hexdigest()


def engine_fingerprint(date: _dt.date | None = None) -> str:
    """What besides the rules decides the claims of a file: the package version and
    the default publication date given with --date."""
    return f"factcheck {__version__}; date={date.isoformat() if date else ''}"


# --- errors -----------------------------------------------------------------------------


def _translate(exc: sqlite3.Error, path: str) -> FactcheckError:
    text = str(exc)
    if isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
        return ArchiveError("index is locked by another process", path=path, code="E502",
                            hint="wait for the other factcheck to finish, or raise --busy-timeout")
    if isinstance(exc, sqlite3.OperationalError) and "unable to open" in text:
        return ArchiveError(f"cannot open the index ({text})", path=path, code="E501",
                            hint="check that the directory exists and is writable")
    return ArchiveError(f"index is corrupt or not a factcheck index ({text})", path=path, code="E503",
                        hint="delete it and run 'factcheck index' again to rebuild it")


# --- records ----------------------------------------------------------------------------


@dataclass(slots=True)
class IndexStats:
    """What one ``index`` run did."""

    files: int = 0  #: files found under the paths
    indexed: int = 0  #: files read and extracted
    unchanged: int = 0  #: files skipped (size/mtime or hash unchanged)
    removed: int = 0  #: index entries whose file is gone
    problems: int = 0  #: files that could not be read (kept with their problem)
    claims: int = 0  #: claims written
    chars: int = 0  #: characters extracted
    seconds: float = 0.0
    problem_messages: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Task:
    file: str  #: absolute path
    display: str  #: path as shown in reports
    size: int
    mtime_ns: int
    known_hash: str | None  #: the stored hash when only size/mtime changed (same rules)


# --- worker side (runs in the extraction processes) ---------------------------------------

_WORKER_RULESET = None
_WORKER_DATE: _dt.date | None = None


def _worker_init(ruleset, date) -> None:
    global _WORKER_RULESET, _WORKER_DATE
    # The parent handles Ctrl-C and stops the pool; a worker interrupted mid-chunk
    # would only add a second traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER_RULESET = ruleset
    _WORKER_DATE = date


def _process_chunk(tasks: Sequence[_Task]) -> list[tuple]:
    return [_process_file(task, _WORKER_RULESET, _WORKER_DATE) for task in tasks]


def _process_file(task: _Task, ruleset, date) -> tuple:
    """("same", task, hash) | ("doc", task, hash, doc_date, mentions, chars, claim_rows)
    | ("problem", task, hash, message)."""
    from .load import document_from_bytes, max_bytes_default, read_document
    from .pipeline import claims_for_document

    try:
        if task.size > max_bytes_default():
            read_document(task.file, display_path=task.display, date=date)  # raises E205 without reading it all
        data = Path(task.file).read_bytes()
    except FactcheckError as exc:
        return ("problem", task, "", _problem_text(exc))
    except OSError as exc:
        return ("problem", task, "", f"E201 cannot be read ({exc.strerror or exc})")
    digest = hashlib.sha256(data).hexdigest()
    if task.known_hash == digest:
        return ("same", task, digest)
    try:
        doc = document_from_bytes(data, task.display, date=date)
    except FactcheckError as exc:
        return ("problem", task, digest, _problem_text(exc))
    mentions, claims = claims_for_document(doc, ruleset)
    rows = [claim_row(c) for c in claims]
    return ("doc", task, digest, doc.date.isoformat() if doc.date else None, len(mentions), len(doc.text), rows)


# --- the archive ---------------------------------------------------------------------------


class Archive:
    """An open index file.  Use as a context manager, or call close()."""

    def __init__(self, conn: sqlite3.Connection, path: str):
        self._conn = conn
        self.path = path

    # -- opening ----------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | os.PathLike, *, create: bool = False,
             busy_timeout: float = DEFAULT_BUSY_TIMEOUT) -> "Archive":
        """Open an index.  ``create``: make the file (and its directory) when missing,
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
            raise _translate(exc, shown) from None
        archive = cls(conn, shown)
        try:
            archive._prepare(create)
        except sqlite3.Error as exc:
            conn.close()
            raise _translate(exc, shown) from None
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

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reading ---------------------------------------------------------------------------

    def _query(self, sql: str, params: Sequence = ()) -> list[tuple]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise _translate(exc, self.path) from None

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
                wanted.setdefault(slot, set()).add(_encode_qualifiers(tuple(key[3])))
        rows: list[tuple] = []
        for (rule, subject, metric), quals in sorted(wanted.items()):
            sql = (f"SELECT d.path, c.seq, {_CLAIM_SELECT} FROM claims c JOIN documents d ON d.id = c.doc_id "
                   "WHERE c.subject = ? AND c.metric = ? AND c.rule = ?")
            params: list = [subject, metric, rule]
            if quals is not None:
                sql += f" AND c.qualifiers IN ({', '.join('?' * len(quals))})"
                params.extend(sorted(quals))
            rows.extend(self._query(sql, params))
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
            sql = (f"SELECT d.path, c.seq, {_CLAIM_SELECT} FROM claims c JOIN documents d ON d.id = c.doc_id "
                   "WHERE c.subject = ? AND c.metric = ?")
            params: list = [subject, metric]
            if excluded:
                sql += f" AND d.file NOT IN ({', '.join('?' * len(excluded))})"
                params.extend(excluded)
            rows.extend(self._query(sql, params))
        return self._claims(rows)

    def claims_for_rules(self, rules: Iterable[str], *, exclude_files: Iterable[str] = ()) -> list[Claim]:
        """Every claim made by these rules (the variables of a corpus-wide derived check)."""
        excluded = sorted({str(f) for f in exclude_files})
        rows: list[tuple] = []
        for rule in sorted(set(rules)):
            sql = (f"SELECT d.path, c.seq, {_CLAIM_SELECT} FROM claims c JOIN documents d ON d.id = c.doc_id "
                   "WHERE c.rule = ?")
            params: list = [rule]
            if excluded:
                sql += f" AND d.file NOT IN ({', '.join('?' * len(excluded))})"
                params.extend(excluded)
            rows.extend(self._query(sql, params))
        return self._claims(rows)

    @staticmethod
    def _claims(rows: list[tuple]) -> list[Claim]:
        rows.sort(key=lambda r: (r[0], r[1]))
        return [claim_from_row(r[2:]) for r in rows]

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
        claims = self._query(f"SELECT d.file, c.seq, {_CLAIM_SELECT} FROM claims c "
                             "JOIN documents d ON d.id = c.doc_id ORDER BY d.file, c.seq")
        return docs, claims

    # -- writing ---------------------------------------------------------------------------

    def index(self, paths: Sequence[str], ruleset, *, rules_version: str | None = None,
              date: _dt.date | None = None, jobs: int | None = None, chunk_size: int | None = None,
              progress: Callable[[IndexStats, int], None] | None = None,
              include=None, exclude=()) -> IndexStats:
        """Index the articles under ``paths``: extract and store what changed, skip what
        did not, drop entries of files that are gone.  Extraction runs in ``jobs``
        processes (default: all cores; 1 runs in this process); this process does all
        writes, one transaction per chunk of files.  ``progress(stats, total)`` is called
        after each chunk."""
        started = time.perf_counter()
        version = rules_version or rules_version_of(ruleset)
        engine = engine_fingerprint(date)
        stats = IndexStats()
        files = _list_files(paths, include=include, exclude=exclude, missing=stats.problem_messages)
        stats.files = len(files)

        known = {row[0]: row[1:] for row in self._query(
            "SELECT file, id, path, size, mtime_ns, hash, rules_version, engine FROM documents")}
        tasks: list[_Task] = []
        renamed: list[tuple[str, int]] = []
        for file, display, size, mtime_ns in files:
            row = known.get(file)
            fresh_rules = row is not None and row[5] == version and row[6] == engine
            if fresh_rules and row[2] == size and row[3] == mtime_ns:
                stats.unchanged += 1
                if row[1] != display:
                    renamed.append((display, row[0]))
                continue
            tasks.append(_Task(file, display, size, mtime_ns, row[4] if fresh_rules else None))

        # Entries under the given paths whose file is no longer there.
        seen = {f[0] for f in files}
        roots = [_root_prefix(p) for p in paths]
        gone = [row[0] for file, row in known.items()
                if file not in seen and any(file == r or file.startswith(r + os.sep) for r in roots)]
        self._write(self._remove_and_rename, gone, renamed)
        stats.removed = len(gone)
        if progress:
            progress(stats, stats.files)

        if tasks:
            for results in _run_tasks(tasks, ruleset, date, jobs, chunk_size):
                self._write(self._store, results, version, engine, stats)
                if progress:
                    progress(stats, stats.files)
        stats.seconds = time.perf_counter() - started
        return stats

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
            raise _translate(exc, self.path) from None

    def _remove_and_rename(self, gone: list[int], renamed: list[tuple[str, int]]) -> None:
        conn = self._conn
        conn.executemany("DELETE FROM claims WHERE doc_id = ?", [(i,) for i in gone])
        conn.executemany("DELETE FROM documents WHERE id = ?", [(i,) for i in gone])
        # The same file indexed from another working directory: only the shown path changes.
        conn.executemany("UPDATE documents SET path = ? WHERE id = ?", renamed)
        conn.executemany("UPDATE claims SET path = ? WHERE doc_id = ?", renamed)

    def _store(self, results: list[tuple], version: str, engine: str, stats: IndexStats) -> None:
        conn = self._conn
        for result in results:
            kind, task, digest = result[0], result[1], result[2]
            if kind == "same":
                # Touched but not changed: remember the new mtime so the next run skips the read.
                conn.execute("UPDATE documents SET size = ?, mtime_ns = ?, path = ? WHERE file = ?",
                             (task.size, task.mtime_ns, task.display, task.file))
                conn.execute("UPDATE claims SET path = ? WHERE doc_id = (SELECT id FROM documents WHERE file = ?) "
                             "AND path != ?", (task.display, task.file, task.display))
                stats.unchanged += 1
                continue
            if kind == "problem":
                doc = (task.file, task.display, task.size, task.mtime_ns, digest, None, version, 0, result[3],
                       engine)
                rows: list[tuple] = []
                stats.problems += 1
                stats.problem_messages.append(f"{task.display}: {result[3]}")
            else:
                _, _, _, doc_date, mentions, chars, rows = result
                doc = (task.file, task.display, task.size, task.mtime_ns, digest, doc_date, version, mentions,
                       None, engine)
                stats.indexed += 1
                stats.claims += len(rows)
                stats.chars += chars
            self._put(doc, rows)

    def _put(self, doc: tuple, rows: Sequence[tuple]) -> None:
        conn = self._conn
        doc_id = conn.execute(_UPSERT_DOC, doc).fetchone()[0]
        conn.execute("DELETE FROM claims WHERE doc_id = ?", (doc_id,))
        conn.executemany(_INSERT_CLAIM, [(doc_id, seq, *row) for seq, row in enumerate(rows)])

    def put_documents(self, documents: Iterable[tuple[str, Sequence[Claim], dict]]) -> None:
        """Store many (file, claims, put_document keywords) in one transaction."""
        def put_all() -> None:
            for file, claims, kw in documents:
                date = kw.get("date")
                doc = (file, kw.get("path") or file, kw.get("size", 0), kw.get("mtime_ns", 0), kw.get("hash", ""),
                       date.isoformat() if date else None, kw.get("rules_version", ""), kw.get("mentions", 0),
                       None, kw.get("engine", ""))
                self._put(doc, [claim_row(c) for c in claims])
        self._write(put_all)

    def put_document(self, file: str, claims: Sequence[Claim], *, path: str | None = None, size: int = 0,
                     mtime_ns: int = 0, hash: str = "", date: _dt.date | None = None,
                     rules_version: str = "", engine: str = "", mentions: int = 0) -> None:
        """Store (or replace) one document and its claims in one transaction, as
        ``index`` does for each file.  ``file`` identifies the document."""
        doc = (file, path or file, size, mtime_ns, hash, date.isoformat() if date else None, rules_version,
               mentions, None, engine)
        self._write(self._put, doc, [claim_row(c) for c in claims])


# --- helpers ---------------------------------------------------------------------------------


def _problem_text(exc: FactcheckError) -> str:
    return f"{exc.code} {exc.message}" + (f"; {exc.hint}" if exc.hint else "")


def _root_prefix(path: str) -> str:
    # abspath, not resolve(): a string operation, no system call per path component
    # (re-indexing 100,000 unchanged files is mostly this listing).
    return os.path.abspath(path)


def _list_files(paths: Sequence[str], *, include=None, exclude=(),
                missing: list[str] | None = None) -> list[tuple[str, str, int, int]]:
    """(absolute path, display path, size, mtime_ns) of every article under paths, sorted.
    Paths that do not exist are added to ``missing`` as messages."""
    from .load import display_path_of, iter_paths

    if any(p == "-" for p in paths):
        raise UsageError("'factcheck index' reads files, not standard input", hint="pass file or directory paths")
    out: dict[str, tuple[str, str, int, int]] = {}
    for p in iter_paths(list(paths), include=include, exclude=exclude):
        p = Path(p)
        try:
            st = p.stat()
        except OSError as exc:
            # A path named explicitly that is not there (or vanished since the listing):
            # reported, and its index entry (if any) removed as gone.
            if missing is not None:
                missing.append(f"{display_path_of(p)}: E201 not found ({exc.strerror})")
            continue
        absolute = os.path.abspath(p)
        out[absolute] = (absolute, display_path_of(p), st.st_size, st.st_mtime_ns)
    return [out[k] for k in sorted(out)]


def _run_tasks(tasks: list[_Task], ruleset, date, jobs: int | None,
               chunk_size: int | None) -> Iterator[list[tuple]]:
    """Results chunk by chunk, as they complete.  At most two chunks per worker are in
    flight, so memory does not grow with the corpus."""
    jobs = max(1, jobs or os.cpu_count() or 1)
    if chunk_size is None:
        chunk_size = max(1, min(64, len(tasks) // (jobs * 4) or 1))
    chunks = [tasks[i:i + chunk_size] for i in range(0, len(tasks), chunk_size)]
    if jobs == 1 or len(chunks) == 1:
        for chunk in chunks:
            yield [_process_file(t, ruleset, date) for t in chunk]
        return
    executor = ProcessPoolExecutor(max_workers=jobs, initializer=_worker_init, initargs=(ruleset, date))
    pending: set[Future] = set()
    queue = iter(chunks)
    try:
        for chunk in queue:
            pending.add(executor.submit(_process_chunk, chunk))
            if len(pending) >= jobs * 2:
                break
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                nxt = next(queue, None)
                if nxt is not None:
                    pending.add(executor.submit(_process_chunk, nxt))
                yield future.result()
    finally:
        for future in pending:
            future.cancel()
        executor.shutdown(wait=True, cancel_futures=True)


# --- checking drafts against the archive ------------------------------------------------------


def corpus_check_rules(draft_claims: Iterable[Claim], ruleset) -> set[str]:
    """Rules whose claims a corpus-wide derived check (``scope: corpus``) may combine
    with the drafts' claims: all variable rules of each such check that a draft
    claim's rule takes part in."""
    rules = {c.rule for c in draft_claims}
    needed: set[str] = set()
    for check in getattr(ruleset, "checks", None) or ():
        variables = getattr(check, "variables", {}) or {}
        var_rules = {v.rule for v in variables.values()}
        corpus = getattr(check, "scope", "article") == "corpus" or any(
            getattr(v, "scope", None) == "corpus" for v in variables.values())
        if corpus and var_rules & rules:
            needed |= var_rules
    return needed


def archive_claims_for(draft_claims: Iterable[Claim], db_path: str | os.PathLike, *, ruleset=None,
                       exclude_paths: Iterable[str] = ()) -> list[Claim]:
    """The archive claims a check of these drafts needs: every claim in the
    (subject, metric) groups the drafts touch (compare works within them), plus, with
    ``ruleset``, the claims of corpus-wide derived checks the drafts take part in.
    Compared together with the drafts' own claims, they give the findings involving
    the drafts that a full check of drafts + archive gives.  Indexed copies of the
    drafts (their files, and ``exclude_paths``) are left out so nothing counts twice."""
    claims = list(draft_claims)
    draft_paths = {c.path for c in claims} | {str(p) for p in exclude_paths}
    excluded = {os.path.abspath(p) for p in draft_paths if p and p != "<stdin>"}
    with Archive.open(db_path) as archive:
        found = archive.claims_for_groups({(c.subject, c.metric) for c in claims}, exclude_files=excluded)
        rules = corpus_check_rules(claims, ruleset) if ruleset is not None else set()
        if rules:
            have = {id(c) for c in found}
            extra = [c for c in archive.claims_for_rules(rules, exclude_files=excluded)
                     if (c.subject, c.metric) not in {(x.subject, x.metric) for x in claims}]
            found = sorted([*found, *(c for c in extra if id(c) not in have)],
                           key=lambda c: (c.path, c.mention.start))
    return [c for c in found if c.path not in draft_paths]


def is_index_file(path: str | os.PathLike) -> bool:
    """True for an --against argument naming an index file rather than a directory."""
    return str(path).endswith((".sqlite", ".sqlite3", ".db"))


def progress_printer(enabled: bool) -> "_Progress":
    """A rich progress bar on stderr (files, claims, rate), or a no-op when disabled."""
    return _Progress(enabled)


class _Progress:
    def __init__(self, enabled: bool):
        self.enabled = enabled
        self._bar = None
        self._task = None

    def __enter__(self) -> "_Progress":
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(TextColumn("indexing"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("files · {task.fields[claims]} claims · {task.fields[rate]} files/s"),
                                 TimeElapsedColumn(), console=Console(file=sys.stderr), transient=True)
            self._bar.start()
            self._task = self._bar.add_task("index", total=None, claims=0, rate="–")
            self._started = time.perf_counter()
        return self

    def __call__(self, stats: IndexStats, total: int) -> None:
        if not self._bar:
            return
        done = stats.indexed + stats.unchanged + stats.problems
        elapsed = max(time.perf_counter() - self._started, 1e-9)
        self._bar.update(self._task, total=total, completed=done, claims=stats.claims,
                         rate=f"{stats.indexed / elapsed:.0f}")

    def __exit__(self, *exc) -> None:
        if self._bar:
            self._bar.stop()
