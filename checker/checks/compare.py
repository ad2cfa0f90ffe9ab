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
from decimal import Decimal
from typing import Iterable

from ..amounts import amount_text, difference_text, number_text
from ..interval import Interval, interval
from ..model import Claim, Finding, Quantity
from ..rules import ClaimRule, RuleSet

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


def _width(q: Quantity) -> Decimal:
    return (q.high - q.low) if q.low is not None and q.high is not None else Decimal(0)


def _nominal(claim: Claim) -> tuple:
    q = claim.mention.quantity
    return (q.low, q.high, q.bound, q.unit, claim.negated)


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
    rules = {r.id: r for r in ruleset.rules} if ruleset is not None else {}
    for claim in claims:
        rule = rules.get(claim.rule)
        fam, grp = _split(claim, rule)
        families.setdefault(fam, {}).setdefault(grp, []).append(claim)
        if wanted is not None and claim.path in wanted:
            touched.add(fam)

    findings: list[Finding] = []
    for fam, groups in families.items():
        if wanted is not None and fam not in touched:
            continue
        rule = rules.get(fam[0])
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
    spans = [(claim_interval(c, rule), c) for c in members]
    # the claim whose interval starts highest and the one that ends lowest (an open end
    # at the same value is the stricter one); for intervals on a line, pairwise overlap
    # is the same as a common point, so the group conflicts exactly when these two do
    top_low = max(spans, key=lambda s: (s[0].lo, s[0].lo_open))
    # on a tie, the widest statement (a range) is the one to quote
    bottom_high = min(spans, key=lambda s: (s[0].hi, not s[0].hi_open, -_width(s[1].mention.quantity)))
    first = members[0]
    qual_text = _qual_text(first.qualifiers)
    subject, metric = first.subject, first.metric
    if not top_low[0].overlaps(bottom_high[0]):
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
        pct = f" ({number_text((gap / base * HUNDRED).quantize(Decimal('1')))}%)" if base else ""
        text = f"{_value_text(above)} is {difference_text(gap, qa.unit)}{pct} above the top of " \
               f"{_value_text(below)}"
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
        q = c.mention.quantity
        if c.negated:
            figure = amount_text(q.low if q.low is not None else q.high, q.unit, q.classifier)
            lines.append(f"{c.path}:{c.mention.line}:{c.mention.col} {_value_text(c)} -> denied: below {figure}")
            continue
        lines.append(f"{c.path}:{c.mention.line}:{c.mention.col} {_value_text(c)} -> "
                     f"{interval_shown(claim_interval(c, rule), q.unit, q.classifier)}")
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


__all__ = ["claim_interval", "compare", "interval_shown"]
