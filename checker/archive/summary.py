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

An article stating two classes of one key (rule, qualifiers, denial) is kept in
``overlaps`` with its classes, so a count of articles over several classes is exact
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
from typing import Iterable, Sequence

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


@dataclass(frozen=True, slots=True)
class ClaimClass:
    """Claims of one group that compare cannot tell apart, counted (see the module docstring)."""

    cls: int
    rule: str
    qualifiers: tuple[tuple[str, str], ...]
    negated: bool
    time: str | None
    doc_date: _dt.date | None  #: the article date, for a claim without a time; else None
    quantity: Quantity
    claims: int
    articles: int
    examples: tuple[tuple[int, _dt.date | None, str, int], ...]  #: (id, date, path, start), newest first
    firsts: tuple[int, ...]  #: claim ids, reading order
    first_path: str = ""  #: where the first claim of the class stands (reading order)
    first_start: int = 0
    firsts_at: tuple[tuple[str, int], ...] = ()  #: (path, position) of each of ``firsts``

    def qualifier(self, name: str) -> str | None:
        for key, value in self.qualifiers:
            if key == name:
                return value
        return None

    @property
    def key(self) -> tuple:
        return (self.rule, self.qualifiers, self.negated)


@dataclass(frozen=True, slots=True)
class GroupSummary:
    """The classes of one (subject, metric) group, and the articles stating several classes of one key."""

    subject: str
    metric: str
    classes: tuple[ClaimClass, ...]
    overlaps: tuple[frozenset[int], ...]  #: class numbers per article that states two or more of one key

    def articles_over(self, classes: Iterable[ClaimClass]) -> int:
        """Distinct articles stating any of ``classes`` (exact: overlapping articles counted once)."""
        chosen = {c.cls for c in classes}
        total = sum(c.articles for c in self.classes if c.cls in chosen)
        for shared in self.overlaps:
            hit = len(shared & chosen)
            if hit > 1:
                total -= hit - 1
        return total


def _newest_key(item: tuple) -> tuple:
    _, date, path, start = item
    return (date is None, -(date.toordinal() if date else 0), path, start)


def build(rows: Sequence[Sequence]) -> tuple[list[tuple], list[tuple[int, str]]]:
    """Class rows (``CLASS_COLUMNS``) and overlap rows (doc_id, classes as JSON) of one
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
                    json.dumps([list(x) for x in firsts], ensure_ascii=False, separators=(",", ":"))))
    overlaps = [(doc_id, json.dumps(sorted(shared), separators=(",", ":")))
                for (doc_id, _), shared in by_doc.items() if len(shared) > 1]
    return out, overlaps


def group_summary(subject: str, metric: str, class_rows: Sequence[Sequence],
                  overlap_rows: Sequence[Sequence]) -> GroupSummary:
    """The stored rows of one group back as a GroupSummary."""
    classes = []
    for (cls, rule, quals, negated, time_, as_of, low, high, bound, unit, classifier, step, vague, per,
         claims, articles, _newest, examples, firsts) in class_rows:
        quantity = Quantity(low=decode_number(low), high=decode_number(high), bound=bound, unit=unit,
                            classifier=classifier, step=decode_number(step), vague=bool(vague), per=per)
        firsts = json.loads(firsts)
        classes.append(ClaimClass(
            cls=cls, rule=rule, qualifiers=decode_qualifiers(quals), negated=bool(negated), time=time_,
            doc_date=decode_date(as_of), quantity=quantity, claims=claims, articles=articles,
            examples=tuple((i, decode_date(d), p, s) for i, d, p, s in json.loads(examples)),
            firsts=tuple(i for i, _, _ in firsts), first_path=firsts[0][1] if firsts else "",
            first_start=firsts[0][2] if firsts else 0, firsts_at=tuple((p, s) for _, p, s in firsts)))
    classes.sort(key=lambda c: c.cls)
    return GroupSummary(subject, metric, tuple(classes),
                        tuple(frozenset(json.loads(shared)) for _, shared in overlap_rows))


__all__ = ["CLASS_COLUMNS", "ClaimClass", "EXAMPLES", "FIRSTS", "GroupSummary", "SOURCE_COLUMNS", "build",
           "group_summary"]
