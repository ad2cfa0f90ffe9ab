"""Document -> Mentions: every numeric quantity in an article, normalized.

One precompiled master pattern scans ``Document.norm`` (full-width folded,
Simplified, skipped regions blanked; same length as ``Document.text``).  The
pattern only matches candidates that carry something making them an amount: a
multiplier (万, 亿), a unit or measure word, a percent sign, 倍 or 分之.  A bare
number (2024, H100, "1. ") never leaves the regex engine, so the Python work per
match is small.  Each match is then read by ``_read``: the number(s) through
checker.numerals, the unit through lexicon tables, and the words around it that
bound it (约, 超过, 以上 …), found by a short look-back before the match.

Dates (2024年, 2月11日, 10月份, 2024财年), ordinals (第二代), model names
(H100, GPT-4, Maia 100), process nodes (5nm制程) and the article 一 (一家公司)
are matched where needed and then dropped, so they consume their text and never
become amounts.
"""

from __future__ import annotations

import bisect
import re
from decimal import Decimal

from ..load import document_from_text
from ..model import Document, Mention, Quantity
from ..text import LazyPattern
from .tables import has_header_unit, tables as find_tables
from .numerals import ZHAO, Numeral, lexicon, multiplier, parse_chinese, parse_numeral

_LEX = lexicon()
_ONE = Decimal(1)
_HUNDRED = Decimal(100)


