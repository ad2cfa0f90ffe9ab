"""Claims -> findings, by key, never all pairs.

Claims are grouped by family (rule, subject, metric and the qualifiers the rule lists
under ``separate``), then by **time**, then by the qualifiers the rule lists under
``qualifiers``.  One pass builds the groups, one pass over each group decides, so a
corpus costs O(claims):

* **Time.** Every claim has a time: its period (``Claim.time``: stated in its clause, or
  in force where it stands) else its article's date as an as-of.  Claims of different
  periods are different facts; a claim known only by its article's date joins the period
  whose span holds that date (or ended up to ``REPORT_LAG`` before it: figures are retold
  after the period closes), else claims whose dates lie within the rule's ``window``
  (``AS_OF_WINDOW`` by default); a claim whose time is unknown (no period, no date) joins
  the largest group, and a disagreement between it and a claim of known time is a
  divergence naming the time, never an error: the known time may well be another.  A rule may say its fact is
  ``timeless``; one that lists ``period`` under ``qualifiers`` shows a change over time as
  a divergence naming the period.
* **contradiction** (error): within one group the claims form clusters, each a set of
  claims whose intervals share a point (one sweep over the intervals sorted by their low
  ends); two or more clusters cannot all hold.  The finding names the outlier against the
  largest cluster and lists ``conflicts``, the pairs of listed claims whose intervals are
  disjoint; agreeing claims are never paired.
* **divergence** (warning): a family has several groups whose stated values differ; the
  finding names the qualifiers that differ and pairs only claims that differ in them.
* **consistent** (info, on request): a group of two or more claims that agree.

A finding lists at most ``MAX_PER_CLUSTER`` claims of each cluster or group (distinct
values first) and counts the rest in ``omitted``, so what a report prints grows with
what is wrong, not with how often the archive retells it.

A written number is ``interval.interval`` of its quantity (the one definition, shared with
the arithmetic checks) widened by the rule's tolerance.  Different currencies are never
compared (the currency keeps claims apart).
"""

from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache
from contextvars import ContextVar
from decimal import Decimal
from typing import Iterable, Sequence

from ..amounts import amount_text, difference_text, number_text
from ..attribute.periods import period_span
from ..interval import Interval, interval
from ..model import Claim, Finding, Quantity
from ..rules import ClaimRule, RuleSet
from .causes import likely_cause

HUNDRED = Decimal(100)


def claim_interval(claim: Claim, rule: ClaimRule | None) -> Interval:
    """The values a claim allows under its rule's tolerance (``interval.interval``)."""
    if rule is None:
        return interval(claim.mention.quantity)
    return interval(claim.mention.quantity, tolerance=rule.tolerance, relative=rule.tolerance_relative)


def interval_shown(iv: Interval, unit: str, classifier: str | None = None) -> str:
    """An interval with its open and closed ends: "[97.5%, 98.5%)", "(80%, 100%]"."""
    def end(value: Decimal) -> str:
        return amount_text(value, unit, classifier) if value.is_finite() else number_text(value)
    return f"{'(' if iv.lo_open or not iv.lo.is_finite() else '['}{end(iv.lo)}, {end(iv.hi)}" \
           f"{')' if iv.hi_open or not iv.hi.is_finite() else ']'}"


#: A finding lists at most this many claims of each cluster or group; the rest are counted.
MAX_PER_CLUSTER = 5
#: A figure of a period is retold up to this long after the period ends.
REPORT_LAG = _dt.timedelta(days=92)
#: Claims known only by their articles' dates are compared within this many days.
AS_OF_WINDOW = 92


def _width(q: Quantity) -> Decimal:
    return (q.high - q.low) if q.low is not None and q.high is not None else Decimal(0)


def _nominal(claim: Claim) -> tuple:
    q = claim.mention.quantity
    return (q.low, q.high, q.bound, q.unit, claim.negated)


def _value_text(claim: Claim) -> str:
    return claim.mention.text.strip()


