"""The claim index: claims of every published article, in one SQLite file (the
embedded default) or one PostgreSQL database shared by a newsroom.

``factcheck index`` fills it (the walk and the worker processes are ``checker.index``);
``factcheck check --against FILE.sqlite|postgresql://…`` reads from it only the claim
groups a draft touches.  This is the only folder with SQL, and it imports only the data
model and the errors (and, lazily, the optional psycopg driver): ``schema`` (migrations),
``rows`` (Claim <-> row), ``location`` (file or URL; passwords masked), ``store`` (the
storage interface and the SQLite backend), ``postgres`` (the PostgreSQL backend),
``lookup`` (what a draft check reads), ``summary`` (the per-group summaries it reads first).
"""

from __future__ import annotations

from .cache import Entry, ResultCache, content_hash
from .location import is_database_url, mask_url
from .lookup import ArchiveSession, archive_claims_for, archive_session, is_index_file
from .rows import claim_from_row, claim_row, decode_number, encode_number, interval_of, outside
from .schema import CLAIM_COLUMNS, MIGRATIONS, PG_MIGRATIONS, SCHEMA_VERSION
from .store import DEFAULT_BUSY_TIMEOUT, DEFAULT_DB, Archive, SqliteArchive, default_db_path, project_root

__all__ = ["Archive", "ArchiveSession", "archive_session", "CLAIM_COLUMNS", "DEFAULT_BUSY_TIMEOUT", "DEFAULT_DB", "Entry", "MIGRATIONS", "PG_MIGRATIONS",
           "ResultCache", "SCHEMA_VERSION", "SqliteArchive", "archive_claims_for", "claim_from_row", "claim_row",
           "content_hash", "decode_number", "default_db_path", "encode_number", "interval_of", "is_database_url",
           "is_index_file", "mask_url", "outside", "project_root"]
