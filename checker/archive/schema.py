"""The archive's schema: named, append-only migrations and the column lists.

Position i+1 of ``MIGRATIONS`` is the schema version after applying entry i (kept in
``PRAGMA user_version`` on SQLite, in the ``meta`` table on PostgreSQL).  Never edit a
released entry; append a new one.  ``PG_MIGRATIONS`` are the same steps, by name and
order, in PostgreSQL's dialect (a test keeps the names in step); PostgreSQL's ``initial``
also keeps each claim's interval as a ``numrange`` with a GiST index.
"""

from __future__ import annotations

#: Seconds a writer or reader waits for another process's lock before giving up (E502).
DEFAULT_BUSY_TIMEOUT = 30.0

#: Written to the meta table so a foreign SQLite file is recognised as such.
APPLICATION = "factcheck-index"


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
    # Claim.evidence: how attribution read the claim, a JSON list of [name, value] pairs.
    ("claim-evidence", (
        "ALTER TABLE claims ADD COLUMN evidence TEXT NOT NULL DEFAULT '[]'",
    )),
    # Per-group summaries (``summary``): the classes of claims compare cannot tell apart,
    # counted, with example and first claim ids; the articles stating two classes of one key;
    # the groups whose summary a write made stale (every group of an older index starts so,
    # and is rebuilt by the next ``factcheck index``; until then it is read claim by claim).
    ("claim-summaries", (
        """CREATE TABLE summaries (
               subject    TEXT NOT NULL,
               metric     TEXT NOT NULL,
               cls        INTEGER NOT NULL,
               rule       TEXT NOT NULL,
               qualifiers TEXT NOT NULL,
               negated    INTEGER NOT NULL,
               time       TEXT,
               doc_date   TEXT,
               low        TEXT,
               high       TEXT,
               bound      TEXT NOT NULL,
               unit       TEXT NOT NULL,
               classifier TEXT,
               step       TEXT,
               vague      INTEGER NOT NULL,
               per        TEXT,
               claims     INTEGER NOT NULL,
               articles   INTEGER NOT NULL,
               newest     TEXT,
               examples   TEXT NOT NULL,
               firsts     TEXT NOT NULL,
               first_path TEXT NOT NULL,
               first_at   INTEGER NOT NULL,
               PRIMARY KEY (subject, metric, cls)
           )""",
        """CREATE TABLE summary_overlaps (
               subject  TEXT NOT NULL,
               metric   TEXT NOT NULL,
               classes  TEXT NOT NULL,
               articles INTEGER NOT NULL
           )""",
        "CREATE INDEX summary_overlaps_by_group ON summary_overlaps (subject, metric)",
        """CREATE TABLE summary_stale (
               subject TEXT NOT NULL,
               metric  TEXT NOT NULL,
               PRIMARY KEY (subject, metric)
           )""",
        "INSERT INTO summary_stale (subject, metric) SELECT DISTINCT subject, metric FROM claims",
    )),
    # Each group's classes without their listings packed in one row (``summary.pack``): a draft
    # reads a group in one query and one JSON decode, however many classes it has.  Every
    # group starts stale, so the next ``factcheck index`` packs it; until then it is read
    # claim by claim.
    ("summary-groups", (
        """CREATE TABLE summary_groups (
               subject TEXT NOT NULL,
               metric  TEXT NOT NULL,
               classes TEXT NOT NULL,
               PRIMARY KEY (subject, metric)
           )""",
        "INSERT OR IGNORE INTO summary_stale (subject, metric) SELECT DISTINCT subject, metric FROM claims",
    )),
]

SCHEMA_VERSION = len(MIGRATIONS)

