"""Files -> Document.

Builds the matching view ``norm`` with the same length as the original text, so
offsets need no map: full-width forms are folded one character for one (the
NFKC forms that are a single character), Traditional characters are folded to
Simplified with OpenCC where that keeps the length, and regions that must not
be scanned are blanked with spaces (line breaks kept, so lines and columns stay
the same): in Markdown, front matter, fenced and indented code, inline code,
HTML comments and tags, link and image targets and URLs; in plain text, URLs.

Reading bytes: a BOM decides (UTF-8, UTF-16, UTF-32); else strict UTF-8; else
GB18030 and Big5 are both tried and the decoding whose Han characters are the
most common ones wins (a GBK file often decodes as Big5 without error, and a
Big5 file nearly always decodes as GB18030, so "decodes" alone proves nothing).
A file that cannot be read becomes an ``InputError`` (``read_document``) or a
``LoadProblem`` (``load_documents``), and the run goes on with the others.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import os
import re
import shlex
import stat
import sys
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from .errors import InputError, UsageError
from .model import Document, LoadProblem, line_starts_of

#: Files larger than this are refused (E205); FACTCHECK_MAX_FILE_MB overrides it.
MAX_BYTES = 50 * 1024 * 1024

#: What a directory walk takes when no include globs are given.
DEFAULT_INCLUDE = ("*.md", "*.markdown", "*.txt")

#: Suffixes read as Markdown (anything else is plain text).
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})

#: Share of Han characters changed by Traditional->Simplified above which a text is Traditional.
#: Simplified copy changes almost none (a few characters OpenCC treats as variants); the
#: Traditional seeds change about a third.
HANT_SHARE = 0.02

#: The variant is judged on at most this many characters, taken from a few places in the text.
VARIANT_SAMPLE = 40_000

#: The encoding is judged on at most this many characters of each candidate decoding.
ENCODING_SAMPLE = 20_000

#: Only the first lines are searched for a "date:" / "日期：" line.
DATE_LINE_SCAN = 2_000


# --- full-width folding and Traditional -> Simplified --------------------------------


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """One-for-one NFKC folds for the ranges that matter in Chinese copy:
    full-width ASCII (０-９, ％, ．, －, ～ …) and the ideographic space."""
    table: dict[int, str] = {}
    for cp in list(range(0xFF01, 0xFF5F)) + [0x3000]:
        folded = unicodedata.normalize("NFKC", chr(cp))
        if len(folded) == 1 and folded != chr(cp):
            table[cp] = folded
    return table


@lru_cache(maxsize=1)
def _fold_pairs() -> tuple[tuple[str, str], ...]:
    return tuple((chr(cp), to) for cp, to in sorted(_fold_table().items()))


def fold_fullwidth(text: str) -> str:
    """Full-width ASCII forms and the ideographic space folded to ASCII, same length.

    A ``str.replace`` per character present is several times faster than
    ``str.translate`` with a dict on non-ASCII text (translate looks every
    character up in the dict; ``in``/``replace`` are C scans)."""
    for src, dst in _fold_pairs():
        if src in text:
            text = text.replace(src, dst)
    return text


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


# Where a long line may be cut when a phrase conversion changed its length:
# after Chinese and ASCII sentence punctuation and whitespace.
_CHUNK_BREAK = re.compile(r"(?<=[，。！？；：、,.!?;:\s])")


def to_simplified(text: str) -> str:
    """Traditional -> Simplified, keeping the length (line by line where a
    phrase conversion would change it)."""
    convert = _t2s().convert
    converted = convert(text)
    if len(converted) == len(text):
        return converted
    out = []
    for line in text.splitlines(keepends=True):
        conv = convert(line)
        if len(conv) != len(line):
            conv = "".join(_simplify_chunk(chunk, convert) for chunk in _CHUNK_BREAK.split(line))
        out.append(conv)
    return "".join(out)


def _simplify_chunk(chunk: str, convert) -> str:
    conv = convert(chunk)
    if len(conv) == len(chunk):
        return conv
    # Character by character, keeping the original where one becomes several.
    return "".join(c if len(c) == 1 else o for o, c in ((ch, convert(ch)) for ch in chunk))


@lru_cache(maxsize=1)
def _regional_terms() -> tuple[tuple[str, str], ...]:
    """Taiwan/Hong Kong words -> mainland words, equal lengths only (checker/data/regional_terms.yaml)."""
    import yaml

    from .resources import data_path

    pairs = yaml.safe_load(data_path("regional_terms.yaml").read_text(encoding="utf-8")) or {}
    return tuple((str(k), str(v)) for k, v in pairs.items() if len(str(k)) == len(str(v)))


def to_mainland_terms(text: str) -> str:
    """晶片 -> 芯片, 资料中心 -> 数据中心 …: regional vocabulary in the words rules are written in."""
    for regional, mainland in _regional_terms():
        if regional in text:
            text = text.replace(regional, mainland)
    return text


def normalize(text: str) -> str:
    """The matching view of ``text``: same length, full-width folded, Simplified, with the
    Taiwan/Hong Kong tech vocabulary in mainland words.
    (``document_from_text`` also blanks the regions that must not be scanned.)"""
    return to_mainland_terms(to_simplified(fold_fullwidth(text)))


# --- regions that are not scanned ----------------------------------------------------

# Bare URLs, in Markdown and plain text: "https://example.com/a?b=1", "www.example.com/x".
# Only ASCII URL characters, so a URL ends where Chinese text or full-width
# punctuation follows it directly ("详见https://x.com/a。"); trailing ASCII
# punctuation is trimmed afterwards.
_URL = re.compile(
    r"""(?:(?<![A-Za-z0-9])(?:https?|ftp)://|(?<![A-Za-z0-9.@/])www\.)  # scheme, or a bare www.
        [A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]++            # URL characters (possessive: no backtracking)
    """,
    re.VERBOSE | re.IGNORECASE,
)
_URL_TRAILING = ".,:;!?'\"*_"

# Markdown autolinks: "<https://example.com/2024>", "<mailto:a@b.cn>", "<a@b.cn>".
_AUTOLINK = re.compile(
    r"""<(?:[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*+         # <scheme:...>
          |[A-Za-z0-9.!\#$%&'*+/=?^_`{|}~\-]++@[A-Za-z0-9.\-]++)  # <address@host>
        >""",
    re.VERBOSE,
)

# Link and image targets: the "(…)" after "](", with an optional title:
# "[报告](https://x.com/2024.pdf)", "![图1](img/chart-2024.png "图 1")", "[a](<with space.pdf>)".
# The link text before "](" is never touched.  One level of nested parentheses.
_LINK_TARGET = re.compile(
    r"""\]\(
        (?P<target>[ \t]*+
           (?:<[^<>\n]*+>                                   # <destination with spaces>
             |(?:[^()\s]|\([^()\s]*+\))*+)                  # destination, balanced (…) once
           (?:[ \t\n]++(?:"[^"]*+"|'[^']*+'|\([^()]*+\)))?+ # optional title
           [ \t]*+)
        \)""",
    re.VERBOSE,
)

# Reference definitions: "[1]: https://x.com/a "title"" at the start of a line.
_REFERENCE_DEF = re.compile(
    r"""^[ ]{0,3}\[[^\]\n]{1,999}\]:
        (?P<target>[ \t]*+\S++(?:[ \t]++(?:"[^"\n]*+"|'[^'\n]*+'|\([^()\n]*+\)))?+)
        [ \t]*+$""",
    re.VERBOSE | re.MULTILINE,
)

# Raw HTML tags (not their content): "<img src="a.png" width="300">", "</div>", "<br/>".
# A "<" followed by a digit or space ("<5%") is not a tag, and a tag stays on one line,
# so a stray "<a" never swallows the prose up to a blockquote's ">" further down.
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9\-]*+(?:[ \t/][^<>\n]{0,2000}?)?>")

# Fence openers: up to three spaces, then ``` or ~~~ (three or more); a backtick
# fence's info string cannot contain a backtick ("```x```" is inline code).
_FENCE_OPEN = re.compile(
    r"^(?P<indent>[ ]{0,3})(?:(?P<ticks>`{3,})(?P<tinfo>[^`\n]*)|(?P<tildes>~{3,})(?P<info>[^\n]*))$",
    re.MULTILINE,
)


@lru_cache(maxsize=32)
def _fence_close(char: str, length: int) -> re.Pattern:
    """The closing line of a fence opened with ``length`` ``char``s."""
    return re.compile(r"^[ ]{0,3}" + re.escape(char) + "{" + str(length) + r",}[ \t]*$", re.MULTILINE)


# An indented code line: four spaces or a tab.
_INDENTED = re.compile(r"^(?: {4}|\t)", re.MULTILINE)
_LIST_ITEM = re.compile(r"^[ ]{0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NON_SPACE = re.compile(r"\S")

# Backtick runs, for inline code spans (a backslash-escaped backtick opens nothing).
_BACKTICKS = re.compile(r"(?<![`\\])`+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")

# Front matter at the very top: "---" YAML "---" (or "..."), or "+++" TOML "+++".
_YAML_FRONT = re.compile(r"\A---[ \t]*\n(?P<body>(?:.*\n)*?)(?:---|\.\.\.)[ \t]*(?:\n|\Z)")
_TOML_FRONT = re.compile(r"\A\+\+\+[ \t]*\n(?P<body>(?:.*\n)*?)\+\+\+[ \t]*(?:\n|\Z)")

# Markdown syntax that can open a region; when none occurs, the Markdown passes are skipped.
_MARKDOWN_MARKERS = ("`", "~~~", "<", "](", "]:", "\n    ", "\n\t")


# Everything a blanked region loses (its line breaks stay, so lines and columns do not move).
_NOT_LINE_BREAK = re.compile(r"[^\r\n]")


def _scan_view(text: str) -> str:
    """``text`` with every line break a single "\\n" and the same length ("\\r\\n" -> " \\n",
    lone "\\r" -> "\\n"), so the line-anchored patterns need not know about "\\r"."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", " \n").replace("\r", "\n")


def _blank(text: str, regions: list[tuple[int, int]]) -> str:
    """Each region replaced by spaces, line breaks kept."""
    if not regions:
        return text
    out = []
    last = 0
    for start, end in sorted(regions):
        if end <= last:
            continue
        start = max(start, last)
        out.append(text[last:start])
        segment = text[start:end]
        if "\n" in segment or "\r" in segment:
            out.append(_NOT_LINE_BREAK.sub(" ", segment))
        else:
            out.append(" " * (end - start))
        last = end
    out.append(text[last:])
    return "".join(out)


def _url_regions(scan: str) -> list[tuple[int, int]]:
    regions = []
    if "://" not in scan and "www." not in scan.lower():
        return regions
    for m in _URL.finditer(scan):
        start, end = m.span()
        url = m.group()
        # Trim punctuation that ends the sentence rather than the URL, and a ")" that
        # closes a parenthesis opened before the URL: "(见 https://x.com/a)".
        while url:
            if url[-1] in _URL_TRAILING:
                url = url[:-1]
            elif url[-1] == ")" and url.count(")") > url.count("("):
                url = url[:-1]
            else:
                break
        end = start + len(url)
        if end > start:
            regions.append((start, end))
    return regions


@lru_cache(maxsize=1)
def _front_matter_loader():
    """yaml.SafeLoader that leaves timestamps as strings: PyYAML raises on an impossible
    date (date: 2024-02-30), which must only make the date unknown, not the front matter."""
    import yaml

    class FrontMatterLoader(yaml.SafeLoader):
        pass

    FrontMatterLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return FrontMatterLoader


def _front_matter(scan: str) -> tuple[int, dict | None]:
    """(length of the front matter block, its mapping), or (0, None)."""
    if scan.startswith("---"):
        m = _YAML_FRONT.match(scan)
        if m:
            import yaml

            try:
                data = yaml.load(m.group("body"), Loader=_front_matter_loader())  # a SafeLoader
            except (yaml.YAMLError, ValueError, TypeError, RecursionError):
                data = None
            # "---\nA line\n---" is a rule and a heading, not front matter: require a mapping.
            if isinstance(data, dict):
                return m.end(), data
            if data is None and not m.group("body").strip():
                return m.end(), {}
    elif scan.startswith("+++"):
        m = _TOML_FRONT.match(scan)
        if m:
            import tomllib

            try:
                return m.end(), tomllib.loads(m.group("body"))
            except (tomllib.TOMLDecodeError, ValueError):
                pass
    return 0, None


def _fenced_code(scan: str) -> list[tuple[int, int]]:
    """Fenced code blocks, fences included.  An unclosed fence runs to the end of the
    document, as CommonMark renders it."""
    regions = []
    pos = 0
    while True:
        m = _FENCE_OPEN.search(scan, pos)
        if not m:
            break
        fence = m.group("ticks") or m.group("tildes")
        close = _fence_close(fence[0], len(fence)).search(scan, m.end())
        end = close.end() if close else len(scan)
        regions.append((m.start(), end))
        pos = end
        if not close:
            break
    return regions


def _indented_code(scan: str) -> list[tuple[int, int]]:
    """Indented code blocks: lines indented by four spaces or a tab after a blank line
    (an indented line inside a paragraph or a list item is not code).  A block that is
    mostly Han characters is prose indented by habit, not code, and is kept (judged
    for each stretch between blank lines)."""
    regions = []
    lines = scan.split("\n")
    offset = 0
    prev_blank = True  # the start of the document counts as after a blank line
    in_list = False
    block_start = None  # offset of the current block's first line
    block_end = 0
    for line in lines:
        stripped = line.strip()
        blank = not stripped
        indented = line.startswith("    ") or line.startswith("\t")
        if block_start is not None:
            if indented and not blank:
                block_end = offset + len(line)
            else:
                # Judged paragraph by paragraph: a blank line ends the stretch, and
                # the next indented stretch after it starts a new one.
                _close_indented(scan, block_start, block_end, regions)
                block_start = None
        elif indented and not blank and prev_blank and not in_list:
            block_start = offset
            block_end = offset + len(line)
        if not blank and not indented:
            in_list = bool(_LIST_ITEM.match(line)) or (in_list and not prev_blank)
        prev_blank = blank
        offset += len(line) + 1
    if block_start is not None:
        _close_indented(scan, block_start, block_end, regions)
    return regions


def _close_indented(scan: str, start: int, end: int, regions: list) -> None:
    body = scan[start:end]
    han = len(_HAN.findall(body))
    visible = len(_NON_SPACE.findall(body))
    if visible and han / visible < 0.3:
        regions.append((start, end))


def _html_comments(scan: str) -> list[tuple[int, int]]:
    """``<!-- … -->``; an unclosed comment is left to be scanned (better a number too many
    than an article hidden by a typo)."""
    regions = []
    pos = scan.find("<!--")
    while pos != -1:
        end = scan.find("-->", pos + 4)
        if end == -1:
            break
        regions.append((pos, end + 3))
        pos = scan.find("<!--", end + 3)
    return regions


def _inline_code(scan: str) -> list[tuple[int, int]]:
    """Code spans: a backtick run up to the next run of the same length in the same
    paragraph.  Linear: each run is paired with the next run of its length, found by
    one backwards pass."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(scan)]
    if len(runs) < 2:
        return []
    breaks = [m.start() for m in _BLANK_LINE.finditer(scan)]
    # next_same[i]: index of the next run with the same length in the same paragraph.
    next_same = [-1] * len(runs)
    last_by_len: dict[int, int] = {}
    paragraph_of = _paragraph_index(runs, breaks)
    current_paragraph = None
    for i in range(len(runs) - 1, -1, -1):
        if paragraph_of[i] != current_paragraph:
            last_by_len = {}
            current_paragraph = paragraph_of[i]
        length = runs[i][1] - runs[i][0]
        next_same[i] = last_by_len.get(length, -1)
        last_by_len[length] = i
    regions = []
    i = 0
    while i < len(runs):
        j = next_same[i]
        if j == -1:
            i += 1
            continue
        regions.append((runs[i][0], runs[j][1]))
        i = j + 1
    return regions


def _paragraph_index(runs: list[tuple[int, int]], breaks: list[int]) -> list[int]:
    return [bisect.bisect_right(breaks, start) for start, _ in runs]


def _markdown_regions(scan: str) -> tuple[list[tuple[int, int]], dict | None]:
    """Regions of a Markdown text that are not scanned, and its front matter."""
    regions: list[tuple[int, int]] = []
    length, front = _front_matter(scan)
    if length:
        regions.append((0, length))
        scan = _blank(scan, regions)
    if not any(marker in scan for marker in _MARKDOWN_MARKERS) and not scan.startswith(("    ", "\t")):
        return regions + _url_regions(scan), front

    # Each pass sees the text with the previous passes' regions blanked, so a
    # backtick inside a fence or a URL inside a code span is not seen twice.
    for finder in (_fenced_code, _indented_code, _html_comments, _inline_code):
        found = finder(scan)
        if found:
            regions.extend(found)
            scan = _blank(scan, found)
    found = [m.span("target") for m in _REFERENCE_DEF.finditer(scan)] if "]:" in scan else []
    found += [m.span("target") for m in _LINK_TARGET.finditer(scan)] if "](" in scan else []
    if "<" in scan:
        found += [m.span() for m in _AUTOLINK.finditer(scan)]
        found += [m.span() for m in _HTML_TAG.finditer(scan)]
    if found:
        regions.extend(found)
        scan = _blank(scan, found)
    regions.extend(_url_regions(scan))
    return regions, front


# --- dates ----------------------------------------------------------------------------

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


def _front_matter_date(front: dict | None) -> _dt.date | None:
    if not front:
        return None
    keys = {str(k).lower(): v for k, v in front.items()}
    for key in _FRONT_DATE_KEYS:
        if key in keys:
            found = parse_date(keys[key])
            if found:
                return found
    return None


def _date_line(norm: str) -> _dt.date | None:
    for m in _DATE_LINE.finditer(_scan_view(norm[:DATE_LINE_SCAN])):
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


# --- documents ------------------------------------------------------------------------


def is_markdown_path(path: str) -> bool:
    return os.path.splitext(path)[1].lower() in MARKDOWN_SUFFIXES


def document_from_text(text: str, path: str = "<stdin>", *, markdown: bool | None = None,
                       date=None, encoding: str = "utf-8") -> Document:
    """A Document from text already decoded.

    ``markdown=None`` decides from the suffix of ``path`` (.md, .markdown).  ``date`` is
    the fallback publication date, used when neither the front matter, a date line near
    the top, nor the file name gives one."""
    if text.startswith("\ufeff"):
        text = text[1:]
    folded = fold_fullwidth(text)
    simplified = to_simplified(folded)
    variant = "hant" if _changed_share(folded, simplified) > HANT_SHARE else "hans"
    if markdown is None:
        markdown = is_markdown_path(path)
    scan = _scan_view(text)
    if markdown:
        regions, front = _markdown_regions(scan)
    else:
        regions, front = _url_regions(scan), None
    norm = _blank(to_mainland_terms(simplified), regions)
    found = (_front_matter_date(front) or _date_line(norm) or filename_date(path)
             or coerce_date(date))
    return Document(path=path, text=text, norm=norm, encoding=encoding, date=found, variant=variant,
                    line_starts=line_starts_of(text))


def _changed_share(text: str, simplified: str) -> float:
    """Share of Han characters that Traditional->Simplified changed, on a sample of at
    most VARIANT_SAMPLE characters from four places (the variant is a property of the
    whole article; counting every character of a long one costs more than it tells)."""
    if len(text) > VARIANT_SAMPLE:
        quarter = VARIANT_SAMPLE // 4
        step = len(text) // 4
        text = "".join(text[i * step:i * step + quarter] for i in range(4))
        simplified = "".join(simplified[i * step:i * step + quarter] for i in range(4))
    han = len(_HAN.findall(text))
    if not han:
        return 0.0
    changed = sum(map(str.__ne__, text, simplified))  # C-level loop: a != b per position
    return changed / han


# --- decoding bytes -------------------------------------------------------------------

_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xfe\xff", "utf-16-be"),
    (b"\xff\xfe", "utf-16-le"),
)

#: Double-byte candidates when the bytes are not UTF-8, tried in this order (ties go to the first).
_LEGACY = ("gb18030", "cp950", "big5hkscs")

# Characters that real Chinese copy almost never contains but a wrong double-byte
# decoding produces: private use, kana, hangul, CJK compatibility and extension A,
# box drawing, C0/C1 controls other than tab and line breaks.
_UNLIKELY = re.compile(
    r"[\ue000-\uf8ff\u3040-\u30ff\u3130-\u318f\uac00-\ud7af\uf900-\ufaff\u3400-\u4dbf"
    r"\u2500-\u257f\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]"
)
_HAN_BASIC = re.compile(r"[\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def _common_han() -> frozenset[str]:
    """The 3,755 most common Simplified characters: level 1 of GB 2312 (rows 16-55),
    which covers about 99% of running modern Chinese text."""
    chars = []
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.append(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return frozenset(chars)


def encoding_score(text: str) -> float:
    """How much ``text`` looks like Chinese copy: the share of its Han characters that are
    common ones (after Traditional->Simplified, so Traditional copy scores as well as
    Simplified), with unlikely characters counted against it.  1.0 for real copy, about
    0.3-0.6 for a double-byte text decoded with the wrong codec."""
    sample = text[:ENCODING_SAMPLE]
    han = _HAN_BASIC.findall(sample)
    unlikely = len(_UNLIKELY.findall(sample))
    if not han and not unlikely:
        return 1.0
    common = _common_han()
    hits = sum(1 for ch in to_simplified("".join(han)) if ch in common)
    return hits / (len(han) + unlikely)


class _DecodeFailure(Exception):
    def __init__(self, code: str, message: str, hint: str):
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint


def _shell_quote(path: str) -> str:
    return shlex.quote(path)


def decode_bytes(data: bytes, path: str = "FILE") -> tuple[str, str]:
    """(text, encoding) of a file's bytes; raises InputError E202/E203/E204 when they
    are not text.  ``path`` only appears in the messages."""
    try:
        return _decode(data, path)
    except _DecodeFailure as failure:
        raise InputError(failure.message, path=path, hint=failure.hint, code=failure.code) from None


def _decode(data: bytes, path: str) -> tuple[str, str]:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError as exc:
                name = codec.upper().replace("-SIG", "")
                raise _DecodeFailure(
                    "E202", f"starts with a {name} byte order mark but byte {exc.start} is not valid {name}",
                    f"re-save it as UTF-8, or convert it: iconv -f {name} -t UTF-8 {_shell_quote(path)} "
                    f"> {_shell_quote(path + '.utf8')}") from None
    if b"\x00" in data:
        guessed = _utf16_without_bom(data)
        if guessed:
            return guessed
        nul = data.index(b"\x00")
        raise _DecodeFailure("E203", f"is a binary file (NUL byte at offset {nul}), not text",
                             "it is not an article: leave it out of the PATHs, or list it in .gitignore")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    decoded = []
    furthest = (utf8_error.start, "UTF-8")
    for codec in _LEGACY:
        try:
            decoded.append((codec, data.decode(codec)))
        except UnicodeDecodeError as exc:
            if exc.start > furthest[0]:
                furthest = (exc.start, codec.upper())
    if decoded:
        codec, text = max(decoded, key=lambda item: encoding_score(item[1]))  # max keeps the first of ties
        return text, codec
    quoted, out = _shell_quote(path), _shell_quote(path + ".utf8")
    good = data[:utf8_error.start]
    if utf8_error.start > 0 and any(b >= 0x80 for b in good):
        # Valid UTF-8 with Chinese text up to a damaged byte: name the place.
        line = good.count(b"\n") + 1
        col = len(good[good.rfind(b"\n") + 1:].decode("utf-8")) + 1
        raise _DecodeFailure(
            "E202", f"is UTF-8 up to line {line}, column {col}, where byte 0x{data[utf8_error.start]:02X} is not "
                    "valid UTF-8 (the file mixes encodings or is damaged)",
            f"fix that line, or drop the invalid bytes: iconv -c -f UTF-8 -t UTF-8 {quoted} > {out}")
    raise _DecodeFailure(
        "E202", "cannot be decoded as UTF-8, GB18030 or Big5",
        f"find its encoding (file -i {quoted}) and convert it to UTF-8, e.g. "
        f"iconv -f {furthest[1] if furthest[1] != 'UTF-8' else 'BIG5'} -t UTF-8 {quoted} > {out}")


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 without a byte order mark: ASCII characters (line breaks, digits) leave NUL
    bytes, which made the file look binary.  Taken only when one byte order gives clean
    Chinese copy (no NUL, no unlikely character, common Han characters)."""
    if len(data) % 2:
        return None
    best = None
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x00" in text or _UNLIKELY.search(text[:ENCODING_SAMPLE]):
            continue
        score = encoding_score(text)
        if score >= 0.8 and (best is None or score > best[0]):
            best = (score, text, codec)
    return best[1:] if best else None


# --- files ----------------------------------------------------------------------------


def display_path_of(path: str | os.PathLike) -> str:
    """The path as reports show it: relative to the current directory when the file is
    below it, else as given; always with forward slashes."""
    given = os.fspath(path)
    absolute = os.path.abspath(given)
    cwd = os.getcwd()
    prefix = cwd if cwd.endswith(os.sep) else cwd + os.sep
    shown = absolute[len(prefix):] if absolute.startswith(prefix) else given
    return shown.replace(os.sep, "/").replace("\\", "/")


def max_bytes_default() -> int:
    """MAX_BYTES, or FACTCHECK_MAX_FILE_MB megabytes when that is set to a number."""
    value = os.environ.get("FACTCHECK_MAX_FILE_MB")
    if value:
        try:
            return int(float(value) * 1024 * 1024)
        except ValueError:
            pass
    return MAX_BYTES


def _too_large(path: str, size: int | None, limit: int) -> InputError:
    what = f"{size / 1024 / 1024:.1f} MB" if size is not None else "more than the limit"
    return InputError(f"is too large ({what}; the limit is {limit / 1024 / 1024:g} MB)", path=path,
                      hint="split it into smaller articles, or raise the limit with FACTCHECK_MAX_FILE_MB",
                      code="E205")


def document_from_bytes(data: bytes, path: str, *, markdown: bool | None = None, date=None,
                        max_bytes: int | None = None) -> Document:
    """A Document from a file's bytes; raises InputError (E202-E205) when they are not usable text."""
    limit = max_bytes_default() if max_bytes is None else max_bytes
    if len(data) > limit:
        raise _too_large(path, len(data), limit)
    if not data:
        raise InputError("is empty", path=path, hint="write the article into it, or leave it out", code="E204")
    text, encoding = decode_bytes(data, path)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise InputError("is empty (only white space)", path=path,
                         hint="write the article into it, or leave it out", code="E204")
    return document_from_text(text, path, markdown=markdown, date=date, encoding=encoding)


def read_document(path: str | os.PathLike, *, display_path: str | None = None, date=None,
                  max_bytes: int | None = None) -> Document:
    """Read one article.  Raises InputError: E201 not found (or not a file), E202 cannot be
    decoded, E203 binary, E204 empty, E205 too large."""
    shown = display_path or display_path_of(path)
    limit = max_bytes_default() if max_bytes is None else max_bytes
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise InputError("is a directory, not a file", path=shown,
                             hint="give the directory itself as a PATH to read the articles in it", code="E201")
        if stat.S_ISREG(info.st_mode) and info.st_size > limit:
            raise _too_large(shown, info.st_size, limit)
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except FileNotFoundError:
        raise InputError("not found", path=shown, hint="check the path (it is relative to the current directory)",
                         code="E201") from None
    except PermissionError:
        raise InputError("cannot be read (permission denied)", path=shown,
                         hint="check the file's permissions (chmod +r)", code="E201") from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", path=shown,
                         hint="give the directory itself as a PATH to read the articles in it", code="E201") from None
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror or exc})", path=shown,
                         hint="check that it is a readable file", code="E201") from None
    if len(data) > limit:
        raise _too_large(shown, None, limit)
    return document_from_bytes(data, shown, date=date, max_bytes=limit)