def _order(claims: Iterable[Claim]) -> tuple[Claim, ...]:
    return tuple(sorted(claims, key=lambda c: (c.path, c.mention.start)))


def _who(claims: Sequence[Claim], limit: int = 3) -> str:
    """The articles that state ``claims``, by file name: "000 and 001", "a, b, c and 4 more"."""
    names = list(dict.fromkeys(c.path.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0] for c in claims))
    if len(names) > limit:
        return ", ".join(names[:limit]) + f" and {len(names) - limit:,} more"
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]


def _values(claims: Sequence[Claim], limit: int = 3) -> str:
    texts = list(dict.fromkeys(_value_text(c) for c in _order(claims)))
    shown = " and ".join(texts[:limit])
    return shown + (f" (and {len(texts) - limit} more values)" if len(texts) > limit else "")


#: Pre-publish mode: the drafts' paths, whose claims a bounded listing always keeps.
_DRAFTS: ContextVar[frozenset] = ContextVar("drafts", default=frozenset())
#: Whether findings get their detail written (``compare(detail=…)``).
_DETAIL: ContextVar[bool] = ContextVar("detail", default=True)


def _shown(claims: Sequence[Claim]) -> list[Claim]:
    """At most MAX_PER_CLUSTER claims, the drafts' first (pre-publish mode), then distinct
    values, in reading order."""
    ordered = _order(claims)
    drafts = _DRAFTS.get()
    if drafts:
        ordered = tuple(c for c in ordered if c.path in drafts) + tuple(c for c in ordered if c.path not in drafts)
    first, rest, seen = [], [], set()
    for c in ordered:
        key = _nominal(c)
        (rest if key in seen else first).append(c)
        seen.add(key)
    return list(_order((first + rest)[:MAX_PER_CLUSTER]))


# --- grouping -------------------------------------------------------------------------


#: What keeps claims apart without a rule: the period (compared by time) and the currency.
_SEPARATE_WITHOUT_RULE = ("period", "currency")


@lru_cache(maxsize=16384)
def split_qualifiers(qualifiers: tuple, per: str | None, separate: tuple[str, ...]) -> tuple[tuple, tuple]:
    """(the family's qualifiers, the group's qualifiers) of a claim's qualifiers under its
    rule's ``separate`` list.  The period is in neither: time is compared by ``_time_buckets``.
    Cached: an archive's claims share few qualifier sets."""
    fam = tuple((k, v) for k, v in qualifiers if k in separate and k != "period")
    if per:  # a rate per token is no price: the denominator keeps them apart
        fam += (("per", per),)
    grp = tuple((k, v) for k, v in qualifiers if k not in separate and k != "period")
    return fam, grp


def family_and_group(rule_id: str, subject: str, metric: str, qualifiers: tuple, per: str | None,
                     rule: ClaimRule | None) -> tuple[tuple, tuple]:
    """(family key, group key) of a claim, or of a class of archive claims, by its parts."""
    fam, grp = split_qualifiers(qualifiers, per, rule.separate if rule is not None else _SEPARATE_WITHOUT_RULE)
    return (rule_id, subject, metric, fam), grp


def _split(claim: Claim, rule: ClaimRule | None) -> tuple[tuple, tuple]:
    """(family key, group key) of a claim."""
    return family_and_group(claim.rule, claim.subject, claim.metric, claim.qualifiers, claim.mention.quantity.per,
                            rule)


def _time_buckets(members: list[Claim], rule: ClaimRule | None) -> list[tuple[str, list[Claim]]]:
    """The claims of one family grouped by compatible time, each group with its label (a
    period code, "as of DATE", or "" for unknown): see the module docstring."""
    if rule is not None and rule.timeless:
        return [("", members)]
    return [(label, [c for c, _ in items]) for label, items in time_buckets([(c, 1) for c in members], rule)]


