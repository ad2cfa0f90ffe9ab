"""checker.extract.numerals: Chinese numerals, digits and mixed forms parse to exact decimal intervals."""

from __future__ import annotations

from decimal import Decimal as D

import cn2an
import pytest

from checker.extract.numerals import parse_arabic, parse_chinese, parse_numeral, to_decimal

EXACT = [
    # (written, value, step: place value of the last digit written)
    ("一千零五十亿", D("105000000000"), D("1000000000")),
    ("两千亿", D("200000000000"), D("100000000000")),
    ("十六点四亿", D("1640000000"), D("10000000")),
    ("三亿五千万", D("350000000"), D("10000000")),
    ("一万亿", D("1000000000000"), D("1000000000000")),
    ("五千万亿", D("5000000000000000"), D("1000000000000000")),
    ("三万五", D("35000"), D("1000")),
    ("一百五", D("150"), D("10")),
    ("一千零五", D("1005"), D("1")),
    ("十", D("10"), D("10")),
    ("十五", D("15"), D("1")),
    ("九十八", D("98"), D("1")),
    ("百亿", D("10000000000"), D("10000000000")),
    ("2.5万", D("25000"), D("1000")),
    ("3千亿", D("300000000000"), D("100000000000")),
    ("1 万亿", D("1000000000000"), D("1000000000000")),
    ("2.5个亿", D("250000000"), D("10000000")),
    ("7.153万亿", D("7153000000000"), D("1000000000")),
    ("7万亿", D("7000000000000"), D("1000000000000")),
    ("25,000", D("25000"), D("1")),
    ("1.5", D("1.5"), D("0.1")),
]


@pytest.mark.parametrize("written,value,step", EXACT)
def test_exact_forms(written, value, step):
    """Each exact form gives its value and the place value of its last digit."""
    n = parse_numeral(written)
    assert n is not None
    assert (n.low, n.high, n.vague) == (value, value, False)
    assert n.step == step


VAGUE = [
    ("数十亿", D("1e9"), D("1e10")),
    ("数亿", D("1e8"), D("1e9")),
    ("数百亿", D("1e10"), D("1e11")),
    ("几十万", D("1e5"), D("1e6")),
    ("上千亿", D("1e11"), D("1e12")),
    ("十几亿", D("1.1e9"), D("2e9")),
    ("十多亿", D("1e9"), D("2e9")),
    ("一百多万", D("1e6"), D("2e6")),
    ("100多亿", D("1e10"), D("2e10")),
    ("五六百万", D("5e6"), D("6e6")),
    ("三四十万", D("3e5"), D("4e5")),
]


@pytest.mark.parametrize("written,low,high", VAGUE)
def test_vague_forms_are_intervals(written, low, high):
    """Vague amounts become intervals and are flagged vague."""
    n = parse_numeral(written)
    assert n is not None and n.vague
    assert (n.low, n.high) == (low, high)


@pytest.mark.parametrize("written", ["万一", "亿万", "三三", "十一五", "一二三", "万", "", "点五", "三点二十"])
def test_not_numbers(written):
    """Words made of numeral characters that are not numbers are refused."""
    assert parse_numeral(written) is None


def test_zhao_follows_locale_value():
    """兆 takes the value the caller gives (10^12 in Taiwan usage, 10^6 in mainland technical usage)."""
    assert parse_chinese("三兆", zhao=D(10) ** 12).low == D(3) * D(10) ** 12
    assert parse_chinese("三兆", zhao=D(10) ** 6).low == D(3000000)


def test_arabic_steps():
    """The step of digits is the place of the last digit written."""
    assert parse_arabic("0.04").step == D("0.01")
    assert parse_arabic("98").step == D(1)


def test_to_decimal_refuses_vague():
    """to_decimal gives exact values only."""
    assert to_decimal("两千") == D(2000)
    with pytest.raises(ValueError):
        to_decimal("数十亿")


@pytest.mark.parametrize("written", ["一千零五十", "两千", "三亿五千万", "九十八", "一万零一", "十六点四", "二十一"])
def test_agrees_with_cn2an_where_cn2an_is_right(written):
    """cn2an is right on plain numerals; we agree with it there."""
    assert parse_numeral(written).low == D(str(cn2an.cn2an(written, "smart")))
