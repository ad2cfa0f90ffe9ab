"""Configuration: ``factcheck.toml`` or ``[tool.factcheck]`` in ``pyproject.toml``.

Discovery (``find_config``): from the starting directory upwards, the closest
directory that has a ``factcheck.toml``, or a ``pyproject.toml`` with a
``[tool.factcheck]`` table, wins; in one directory ``factcheck.toml`` beats
``pyproject.toml``.  Nothing is merged across files.  ``--config FILE`` names one.

    # factcheck.toml (the same keys go under [tool.factcheck] in pyproject.toml)
    rules = ["rules/"]                  # rule files or directories, relative to this file
    builtin = true                      # false: the rule files above replace the shipped rule set
    fail-on = "warning"                 # error | warning | info | never
    include = ["*.md", "*.txt"]
    exclude = ["drafts/**"]
    format = "plain"                    # rich | plain | markdown | json | sarif | github
    db = "postgresql://factcheck@db.example/archive"   # the archive 'factcheck index' writes

    [rules."ai-chips.nvidia-share"]     # per-rule overrides; an id, "*", or a prefix ending in "*"
    tolerance = "2%"                    # relative ("2%") or absolute in the rule's unit (0.5)
    severity = "warning"                # error | warning | info | off

    [notices."notice.garbled-name"]     # notice settings by id
    severity = "off"

When per-rule tables are present, rule paths go in ``[rules] paths = [...]``
(TOML cannot make ``rules`` both a list and a table).  Documented in
docs/configuration.md.  Only the standard library's tomllib is used.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Iterable

from .errors import ConfigError
from .model import SEVERITIES, Finding
from .text import LazyPattern

CONFIG_NAME = "factcheck.toml"
PYPROJECT = "pyproject.toml"

FAIL_ON = ("error", "warning", "info", "never")
FORMATS = ("rich", "plain", "markdown", "json", "sarif", "github", "junit", "rdjson")
OVERRIDE_SEVERITIES = (*SEVERITIES, "off")

#: Top-level keys and what each must hold (checked when the file is loaded).
TOP_KEYS = ("rules", "builtin", "fail-on", "include", "exclude", "format", "notices", "per-file-ignores", "select",
            "ignore", "db")
OVERRIDE_KEYS = ("severity", "tolerance")
NOTICE_KEYS = ("severity",)

#: A rule or notice id in the config: "ai-chips.nvidia-share", "ai-chips.*", "*".
#: Letters, digits, '.', '-', '_' and an optional trailing '*'.
_ID_PATTERN = re.compile(r"^(?:\*|[A-Za-z0-9][A-Za-z0-9._-]*\*?)$")
#: A tolerance as text: "2%" (relative) or "0.5" (absolute).
_TOLERANCE_TEXT = re.compile(r"^\s*(?P<number>[0-9]+(?:\.[0-9]+)?)\s*(?P<percent>%)?\s*$")
#: tomllib's error messages end with "(at line N, column M)".
_TOML_POSITION = LazyPattern(r"\(at line (?P<line>\d+), column (?P<col>\d+)\)")


@dataclass(frozen=True, slots=True)
class Tolerance:
    """How far apart two values of a rule may be and still agree.
    ``relative``: ``value`` is a fraction of the value (2% -> 0.02); else absolute, in the rule's unit."""

    value: Decimal
    relative: bool


@dataclass(frozen=True, slots=True)
class Override:
    """Settings for the rules (or notices) whose id matches ``pattern``."""

    pattern: str  #: an id, "*", or a prefix ending in "*"
    severity: str | None = None  #: error | warning | info | off
    tolerance: Tolerance | None = None

    def matches(self, rule_id: str) -> bool:
        return id_matches(self.pattern, rule_id)

    @property
    def specificity(self) -> tuple[int, int]:
        """Exact ids beat prefixes; longer prefixes beat shorter ones."""
        exact = not self.pattern.endswith("*")
        return (1 if exact else 0, len(self.pattern))


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """"did you mean 'ai-chips.nvidia-share'?" for the closest known id (globs compared by
    their prefix), else a pointer to the list."""
    import difflib  # here: only a mistyped id needs it

    known = list(known)
    if name.endswith("*"):
        prefixes = sorted({k.rsplit(".", 1)[0] + ".*" for k in known if "." in k})
        close = difflib.get_close_matches(name, prefixes, n=1, cutoff=0.6)
    else:
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return "'factcheck rules list' shows the rule ids; notices are notice.*"