def _read_at(item) -> tuple:
    """Where a claim, or the first claim of a class of archive claims, stands in reading order."""
    mention = getattr(item, "mention", None)
    return (item.path, mention.start) if mention is not None else (item.first_path, item.first_start)


def time_buckets(members: Sequence[tuple[object, int]], rule: ClaimRule | None) -> list[tuple[str, list]]:
    """Compare's time buckets of weighted members: (claim, or class of archive claims that
    compare cannot tell apart, and how many claims it stands for), in reading order.  A
    bucket's size is the sum of its weights, so a class retold 1,000 times weighs what its
    1,000 claims weigh where "the largest bucket" is chosen (the pre-publish check places the
    archive's summaries with it)."""
    if rule is not None and rule.timeless:
        return [("", list(members))]
    periods: dict[str, list] = {}
    as_of, partial, unknown = [], [], []
    for m in members:
        time = _time_of(m[0])
        if time and _dated(time):
            periods.setdefault(time, []).append(m)
        elif time:
            partial.append(m)  # a part of a year whose year is unknown (Q2, H1)
        elif m[0].doc_date is not None:
            as_of.append(m)
        else:
            unknown.append(m)
    spans = {code: period_span(code) for code in periods}
    # an article date goes to the narrowest period it falls in (or is retold after), the latest
    # of equally narrow ones: periods tried in that order, the first that fits wins
    tried = [(code, span[0], span[1] + REPORT_LAG) for code, span in
             sorted(((c, s) for c, s in spans.items() if s),
                    key=lambda cs: (cs[1][1] - cs[1][0], -cs[1][1].toordinal()))]
    leftover = []
    best_for: dict[_dt.date, str | None] = {}  # many members share an article date
    for m in as_of:
        date = m[0].doc_date
        if date not in best_for:
            best_for[date] = next((code for code, start, end in tried if start <= date <= end), None)
        best = best_for[date]
        if best is not None:
            periods[best].append(m)
        else:
            leftover.append(m)
    buckets = [(code, items) for code, items in periods.items()]
    window = _dt.timedelta(days=(rule.window_days if rule is not None and rule.window_days else AS_OF_WINDOW))
    leftover.sort(key=lambda m: (m[0].doc_date, _read_at(m[0])))
    for m in leftover:
        if buckets and buckets[-1][0].startswith("as of ") and \
                m[0].doc_date - buckets[-1][1][0][0].doc_date <= window:
            buckets[-1][1].append(m)
        else:
            buckets.append((f"as of {m[0].doc_date.isoformat()}", [m]))
    # a part of a year with no year joins the largest group of that part (Q2 with 2024-Q2),
    # else the members of the same part; a member of unknown time joins the largest group.
    # Neither ever makes an error against a claim of known time (see _check_group).
    sizes = [sum(w for _, w in items) for _, items in buckets]
    for m in partial:
        part = _time_of(m[0])
        fits = [i for i, (code, _) in enumerate(buckets) if code == part or code.endswith("-" + part)]
        if fits:
            best = max(fits, key=lambda i: (sizes[i], -i))
            buckets[best][1].append(m)
            sizes[best] += m[1]
        else:
            buckets.append((part, [m]))
            sizes.append(m[1])
    if unknown:
        if buckets:
            largest = max(range(len(buckets)), key=lambda i: (sizes[i], -i))
            buckets[largest][1].extend(unknown)
        else:
            buckets.append(("", list(unknown)))
    return buckets


def _time_of(item) -> str | None:
    """A claim's (or a class's) time: its period, else the period qualifier."""
    return item.time or item.qualifier("period")


def _dated(code: str) -> bool:
    """A period code with its year (2024, 2024-Q1, FY2025-Q3), not a part alone (Q2)."""
    return code[:1].isdigit() or code.startswith("FY")


def _time_certainty(claim: Claim) -> str:
    """"dated" (a period with its year, or the article's date), "partial" (a part of a year
    whose year is unknown), or "none"."""
    time = _time_of(claim)
    if time:
        return "dated" if _dated(time) else "partial"
    return "dated" if claim.doc_date is not None else "none"