# --- paths ----------------------------------------------------------------------------


def _spec(patterns: Iterable[str]):
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(list(patterns))


class _Ignores:
    """The .gitignore files that apply in a walk: (directory, spec) from the outermost
    in; the deepest file with a matching pattern decides, as in git."""

    def __init__(self, stack: tuple = ()):
        self.stack = stack

    def entering(self, directory: Path) -> "_Ignores":
        spec = _read_gitignore(directory)
        if spec is None:
            return self
        return _Ignores(self.stack + ((Path(os.path.abspath(directory)), spec),))

    def ignored(self, path: Path, is_dir: bool) -> bool:
        path = Path(os.path.abspath(path))  # absolute like the bases, so a relative walk matches too
        for base, spec in reversed(self.stack):
            try:
                rel = path.relative_to(base).as_posix()
            except ValueError:
                continue
            result = spec.check_file(rel + "/" if is_dir else rel)
            if result.include is not None:
                return result.include
        return False


def _read_gitignore(directory: Path):
    try:
        lines = (directory / ".gitignore").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return _spec(lines)


def _outer_ignores(root: Path) -> _Ignores:
    """.gitignore files above ``root`` up to the repository's top (the directory holding .git)."""
    root = Path(os.path.abspath(root))
    chain = []
    for parent in root.parents:
        chain.append(parent)
        if (parent / ".git").exists():
            break
    else:
        return _Ignores()
    ignores = _Ignores()
    for parent in reversed(chain):
        ignores = ignores.entering(parent)
    return ignores


