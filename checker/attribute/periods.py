"""The time a figure is about: its period as written, else the period in force where it
stands, else (at comparison) the article's date as an as-of.

Periods are written as codes: ``2024`` (a year), ``2024-Q1``, ``2024-H1``, ``2024-Q1-Q3``
(first three quarters), ``2024-12`` (a month), ``2024-12-15`` (a day), ``FY2025`` and
``FY2025-Q3`` (a fiscal year and its quarter, never mapped to calendar quarters), and a
part alone (``Q3``) when neither the text nor the article's date gives the year.

Accepted: 2023年, 2019 年, 2024财年, 2025财年第三季度, 2025财年Q3, FY2025 Q3, FY2Q24, 1Q24, 24Q1,
2024年第一季度, 2024 年第一季度, 2024年Q3, 2024Q1, 2024 Q1, 2024年首季, 2024年第三季 (without 度),
2024年12月, 2024年12月15日, 去年, 今年上半年, 去(2025)年第4季, 上季, 本季度, and a part alone
(一季度, 第二季, 首季, 前三季度, 下半年), whose year is the latest one the article's date allows.
Ends of a year and spans of years, for milestones: 2027年底, 年初, 2028至2029年间.
Not a period: a bare "2024" without 年, a month without a year, and a **base of comparison**:
``较2023年第二季度增长8%``, ``比去年同期``, ``与2022年相比``, ``同比`` — the figure is about the
current period, the base is another one.

``TimeIndex`` reads every time word of a document once (one regex pass) and finds the one
in force for a number by bisection, so a document costs O(length + numbers × log words).
"""

from __future__ import annotations

import bisect
import datetime as _dt
import re
from dataclasses import dataclass

from ..extract.tables import tables
from ..model import Document
from ..text import LazyPattern
from .clauses import Segment

_PART = r"第?[一二三四1-4]季度?|首季度?|Q[1-4](?![0-9])|[上下]半年|前三季度?|全年|前(?:三|六|九)个月|中期|年?[底末初](?!期)"
TIME_WORD = re.compile(
    rf"""(?P<ry1>(?:19|20)\d{{2}})\s*年?\s*(?:至|到|-|~|～)\s*(?P<ry2>(?:19|20)\d{{2}})\s*年(?:间|之间)?
      |(?P<fy>(?:19|20)\d{{2}})\s*财年\s*(?:第?(?P<fyq>[一二三四1-4])季度?|Q(?P<fyq2>[1-4])(?![0-9]))?
      |(?<![A-Za-z])FY\s*(?P<fy3>(?:19|20)?\d{{2}})(?:\s*Q(?P<fyq3>[1-4]))?(?![0-9])
      |(?<![A-Za-z0-9])Q(?P<qfy>[1-4])\s*FY\s*(?P<fy4>(?:19|20)?\d{{2}})(?![0-9])
      |(?<![A-Za-z0-9])FY(?P<fyq5>[1-4])Q(?P<fy5>\d{{2}})(?![0-9])
      |(?<![A-Za-z0-9])(?P<cq>[1-4])Q(?P<cy>\d{{2}})(?![0-9])
      |(?<![A-Za-z0-9.])(?P<cy2>\d{{2}})Q(?P<cq2>[1-4])(?![0-9])
      |(?P<ym>(?:19|20)\d{{2}})\s*年\s*(?P<m>1[0-2]|0?[1-9])\s*月(?:\s*(?P<d>3[01]|[12]\d|0?[1-9])\s*[日号])?(?:份)?
      |(?P<year>(?:19|20)\d{{2}})\s*(?:年\s*(?:的\s*)?(?P<part>{_PART})?|\s*(?=Q[1-4](?![0-9]))(?P<qpart>Q[1-4]))
      |(?P<rel>去|今|明|前|后)\s*\(\s*(?P<relyear>(?:19|20)\d{{2}})\s*\)\s*年\s*(?:的\s*)?(?P<relyearpart>{_PART})?
      |(?P<rely>去年|今年|明年|前年|后年|本年|当年|上年)(?:同期)?\s*(?:的\s*)?(?P<relpart>{_PART})?
      |(?P<relq>(?:上|前)一?个?季度?|本季度?|当季)
      |(?<![A-Za-z0-9年前上下后每])(?P<alone>{_PART})""", re.VERBOSE)
RELATIVE_YEARS = {"前年": -2, "去年": -1, "上年": -1, "今年": 0, "本年": 0, "当年": 0, "明年": 1, "后年": 2,
                  "前": -2, "去": -1, "今": 0, "明": 1, "后": 2}
