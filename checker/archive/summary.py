"""Per-group summaries of the archive: what a draft check reads instead of every retelling.

A *class* is the set of archive claims of one (subject, metric) group that the comparison
cannot tell apart: the same rule, qualifiers, denial, time (the period, or for a claim
without one its article's date: compare buckets such claims by date) and quantity (low,
high, bound, unit, classifier, step, vague, per).  Claims of one class differ only in
where they stand (article, position, sentence, the number's text).  A class row keeps:

* ``claims`` and ``articles``: how many claims, and how many articles state them;
* ``examples``: the newest ``EXAMPLES`` articles' last claim of the class, newest first
  (id, article date, path, position), so the examples a finding shows are chosen without
  reading a claim;
* ``firsts``: the first ``FIRSTS`` claims in reading order (id, path, position),
  which is what a bounded listing of a cluster can pick from (``MAX_PER_CLUSTER`` + 1).

Articles stating two or more classes of one key (rule, qualifiers, denial) are counted in
``overlaps`` by the set of classes they state (a retold article that restates a figure
adds to a count, not a row), so a count of articles over several classes is exact
(``articles_over``).  Summaries are built from the claims of a group (``build``) and
stored by the backends (``schema`` migration ``claim-summaries``); a write marks the
groups it changes stale and ``Archive.refresh_summaries`` rebuilds them (``index`` does at
the end of every run), so a stale summary is never read: the lookup reads such a group's
claims instead.  Building costs O(claims of the group); reading costs O(classes).
"""

from __future__ import annotations

import datetime as _dt
import json
from functools import lru_cache
from typing import Callable, Iterable, Iterator, Sequence

from ..model import Quantity
from .rows import decode_date, decode_number, decode_qualifiers

#: Newest articles of a class kept as examples (a pre-publish finding shows three).
EXAMPLES = 3
#: Claims of a class kept in reading order: a cluster lists at most five claims
#: (``checks.compare.MAX_PER_CLUSTER``), chosen in reading order with distinct values first,
#: so the first six of each class hold every claim such a listing can pick.
FIRSTS = 6

#: Columns of a source row (``Archive._summary_rows``): the claim's id, document id, display
#: path and position, then the class columns.
SOURCE_COLUMNS = ("id", "doc_id", "path", "start", "doc_date", "rule", "qualifiers", "negated", "time", "low",
                  "high", "bound", "unit", "classifier", "step", "vague", "per")
#: Columns of a stored class row after (subject, metric).
CLASS_COLUMNS = ("cls", "rule", "qualifiers", "negated", "time", "doc_date", "low", "high", "bound", "unit",
                 "classifier", "step", "vague", "per", "claims", "articles", "newest", "examples", "firsts")
#: What ``build`` writes: the class columns, then where the first claim stands (first_path, first_at).
#: What ``pack`` keeps of each: every column but the listings (examples, firsts).
PACKED_COLUMNS = tuple(c for c in CLASS_COLUMNS if c not in ("examples", "firsts")) + ("first_path", "first_at")
_LISTINGS = (CLASS_COLUMNS.index("examples"), CLASS_COLUMNS.index("firsts"))


@lru_cache(maxsize=65536)
def _quantity(numbers: tuple, per: str | None) -> Quantity:
    """A stored quantity back (one object for the many classes that state one value at other times)."""
    low, high, bound, unit, classifier, step, vague = numbers
    return Quantity(low=decode_number(low), high=decode_number(high), bound=bound, unit=unit, classifier=classifier,
                    step=decode_number(step), vague=bool(vague), per=per)


