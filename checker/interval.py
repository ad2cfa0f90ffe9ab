"""A written number as an interval of values, and interval arithmetic: one definition for
comparison across articles and for the arithmetic checks inside one.

What a written quantity allows (``interval``), in DESIGN.md's terms:

* an exact figure is its value ± half the place value of its last written digit
  (``Quantity.step``), as a **half-open** interval: ``98%`` is [97.5, 98.5) and ``7万亿``
  [6.5万亿, 7.5万亿), so adjacent integers never agree (32个月 is [31.5, 32.5), 33个月
  [32.5, 33.5));
* a range keeps its ends, closed and not widened: ``2.5万-3万美元`` is [25000, 30000];
* a bound is not widened: ``超过80%`` is (80, 100], ``至少90%`` [90, 100], ``不到1%``
  [0, 1), ``不超过5万`` [0, 5万];
* ``约``/``接近`` (bound ``approx``) widen a figure to ``APPROX_WIDENING`` of its magnitude
  on each side, or to its written precision where that is wider: ``约25亿`` is [23.75亿,
  26.25亿], so it disagrees with 27亿; a range written with 约 widens each end by it;
* the rule's ``tolerance`` widens both ends, by an amount in the unit or by a share of
  the value (``relative``);
* a percent lies in [0, 100]; counts, bare numbers, ratios and money are never negative;
  a change in percentage points (``pp``) may be.

``widen=False`` gives the figure as stated, without precision, approximation or tolerance
(``35万`` is [35万, 35万]): what a computation shows to people.

Arithmetic (``+ - * /``) treats every interval as closed: a check holds when some values
inside the intervals satisfy it, so an open end never turns rounding into an error.
Everything is ``Decimal``; an open side is ``±Infinity``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .model import Quantity

INF = Decimal("Infinity")
NEG_INF = Decimal("-Infinity")
ZERO = Decimal(0)
HUNDRED = Decimal(100)

#: 约, 接近, 大约 … widen a value by this share of its magnitude (on top of its precision).
APPROX_WIDENING = Decimal("0.05")

#: Units that carry no dimension in arithmetic: a count times a price is a price.
SCALAR_UNITS = frozenset({"", "count", "number", "times", "percent", "pp"})

#: Units whose values cannot be negative besides money: an open lower side stops at 0.
NON_NEGATIVE = frozenset({"percent", "count", "number", "times"})


class EvaluationError(ValueError):
    """An interval computation that has no answer (division by an interval containing
    zero, units that cannot be added)."""


def _mul(a: Decimal, b: Decimal) -> Decimal:
    """Product where 0 × ∞ is 0 (an endpoint at zero stays at zero)."""
    if a == 0 or b == 0:
        return ZERO
    return a * b


@dataclass(frozen=True, slots=True)
class Interval:
    """``[lo, hi]`` of Decimals (``±Infinity`` for an open side) in one unit, each end
    closed unless marked open.  Scalar units (count, percent, times …) are written ``""``
    by ``scalar_unit`` when used in arithmetic."""

    lo: Decimal
    hi: Decimal
    unit: str = ""
    lo_open: bool = False
    hi_open: bool = False

    def __post_init__(self):
        if self.lo > self.hi:
            raise EvaluationError(f"empty interval [{self.lo}, {self.hi}]")

    @classmethod
    def point(cls, value: Decimal, unit: str = "") -> "Interval":
        return cls(value, value, unit)

    @property
    def is_point(self) -> bool:
        return self.lo == self.hi

    def is_finite(self) -> bool:
        return self.lo.is_finite() and self.hi.is_finite()

    def contains(self, value: Decimal) -> bool:
        above = self.lo < value or (self.lo == value and not self.lo_open)
        below = value < self.hi or (value == self.hi and not self.hi_open)
        return above and below

    def overlaps(self, other: "Interval") -> bool:
        """True when some value lies in both (open ends respected: [31.5, 32.5) and
        [32.5, 33.5) do not overlap)."""
        if self.hi < other.lo or other.hi < self.lo:
            return False  # apart (the common case in a listing of conflicting claims)
        lo = self.lo if self.lo >= other.lo else other.lo
        hi = self.hi if self.hi <= other.hi else other.hi
        if lo < hi:
            return True
        return self.contains(lo) and other.contains(lo)

    def gap(self, other: "Interval") -> Decimal:
        """How far apart two intervals are (0 when they overlap or touch)."""
        if self.hi <= other.lo:
            return other.lo - self.hi
        if other.hi <= self.lo:
            return self.lo - other.hi
        return ZERO

    def closed(self) -> "Interval":
        return Interval(self.lo, self.hi, self.unit)

    # --- arithmetic (closed) ------------------------------------------------------------

    def __add__(self, other: "Interval") -> "Interval":
        return Interval(self.lo + other.lo, self.hi + other.hi, unit_sum(self.unit, other.unit))

    def __sub__(self, other: "Interval") -> "Interval":
        return Interval(self.lo - other.hi, self.hi - other.lo, unit_sum(self.unit, other.unit))

    def __neg__(self) -> "Interval":
        return Interval(-self.hi, -self.lo, self.unit)

    def __mul__(self, other: "Interval") -> "Interval":
        products = [_mul(a, b) for a in (self.lo, self.hi) for b in (other.lo, other.hi)]
        return Interval(min(products), max(products), _unit_product(self.unit, other.unit))

    def __truediv__(self, other: "Interval") -> "Interval":
        if other.lo > 0 or other.hi < 0:
            a = 1 / other.hi if other.hi not in (INF, NEG_INF) else ZERO
            b = 1 / other.lo if other.lo not in (INF, NEG_INF) else ZERO
            inv = Interval(min(a, b), max(a, b))
        elif other.lo == 0 and other.hi > 0:
            inv = Interval(1 / other.hi if other.hi != INF else ZERO, INF)
        else:
            raise EvaluationError("division by a value that may be zero")
        out = self * inv
        return Interval(out.lo, out.hi, _unit_quotient(self.unit, other.unit))

    def abs(self) -> "Interval":
        if self.lo >= 0:
            return self
        if self.hi <= 0:
            return -self
        return Interval(ZERO, max(-self.lo, self.hi), self.unit)

    def widen(self, relative: Decimal) -> "Interval":
        """Widen both ends by ``relative`` of their magnitude (5% -> Decimal('0.05'))."""
        if not relative:
            return self
        return Interval(self.lo - abs(self.lo) * relative if self.lo.is_finite() else self.lo,
                        self.hi + abs(self.hi) * relative if self.hi.is_finite() else self.hi, self.unit,
                        self.lo_open, self.hi_open)


def scalar_unit(unit: str | None) -> str:
    """The unit as interval arithmetic sees it: scalar units become ``""``."""
    return "" if unit is None or unit in SCALAR_UNITS else unit


def is_money(unit: str | None) -> bool:
    """An ISO 4217 code (USD, CNY …): three upper-case letters."""
    return bool(unit) and len(unit) == 3 and unit.isalpha() and unit.isupper()


def unit_sum(a: str, b: str) -> str:
    if a == b:
        return a
    if a == "":  # a bare literal added to an amount takes the amount's unit
        return b
    if b == "":
        return a
    raise EvaluationError(f"cannot add {a} and {b}")


def _unit_product(a: str, b: str) -> str:
    if a == "":
        return b
    if b == "":
        return a
    return f"{a}·{b}"


def _unit_quotient(a: str, b: str) -> str:
    if a == b:
        return ""
    if b == "":
        return a
    return f"{a}/{b}" if a else f"1/{b}"


def interval(q: Quantity, *, tolerance: Decimal = ZERO, relative: bool = False, widen: bool = True,
             unit: str | None = None) -> Interval:
    """The values a written quantity allows (see the module docstring).

    ``tolerance``/``relative``: the rule's tolerance (an amount in the unit, or a share of
    the value).  ``widen=False``: the figure as stated.  ``unit``: the unit the interval
    carries (default: ``q.unit``; arithmetic passes ``scalar_unit(q.unit)``)."""
    low, high = q.low, q.high
    point = low is not None and high is not None and low == high
    lo_open = hi_open = False
    if q.bound in ("gt", "ge") and low is not None and (point or high is None):
        lo, hi, lo_open = low, INF, q.bound == "gt"
    elif q.bound in ("lt", "le") and high is not None and (point or low is None):
        lo, hi, hi_open = NEG_INF, high, q.bound == "lt"
    else:
        lo = low if low is not None else NEG_INF
        hi = high if high is not None else INF
        if widen and point and q.step:
            half = q.step / 2
            lo, hi, hi_open = lo - half, hi + half, True
    if widen:
        if q.bound == "approx" and point:
            # 约 allows APPROX_WIDENING of the value each side, or its written precision where
            # that is wider: 约25亿 is [23.75亿, 26.25亿]; 约0.04美元 keeps its ±0.005
            spread = max(abs(low) * APPROX_WIDENING, q.step / 2 if q.step else ZERO)
            lo, hi, hi_open = low - spread, high + spread, False
        elif q.bound == "approx":
            lo = lo - abs(lo) * APPROX_WIDENING if lo.is_finite() else lo
            hi = hi + abs(hi) * APPROX_WIDENING if hi.is_finite() else hi
        if tolerance:
            lo = (lo - abs(lo) * tolerance if relative else lo - tolerance) if lo.is_finite() else lo
            hi = (hi + abs(hi) * tolerance if relative else hi + tolerance) if hi.is_finite() else hi
    if q.unit == "percent":
        if lo < 0:
            lo, lo_open = ZERO, False
        if hi > HUNDRED:
            hi, hi_open = HUNDRED, False
    elif q.unit in NON_NEGATIVE or is_money(q.unit):
        if lo < 0:
            lo, lo_open = ZERO, False
    return Interval(lo, hi, q.unit if unit is None else unit, lo_open, hi_open)


__all__ = ["APPROX_WIDENING", "EvaluationError", "INF", "Interval", "NEG_INF", "SCALAR_UNITS", "interval",
           "is_money", "scalar_unit"]
