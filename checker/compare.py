"""Claims -> findings, by key, never all pairs.

Claims are grouped by family (rule, subject, metric and the qualifiers the rule
lists under ``separate``) and, inside a family, by the qualifiers the rule lists
under ``qualifiers``.  One pass builds the groups, one pass over each group
decides, so a corpus costs O(claims):

* ``contradiction`` (error): one group (same subject, metric and qualifiers) holds
  values whose intervals do not overlap.  For intervals on a line, pairwise overlap
  is the same as a common point, so the group is in conflict exactly when its
  highest lower end is above its lowest upper end.
* ``divergence`` (warning): a family has several groups and their stated values
  differ; the finding names the qualifiers that differ.
* ``consistent`` (info, on request): a group of two or more claims that agree.

A written number is an interval: the extractor's ``low``/``high``, open on the
side a bound leaves open (超过80% is (80, 100] for a percent), widened by half the
place value of its last written digit (98% -> [97.5, 98.5]; 7万亿 -> [6.5万亿,
7.5万亿]) and by the rule's tolerance.  Different currencies are never compared
(the currency keeps claims apart).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from .model import Claim, Finding, Quantity
from .rules import ClaimRule, RuleSet

HUNDRED = Decimal(100)
#: Units whose values cannot be negative: an open lower side stops at 0.
NON_NEGATIVE = {"percent", "count", "number", "times"}


@dataclass(frozen=True, slots=True)
class Interval:
    """Closed interval; None is unbounded on that side."""

    low: Decimal | None
    high: Decimal | None


def interval(q: Quantity, rule: ClaimRule | None) -> Interval:
    """The values a written quantity allows, widened by its precision and the rule's tolerance."""
    low, high = q.low, q.high
    if q.bound in ("gt", "ge") and low is not None and q.high == q.low:
        high = None
    if q.bound in ("lt", "le") and high is not None and q.high == q.low:
        low = None
    half = (q.step / 2) if q.step else Decimal(0)

    def tol(value: Decimal | None) -> Decimal:
        if rule is None or value is None:
            return Decimal(0)
        return abs(value) * rule.tolerance if rule.tolerance_relative else rule.tolerance

    lo = None if low is None else low - half - tol(low)
    hi = None if high is None else high + half + tol(high)
    if q.unit == "percent":
        lo = Decimal(0) if lo is None else lo
        hi = HUNDRED if hi is None else hi
    elif q.unit in NON_NEGATIVE or len(q.unit) == 3 and q.unit.isupper():
        lo = Decimal(0) if lo is None else max(lo, Decimal(0))
    return Interval(lo, hi)


def _width(q: Quantity) -> Decimal:
    return (q.high - q.low) if q.low is not None and q.high is not None else Decimal(0)


def _nominal(claim: Claim) -> tuple:
    q = claim.mention.quantity
    return (q.low, q.high, q.bound, q.unit, claim.negated)


# --- formatting amounts in the claim's unit ----------------------------------------------

CURRENCY_WORD = {"USD": "美元", "CNY": "元", "HKD": "港元", "TWD": "新台币", "EUR": "欧元", "JPY": "日元",
                 "GBP": "英镑", "KRW": "韩元"}


def _plain(d: Decimal) -> str:
    d = d.normalize()
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _scaled(d: Decimal) -> str:
    """10万, 481亿, 7万亿, 0.04, 2500: Chinese place-value words for large amounts."""
    a = abs(d)
    for size, word in ((Decimal(10) ** 12, "万亿"), (Decimal(10) ** 8, "亿"), (Decimal(10) ** 4, "万")):
        if a >= size:
            return _plain((d / size).quantize(Decimal("0.01"))) + word
    return _plain(d.quantize(Decimal("0.0001")) if a < 1 else d.quantize(Decimal("0.01")))


def format_amount(d: Decimal, unit: str) -> str:
    """An amount in the unit a claim was stated in."""
    if unit == "percent":
        return f"{_plain(d)} percentage points"
    if unit == "pp":
        return f"{_plain(d)}个百分点"
    if unit == "times":
        return f"{_plain(d)}倍"
    if unit in ("count", "number"):
        return _scaled(d)
    if len(unit) == 3 and unit.isupper():
        return _scaled(d) + CURRENCY_WORD.get(unit, " " + unit)
    return f"{_plain(d)} {unit}"


