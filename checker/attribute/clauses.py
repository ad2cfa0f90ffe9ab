"""Sentences and clauses of the matching view (``Document.norm``).

A sentence ends at 。!?; or a line break (``model.SENTENCE_END``, the one definition
every stage shares); a clause at , 、 : outside numbers (25,000 keeps its comma).
Offsets are those of ``Document.text``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..model import SENTENCE_END

#: Ends a clause: , 、 : (full-width folded), except a thousands comma (25,000).
CLAUSE_END = re.compile(r"(?<!\d),|,(?!\d{3}(?!\d))|[、:]")


@dataclass(frozen=True, slots=True)
class Segment:
    """A sentence with its clauses, as offsets into the document."""

    start: int
    end: int
    clauses: tuple[tuple[int, int], ...]

    def clause_of(self, offset: int) -> int:
        starts = [c[0] for c in self.clauses]
        return max(0, bisect.bisect_right(starts, offset) - 1)


def segment(norm: str) -> list[Segment]:
    """Sentences and their clauses, covering the whole text."""
    out: list[Segment] = []
    start = 0
    for m in SENTENCE_END.finditer(norm):
        if m.end() > start:
            out.append(sentence_at(norm, start, m.end()))
        start = m.end()
    if start < len(norm):
        out.append(sentence_at(norm, start, len(norm)))
    return out


def sentence_starts(norm: str) -> list[int]:
    """Offsets at which the sentences of ``segment`` begin (empty sentences merge into
    the next, which is harmless: no number lies in one)."""
    return [0] + [m.end() for m in SENTENCE_END.finditer(norm) if m.end() < len(norm)]


def sentence_at(norm: str, start: int, end: int) -> Segment:
    clauses = []
    cs = start
    for m in CLAUSE_END.finditer(norm, start, end):
        clauses.append((cs, m.end()))
        cs = m.end()
    if cs < end or not clauses:
        clauses.append((cs, end))
    return Segment(start, end, tuple(clauses))


__all__ = ["CLAUSE_END", "Segment", "segment", "sentence_at", "sentence_starts"]
