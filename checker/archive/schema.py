"""The archive's schema: named, append-only migrations and the column lists.

Position i+1 of ``MIGRATIONS`` is the schema version after applying entry i (kept in
``PRAGMA user_version``).  Never edit a released entry; append a new one.
"""

from __future__ import annotations

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
]

SCHEMA_VERSION = len(MIGRATIONS)

DOC_COLUMNS = ("file", "path", "size", "mtime_ns", "hash", "date", "rules_version", "mentions", "problem",
                "engine")
CLAIM_COLUMNS = ("rule", "subject", "metric", "qualifiers", "start", "end", "line", "col", "text", "low",
                  "high", "bound", "unit", "classifier", "step", "vague", "per", "path", "sentence",
                  "sentence_start", "time", "source", "doc_date", "negated")
CLAIM_SELECT = ", ".join(f'c."{c}"' for c in CLAIM_COLUMNS)
INSERT_CLAIM = (f'INSERT INTO claims (doc_id, seq, {", ".join(chr(34) + c + chr(34) for c in CLAIM_COLUMNS)}) '
                 f'VALUES ({", ".join("?" * (len(CLAIM_COLUMNS) + 2))})')
UPSERT_DOC = (f'INSERT INTO documents ({", ".join(DOC_COLUMNS)}) VALUES ({", ".join("?" * len(DOC_COLUMNS))}) '
               f'ON CONFLICT(file) DO UPDATE SET '
               + ", ".join(f"{c} = excluded.{c}" for c in DOC_COLUMNS if c != "file")
               + " RETURNING id")

__all__ = ["APPLICATION", "CLAIM_COLUMNS", "CLAIM_SELECT", "DOC_COLUMNS", "INSERT_CLAIM", "MIGRATIONS",
           "SCHEMA_VERSION", "UPSERT_DOC"]