def _alternation(words) -> str:
    """Literal alternatives, longest first (so 个百分点 wins over 个)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _guarded(words) -> str:
    """``_alternation(words)`` behind a look-ahead for the first characters of the words: the
    regex engine tries the alternatives one after the other, so a position where none can
    start fails on one character-class test instead of one test per word."""
    return f"(?=[{''.join(sorted({re.escape(w[0]) for w in words}))}])(?:{_alternation(words)})"


# --- unit table: the word after a number -> (kind, unit, scale) -----------------------
# kind: "money", "ratio", "phys", "count", "duration", "date"
_UNIT_INFO: dict[str, tuple[str, str, Decimal]] = {}
for _w in _LEX["classifiers"]:
    _UNIT_INFO[_w] = ("count", "count", _ONE)
for _w in _LEX["durations"]:
    _UNIT_INFO[_w] = ("duration", "count", _ONE)
for _w in _LEX["date_words"]:
    _UNIT_INFO[_w] = ("date", "", _ONE)
for _w, (_code, _scale) in _LEX["currencies_after"].items():
    _UNIT_INFO[_w] = ("money", _code, Decimal(_scale))
for _w, _sym in _LEX["physical_units"].items():
    _UNIT_INFO[_w] = ("phys", _sym, _ONE)
for _w, (_code, _scale) in _LEX["ratios"].items():
    _UNIT_INFO[_w] = ("ratio", _code, Decimal(_scale))

_ASCII_UNITS = [w for w in _UNIT_INFO if w.isascii() and w[0].isalpha()]
_OTHER_UNITS = [w for w in _UNIT_INFO if w not in _ASCII_UNITS and w != "成"]

_CURRENCY_BEFORE: dict[str, str] = dict(_LEX["currencies_before"])
_HEDGE_BEFORE: dict[str, str | None] = dict(_LEX["hedges_before"])
_HEDGE_AFTER: dict[str, str] = dict(_LEX["hedges_after"])
_PROCESS_UNITS = frozenset(_LEX["process_node_units"])
_ARTICLES = frozenset(_LEX["article_numerals"])

# --- character classes, built from the lexicon ---------------------------------------
_DIG = "".join(_LEX["digits"])  # 零〇一二两三四五六七八九
_NOMAG_START = _DIG + "".join(_LEX["small_units"])  # a Chinese numeral starts with these
_NOMAG = _NOMAG_START + "几"  # inside it, 几 is a digit too (十几); 几家 alone is not an amount
_BIG = "".join(_LEX["big_units"])  # 万亿 (兆 is handled apart: it may be "mega")
_BIG_ZHAO = _BIG + "兆"
_MORE = "".join(_LEX["more_words"])  # 多余
_CONN = "".join(re.escape(c) for c in _LEX["range_connectors"])
# 兆 before these is the prefix "mega" of a unit (兆瓦, 兆赫, 兆字节), not 10^12.
_ZHAO_UNIT = "瓦|赫|字节|比特|位|帕|焦"
# A multiplier char after digits; 千 before 瓦/米/克 belongs to the unit (千瓦, 千米).
# 百 before 分 starts 百分点/百分之 (3个百分点 is not 300).
_MAG_CHAR = rf"(?:百(?!分)|[千万亿](?![瓦米克字赫焦])|兆(?!{_ZHAO_UNIT}))"
_SP = r"[ \t\xa0]?"  # one optional space ("1 万亿", "超过 35 亿美元"); NFKC made U+3000 a space

# A unit after a number.  ASCII symbols must not run on into a word (5nm, not 5nmX);
# 成 is tenths only when it does not start a word (一成不变, 成为).
_UNIT_ALT = (
    rf"(?:{_guarded(_OTHER_UNITS)}"
    rf"|(?:{_guarded(_ASCII_UNITS)})(?![A-Za-z])"
    rf"|成(?![{''.join(_LEX['cheng_not_before'])}]))"
)


def _number(i: int) -> str:
    """One number, groups suffixed with ``i`` (1 or 2: the ends of a range).

    Accepted: 7 | 25,000 | 1.5 | 2.5万 | 3千亿 | 1 万亿 | 2.5个亿 | 100多亿 | 80多 |
              一千零五十亿 | 十六点四亿 | 两千 | 百亿 | 数十亿 | 几十万 | 上千亿 | 十几 | 五六百万
    Groups: a (digits), av (多 after digits), am (multiplier after digits),
            c (Chinese numeral), cm (a multiplier inside it: set when there is one).
    The look-behinds keep a match from starting inside a word: after a letter,
    digit, '.', '-' or '_' (H100, GPT-4, 3.5.1, PM2.5) or after 第 (ordinals),
    and not in the middle of a run of Chinese numerals."""
    lb_a = r"(?<![A-Za-z0-9_.\-第])" if i == 1 else ""  # the second end follows a connector
    lb_c = rf"(?<![{_NOMAG}{_BIG}兆数第])" if i == 1 else ""
    return rf"""(?:
        {lb_a}
        (?P<a{i}>\d++(?:,\d{{3}}(?!\d))*+(?:\.\d++)?)
        (?:{_SP}(?P<av{i}>[{_MORE}]))?
        (?:{_SP}个?{_SP}(?P<am{i}>{_MAG_CHAR}++))?
      |
        {lb_c}
        (?=[{_NOMAG_START}{_BIG}]|兆(?!{_ZHAO_UNIT})|[数几](?=[十百千万亿])|上(?=[百千万亿])(?!百分之))
        (?P<c{i}>
          (?:[数几](?=[十百千万亿])|上(?=[百千万亿]))?
          (?:[{_NOMAG}]*+(?:点[{_DIG}]++)?[{_MORE}]?个?
             (?P<cm{i}>[{_BIG}]|兆(?!{_ZHAO_UNIT}))(?:[{_BIG}]|兆(?!{_ZHAO_UNIT}))*+)*+
          (?:[{_NOMAG}]++(?:点[{_DIG}]++)?[{_MORE}]?)?
        )
    )"""


# The master pattern.  Accepted (examples):
#   四分之一 | 百分之九十八 | 7万亿美元 | 2.5万-3万美元 | 3～5亿美元 | 80亿至100亿美元 |
#   98% | 13倍以上 | 2.5万块 | 3—6个月 | 2年多 | 300万美元/天 | 5nm | 年薪90万 (the 90万) |
#   2024年, 2月11日 (matched, then dropped as dates)
# The final conditional rejects a candidate with neither a unit nor a multiplier, so
# bare numbers fail inside the regex engine.
_FIRST = rf"[\d{_NOMAG}{_BIG}兆数上$¥￥€£UHN]"  # every candidate starts with one of these

_MASTER_RE = re.compile(
    rf"""
    (?={_FIRST})  # cheap rejection: most positions fail this one-character test
    (?:
        (?P<frac>
            (?<![{_NOMAG}第])
            (?P<fden>[{_NOMAG}]++|\d++)分之(?P<fnum>[{_NOMAG}]++(?:点[{_DIG}]++)?|\d++(?:\.\d++)?)
        )
      |
        (?:(?P<sym>(?:US|HK|NT)?\$|[¥￥€£]){_SP})?  # $25,000: a currency symbol makes an amount
        (?P<n1>{_number(1)})
        (?:{_SP}(?P<u1>{_UNIT_ALT})(?={_SP}[{_CONN}]))?  # own unit of a range's first end (30%-40%)
        (?:{_SP}(?P<conn>[{_CONN}]){_SP}(?P<n2>{_number(2)}))?
        (?:{_SP}(?P<unit>{_UNIT_ALT}))?
        (?(unit)|(?(u1)|(?(am1)|(?(cm1)|(?(am2)|(?(cm2)|(?(sym)|(?!))))))))
        (?P<more>[{_MORE}](?![{_NOMAG}\d]))?
    )
    (?:{_SP}(?P<post>{_guarded(_HEDGE_AFTER)}))?
    (?:{_SP}/{_SP}(?P<per>{_guarded(_LEX['per_words'])}))?
    """,
    re.VERBOSE,
)

# Look-back before a number: an optional hedge word, then an optional currency word.
# Accepted (at the end of the window): 约 | 约合人民币 | 超过 | 大约为 | $ | 人民币 | 多达
_PREFIX_RE = re.compile(
    rf"""(?:(?P<hedge>{_guarded(_HEDGE_BEFORE)}){_SP})?
         (?:(?P<cur>{_guarded(_CURRENCY_BEFORE)}){_SP})?$""",
    re.VERBOSE,
)

# After a year or month: what makes "24年" a date (24年3月, 24年底).
_AFTER_YEAR_RE = re.compile(r"[ \t]?(?:\d{1,2}月|[底初末中度代])")
# After a process-node size: 5nm制程, 7纳米工艺.
_PROCESS_RE = re.compile(rf"[ \t]?(?:{_alternation(_LEX['process_node_words'])})")

_PREFIX_LAST = frozenset(w[-1] for w in list(_HEDGE_BEFORE) + list(_CURRENCY_BEFORE))
_LOOKBACK = 10  # characters examined before a number for hedge and currency words


#: Words that state a ratio without a digit (翻番, 翻了两番, 减半, 一半), from the lexicon.
_RATIO_WORDS = {w: (unit, Decimal(value)) for w, (unit, value) in _LEX["ratio_words"].items()}
_RATIO_WORD_RE = re.compile(_alternation(_RATIO_WORDS))


def _ratio_words(doc: Document, taken: list[Mention]) -> list[Mention]:
    """The ratio words of ``doc`` that no numeric mention covers."""
    out = []
    starts = [m.start for m in taken]
    for m in _RATIO_WORD_RE.finditer(doc.norm):
        i = bisect.bisect_right(starts, m.start()) - 1
        if i >= 0 and taken[i].end > m.start():
            continue  # inside a number already read
        unit, value = _RATIO_WORDS[m.group()]
        # hedges around it as around a number: 超过一半, 一半以上
        start, bound, _ = _prefix(doc.norm, m.start(), taken[i].end if i >= 0 else 0)
        post = next((w for w in _HEDGE_AFTER_BY_LENGTH if doc.norm.startswith(w, m.end())), None)
        end = m.end() + len(post) if post else m.end()
        q = _bounded(Quantity(value, value, "exact", unit), bound, post)
        line, col = doc.position(start)
        out.append(Mention(start, end, line, col, doc.text[start:end], q))
    return out


_HEDGE_AFTER_BY_LENGTH = sorted(_HEDGE_AFTER, key=len, reverse=True)


def extract(doc: Document) -> list[Mention]:
    """Every quantity in ``doc``, sorted by start, non-overlapping."""
    norm = doc.norm
    text = doc.text
    hant = doc.variant == "hant"
    out: list[Mention] = []
    prev_end = 0
    line_starts = doc.line_starts
    # a match is never empty, so each search goes on where the last match ended
    scan = _MASTER_RE.scanner(norm).search
    while (m := scan()) is not None:
        found = _read(m, norm, text, hant, prev_end)
        if found is _TWO_QUANTITIES:
            # "下降0.5个百分点至12.3%": the connector joins two quantities, not a range; read the
            # first end on its own and go on scanning after the connector
            first = _MASTER_RE.search(norm, m.start(), m.start("conn"))
            found = _read(first, norm, text, hant, prev_end) if first is not None else ()
            if found is _TWO_QUANTITIES:
                found = ()
            scan = _MASTER_RE.scanner(norm, m.end("conn")).search
        for start, end, q in found:
            i = bisect.bisect_right(line_starts, start) - 1  # Document.position
            out.append(Mention(start, end, i + 1, start - line_starts[i] + 1, text[start:end], q))
            prev_end = end
    words = _ratio_words(doc, out) if "翻" in norm or "半" in norm else ()
    if words:
        out = sorted([*out, *words], key=lambda m: m.start)
    out = _latin_magnitudes(doc, _tenths_and_units(doc, _shared_units(norm, out)))
    out = _rate_denominators(doc, _regional_yuan(norm, _elided_currency(norm, out)))
    return _table_cells(doc, out) if "\n" in text and has_header_unit(norm) else out


def _table_cells(doc: Document, mentions: list[Mention]) -> list[Mention]:
    """The bare numbers of a table whose column header gives their unit: under 营收(亿美元) the
    cell 19 is 19亿美元, under 市占率(%) the cell 4.4 is 4.4% (a sign is the row's change: the
    value is read without it, as 季减1.7% is)."""
    found = find_tables(doc.text, doc.norm)
    if not found:
        return mentions
    starts = [m.start for m in mentions]
    extra = []
    for table in found:
        units = [table.unit(c) for c in range(len(table.header))]
        for row in table.rows:
            for c, cell in enumerate(row[:len(units)]):
                unit = units[c]
                digits = cell.text.lstrip("-−")
                if unit is None or not digits[:1].isdigit() or digits.endswith("%"):
                    continue
                start = cell.end - len(digits)
                i = bisect.bisect_right(starts, cell.end) - 1
                if i >= 0 and mentions[i].end > start:
                    continue  # the cell is read already
                q = parse_quantity(digits.replace(",", "") + unit)
                if q is None:
                    continue
                line, col = doc.position(start)
                extra.append(Mention(start, cell.end, line, col, doc.text[start:cell.end], q))
    return sorted([*mentions, *extra], key=lambda m: m.start) if extra else mentions


# A rate's denominator with its own magnitude: "0.5元/千token", "2美元/百万token", "每百万token收费2美元",
# "每千个token 0.002美元".  The value is kept per one of the thing (0.5元/千token is 0.0005元 per token),
# so per thousand and per million compare, and the denominator is never dropped.
_DENOMINATOR_SCALE = {"千": 3, "k": 3, "K": 3, "万": 4, "十万": 5, "百万": 6, "M": 6, "千万": 7, "亿": 8}
_PER_AFTER = re.compile(r"\s*/\s*(?P<scale>百万|千万|十万|千|万|亿|[kKM])\s*个?\s*(?P<noun>tokens?|[\u4e00-\u9fff]{1,2}|GB|TB)")
_PER_BEFORE = re.compile(r"每\s*(?P<scale>百万|千万|十万|千|万|亿|[kKM])?\s*个?\s*(?P<noun>tokens?|词元|字)\s*(?:的)?(?:价格|收费|费用|成本)?(?:为|是|约|仅)?\s*$")



#: How far back a clause's start is looked for: a clause is rarely longer, and a bound keeps
#: one endless sentence (no comma for megabytes) linear rather than a scan back per number.
CLAUSE_LOOK_BACK = 256


def _clause_start(norm: str, at: int) -> int:
    """Where the clause holding offset ``at`` starts: after the nearest , ; 。 or line break
    before it, within CLAUSE_LOOK_BACK characters."""
    lo = max(0, at - CLAUSE_LOOK_BACK)
    mark = max(norm.rfind(c, lo, at) for c in ",;。\n")
    return mark + 1 if mark != -1 else lo


def _rate_denominators(doc: Document, mentions: list[Mention]) -> list[Mention]:
    norm = doc.norm
    if "/" not in norm and "每" not in norm:
        return mentions
    out: list[Mention] = []
    drop: set[int] = set()
    for m in mentions:
        q = m.quantity
        if q.per is not None or q.low is None or not (q.unit == "count" or (len(q.unit) == 3 and q.unit.isupper())):
            out.append(m)
            continue
        after = _PER_AFTER.match(norm, m.end)
        # _PER_BEFORE starts with 每: without one in the look-back, the clause need not be found
        if norm.rfind("每", max(0, m.start - CLAUSE_LOOK_BACK), m.start) == -1:
            before = None
        else:
            before = _PER_BEFORE.search(norm, _clause_start(norm, m.start), m.start)
        found = after or before
        if found is None or (before and not after and not before.group("noun")):
            out.append(m)
            continue
        power = _DENOMINATOR_SCALE.get(found.group("scale") or "", 0)
        noun = found.group("noun").rstrip("s") if found.group("noun").startswith("token") else found.group("noun")
        scale = Decimal(10) ** power
        end = after.end() if after else m.end
        q2 = Quantity(low=q.low / scale, high=(q.high / scale) if q.high is not None else None, bound=q.bound,
                      unit=q.unit, classifier=q.classifier, step=(q.step / scale) if q.step else q.step,
                      vague=q.vague, per=noun)
        out.append(Mention(m.start, end, m.line, m.col, doc.text[m.start:end], q2))
        if after:
            drop.add(after.start())
    # a magnitude that was the denominator ("/百万") is no amount of its own
    return [m for m in out if not any(m.start >= d and m.start <= d + 3 and m.quantity.unit == "number" for d in drop)]


# 元 is the currency of the place the text is about: in a paragraph that names 港元 (港币) and not
# 人民币, a bare 元 is HKD; one that names 新台币 (台币) and not 人民币, TWD.  Otherwise 元 is CNY.
_HKD_WORDS = re.compile(r"港元|港币|港圆")
_TWD_WORDS = re.compile(r"新台币|台币")
_CNY_WORDS = LazyPattern(r"人民币|RMB|CNY")


def _regional_yuan(norm: str, mentions: list[Mention]) -> list[Mention]:
    """Bare 元 read with the currency its paragraph names (never silently CNY in a paragraph
    about Hong Kong or Taiwan dollars)."""
    if "元" not in norm or not (_HKD_WORDS.search(norm) or _TWD_WORDS.search(norm)):
        return mentions
    out = []
    for m in mentions:
        q = m.quantity
        if q.unit == "CNY" and norm[m.start:m.end].rstrip().endswith("元") and not _CNY_WORDS.search(norm, m.start, m.end):
            start = norm.rfind("\n", 0, m.start) + 1
            end = norm.find("\n", m.end)
            paragraph = norm[start:end if end != -1 else len(norm)]
            hkd, twd, cny = _HKD_WORDS.search(paragraph), _TWD_WORDS.search(paragraph), _CNY_WORDS.search(paragraph)
            unit = "HKD" if hkd and not twd and not cny else "TWD" if twd and not hkd and not cny else None
            if unit is not None:
                m = Mention(m.start, m.end, m.line, m.col, m.text,
                            Quantity(low=q.low, high=q.high, bound=q.bound, unit=unit, classifier=q.classifier,
                                     step=q.step, vague=q.vague, per=q.per))
        out.append(m)
    return out


# A part of an amount whose currency is written once: "融资200亿美元,其中80亿来自红杉" (80亿美元).
_PART_OPENS = re.compile(r"(?:其中|包括|另有|剩余|余下)\s*$")


def _elided_currency(norm: str, mentions: list[Mention]) -> list[Mention]:
    """A bare magnitude in a clause that opens on a part of an amount stated earlier in its
    sentence takes that amount's currency."""
    out = list(mentions)
    for i, m in enumerate(out):
        q = m.quantity
        if q.unit != "number" or not _MAGNITUDE.search(norm, m.start, m.end):
            continue
        clause = _clause_start(norm, m.start)
        if not _PART_OPENS.search(norm, clause, m.start):
            continue
        earlier = [p for p in out[:i] if p.end <= clause and len(p.quantity.unit) == 3 and p.quantity.unit.isupper()
                   and "。" not in norm[p.end:m.start] and "\n" not in norm[p.end:m.start]]
        if earlier:
            unit = earlier[-1].quantity.unit
            out[i] = Mention(m.start, m.end, m.line, m.col, m.text,
                             Quantity(low=q.low, high=q.high, bound=q.bound, unit=unit, classifier=None,
                                      step=q.step, vague=q.vague, per=q.per))
    return out