def compare(claims: Iterable[Claim], ruleset: RuleSet | None, *, show_consistent: bool = False,
            involving: Iterable[str] | None = None, detail: bool = True) -> list[Finding]:
    """Findings for claims that state the same fact (contradiction, consistent) or the
    same metric under different qualifiers (divergence).  ``involving`` (pre-publish
    mode: the drafts' paths) skips the families in which no claim comes from those
    paths: they could only give findings that do not involve a draft.  ``detail=False``:
    the findings' detail is left empty (their caller lists other claims and writes it)."""
    families: dict[tuple, list[Claim]] = {}
    touched: set[tuple] = set()
    wanted = set(involving) if involving is not None else None
    rules = {r.id: r for r in ruleset.rules} if ruleset is not None else {}
    for claim in claims:
        fam, _ = _split(claim, rules.get(claim.rule))
        families.setdefault(fam, []).append(claim)
        if wanted is not None and claim.path in wanted:
            touched.add(fam)

    findings: list[Finding] = []
    token = _DRAFTS.set(frozenset(wanted or ()))
    written = _DETAIL.set(detail)
    try:
        _compare_families(families, touched, wanted, rules, show_consistent, findings)
    finally:
        _DRAFTS.reset(token)
        _DETAIL.reset(written)
    findings.sort(key=Finding.sort_key)
    return findings


def _compare_families(families, touched, wanted, rules, show_consistent, findings) -> None:
    for fam, members in families.items():
        if (wanted is not None and fam not in touched) or len(members) < 2:
            continue
        rule = rules.get(fam[0])
        buckets = _time_buckets(members, rule)
        for _, bucket in buckets:
            groups: dict[tuple, list[Claim]] = {}
            stated_once = _stated_once(bucket, rule)
            for claim in bucket:
                groups.setdefault(_with_unstated(_split(claim, rule)[1], stated_once, claim), []).append(claim)
            for grp, group in groups.items():
                if len(group) < 2:
                    continue
                stated = [c for c in group if not c.negated]
                denied = [c for c in group if c.negated]
                if len(stated) >= 2:
                    finding = _check_group(stated, rule, show_consistent)
                    if finding is not None:
                        findings.append(finding)
                if stated and denied:
                    findings.extend(_check_denials(stated, denied, rule))
            if len(groups) > 1:
                finding = _check_family(fam, groups, rule)
                if finding is not None:
                    findings.append(finding)
        dated = rule is not None and "date" in rule.accepted_units
        if rule is not None and ("period" in rule.qualifiers or dated) and len(buckets) > 1:
            # a change over time, shown as a divergence naming the period; a milestone's date
            # stated at two as-of dates is a revision of its schedule
            name = "as-of" if dated else "period"
            by_period = {((name, (label.removeprefix("as of ") if dated else label) or "unknown"),):
                         [c for c in bucket if not c.negated] for label, bucket in buckets}
            finding = _check_family(fam, {k: v for k, v in by_period.items() if v}, rule)
            if finding is not None:
                findings.append(finding)


def _stated_once(bucket: list[Claim], rule: ClaimRule | None) -> dict[str, str]:
    """The qualifiers (of those listed under ``qualifiers``) that some claims of a time bucket
    leave unstated while all that state them agree on one value: a figure whose article names
    no source, beside figures all attributed to Canalys, is compared with them (unknown is not
    different); with two sources stated it stays apart, since whose it is is unclear."""
    if rule is None or not rule.qualifiers:
        return {}
    values: dict[str, set[str]] = {}
    unstated: set[str] = set()
    for c in bucket:
        if _time_certainty(c) != "dated":
            continue  # a claim of unknown time is joined to a bucket already: not to a source too
        quals = dict(c.qualifiers)
        for name in rule.qualifiers:
            if name == "period" or name in rule.separate:
                continue
            if name in quals:
                values.setdefault(name, set()).add(quals[name])
            else:
                unstated.add(name)
    return {name: next(iter(vals)) for name, vals in values.items() if name in unstated and len(vals) == 1}