_PART_CODES = {"一": "Q1", "二": "Q2", "三": "Q3", "四": "Q4", "1": "Q1", "2": "Q2", "3": "Q3", "4": "Q4",
               "首": "Q1", "上半年": "H1", "下半年": "H2", "前三季": "Q1-Q3", "前三季度": "Q1-Q3", "全年": "",
               "前三个月": "Q1", "前六个月": "H1", "前九个月": "Q1-Q3", "中期": "H1",
               "底": "end", "末": "end", "年底": "end", "年末": "end", "初": "start", "年初": "start"}

#: A time word right after one of these is the base of a comparison, not the figure's period:
#: 较2023年第二季度, 比去年同期, 相比2022年, 与去年相比, 同比 (a base by itself).
BASE_BEFORE = re.compile(r"(?:较|比|相比|相较|对比|比起|高于|低于|多于|少于|超过|不及|持平)\s*(?:于\s*)?$")
#: A time word after 从/由 is the time of the value before a change, and of that value only:
#: "份额从2022年第四季度的23%增长到26%" (23% is 2022-Q4's; 26% is not).
FROM_TIME = re.compile(r"(?:从|由|(?<![来各亲源])自)\s*$")
#: After a base of comparison, the base's own value and a change to the current one:
#: "较2025年第3季高峰71%下滑至70.4%", "比去年同期的20%提升至25%".  The base is then the time of
#: that value (like 从), not a base word that the figure's period skips.
BASE_VALUE_CHANGED = LazyPattern(r"\s*(?:同期)?\s*(?:的)?[^\d,。;!?]{0,3}?\d[\d.]*\s*(?:%|亿|万|个百分点)?"
                                r"[^\d,。;!?]{0,6}?(?:至|到)\s*\d")
#: How close after such a time word its value stands ("的" between).
_FROM_REACH = 4
BASE_AFTER = re.compile(r"\s*(?:同期)?\s*(?:大致|大体|基本|几乎)?\s*(?:相比|比较|对比|持平)")
#: How far back a base marker may stand: "较上年同期", "比2023年".
_BASE_LOOKBACK = 4


_LINE_END = re.compile("\n")

#: "全年" alone: the whole year of the period in force ("2023年第四季度…。全年总支出…" is 2023).
FULL_YEAR = "@year"


@dataclass(frozen=True, slots=True)
class TimeWord:
    start: int
    end: int
    period: str | None  #: None: a relative word the article's date could not resolve
    base: bool  #: a base of comparison, not a period in force
    scoped: bool = False  #: the time of the value right after it only (从2022年的…)
    previous: bool = False  #: 上季, 前一季: the quarter before the one in force


