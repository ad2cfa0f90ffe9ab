"""The tool's own errors.  The library raises these; only cli.py turns them into
output and an exit code (2).

Codes: E1xx internal faults, E2xx input (articles, paths), E3xx rule files,
E4xx configuration, E5xx the archive index.  Every code is listed in
docs/errors.md (a test keeps the two in step).
"""

from __future__ import annotations

import re

#: Every error code matches this.
CODE_PATTERN = re.compile(r"^E[1-5]\d\d$")

#: code -> one-line description (documented in docs/errors.md)
CODES: dict[str, str] = {
    "E100": "internal error (a bug: please report it with the command line)",
    "E201": "file not found",
    "E202": "file cannot be decoded as UTF-8, GB18030 or Big5",
    "E203": "binary file (not text)",
    "E204": "file is empty",
    "E205": "file too large",
    "E206": "no readable input among the paths given",
    "E207": "bad option value",
    "E208": "cannot write the output file",
    "E209": "cannot use Dask (not installed, or the scheduler cannot be reached)",
    "E301": "rule file is not valid YAML",
    "E302": "unknown key in a rule file",
    "E303": "missing required key in a rule file",
    "E304": "bad value in a rule file",
    "E305": "unknown entity referenced by a rule",
    "E306": "duplicate id in the rule set",
    "E307": "bad pattern in a rule file",
    "E308": "pattern takes too long (catastrophic backtracking)",
    "E309": "bad formula in a rule file",
    "E310": "rule example failed",
    "E401": "configuration file is not valid TOML",
    "E402": "unknown key in the configuration",
    "E403": "bad value in the configuration",
    "E501": "index not found",
    "E502": "index is locked by another process",
    "E503": "index is corrupt or not a factcheck index",
    "E504": "index was written by a newer version",
    "E505": "cannot reach the archive server (PostgreSQL), or a bad archive URL",
    "E506": "the archive server refused the login or access",
    "E507": "the PostgreSQL driver is not installed",
}


#: A message longer than this (it quotes a value from an untrusted file) is cut in the middle.
MAX_MESSAGE = 400


def elide(text: str, limit: int = MAX_MESSAGE) -> str:
    """``text``, or its start and end around "…" when it is longer than ``limit``."""
    if len(text) <= limit:
        return text
    head = limit * 2 // 3
    return f"{text[:head]}…[{len(text) - limit:,} characters left out]…{text[len(text) - (limit - head):]}"


class FactcheckError(Exception):
    """Root of the tool's errors: a code, a place, what is wrong, what to do."""

    code = "E100"

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 column: int | None = None, hint: str | None = None, code: str | None = None):
        message = elide(message)
        if hint is not None:
            hint = elide(hint)
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column
        self.hint = hint
        if code is not None:
            self.code = code
        assert CODE_PATTERN.match(self.code), self.code

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = self.path
            if self.line:
                where += f":{self.line}"
                if self.column:
                    where += f":{self.column}"
            where += ": "
        text = f"{where}{self.code} {self.message}"
        if self.hint:
            text += f"; {self.hint}"
        return text


class InputError(FactcheckError):
    """An article or path that cannot be read."""

    code = "E201"


class UsageError(FactcheckError):
    """A bad option or combination of options."""

    code = "E207"


class RuleFileError(FactcheckError):
    """A rule file that is not valid: bad YAML, unknown key, bad pattern …"""

    code = "E304"


class PatternTimeout(RuleFileError):
    """A user-written pattern that backtracks for too long."""

    code = "E308"


class ConfigError(FactcheckError):
    """A configuration file (factcheck.toml, [tool.factcheck]) that is not valid."""

    code = "E403"


class ArchiveError(FactcheckError):
    """The archive index is missing, locked, corrupt or too new."""

    code = "E503"


class ArchiveSchemaTooNew(ArchiveError):
    """The index was written by a newer factcheck."""

    code = "E504"
