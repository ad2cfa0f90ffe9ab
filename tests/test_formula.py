"""Formulas for derived checks: parsed without eval, evaluated over Decimal intervals."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.errors import FactcheckError, RuleFileError
from checker.interval import INF, EvaluationError, Interval
from checker.rules.formula import (FormulaError, evaluate, holds, parse_formula,
                             parse_literal, render)


@pytest.mark.parametrize("text, relation, variables", [
    ("total ≈ count * price", "≈", ("total", "count", "price")),
    ("total ~= count × price", "≈", ("total", "count", "price")),
    ("ratio = total / base", "=", ("ratio", "total", "base")),
    ("ratio ≈ total ÷ base", "≈", ("ratio", "total", "base")),
    ("nvidia + amd + intel <= 100", "<=", ("nvidia", "amd", "intel")),
    ("sum(share) ≤ 100", "<=", ("share",)),
    ("a >= min(b, c)", ">=", ("a", "b", "c")),
    ("份额 < 100", "<", ("份额",)),
])
def test_parses_relations_and_variables(text, relation, variables):
    """A formula is two expressions joined by a relation; its variables are listed in order."""
    formula = parse_formula(text)
    assert formula.relation == relation
    assert formula.variables == variables


def test_precedence_and_parentheses():
    """* binds tighter than +; parentheses group."""
    env = {"a": Interval.point(D(2)), "b": Interval.point(D(3)), "c": Interval.point(D(4))}
    assert evaluate(parse_formula("a + b * c").left, env) == Interval.point(D(14))
    assert evaluate(parse_formula("(a + b) * c").left, env) == Interval.point(D(20))
    assert evaluate(parse_formula("a - b - c").left, env) == Interval.point(D(-5))
    assert evaluate(parse_formula("-a * b").left, env) == Interval.point(D(-6))
    assert render(parse_formula("(a + b) * c").left) == "(a + b) × c"


@pytest.mark.parametrize("literal, value", [
    ("2.5万", D(25000)), ("1万亿", D(10) ** 12), ("35万", D(350000)), ("900亿", D(9) * D(10) ** 10),
    ("25%", D(25)), ("100", D(100)), ("0.04", D("0.04")),
])
def test_literals_with_chinese_magnitudes(literal, value):
    """Literals may carry 万/亿/万亿 or % (percent points, as everywhere in the engine)."""
    assert parse_literal(literal) == value
    assert evaluate(parse_formula(f"x = {literal}").right, {}) == Interval.point(value)


@pytest.mark.parametrize("text, what", [
    ("", "empty formula"),
    ("total ≈ count *", "ends too early"),
    ("__import__('os')", "unexpected character"),
    ("__import__(os)", "unknown function"),
    ("open(f)", "unknown function"),
    ("a.b ≈ c", "unexpected character '.'"),
    ("a ≈ b ≈ c", "unexpected '≈'"),
    ("a ≈ (b * c", "missing ')'"),
    ("sum(a + b) <= 100", "sum() takes the name of one variable"),
    ("a ≈ sum", "is a function"),
    ("a ≈ b; import os", "unexpected character ';'"),
    ("lambda: 1", "unexpected character ':'"),
])
def test_bad_formulas_are_rule_file_errors(text, what):
    """Anything outside the grammar is an E309 error naming the place; nothing is evaluated."""
    with pytest.raises(FormulaError) as info:
        parse_formula(text, path="rules/ai-chips.yaml", line=12, column=14)
    err = info.value
    assert isinstance(err, RuleFileError) and isinstance(err, FactcheckError)
    assert err.code == "E309"
    assert what in str(err)
    assert str(err).startswith("rules/ai-chips.yaml:12:14: E309")


def test_deep_nesting_and_long_formulas_are_refused():
    """A hostile formula cannot exhaust the stack or the parser."""
    with pytest.raises(FormulaError, match="nested too deeply"):
        parse_formula("a ≈ " + "(" * 200 + "b" + ")" * 200)
    with pytest.raises(FormulaError, match="longer than"):
        parse_formula("a ≈ " + " + ".join(["b"] * 300))


def test_range_times_count_gives_the_range_of_totals():
    """25000到30000美元 × 35万 = 87.5亿 to 105亿美元 (the seed 002 computation)."""
    price = Interval(D(25000), D(30000), "USD")
    count = Interval.point(D(350000))
    total = evaluate(parse_formula("t ≈ count * price").right, {"count": count, "price": price})
    assert total == Interval(D("8.75e9"), D("1.05e10"), "USD")


def test_units_follow_the_arithmetic():
    """A count times a price is a price; a price over a price is a ratio; prices in two currencies do not add."""
    usd = Interval.point(D(7), "USD")
    assert (Interval.point(D(3)) * usd).unit == "USD"
    assert (usd / Interval.point(D(2), "USD")).unit == ""
    with pytest.raises(EvaluationError):
        usd + Interval.point(D(1), "CNY")


def test_open_intervals_and_division():
    """13倍以上 is [13, ∞); dividing by an interval that may be zero is refused."""
    ratio = Interval(D(13), INF)
    assert holds("≈", ratio, Interval(D("12.3"), D("14.3")))
    assert not holds("≈", ratio, Interval(D(10), D("12.9")))
    assert Interval(D(1), D(2)) / Interval(D(0), D(4)) == Interval(D("0.25"), INF)
    with pytest.raises(EvaluationError):
        Interval(D(1), D(2)) / Interval(D(-1), D(1))
    with pytest.raises(EvaluationError, match="no value"):
        evaluate(parse_formula("a ≈ b").right, {})


def test_sum_adds_every_value_of_a_variable():
    """sum(share) adds the shares of every subject (98% + 1.2% + 不到1%)."""
    shares = [Interval(D("97.5"), D("98.5")), Interval(D("1.15"), D("1.25")), Interval(D(0), D(1))]
    total = evaluate(parse_formula("sum(share) <= 100").left, {"share": shares})
    assert total == Interval(D("98.65"), D("100.75"))
    assert holds("<=", total, Interval.point(D(100)))
    assert not holds("<=", Interval(D("101"), D("103")), Interval.point(D(100)))


@pytest.mark.parametrize("relation, left, right, expected", [
    ("<=", (1, 2), (2, 3), True), ("<", (2, 3), (1, 2), False), (">=", (1, 2), (2, 3), True),
    (">", (1, 2), (2, 3), False), ("=", (1, 2), (3, 4), False), ("≈", (1, 3), (2, 4), True),
])
def test_relations_hold_when_some_values_satisfy_them(relation, left, right, expected):
    assert holds(relation, Interval(D(left[0]), D(left[1])), Interval(D(right[0]), D(right[1]))) is expected


_values = st.decimals(min_value=-10**6, max_value=10**6, allow_nan=False, allow_infinity=False, places=3)


@settings(max_examples=150, deadline=None)
@given(_values, _values, _values, _values, st.sampled_from(["+", "-", "*", "/"]), st.floats(0, 1), st.floats(0, 1))
def test_interval_arithmetic_contains_every_point_result(a1, a2, b1, b2, op, s, t):
    """Soundness: for any points inside the operands, the point result lies inside the interval result."""
    a = Interval(min(a1, a2), max(a1, a2))
    b = Interval(min(b1, b2), max(b1, b2))
    x = a.lo + (a.hi - a.lo) * D(str(round(s, 3)))
    y = b.lo + (b.hi - b.lo) * D(str(round(t, 3)))
    node = parse_formula(f"r = a {op} b").right
    try:
        result = evaluate(node, {"a": a, "b": b})
    except EvaluationError:
        assert op == "/" and b.lo <= 0 <= b.hi
        return
    point = evaluate(node, {"a": Interval.point(x), "b": Interval.point(y)})
    slack = D("1e-20") * (abs(point.lo) + 1)
    assert result.lo - slack <= point.lo <= result.hi + slack
