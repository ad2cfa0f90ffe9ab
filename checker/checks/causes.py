"""Likely causes of a disagreement, stated only where the arithmetic fits (statcheck's
``diagnose``, for journalism).

``likely_cause(a, b)`` looks at the two claims of a conflict pair (their quantities as
written, their articles' dates) and names the common slip that turns one figure into the
other, if one does:

* a magnitude slip: 万 for 亿 (× 10⁴), thousand for million (× 10³: a price per 1,000
  tokens read as per million), or any other magnitude word;
* a missing magnitude: 4,500美元 written for 4,500亿美元 (one side has no magnitude word,
  and restoring the other's makes the two agree);
* a digit transposition: 37.2 for 32.7 (the same digits, two of them swapped);
* percent for percentage points: 3% against 3个百分点;
* another currency: 元 in an article in Traditional Chinese read as Hong Kong or New Taiwan
  dollars (the value converted with the dated rate of ``rates.py`` agrees with the other);
* a stale figure: no arithmetic fits, and one article is older than the other.

A cause is given only when the corrected value's interval overlaps the other side's; an
empty string means no common slip explains the pair, and nothing is guessed.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ..amounts import amount_text, number_text, value_text
from ..interval import Interval, interval
from ..model import Claim
from ..rules import ClaimRule
from ..text import to_simplified
from .rates import default_rates

#: Magnitude factors people slip between, largest first, with how the slip is named.
#: A factor of 10⁴ between two figures that both carry a magnitude word is 万 ↔ 亿 (or
#: 亿 ↔ 万亿); 10³ is thousand ↔ million (千 ↔ 百万, per 1K tokens ↔ per 1M tokens).
FACTORS = (
    (Decimal(10) ** 8, "亿"),
    (Decimal(10) ** 4, "万"),
    (Decimal(10) ** 3, "千"),
    (Decimal(10) ** 6, "百万"),
)
#: Magnitude words as they are written in a quantity's text (after Traditional → Simplified).
MAGNITUDE_WORD = re.compile(r"万亿|亿|万|千|百万|(?<![a-zA-Z])[kKmMbB](?![a-zA-Z])|thousand|million|billion|trillion",
                            re.IGNORECASE)
#: The digits of a written number (full-width digits are folded by NFKC before this is used).
_DIGITS = re.compile(r"\d")
#: Currencies whose sign is written 元 where the article is in Traditional Chinese.
LOCAL_YUAN = (("HKD", "Hong Kong dollars"), ("TWD", "New Taiwan dollars"))
#: A figure is stale when its article is at least this many days older than the other's.
STALE_DAYS = 28


def likely_cause(a: Claim, b: Claim, rule: ClaimRule | None = None) -> str:
    """The common slip that explains why claims ``a`` and ``b`` disagree, or ""."""
    for find in (_magnitude, _transposition, _percent_points, _currency):
        text = find(a, b, rule) or find(b, a, rule)
        if text:
            return text
    return _stale(a, b) or _stale(b, a)


def _span(claim: Claim, rule: ClaimRule | None) -> Interval:
    q = claim.mention.quantity
    if rule is None:
        return interval(q)
    return interval(q, tolerance=rule.tolerance, relative=rule.tolerance_relative)


def _scaled(iv: Interval, factor: Decimal) -> Interval:
    return Interval(iv.lo * factor if iv.lo.is_finite() else iv.lo, iv.hi * factor if iv.hi.is_finite() else iv.hi,
                    iv.unit, iv.lo_open, iv.hi_open)


def _finite(iv: Interval) -> bool:
    return iv.is_finite() and iv.hi > 0


def _who(claim: Claim) -> str:
    return f"{claim.path}:{claim.mention.line}"


def _written(claim: Claim) -> str:
    return to_simplified(claim.mention.text)


def _magnitude(small: Claim, large: Claim, rule: ClaimRule | None) -> str:
    """``small`` × a magnitude factor agrees with ``large``."""
    qs, ql = small.mention.quantity, large.mention.quantity
    if qs.unit != ql.unit or qs.unit in ("percent", "pp"):
        return ""
    si, li = _span(small, rule), _span(large, rule)
    if not (_finite(si) and _finite(li)):
        return ""
    for factor, word in FACTORS:
        if not _scaled(si, factor).overlaps(li):
            continue
        times = f"{number_text(factor)} times"
        small_words = set(MAGNITUDE_WORD.findall(_written(small)))
        large_words = set(MAGNITUDE_WORD.findall(_written(large)))
        if not small_words and large_words:
            return (f"a missing magnitude: {_who(small)} writes {small.mention.text} ({value_text(qs)}); with "
                    f"the {word} of {_who(large)}'s {large.mention.text} the two agree ({times})")
        if factor == Decimal(10) ** 4 and small_words and large_words:
            return (f"万 and 亿 confused: {_who(large)}'s {large.mention.text} is {times} "
                    f"{_who(small)}'s {small.mention.text}, one magnitude word (万 ↔ 亿) apart")
        if factor == Decimal(10) ** 3:
            what = " (a price per thousand tokens read as per million?)" if _per_token(small, large) else ""
            return (f"thousand and million confused: {_who(large)}'s {large.mention.text} is {times} "
                    f"{_who(small)}'s {small.mention.text}{what}")
        return (f"a magnitude slip: {_who(large)}'s {large.mention.text} is {times} "
                f"{_who(small)}'s {small.mention.text} (a {word} written or dropped)")
    return ""


def _per_token(*claims: Claim) -> bool:
    return any("token" in c.sentence.lower() or "词元" in c.sentence or (c.mention.quantity.per or "")
               for c in claims)


def _digits(claim: Claim) -> str:
    """The digits of the number as written (its first number: 37.2 of 37.2亿), with the
    position of its decimal point."""
    m = re.search(r"\d[\d,.]*", claim.mention.text)
    return m.group(0).replace(",", "") if m else ""


def _transposition(a: Claim, b: Claim, rule: ClaimRule | None) -> str:
    """The two numbers are written with the same digits, two of them swapped (37.2 ↔ 32.7),
    in the same unit and magnitude word."""
    qa, qb = a.mention.quantity, b.mention.quantity
    if qa.unit != qb.unit or qa.is_range() or qb.is_range():
        return ""
    da, db = _digits(a), _digits(b)
    if not da or len(da) != len(db) or da == db or da.find(".") != db.find("."):
        return ""
    if MAGNITUDE_WORD.findall(_written(a)) != MAGNITUDE_WORD.findall(_written(b)):
        return ""
    diff = [i for i, (x, y) in enumerate(zip(da, db)) if x != y]
    if len(diff) != 2 or da[diff[0]] != db[diff[1]] or da[diff[1]] != db[diff[0]]:
        return ""
    if a.path > b.path or (a.path == b.path and a.mention.start > b.mention.start):
        a, b = b, a
    return (f"a digit transposition: {_who(a)}'s {a.mention.text} and {_who(b)}'s {b.mention.text} "
            f"are written with the same digits, two of them swapped")


def _percent_points(pct: Claim, pp: Claim, rule: ClaimRule | None) -> str:
    """A change in percent against the same number in percentage points."""
    qa, qb = pct.mention.quantity, pp.mention.quantity
    if (qa.unit, qb.unit) != ("percent", "pp"):
        return ""
    ia, ib = _span(pct, rule), _span(pp, rule)
    if not Interval(ia.lo, ia.hi, "", ia.lo_open, ia.hi_open).overlaps(Interval(ib.lo, ib.hi, "", ib.lo_open,
                                                                                ib.hi_open)):
        return ""
    return (f"percent and percentage points confused: {_who(pct)} writes {pct.mention.text}, {_who(pp)} "
            f"{pp.mention.text}; a change of {number_text(qb.low if qb.low is not None else qb.high)} "
            f"percentage points is not a change of that many percent")


def _traditional(claim: Claim) -> bool:
    """The claim's sentence is written in Traditional Chinese (folding it changes it)."""
    return to_simplified(claim.sentence) != claim.sentence