# Magnitudes written in Latin letters, as English-language sources and model names write them.
# Accepted: "$4.5B", "US$3 billion", "$100 million", "4.5 billion美元", "405B参数", "8B模型", "12.5k",
# "2 trillion dollars".  Not: "B200", "H100", "5G", "3M公司" (a letter before the digits, or a
# name after them), "4K显示器".
_LATIN_SCALE = {"k": 3, "thousand": 3, "m": 6, "mn": 6, "million": 6, "b": 9, "bn": 9, "billion": 9,
                "t": 12, "tn": 12, "trillion": 12}
_LATIN = LazyPattern(
    r"""(?<![A-Za-z0-9.])(?P<cur>US\$|\$|USD\s?)?(?P<num>\d+(?:\.\d+)?)\s?
        (?P<scale>thousand|million|billion|trillion|mn|bn|tn|[kKMBT])(?![A-Za-z0-9])
        \s*(?P<after>美元|美金|dollars?|USD|参数|个参数|parameters?|tokens?|模型)?""", re.VERBOSE)


#: What every _LATIN match holds: its number's last digit, then the scale word.  It starts with
#: a digit, so the regex engine skips to candidates; _LATIN's optional currency prefix does not.
_LATIN_HINT = re.compile(r"\d\s?(?=[tmbkKMBT])(?:thousand|million|billion|trillion|mn|bn|tn|[kKMBT])(?![A-Za-z0-9])")