def iter_paths(paths: Iterable[str | os.PathLike], *, include: Iterable[str] | None = None,
               exclude: Iterable[str] = ()) -> Iterator[Path]:
    """The files to read, in order.  A directory is walked recursively in sorted order,
    honouring .gitignore files and skipping hidden entries (.git, .venv …); it yields
    the files matching ``include`` (default *.md, *.markdown, *.txt) and not ``exclude``
    (gitignore-style globs, matched against the path below the directory).  Anything
    else (a file named explicitly whatever its suffix, '-', a path that does not exist)
    is yielded as given, once."""
    include_spec = _spec(DEFAULT_INCLUDE if include is None else include)
    exclude_spec = _spec(exclude)
    seen: set[str] = set()
    for given in paths:
        path = Path(given)
        if os.fspath(given) != "-" and path.is_dir():
            found = sorted(_walk(path, include_spec, exclude_spec), key=lambda p: p.relative_to(path).as_posix())
        else:
            found = [path]
        for item in found:
            key = "-" if os.fspath(given) == "-" else os.path.abspath(item)
            if key in seen:
                continue
            seen.add(key)
            yield item


def _walk(root: Path, include_spec, exclude_spec) -> Iterator[Path]:
    ignores = _outer_ignores(root).entering(root)
    pending = [(root, ignores)]
    while pending:
        directory, ignores = pending.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            continue  # unreadable directory: nothing to take from it
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            rel = path.relative_to(root).as_posix()
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
                is_file = entry.is_file()
            except OSError:
                continue
            if is_dir:
                if ignores.ignored(path, True) or exclude_spec.match_file(rel + "/"):
                    continue
                pending.append((path, ignores.entering(path)))
            elif is_file:
                if ignores.ignored(path, False) or exclude_spec.match_file(rel):
                    continue
                if include_spec.match_file(rel):
                    yield path


