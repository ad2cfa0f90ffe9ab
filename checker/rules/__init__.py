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
from pathlib import Path
from typing import Sequence

from ..errors import RuleFileError
from ..model import CURRENCIES, UNITS
from ..resources import builtin_rules_dir
from .claims import Builder
from .patterns import compile_pattern
from .ruleset import BUILTIN_QUALIFIERS, Check, ClaimRule, Entity, Example, Qualifier, RuleSet, Variable
from .source import parse_rule_number


def shipped_rules_dir() -> Path:
    """The rule set shipped with the tool (see checker.resources)."""
    return builtin_rules_dir()


def rule_files(paths: Sequence[str | Path] | None) -> list[Path]:
    """The rule files named by ``paths`` (files, or directories of *.yaml / *.yml)."""
    if not paths:
        paths = [shipped_rules_dir()]
    out: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found = sorted(list(path.glob("*.yaml")) + list(path.glob("*.yml")))
            if not found:
                raise RuleFileError("no rule files (*.yaml) in this directory", path=str(path), code="E304",
                                    hint="give a directory that holds rule files, or a .yaml file")
            out.extend(found)
        elif path.is_file():
            out.append(path)
        else:
            raise RuleFileError("rule file not found", path=str(path), code="E304",
                                hint="check the path given with --rules")
    return out


def load_rules(paths: Sequence[str | Path] | None = None) -> RuleSet:
    """Load and validate rule files (None: the shipped rule set).  Raises RuleFileError."""
    builder = Builder()
    digest = hashlib.sha256()
    for path in rule_files(paths):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise RuleFileError(f"cannot read rule file ({exc.__class__.__name__})", path=str(path),
                                code="E301", hint="save it as UTF-8 text") from None
        digest.update(path.name.encode() + b"\0" + text.encode() + b"\0")
        builder.add_file(str(path), text)
    return builder.finish(digest.hexdigest()[:16])


def load_rules_text(text: str, path: str = "rules.yaml") -> RuleSet:
    """Load one rule file from text (tests, `rules test` on stdin)."""
    builder = Builder()
    builder.add_file(path, text)
    return builder.finish(hashlib.sha256(text.encode()).hexdigest()[:16])


__all__ = ["BUILTIN_QUALIFIERS", "CURRENCIES", "Check", "ClaimRule", "Entity", "Example", "Qualifier", "RuleSet",
           "UNITS", "Variable", "compile_pattern", "load_rules", "load_rules_text", "parse_rule_number",
           "rule_files", "shipped_rules_dir"]
