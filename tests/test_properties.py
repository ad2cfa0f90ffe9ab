"""Property tests (Hypothesis): numbers written in many forms parse back exactly, and
extract never crashes and always returns well-formed mentions."""

from __future__ import annotations

from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from checker.extract import extract, parse_quantity
from checker.load import document_from_text, normalize
from checker.extract.numerals import parse_numeral

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


# --- the whole check never crashes on arbitrary text ---------------------------------------

_SEED_WORDS = ["英伟达", "英偉達", "H100", "p00", "A100", "GPT-5", "市场份额", "数据中心AI市场", "价格", "训练",
               "需要", "万", "亿", "万亿", "美元", "美分", "%", "超过", "不到", "约", "至少", "以上", "张", "块",
               "到", "至", "-", "～", "从", "降至", "不会达到", "如果", "据富国银行统计", "(", ")", "四分之一",
               "。", ",", "\n", " ", "2024年", "去年", "第一季度", "<!-- factcheck: ignore * x -->", "`", "```",
               "约合人民币", "倍", "个百分点", "阿尔特曼", "奥尔特曼", "Meta", "支出", "35万块", "2.5万-3万美元"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_SEED_WORDS), st.integers(0, 10**9).map(str),
                          st.text(max_size=4)), max_size=40))
def test_check_never_crashes_and_findings_point_into_the_text(parts):
    """Any mix of the seeds' words, numbers and noise goes through attribution, comparison,
    arithmetic checks, notices and suppression without an exception, and every claim a
    finding quotes is the text at its offsets."""
    from checker.checks import DOCUMENT_CHECKS, CheckOptions
    from checker.checks.compare import compare
    from checker.pipeline import claims_for_document
    from checker.rules import load_rules

    ruleset = _ruleset(load_rules)
    text = "".join(parts)
    docs = [document_from_text(text, "a.md"), document_from_text(text[::-1], "b.txt")]
    claims, findings = [], []
    for doc in docs:
        mentions, doc_claims = claims_for_document(doc, ruleset)
        claims.extend(doc_claims)
        for run in DOCUMENT_CHECKS:
            findings.extend(run(doc, mentions, doc_claims, ruleset, CheckOptions(show_consistent=True)))
    findings.extend(compare(claims, ruleset, show_consistent=True))
    by_path = {d.path: d for d in docs}
    for finding in findings:
        for c in finding.claims:
            doc = by_path[c.path]
            assert doc.text[c.mention.start:c.mention.end] == c.mention.text
        for loc in finding.locations:
            assert by_path[loc.path].text[loc.start:loc.end] == loc.text


_RULESET = []


def _ruleset(load):
    if not _RULESET:
        _RULESET.append(load())
    return _RULESET[0]


# --- intervals: the fast paths give the one definition's answers -------------------------------

from checker.interval import INF, NEG_INF, Interval  # noqa: E402

_ENDS = st.sampled_from([D(0), D(1), D(2), D("2.5"), D(3)])


@st.composite
def _intervals(draw) -> Interval:
    """Small intervals whose ends often touch or coincide, open or closed, points included
    (an empty point such as [0, 0) too: "less than 0%" clipped at 0)."""
    lo = draw(st.one_of(_ENDS, st.just(NEG_INF)))
    hi = draw(st.one_of(_ENDS, st.just(INF)))
    if lo > hi:
        lo, hi = hi, lo
    return Interval(lo, hi, "", draw(st.booleans()), draw(st.booleans()))


def _overlaps_by_definition(a: Interval, b: Interval) -> bool:
    lo, hi = max(a.lo, b.lo), min(a.hi, b.hi)
    return lo < hi or (lo == hi and a.contains(lo) and b.contains(lo))


@settings(max_examples=400, deadline=None)
@given(_intervals(), _intervals())
def test_overlaps_is_some_value_in_both(a, b):
    assert a.overlaps(b) == b.overlaps(a) == _overlaps_by_definition(a, b)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_intervals(), st.integers(0, 2)), min_size=2, max_size=8))
def test_conflict_pairs_are_the_disjoint_pairs_on_different_sides(items):
    from types import SimpleNamespace

    from checker.checks.compare import _conflict_pairs
    from checker.model import Quantity

    # claims that are no stated ranges, so a pair conflicts exactly when its intervals are disjoint
    listed = [SimpleNamespace(mention=SimpleNamespace(quantity=Quantity(low=D(1), high=D(1), bound="exact", unit="count")))
              for _ in items]
    side = {id(c): s for c, (_, s) in zip(listed, items)}
    spans = {id(c): iv for c, (iv, _) in zip(listed, items)}
    expected = tuple((i, j) for i in range(len(items)) for j in range(i + 1, len(items))
                     if items[i][1] != items[j][1] and not _overlaps_by_definition(items[i][0], items[j][0]))
    assert _conflict_pairs(listed, side, spans) == expected
