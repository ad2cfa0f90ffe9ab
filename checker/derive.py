"""Arithmetic inside articles: figures that an article's own numbers must produce.

Two kinds of check:

* **Rule-driven checks** (``checks:`` in a rule file), formulas whose variables
  name claim rules: ``total ≈ count * price`` with ``count: ai-chips.meta-h100-count``.
  :func:`parse_checks` validates them; :func:`check_arithmetic` evaluates them over
  the claims of each article (``scope: corpus`` lets a variable come from another
  article when the article itself does not state it).
* **Generic checks** that need no rule, over one document's mentions
  (:func:`check_document`): a figure restated in parentheses (四分之一(25%)), an amount
  with its stated conversion (7万亿美元(约合人民币50.26万亿元)) against the dated
  exchange-rate table in ``checker/data/exchange_rates.yaml``, and a range whose
  low end is above its high end.

Every number is an interval: a stated value is widened by half the place value of
its last written digit (``Quantity.step``: 35万 is 34.5万-35.5万), 约/接近 widen by
:data:`APPROX_WIDENING`, a range is its two ends, an open bound is open.  The check
holds when some values inside the intervals satisfy it, so rounding never makes
an error; a failure shows the computation in ``Finding.detail``.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import yaml

from ._yamlpath import Locator, describe, plain
from .errors import RuleFileError
from .formula import (INF, NEG_INF, EvaluationError, Formula, FormulaError, Interval, Var, evaluate,
                      holds, parse_formula, render, scalar_unit)
from .model import DEFAULT_SEVERITY, Claim, Document, Finding, Mention, Quantity
from .resources import data_path

#: 约, 接近, 大约 … widen a value by this share of its magnitude (on top of its precision).
APPROX_WIDENING = Decimal("0.05")
#: At most this many combinations of candidate claims are tried per check and article.
MAX_COMBINATIONS = 256
#: Rule ids of the generic checks.
RESTATEMENT_RULE = "derive.restatement"
CONVERSION_RULE = "derive.conversion"
RANGE_ORDER_RULE = "derive.range-order"

LEVELS = {"info": "info", "suggestion": "info", "warning": "warning", "error": "error"}
SCOPES = ("article", "corpus")
_CHECK_KEYS = {"id", "formula", "variables", "scope", "tolerance", "level", "description", "subject", "metric"}
_CHECK_REQUIRED = ("id", "formula", "variables")
_VARIABLE_KEYS = {"rule", "subject", "qualifiers", "scope"}

# Check and rule ids: lower-case words joined by - and . ("meta-h100-spend", "ai-chips.h100-price").
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*(?:\.[a-z0-9][a-z0-9_-]*)*$")
# A tolerance as editors write it: "10%", "2.5 %".
_PERCENT = re.compile(r"^\s*(?P<value>\d+(?:\.\d+)?)\s*%\s*$")


# --- rule-file section: checks ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Variable:
    """Which claims a formula variable stands for."""

    name: str
    rule: str  #: claim rule id, "ai-chips.meta-h100-count"
    subject: str | None = None  #: only claims about this entity
    qualifiers: tuple[tuple[str, str], ...] = ()  #: only claims with these qualifier values
    scope: str | None = None  #: overrides the check's scope for this variable

    def matches(self, claim: Claim) -> bool:
        if claim.rule != self.rule:
            return False
        if self.subject is not None and claim.subject != self.subject:
            return False
        return all(claim.qualifier(k) == v for k, v in self.qualifiers)


@dataclass(frozen=True, slots=True)
class Check:
    """A derived check from a rule file's ``checks:`` list."""

    id: str
    formula: Formula
    variables: Mapping[str, Variable]
    scope: str = "article"
    tolerance: Decimal = Decimal(0)  #: extra relative tolerance for ≈ and =, beyond the precision
    level: str = DEFAULT_SEVERITY["arithmetic"]
    description: str = ""
    subject: str = ""
    metric: str = ""
    source_path: str | None = None
    line: int | None = None

    @property
    def rules(self) -> frozenset[str]:
        """The claim rules this check reads."""
        return frozenset(v.rule for v in self.variables.values())