def load_documents(paths: Iterable[str | os.PathLike], *, date=None, stdin_filename: str | None = None,
                   include: Iterable[str] | None = None, exclude: Iterable[str] = (),
                   max_bytes: int | None = None) -> Iterator[Document | LoadProblem]:
    """Each article under ``paths``, or a LoadProblem for one that cannot be read (the
    caller reports it and goes on).  '-' reads standard input, shown as
    ``stdin_filename`` or "<stdin>" (whose suffix decides Markdown)."""
    fallback = coerce_date(date)
    limit = max_bytes_default() if max_bytes is None else max_bytes
    for path in iter_paths(paths, include=include, exclude=exclude):
        if os.fspath(path) == "-":
            shown = stdin_filename or "<stdin>"
            try:
                yield document_from_bytes(_read_stdin(shown, limit), shown, date=fallback, max_bytes=limit)
            except InputError as exc:
                yield _problem(exc, shown)
            continue
        shown = display_path_of(path)
        try:
            yield read_document(path, display_path=shown, date=fallback, max_bytes=limit)
        except InputError as exc:
            yield _problem(exc, shown)


def _read_stdin(shown: str, limit: int) -> bytes:
    stream = sys.stdin
    if stream is None:
        raise InputError("standard input is closed", path=shown, hint="pipe an article in, or give its path",
                         code="E201")
    try:
        buffer = getattr(stream, "buffer", None)
        data = buffer.read(limit + 1) if buffer is not None else stream.read(limit + 1).encode("utf-8")
    except (OSError, ValueError) as exc:
        raise InputError(f"standard input cannot be read ({exc})", path=shown,
                         hint="pipe an article in, or give its path", code="E201") from None
    return data


def _problem(exc: InputError, shown: str) -> LoadProblem:
    message = exc.message + (f"; {exc.hint}" if exc.hint else "")
    return LoadProblem(path=exc.path or shown, code=exc.code, message=message)


__all__ = [
    "DEFAULT_INCLUDE", "MAX_BYTES", "coerce_date", "decode_bytes", "display_path_of", "document_from_bytes",
    "document_from_text", "encoding_score", "filename_date", "fold_fullwidth", "iter_paths", "load_documents",
    "normalize", "parse_date", "read_document", "to_simplified",
]
