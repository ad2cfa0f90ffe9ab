"""User-written patterns: compiled with the ``regex`` module, probed for catastrophic
backtracking at load time, and always run with a timeout afterwards.

Rule files are untrusted input: a pattern that backtracks for too long on a probe is
refused with E308 when the rule set loads, never discovered in the middle of a check.
"""

from __future__ import annotations

import regex

from ..errors import PatternTimeout, RuleFileError
from ..text import normalize

#: Seconds a user pattern may run on one clause (and on a probe at load time).
PATTERN_TIMEOUT = 0.05
PROBE_TIMEOUT = 0.1
#: Probe strings for catastrophic backtracking: a run of one character then a
#: character nothing expects, for generic classes and for each literal in the pattern.
PROBE_CHARS = "a1中 ,"
PROBE_LENGTH = 28


def compile_pattern(pattern: str, *, path: str, line: int, where: str):
    """Compile a user pattern with the regex module and probe it for catastrophic
    backtracking.  Raises RuleFileError E307 (bad pattern) or PatternTimeout E308."""
    try:
        compiled = regex.compile(normalize(pattern))
    except regex.error as exc:
        raise RuleFileError(f"bad pattern {pattern!r} in {where}: {exc}", path=path, line=line, code="E307",
                            hint="patterns are regular expressions; escape ( ) [ ] . * + ? with a backslash, "
                                 "or list plain words under 'words:'") from None
    literals = {ch for ch in pattern if ch.isalnum()}
    for ch in list(PROBE_CHARS) + sorted(literals)[:12]:
        probe = ch * PROBE_LENGTH + "\x00"
        try:
            compiled.search(probe, timeout=PROBE_TIMEOUT)
        except TimeoutError:
            raise PatternTimeout(f"pattern {pattern!r} in {where} takes too long (catastrophic backtracking)",
                                 path=path, line=line, code="E308",
                                 hint="avoid nested repetition such as (a+)+ or (a|aa)*; list plain words "
                                      "under 'words:' instead") from None
    return compiled


def search(pattern, text: str) -> bool:
    """True when a compiled user pattern matches in ``text``; a pattern that runs past
    PATTERN_TIMEOUT on it reads as no match."""
    try:
        return pattern.search(text, timeout=PATTERN_TIMEOUT) is not None
    except TimeoutError:
        return False


__all__ = ["PATTERN_TIMEOUT", "compile_pattern", "search"]