def _with_unstated(grp: tuple, stated_once: dict[str, str], claim: Claim) -> tuple:
    if not stated_once or _time_certainty(claim) != "dated":
        return grp
    have = {k for k, _ in grp}
    extra = tuple((k, v) for k, v in stated_once.items() if k not in have)
    return tuple(sorted(grp + extra)) if extra else grp


def _label(claim: Claim, rule: ClaimRule | None) -> str:
    return rule.label if rule is not None else claim.metric


def _intersect(a: Interval, b: Interval) -> Interval | None:
    """The common part of two intervals, or None."""
    if (a.lo, not a.lo_open) >= (b.lo, not b.lo_open):
        lo, lo_open = a.lo, a.lo_open
    else:
        lo, lo_open = b.lo, b.lo_open
    if (a.hi, a.hi_open) <= (b.hi, b.hi_open):
        hi, hi_open = a.hi, a.hi_open
    else:
        hi, hi_open = b.hi, b.hi_open
    if lo > hi or (lo == hi and (lo_open or hi_open)):
        return None
    return Interval(lo, hi, a.unit, lo_open, hi_open)


def clusters(spans: Sequence[tuple[Interval, Claim]]) -> list[list[tuple[Interval, Claim]]]:
    """Claims whose intervals share a point, in one sweep over the intervals by low end:
    a cluster is extended while the common part of its intervals stays non-empty."""
    out: list[list[tuple[Interval, Claim]]] = []
    common: Interval | None = None
    for iv, claim in sorted(spans, key=lambda s: (s[0].lo, s[0].lo_open, s[0].hi, s[1].path, s[1].mention.start)):
        joined = _intersect(common, iv) if common is not None else None
        if joined is None:
            out.append([(iv, claim)])
            common = iv
        else:
            out[-1].append((iv, claim))
            common = joined
    return out


def _stated_range(claim: Claim) -> bool:
    """A range stated as such (50-52%, 2.5万-3万美元), not a bound or a vague amount."""
    q = claim.mention.quantity
    return q.low is not None and q.high is not None and q.low != q.high and q.bound in ("exact", "approx") \
        and not q.vague


def _ends_agree(a: Claim, b: Claim) -> bool:
    """Two stated ranges of one fact agree when each end agrees at the precision written:
    50-52% and 51%-53% state different ranges (a guidance restated wrongly) although they
    overlap; 2.5万-3万美元 and 25000到30000美元 are one range."""
    qa, qb = a.mention.quantity, b.mention.quantity
    # each end is its value ± half its last digit, half-open: 40 and 41 never agree
    slack = ((qa.step or 0) + (qb.step or 0)) / 2
    if not slack:
        return qa.low == qb.low and qa.high == qb.high
    return abs(qa.low - qb.low) < slack and abs(qa.high - qb.high) < slack


def _split_ranges(cluster: list[tuple[Interval, Claim]]) -> list[list[tuple[Interval, Claim]]]:
    """A cluster whose stated ranges disagree at their ends, split by range (the claims that
    are no range go with the first: they lie in every range's common part)."""
    ranges = [item for item in cluster if _stated_range(item[1])]
    groups: list[list[tuple[Interval, Claim]]] = []
    for item in ranges:
        for group in groups:
            if all(_ends_agree(item[1], other[1]) for other in group):
                group.append(item)
                break
        else:
            groups.append([item])
    if len(groups) < 2:
        return [cluster]
    groups[0].extend(item for item in cluster if not _stated_range(item[1]))
    return groups