def parse_checks(data: Any, source_path: str | None = None, *, prefix: str | None = None) -> list[Check]:
    """Validate a rule file's ``checks:`` section and build :class:`Check` objects.

    ``data`` is the section's value (a list), a mapping holding a ``checks`` key,
    or the composed YAML node of either (then errors carry line and column).
    ``prefix`` (the rule file's id prefix, "ai-chips") is put before ids and rule
    references written without a dot.  Raises :class:`RuleFileError` (E302 unknown
    key, E303 missing key, E304 bad value, E306 duplicate id, E309 bad formula)."""
    value, marks = plain(data)
    base = ("checks",)
    if isinstance(value, Mapping) and "checks" in value:
        value = value["checks"]  # the whole rule file: positions already start at "checks"
    else:
        marks = {base + k: v for k, v in marks.items()}
    loc = Locator(source_path, marks)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RuleFileError(f"{describe(base)} must be a list of checks, not {_kind(value)}",
                            hint="write 'checks:' followed by '- id: …' items", **loc.where(base))
    checks: list[Check] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(value):
        check = _parse_check(item, base + (i,), loc, prefix)
        if check.id in seen:
            raise RuleFileError(f"duplicate check id {check.id!r} (also {describe(base + (seen[check.id],))})",
                                code="E306", hint="give each check its own id", **loc.where(base + (i, "id")))
        seen[check.id] = i
        checks.append(check)
    return checks


def validate_references(checks: Iterable[Check], rule_ids: Iterable[str]) -> None:
    """Raise :class:`RuleFileError` (E305) when a check names a claim rule that the
    rule set does not define."""
    known = set(rule_ids)
    for check in checks:
        for var in check.variables.values():
            if var.rule not in known:
                near = _closest(var.rule, known)
                raise RuleFileError(
                    f"check {check.id!r}: variable {var.name!r} names claim rule {var.rule!r}, which no rule "
                    f"file defines", code="E305",
                    hint=f"did you mean {near!r}?" if near else "define the claim rule or fix the id",
                    path=check.source_path, line=check.line)


def _closest(word: str, choices: Iterable[str]) -> str | None:
    from rapidfuzz import process

    found = process.extractOne(word, list(choices), score_cutoff=70)
    return found[0] if found else None


def _kind(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "text", type(None): "empty"}.get(type(value), type(value).__name__)


def _qualify(ident: str, prefix: str | None) -> str:
    return f"{prefix}.{ident}" if prefix and "." not in ident else ident


