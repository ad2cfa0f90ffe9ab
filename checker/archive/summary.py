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
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

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


class ClaimClass:
    """Claims of one group that compare cannot tell apart, counted (see the module docstring).
    ``examples`` and ``firsts`` are decoded when first asked for (most classes a draft counts
    are never shown)."""

    __slots__ = ("cls", "rule", "qualifiers", "negated", "time", "doc_date", "quantity", "claims", "articles",
                 "newest", "first_path", "first_start", "_examples", "_firsts")

    def __init__(self, cls: int, rule: str, qualifiers: tuple, negated: bool, time: str | None,
                 doc_date: _dt.date | None, quantity: Quantity, claims: int, articles: int,
                 newest: _dt.date | None, first_path: str, first_start: int, examples: str, firsts: str):
        self.cls, self.rule, self.qualifiers, self.negated, self.time = cls, rule, qualifiers, negated, time
        self.doc_date = doc_date  #: the article date, for a claim without a time; else None
        self.quantity, self.claims, self.articles, self.newest = quantity, claims, articles, newest
        self.first_path, self.first_start = first_path, first_start  #: where its first claim stands
        self._examples, self._firsts = examples, firsts

    @property
    def examples(self) -> tuple[tuple[int, _dt.date | None, str, int], ...]:
        """(id, date, path, start) of the newest articles' last claim of the class, newest first."""
        if isinstance(self._examples, str):
            self._examples = tuple((i, decode_date(d), p, s) for i, d, p, s in json.loads(self._examples))
        return self._examples

    def _placed(self) -> list:
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

    @property
    def key(self) -> tuple:
        return (self.rule, self.qualifiers, self.negated)

    def _fields(self) -> tuple:
        return (self.cls, self.rule, self.qualifiers, self.negated, self.time, self.doc_date, self.quantity,
                self.claims, self.articles, self.newest, self.first_path, self.first_start, self.examples,
                self.firsts_at)

    def __eq__(self, other) -> bool:
        return isinstance(other, ClaimClass) and self._fields() == other._fields()

    def __repr__(self) -> str:
        return f"ClaimClass{self._fields()!r}"


@dataclass(frozen=True, slots=True)
class ClassTime:
    """What placing a class in compare's time buckets needs: a row of ``schema.SUMMARY_TIMES``."""

    cls: int
    rule: str
    qualifiers: tuple[tuple[str, str], ...]
    negated: bool
    time: str | None
    doc_date: _dt.date | None
    per: str | None
    claims: int
    first_path: str
    first_start: int

    def qualifier(self, name: str) -> str | None:
        for key, value in self.qualifiers:
            if key == name:
                return value
        return None


class GroupSummary:
    """The classes of one (subject, metric) group: ``times`` for all of them (cheap rows), and
    whole classes (``classes``) read on demand for the few a draft needs, within the snapshot
    the summary was read in.  ``overlaps``: (class numbers, how many articles state exactly
    those) for the articles that state two or more classes of one key."""

    __slots__ = ("subject", "metric", "times", "overlaps", "_load", "_full")

    def __init__(self, subject: str, metric: str, times: Sequence[ClassTime],
                 overlaps: Sequence[tuple[frozenset[int], int]],
                 load: Callable[[Sequence[int]], list[tuple]]):
        self.subject, self.metric = subject, metric
        self.times = tuple(times)
        self.overlaps = tuple(overlaps)
        self._load = load
        self._full: dict[int, ClaimClass] = {}

    def classes(self, numbers: Iterable[int]) -> list[ClaimClass]:
        """The whole classes with these numbers (read once, then kept)."""
        wanted = sorted(set(numbers))
        missing = [n for n in wanted if n not in self._full]
        for k in range(0, len(missing), 500):
            for row in self._load(missing[k:k + 500]):
                c = class_from_row(row)
                self._full[c.cls] = c
        return [self._full[n] for n in wanted if n in self._full]

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


def class_from_row(row: Sequence) -> ClaimClass:
    """A stored class row (``CLASS_COLUMNS`` + first_path, first_at) back as a ClaimClass."""
    (cls, rule, quals, negated, time_, as_of, low, high, bound, unit, classifier, step, vague, per,
     claims, articles, newest, examples, firsts, first_path, first_at) = row
    quantity = Quantity(low=decode_number(low), high=decode_number(high), bound=bound, unit=unit,
                        classifier=classifier, step=decode_number(step), vague=bool(vague), per=per)
    return ClaimClass(cls, rule, decode_qualifiers(quals), bool(negated), time_, decode_date(as_of), quantity,
                      claims, articles, decode_date(newest), first_path, first_at, examples, firsts)


def group_summary(subject: str, metric: str, time_rows: Sequence[Sequence], overlap_rows: Sequence[Sequence],
                  load: Callable[[Sequence[int]], list[tuple]]) -> GroupSummary:
    """The stored rows of one group back as a GroupSummary (``load``: cls numbers -> class rows)."""
    times = [ClassTime(cls, rule, decode_qualifiers(quals), bool(negated), time_, decode_date(as_of), per, claims,
                       first_path, first_at)
             for cls, rule, quals, negated, time_, as_of, per, claims, first_path, first_at in time_rows]
    return GroupSummary(subject, metric, times, tuple((frozenset(json.loads(shared)), n) for shared, n in overlap_rows),
                        load)


__all__ = ["CLASS_COLUMNS", "ClaimClass", "ClassTime", "class_from_row", "EXAMPLES", "FIRSTS", "GroupSummary", "SOURCE_COLUMNS", "build",
           "group_summary"]
