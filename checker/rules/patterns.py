"""User-written patterns: compiled with the ``regex`` module, probed for catastrophic
backtracking at load time, and always run with a timeout and under a time budget.

Rule files are untrusted input:

* a pattern longer than MAX_PATTERN characters, or with a repeat count above MAX_REPEAT
  (``a{1000000000}`` would allocate gigabytes when compiled), is refused with E307;
* a pattern that backtracks for too long on a probe is refused with E308 when the rule set
  loads.  The probes are runs of one character and runs of the pattern's own literal words
  and their sequences (``^(英伟达|英伟|达|伟达)*$`` backtracks only on 英伟达英伟达…);
* afterwards every search has a timeout (PATTERN_TIMEOUT) and draws on two budgets: the
  time all user patterns may take on one document (DOCUMENT_BUDGET) and in one process
  (RUN_BUDGET; an index worker has its own).  A search that times out reads as no match;
  once a budget is spent, user patterns read as no match for the rest of the document (or
  run).  Each pattern that timed out is reported once, with its file and line
  (``take_notes``).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import regex

from ..errors import PatternTimeout, RuleFileError
from ..text import normalize
from .source import brief

#: Seconds a user pattern may run on one clause (and on a probe at load time).
PATTERN_TIMEOUT = 0.05
PROBE_TIMEOUT = 0.1
#: Seconds all probes of one pattern may take together.
PROBE_BUDGET = 0.25
#: Seconds all user patterns may run on one document, and in one run (process).
DOCUMENT_BUDGET = 1.0
RUN_BUDGET = 20.0
#: Probe strings for catastrophic backtracking: a run of one character then a
#: character nothing expects, for generic classes and for each literal in the pattern.
PROBE_CHARS = "a1中 ,"
PROBE_LENGTH = 28
#: Length of a probe made of the pattern's literal words, and how many words are tried.
WORD_PROBE_LENGTH = 60
WORD_PROBES = 8
#: Longest pattern (characters) and largest repeat count ({n}, {n,m}).
MAX_PATTERN = 500
MAX_REPEAT = 1000

_REPEAT = re.compile(r"\{\s*(\d+)\s*(?:,\s*(\d*)\s*)?\}")
#: Runs of literal characters: what is left between the metacharacters of a pattern.
_LITERAL_RUN = re.compile(r"(?<!\\)[^\\()\[\]{}|*+?.^$]+")


@dataclass(frozen=True, slots=True)
class UserPattern:
    """A compiled user pattern and where it was written."""

    source: str
    compiled: object = field(compare=False)
    path: str = ""
    line: int = 0

    def search(self, text: str, *, timeout: float = PATTERN_TIMEOUT):
        return self.compiled.search(text, timeout=timeout)


def _refuse(message: str, pattern: str, where: str, path: str, line: int) -> RuleFileError:
    return RuleFileError(f"bad pattern {brief(pattern)} in {where}: {message}", path=path, line=line, code="E307",
                         hint="patterns are regular expressions; escape ( ) [ ] . * + ? with a backslash, "
                              "or list plain words under 'words:'")


def compile_pattern(pattern: str, *, path: str, line: int, where: str) -> UserPattern:
    """Compile a user pattern with the regex module and probe it for catastrophic
    backtracking.  Raises RuleFileError E307 (bad pattern) or PatternTimeout E308."""
    if len(pattern) > MAX_PATTERN:
        raise _refuse(f"it is {len(pattern):,} characters long; the limit is {MAX_PATTERN}", pattern, where,
                      path, line)
    for m in _REPEAT.finditer(pattern):
        counts = [int(n) for n in m.groups() if n]
        if any(n > MAX_REPEAT for n in counts):
            raise _refuse(f"repeat count {m.group()} is above {MAX_REPEAT}", pattern, where, path, line)
    try:
        compiled = regex.compile(normalize(pattern))
    except (regex.error, OverflowError, RecursionError, ValueError, MemoryError) as exc:
        raise _refuse(str(exc), pattern, where, path, line) from None
    spent = 0.0
    for probe in _probes(pattern):
        started = time.perf_counter()
        try:
            compiled.search(probe, timeout=PROBE_TIMEOUT)
        except TimeoutError:
            spent = PROBE_BUDGET
        else:
            spent += time.perf_counter() - started
        if spent >= PROBE_BUDGET:
            raise PatternTimeout(f"pattern {brief(pattern)} in {where} takes too long (catastrophic backtracking)",
                                 path=path, line=line, code="E308",
                                 hint="avoid nested repetition such as (a+)+ or (a|aa)*; list plain words "
                                      "under 'words:' instead")
    return UserPattern(pattern, compiled, path, line)


def _probes(pattern: str) -> list[str]:
    """Strings that make a backtracking pattern show itself: runs of one character, runs of
    each literal word of the pattern, and of all its words in turn, each ended by a
    character nothing expects."""
    literals = sorted({ch for ch in pattern if ch.isalnum()})[:12]
    probes = [ch * PROBE_LENGTH + "\x00" for ch in list(PROBE_CHARS) + literals]
    words = list(dict.fromkeys(normalize(w) for w in _LITERAL_RUN.findall(pattern) if w.strip()))[:WORD_PROBES]
    for word in words:
        if len(word) > 1:
            probes.append((word * (WORD_PROBE_LENGTH // len(word) + 1))[:WORD_PROBE_LENGTH] + "\x00")
    if len(words) > 1:
        cycle = "".join(words)
        probes.append((cycle * (WORD_PROBE_LENGTH // len(cycle) + 1))[:WORD_PROBE_LENGTH] + "\x00")
        longest = max(words, key=len)
        probes.append(longest * max(1, WORD_PROBE_LENGTH // max(len(longest), 1)) + "\x00")
    return probes


# --- the budgets and the notes, per process ------------------------------------------------


@dataclass(slots=True)
class _Budget:
    document: str = ""
    document_spent: float = 0.0
    run_spent: float = 0.0
    document_exhausted: bool = False
    run_exhausted: bool = False
    #: (path, line, pattern) -> [timeouts, first document]
    timeouts: dict = field(default_factory=dict)
    #: documents on which the document budget ran out, and whether the run budget did
    exhausted_on: list = field(default_factory=list)
    run_reported: bool = False
    #: notes of worker processes, said with this process's own (``add_notes``)
    carried: list = field(default_factory=list)


_BUDGET = _Budget()


def begin_document(name: str) -> None:
    """Start the document budget afresh for the document ``name``."""
    _BUDGET.document = name
    _BUDGET.document_spent = 0.0
    _BUDGET.document_exhausted = False


def reset_budgets() -> None:
    """Forget all spending and notes (a new run in the same process, tests)."""
    global _BUDGET
    _BUDGET = _Budget()


def search(pattern: UserPattern, text: str) -> bool:
    """True when a compiled user pattern matches in ``text``; a pattern that runs past
    PATTERN_TIMEOUT on it, or finds its budget spent, reads as no match."""
    budget = _BUDGET
    if budget.document_exhausted or budget.run_exhausted:
        return False
    limit = min(PATTERN_TIMEOUT, DOCUMENT_BUDGET - budget.document_spent, RUN_BUDGET - budget.run_spent)
    started = time.perf_counter()
    try:
        found = pattern.search(text, timeout=max(limit, 0.001)) is not None
    except TimeoutError:
        found = False
        key = (pattern.path, pattern.line, pattern.source)
        seen = budget.timeouts.setdefault(key, [0, budget.document])
        seen[0] += 1
    finally:
        spent = time.perf_counter() - started
        budget.document_spent += spent
        budget.run_spent += spent
    if budget.document_spent >= DOCUMENT_BUDGET and not budget.document_exhausted:
        budget.document_exhausted = True
        budget.exhausted_on.append(budget.document)
    if budget.run_spent >= RUN_BUDGET:
        budget.run_exhausted = True
    return found


def take_notes() -> list[str]:
    """What the budgets did since the last call, one line each (file:line: …), and forget
    it: each pattern that timed out once, however often it did."""
    budget = _BUDGET
    notes = []
    for (path, line, source), (count, first) in sorted(budget.timeouts.items(), key=lambda kv: kv[0][:2]):
        where = f"{path}:{line}: " if path else ""
        notes.append(f"{where}warning: pattern {brief(source)} timed out {count} time(s) (first on {first or '?'}) "
                     f"and read as no match there; simplify it or list plain words under 'words:'")
    for document in budget.exhausted_on:
        notes.append(f"warning: user patterns used their {DOCUMENT_BUDGET:g} s budget on {document or '?'}; "
                     f"they read as no match for the rest of it")
    if budget.run_exhausted and not budget.run_reported:
        budget.run_reported = True
        notes.append(f"warning: user patterns used their {RUN_BUDGET:g} s budget for this run; they read as no "
                     f"match from then on")
    budget.timeouts.clear()
    budget.exhausted_on.clear()
    notes.extend(budget.carried)
    budget.carried.clear()
    return notes


def add_notes(notes: list[str]) -> None:
    """Notes a worker process's ``take_notes`` gave, to be said by this process's next one."""
    _BUDGET.carried.extend(notes)


__all__ = ["DOCUMENT_BUDGET", "PATTERN_TIMEOUT", "RUN_BUDGET", "UserPattern", "add_notes", "begin_document", "compile_pattern",
           "reset_budgets", "search", "take_notes"]
