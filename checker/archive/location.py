"""Where an archive is: an SQLite file path, or a PostgreSQL URL; and how it is shown.

A URL's password is never shown: every message names the archive through
``mask_url`` (``postgresql://editor:***@db.example/archive``).
"""

from __future__ import annotations

import os
import re
from urllib.parse import unquote

#: The schemes that name a PostgreSQL server (libpq accepts both).
DATABASE_SCHEMES = ("postgresql://", "postgres://")

#: The password in a URL's user part: ``scheme://user:PASSWORD@host`` (the password
#: runs to the last '@' before the host, so an '@' inside a password is masked too).
_URL_PASSWORD = re.compile(r"^(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/?#@]*:)(?P<secret>[^/?#]*)(?P<tail>@)")
#: ``password=…`` in a URL's query or a key=value connection string.
_PARAM_PASSWORD = re.compile(r"(?P<head>(?:^|[?&\s])password\s*=\s*)(?P<secret>'(?:[^'\\]|\\.)*'|[^&\s]*)",
                             re.IGNORECASE)


def is_database_url(location: str | os.PathLike) -> bool:
    """True when ``location`` names a PostgreSQL server rather than an SQLite file."""
    return str(location).lower().startswith(DATABASE_SCHEMES)


def mask_url(location: str | os.PathLike) -> str:
    """``location`` as it may be shown: any password replaced by ``***``."""
    text = str(location)
    text = _URL_PASSWORD.sub(lambda m: m["head"] + "***" + m["tail"], text, count=1)
    return _PARAM_PASSWORD.sub(lambda m: m["head"] + "***", text)


def scrub(message: str, location: str | os.PathLike) -> str:
    """A driver's message with the location's password (if any) removed, wherever it appears."""
    secret = password_of(str(location))
    text = message.replace(str(location), mask_url(location))
    if secret:
        for form in {secret, unquote(secret)}:
            text = text.replace(form, "***")
    return text


def password_of(location: str) -> str | None:
    m = _URL_PASSWORD.match(location)
    if m and m["secret"]:
        return m["secret"]
    m = _PARAM_PASSWORD.search(location)
    if m and m["secret"]:
        return m["secret"].strip("'")
    return None


__all__ = ["DATABASE_SCHEMES", "is_database_url", "mask_url", "password_of", "scrub"]
