"""Claim <-> row: plain values only, numbers as their exact decimal text (never REAL), so a
claim read back equals the claim attributed."""

from __future__ import annotations

import datetime as _dt
import json
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Sequence

from ..model import Claim, Mention, Quantity

def encode_number(value: Decimal | Fraction | None) -> str | None:
    """The exact text of a number: ``str(Decimal)`` (keeps sign, digits and
    exponent, so it reads back identical), or ``"n/d"`` for a Fraction."""
    if value is None:
        return None
    if isinstance(value, (Decimal, Fraction)):
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(Decimal(value))
    raise TypeError(f"numbers in claims must be Decimal or Fraction, not {type(value).__name__}: {value!r}")


@lru_cache(maxsize=65536)
def decode_number(text: str | None) -> Decimal | Fraction | None:
    """A stored number back to its exact value (immutable, so repeated texts share one)."""
    if text is None:
        return None
    if "/" in text:
        return Fraction(text)
    return Decimal(text)


@lru_cache(maxsize=8192)
def decode_qualifiers(text: str) -> tuple[tuple[str, str], ...]:
    return tuple(tuple(pair) for pair in json.loads(text))


@lru_cache(maxsize=8192)
def decode_date(text: str | None) -> _dt.date | None:
    return _dt.date.fromisoformat(text) if text else None


def encode_qualifiers(qualifiers: tuple[tuple[str, str], ...]) -> str:
    return json.dumps([list(pair) for pair in qualifiers], ensure_ascii=False, separators=(",", ":"))


def claim_row(claim: Claim) -> tuple:
    """A claim as a row of _CLAIM_COLUMNS (plain values only, cheap to pickle)."""
    m = claim.mention
    q = m.quantity
    return (claim.rule, claim.subject, claim.metric, encode_qualifiers(claim.qualifiers),
            m.start, m.end, m.line, m.col, m.text,
            encode_number(q.low), encode_number(q.high), q.bound, q.unit, q.classifier,
            encode_number(q.step), int(q.vague), q.per,
            claim.path, claim.sentence, claim.sentence_start, claim.time, claim.source,
            claim.doc_date.isoformat() if claim.doc_date else None, int(claim.negated),
            encode_qualifiers(claim.evidence))


def claim_from_row(row: Sequence) -> Claim:
    """The inverse of claim_row: a Claim equal to the one that was stored."""
    (rule, subject, metric, qualifiers, start, end, line, col, text, low, high, bound, unit, classifier,
     step, vague, per, path, sentence, sentence_start, time_, source, doc_date, negated, evidence) = row
    quantity = Quantity(low=decode_number(low), high=decode_number(high), bound=bound, unit=unit,
                        classifier=classifier, step=decode_number(step), vague=bool(vague), per=per)
    mention = Mention(start=start, end=end, line=line, col=col, text=text, quantity=quantity)
    return Claim(rule=rule, subject=subject, metric=metric,
                 qualifiers=decode_qualifiers(qualifiers),
                 mention=mention, path=path, sentence=sentence, sentence_start=sentence_start,
                 time=time_, source=source,
                 doc_date=decode_date(doc_date), negated=bool(negated),
                 evidence=decode_qualifiers(evidence) if evidence else ())


# --- a claim's interval, for range queries ---------------------------------------------------

#: Digits kept when a Fraction side is written as a decimal bound (rounded outwards).
_FRACTION_DIGITS = 40


def interval_of(q: Quantity) -> tuple[Decimal | None, Decimal | None, bool, bool] | None:
    """The stated interval of a quantity as (low, high, low_inclusive, high_inclusive),
    None sides open (unbounded); None for an empty interval.  ``gt`` excludes its low
    side, ``lt`` its high side; a Fraction side is rounded outwards to a Decimal.  This is
    the value as written (no tolerance: the archive knows no rules)."""
    low, high = _decimal(q.low, floor=True), _decimal(q.high, floor=False)
    low_inc, high_inc = q.bound != "gt", q.bound != "lt"
    if isinstance(q.low, Fraction):
        low_inc = True
    if isinstance(q.high, Fraction):
        high_inc = True
    if low is not None and high is not None and (low > high or (low == high and not (low_inc and high_inc))):
        return None
    return low, high, low_inc, high_inc


def _decimal(value, *, floor: bool) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, Fraction):
        import decimal

        ctx = decimal.Context(prec=_FRACTION_DIGITS,
                              rounding=decimal.ROUND_FLOOR if floor else decimal.ROUND_CEILING)
        return ctx.divide(Decimal(value.numerator), Decimal(value.denominator))
    return Decimal(value)


def span_text(q: Quantity) -> str:
    """The interval as a PostgreSQL ``numrange`` literal: ``[98,98]``, ``(80,)``, ``empty``."""
    iv = interval_of(q)
    if iv is None:
        return "empty"
    low, high, low_inc, high_inc = iv
    return (("[" if low_inc and low is not None else "(") + ("" if low is None else str(low)) + ","
            + ("" if high is None else str(high)) + ("]" if high_inc and high is not None else ")"))


def outside(q: Quantity, low: Decimal | None, high: Decimal | None) -> bool:
    """True when the quantity's interval lies wholly below ``low`` or wholly above
    ``high`` (the closed query interval [low, high], None open): PostgreSQL's
    ``span << q OR span >> q``, the same answer on every backend."""
    iv = interval_of(q)
    if iv is None:
        return False
    q_low, q_high, low_inc, high_inc = iv
    below = low is not None and q_high is not None and (q_high < low or (q_high == low and not high_inc))
    above = high is not None and q_low is not None and (q_low > high or (q_low == high and not low_inc))
    return below or above


__all__ = ["claim_from_row", "claim_row", "decode_number", "encode_number", "encode_qualifiers", "interval_of",
           "outside", "span_text"]