class TimeIndex:
    """Every time word of one document, read once, found by bisection."""

    def __init__(self, doc: Document):
        self.doc = doc
        words: list[TimeWord] = []
        norm = doc.norm
        for m in TIME_WORD.finditer(norm):
            base = bool(BASE_BEFORE.search(norm, max(0, m.start() - _BASE_LOOKBACK), m.start())) \
                or bool(BASE_AFTER.match(norm, m.end()))
            scoped = bool(FROM_TIME.search(norm, max(0, m.start() - 2), m.start()))
            if base and BASE_VALUE_CHANGED.match(norm, m.end()):
                # "较2025年第3季高峰71%下滑至70.4%": the base's own value, before the change
                base, scoped = False, True
            words.append(TimeWord(m.start(), m.end(), period_code(m, doc.date), base, scoped,
                                  m.group("relq") is not None and m.group("relq")[0] in "上前"))
        self.words = words
        self.starts = [w.start for w in words]
        #: paragraphs are lines of the matching view (hard-wrapped lines were joined by load)
        self.paragraph_starts = [0] + [m.end() for m in _LINE_END.finditer(norm)]
        self.headings = self._headings(norm)
        self.lead = self._lead(norm)
        if doc.date is None:
            self._year_parts()
        self._previous_quarters()

    def _previous_quarters(self) -> None:
        """上季, 前一季: the quarter before the quarter named earlier in its paragraph (a retelling
        of a quarter's report speaks of the quarter before it: "2025年第三季…由上季的70.2%提高至71%"
        is 2025-Q2), else the quarter before the article's date."""
        in_force: tuple[int, str] | None = None  # (paragraph start, quarter)
        out = []
        for w in self.words:
            paragraph = self.paragraph_starts[bisect.bisect_right(self.paragraph_starts, w.start) - 1]
            if w.previous:
                # only a quarter named earlier in its own paragraph: a paragraph of its own
                # ("上季因2奈米新品出貨貢獻營收") speaks from the article's date
                anchor = in_force[1] if in_force is not None and in_force[0] == paragraph else None
                if anchor is not None:
                    y, q = int(anchor[:4]), int(anchor[-1])
                    index = y * 4 + q - 2
                    w = TimeWord(w.start, w.end, f"{index // 4}-Q{index % 4 + 1}", w.base, w.scoped, True)
            elif w.period and _QUARTER.match(w.period) and not w.base and not w.scoped:
                in_force = (paragraph, w.period)
            out.append(w)
        self.words = out

    def _year_parts(self) -> None:
        """In an article without a date, a part of a year named alone (第三季, 一季度, 上半年)
        takes its year from the period in force where it stands: the nearest earlier time
        word with a year (else the lead's period), and of that year and its neighbours the one
        that puts the part nearest to it ("2024年第四季…從第三季的64.7%" is 2024-Q3, "2024年第四季…
        第一季" 2025-Q1)."""
        in_force: str | None = None
        out = []
        for w in self.words:
            period = w.period
            if period and not _dated(period) and period != FULL_YEAR:
                anchor = in_force or self.lead
                if anchor is not None:
                    period = _nearest_year(period, anchor) or period
                w = TimeWord(w.start, w.end, period, w.base, w.scoped, w.previous)
            elif period and _REPORTING.match(period) and not w.base:
                in_force = period
            out.append(w)
        self.words = out

    def _first_period(self, start: int, end: int, *, reporting: bool = False) -> str | None:
        """The first period named in ``start:end``; with ``reporting``, the first that is a
        reporting period (a quarter, a half, a month, a fiscal period): a bare year in a
        title or lead is as often a founding or birth year as the period of its figures."""
        lo, hi = bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)
        for w in self.words[lo:hi]:
            if not w.base and not w.scoped and w.period not in (None, FULL_YEAR) \
                    and (not reporting or _REPORTING.match(w.period)):
                return w.period
        return None

    def _headings(self, norm: str) -> list[tuple[int, str]]:
        """(start, period) of each heading line that names a period: a Markdown heading, or a
        short line without sentence punctuation (a title or a section head)."""
        out = []
        lines = []
        for k, start in enumerate(self.paragraph_starts):
            end = self.paragraph_starts[k + 1] - 1 if k + 1 < len(self.paragraph_starts) else len(norm)
            lines.append((start, end, norm[start:end].strip()))
        cells = _table_cells(lines)
        spans = [(t.start, t.end) for t in tables(self.doc.text, norm)] if "\n" in norm else []
        for k, (start, end, line) in enumerate(lines):
            if spans and any(a <= start <= b for a, b in spans):
                continue  # a table's header and rows: "小贩 2021年第一季度市场份额 2022年第一季度市场份额"
            if not line or k in cells or \
                    not (line.startswith("#") or (len(line) <= HEADING_MAX and not _SENTENCE_PUNCT.search(line))):
                continue
            period = self._first_period(start, end, reporting=True)
            if period is not None:
                out.append((start, period))
        return out

    def _lead(self, norm: str) -> str | None:
        """The first period the title and the lead paragraph name (the lead is the first
        paragraph with a sentence end)."""
        end = len(norm)
        for k, start in enumerate(self.paragraph_starts):
            stop = self.paragraph_starts[k + 1] - 1 if k + 1 < len(self.paragraph_starts) else len(norm)
            if "。" in norm[start:stop]:
                end = stop
                break
        return self._first_period(0, min(end, LEAD_MAX), reporting=True)

    def period_of(self, seg: Segment, ci: int, start: int, end: int) -> tuple[str | None, str]:
        """The period of the number at ``start:end``, and where it was found: "clause" (its own
        clause or an earlier clause of its sentence), "paragraph" (named earlier in its
        paragraph), "heading" (the heading it stands under), "lead" (the title and lead of
        the article), or "" (none)."""
        for j in range(ci, -1, -1):
            cs, ce = seg.clauses[j]
            lo = bisect.bisect_left(self.starts, cs)
            hi = bisect.bisect_left(self.starts, ce)
            best = None
            for w in self.words[lo:hi]:
                if w.end > ce or (w.start < end and w.end > start) or w.base or w.period is None:
                    continue
                if w.scoped and not (w.end <= start <= w.end + _FROM_REACH):
                    continue  # the time of another value, the one before the change
                if j != ci and w.start >= start:
                    continue
                d = start - w.end if w.end <= start else w.start - end + 1
                if best is None or d < best[0]:
                    best = (d, w)
            if best:
                if best[1].period == FULL_YEAR:
                    context, _ = self._carried(seg)
                    year = _YEAR.match(context or "")
                    return (year.group() if year else None), "clause"
                return best[1].period, "clause"
        return self._carried(seg)

    def _carried(self, seg: Segment) -> tuple[str | None, str]:
        """The period in force where a sentence stands: named earlier in its paragraph, by its
        heading, or by the article's lead."""
        paragraph = self.paragraph_starts[bisect.bisect_right(self.paragraph_starts, seg.start) - 1]
        lo, hi = bisect.bisect_left(self.starts, paragraph), bisect.bisect_left(self.starts, seg.start)
        for w in reversed(self.words[lo:hi]):
            if not w.base and not w.scoped and w.period not in (None, FULL_YEAR):
                return w.period, "paragraph"
        k = bisect.bisect_right([h for h, _ in self.headings], seg.start) - 1
        if k >= 0 and self.headings[k][0] < paragraph:
            return self.headings[k][1], "heading"
        if self.lead is not None:
            return self.lead, "lead"
        return None, ""


