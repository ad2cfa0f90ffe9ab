"""How a value is written for people, in messages, details and every output format: one
style everywhere.

* People read amounts in 万/亿/万亿 words, the rest with grouped digits: ``87.5亿``,
  ``3万–5万``, ``2,500``, ``0.04``, ``33.333`` (at most ``SIGNIFICANT`` significant digits).
* The unit follows as Chinese copy writes it: ``98%``, ``13倍``, ``0.5个百分点``,
  ``3万张`` (the measure word of a count), ``900亿美元`` (a currency word; an ISO code
  where there is none: ``120 INR``), ``5 nm``.
* Machines get exact digits (``decimal_text``): JSON and SARIF numbers never pass
  through a float.
"""

from __future__ import annotations

import datetime as _dt
from decimal import Decimal

from .interval import Interval
from .model import Quantity

#: Decimal places of the number before 万/亿/万亿 (87.5亿, 3.0512万).
SCALED_PLACES = Decimal("0.0001")
#: Significant digits shown of a number that is not a whole one (2.2293, 33.3333, 0.04).
SIGNIFICANT = 5

#: Chinese place-value words, largest first, with their size.
_SCALES = ((Decimal(10) ** 12, "万亿"), (Decimal(10) ** 8, "亿"), (Decimal(10) ** 4, "万"))

#: How a currency is written after an amount.
CURRENCY_WORD = {"USD": "美元", "CNY": "元", "HKD": "港元", "TWD": "新台币", "EUR": "欧元", "JPY": "日元",
                 "GBP": "英镑", "KRW": "韩元"}

#: Symbols printed for a bound before the value ("exact" prints nothing).
BOUND_SYMBOLS = {"exact": "", "approx": "≈", "gt": ">", "ge": "≥", "lt": "<", "le": "≤"}


def decimal_text(value: Decimal) -> str:
    """A Decimal written out in full, without exponent or trailing zeros, for machines:
    Decimal("7E+12") -> "7000000000000", Decimal("0.040") -> "0.04"."""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def grouped(value: Decimal) -> str:
    """Digits with thousands separators, every digit kept: 30000 -> "30,000"."""
    text = decimal_text(value)
    sign = "-" if text.startswith("-") else ""
    whole, _, frac = text.lstrip("-").partition(".")
    return sign + f"{int(whole):,}" + ("." + frac if frac else "")


def number_text(value: Decimal) -> str:
    """A number for people: 87.5亿, 3万, 7万亿, 2,500, 0.04, 2.2293, ∞.

    At most ``SIGNIFICANT`` significant digits, never fewer than the integer part has: a
    computed ratio reads 2.2293, not 2.229299363; a per-token price 0.0000025."""
    if not value.is_finite():
        return "∞" if value > 0 else "−∞"
    magnitude = abs(value)
    for size, word in _SCALES:
        scaled = (value / size).quantize(SCALED_PLACES)
        # 9999.99999万 rounds to 1亿: a word applies when the value, rounded at it, reaches 1
        if magnitude >= size or (size > _SCALES[-1][0] and abs(scaled) >= 1):
            return grouped(_significant(scaled)) + word
    return grouped(_significant(value))


def _significant(value: Decimal) -> Decimal:
    if value == 0:
        return value
    places = max(0, min(10, SIGNIFICANT - (value.adjusted() + 1)))
    return value.quantize(Decimal(1).scaleb(-places)).normalize()


def unit_suffix(unit: str, classifier: str | None = None) -> str:
    """What follows a number of this unit: "%", "倍", "个百分点", the measure word, a
    currency word, or " nm"."""
    if unit == "percent":
        return "%"
    if unit == "times":
        return "倍"
    if unit == "pp":
        return "个百分点"
    if unit == "count":
        return classifier or ""
    if unit in ("number", ""):
        return ""
    if unit in CURRENCY_WORD:
        return CURRENCY_WORD[unit]
    return " " + unit


def amount_text(value: Decimal, unit: str, classifier: str | None = None) -> str:
    """One amount with its unit: 900亿美元, 98%, 3万张; a date (unit ``date``) as ISO 2027-12-31."""
    if unit == "date":
        return date_text(value)
    return number_text(value) + unit_suffix(unit, classifier)


def date_text(value: Decimal) -> str:
    """A day given as its proleptic ordinal, as ISO: 2027-12-31."""
    if not value.is_finite():
        return "…"
    return _dt.date.fromordinal(int(value)).isoformat()


def difference_text(value: Decimal, unit: str, classifier: str | None = None) -> str:
    """How far apart two amounts are: "5万张", "1 percentage point", "2.5 percentage points",
    "92 days"."""
    if unit == "date":
        return f"{number_text(value)} day{'' if value == 1 else 's'}"
    if unit == "percent":
        return f"{number_text(value)} percentage point{'' if value == 1 else 's'}"
    return amount_text(value, unit, classifier)


def interval_text(iv: Interval, unit: str | None = None, classifier: str | None = None) -> str:
    """An interval for people: 8.75亿–10.5亿美元, ≥13倍, 900亿美元."""
    unit = iv.unit if unit is None else unit
    if iv.lo == iv.hi:
        body = number_text(iv.lo)
    elif not iv.hi.is_finite():
        body = f"≥{number_text(iv.lo)}"
    elif not iv.lo.is_finite():
        body = f"≤{number_text(iv.hi)}"
    else:
        body = f"{number_text(iv.lo)}–{number_text(iv.hi)}"
    return body + unit_suffix(unit, classifier)


def value_text(q: Quantity) -> str:
    """A quantity's normalized value for people: "3万–5万张", "> 80%", "≈ 0.04美元",
    "300万美元/天", "2027-10-01–2027-12-31"."""
    if q.unit == "date" and q.low is not None and q.high is not None:
        return date_text(q.low) if q.low == q.high else f"{date_text(q.low)}–{date_text(q.high)}"
    if q.low is not None and q.high is not None and q.low != q.high:
        body = f"{number_text(q.low)}–{number_text(q.high)}"
    elif q.low is not None:
        body = number_text(q.low)
    elif q.high is not None:
        body = number_text(q.high)
    else:
        body = "?"
    symbol = BOUND_SYMBOLS.get(q.bound, q.bound)
    if q.bound in ("gt", "ge") and q.high is not None and q.low is not None and q.low != q.high:
        symbol = ""  # a bounded range already shows both ends
    prefix = f"{symbol} " if symbol else ""
    suffix = f"/{q.per}" if q.per else ""
    return f"{prefix}{body}{unit_suffix(q.unit, q.classifier)}{suffix}"


__all__ = ["BOUND_SYMBOLS", "CURRENCY_WORD", "amount_text", "decimal_text", "difference_text", "grouped",
           "interval_text", "number_text", "unit_suffix", "value_text"]