def _latin_magnitudes(doc: Document, mentions: list[Mention]) -> list[Mention]:
    """Add the Latin-letter magnitudes (one pass over the matching view), replacing a bare
    "$4.5" read before its letter; a magnitude with neither a currency nor a word that says
    what it counts (参数, tokens) is left alone (4K, 5G)."""
    norm = doc.norm
    if not _LATIN_HINT.search(norm):  # a digit before a scale word: rare, and found by a fast scan
        return mentions
    out = list(mentions)
    for m in _LATIN.finditer(norm):
        scale_word = m.group("scale")
        money = bool(m.group("cur")) or (m.group("after") or "").lower().startswith(("美", "dollar", "usd"))
        counted = (m.group("after") or "") in ("参数", "个参数", "parameter", "parameters", "token", "tokens", "模型")
        if not money and not counted and scale_word.lower() not in ("thousand", "million", "billion", "trillion"):
            continue
        digits = m.group("num")
        places = len(digits.split(".")[1]) if "." in digits else 0
        power = _LATIN_SCALE[scale_word.lower()]
        value = (Decimal(digits) * Decimal(10) ** power).normalize()
        value = value.quantize(_ONE) if value == value.to_integral_value() else value
        step = Decimal(10) ** (power - places)
        end = m.end("scale") if not money or m.group("cur") else m.end("after")
        start = m.start()
        quantity = Quantity(low=value, high=value, bound="exact", unit="USD" if money else "number",
                            classifier=None, step=step)
        out = [x for x in out if x.end <= start or x.start >= end]
        line, col = doc.position(start)
        out.append(Mention(start, end, line, col, doc.text[start:end], quantity))
    return sorted(out, key=lambda x: x.start)


