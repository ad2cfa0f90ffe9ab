"""The article's date: front matter, a date line near the top, a date in a URL near the top,
the file name, or --date.

Real pages write their date in many ways; near the top (``DATE_LINE_SCAN`` characters,
``DATE_LINES`` lines) these are read, in this order:

1. a date after a date word, anywhere in its line: ``发布时间: 2022-04-22 11:26:26``,
   ``来源:新消费日报 发布时间:2022-04-22``, ``date 2025-11-25``, ``日期：2024年2月11日``;
2. a full date with a time of day: ``金融界   2023-04-19 17:49:57``, ``2025.07.16 17:57``,
   ``2024年05月08日 09:07:00``;
3. a full date alone on a short line, or with a weekday: ``TechNews | 2023年07月12日``,
   ``2023年7月13日 星期四``;
4. a date in a URL path: ``/redian/20210526/22136.html``, ``/2024/03/15/``.

Not: a date inside a sentence of the body (``截至2025年6月30日止季度``), a month and day
without a year (``5月5日消息``).
"""

from __future__ import annotations

import datetime as _dt
import re

from ..errors import UsageError
from ..text import LazyPattern, fold_fullwidth
from .markdown import scan_view

#: Only the first lines are searched for a "date:" / "日期：" line.
DATE_LINE_SCAN = 2_000

# A date as written: 2024-02-11, 2024/2/11, 2024.02.11, 2024年2月11日 (digits already ASCII).
_DATE = LazyPattern(
    r"(?P<y>(?:19|20)\d\d)\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})(?!\d)"
)

# A line near the top that states the article's date, in the matching view (Simplified,
# full-width folded):  "date: 2024-02-11", "日期：2024年2月11日", "发布时间 2024-02-11",
# "> 发布于 2024/02/11", "**Published:** 2024-02-11".
_DATE_LINE = re.compile(
    r"""^[ \t>*_#\-|]*
        (?:date|published|publish(?:ed)?[ _-]?(?:date|at|on)|pubdate|posted(?:[ _]on)?
          |日期|发布时间|发布日期|发布于|发表时间|发表日期|发表于|出版日期|刊发时间|时间)
        [ \t*_]*[:]?[ \t*_]*
        (?P<date>(?:19|20)\d\d\s*(?:[-/.]|年)\s*\d{1,2}\s*(?:[-/.]|月)\s*\d{1,2})""",
    re.VERBOSE | re.MULTILINE | re.IGNORECASE,
)

#: Date lines are looked for among this many lines of the top.
DATE_LINES = 15

# A date word anywhere in a line, then the date: "来源:新消费日报 发布时间: 2022-04-22".
_DATE_WORD = re.compile(
    r"""(?:date|published|pubdate|发布时间|发布日期|发布于|发表时间|发表日期|发表于|出版日期|刊发时间|更新时间|时间|日期)
        [ \t*_]*[:]?[ \t*_]*
        (?P<date>(?:19|20)\d\d\s*(?:[-/.]|年)\s*\d{1,2}\s*(?:[-/.]|月)\s*\d{1,2})""",
    re.VERBOSE | re.IGNORECASE,
)
# A full date followed by a time of day: "2023-04-19 17:49:57", "2024年05月08日 09:07".
_DATE_TIME = re.compile(
    r"(?P<date>(?:19|20)\d\d\s*(?:[-/.]|年)\s*\d{1,2}\s*(?:[-/.]|月)\s*\d{1,2})\s*日?\s+\d{1,2}:\d{2}")
# A full date, then at most a weekday: "2023年7月13日 星期四".
_DATE_ALONE = re.compile(
    r"(?P<date>(?:19|20)\d\d\s*(?:[-/.]|年)\s*\d{1,2}\s*(?:[-/.]|月)\s*\d{1,2})\s*日?\s*"
    r"(?:(?:星期|周|礼拜)[一二三四五六日天])?\s*$")
