"""Checks over one article that need no rule: a figure restated in parentheses
(四分之一(25%)), an amount with its stated conversion (7万亿美元(约合人民币50.26万亿元)) against
the dated exchange-rate table, and a range whose low end is above its high end.

Rule ids ``derive.restatement``, ``derive.conversion`` and ``derive.range-order`` keep the
name of the module they were first written in: users' suppression comments and
configuration name them.  One pass over the article's mentions in order: O(mentions).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Sequence

from ..amounts import interval_text, number_text, value_text
from ..interval import interval, is_money, scalar_unit
from ..model import DEFAULT_SEVERITY, Claim, Document, Finding, Mention
from .arithmetic import rate_text, ratio_text
from .rates import AppliedRate, RateTable, default_rates

#: Rule ids of the checks that need no rule.
RESTATEMENT_RULE = "derive.restatement"
CONVERSION_RULE = "derive.conversion"
RANGE_ORDER_RULE = "derive.range-order"


# What may stand between a figure and its restatement, and after it.
# Accepted: "(", " （", "(约合", "(约合人民币", "(即", "(相当于". The restated figure's
# own span may already include 约合人民币; the text matched is the matching view
# (full-width brackets folded to ASCII).
_RESTATE_OPEN = re.compile(
    r"""^\s*\(\s*
        (?P<connector>约合|折合|约为|大约|约|合|即|相当于)?\s*
        (?P<currency>人民币|美元|港元|港币|欧元|日元|新台币|台币|英镑)?\s*$""",
    re.VERBOSE)
_RESTATE_CLOSE = re.compile(r"^\s*\)")


def check_document(doc: Document, mentions: Sequence[Mention], *, show_consistent: bool = False,
                   rates: RateTable | None = None) -> list[Finding]:
    """Generic checks over one document's mentions (no rule needed):

    * a figure restated in parentheses must agree (四分之一(25%)): rule ``derive.restatement``;
    * an amount with its stated conversion must agree with the dated exchange rate
      (7万亿美元(约合人民币50.26万亿元)): rule ``derive.conversion``;
    * a range must not run backwards (low above high): rule ``derive.range-order``."""
    rates = rates or default_rates()
    ordered = sorted(mentions, key=lambda m: (m.start, m.end))
    findings: list[Finding] = []
    for m in ordered:
        q = m.quantity
        if q.low is not None and q.high is not None and q.low > q.high:
            claim = _generic_claim(doc, m, RANGE_ORDER_RULE)
            findings.append(Finding(
                kind="arithmetic", severity=DEFAULT_SEVERITY["arithmetic"], rule=RANGE_ORDER_RULE, subject="",
                metric="", message=f"the range {m.text} runs backwards: its low end is above its high end",
                claims=(claim,),
                detail=f"{m.text}: low {number_text(q.low)} > high {number_text(q.high)}"))
    for first, second in zip(ordered, ordered[1:]):
        if second.start < first.end:
            continue
        if not _RESTATE_OPEN.match(doc.norm[first.end:second.start]):
            continue
        if not _RESTATE_CLOSE.match(doc.norm[second.end:second.end + 3]):
            continue
        finding = _compare_restatement(doc, first, second, rates, show_consistent)
        if finding is not None:
            findings.append(finding)
    findings.sort(key=Finding.sort_key)
    return findings


def _generic_claim(doc: Document, m: Mention, rule: str) -> Claim:
    sentence, start = doc.sentence_text(m.start, m.end)
    return Claim(rule=rule, subject="", metric="", qualifiers=(), mention=m, path=doc.path, sentence=sentence,
                 sentence_start=start, doc_date=doc.date)


def _compare_restatement(doc: Document, first: Mention, second: Mention, rates: RateTable,
                         show_consistent: bool) -> Finding | None:
    qa, qb = first.quantity, second.quantity
    core_a, wide_a = interval(qa, widen=False, unit=scalar_unit(qa.unit)), interval(qa, unit=scalar_unit(qa.unit))
    core_b, wide_b = interval(qb, widen=False, unit=scalar_unit(qb.unit)), interval(qb, unit=scalar_unit(qb.unit))
    if is_money(qa.unit) and is_money(qb.unit) and qa.unit != qb.unit:
        applied = rates.lookup(qa.unit, qb.unit, doc.date)
        if applied is None:
            return None
        rule = CONVERSION_RULE
        exact = AppliedRate(applied.rate, Decimal(0), applied.period, applied.source, applied.note)
        computed_core = exact.convert(core_a, qb.unit)
        computed_wide = applied.convert(wide_a, qb.unit)
        how = (f"{first.text} = {value_text(qa)} × {rate_text(applied.rate)} {qb.unit}/{qa.unit} "
               f"({applied.note}; ±{number_text(applied.tolerance * 100)}% for the day's rate; {applied.source}) "
               f"= {interval_text(computed_core, qb.unit)}")
        if core_a.is_point and core_b.is_point and core_a.lo:
            how += f"; the stated conversion implies {rate_text(core_b.lo / core_a.lo)} {qb.unit}/{qa.unit}"
    elif qa.unit == qb.unit:
        rule = RESTATEMENT_RULE
        computed_core, computed_wide = core_a, wide_a
        how = f"{first.text} = {value_text(qa)}"
    else:
        return None
    ok = computed_wide.overlaps(wide_b)
    claims = (_generic_claim(doc, first, rule), _generic_claim(doc, second, rule))
    stated = f"the parentheses state {value_text(qb)} ({second.text})"
    if ok:
        if not show_consistent:
            return None
        return Finding(kind="consistent", severity=DEFAULT_SEVERITY["consistent"], rule=rule, subject="", metric="",
                       message=f"{first.text} agrees with its restatement {second.text}", claims=claims,
                       detail=f"{how}; {stated}: they agree within the written precision")
    if core_b.lo > computed_core.hi:
        off = f"{ratio_text(core_b.lo, computed_core.hi)}× the computed value"
    else:
        off = f"{ratio_text(computed_core.lo, core_b.hi)}× below the computed value"
    return Finding(kind="arithmetic", severity=DEFAULT_SEVERITY["arithmetic"], rule=rule, subject="", metric="",
                   message=f"{first.text} does not match its restatement {second.text}", claims=claims,
                   detail=f"{how}; {stated}, {off}")


__all__ = ["CONVERSION_RULE", "RANGE_ORDER_RULE", "RESTATEMENT_RULE", "check_document"]
