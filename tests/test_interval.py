"""checker.interval: one definition of what a written number allows, for comparison and
arithmetic alike (DESIGN.md "Numbers: what consistent means")."""

from decimal import Decimal as D

import pytest

from checker.extract import parse_quantity
from checker.interval import Interval, interval

INF = D("Infinity")

# written -> (lo, hi, lo_open, hi_open)
ACCEPT = [
    ("98%", D("97.5"), D("98.5"), False, True),            # ± half the last digit, half-open
    ("32个月", D("31.5"), D("32.5"), False, True),
    ("7万亿美元", D("6.5e12"), D("7.5e12"), False, True),
    ("2.5万-3万美元", D(25000), D(30000), False, False),    # a range keeps its ends, closed
    ("超过80%", D(80), D(100), True, False),               # (80, 100]
    ("至少90%", D(90), D(100), False, False),              # [90, 100]
    ("不到1%", D(0), D(1), False, True),                   # [0, 1)
    ("约100亿美元", D("9.5e9"), D("1.05e10"), False, False),  # 约: 5% each side (wider than ±0.5亿)
    ("约25亿欧元", D("2.375e9"), D("2.625e9"), False, False),   # so 约25亿 and 27亿 disagree
    ("约0.04美元", D("0.035"), D("0.045"), False, False),       # the written precision is wider here
    ("13倍以上", D(13), INF, False, False),
]


@pytest.mark.parametrize("text,lo,hi,lo_open,hi_open", ACCEPT, ids=[a[0] for a in ACCEPT])
def test_written_number_as_interval(text, lo, hi, lo_open, hi_open):
    iv = interval(parse_quantity(text))
    assert (iv.lo, iv.hi, iv.lo_open, iv.hi_open) == (lo, hi, lo_open, hi_open)


def test_adjacent_integers_never_agree():
    assert not interval(parse_quantity("32个月")).overlaps(interval(parse_quantity("33个月")))
    assert interval(parse_quantity("32个月")).overlaps(interval(parse_quantity("32.4个月")))


def test_a_bound_is_not_widened_by_precision():
    """79.6% is below 超过80%: the bound's threshold is exact, so they disagree."""
    assert not interval(parse_quantity("79.6%")).overlaps(interval(parse_quantity("超过80%")))
    assert interval(parse_quantity("80.4%")).overlaps(interval(parse_quantity("超过80%")))


def test_stated_figure_without_widening():
    iv = interval(parse_quantity("35万块"), widen=False)
    assert (iv.lo, iv.hi) == (D(350000), D(350000))


def test_relative_and_absolute_tolerance():
    q = parse_quantity("100美元")
    assert interval(q, tolerance=D("0.1"), relative=True) == Interval(D("89.55"), D("110.55"), "USD", hi_open=True)
    assert interval(q, tolerance=D(2)) == Interval(D("97.5"), D("102.5"), "USD", hi_open=True)