class ClaimClass:
    """Claims of one group that compare cannot tell apart, counted (see the module docstring).
    Read with every class of its group (its packed row, ``pack``); its quantity is decoded when
    first asked for, and its listings (``examples``, ``firsts``) are read when first asked for
    (``GroupSummary.classes`` reads them for many classes at once): most classes a draft counts
    are never shown."""

    __slots__ = ("cls", "rule", "qualifiers", "negated", "time", "doc_date", "per", "claims", "articles",
                 "newest", "first_path", "first_start", "numbers", "_quantity", "group", "_examples", "_firsts")

    def __init__(self, cls: int, rule: str, qualifiers: tuple, negated: bool, time: str | None,
                 doc_date: _dt.date | None, numbers: tuple, per: str | None, claims: int, articles: int,
                 newest: _dt.date | None, first_path: str, first_start: int, group: "GroupSummary | None" = None):
        self.cls, self.rule, self.qualifiers, self.negated, self.time = cls, rule, qualifiers, negated, time
        self.doc_date = doc_date  #: the article date, for a claim without a time; else None
        self.per, self.claims, self.articles, self.newest = per, claims, articles, newest
        self.first_path, self.first_start = first_path, first_start  #: where its first claim stands
        self.numbers = numbers  #: (low, high, bound, unit, classifier, step, vague) as stored
        self._quantity: Quantity | None = None
        self.group = group  #: the GroupSummary it was read with (its listings are read there)
        self._examples: str | tuple | None = None
        self._firsts: str | list | None = None

    @property
    def quantity(self) -> Quantity:
        q = self._quantity
        if q is None:
            q = self._quantity = _quantity(self.numbers, self.per)
        return q

    def _listed(self) -> None:
        if self._firsts is None:
            self.group.read_listings([self])

    @property
    def examples(self) -> tuple[tuple[int, _dt.date | None, str, int], ...]:
        """(id, date, path, start) of the newest articles' last claim of the class, newest first."""
        self._listed()
        if isinstance(self._examples, str):
            self._examples = tuple((i, decode_date(d), p, s) for i, d, p, s in json.loads(self._examples))
        return self._examples

    def _placed(self) -> list:
        self._listed()
        if isinstance(self._firsts, str):
            self._firsts = json.loads(self._firsts)
        return self._firsts

    @property
    def firsts(self) -> tuple[int, ...]:
        """Ids of the first ``FIRSTS`` claims in reading order."""
        return tuple(i for i, _, _ in self._placed())

    @property
    def firsts_at(self) -> tuple[tuple[str, int], ...]:
        """(path, position) of each of ``firsts``."""
        return tuple((p, s) for _, p, s in self._placed())

    def qualifier(self, name: str) -> str | None:
        for key, value in self.qualifiers:
            if key == name:
                return value
        return None

    def _fields(self) -> tuple:
        return (self.cls, self.rule, self.qualifiers, self.negated, self.time, self.doc_date, self.quantity,
                self.claims, self.articles, self.newest, self.first_path, self.first_start, self.examples,
                self.firsts_at)

    def __eq__(self, other) -> bool:
        return isinstance(other, ClaimClass) and self._fields() == other._fields()

    def __repr__(self) -> str:
        return f"ClaimClass{self._fields()!r}"


class GroupSummary:
    """The classes of one (subject, metric) group: ``times``, every class in class-number order
    (what placing them in time buckets and counting them needs), with their listings read on
    demand (``classes``) for the few a draft shows, within the snapshot the summary was read
    in.  ``overlaps``: (class numbers, how many articles state exactly those) for the articles
    that state two or more classes of one key."""

    __slots__ = ("subject", "metric", "times", "overlaps", "_load", "_by_number")

    def __init__(self, subject: str, metric: str, times: Sequence[ClaimClass],
                 overlaps: Sequence[tuple[frozenset[int], int]],
                 load: Callable[[Sequence[int]], list[tuple]]):
        self.subject, self.metric = subject, metric
        self.times = tuple(sorted(times, key=lambda k: k.cls))
        for k in self.times:
            k.group = self
        self.overlaps = tuple(overlaps)
        self._load = load
        self._by_number = {k.cls: k for k in self.times}

    def classes(self, numbers: Iterable[int]) -> list[ClaimClass]:
        """The classes with these numbers, in number order, their listings read (500 a query)."""
        chosen = [self._by_number[n] for n in sorted(set(numbers)) if n in self._by_number]
        self.read_listings([k for k in chosen if k._firsts is None])
        return chosen

    def read_listings(self, classes: Sequence[ClaimClass]) -> None:
        """Read the examples and firsts of these classes (the stored JSON, decoded when asked for)."""
        numbers = [k.cls for k in classes]
        for k in range(0, len(numbers), 500):
            for cls, examples, firsts in self._load(numbers[k:k + 500]):
                c = self._by_number[cls]
                c._examples, c._firsts = examples, firsts

    @staticmethod
    def listed_in_order(classes: Sequence[ClaimClass], ahead: int = 64) -> Iterator[ClaimClass]:
        """The classes in their given order, each with its listings: read ``ahead`` classes a
        query, so a walk that stops after a few classes reads a few and a long one reads in
        batches (classes of any group: each is read from its own)."""
        for n, k in enumerate(classes):
            if k._firsts is None:
                pending: dict[int, tuple[GroupSummary, list[ClaimClass]]] = {}
                for c in classes[n:n + ahead]:
                    if c._firsts is None:
                        pending.setdefault(id(c.group), (c.group, []))[1].append(c)
                for group, chosen in pending.values():
                    group.read_listings(chosen)
            yield k

    def articles_over(self, classes: Iterable[ClaimClass]) -> int:
        """Distinct articles stating any of ``classes`` (exact: overlapping articles counted once)."""
        chosen = {c.cls: c for c in classes}
        total = sum(c.articles for c in chosen.values())
        for shared, articles in self.overlaps:
            hit = len(shared & chosen.keys())
            if hit > 1:
                total -= (hit - 1) * articles
        return total


