"""Chinese numeral parsing: strings -> exact decimal intervals.

Handles the forms found in Chinese journalism:

* Arabic digits with thousands separators and decimals: ``25,000``, ``1.5``.
* Chinese numerals with sections and zeros: ``一千零五十亿``, ``两千``, ``三亿五千万``,
  ``十六点四``, colloquial ``三万五`` (35000).
* Digits followed by a multiplier written in Chinese: ``3千亿``, ``2.5万``,
  ``1 万亿``, ``2.5个亿``.
* Vague amounts as intervals: ``数十亿`` [1e9, 1e10], ``几十万``, ``十几亿``,
  ``上千亿``, ``100多亿`` [1e10, 2e10], and adjacent digits ``五六百万`` [5e6, 6e6],
  ``三四十万`` [3e5, 4e5].

Every result is a :class:`Numeral`: ``low``/``high`` (equal for an exact number),
``step`` (the place value of the last digit written: 7.153万亿 -> 1e9) and
``vague``.  Values are ``decimal.Decimal``; nothing here uses binary floats.

The characters and their values come from ``checker/data/lexicon.yaml``; this
module holds only the grammar that combines them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import yaml

from ..resources import SAFE_LOADER, data_path

_ONE = Decimal(1)
_ZERO = Decimal(0)


@lru_cache(maxsize=1)
def lexicon() -> dict:
    """The lexicon (checker/data/lexicon.yaml), loaded once."""
    text = data_path("lexicon.yaml").read_text(encoding="utf-8")
    return yaml.load(text, Loader=SAFE_LOADER)


_LEX = lexicon()
DIGITS: dict[str, Decimal] = {k: Decimal(v) for k, v in _LEX["digits"].items()}
SMALL_UNITS: dict[str, Decimal] = {k: Decimal(v) for k, v in _LEX["small_units"].items()}
BIG_UNITS: dict[str, Decimal] = {k: Decimal(v) for k, v in _LEX["big_units"].items()}
VAGUE_DIGITS: dict[str, tuple[Decimal, Decimal]] = {
    k: (Decimal(lo), Decimal(hi)) for k, (lo, hi) in _LEX["vague_digits"].items()}
MORE_WORDS = frozenset(_LEX["more_words"])
ZHAO: dict[str, Decimal] = {k: Decimal(v) for k, v in _LEX["zhao"].items()}

#: Default value of 兆 when nothing says otherwise (Traditional usage: 10^12).
ZHAO_DEFAULT = ZHAO["hant"]


@dataclass(frozen=True, slots=True)
class Numeral:
    """A parsed number: an interval (low == high when exact), the place value of
    the last digit written, and whether it is a vague amount."""

    low: Decimal
    high: Decimal
    step: Decimal | None
    vague: bool = False

    def scaled(self, factor: Decimal) -> "Numeral":
        return Numeral(self.low * factor, self.high * factor,
                       None if self.step is None else self.step * factor, self.vague)

    @property
    def exact(self) -> bool:
        return self.low == self.high and not self.vague


# "25,000", "1.5", "3": Arabic digits with optional thousands groups and decimals.
_ARABIC_RE = re.compile(r"(?P<int>\d+(?:,\d{3})*)(?:\.(?P<frac>\d+))?")

# A number in digits followed by a Chinese multiplier: "2.5万", "3千亿", "1 万亿",
# "2.5个亿", "100多亿" (多/余 make it vague).
_MIXED_RE = re.compile(
    r"""(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)
        \s*(?P<more>[多余])?
        \s*个?
        \s*(?P<mag>[十百千万亿兆]*)""", re.VERBOSE)

# Chinese decimal: 十六点四亿 -> integer part, fraction digits, multiplier after it.
_CHN_DECIMAL_RE = re.compile(r"(?P<int>[^点]*)点(?P<frac>[零〇一二三四五六七八九]+)(?P<mag>[多余]?个?[万亿兆]*)")


def parse_arabic(text: str) -> Numeral | None:
    """"25,000" -> 25000 (step 1); "1.5" -> 1.5 (step 0.1)."""
    m = _ARABIC_RE.fullmatch(text.strip())
    if not m:
        return None
    frac = m.group("frac") or ""
    value = Decimal(m.group("int").replace(",", "") + ("." + frac if frac else ""))
    step = _ONE.scaleb(-len(frac))
    return Numeral(value, value, step)


def _more_interval(value: Decimal) -> Decimal:
    """The width added by 多 after a number in digits: 100多 -> [100, 200),
    30多 -> [30, 40), 2多 -> [2, 3): the place of the lowest non-zero digit."""
    if value != value.to_integral_value():
        exponent = value.normalize().as_tuple().exponent
        return _ONE.scaleb(exponent)
    n = int(value)
    if n == 0:
        return _ONE
    place = 1
    while n % 10 == 0:
        n //= 10
        place *= 10
    return Decimal(place)


@lru_cache(maxsize=4096)
def multiplier(mag: str, *, zhao: Decimal = ZHAO_DEFAULT) -> Decimal | None:
    """Value of a multiplier written after digits: "万" 1e4, "千亿" 1e11, "万亿" 1e12."""
    if not mag:
        return _ONE
    parsed = parse_chinese("一" + mag, zhao=zhao)
    if parsed is None or parsed.vague:
        return None
    return parsed.low


@lru_cache(maxsize=4096)
def parse_numeral(text: str, *, zhao: Decimal = ZHAO_DEFAULT) -> Numeral | None:
    """Any single number: digits, Chinese numerals, or digits + Chinese multiplier.

    Returns None when ``text`` is not a well-formed number (万一, 亿万, 三三)."""
    text = text.strip()
    if not text:
        return None
    if text[0].isdigit():
        m = _MIXED_RE.fullmatch(text)
        if not m:
            return None
        base = parse_arabic(m.group("num"))
        if base is None:
            return None
        mult = multiplier(m.group("mag"), zhao=zhao)
        if mult is None:
            return None
        if m.group("more"):
            width = _more_interval(base.low)
            base = Numeral(base.low, base.low + width, base.step, True)
        return base.scaled(mult)
    return parse_chinese(text, zhao=zhao)


@lru_cache(maxsize=4096)
def parse_chinese(text: str, *, zhao: Decimal = ZHAO_DEFAULT) -> Numeral | None:
    """A Chinese numeral, possibly vague, as an interval.

    一千零五十亿 -> 105000000000; 十六点四亿 -> 1640000000; 数十亿 -> [1e9, 1e10];
    五六百万 -> [5e6, 6e6]; 三万五 -> 35000.  None when not well formed."""
    if not text:
        return None
    m = _CHN_DECIMAL_RE.fullmatch(text)
    if m:
        whole = _parse_int(m.group("int"), zhao) if m.group("int") else None
        if whole is None or whole.vague or whole.low != whole.high:
            return None
        frac_digits = m.group("frac")
        frac = Decimal("0." + "".join(str(DIGITS[c]) for c in frac_digits))
        value = whole.low + frac
        step = _ONE.scaleb(-len(frac_digits))
        mag = m.group("mag").replace("个", "")
        vague = False
        high = value
        if mag and mag[0] in MORE_WORDS:
            mag = mag[1:]
            vague = True
            high = value + step
        mult = _ONE
        if mag:
            parsed = _parse_int("一" + mag, zhao)
            if parsed is None:
                return None
            mult = parsed.low
        return Numeral(value * mult, high * mult, step * mult, vague)
    return _parse_int(text, zhao)


def _parse_int(text: str, zhao: Decimal) -> Numeral | None:
    """Integer Chinese numerals with interval arithmetic for vague digits.

    State: ``total`` (sections already closed by a big unit), ``section`` (the
    current section below 万), ``num`` (the digit waiting for its unit).  Each is
    a (low, high) pair.  ``place`` is the place value of the last digit written."""
    total_lo = total_hi = _ZERO
    sec_lo = sec_hi = _ZERO
    num: tuple[Decimal, Decimal] | None = None
    total_mag = _ZERO  # the largest big unit applied to ``total`` so far
    place = None  # place value of the last digit written
    last_unit: Decimal | None = None  # the unit just before a trailing digit (三万五)
    after_zero = False
    vague = False
    prev = ""  # kind of the previous character: d(igit), u(nit), b(ig), z(ero), m(ore)
    digits_seen = 0
    for ch in text:
        if ch in DIGITS or ch in VAGUE_DIGITS:
            if ch in VAGUE_DIGITS:
                d = VAGUE_DIGITS[ch]
                vague = True
            else:
                v = DIGITS[ch]
                d = (v, v)
            if v_is_zero(ch):
                if num is not None:
                    return None
                after_zero = True
                prev = "z"
                continue
            if prev == "d":
                # adjacent digits are a range (五六百万, 三四十万), one step apart
                if num is None or num[0] != num[1] or d[0] != num[0] + 1:
                    return None
                num = (num[0], d[1])
                vague = True
            else:
                if prev == "m":
                    return None
                num = d
            digits_seen += 1
            place = _ONE
            if prev in ("u", "b") and not after_zero:
                last_unit_for_num = last_unit
            else:
                last_unit_for_num = None
            prev = "d"
        elif ch in SMALL_UNITS:
            u = SMALL_UNITS[ch]
            if prev == "u" or prev == "m":
                return None
            n = num if num is not None else (_ONE, _ONE)
            if num is None and prev == "z":
                return None
            sec_lo += n[0] * u
            sec_hi += n[1] * u
            num = None
            place = u
            last_unit = u
            after_zero = False
            prev = "u"
        elif ch in BIG_UNITS or ch == "兆":
            mag = BIG_UNITS[ch] if ch in BIG_UNITS else zhao
            if prev == "m" and num is not None:
                return None
            if num is not None:
                sec_lo += num[0]
                sec_hi += num[1]
                num = None
            if prev == "":
                return None  # 万, 亿万: a bare multiplier is not a number
            if sec_hi == 0 and total_hi == 0:
                return None
            if mag > total_mag:
                total_lo = (total_lo + sec_lo) * mag
                total_hi = (total_hi + sec_hi) * mag
                total_mag = mag * (total_mag if sec_hi == 0 and total_mag else 1)
            else:
                if sec_hi == 0:
                    return None  # 亿万
                total_lo += sec_lo * mag
                total_hi += sec_hi * mag
            sec_lo = sec_hi = _ZERO
            if place is None:
                place = _ONE
            place *= mag
            last_unit = mag
            after_zero = False
            prev = "b"
        elif ch in MORE_WORDS:
            # 十多亿, 一百多万: 多 adds up to one unit of the last place
            if prev not in ("u", "b") or place is None:
                return None
            if prev == "u":
                sec_hi += place
            else:
                total_hi += place
            vague = True
            prev = "m"
        else:
            return None
    if digits_seen == 0 and not (text[0] in SMALL_UNITS):
        return None
    if num is not None:
        if prev == "d" and last_unit_for_num is not None and last_unit_for_num >= 100:
            # colloquial 三万五 = 35000, 一百五 = 150: the digit takes the next lower place
            scale = last_unit_for_num / 10
            place = scale
            sec_lo += num[0] * scale
            sec_hi += num[1] * scale
        else:
            sec_lo += num[0]
            sec_hi += num[1]
    low = total_lo + sec_lo
    high = total_hi + sec_hi
    if vague and low == high:
        vague = False
    return Numeral(low, high, place, vague)


def v_is_zero(ch: str) -> bool:
    return ch == "零" or ch == "〇"


def to_decimal(text: str) -> Decimal:
    """The exact value of a number written in any supported form.

    Raises ValueError for text that is not a number or is vague (数十亿)."""
    parsed = parse_numeral(text)
    if parsed is None or parsed.vague or parsed.low != parsed.high:
        raise ValueError(f"not an exact number: {text!r}")
    return parsed.low


__all__ = ["Numeral", "parse_numeral", "parse_chinese", "parse_arabic", "multiplier", "to_decimal",
           "lexicon", "ZHAO"]
