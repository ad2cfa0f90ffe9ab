"""Rule files (YAML, written by editors) -> a validated RuleSet.

A rule file names entities with every name they go by, reusable qualifiers (words that
split one metric into separate facts: market, model, chip …), claim rules (subject +
metric words + the unit the value must have), arithmetic checks and notice levels.  The
format is documented in docs/rules.md.

The parts: ``source`` reads YAML once with the line and column of every value;
``claims`` validates entities, qualifiers and claim rules; ``checks`` and ``formula``
the arithmetic checks; ``notices`` the notice levels; ``patterns`` the user regexes
(probed for catastrophic backtracking, run with a timeout); ``ruleset`` is the result,
plain typed data.  Everything an editor can get wrong is a RuleFileError with the file,
the line and what to change; a rule file never causes a traceback.
"""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path
from typing import Sequence

from ..errors import RuleFileError
from ..model import CURRENCIES, UNITS
from ..resources import builtin_rules_dir
from .claims import ORIGIN_SHIPPED, ORIGIN_USER, Builder
from .patterns import compile_pattern
from .ruleset import BUILTIN_QUALIFIERS, Check, ClaimRule, Entity, Example, Qualifier, RuleSet, Variable
from .source import parse_rule_number, read_rule_file

#: What a rule file can make the validation code raise besides RuleFileError; each becomes
#: an E304 naming the file, never a traceback (the net under the checks of each value).
_UNEXPECTED = (ArithmeticError, AttributeError, IndexError, KeyError, LookupError, RecursionError, TypeError,
               ValueError)


def shipped_rules_dir() -> Path:
    """The rule set shipped with the tool (see checker.resources)."""
    return builtin_rules_dir()


def rule_files(paths: Sequence[str | Path] | None) -> list[Path]:
    """The rule files named by ``paths`` (files, or directories of *.yaml / *.yml)."""
    return [path for path, _ in _rule_files(paths)]


def _rule_files(paths: Sequence[str | Path] | None) -> list[tuple[Path, bool]]:
    """(file, found in a directory) for each rule file named by ``paths``."""
    if not paths:
        paths = [shipped_rules_dir()]
    out: list[tuple[Path, bool]] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found = sorted(list(path.glob("*.yaml")) + list(path.glob("*.yml")))
            if not found:
                raise RuleFileError("no rule files (*.yaml) in this directory", path=str(path), code="E304",
                                    hint="give a directory that holds rule files, or a .yaml file")
            out.extend((f, True) for f in found)
        elif path.is_file():
            out.append((path, False))
        else:
            raise RuleFileError("rule file not found", path=str(path), code="E304",
                                hint="check the path given with --rules")
    return out


def load_rules(paths: Sequence[str | Path] | None = None, *, builtin: bool = False) -> RuleSet:
    """Load and validate rule files.  Raises RuleFileError.

    ``paths`` None: the shipped rule set.  ``builtin=True``: the shipped rule set first, then
    ``paths`` as the user's files, which add to it (a user definition of a shipped entity,
    qualifier or rule id takes precedence, see docs/rules.md).  A YAML file found in a
    directory that is not a rule file is skipped and named in ``RuleSet.skipped``."""
    builder = Builder()
    digest = hashlib.sha256()
    shipped = {f.resolve() for f, _ in _rule_files(None)}
    files: list[tuple[Path, bool, str]] = []
    if builtin or not paths:
        files += [(f, False, ORIGIN_SHIPPED) for f, _ in _rule_files(None)]
    seen = {f.resolve() for f, _, _ in files}
    # the shipped files by name and bytes: a checkout's rules/ beside an installed copy of them
    # is the shipped set named again, not a user's file
    shipped_bytes = {(f.name, _bytes(f)) for f in shipped} if builtin else set()
    for f, in_dir in (_rule_files(paths) if paths else []):
        if f.resolve() in seen or (f.name, _bytes(f)) in shipped_bytes:
            continue  # the shipped set named again (--rules rules/): read once
        seen.add(f.resolve())
        files.append((f, in_dir, ORIGIN_SHIPPED if f.resolve() in shipped else ORIGIN_USER))
    for path, in_dir, origin in files:
        text = read_rule_file(path)
        digest.update(origin.encode() + b"\0" + path.name.encode("utf-8", "surrogateescape") + b"\0"
                      + text.encode() + b"\0")
        _guarded(lambda: builder.add_file(str(path), text, origin=origin, skip_foreign=in_dir), str(path))
    return _guarded(lambda: builder.finish(digest.hexdigest()[:16]), None)


def _bytes(path: Path) -> bytes | None:
    """A rule file's bytes, for telling the shipped set named again; None for anything but a
    regular file of a rule file's size (a FIFO is never opened: it would block)."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > 4 * 1024 * 1024:
            return None
        return path.read_bytes()
    except OSError:
        return None


def _guarded(step, path: str | None):
    """Run one step of the builder; anything but a RuleFileError it raises is a rule file
    that the checks of its values missed: reported as E304 with the file, not a traceback."""
    try:
        return step()
    except RuleFileError:
        raise
    except _UNEXPECTED as exc:
        what = "nested too deeply" if isinstance(exc, RecursionError) else f"{exc.__class__.__name__}: {exc}"
        raise RuleFileError(f"cannot be read as a rule file ({what})", path=path, code="E304",
                            hint="compare it with docs/rules.md; every value has a documented type") from None


def load_rules_text(text: str, path: str = "rules.yaml", *, builtin: bool = False) -> RuleSet:
    """Load one rule file from text (tests, `rules test` on stdin); ``builtin=True`` loads it
    as a user file on top of the shipped rule set."""
    if builtin:
        builder = Builder()
        digest = hashlib.sha256()
        for f, _ in _rule_files(None):
            shipped_text = f.read_text(encoding="utf-8-sig")
            digest.update(f.name.encode() + b"\0" + shipped_text.encode() + b"\0")
            builder.add_file(str(f), shipped_text, origin=ORIGIN_SHIPPED)
        _guarded(lambda: builder.add_file(path, text, origin=ORIGIN_USER), path)
        digest.update(text.encode("utf-8", "surrogatepass"))
        return _guarded(lambda: builder.finish(digest.hexdigest()[:16]), path)
    builder = Builder()
    _guarded(lambda: builder.add_file(path, text), path)
    return _guarded(lambda: builder.finish(hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]),
                    path)


__all__ = ["BUILTIN_QUALIFIERS", "CURRENCIES", "ORIGIN_SHIPPED", "ORIGIN_USER", "Check", "ClaimRule", "Entity", "Example", "Qualifier", "RuleSet",
           "UNITS", "Variable", "compile_pattern", "load_rules", "load_rules_text", "parse_rule_number",
           "rule_files", "shipped_rules_dir"]