def _currency(local: Claim, other: Claim, rule: ClaimRule | None) -> str:
    """``local``'s 元, in an article in Traditional Chinese, read as HKD or TWD, converted
    into 人民币 with the dated rate, agrees with ``other``'s amount in 元."""
    ql, qo = local.mention.quantity, other.mention.quantity
    if ql.unit != "CNY" or qo.unit != "CNY" or not _traditional(local) or "人民币" in to_simplified(local.sentence):
        return ""
    li, oi = _span(local, rule), _span(other, rule)
    if not (_finite(li) and _finite(oi)):
        return ""
    table = default_rates()
    for code, name in LOCAL_YUAN:
        to_usd = table.lookup(code, "USD", local.doc_date)
        usd_cny = table.lookup("USD", "CNY", local.doc_date)
        if to_usd is None or usd_cny is None:
            continue
        rate = to_usd.rate * usd_cny.rate
        tol = to_usd.tolerance + usd_cny.tolerance
        converted = Interval(li.lo * rate * (1 - tol), li.hi * rate * (1 + tol), "CNY")
        if converted.overlaps(oi):
            mid = (ql.low + ql.high) / 2 if ql.low is not None and ql.high is not None else (ql.low or ql.high)
            shown = amount_text(_three_digits(mid * rate), "CNY")
            return (f"another currency: {_who(local)} is in Traditional Chinese, where 元 may mean {name} "
                    f"({code}); {local.mention.text} in {code} is about {shown} in 人民币 at 1 {code} = "
                    f"{number_text(rate.quantize(Decimal('0.0001')))}元 ({to_usd.period or usd_cny.period} "
                    f"rates), which agrees with {_who(other)}'s {other.mention.text}")
    return ""


def _three_digits(value: Decimal) -> Decimal:
    """A converted amount to three significant digits (91.3亿, not 91.2637亿)."""
    if value == 0:
        return value
    return value.quantize(Decimal(1).scaleb(value.adjusted() - 2)).normalize()


def _stale(old: Claim, new: Claim) -> str:
    """No slip fits, and ``old``'s article is older than ``new``'s: the figure may have moved."""
    if old.doc_date is None or new.doc_date is None:
        return ""
    days = (new.doc_date - old.doc_date).days
    if days < STALE_DAYS:
        return ""
    months = round(days / 30.44)
    age = f"{months} months" if months >= 2 else f"{days} days"
    return (f"a stale figure: {_who(old)} ({old.mention.text}) was published {old.doc_date.isoformat()}, "
            f"{age} before {_who(new)} ({new.mention.text}, {new.doc_date.isoformat()}); the figure may have "
            f"changed in between")


__all__ = ["FACTORS", "STALE_DAYS", "likely_cause"]