#: A heading line is at most this long (characters) and has no sentence punctuation.
HEADING_MAX = 40
#: This many short lines in a row (blank lines between them aside), none a list item, are a
#: table laid out one cell per line ("4Q24 市占率", "3Q24 市占率", "67.1%" …), not headings.
TABLE_RUN = 4
_LIST_ITEM = re.compile(r"^(?:[-*+•·●▪]|\d{1,2}[.)、]\s)")


def _table_cells(lines: list[tuple[int, int, str]]) -> set[int]:
    """Indexes of the lines that are cells of a table written one cell per line: runs of at
    least TABLE_RUN consecutive non-empty lines that are short, carry no sentence punctuation,
    no comma and no list marker.  A heading stands alone above its paragraph or list."""
    out: set[int] = set()
    run: list[int] = []

    def close() -> None:
        if len(run) >= TABLE_RUN:
            out.update(run)
        run.clear()

    for k, (_, _, line) in enumerate(lines):
        if not line:
            continue
        if len(line) <= HEADING_MAX and not _SENTENCE_PUNCT.search(line) and "," not in line \
                and not _LIST_ITEM.match(line) and not line.startswith("#"):
            run.append(k)
        else:
            close()
    close()
    return out
#: The title and lead are read within this many characters of the top.
LEAD_MAX = 600
_SENTENCE_PUNCT = re.compile(r"[。!?;]")
_YEAR = re.compile(r"^(?:FY)?\d{4}")
_QUARTER = re.compile(r"^\d{4}-Q[1-4]$")
#: A reporting period: a fiscal period, or a calendar year with its part or month.
_REPORTING = re.compile(r"^(?:FY\d{4}(?:-.+)?|\d{4}-.+)$")


def _dated(code: str) -> bool:
    """A period code with its year (2024, 2024-Q1, FY2025-Q3), not a part alone (Q2)."""
    return code[:1].isdigit() or code.startswith("FY")


def _nearest_year(part: str, anchor: str) -> str | None:
    """The part of a year (Q3, H1) in the year of ``anchor`` or a neighbouring one, whichever
    puts it nearest to ``anchor`` (an earlier one on a tie: a retelling looks back)."""
    span = period_span(anchor)
    m = _YEAR.match(anchor)
    if span is None or m is None or anchor.startswith("FY"):
        return None
    year = int(m.group())
    mid = span[0].toordinal() + (span[1].toordinal() - span[0].toordinal()) / 2
    best = None
    for y in (year - 1, year, year + 1):
        code = f"{y}-{part}"
        other = period_span(code)
        if other is None:
            return None
        d = abs(other[0].toordinal() + (other[1].toordinal() - other[0].toordinal()) / 2 - mid)
        if best is None or d < best[0]:
            best = (d, code)
    return best[1] if best else None


def _part_code(part: str | None) -> str | None:
    if not part:
        return None
    part = part.strip()
    if part in _PART_CODES:
        return _PART_CODES[part] or None
    core = part.lstrip("第Q").rstrip("度").rstrip("季")
    return _PART_CODES.get(core) or _PART_CODES.get(core[:1])


def _two_digit_year(text: str) -> int:
    year = int(text)
    return year + 2000 if year < 100 else year


