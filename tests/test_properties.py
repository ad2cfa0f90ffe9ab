"""Property tests (Hypothesis): numbers written in many forms parse back exactly, and
extract never crashes and always returns well-formed mentions."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from checker.extract import extract, parse_quantity
from checker.load import document_from_text, normalize
from checker.numerals import parse_numeral

CN_DIGITS = "零一二三四五六七八九"
GROUP_UNITS = ["", "万", "亿", "万亿"]


def _small(g: int) -> str:
    """1..9999 in Chinese numerals, with 零 for inner zeros (一千零五十)."""
    out, zero, started = "", False, False
    for d, u in zip((g // 1000, g // 100 % 10, g // 10 % 10, g % 10), ("千", "百", "十", "")):
        if d == 0:
            zero = zero or started
            continue
        if zero:
            out += "零"
            zero = False
        out += CN_DIGITS[d] + u
        started = True
    return out


def to_chinese(n: int, *, liang: bool = False, short_ten: bool = False) -> str:
    """A positive integer below 10^16 in standard Chinese numerals (一千零五十亿)."""
    out, need_zero = "", False
    for i in reversed(range(4)):
        g = n // 10000 ** i % 10000
        if g == 0:
            need_zero = need_zero or bool(out)
            continue
        if out and (need_zero or g < 1000):
            out += "零"
        out += _small(g) + GROUP_UNITS[i]
        need_zero = False
    if liang and out[:1] == "二" and out[1:2] in ("千", "百", "万", "亿"):
        out = "两" + out[1:]
    if short_ten and out.startswith("一十"):
        out = out[1:]
    return out


FAST = settings(max_examples=150, deadline=None)


@FAST
@given(st.integers(min_value=1, max_value=10 ** 16 - 1), st.booleans(), st.booleans())
def test_chinese_integers_round_trip(n, liang, short_ten):
    """Any integer written in Chinese numerals (两千, 一千零五十, 十五) parses back exactly."""
    written = to_chinese(n, liang=liang, short_ten=short_ten)
    parsed = parse_numeral(written)
    assert parsed is not None, written
    assert (parsed.low, parsed.high) == (D(n), D(n)), written


@FAST
@given(st.integers(min_value=1, max_value=99999), st.integers(min_value=1, max_value=9))
def test_chinese_decimals_round_trip(whole, tenth):
    """十六点四 and the like: a Chinese integer, 点, Chinese digits."""
    written = to_chinese(whole) + "点" + CN_DIGITS[tenth]
    assert parse_numeral(written).low == D(whole) + D(tenth) / 10


@FAST
@given(st.integers(min_value=1, max_value=99999), st.integers(min_value=0, max_value=99),
       st.sampled_from([("万", 10 ** 4), ("亿", 10 ** 8), ("万亿", 10 ** 12), ("千亿", 10 ** 11),
                        ("百万", 10 ** 6), ("千万", 10 ** 7)]),
       st.booleans())
def test_digits_with_multiplier_round_trip(whole, frac, mag, fullwidth):
    """3千亿, 2.5万, 7.15万亿 (also in full-width digits) parse back exactly."""
    word, mult = mag
    number = f"{whole}.{frac:02d}" if frac else str(whole)
    written = number + word + "美元"
    if fullwidth:
        written = written.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789."})
    q = parse_quantity(written)
    assert q is not None, written
    assert q.low == D(number) * mult and q.unit == "USD", written


@FAST
@given(st.integers(min_value=1000, max_value=10 ** 12))
def test_comma_groups_round_trip(n):
    """25,000 and 1,234,567 with thousands separators."""
    q = parse_quantity(f"{n:,}美元")
    assert q is not None and q.low == D(n)


ALPHABET = ("0123456789.,-~/%$ \n至到万亿千百十一二两三五九零〇数几上多余个年月日号倍家块張张美元约超过以上以下不到左右"
            "成兆瓦分之点第HGPTvnmQabc：（）「」，。")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=80) | st.text(max_size=60))
def test_extract_never_crashes_and_spans_are_consistent(text):
    """Arbitrary text: no exception; every mention's text is its span, spans are sorted and
    disjoint, and (line, col) match the offset."""
    doc = document_from_text(text, "p.txt")
    mentions = extract(doc)
    last = 0
    for m in mentions:
        assert m.start < m.end
        assert doc.text[m.start:m.end] == m.text
        assert m.start >= last
        last = m.end
        assert doc.position(m.start) == (m.line, m.col)
        q = m.quantity
        assert q.low is not None or q.high is not None
        if q.low is not None and q.high is not None:
            assert q.low <= q.high


def test_normalize_keeps_length():
    """The matching view has the same length as the text (so offsets need no map)."""
    text = "１．５億美元，約４美分"
    assert len(normalize(text)) == len(text)
