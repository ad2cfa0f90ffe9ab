"""The article's date: front matter, a date line near the top, the file name, or --date."""

from __future__ import annotations

import datetime as _dt
import re

from ..errors import UsageError
from ..text import fold_fullwidth
from .markdown import scan_view

#: Only the first lines are searched for a "date:" / "日期：" line.
DATE_LINE_SCAN = 2_000

# A date as written: 2024-02-11, 2024/2/11, 2024.02.11, 2024年2月11日 (digits already ASCII).
_DATE = re.compile(
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


def date_line(norm: str) -> _dt.date | None:
    for m in _DATE_LINE.finditer(scan_view(norm[:DATE_LINE_SCAN])):
        found = parse_date(m.group("date"))
        if found:
            return found
    return None


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