def _conflict_pairs(listed: Sequence[Claim], side: dict[int, int], spans: dict[int, Interval]) -> tuple:
    """Index pairs of listed claims on different sides that cannot both hold: their intervals
    are disjoint, or both are stated ranges whose ends disagree.  What each claim brings to a
    pair is looked up once, not once per pair (a listing of 150 claims makes 11,000 pairs)."""
    sides = [side[id(c)] for c in listed]
    ivs = [spans[id(c)] for c in listed]
    los, his = [iv.lo for iv in ivs], [iv.hi for iv in ivs]
    ranged = [_stated_range(c) for c in listed]
    pairs = []
    for i, a in enumerate(listed):
        side_a, iv_a, ranged_a, lo_a, hi_a = sides[i], ivs[i], ranged[i], los[i], his[i]
        for j in range(i + 1, len(listed)):
            if sides[j] == side_a:
                continue
            if hi_a < los[j] or his[j] < lo_a:
                pairs.append((i, j))  # apart: Interval.overlaps says so too, without the call
            elif ((hi_a == los[j] or his[j] == lo_a or lo_a == hi_a or los[j] == his[j])
                  and not iv_a.overlaps(ivs[j])) or (ranged_a and ranged[j] and not _ends_agree(a, listed[j])):
                pairs.append((i, j))
    return tuple(pairs)


def _check_group(members: list[Claim], rule: ClaimRule | None, show_consistent: bool) -> Finding | None:
    spans = [(claim_interval(c, rule), c) for c in members]
    disjoint = clusters(spans)
    found = [part for cluster in disjoint for part in _split_ranges(cluster)]
    first = members[0]
    qual_text = _qual_text(tuple((k, v) for k, v in first.qualifiers))
    subject, metric = first.subject, first.metric
    if len(found) > 1:
        # the claim whose interval starts highest and the one that ends lowest, for "by how much"
        top_low = max(spans, key=lambda s: (s[0].lo, s[0].lo_open))
        bottom_high = min(spans, key=lambda s: (s[0].hi, not s[0].hi_open, -_width(s[1].mention.quantity)))
        above, below = top_low[1], bottom_high[1]
        ranked = sorted(range(len(found)), key=lambda k: (-len({c.path for _, c in found[k]}), -len(found[k]), k))
        major = [c for _, c in found[ranked[0]]]
        outliers = [c for k in ranked[1:] for _, c in found[k]]
        side = {id(c): k for k, cluster in enumerate(found) for _, c in cluster}
        listed = _order(c for cluster in found for c in _shown([c for _, c in cluster]))
        where = f" ({qual_text})" if qual_text else ""
        conflicts = _conflict_pairs(listed, side, {id(c): iv for iv, c in spans})
        how = _miss_message(above, below) if len(disjoint) > 1 else \
            f"{_values(outliers)} and {_values(major)} state different ranges"
        message = (f"{subject} {_label(first, rule)}{where}: {_who(outliers)}'s {_values(outliers)} disagrees "
                   f"with {_values(major)}, stated by {_who(major)}: {how}")
        # a claim of unknown time against one of known time: the times may differ, so not an error
        # two claims of one known time, or two of no known time at all (an undated corpus)
        certainty = [_time_certainty(c) for c in listed]
        hard = [p for p in conflicts if certainty[p[0]] == certainty[p[1]] != "partial"]
        if conflicts and not hard:
            unknown = [c for c in listed if _time_certainty(c) != "dated"]
            return Finding(kind="divergence", severity="warning", rule=first.rule, subject=subject, metric=metric,
                           message=f"{message} (the time of {_values(unknown)} is not known)", claims=listed,
                           differs=("time",), detail=_detail(listed, rule, len(members)), conflicts=conflicts,
                           omitted=len(members) - len(listed))
        return Finding(kind="contradiction", severity="error", rule=first.rule, subject=subject, metric=metric,
                       message=message, claims=listed, detail=_detail(listed, rule, len(members)),
                       conflicts=tuple(hard), omitted=len(members) - len(listed),
                       cause=likely_cause(above, below, rule))
    if not show_consistent:
        return None
    listed = tuple(_shown(members))
    values = " = ".join(dict.fromkeys(_value_text(c) for c in _order(members)))
    return Finding(kind="consistent", severity="info", rule=first.rule, subject=subject, metric=metric,
                   message=f"{subject} {_label(first, rule)}: {values} agree", claims=listed,
                   detail=_detail(listed, rule, len(members)), omitted=len(members) - len(listed))