def _newest_key(item: tuple) -> tuple:
    _, date, path, start = item
    return (date is None, -(date.toordinal() if date else 0), path, start)


def build(rows: Sequence[Sequence]) -> tuple[list[tuple], list[tuple[int, str]]]:
    """Class rows (``CLASS_COLUMNS`` + first_path, first_at) and overlap rows (classes as JSON, articles) of one
    group, from its claims' source rows (``SOURCE_COLUMNS``), in one pass plus a sort."""
    ordered = sorted(rows, key=lambda r: (r[2], r[3]))
    classes: dict[tuple, list] = {}
    by_doc: dict[tuple[int, tuple], set[int]] = {}
    for cid, doc_id, path, start, doc_date, rule, quals, negated, time_, *quantity in ordered:
        key = (rule, quals, int(negated), time_, doc_date if time_ is None else None, *quantity)
        slot = classes.get(key)
        if slot is None:
            # [number, claims, {doc: (id, date, path, start) of its last claim}, firsts]
            slot = classes[key] = [len(classes), 0, {}, []]
        slot[1] += 1
        slot[2][doc_id] = (cid, doc_date, path, start)
        if len(slot[3]) < FIRSTS:
            slot[3].append((cid, path, start))
        by_doc.setdefault((doc_id, (rule, quals, int(negated))), set()).add(slot[0])
    out = []
    for key, (number, count, docs, firsts) in classes.items():
        rule, quals, negated, time_, as_of, low, high, bound, unit, classifier, step, vague, per = key
        newest = sorted(docs.values(), key=lambda x: _newest_key((x[0], decode_date(x[1]), x[2], x[3])))
        dates = [d for _, d, _, _ in docs.values() if d]
        out.append((number, rule, quals, negated, time_, as_of, low, high, bound, unit, classifier, step, vague, per,
                    count, len(docs), max(dates) if dates else None,
                    json.dumps([list(x) for x in newest[:EXAMPLES]], ensure_ascii=False, separators=(",", ":")),
                    json.dumps([list(x) for x in firsts], ensure_ascii=False, separators=(",", ":")),
                    firsts[0][1], firsts[0][2]))
    shared_by: dict[tuple[int, ...], int] = {}
    for shared in by_doc.values():
        if len(shared) > 1:
            key = tuple(sorted(shared))
            shared_by[key] = shared_by.get(key, 0) + 1
    overlaps = [(json.dumps(list(k), separators=(",", ":")), n) for k, n in sorted(shared_by.items())]
    return out, overlaps


def pack(classes: Sequence[Sequence]) -> str:
    """A group's class rows (``build``) without their listings, as one JSON array of
    ``PACKED_COLUMNS`` rows: the packed row a draft reads the group from, in one query and
    one decode however many classes the group has."""
    first, second = _LISTINGS
    return json.dumps([[*row[:first], *row[second + 1:]] for row in classes], ensure_ascii=False,
                      separators=(",", ":"))


def unpack(text: str | None) -> list[list]:
    """A packed row back as rows of ``PACKED_COLUMNS`` (no row: no classes).  ValueError when
    it is not what ``pack`` writes."""
    if text is None:
        return []
    rows = json.loads(text)
    if not isinstance(rows, list) or any(not isinstance(r, list) or len(r) != len(PACKED_COLUMNS) for r in rows):
        raise ValueError("a packed summary row is not a list of class rows")
    return rows


def group_summary(subject: str, metric: str, rows: Sequence[Sequence], overlap_rows: Sequence[Sequence],
                  load: Callable[[Sequence[int]], list[tuple]]) -> GroupSummary:
    """The stored rows of one group back as a GroupSummary (``rows``: ``unpack`` of its packed
    row; ``load``: cls numbers -> (cls, examples, firsts) rows)."""
    times = [ClaimClass(cls, rule, decode_qualifiers(quals), bool(negated), time_, decode_date(as_of),
                        (low, high, bound, unit, classifier, step, vague), per, claims, articles, decode_date(newest),
                        first_path, first_at)
             for (cls, rule, quals, negated, time_, as_of, low, high, bound, unit, classifier, step, vague, per,
                  claims, articles, newest, first_path, first_at) in rows]
    return GroupSummary(subject, metric, times, tuple((frozenset(json.loads(shared)), n) for shared, n in overlap_rows),
                        load)


__all__ = ["CLASS_COLUMNS", "ClaimClass", "EXAMPLES", "FIRSTS", "GroupSummary", "PACKED_COLUMNS", "SOURCE_COLUMNS",
           "build", "group_summary", "pack", "unpack"]