#: "四成八" is 48%: a digit after 成 gives the hundredths (五成九 = 59%).  Not: "三成以上",
#: "五成十" (no such form), "三成五千" (a number follows).
_CHENG_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万亿0123456789"


def _tenths_and_units(doc: Document, mentions: list[Mention]) -> list[Mention]:
    """Tenths written with their hundredths (四成八): the mention takes the digit after 成."""
    norm = doc.norm
    if "成" not in norm:
        return list(mentions)
    out = []
    for m in mentions:
        q = m.quantity
        at = m.end
        if q.unit == "percent" and norm[m.start:at].endswith("成") and at < len(norm) and norm[at] in _CHENG_DIGITS \
                and (at + 1 >= len(norm) or norm[at + 1] not in _NUMERAL_CHARS) and q.low is not None \
                and q.low == q.high:
            value = q.low + Decimal(_CHENG_DIGITS[norm[at]])
            m = Mention(m.start, at + 1, m.line, m.col, doc.text[m.start:at + 1],
                        Quantity(low=value, high=value, bound=q.bound, unit=q.unit, classifier=q.classifier,
                                 step=_ONE, vague=q.vague, per=q.per))
        out.append(m)
    return out


# Items of a list of amounts: "79.3亿、64.6亿美元", "2660万和2090万部": the unit is written once,
# after the last item, and belongs to every item that has a magnitude but no unit of its own.
# Not: "3家和5万台" (the first item has its own unit), "2024年和64.6亿美元" (no magnitude).
_LIST_JOIN = re.compile(r"\s*(?:、|和|及|与|以及)\s*")
_MAGNITUDE = re.compile(r"[万亿千百]")