def _latest(part: str, date: _dt.date | None) -> str:
    """A part of a year named alone (第二季度, 上半年) is the latest one the article's date
    allows: in an article of 2024-02-10, 第四季度 is 2023-Q4, 第一季度 2024-Q1."""
    if date is None:
        return part
    start_month = {"Q1": 1, "Q2": 4, "Q3": 7, "Q4": 10, "H1": 1, "H2": 7, "Q1-Q3": 1, "end": 10}.get(part, 1)
    year = date.year if date.month >= start_month else date.year - 1
    return f"{year}-{part}"


def _quarter_of(date: _dt.date, shift: int) -> str:
    index = date.year * 4 + (date.month - 1) // 3 + shift
    return f"{index // 4}-Q{index % 4 + 1}"


def period_code(m: re.Match, date: _dt.date | None) -> str | None:
    """A time word as a period code (module docstring), resolved against the article's date."""
    g = m.group
    if g("ry1"):
        return f"{g('ry1')}/{g('ry2')}"
    if g("fy"):
        part = _part_code(g("fyq") or g("fyq2"))
        return f"FY{g('fy')}" + (f"-{part}" if part else "")
    if g("fy3"):
        return f"FY{_two_digit_year(g('fy3'))}" + (f"-Q{g('fyq3')}" if g("fyq3") else "")
    if g("fy4"):
        return f"FY{_two_digit_year(g('fy4'))}-Q{g('qfy')}"
    if g("fy5"):
        return f"FY{_two_digit_year(g('fy5'))}-Q{g('fyq5')}"
    if g("cy"):
        return f"{_two_digit_year(g('cy'))}-Q{g('cq')}"
    if g("cy2"):
        return f"{_two_digit_year(g('cy2'))}-Q{g('cq2')}"
    if g("ym"):
        month = int(g("m"))
        return f"{g('ym')}-{month:02d}" + (f"-{int(g('d')):02d}" if g("d") else "")
    if g("year"):
        part = _part_code(g("part") or g("qpart"))
        return g("year") + (f"-{part}" if part else "")
    if g("relyear"):
        part = _part_code(g("relyearpart"))
        return g("relyear") + (f"-{part}" if part else "")
    if g("rely"):
        if date is None:
            return None  # a relative year with no article date stays unresolved
        year = str(date.year + RELATIVE_YEARS[g("rely")])
        part = _part_code(g("relpart"))
        return year + (f"-{part}" if part else "")
    if g("relq"):
        if date is None:
            return None
        return _quarter_of(date, -1 if g("relq").startswith("上") else 0)
    if g("alone").strip() == "全年":
        return FULL_YEAR  # the year of the period in force where it stands (TimeIndex.period_of)
    part = _part_code(g("alone"))
    return _latest(part, date) if part else None


# --- periods as spans of dates, for comparison --------------------------------------------

_CODE = re.compile(r"^(?P<fy>FY)?(?P<y>\d{4})(?:-(?P<rest>.+))?$")


def period_span(code: str) -> tuple[_dt.date, _dt.date] | None:
    """The first and last day a period code covers (None for a part without a year).
    A fiscal year is taken broadly: from the start of the calendar year before it to the
    end of its own, since fiscal calendars differ by company."""
    if "/" in code:  # 2028至2029年间
        first, last = code.split("/", 1)
        a, b = period_span(first), period_span(last)
        return (a[0], b[1]) if a and b else None
    m = _CODE.match(code)
    if not m:
        return None
    year, rest = int(m.group("y")), m.group("rest") or ""
    if m.group("fy"):
        return _dt.date(year - 1, 1, 1), _dt.date(year, 12, 31)
    if not rest:
        return _dt.date(year, 1, 1), _dt.date(year, 12, 31)
    quarters = {"Q1": (1, 3), "Q2": (4, 6), "Q3": (7, 9), "Q4": (10, 12), "H1": (1, 6), "H2": (7, 12),
                "Q1-Q3": (1, 9), "end": (10, 12), "start": (1, 3)}
    if rest in quarters:
        first, last = quarters[rest]
        return _dt.date(year, first, 1), _month_end(year, last)
    parts = rest.split("-")
    try:
        month = int(parts[0])
        if len(parts) == 2:
            day = _dt.date(year, month, int(parts[1]))
            return day, day
        return _dt.date(year, month, 1), _month_end(year, month)
    except ValueError:
        return None


def _month_end(year: int, month: int) -> _dt.date:
    if month == 12:
        return _dt.date(year, 12, 31)
    return _dt.date(year, month + 1, 1) - _dt.timedelta(days=1)


__all__ = ["TIME_WORD", "TimeIndex", "TimeWord", "period_code", "period_span"]
