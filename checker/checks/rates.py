"""Dated exchange rates (``checker/data/exchange_rates.yaml``), for the stated-conversion
check and for arithmetic checks that mix currencies.

The table is read with the rule files' reader (``rules.source.read_yaml``), so a rate may
be written as a YAML number: it is read as an exact Decimal, never a float.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from decimal import ROUND_UP, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Sequence

from ..errors import RuleFileError
from ..interval import Interval
from ..resources import data_path
from ..rules.source import Locator, positions, read_yaml

#: A tolerance as the table writes it: "5%".
_PERCENT = re.compile(r"^\s*(?P<value>\d+(?:\.\d+)?)\s*%\s*$")


@dataclass(frozen=True, slots=True)
class Rate:
    """``rate`` units of ``quote`` per unit of ``base`` over ``period`` ("2024" or "2024-02")."""

    base: str
    quote: str
    period: str
    rate: Decimal
    tolerance: Decimal
    source: str


@dataclass(frozen=True, slots=True)
class AppliedRate:
    """A rate as used for one conversion, with why it was chosen."""

    rate: Decimal  #: units of the target currency per unit of the source currency
    tolerance: Decimal
    period: str
    source: str
    note: str  #: "2024 average", "latest rate (2024 average): the article has no date"

    def convert(self, value: Interval, unit: str) -> Interval:
        return Interval(value.lo * self.rate * (1 - self.tolerance) if value.lo.is_finite() else value.lo,
                        value.hi * self.rate * (1 + self.tolerance) if value.hi.is_finite() else value.hi, unit)


_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>0[1-9]|1[0-2]))?$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


class RateTable:
    """Dated exchange rates (``checker/data/exchange_rates.yaml``)."""

    def __init__(self, rates: Sequence[Rate], path: str | None = None):
        self.rates = list(rates)
        self.path = path

    @classmethod
    def load(cls, path: str | Path | None = None) -> "RateTable":
        """Read a rates file; a bad file raises :class:`RuleFileError` with its line."""
        path = Path(path) if path is not None else data_path("exchange_rates.yaml")
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise RuleFileError(f"cannot read exchange rates: {exc}", code="E301", path=str(path)) from exc
        value = read_yaml(text, str(path)) or {}
        loc = Locator(str(path), positions(value))
        if not isinstance(value, Mapping) or not isinstance(value.get("rates"), list):
            raise RuleFileError("an exchange-rate file needs a 'rates:' list", code="E303", **loc.where(()))
        rates = []
        for i, item in enumerate(value["rates"]):
            where = loc.where(("rates", i))
            if not isinstance(item, Mapping):
                raise RuleFileError("each rate must be a mapping", **where)
            missing = [k for k in ("base", "quote", "period", "rate", "source") if k not in item]
            if missing:
                raise RuleFileError(f"rate entry lacks {', '.join(missing)}", code="E303", **where)
            unknown = set(item) - {"base", "quote", "period", "rate", "tolerance", "source"}
            if unknown:
                raise RuleFileError(f"unknown key {sorted(unknown)[0]!r} in a rate entry", code="E302", **where)
            if not (_CURRENCY.match(str(item["base"])) and _CURRENCY.match(str(item["quote"]))):
                raise RuleFileError("base and quote must be ISO 4217 codes such as USD, CNY", **where)
            if not _PERIOD.match(str(item["period"])):
                raise RuleFileError(f"bad period {item['period']!r}", hint="write \"2024\" or \"2024-02\" (quoted)",
                                    **where)
            try:
                rate = Decimal(str(item["rate"]))
            except ArithmeticError:
                raise RuleFileError(f"bad rate {item['rate']!r}", hint="write a decimal such as 7.1217",
                                    **where) from None
            if not rate.is_finite() or rate <= 0:
                raise RuleFileError(f"bad rate {item['rate']!r}", hint="write a positive decimal such as 7.1217",
                                    **where)
            tol = _PERCENT.match(str(item.get("tolerance", "0%")))
            if not tol:
                raise RuleFileError(f"bad tolerance {item.get('tolerance')!r}", hint="write e.g. '5%'", **where)
            rates.append(Rate(str(item["base"]), str(item["quote"]), str(item["period"]), rate,
                              Decimal(tol.group("value")) / 100, str(item["source"])))
        return cls(rates, str(path))

    def lookup(self, base: str, quote: str, date: _dt.date | None) -> AppliedRate | None:
        """The rate to convert ``base`` into ``quote`` on ``date``: the month, else the
        year, else the latest known period (said so in ``note``); None if the pair is
        not in the table in either direction."""
        if base == quote:
            return AppliedRate(Decimal(1), Decimal(0), "", "", "same currency")
        direct = [r for r in self.rates if r.base == base and r.quote == quote]
        inverse = [r for r in self.rates if r.base == quote and r.quote == base]
        pool, inverted = (direct, False) if direct else (inverse, True)
        if not pool:
            return None
        chosen = None
        note = ""
        if date is not None:
            month = f"{date.year:04d}-{date.month:02d}"
            chosen = next((r for r in pool if r.period == month), None)
            if chosen is None:
                chosen = next((r for r in pool if r.period == f"{date.year:04d}"), None)
            if chosen is not None:
                note = f"{chosen.period} average, for the article's date {date.isoformat()}"
        tolerance = chosen.tolerance if chosen is not None else None
        if chosen is None:
            # The day's rate is not known: any rate the table has seen may be the one the
            # article used, so the tolerance spans them all (a conversion is wrong only if no
            # known rate gives it), around the latest.
            chosen = max(pool, key=lambda r: (r.period[:4], r.period))
            lowest = min(r.rate * (1 - r.tolerance) for r in pool)
            highest = max(r.rate * (1 + r.tolerance) for r in pool)
            tolerance = max(1 - lowest / chosen.rate, highest / chosen.rate - 1)
            if inverted:  # 1/x over [lo, hi] is [1/hi, 1/lo] around 1/rate
                tolerance = max(1 - chosen.rate / highest, chosen.rate / lowest - 1)
            tolerance = tolerance.quantize(Decimal("0.001"), rounding=ROUND_UP)
            why = "the article has no date" if date is None else f"no rate for {date.isoformat()}"
            years = sorted({r.period[:4] for r in pool})
            span = years[0] if len(years) == 1 else f"{years[0]}–{years[-1]}"
            note = (f"latest rate in the table ({chosen.period} average), widened to every rate of "
                    f"{span}: {why}")
        rate = 1 / chosen.rate if inverted else chosen.rate
        return AppliedRate(rate, tolerance, chosen.period, chosen.source, note)


@lru_cache(maxsize=1)


def default_rates() -> RateTable:
    """The shipped exchange-rate table."""
    return RateTable.load()


__all__ = ["AppliedRate", "Rate", "RateTable", "default_rates"]