#: A short line (a byline, a dateline) is at most this many characters.
SHORT_LINE = 40
# A date in a URL path: "/20210526/", "/2024/03/15/", "/2024-03-15-".
_URL_DATE = re.compile(
    r"(?:https?://|www\.)\S*?/(?P<y>(?:19|20)\d\d)[/-]?(?P<m>0[1-9]|1[0-2])[/-]?(?P<d>0[1-9]|[12]\d|3[01])(?=[/._-])")

# A date in a file name: 2024-02-11-title.md, 20240211_x.txt, 2024_02_11.md.  Not inside a
# longer run of letters and digits (hash-like names such as 4d0a8a5e27428347).
_FILENAME_DATE = re.compile(
    r"(?<![0-9A-Za-z])(?P<y>(?:19|20)\d\d)(?P<sep>[-_.]?)(?P<m>\d\d)(?P=sep)(?P<d>\d\d)(?![0-9A-Za-z])"
)

#: Front matter keys that give the publication date, in order of preference.
_FRONT_DATE_KEYS = ("date", "published", "publishdate", "publish_date", "pubdate", "created")


def _make_date(y, m, d) -> _dt.date | None:
    try:
        return _dt.date(int(y), int(m), int(d))
    except (ValueError, TypeError, OverflowError):
        return None


def parse_date(value) -> _dt.date | None:
    """A date from a front-matter value or a string; None when it is not a valid date."""
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if isinstance(value, str):
        m = _DATE.search(fold_fullwidth(value))
        if m:
            return _make_date(m.group("y"), m.group("m"), m.group("d"))
    return None


def front_matter_date(front: dict | None) -> _dt.date | None:
    if not front:
        return None
    keys = {str(k).lower(): v for k, v in front.items()}
    for key in _FRONT_DATE_KEYS:
        if key in keys:
            found = parse_date(keys[key])
            if found:
                return found
    return None


#: What every date line holds (the date part of each pattern above, without their context):
#: most tops hold none, and one scan for it spares the line patterns.
_ANY_DATE = re.compile(r"(?:19|20)\d\d\s*(?:[-/.]|年)\s*\d{1,2}\s*(?:[-/.]|月)\s*\d{1,2}")


def date_line(norm: str) -> _dt.date | None:
    """The article's date as a line near the top states it (the module docstring)."""
    top = scan_view(norm[:DATE_LINE_SCAN])
    if _ANY_DATE.search(top) is None:
        return None
    for m in _DATE_LINE.finditer(top):
        found = parse_date(m.group("date"))
        if found:
            return found
    lines = top.split("\n")[:DATE_LINES]
    for pattern, short in ((_DATE_WORD, False), (_DATE_TIME, False), (_DATE_ALONE, True)):
        for line in lines:
            if short and len(line.strip()) > SHORT_LINE:
                continue
            m = pattern.search(line)
            if m:
                found = parse_date(m.group("date"))
                if found:
                    return found
    return None


def url_date(text: str) -> _dt.date | None:
    """A date in the path of a URL near the top of the article (its source link)."""
    m = _URL_DATE.search(text[:DATE_LINE_SCAN])
    return _make_date(m.group("y"), m.group("m"), m.group("d")) if m else None


def filename_date(path: str) -> _dt.date | None:
    """The date in a file name (2024-02-11-title.md, 20240211_x.txt), if any."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    for m in _FILENAME_DATE.finditer(name):
        found = _make_date(m.group("y"), m.group("m"), m.group("d"))
        if found:
            return found
    return None


def coerce_date(value) -> _dt.date | None:
    """The ``date`` argument (the CLI's --date): a date, an ISO string or None."""
    if value is None or isinstance(value, _dt.date):
        return value.date() if isinstance(value, _dt.datetime) else value
    try:
        return _dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise UsageError(f"--date {value!r} is not a date", hint="write it as YYYY-MM-DD, e.g. --date 2024-02-11",
                         code="E207") from None