def _shared_units(norm: str, mentions: list[Mention]) -> list[Mention]:
    """Bare magnitudes in a list take the unit written after its last item (one backward pass)."""
    out = list(mentions)
    for i in range(len(out) - 2, -1, -1):
        first, after = out[i], out[i + 1]
        q, unit = first.quantity, after.quantity
        if q.unit != "number" or unit.unit == "number" or not _MAGNITUDE.search(norm, first.start, first.end):
            continue
        if "分" in norm[after.start:after.end] or not _LIST_JOIN.fullmatch(norm, first.end, after.start):
            continue  # cents scale the value; only a plain list joins
        out[i] = Mention(first.start, first.end, first.line, first.col, first.text,
                         Quantity(low=q.low, high=q.high, bound=q.bound, unit=unit.unit, classifier=unit.classifier,
                                  step=q.step, vague=q.vague, per=unit.per))
    return out


#: What _read gives for two quantities joined by a range connector (different units).
_TWO_QUANTITIES = object()


def parse_quantity(text: str) -> Quantity | None:
    """The single quantity in a short text ("约0.04美元", "3～5亿美元"); None if there
    is none.  When the text holds several, the first is returned."""
    mentions = extract(document_from_text(text, "<text>"))
    return mentions[0].quantity if mentions else None


# --- reading one match -------------------------------------------------------------


#: Index of each named group of _MASTER_RE in ``Match.groups()``: one call gives every group
#: of a match (a ``group(name)`` call per field cost more than the rest of reading it).
_G = {name: index - 1 for name, index in _MASTER_RE.groupindex.items()}
_FRAC, _SYM, _UNIT, _U1, _CONN_G, _N2 = _G["frac"], _G["sym"], _G["unit"], _G["u1"], _G["conn"], _G["n2"]
_A1, _AV1, _AM1, _C1, _CM1 = _G["a1"], _G["av1"], _G["am1"], _G["c1"], _G["cm1"]
_A2, _AV2, _AM2, _C2, _CM2 = _G["a2"], _G["av2"], _G["am2"], _G["c2"], _G["cm2"]
_MORE_G, _POST, _PER = _G["more"], _G["post"], _G["per"]
_COUNTED = ("count", "duration")