def _value_text(claim: Claim) -> str:
    return claim.mention.text.strip()


# --- grouping -------------------------------------------------------------------------


def _split(claim: Claim, rule: ClaimRule | None) -> tuple[tuple, tuple]:
    """(family key, group key) of a claim."""
    if rule is not None:
        separate = set(rule.separate)
    else:  # a claim stored under rules that are no longer loaded: keep time and currency apart
        separate = {"period", "currency"}
    fam = tuple((k, v) for k, v in claim.qualifiers if k in separate)
    grp = tuple((k, v) for k, v in claim.qualifiers if k not in separate)
    return (claim.rule, claim.subject, claim.metric, fam), grp


def _order(claims: Iterable[Claim]) -> tuple[Claim, ...]:
    return tuple(sorted(claims, key=lambda c: (c.path, c.mention.start)))


def compare(claims: Iterable[Claim], ruleset: RuleSet | None, *, show_consistent: bool = False,
            involving: Iterable[str] | None = None) -> list[Finding]:
    """Findings for claims that state the same fact (contradiction, consistent) or the
    same metric under different qualifiers (divergence).  ``involving`` (pre-publish
    mode: the drafts' paths) skips the families in which no claim comes from those
    paths: they could only give findings that do not involve a draft."""
    families: dict[tuple, dict[tuple, list[Claim]]] = {}
    touched: set[tuple] = set()
    wanted = set(involving) if involving is not None else None
    for claim in claims:
        rule = ruleset.rule(claim.rule) if ruleset is not None else None
        fam, grp = _split(claim, rule)
        families.setdefault(fam, {}).setdefault(grp, []).append(claim)
        if wanted is not None and claim.path in wanted:
            touched.add(fam)

    findings: list[Finding] = []
    for fam, groups in families.items():
        if wanted is not None and fam not in touched:
            continue
        rule = ruleset.rule(fam[0]) if ruleset is not None else None
        for grp, members in groups.items():
            if len(members) < 2:
                continue
            stated = [c for c in members if not c.negated]
            denied = [c for c in members if c.negated]
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
    findings.sort(key=Finding.sort_key)
    return findings


def _label(claim: Claim, rule: ClaimRule | None) -> str:
    return rule.label if rule is not None else claim.metric


def _check_group(members: list[Claim], rule: ClaimRule | None, show_consistent: bool) -> Finding | None:
    spans = [(interval(c.mention.quantity, rule), c) for c in members]
    # the claim whose interval ends lowest and the one that starts highest
    top_low = max(spans, key=lambda s: (s[0].low is not None, s[0].low or 0))
    # on a tie, the widest statement (a range) is the one to quote
    bottom_high = min(spans, key=lambda s: (s[0].high is None, s[0].high or 0, -_width(s[1].mention.quantity)))
    lo, hi = top_low[0].low, bottom_high[0].high
    first = members[0]
    qual_text = _qual_text(first.qualifiers)
    subject, metric = first.subject, first.metric
    if lo is not None and hi is not None and lo > hi:
        above, below = top_low[1], bottom_high[1]
        message = _miss_message(above, below)
        where = f" ({qual_text})" if qual_text else ""
        return Finding(kind="contradiction", severity="error", rule=first.rule, subject=subject, metric=metric,
                       message=f"{subject} {_label(first, rule)}{where}: {message}",
                       claims=_order(members), detail=_detail(members, rule))
    if not show_consistent:
        return None
    values = " = ".join(dict.fromkeys(_value_text(c) for c in _order(members)))
    return Finding(kind="consistent", severity="info", rule=first.rule, subject=subject, metric=metric,
                   message=f"{subject} {_label(first, rule)}: {values} agree", claims=_order(members),
                   detail=_detail(members, rule))


#: Words that make a sentence conditional ("如果没有奥特曼的项目"): a figure denied under a
#: condition diverges from one stated outright rather than contradicting it.
CONDITIONAL = re.compile(r"如果|假如|假设|倘若|要是|除非|若")