#: The same migrations for PostgreSQL.  ``span`` is the claim's stated interval
#: (``rows.span_text``): ``claims_by_interval`` (GiST over subject, metric and span,
#: with btree_gist for the text columns) answers "claims of this group whose interval
#: lies outside this one" without reading the group.  ``claims_by_doc`` is a unique
#: constraint: a document's claims can never be stored twice.
PG_MIGRATIONS: list[tuple[str, tuple[str, ...]]] = [
    ("initial", (
        "CREATE EXTENSION IF NOT EXISTS btree_gist",
        """CREATE TABLE meta (
               key   TEXT PRIMARY KEY,
               value TEXT NOT NULL
           )""",
        """CREATE TABLE documents (
               id            BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
               file          TEXT NOT NULL UNIQUE,
               path          TEXT NOT NULL,
               size          BIGINT NOT NULL,
               mtime_ns      BIGINT NOT NULL,
               hash          TEXT NOT NULL,
               date          TEXT,
               rules_version TEXT NOT NULL,
               mentions      INTEGER NOT NULL DEFAULT 0,
               problem       TEXT
           )""",
        """CREATE TABLE claims (
               id             BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
               doc_id         BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
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
               doc_date       TEXT,
               span           NUMRANGE NOT NULL,
               CONSTRAINT claims_by_doc UNIQUE (doc_id, seq)
           )""",
        "CREATE INDEX claims_by_group ON claims (subject, metric, rule)",
        "CREATE INDEX claims_by_interval ON claims USING gist (subject, metric, span)",
    )),
    ("engine-fingerprint", (
        "ALTER TABLE documents ADD COLUMN engine TEXT NOT NULL DEFAULT ''",
    )),
    ("claims-by-rule", (
        "CREATE INDEX claims_by_rule ON claims (rule)",
    )),
    ("claim-negated", (
        "ALTER TABLE claims ADD COLUMN negated INTEGER NOT NULL DEFAULT 0",
    )),
    ("claim-evidence", (
        "ALTER TABLE claims ADD COLUMN evidence TEXT NOT NULL DEFAULT '[]'",
    )),
    # the same tables as SQLite's (the statements are portable)
    ("claim-summaries", MIGRATIONS[5][1]),
    ("summary-groups", (
        MIGRATIONS[6][1][0],
        "INSERT INTO summary_stale (subject, metric) SELECT DISTINCT subject, metric FROM claims "
        "ON CONFLICT DO NOTHING",
    )),
]

DOC_COLUMNS = ("file", "path", "size", "mtime_ns", "hash", "date", "rules_version", "mentions", "problem",
                "engine")
CLAIM_COLUMNS = ("rule", "subject", "metric", "qualifiers", "start", "end", "line", "col", "text", "low",
                  "high", "bound", "unit", "classifier", "step", "vague", "per", "path", "sentence",
                  "sentence_start", "time", "source", "doc_date", "negated", "evidence")
CLAIM_SELECT = ", ".join(f'c."{c}"' for c in CLAIM_COLUMNS)
INSERT_CLAIM = (f'INSERT INTO claims (doc_id, seq, {", ".join(chr(34) + c + chr(34) for c in CLAIM_COLUMNS)}) '
                 f'VALUES ({", ".join("?" * (len(CLAIM_COLUMNS) + 2))})')
UPSERT_DOC = (f'INSERT INTO documents ({", ".join(DOC_COLUMNS)}) VALUES ({", ".join("?" * len(DOC_COLUMNS))}) '
               f'ON CONFLICT(file) DO UPDATE SET '
               + ", ".join(f"{c} = excluded.{c}" for c in DOC_COLUMNS if c != "file")
               + " RETURNING id")

#: Rows of a group's claims the summaries are built from (``summary.SOURCE_COLUMNS``).
SUMMARY_SOURCE = ('SELECT c.id, c.doc_id, c.path, c.start, c.doc_date, c.rule, c.qualifiers, c.negated, c.time, '
                  'c.low, c.high, c.bound, c.unit, c.classifier, c.step, c.vague, c.per FROM claims c '
                  'WHERE c.subject = ? AND c.metric = ?')
#: The listings (examples, firsts) of some classes of a group; the list of cls follows.
SUMMARY_LISTINGS = "SELECT cls, examples, firsts FROM summaries WHERE subject = ? AND metric = ? AND cls IN "
#: A group's packed classes (``summary.pack``) and its overlap rows.
SUMMARY_PACKED = "SELECT classes FROM summary_groups WHERE subject = ? AND metric = ?"
SUMMARY_OVERLAPS = "SELECT classes, articles FROM summary_overlaps WHERE subject = ? AND metric = ?"
SUMMARY_INSERT = ("INSERT INTO summaries (subject, metric, cls, rule, qualifiers, negated, time, doc_date, low, high, "
                  "bound, unit, classifier, step, vague, per, claims, articles, newest, examples, firsts, first_path, "
                  "first_at) VALUES (" + ", ".join(["?"] * 23) + ")")

__all__ = ["APPLICATION", "CLAIM_COLUMNS", "CLAIM_SELECT", "DOC_COLUMNS", "INSERT_CLAIM", "MIGRATIONS", "PG_MIGRATIONS",
           "SCHEMA_VERSION", "SUMMARY_INSERT", "SUMMARY_LISTINGS", "SUMMARY_OVERLAPS", "SUMMARY_PACKED", "SUMMARY_SOURCE", "UPSERT_DOC"]