def _parse_check(item: Any, path: tuple, loc: Locator, prefix: str | None) -> Check:
    if not isinstance(item, Mapping):
        raise RuleFileError(f"{describe(path)} must be a mapping with id, formula and variables, not {_kind(item)}",
                            **loc.where(path))
    for key in item:
        if key not in _CHECK_KEYS:
            near = _closest(str(key), _CHECK_KEYS)
            raise RuleFileError(f"unknown key {key!r} in {describe(path)}", code="E302",
                                hint=f"did you mean {near!r}?" if near else f"known keys: {', '.join(sorted(_CHECK_KEYS))}",
                                **loc.where(path + (key, "<key>")))
    for key in _CHECK_REQUIRED:
        if key not in item:
            raise RuleFileError(f"{describe(path)} has no {key!r}", code="E303",
                                hint={"id": "add 'id: <short-name>'",
                                      "formula": "add e.g. 'formula: total ≈ count * price'",
                                      "variables": "add 'variables:' mapping each formula name to a claim rule id"}[key],
                                **loc.where(path))
    ident = item["id"]
    if not isinstance(ident, str) or not _ID.match(ident):
        raise RuleFileError(f"bad check id {ident!r} in {describe(path)}",
                            hint="use lower-case words joined by '-', e.g. 'meta-h100-spend'", **loc.where(path + ("id",)))
    ident = _qualify(ident, prefix)
    where = loc.where(path + ("formula",))
    formula = parse_formula(item["formula"], **where)
    if formula.relation is None:
        raise FormulaError(f"formula {formula.text!r} of check {ident!r} states no relation",
                           hint="write e.g. 'total ≈ count * price' (≈, =, <=, >=, <, >)", **where)
    used = formula.variables
    if not used:
        raise FormulaError(f"formula {formula.text!r} of check {ident!r} uses no variable", **where)

    scope = item.get("scope", "article")
    if scope not in SCOPES:
        raise RuleFileError(f"bad scope {scope!r} in check {ident!r}", hint="use 'article' or 'corpus'",
                            **loc.where(path + ("scope",)))

    raw_vars = item["variables"]
    vpath = path + ("variables",)
    if not isinstance(raw_vars, Mapping) or not raw_vars:
        raise RuleFileError(f"'variables' of check {ident!r} must map each formula name to a claim rule",
                            hint="e.g. 'count: ai-chips.meta-h100-count'", **loc.where(vpath))
    variables: dict[str, Variable] = {}
    for name, spec in raw_vars.items():
        if name not in used:
            raise RuleFileError(f"variable {name!r} of check {ident!r} is not used in its formula {formula.text!r}",
                                code="E302", hint=f"the formula uses: {', '.join(used)}",
                                **loc.where(vpath + (name, "<key>")))
        variables[name] = _parse_variable(str(name), spec, vpath + (name,), loc, prefix, ident)
    missing = [name for name in used if name not in variables]
    if missing:
        raise RuleFileError(f"check {ident!r}: formula names {', '.join(missing)} but 'variables' does not say "
                            f"which claims they are", code="E303",
                            hint=f"add '{missing[0]}: <claim rule id>' under variables", **loc.where(vpath))

    tolerance = Decimal(0)
    if "tolerance" in item:
        m = _PERCENT.match(str(item["tolerance"])) if isinstance(item["tolerance"], str) else None
        if not m:
            raise RuleFileError(f"bad tolerance {item['tolerance']!r} in check {ident!r}",
                                hint="write a percentage such as '10%'", **loc.where(path + ("tolerance",)))
        tolerance = Decimal(m.group("value")) / 100

    level = item.get("level", DEFAULT_SEVERITY["arithmetic"])
    if level not in LEVELS:
        raise RuleFileError(f"bad level {level!r} in check {ident!r}", hint="use info, warning or error",
                            **loc.where(path + ("level",)))
    texts = {}
    for key in ("description", "subject", "metric"):
        value = item.get(key, "")
        if not isinstance(value, str):
            raise RuleFileError(f"{key!r} of check {ident!r} must be text", **loc.where(path + (key,)))
        texts[key] = value
    start = loc.where(path)
    return Check(id=ident, formula=formula, variables=variables, scope=scope, tolerance=tolerance,
                 level=LEVELS[level], source_path=start["path"], line=start["line"], **texts)


def _parse_variable(name: str, spec: Any, path: tuple, loc: Locator, prefix: str | None, check_id: str) -> Variable:
    if isinstance(spec, str):
        spec = {"rule": spec}
        path_rule = path
    else:
        path_rule = path + ("rule",)
    if not isinstance(spec, Mapping):
        raise RuleFileError(f"variable {name!r} of check {check_id!r} must be a claim rule id or a mapping",
                            hint="e.g. 'count: ai-chips.meta-h100-count'", **loc.where(path))
    for key in spec:
        if key not in _VARIABLE_KEYS:
            raise RuleFileError(f"unknown key {key!r} in variable {name!r} of check {check_id!r}", code="E302",
                                hint=f"known keys: {', '.join(sorted(_VARIABLE_KEYS))}", **loc.where(path + (key, "<key>")))
    rule = spec.get("rule")
    if rule is None:
        raise RuleFileError(f"variable {name!r} of check {check_id!r} has no 'rule'", code="E303", **loc.where(path))
    if not isinstance(rule, str) or not _ID.match(rule):
        raise RuleFileError(f"bad claim rule id {rule!r} for variable {name!r} of check {check_id!r}",
                            hint="write the claim rule's id, e.g. 'ai-chips.h100-price'", **loc.where(path_rule))
    subject = spec.get("subject")
    if subject is not None and not isinstance(subject, str):
        raise RuleFileError(f"'subject' of variable {name!r} must be an entity id", **loc.where(path + ("subject",)))
    quals = spec.get("qualifiers") or {}
    if not isinstance(quals, Mapping) or not all(isinstance(v, (str, int)) for v in quals.values()):
        raise RuleFileError(f"'qualifiers' of variable {name!r} must map qualifier names to values",
                            hint="e.g. 'qualifiers: {chip: H100}'", **loc.where(path + ("qualifiers",)))
    scope = spec.get("scope")
    if scope is not None and scope not in SCOPES:
        raise RuleFileError(f"bad scope {scope!r} for variable {name!r}", hint="use 'article' or 'corpus'",
                            **loc.where(path + ("scope",)))
    return Variable(name=name, rule=_qualify(rule, prefix), subject=subject,
                    qualifiers=tuple(sorted((str(k), str(v)) for k, v in quals.items())), scope=scope)


