"""Lists distributed in order: ``A和B分别采购了8万台和5万台`` gives 8万台 to A and 5万台 to B.

In a sentence with 分别, a run of numbers of one unit joined by 和/及/与/、 after the 分别
is matched, item by item, with the nearest run before it of as many names (entities, or
words of one qualifier) joined the same way; parentheticals inside the run of names are
skipped (``OPPO(包括OnePlus)和vivo``).  Counts that differ match nothing.  Each sentence is
read once: O(hits + mentions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

from ..model import Mention
from ..text import LazyPattern
from .terms import Hit

#: What joins two items of a list: 和, 及, 以及, 与, 跟, 、 (a comma too, between names).
_JOIN = LazyPattern(r"^\s*(?:和|及|以及|与|跟|、|,)\s*$")
_PAREN = LazyPattern(r"\([^()]{0,40}\)")
DISTRIBUTE = "分别"


@dataclass(frozen=True, slots=True)
class Distribution:
    """The name a number of a 分别 list is given: ``hit`` is the name's hit, ``kind`` what it
    names ("entity" or a qualifier's name).  A list whose names cannot be matched gives its
    numbers no hit: each is some item's, and which one is not known (``kind`` "unknown")."""

    hit: Hit | None
    kind: str


def distribute(norm: str, start: int, end: int, hits: Sequence[Hit], mentions: Sequence[Mention],
               kind_of: Callable[[Hit], str | None]) -> dict[int, Distribution]:
    """Mention start -> the name it is given, for every 分别 list of the sentence ``start:end``.
    ``kind_of(hit)`` says what a hit names ("entity", a qualifier name) or None."""
    out: dict[int, Distribution] = {}
    at = norm.find(DISTRIBUTE, start, end)
    while at != -1:
        numbers = _number_run(norm, [m for m in mentions if m.start >= at + len(DISTRIBUTE) and m.end <= end])
        if len(numbers) >= 2:
            names = _name_run(norm, [h for h in hits if h.end <= numbers[0].start], kind_of, len(numbers))
            if names:
                kind = kind_of(names[0])
                for mention, hit in zip(numbers, names):
                    out[mention.start] = Distribution(hit, kind)
            else:
                for mention in numbers:
                    out.setdefault(mention.start, Distribution(None, "unknown"))
        at = norm.find(DISTRIBUTE, at + len(DISTRIBUTE), end)
    return out


def _joined(norm: str, a: int, b: int) -> bool:
    between = _PAREN.sub("", norm[a:b])
    return _JOIN.match(between) is not None


def _number_run(norm: str, mentions: list[Mention]) -> list[Mention]:
    """The first numbers after 分别 joined as a list, of one unit (extraction gave a bare
    magnitude the unit written after the list's last item)."""
    mentions = sorted(mentions, key=lambda m: m.start)
    if not mentions:
        return []
    run = [mentions[0]]
    for m in mentions[1:]:
        if m.quantity.unit != run[0].quantity.unit or not _joined(norm, run[-1].end, m.start):
            break
        run.append(m)
    return run


def _name_run(norm: str, hits: list[Hit], kind_of: Callable[[Hit], str | None], count: int) -> list[Hit]:
    """The nearest run of ``count`` names of one kind joined as a list, ending before the numbers."""
    named = [h for h in sorted(hits, key=lambda h: (h.start, -h.end)) if kind_of(h)]
    # drop hits inside a longer hit (芯片 inside 芯片市场) and shorter duplicates at one place
    kept: list[Hit] = []
    for h in named:
        if kept and h.start < kept[-1].end:
            if h.end - h.start > kept[-1].end - kept[-1].start:
                kept[-1] = h
            continue
        kept.append(h)
    for last in range(len(kept) - 1, count - 2, -1):
        run = [kept[last]]
        kind = kind_of(kept[last])
        for h in reversed(kept[:last]):
            if len(run) == count:
                break
            if kind_of(h) != kind or not _joined(norm, h.end, run[0].start):
                break
            run.insert(0, h)
        if len(run) == count:
            return run
    return []


__all__ = ["Distribution", "distribute"]
