"""The rule files' arithmetic checks: formulas over an article's (or the corpus's) claims.

``check_arithmetic`` evaluates each check (``rules/checks.py`` parsed them) over the
claims of each article that states its first variable: every combination of candidate
claims (one per distinct value, at most ``MAX_COMBINATIONS``) is tried with interval
arithmetic, and the check holds when one combination satisfies it, so rounding never
makes an error.  A failure is an ``arithmetic`` finding whose ``detail`` shows the
computation.  Claims are indexed by rule and article once per check, so a corpus costs
O(claims).  ``scope: corpus`` lets a variable come from another article.

Every number is ``interval.interval`` of its quantity: the one definition comparison uses.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Iterable, Mapping, Sequence

from ..amounts import interval_text, number_text, value_text
from ..interval import INF, EvaluationError, Interval, interval, is_money, scalar_unit
from ..model import DEFAULT_SEVERITY, Claim, Finding
from ..rules import Check, RuleSet
from ..rules.formula import Var, evaluate, holds, render
from .rates import AppliedRate, RateTable, default_rates

#: At most this many combinations of candidate claims are tried per check and article.
MAX_COMBINATIONS = 256


def corpus_check_rules(draft_claims: Iterable[Claim], ruleset: RuleSet) -> set[str]:
    """Rules whose claims a corpus-wide check (``scope: corpus``) may combine with the
    drafts' claims: all variable rules of each such check that a draft claim's rule
    takes part in.  The archive lookup of a pre-publish check reads these too."""
    rules = {c.rule for c in draft_claims}
    needed: set[str] = set()
    for check in ruleset.checks:
        if check.corpus_wide and check.rules & rules:
            needed |= check.rules
    return needed


def rate_text(rate: Decimal) -> str:
    return f"{rate.quantize(Decimal('0.0001')).normalize():f}"


def ratio_text(a: Decimal, b: Decimal) -> str:
    if b == 0 or not a.is_finite() or not b.is_finite():
        return "∞"
    return number_text(abs(a / b).quantize(Decimal("0.1")))




def check_arithmetic(claims: Sequence[Claim], checks: Sequence[Check], *, show_consistent: bool = False,
                     rates: RateTable | None = None) -> list[Finding]:
    """Evaluate derived checks over claims, article by article.

    For each check and each article that
    states every variable (or, with ``scope: corpus``, the first one), every
    combination of the candidate claims is tried; the check holds when one
    combination satisfies it.  A failure is an ``arithmetic`` finding (the
    check's level, error by default) whose ``detail`` shows the computation; a
    success is a ``consistent`` finding when ``show_consistent``."""
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
        core, wide = interval(q, widen=False, unit=scalar_unit(q.unit)), interval(q, unit=scalar_unit(q.unit))
        if target is not None and is_money(q.unit) and q.unit != target:
            applied = rates.lookup(q.unit, target, date or claim.doc_date)
            if applied is None:
                return None
            exact = AppliedRate(applied.rate, Decimal(0), applied.period, applied.source, applied.note)
            core, wide = exact.convert(core, target), applied.convert(wide, target)
            converted.append(f"{claim.mention.text} converted at {rate_text(applied.rate)} {target}/{q.unit} "
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
            return " + ".join(value_text(c.mention.quantity) for c in value)
        return value_text(value.mention.quantity)

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
        return " = ".join([names, render(node, show), interval_text(result, unit)])

    def value(result: Interval) -> str:
        unit = shared if result.unit == "" and shared in ("percent", "pp", "count", "number") else None
        return interval_text(result, unit)

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
            verdict = f"{ratio_text(left.lo, right.hi)}× the top of the computed range"
        else:
            verdict = f"{ratio_text(right.lo, left.hi)}× below the bottom of the computed range"
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
        detail += f" (tolerance ±{number_text(check.tolerance * 100)}% beyond the written precision)"
    if check.description:
        detail += f". {check.description}"
    return Finding(kind="consistent" if ok else "arithmetic",
                   severity=DEFAULT_SEVERITY["consistent"] if ok else check.level,
                   rule=check.id, subject=check.subject or anchor_claim.subject,
                   metric=check.metric or anchor_claim.metric, message=message, claims=claims, detail=detail)


__all__ = ["MAX_COMBINATIONS", "check_arithmetic", "corpus_check_rules"]