def id_matches(pattern: str, rule_id: str) -> bool:
    """``*`` matches every id; ``ai-chips.*`` every id that starts with ``ai-chips.``; other
    shell globs (``*.nvidia-share``, ``notice.digit-?``) as fnmatch reads them; anything else
    matches itself only."""
    if pattern.endswith("*") and not any(ch in pattern[:-1] for ch in "*?["):
        return rule_id.startswith(pattern[:-1])
    if any(ch in pattern for ch in "*?["):
        return fnmatch.fnmatchcase(rule_id, pattern)
    return rule_id == pattern


@dataclass(frozen=True, slots=True)
class Config:
    """The settings read from one configuration file (or the defaults when there is none)."""

    path: Path | None = None  #: the file read, None for defaults
    rules: tuple[Path, ...] = ()  #: rule files or directories, absolute (resolved against the file)
    builtin: bool = True  #: the shipped rule set is loaded under the rule files (``builtin = false``: not)
    fail_on: str | None = None  #: None: the command's default (error)
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    format: str | None = None
    overrides: tuple[Override, ...] = field(default=())
    #: (gitignore-style glob relative to the configuration's directory, rule ids/globs/kinds)
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    select: tuple[str, ...] = ()  #: rule ids, globs or kinds to report (empty: all)
    ignore: tuple[str, ...] = ()  #: rule ids, globs or kinds not to report
    db: str | None = None  #: the archive: a postgresql:// URL, or an SQLite file (absolute, resolved against the file)

    @property
    def root(self) -> Path | None:
        """The directory the configuration's paths (rules, exclude, per-file-ignores) are relative to."""
        return self.path.resolve().parent if self.path is not None else None

    def ignored_in(self, path: str) -> tuple[str, ...]:
        """The rule ids, globs and kinds that ``per-file-ignores`` ignores in the article at
        ``path`` (a display path: relative to the current directory, or absolute)."""
        if not self.per_file_ignores or self.root is None:
            return ()
        import pathspec

        try:
            rel = Path(path).resolve().relative_to(self.root).as_posix()
        except (ValueError, OSError):
            return ()
        out: list[str] = []
        for glob, ids in self.per_file_ignores:
            if pathspec.GitIgnoreSpec.from_lines([glob]).match_file(rel):
                out.extend(ids)
        return tuple(out)

    def check_ids(self, known: Iterable[str], kinds: Iterable[str] = ()) -> None:
        """ConfigError (E402) for a per-rule table, per-file ignore or selection naming no known
        rule: "unknown rule id 'ai-chip.nvidia-share'; did you mean 'ai-chips.nvidia-share'?"."""
        known = sorted(set(known))
        kinds = tuple(kinds)
        if self.path is None:
            return
        named = [(o.pattern, o.pattern) for o in self.overrides]
        named += [(i, i) for _, ids in self.per_file_ignores for i in ids]
        named += [(i, i) for i in (*self.select, *self.ignore)]
        for pattern, key in named:
            if pattern in kinds or any(id_matches(pattern, k) for k in known):
                continue
            raise ConfigError(f"unknown rule id '{pattern}'", path=str(self.path),
                              line=_key_line(self.path, key), hint=did_you_mean(pattern, known), code="E402")
    #: What the file asks that is allowed but worth a word (a rule path outside the project).
    warnings: tuple[str, ...] = ()

    def override_for(self, rule_id: str) -> Override | None:
        """The most specific override whose pattern matches ``rule_id``."""
        best = None
        for o in self.overrides:
            if o.matches(rule_id) and (best is None or o.specificity > best.specificity):
                best = o
        return best

    def severity_for(self, rule_id: str, default: str) -> str:
        """The configured severity for a rule (``off`` drops its findings), else ``default``."""
        best = None
        for o in self.overrides:
            if o.severity and o.matches(rule_id) and (best is None or o.specificity > best.specificity):
                best = o
        return best.severity if best else default

    def tolerance_for(self, rule_id: str) -> Tolerance | None:
        """The configured tolerance for a rule, or None to keep the rule file's."""
        best = None
        for o in self.overrides:
            if o.tolerance and o.matches(rule_id) and (best is None or o.specificity > best.specificity):
                best = o
        return best.tolerance if best else None

    def apply(self, findings: Iterable[Finding]) -> list[Finding]:
        """Findings with configured severities: changed, or dropped for ``off``.
        ``consistent`` findings keep their severity (info) unless turned off."""
        out = []
        for f in findings:
            severity = self.severity_for(f.rule, f.severity)
            if severity == "off":
                continue
            if f.kind == "consistent":
                out.append(f)
            elif severity != f.severity:
                out.append(dataclasses.replace(f, severity=severity))
            else:
                out.append(f)
        return out