# --- exchange rates ------------------------------------------------------------------------


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
            node = yaml.compose(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise RuleFileError(f"cannot read exchange rates: {exc}", code="E301", path=str(path)) from exc
        value, marks = plain(node) if node is not None else ({}, {})
        loc = Locator(str(path), marks)
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
            if not isinstance(item["rate"], str):
                raise RuleFileError("write the rate as a quoted decimal (\"7.1217\"), never a float", **where)
            try:
                rate = Decimal(item["rate"])
            except ArithmeticError:
                raise RuleFileError(f"bad rate {item['rate']!r}", **where) from None
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
        if chosen is None:
            chosen = max(pool, key=lambda r: (r.period[:4], r.period))
            why = "the article has no date" if date is None else f"no rate for {date.isoformat()}"
            note = f"latest rate in the table ({chosen.period} average): {why}"
        rate = 1 / chosen.rate if inverted else chosen.rate
        return AppliedRate(rate, chosen.tolerance, chosen.period, chosen.source, note)


@lru_cache(maxsize=1)
def default_rates() -> RateTable:
    """The shipped exchange-rate table."""
    return RateTable.load()


# --- quantities as intervals --------------------------------------------------------------


def quantity_interval(q: Quantity, *, widen: bool = True) -> Interval:
    """The interval a quantity stands for.

    With ``widen``: a single stated value spreads by half its ``step`` (98% ->
    97.5-98.5; 35万 -> 34.5万-35.5万) and an approximate one (约, 接近) by a further
    :data:`APPROX_WIDENING`; a range keeps its ends; an open side is open (amounts
    never go below zero)."""
    lo = q.low if q.low is not None else (NEG_INF if q.unit == "pp" else Decimal(0))
    hi = q.high if q.high is not None else INF
    if widen:
        if q.step and q.low is not None and q.high is not None and q.low == q.high:
            half = q.step / 2
            lo, hi = lo - half, hi + half
        if q.bound == "approx":
            lo = lo - abs(lo) * APPROX_WIDENING if lo.is_finite() else lo
            hi = hi + abs(hi) * APPROX_WIDENING if hi.is_finite() else hi
    if q.unit != "pp" and lo.is_finite() and lo < 0 <= (q.low or 0):
        lo = Decimal(0)
    return Interval(lo, hi, scalar_unit(q.unit))


def is_money(unit: str | None) -> bool:
    return bool(unit) and _CURRENCY.match(unit) is not None


def format_number(value: Decimal) -> str:
    """Short readable form: 25,000; 13.28; 0.04; 8.75e9; ∞."""
    if not value.is_finite():
        return "∞" if value > 0 else "−∞"
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= Decimal(10) ** 6:
        exponent = magnitude.adjusted()
        mantissa = (value / Decimal(10) ** exponent).quantize(Decimal("0.01")).normalize()
        if abs(mantissa) >= 10:  # rounding carried over: 9.996e9 -> 1.0e10
            mantissa, exponent = (mantissa / 10).normalize(), exponent + 1
        text = f"{mantissa:f}"
        if "." not in text:
            text += ".0"
        return f"{text}e{exponent}"
    if magnitude >= 100:
        rounded = value.quantize(Decimal("0.1")).normalize()
    else:
        rounded = value.quantize(Decimal("0.0001")) if magnitude < 1 else value.quantize(Decimal("0.01"))
        rounded = rounded.normalize()
    if rounded == rounded.to_integral_value():
        return f"{int(rounded):,}"
    whole, _, frac = f"{rounded:f}".partition(".")
    return f"{int(whole):,}.{frac}" if whole not in ("-0",) else f"-0.{frac}"


_UNIT_SUFFIX = {"percent": "%", "times": "倍", "pp": "个百分点", "": "", "count": "", "number": ""}


def format_value(iv: Interval, unit: str | None = None) -> str:
    """``25,000–30,000 USD``, ``98%``, ``13–∞倍``."""
    unit = iv.unit if unit is None else unit
    if iv.lo == iv.hi:
        number = format_number(iv.lo)
    elif not iv.hi.is_finite():
        number = f"≥{format_number(iv.lo)}"
    else:
        number = f"{format_number(iv.lo)}–{format_number(iv.hi)}"
    suffix = _UNIT_SUFFIX.get(unit, f" {unit}")
    return f"{number}{suffix}"


_BOUND_SIGN = {"approx": "≈", "gt": ">", "ge": "≥", "lt": "<", "le": "≤", "exact": ""}


def format_quantity(q: Quantity) -> str:
    """A quantity as the checks show it: ``≈9.0e10 USD``, ``≥13倍``, ``25,000–30,000 USD``."""
    if q.low is not None and q.high is None:
        core = Interval.point(q.low, q.unit)
    elif q.low is None and q.high is not None:
        core = Interval.point(q.high, q.unit)
    else:
        core = quantity_interval(q, widen=False)
    return _BOUND_SIGN.get(q.bound, "") + format_value(core, q.unit)


def _rate(rate: Decimal) -> str:
    return f"{rate.quantize(Decimal('0.0001')).normalize():f}"


def _ratio(a: Decimal, b: Decimal) -> str:
    if b == 0 or not a.is_finite() or not b.is_finite():
        return "∞"
    return format_number(abs(a / b).quantize(Decimal("0.1")))


# --- rule-driven checks -------------------------------------------------------------------


def check_arithmetic(claims: Sequence[Claim], checks: Any, *, show_consistent: bool = False,
                     rates: RateTable | None = None) -> list[Finding]:
    """Evaluate derived checks over claims, article by article.

    ``checks`` is a list of :class:`Check` or any object with a ``checks``
    attribute holding one (a rule set).  For each check and each article that
    states every variable (or, with ``scope: corpus``, the first one), every
    combination of the candidate claims is tried; the check holds when one
    combination satisfies it.  A failure is an ``arithmetic`` finding (the
    check's level, error by default) whose ``detail`` shows the computation; a
    success is a ``consistent`` finding when ``show_consistent``."""
    if not isinstance(checks, (list, tuple)):
        checks = getattr(checks, "checks", None) or ()  # a rule set, with or without a checks section
    checks = list(checks)
    if not checks or not claims:
        return []
    rates = rates or default_rates()
    by_rule: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_rule[claim.rule].append(claim)
    findings = []
    for check in checks:
        if not any(by_rule.get(rule) for rule in check.rules):
            continue
        # each variable's claims, once per check, and by article: a corpus costs O(claims)
        pools = {name: [c for c in by_rule.get(var.rule, ()) if var.matches(c)]
                 for name, var in check.variables.items()}
        by_path: dict[str, dict[str, list[Claim]]] = {name: defaultdict(list) for name in pools}
        for name, pool in pools.items():
            for c in pool:
                by_path[name][c.path].append(c)
        anchor = check.formula.variables[0]
        for path in by_path[anchor]:  # an article takes part when it states the first variable
            finding = _run_check(check, path, pools, by_path, rates, show_consistent)
            if finding is not None:
                findings.append(finding)
    findings.sort(key=Finding.sort_key)
    return findings


@dataclass
class _Outcome:
    ok: bool
    miss: Decimal
    combo: dict[str, Claim | list[Claim]]
    left_core: Interval
    right_core: Interval
    converted: list[str] = field(default_factory=list)


def _run_check(check: Check, path: str, pools: Mapping[str, list[Claim]],
               by_path: Mapping[str, Mapping[str, list[Claim]]], rates: RateTable,
               show_consistent: bool) -> Finding | None:
    formula = check.formula
    anchor = formula.variables[0]
    summed = formula.aggregated
    candidates: dict[str, list[Claim]] = {}
    for name in formula.variables:
        var = check.variables[name]
        pool = pools[name]
        own = by_path[name].get(path, [])
        scope = var.scope or check.scope
        if own:
            chosen = own
        elif scope == "corpus" and name != anchor and pool:
            chosen = pool
        else:
            return None
        candidates[name] = _distinct_subjects(chosen) if name in summed else _distinct_values(chosen)

    single = [n for n in formula.variables if n not in summed]
    outcomes: list[_Outcome] = []
    for picked in itertools.islice(itertools.product(*(candidates[n] for n in single)), MAX_COMBINATIONS):
        combo: dict[str, Claim | list[Claim]] = dict(zip(single, picked))
        for name in summed:
            combo[name] = candidates[name]
        outcome = _evaluate_combo(check, combo, anchor, rates)
        if outcome is not None:
            outcomes.append(outcome)
            if outcome.ok:
                break
    if not outcomes:
        return None
    passing = [o for o in outcomes if o.ok]
    if passing:
        return _finding(check, passing[0], path, ok=True) if show_consistent else None
    best = min(outcomes, key=lambda o: o.miss)
    return _finding(check, best, path, ok=False)


def _distinct_values(claims: list[Claim]) -> list[Claim]:
    """One claim per distinct stated value (the first occurrence), so an article that
    repeats 7万亿美元 eight times is one candidate."""
    seen, out = set(), []
    for c in claims:
        q = c.mention.quantity
        key = (q.low, q.high, q.bound, q.unit, q.step)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def _distinct_subjects(claims: list[Claim]) -> list[Claim]:
    """For sum(): one claim per subject and qualifiers (the first occurrence)."""
    seen, out = set(), []
    for c in claims:
        key = (c.subject, c.qualifiers)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def _claims_of(combo: Mapping[str, Claim | list[Claim]]) -> Iterable[Claim]:
    for value in combo.values():
        if isinstance(value, list):
            yield from value
        else:
            yield value


def _evaluate_combo(check: Check, combo: dict[str, Claim | list[Claim]], anchor: str,
                    rates: RateTable) -> _Outcome | None:
    anchor_claim = combo[anchor] if isinstance(combo[anchor], Claim) else combo[anchor][0]
    currencies = [c.mention.quantity.unit for c in _claims_of(combo) if is_money(c.mention.quantity.unit)]
    target = None
    if currencies:
        anchor_unit = anchor_claim.mention.quantity.unit
        target = anchor_unit if is_money(anchor_unit) else currencies[0]
    date = anchor_claim.doc_date
    converted: list[str] = []

    def intervals(claim: Claim) -> tuple[Interval, Interval] | None:
        q = claim.mention.quantity
        core, wide = quantity_interval(q, widen=False), quantity_interval(q)
        if target is not None and is_money(q.unit) and q.unit != target:
            applied = rates.lookup(q.unit, target, date or claim.doc_date)
            if applied is None:
                return None
            exact = AppliedRate(applied.rate, Decimal(0), applied.period, applied.source, applied.note)
            core, wide = exact.convert(core, target), applied.convert(wide, target)
            converted.append(f"{claim.mention.text} converted at {_rate(applied.rate)} {target}/{q.unit} "
                             f"({applied.note}; {applied.source})")
        return core, wide

    env_core: dict[str, Any] = {}
    env_wide: dict[str, Any] = {}
    for name, value in combo.items():
        if isinstance(value, list):
            pairs = [intervals(c) for c in value]
            if any(p is None for p in pairs):
                return None
            env_core[name] = [p[0] for p in pairs]
            env_wide[name] = [p[1] for p in pairs]
        else:
            pair = intervals(value)
            if pair is None:
                return None
            env_core[name], env_wide[name] = pair
    formula = check.formula
    try:
        left_core = evaluate(formula.left, env_core)
        right_core = evaluate(formula.right, env_core)
        left_wide = evaluate(formula.left, env_wide)
        right_wide = evaluate(formula.right, env_wide)
    except EvaluationError:
        return None
    if left_wide.unit and right_wide.unit and left_wide.unit != right_wide.unit:
        return None  # the rule compares amounts of different kinds; nothing to say
    if formula.relation in ("≈", "="):
        right_wide = right_wide.widen(check.tolerance)
    ok = holds(formula.relation, left_wide, right_wide)
    return _Outcome(ok, _miss(left_core, right_core), combo, left_core, right_core, converted)


def _miss(left: Interval, right: Interval) -> Decimal:
    """How far apart two intervals are, as a ratio (1 when they touch)."""
    if left.overlaps(right):
        return Decimal(1)
    low, high = (left, right) if left.hi < right.lo else (right, left)
    if low.hi <= 0 or not high.lo.is_finite():
        return INF
    return high.lo / low.hi


def _finding(check: Check, outcome: _Outcome, path: str, *, ok: bool) -> Finding:
    formula = check.formula
    combo = outcome.combo
    claims = tuple(_claims_of(combo))
    anchor_claim = claims[0]

    def show(name: str) -> str:
        value = combo[name]
        if isinstance(value, list):
            return " + ".join(format_quantity(c.mention.quantity) for c in value)
        return format_quantity(value.mention.quantity)

    # A scalar result is shown in the unit its values share (percent: 103%).
    units = {c.mention.quantity.unit for c in claims}
    shared = units.pop() if len(units) == 1 else ""

    def side(node, result: Interval) -> str:
        if isinstance(node, Var) and not isinstance(combo[node.name], list):
            claim = combo[node.name]
            return f"the article states {show(node.name)} ({claim.mention.text})"
        names = render(node)
        if names == render(node, show):  # a bare number
            return names
        unit = shared if result.unit == "" and shared in ("percent", "pp", "count", "number") else None
        return " = ".join([names, render(node, show), format_value(result, unit)])

    def value(result: Interval) -> str:
        unit = shared if result.unit == "" and shared in ("percent", "pp", "count", "number") else None
        return format_value(result, unit)

    left_text = side(formula.left, outcome.left_core)
    right_text = side(formula.right, outcome.right_core)
    relation = {"≈": "≈", "=": "=", "<=": "≤", ">=": "≥", "<": "<", ">": ">"}[formula.relation]
    left, right = outcome.left_core, outcome.right_core
    if ok:
        verdict = "consistent within the written precision"
        message = f"{render(formula.left)} {relation} {render(formula.right)} holds: " \
                  f"{value(left)} against {value(right)}"
    else:
        if left.lo > right.hi:
            verdict = f"{_ratio(left.lo, right.hi)}× the top of the computed range"
        else:
            verdict = f"{_ratio(right.lo, left.hi)}× below the bottom of the computed range"
        if formula.relation in ("<=", "<", ">=", ">"):
            verdict = f"{render(formula.left)} {relation} {render(formula.right)} cannot hold"
        message = f"{render(formula.left)} {relation} {render(formula.right)} fails: the article's own numbers give " \
                  f"{value(right)}, it states {value(left)}"
    # The detail reads computation first, then what the article states.
    if isinstance(formula.left, Var) and not isinstance(combo[formula.left.name], list):
        detail = f"{right_text}; {left_text}, {verdict}"
    else:
        detail = f"{left_text} {relation} {right_text}: {verdict}"
    others = sorted({c.path for c in claims if c.path != path})
    if others:
        detail += f"; values taken from {', '.join(others)}"
    if outcome.converted:
        detail += "; " + "; ".join(outcome.converted)
    if check.tolerance and formula.relation in ("≈", "="):
        detail += f" (tolerance ±{format_number(check.tolerance * 100)}% beyond the written precision)"
    if check.description:
        detail += f". {check.description}"
    return Finding(kind="consistent" if ok else "arithmetic",
                   severity=DEFAULT_SEVERITY["consistent"] if ok else check.level,
                   rule=check.id, subject=check.subject or anchor_claim.subject,
                   metric=check.metric or anchor_claim.metric, message=message, claims=claims, detail=detail)


# --- generic checks over one document -----------------------------------------------------

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
                detail=f"{m.text}: low {format_number(q.low)} > high {format_number(q.high)}"))
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