#: Words that make a sentence conditional ("如果没有奥特曼的项目"): a figure denied under a
#: condition diverges from one stated outright rather than contradicting it.
CONDITIONAL = re.compile(r"如果|假如|假设|倘若|要是|除非|若")


def _check_denials(stated: list[Claim], denied: list[Claim], rule: ClaimRule | None) -> list[Finding]:
    """A figure some articles state and others say will not be reached ("预计到2030年将增至1万亿
    美元" against "预计到2030年也不会达到1万亿美元").  Intervals alone would call these consistent
    (a round 1万亿 allows less than 1万亿), so a denial is compared with the figure itself.
    One finding for all denials of a group (one more for those under a condition), however
    often the figure is stated."""
    out = []
    by_condition: dict[bool, list[tuple[Claim, list[Claim], str]]] = {}
    for no in denied:
        qn = no.mention.quantity
        threshold = qn.low if qn.low is not None else qn.high
        if threshold is None:
            continue
        reaching = [c for c in stated if c.mention.quantity.low is not None and c.mention.quantity.low >= threshold]
        if not reaching:
            continue
        before = no.sentence[:max(0, no.mention.start - no.sentence_start)]
        condition = CONDITIONAL.search(before)
        clause = re.split(r"[,,。;;]", before[condition.start():], maxsplit=1)[0].strip() if condition else ""
        by_condition.setdefault(bool(condition), []).append((no, reaching, clause))
    for conditional, items in sorted(by_condition.items()):
        denials = [no for no, _, _ in items]
        reaching = list({id(c): c for _, r, _ in items for c in r}.values())
        yes = _order(reaching)[0]
        qual_text = _qual_text(yes.qualifiers)
        where = f" ({qual_text})" if qual_text else ""
        message = (f"{yes.subject} {_label(yes, rule)}{where}: {_values(reaching)} is stated by {_who(reaching)}, "
                   f"but {_who(denials)} says it will not reach {_values(denials)}")
        if conditional:
            message += f" under a condition ({items[0][2]})"
        listed = _order(_shown(reaching) + _shown(denials))
        side = {id(c): (1 if c.negated else 0) for c in listed}
        pairs = tuple((i, j) for i in range(len(listed)) for j in range(i + 1, len(listed))
                      if side[id(listed[i])] != side[id(listed[j])])
        out.append(Finding(kind="divergence" if conditional else "contradiction",
                           severity="warning" if conditional else "error", rule=yes.rule, subject=yes.subject,
                           metric=yes.metric, message=message, claims=listed,
                           differs=("condition",) if conditional else (),
                           detail=_detail(listed, rule, len(reaching) + len(denials)), conflicts=pairs,
                           omitted=len(reaching) + len(denials) - len(listed)))
    return out


def _miss_message(above: Claim, below: Claim) -> str:
    """'10万张 is 5万 (100%) above the top of 3万-5万张'."""
    qa, qb = above.mention.quantity, below.mention.quantity
    base = qb.high if qb.high is not None else qb.low
    start = qa.low if qa.low is not None else qa.high
    text = f"{_value_text(above)} is above the top of {_value_text(below)}"
    if base is not None and start is not None and start > base:
        gap = start - base
        pct = f" ({number_text((gap / base * HUNDRED).quantize(Decimal('1')))}%)" if base and qa.unit != "date" else ""
        text = f"{_value_text(above)} is {difference_text(gap, qa.unit)}{pct} above the top of " \
               f"{_value_text(below)}"
    return text