def selects(patterns: Iterable[str], finding: Finding) -> bool:
    """Whether one of ``patterns`` (rule ids, globs such as ``ai-chips.*``, or finding kinds
    such as ``contradiction``) names the finding."""
    return any(p == finding.kind or id_matches(p, finding.rule) for p in patterns)


# --- discovery -------------------------------------------------------------------------


def find_config(start: Path | str | None = None) -> Path | None:
    """The closest configuration file from ``start`` (default: the current directory) upwards."""
    here = Path(start or Path.cwd()).resolve()
    if here.is_file():
        here = here.parent
    for directory in (here, *here.parents):
        candidate = directory / CONFIG_NAME
        if candidate.is_file():
            return candidate
        pyproject = directory / PYPROJECT
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
    return None


def _has_tool_table(pyproject: Path) -> bool:
    data = _read_toml(pyproject)
    return isinstance(data.get("tool"), dict) and "factcheck" in data["tool"]


# --- loading ---------------------------------------------------------------------------


def load_config(path: Path | str) -> Config:
    """Read and validate one configuration file.  Raises ConfigError (exit 2) with
    the file, the key and what to change."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError("configuration file not found", path=str(path),
                          hint="check the --config path", code="E403")
    data = _read_toml(path)
    if path.name == PYPROJECT:
        tool = data.get("tool", {})
        if not isinstance(tool, dict) or "factcheck" not in tool:
            raise ConfigError("no [tool.factcheck] table", path=str(path),
                              hint="add a [tool.factcheck] table or name a factcheck.toml", code="E403")
        table, prefix = tool["factcheck"], "tool.factcheck."
    else:
        table, prefix = data, ""
    if not isinstance(table, dict):
        raise ConfigError(f"'{prefix.rstrip('.')}' must be a table", path=str(path), code="E403")
    return _parse(table, path, prefix)


def resolve_config(explicit: str | None, start: Path | str | None = None) -> Config:
    """The Config for a command: ``--config FILE`` if given, else the closest file, else defaults."""
    if explicit:
        return load_config(explicit)
    found = find_config(start)
    return load_config(found) if found else Config()


def _read_toml(path: Path) -> dict:
    import tomllib  # here: most runs find no configuration file

    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh, parse_float=Decimal)
    except RecursionError:
        raise ConfigError("not valid TOML: nested too deeply", path=str(path), hint="fix the TOML syntax",
                          code="E401") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not valid TOML: byte {exc.start} is not UTF-8", path=str(path),
                          hint="save it as UTF-8 text", code="E401") from None
    except tomllib.TOMLDecodeError as exc:
        where = _TOML_POSITION.search(str(exc))
        message = _TOML_POSITION.sub("", str(exc)).replace("(at end of document)", "").strip()
        line = int(where["line"]) if where else None
        if line is None and "end of document" in str(exc):
            line = max(1, path.read_bytes().count(b"\n"))
        raise ConfigError(f"not valid TOML: {message}", path=str(path), line=line,
                          column=int(where["col"]) if where else None,
                          hint="fix the TOML syntax", code="E401") from exc
    except OSError as exc:
        raise ConfigError(f"cannot read the configuration: {exc.strerror}", path=str(path), code="E403") from exc


def _key_line(path: Path, key: str) -> int | None:
    """The line where ``key`` is written, for the error message (first match)."""
    pattern = re.compile(r'^\s*(?:\[+[^\]]*)?["\']?' + re.escape(key) + r'["\']?\s*[=\].]')
    try:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if pattern.search(line):
                return n
    except (OSError, UnicodeDecodeError):
        return None
    return None


def _unknown(path: Path, prefix: str, key: str, allowed: Iterable[str]) -> ConfigError:
    import difflib  # here: only a mistyped key needs it

    close = difflib.get_close_matches(key, list(allowed), n=1, cutoff=0.6)
    if not close:
        close = [a for a in allowed if a.replace("-", "_") == key.replace("-", "_")]
    hint = f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(allowed)}"
    return ConfigError(f"unknown key '{prefix}{key}'", path=str(path), line=_key_line(path, key),
                       hint=hint, code="E402")


def _bad(path: Path, prefix: str, key: str, what: str, hint: str) -> ConfigError:
    return ConfigError(f"bad value for '{prefix}{key}': {what}", path=str(path), line=_key_line(path, key),
                       hint=hint, code="E403")


def _string_list(path: Path, prefix: str, key: str, value) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _bad(path, prefix, key, "expected a list of strings", f'write {key} = ["…", "…"]')
    return tuple(value)


def _globs(path: Path, prefix: str, key: str, value) -> tuple[str, ...]:
    """include/exclude: gitignore-style globs, each compiled here so a bad one ("[z-a]")
    is named now, not found as a traceback in the middle of a walk."""
    globs = _string_list(path, prefix, key, value)
    import pathspec

    for glob in globs:
        try:
            pathspec.GitIgnoreSpec.from_lines([glob])
        except Exception as exc:  # re.error, ValueError … from the glob's translation
            raise _bad(path, prefix, key, f"glob {_brief(glob)} is not valid ({exc})",
                       "write gitignore-style globs such as \"*.md\" or \"drafts/**\"") from None
    return globs


def _brief(value, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _choice(path: Path, prefix: str, key: str, value, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise _bad(path, prefix, key, _brief(value), f"use one of {', '.join(allowed)}")
    return value


def _tolerance(path: Path, prefix: str, key: str, value) -> Tolerance:
    hint = 'write a number in the rule\'s unit (0.5) or a percentage as text ("2%")'
    if isinstance(value, bool):
        raise _bad(path, prefix, key, _brief(value), hint)
    if isinstance(value, (int, Decimal)):
        number = Decimal(value)
        if not number.is_finite():
            raise _bad(path, prefix, key, _brief(value), hint)
        if number < 0:
            raise _bad(path, prefix, key, "negative tolerance", hint)
        if not number.is_zero() and not -30 <= number.adjusted() <= 30:
            raise _bad(path, prefix, key, f"{_brief(value)} is out of range", hint)
        return Tolerance(number, relative=False)
    if isinstance(value, str):
        m = _TOLERANCE_TEXT.match(value)
        if m:
            try:
                number = Decimal(m["number"])
            except InvalidOperation:  # pragma: no cover - the pattern only admits digits
                raise _bad(path, prefix, key, repr(value), hint)
            if not number.is_zero() and not -30 <= number.adjusted() <= 30:
                raise _bad(path, prefix, key, f"{_brief(value)} is out of range", hint)
            if m["percent"]:
                return Tolerance(number / 100, relative=True)
            return Tolerance(number, relative=False)
    raise _bad(path, prefix, key, _brief(value), hint)


def _overrides(path: Path, prefix: str, table: dict, allowed_keys: tuple[str, ...]) -> list[Override]:
    out = []
    for rule_id, settings in sorted(table.items()):
        where = f"{prefix}\"{rule_id}\"."
        if not _ID_PATTERN.match(rule_id) or len(rule_id) > 200:
            raise _bad(path, prefix, rule_id, "not a rule id",
                       'use an id such as "ai-chips.nvidia-share", a prefix ending in "*", or "*"')
        if not isinstance(settings, dict):
            raise _bad(path, prefix, rule_id, "expected a table",
                       f'write [{prefix}"{rule_id}"] with severity = "…"')
        for key in settings:
            if key not in allowed_keys:
                raise _unknown(path, where, key, allowed_keys)
        severity = tolerance = None
        if "severity" in settings:
            severity = _choice(path, where, "severity", settings["severity"], OVERRIDE_SEVERITIES)
        if "tolerance" in settings:
            tolerance = _tolerance(path, where, "tolerance", settings["tolerance"])
        out.append(Override(pattern=rule_id, severity=severity, tolerance=tolerance))
    return out


def _parse(table: dict, path: Path, prefix: str) -> Config:
    for key in table:
        if key not in TOP_KEYS:
            raise _unknown(path, prefix, key, TOP_KEYS)
    base = path.resolve().parent
    rule_paths: tuple[str, ...] = ()
    overrides: list[Override] = []
    builtin = _bool(path, prefix, "builtin", table["builtin"]) if "builtin" in table else True
    rules = table.get("rules")
    if rules is not None:
        if isinstance(rules, (list, str)):
            rule_paths = _string_list(path, prefix, "rules", rules)
        elif isinstance(rules, dict):
            if "paths" in rules:
                rule_paths = _string_list(path, f"{prefix}rules.", "paths", rules["paths"])
            if "builtin" in rules:
                builtin = _bool(path, f"{prefix}rules.", "builtin", rules["builtin"])
            overrides += _overrides(path, f"{prefix}rules.",
                                    {k: v for k, v in rules.items() if k not in ("paths", "builtin")},
                                    OVERRIDE_KEYS)
        else:
            raise _bad(path, prefix, "rules", "expected a list of paths or a table",
                       'write rules = ["rules/"], or [rules] paths = [...] with per-rule tables')
    notices = table.get("notices")
    if notices is not None:
        if not isinstance(notices, dict):
            raise _bad(path, prefix, "notices", "expected a table", '[notices."notice.id"] severity = "off"')
        overrides += _overrides(path, f"{prefix}notices.", notices, NOTICE_KEYS)
    fail_on = _choice(path, prefix, "fail-on", table["fail-on"], FAIL_ON) if "fail-on" in table else None
    fmt = _choice(path, prefix, "format", table["format"], FORMATS) if "format" in table else None
    include = _globs(path, prefix, "include", table["include"]) if "include" in table else ()
    exclude = _globs(path, prefix, "exclude", table["exclude"]) if "exclude" in table else ()
    select = _string_list(path, prefix, "select", table["select"]) if "select" in table else ()
    ignore = _string_list(path, prefix, "ignore", table["ignore"]) if "ignore" in table else ()
    per_file: list[tuple[str, tuple[str, ...]]] = []
    if "per-file-ignores" in table:
        value = table["per-file-ignores"]
        if not isinstance(value, dict):
            raise _bad(path, prefix, "per-file-ignores", "expected a table of glob = [ids]",
                       '[per-file-ignores] "wire/**" = ["ai-chips.*", "notice"]')
        for glob, ids in value.items():
            per_file.append((glob, _string_list(path, f"{prefix}per-file-ignores.", glob, ids)))
    db = None
    if "db" in table:
        if not isinstance(table["db"], str) or not table["db"].strip():
            raise _bad(path, prefix, "db", repr(table["db"]),
                       'write db = "postgresql://USER@HOST/DBNAME" or db = "path/to/index.sqlite"')
        db = table["db"].strip()
        if not db.lower().startswith(("postgresql://", "postgres://")):
            db = str(base / db)
    resolved = tuple(base / p for p in rule_paths)
    warnings = tuple(f"{path}: warning: rules path {p!r} is outside the project ({base}); a configuration "
                     f"that reaches out of its project may not be yours to trust"
                     for p, full in zip(rule_paths, resolved) if not _inside(full, base))
    return Config(path=path, rules=resolved, builtin=builtin, fail_on=fail_on, include=include,
                  exclude=exclude, format=fmt, overrides=tuple(overrides), per_file_ignores=tuple(per_file),
                  select=select, ignore=ignore, warnings=warnings, db=db)


def _inside(path: Path, base: Path) -> bool:
    """True when ``path`` (symbolic links resolved) is ``base`` or below it."""
    try:
        Path(os.path.realpath(path)).relative_to(os.path.realpath(base))
        return True
    except ValueError:
        return False


def _bool(path: Path, prefix: str, key: str, value) -> bool:
    if not isinstance(value, bool):
        raise _bad(path, prefix, key, repr(value), "write true or false")
    return value


__all__ = ["Config", "Override", "Tolerance", "did_you_mean", "find_config", "load_config", "resolve_config",
           "id_matches", "selects"]
