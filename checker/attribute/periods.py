"""The period a clause speaks of: a year, a fiscal year, a quarter, a half.

Accepted: 2023年, 2019 年, 2024财年, 去年, 今年, 2024年第一季度, 2024年Q3, 去年上半年, 2024Q1,
and a part alone (一季度, 前三季度, 下半年).  A bare "2024" without 年 is not a time.
Relative years resolve against the article's date; with no date they stay unknown.
"""

from __future__ import annotations

import re

from ..model import Document
from .clauses import Segment

_PART = r"第?[一二三四1-4]季度|Q[1-4](?![0-9])|[上下]半年|前三季度"
TIME_WORD = re.compile(
    rf"(?P<fy>(?:19|20)\d{{2}})\s*财年"
    rf"|(?P<year>(?:19|20)\d{{2}})\s*(?:年\s*(?:的\s*)?(?P<part>{_PART})?|(?=Q[1-4](?![0-9]))(?P<qpart>Q[1-4]))"
    rf"|(?P<rel>去年|今年|明年|前年|后年)(?:同期)?(?P<relpart>{_PART})?"
    rf"|(?<![A-Za-z0-9])(?P<alone>{_PART})")
RELATIVE_YEARS = {"前年": -2, "去年": -1, "今年": 0, "明年": 1, "后年": 2}
#: Parts of a year as periods are written: 2024-Q1, 2024-H1, 2024-Q1-Q3.
_PART_CODES = {"一": "Q1", "二": "Q2", "三": "Q3", "四": "Q4", "1": "Q1", "2": "Q2", "3": "Q3", "4": "Q4",
               "上半年": "H1", "下半年": "H2", "前三季度": "Q1-Q3"}

#: Who a figure is attributed to: 据富国银行统计, 据投行伯恩斯坦的分析师估算, (数据来自麦肯锡),


def period_of(doc: Document, seg: Segment, ci: int, start: int, end: int) -> str | None:
    """The year the number's clause (or an earlier clause of its sentence) speaks of."""
    for j in range(ci, -1, -1):
        cs, ce = seg.clauses[j]
        best = None
        for m in TIME_WORD.finditer(doc.norm, cs, ce):
            if m.start() < end and m.end() > start:
                continue
            d = abs(start - m.end()) if m.end() <= start else m.start() - end + 1
            if best is None or d < best[0]:
                best = (d, m)
        if best:
            return _period(best[1], doc)
    # none in the sentence: the period the paragraph last named ("2024年第一季度全球出货量为…。其中,
    # 三星以6010万部…" speaks of the first quarter of 2024 throughout)
    paragraph = doc.norm.rfind("\n", 0, seg.start) + 1
    last = None
    for m in TIME_WORD.finditer(doc.norm, paragraph, seg.start):
        last = m
    return _period(last, doc) if last is not None else None


def _part_code(part: str | None) -> str | None:
    if not part:
        return None
    return _PART_CODES.get(part) or _PART_CODES.get(part.lstrip("第Q")[:1])


def _period(m: re.Match, doc: Document) -> str | None:
    """A time word as a period: "2023", "FY2024", "2024-Q1", "2024-H1", "Q3" (year unknown)."""
    if m.group("fy"):
        return "FY" + m.group("fy")
    if m.group("year"):
        part = _part_code(m.group("part") or m.group("qpart"))
        return m.group("year") + (f"-{part}" if part else "")
    if m.group("alone"):
        return _part_code(m.group("alone"))
    if doc.date is None:
        return None  # a relative year with no article date stays unresolved
    year = str(doc.date.year + RELATIVE_YEARS[m.group("rel")])
    part = _part_code(m.group("relpart"))
    return year + (f"-{part}" if part else "")


__all__ = ["TIME_WORD", "period_of"]