def _qual_text(qualifiers: tuple[tuple[str, str], ...]) -> str:
    return ", ".join(f"{k} {v}" for k, v in qualifiers)


def _detail(listed: Sequence[Claim], rule: ClaimRule | None, total: int) -> str:
    """How each listed side was read (``detail_text``), unless ``compare(detail=False)``."""
    if not _DETAIL.get():
        return ""
    return detail_text(listed, rule, total)


def detail_text(listed: Sequence[Claim], rule: ClaimRule | None, total: int) -> str:
    """How each listed claim was read: the interval it allows (a denial: below its figure),
    then how many claims of ``total`` are not listed."""
    lines = []
    for c in listed:
        q = c.mention.quantity
        if c.negated:
            figure = amount_text(q.low if q.low is not None else q.high, q.unit, q.classifier)
            lines.append(f"{c.path}:{c.mention.line}:{c.mention.col} {_value_text(c)} -> denied: below {figure}")
            continue
        lines.append(f"{c.path}:{c.mention.line}:{c.mention.col} {_value_text(c)} -> "
                     f"{interval_shown(claim_interval(c, rule), q.unit, q.classifier)}")
    if total > len(listed):
        lines.append(f"… and {total - len(listed):,} more claims")
    return "\n".join(lines)


def _check_family(fam: tuple, groups: dict[tuple, list[Claim]], rule: ClaimRule | None) -> Finding | None:
    values = {grp: frozenset(_nominal(c) for c in members) for grp, members in groups.items()}
    if len(set(values.values())) < 2:
        return None  # the same values under every qualifier: nothing diverges
    names = sorted({k for grp in groups for k, _ in grp})
    # a qualifier differs when two groups state different values for it; a group that does not
    # state it (region unspecified) is unknown there, not different, and is left out
    differs = tuple(n for n in names if len({dict(grp)[n] for grp in groups if n in dict(grp)}) > 1)
    if not differs:
        return None
    groups = {grp: members for grp, members in groups.items() if all(n in dict(grp) for n in differs)}
    values = {grp: v for grp, v in values.items() if grp in groups}
    if len(groups) < 2 or len(set(values.values())) < 2:
        return None
    all_claims = [c for members in groups.values() for c in members]
    first = all_claims[0]
    parts = []
    # ordered by each group's first claim in the corpus, so the message does not depend on reading order
    ordered_groups = sorted(groups.items(), key=lambda g: min((c.path, c.mention.start) for c in g[1]))
    for grp, members in ordered_groups:
        quals = ", ".join(f"{n} {dict(grp).get(n, 'unspecified')}" for n in differs)
        shown = " / ".join(dict.fromkeys(_value_text(c) for c in _order(members)))
        parts.append(f"{shown} ({quals})")
    what = " and ".join(differs)
    verb = "differ" if len(differs) > 1 else "differs"
    message = f"{first.subject} {_label(first, rule)}: the {what} {verb}: " + "; ".join(parts)
    side = {}
    for k, (grp, members) in enumerate(ordered_groups):
        for c in members:
            side[id(c)] = (k, tuple(dict(grp).get(n) for n in differs))
    listed = _order(c for _, members in ordered_groups for c in _shown(members))
    pairs = tuple((i, j) for i in range(len(listed)) for j in range(i + 1, len(listed))
                  if side[id(listed[i])][1] != side[id(listed[j])][1]
                  and _nominal(listed[i]) != _nominal(listed[j]))
    return Finding(kind="divergence", severity="warning", rule=fam[0], subject=fam[1], metric=fam[2],
                   message=message, claims=listed, differs=differs, detail=_detail(listed, rule, len(all_claims)),
                   conflicts=pairs, omitted=len(all_claims) - len(listed))


__all__ = ["AS_OF_WINDOW", "MAX_PER_CLUSTER", "REPORT_LAG", "claim_interval", "clusters", "compare",
           "detail_text", "family_and_group", "interval_shown", "split_qualifiers", "time_buckets"]
