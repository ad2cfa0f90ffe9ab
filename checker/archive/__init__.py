"""The claim index: claims of every published article, in one SQLite file.

``factcheck index`` fills it (the walk and the worker processes are ``checker.index``);
``factcheck check --against FILE.sqlite`` reads from it only the claim groups a draft
touches.  This is the only folder with SQL, and it imports only the data model and the
errors: ``schema`` (migrations), ``rows`` (Claim <-> row), ``store`` (the Archive),
``lookup`` (what a draft check reads).
"""

from __future__ import annotations

from .cache import Entry, ResultCache, content_hash
from .lookup import archive_claims_for, is_index_file
from .rows import claim_from_row, claim_row, decode_number, encode_number
from .schema import CLAIM_COLUMNS, MIGRATIONS, SCHEMA_VERSION
from .store import DEFAULT_BUSY_TIMEOUT, DEFAULT_DB, Archive, default_db_path, project_root

__all__ = ["Archive", "Entry", "ResultCache", "content_hash", "CLAIM_COLUMNS", "DEFAULT_BUSY_TIMEOUT", "DEFAULT_DB", "MIGRATIONS", "SCHEMA_VERSION",
           "archive_claims_for", "claim_from_row", "claim_row", "decode_number", "default_db_path",
           "encode_number", "is_index_file", "project_root"]