def sentence_of(doc: Document, start: int, end: int) -> tuple[str, int]:
    """The sentence around a span, as written, and its offset."""
    left, right = doc.sentence_around(start, end)
    return doc.text[left:right].rstrip("\r\n"), left


def _generic_claim(doc: Document, m: Mention, rule: str) -> Claim:
    sentence, start = sentence_of(doc, m.start, m.end)
    return Claim(rule=rule, subject="", metric="", qualifiers=(), mention=m, path=doc.path, sentence=sentence,
                 sentence_start=start, doc_date=doc.date)


def _compare_restatement(doc: Document, first: Mention, second: Mention, rates: RateTable,
                         show_consistent: bool) -> Finding | None:
    qa, qb = first.quantity, second.quantity
    core_a, wide_a = quantity_interval(qa, widen=False), quantity_interval(qa)
    core_b, wide_b = quantity_interval(qb, widen=False), quantity_interval(qb)
    if is_money(qa.unit) and is_money(qb.unit) and qa.unit != qb.unit:
        applied = rates.lookup(qa.unit, qb.unit, doc.date)
        if applied is None:
            return None
        rule = CONVERSION_RULE
        exact = AppliedRate(applied.rate, Decimal(0), applied.period, applied.source, applied.note)
        computed_core = exact.convert(core_a, qb.unit)
        computed_wide = applied.convert(wide_a, qb.unit)
        how = (f"{first.text} = {format_quantity(qa)} × {_rate(applied.rate)} {qb.unit}/{qa.unit} "
               f"({applied.note}; ±{format_number(applied.tolerance * 100)}% for the day's rate; {applied.source}) "
               f"= {format_value(computed_core, qb.unit)}")
        if core_a.is_point and core_b.is_point and core_a.lo:
            how += f"; the stated conversion implies {_rate(core_b.lo / core_a.lo)} {qb.unit}/{qa.unit}"
    elif qa.unit == qb.unit:
        rule = RESTATEMENT_RULE
        computed_core, computed_wide = core_a, wide_a
        how = f"{first.text} = {format_quantity(qa)}"
    else:
        return None
    ok = computed_wide.overlaps(wide_b)
    claims = (_generic_claim(doc, first, rule), _generic_claim(doc, second, rule))
    stated = f"the parentheses state {format_quantity(qb)} ({second.text})"
    if ok:
        if not show_consistent:
            return None
        return Finding(kind="consistent", severity=DEFAULT_SEVERITY["consistent"], rule=rule, subject="", metric="",
                       message=f"{first.text} agrees with its restatement {second.text}", claims=claims,
                       detail=f"{how}; {stated}: they agree within the written precision")
    if core_b.lo > computed_core.hi:
        off = f"{_ratio(core_b.lo, computed_core.hi)}× the computed value"
    else:
        off = f"{_ratio(computed_core.lo, core_b.hi)}× below the computed value"
    return Finding(kind="arithmetic", severity=DEFAULT_SEVERITY["arithmetic"], rule=rule, subject="", metric="",
                   message=f"{first.text} does not match its restatement {second.text}", claims=claims,
                   detail=f"{how}; {stated}, {off}")