def _read(m: re.Match, norm: str, text: str, hant: bool, prev_end: int):
    """The mentions a match stands for: none (a date, a model name, the article 一…)
    or one; or _TWO_QUANTITIES for a "range" whose ends carry different units
    (3万美元至5亿元, 0.5个百分点至12.3%), which the caller reads as two.

    What cannot be an amount (a date, a year, a process node, the article 一, a lone 万) is
    turned away first, before the hedge and the number are read."""
    g = m.groups()
    if g[_FRAC] is not None:
        q = _fraction(m)
        if q is None:
            return ()
        start, bound, _ = _prefix(norm, m.start(), prev_end)
        return ((start, m.end(), _bounded(q, bound, g[_POST])),)

    unit_w = g[_UNIT]
    u1 = g[_U1]
    conn = g[_CONN_G]
    if conn is None and u1 is not None:
        unit_w, unit_group = u1, "u1"
    else:
        unit_group = "unit" if unit_w is not None else None
    info = _UNIT_INFO.get(unit_w) if unit_w is not None else None
    kind = info[0] if info else None

    n2 = g[_N2] if conn is not None else None
    c1 = g[_C1]

    # --- things that look like numbers and are not amounts -----------------------
    if kind == "date":
        return ()
    if unit_w == "年" and (_year_digits(g[_A1]) or _AFTER_YEAR_RE.match(norm, _unit_end(m, g)) is not None
                           or (n2 is not None and _year_digits(g[_A2]))):
        return ()
    if kind == "phys" and info[1] in _PROCESS_UNITS and _PROCESS_RE.match(norm, _unit_end(m, g)):
        return ()
    if n2 is None and c1 is not None:
        # the article 一 before a measure word (一家公司, 一个星期) is not a count
        if c1 in _ARTICLES and kind in _COUNTED:
            return ()
        if not _chinese_ok(c1, info is not None):
            return ()

    # --- hedge and currency words in front (约合人民币50.26万亿元, 超过$3) ------------
    start, bound, cur_before = _prefix(norm, m.start(), prev_end)
    sym = g[_SYM]
    if sym is not None:
        cur_before = _CURRENCY_BEFORE[sym]

    zhao = _zhao(hant, unit_w, kind, cur_before)
    v1 = _numeral(g[_A1], g[_AV1], g[_AM1], c1, zhao)
    if v1 is None:
        return ()
    if n2 is not None:
        v2 = _numeral(g[_A2], g[_AV2], g[_AM2], g[_C2], zhao)
        if v2 is None:
            return ()
        # a range whose sides carry different units is two quantities
        if u1 is not None and g[_UNIT] is not None and _UNIT_INFO.get(u1) != _UNIT_INFO.get(g[_UNIT]):
            return _TWO_QUANTITIES
        # the connector carries the multiplier back: 3～5亿 is 3亿-5亿
        if g[_AM1] is None and g[_CM1] is None and (g[_AM2] is not None or g[_CM2] is not None):
            mult = _trailing_multiplier(g[_AM2], g[_C2], zhao)
            if mult is None:
                return ()
            v1 = v1.scaled(mult)
        if v1.low > v2.high:
            return ()  # "10-3": not a range of amounts
        value = Numeral(v1.low, v2.high, _min_step(v1.step, v2.step), v1.vague or v2.vague)
    else:
        value = v1

    if info is None:  # _unit_of
        unit, classifier, scale = (cur_before if cur_before is not None else "number"), None, _ONE
    else:
        unit, classifier, scale = _unit_of(info, unit_w, m.span(unit_group) if kind in _COUNTED else None, text,
                                           cur_before)
        if unit is None:
            return ()
    if unit == "number" and start > 0 and norm[start - 1] == "每":
        return ()  # "每百万token 5美元": the denominator of a rate, not an amount
    if scale != _ONE:
        value = value.scaled(scale)

    more = g[_MORE_G]
    post = g[_POST]
    per = g[_PER]
    end = m.end()
    if more is not None and kind not in _COUNTED:
        # 多 after a currency or ratio word is not ours (美元多达…): give it back
        end = m.start("more") if post is None and per is None else end
        more = None

    if bound is None and more is not None:
        bound = "gt"  # 2年多
    round_magnitude = (c1 is not None and len(c1) >= 2 and c1[0] in "百千" and c1[1] in _BIG_ZHAO
                       and g[_C2] is None)  # 百亿, 千亿 with no digit in front: approximate
    b = _bound_of(bound, post, value.vague or round_magnitude)
    low, high = value.low, value.high
    if abs(low) >= _MAX_AMOUNT or abs(high) >= _MAX_AMOUNT:
        return ()  # a run of twenty-odd digits is an identifier or noise, not an amount
    low, high = _clean(low), _clean(high)
    if low != high and not value.vague:
        pass  # a stated range keeps both ends under any bound (多达5万亿-7万亿: le)
    elif b == "gt" or b == "ge":
        high = None
    elif b == "lt" or b == "le":
        low = None
    step = value.step
    q = Quantity(low, high, b, unit, classifier, _clean(step) if step is not None else None, value.vague, per)
    return ((start, end, q),)


def _prefix(norm: str, pos: int, prev_end: int) -> tuple[int, str | None, str | None]:
    """Start of the mention (hedge and currency words included), the hedge's bound,
    and the currency written in front (ISO code), if any."""
    lo = pos - _LOOKBACK
    if lo < prev_end:
        lo = prev_end
    if lo >= pos:
        return pos, None, None
    # cheap rejection: most numbers follow a character that ends no hedge or currency word
    last = norm[pos - 1]
    if last == " " and pos - 1 > lo:
        last = norm[pos - 2]
    if last not in _PREFIX_LAST:
        return pos, None, None
    p = _PREFIX_RE.search(norm, lo, pos)
    if p is None or p.start() == p.end():
        return pos, None, None
    cur = p.group("cur")
    hedge = p.group("hedge")
    code = _CURRENCY_BEFORE[cur] if cur is not None else None
    if hedge is not None:
        bound = _HEDGE_BEFORE[hedge]
        if bound is None:  # 最近, 节约: a word that only ends like a hedge
            return (p.start("cur") if cur is not None else pos), None, code
        return p.start(), bound, code
    return p.start(), None, code


def _fraction(m: re.Match) -> Quantity | None:
    """四分之一 -> 25 percent, 百分之九十八 -> 98 percent, 三分之一 -> 100/3 percent."""
    den = parse_numeral(m.group("fden"))
    num = parse_numeral(m.group("fnum"))
    if den is None or num is None or not den.exact or not num.exact or den.low == 0:
        return None
    if m.group("fden") == "百":
        value = num.low
        step = num.step
    else:
        value = num.low * _HUNDRED / den.low
        step = None
    return Quantity(low=_clean(value), high=_clean(value), bound="exact", unit="percent", step=step)


#: _numeral's answers by what was written: the same figure (98, 2.5万) recurs across a corpus.
_NUMERALS: dict[tuple, Numeral | None] = {}
_NUMERALS_MAX = 1 << 16


def _numeral(a: str | None, av: str | None, am: str | None, c: str | None, zhao: Decimal) -> Numeral | None:
    """One end of a match read as a number: digits ``a`` (with 多 ``av`` and a multiplier
    ``am`` after them) or a Chinese numeral ``c``."""
    key = (a, av, am, c, zhao)
    try:
        return _NUMERALS[key]
    except KeyError:
        pass
    if len(_NUMERALS) >= _NUMERALS_MAX:
        _NUMERALS.clear()
    value = _NUMERALS[key] = _read_numeral(a, av, am, c, zhao)
    return value