def _check_denials(stated: list[Claim], denied: list[Claim], rule: ClaimRule | None) -> list[Finding]:
    """A figure one article states and another says will not be reached ("预计到2030年将增至1万亿美元"
    against "预计到2030年也不会达到1万亿美元").  Intervals alone would call these consistent
    (a round 1万亿 allows less than 1万亿), so a denial is compared with the figure itself."""
    out = []
    for no in denied:
        qn = no.mention.quantity
        threshold = qn.low if qn.low is not None else qn.high
        if threshold is None:
            continue
        reaching = [c for c in stated if c.mention.quantity.low is not None and c.mention.quantity.low >= threshold]
        if not reaching:
            continue
        yes = reaching[0]
        before = no.sentence[:max(0, no.mention.start - no.sentence_start)]
        condition = CONDITIONAL.search(before)
        first = yes
        qual_text = _qual_text(first.qualifiers)
        where = f" ({qual_text})" if qual_text else ""
        message = (f"{first.subject} {_label(first, rule)}{where}: {_value_text(yes)} is stated in {yes.path}, "
                   f"but {no.path} says it will not reach {_value_text(no)}")
        if condition:
            clause = re.split(r"[,,。;;]", before[condition.start():], maxsplit=1)[0].strip()
            message += f" under a condition ({clause})"
        claims = _order(reaching + [no])
        out.append(Finding(kind="divergence" if condition else "contradiction",
                           severity="warning" if condition else "error", rule=first.rule, subject=first.subject,
                           metric=first.metric, message=message, claims=claims,
                           differs=("condition",) if condition else (), detail=_detail(list(claims), rule)))
    return out


def _miss_message(above: Claim, below: Claim) -> str:
    """'10万张 is 5万 (100%) above the top of 3万-5万张'."""
    qa, qb = above.mention.quantity, below.mention.quantity
    base = qb.high if qb.high is not None else qb.low
    start = qa.low if qa.low is not None else qa.high
    text = f"{_value_text(above)} is above the top of {_value_text(below)}"
    if base is not None and start is not None and start > base:
        gap = start - base
        pct = f" ({_plain((gap / base * HUNDRED).quantize(Decimal('1')))}%)" if base else ""
        text = f"{_value_text(above)} is {format_amount(gap, qa.unit)}{pct} above the top of {_value_text(below)}"
    return text


def _qual_text(qualifiers: tuple[tuple[str, str], ...]) -> str:
    return ", ".join(f"{k} {v}" for k, v in qualifiers)


#: How many claims a finding's detail lists one by one; a group larger than that (a
#: figure repeated across a large archive) is summarised after them.
DETAIL_LINES = 25


def _detail(members: list[Claim], rule: ClaimRule | None) -> str:
    """How each side was read: the interval each claim allows."""
    lines = []
    ordered = _order(members)
    for c in ordered[:DETAIL_LINES]:
        if c.negated:
            q = c.mention.quantity
            figure = _plain(q.low if q.low is not None else q.high)
            lines.append(f"{c.path}:{c.mention.line}:{c.mention.col} {_value_text(c)} -> denied: below {figure} "
                         f"{q.unit}")
            continue
        iv = interval(c.mention.quantity, rule)
        lo = "-inf" if iv.low is None else _plain(iv.low)
        hi = "+inf" if iv.high is None else _plain(iv.high)
        lines.append(f"{c.path}:{c.mention.line}:{c.mention.col} {_value_text(c)} -> [{lo}, {hi}] "
                     f"{c.mention.quantity.unit}")
    if len(ordered) > DETAIL_LINES:
        lines.append(f"… and {len(ordered) - DETAIL_LINES:,} more claims")
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
    for grp, members in sorted(groups.items(), key=lambda g: min((c.path, c.mention.start) for c in g[1])):
        quals = ", ".join(f"{n} {dict(grp).get(n, 'unspecified')}" for n in differs)
        shown = " / ".join(dict.fromkeys(_value_text(c) for c in _order(members)))
        parts.append(f"{shown} ({quals})")
    what = " and ".join(differs)
    verb = "differ" if len(differs) > 1 else "differs"
    message = f"{first.subject} {_label(first, rule)}: the {what} {verb}: " + "; ".join(parts)
    return Finding(kind="divergence", severity="warning", rule=fam[0], subject=fam[1], metric=fam[2],
                   message=message, claims=_order(all_claims), differs=differs,
                   detail=_detail(all_claims, rule))


__all__ = ["compare", "interval", "Interval", "format_amount"]