def _read_numeral(a, av, am, c, zhao: Decimal) -> Numeral | None:
    if a is not None:
        v = parse_numeral(a)
        if v is None:
            return None
        if av is not None:
            lo = v.low
            v = parse_numeral(a + "多")
            if v is None:
                v = Numeral(lo, lo, None)
        if am:
            mult = multiplier(am, zhao=zhao)
            if mult is None:
                return None
            v = v.scaled(mult)
        return v
    if not c:
        return None
    if c[0] in "零〇":
        return None  # 零一万物: a name, not a number
    return parse_chinese(c.replace("个", ""), zhao=zhao)


def _trailing_multiplier(am: str | None, c: str | None, zhao: Decimal) -> Decimal | None:
    mag = am
    if mag is None:
        k = len(c)
        while k > 0 and c[k - 1] in _BIG_ZHAO:
            k -= 1
        mag = c[k:]
    return multiplier(mag, zhao=zhao)


def _min_step(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def _year_digits(a: str | None) -> bool:
    """2024 (before 年): four digits from 1000 to 2999 are a year, never an amount."""
    return a is not None and len(a) == 4 and a.isdigit() and 1000 <= int(a) <= 2999


def _unit_end(m: re.Match, g: tuple) -> int:
    """Where the match's unit word ends (24年3月, 24年底: what follows 年 makes it a date)."""
    return m.end("unit") if g[_UNIT] is not None else m.end("u1")


def _chinese_ok(c: str, has_unit: bool) -> bool:
    """A Chinese numeral standing alone must be unambiguous: 百亿, 两千万 yes;
    千万 (as in 千万不要), a lone 百/千/万 (百家争鸣, 万物) no."""
    if len(c) == 1 and c in "百千万亿兆":
        return False
    if not has_unit and c in ("千万", "万万"):
        return False
    return True


def _zhao(hant: bool, unit_w: str | None, kind: str | None, cur_before: str | None) -> Decimal:
    """兆 is 10^12 in Traditional text and before a currency word, else 10^6."""
    if hant or kind == "money" or cur_before is not None:
        return ZHAO["hant"]
    return ZHAO["hans"]


def _unit_of(info, unit_w, unit_span, text: str, cur_before: str | None):
    """(unit, classifier as written, scale to the main unit) of a matched unit word."""
    if info is None:
        if cur_before is not None:
            return cur_before, None, _ONE
        return "number", None, _ONE
    kind, code, scale = info
    if kind == "money":
        if cur_before is not None and code == "CNY" and unit_w in ("元", "块钱"):
            return cur_before, None, scale  # 新台币100元 is TWD, 港币…元 HKD
        return code, None, scale
    if kind in ("count", "duration"):
        return "count", text[unit_span[0]:unit_span[1]], scale
    return code, None, scale


def _bound_of(bound: str | None, post: str | None, approx: bool) -> str:
    """The bound from the hedge in front and the word after: 约 approx, 超过 gt,
    以上 ge, 不到 lt, 高达 exact; a vague amount with no other bound is approx."""
    after = _HEDGE_AFTER.get(post) if post else None
    b = after or bound
    if bound in ("gt", "ge", "lt", "le") and after == "approx":
        b = bound
    if b is None or b == "exact":
        b = "approx" if approx else "exact"
    return b


def _bounded(q: Quantity, bound: str | None, post: str | None, *, approx: bool = False) -> Quantity:
    """``q`` with the bound of the words around it, open on the side it leaves open."""
    b = _bound_of(bound, post, approx)
    low, high = q.low, q.high
    ranged = low is not None and high is not None and low != high and not q.vague
    if b in ("gt", "ge") and not ranged:
        high = None
    elif b in ("lt", "le") and not ranged:
        low = None
    return Quantity(low=low, high=high, bound=b, unit=q.unit, classifier=q.classifier, step=q.step,
                    vague=q.vague, per=q.per)


#: Larger than any amount an article states (10^20: a hundred million 万亿), and safely inside
#: the 28 significant digits of Decimal's default context.
_MAX_AMOUNT = Decimal(10) ** 20


#: _clean's answers by value (the same amounts recur); the answer depends on the value only.
_CLEANED: dict[Decimal, Decimal] = {}


def _clean(d: Decimal) -> Decimal:
    """Drop trailing zeros without switching to exponent notation (1640000000.0 -> 1640000000)."""
    if not d:  # 0 and -0 are equal but written apart: never from the memo
        return d.quantize(_ONE)
    cleaned = _CLEANED.get(d)
    if cleaned is None:
        cleaned = d.quantize(_ONE) if d == d.to_integral_value() else d.normalize()
        if len(_CLEANED) >= _NUMERALS_MAX:
            _CLEANED.clear()
        _CLEANED[d] = cleaned
    return cleaned


__all__ = ["extract", "parse_quantity"]
