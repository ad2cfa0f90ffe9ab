"""Markdown and plain text: the regions that are not scanned for numbers.

In Markdown: front matter, fenced and indented code, inline code, HTML comments and
tags, link and image targets, reference definitions and URLs; in plain text, URLs.
Each region is blanked with spaces in the matching view (line breaks kept, so lines
and columns do not move).  Every pass is linear in the text; each sees the text with
the previous passes' regions blanked, so a backtick inside a fence or a URL inside a
code span is not seen twice.
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

import yaml

from ..text import LazyPattern

# Bare URLs, in Markdown and plain text: "https://example.com/a?b=1", "www.example.com/x".
# Only ASCII URL characters, so a URL ends where Chinese text or full-width
# punctuation follows it directly ("详见https://x.com/a。"); trailing ASCII
# punctuation is trimmed afterwards.
_URL = LazyPattern(
    r"""(?:(?<![A-Za-z0-9])(?:https?|ftp)://|(?<![A-Za-z0-9.@/])www\.)  # scheme, or a bare www.
        [A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]++            # URL characters (possessive: no backtracking)
    """,
    re.VERBOSE | re.IGNORECASE,
)
_URL_TRAILING = ".,:;!?'\"*_"

# Markdown autolinks: "<https://example.com/2024>", "<mailto:a@b.cn>", "<a@b.cn>".
_AUTOLINK = LazyPattern(
    r"""<(?:[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*+         # <scheme:...>
          |[A-Za-z0-9.!\#$%&'*+/=?^_`{|}~\-]++@[A-Za-z0-9.\-]++)  # <address@host>
        >""",
    re.VERBOSE,
)

# Link and image targets: the "(…)" after "](", with an optional title:
# "[报告](https://x.com/2024.pdf)", "![图1](img/chart-2024.png "图 1")", "[a](<with space.pdf>)".
# The link text before "](" is never touched.  One level of nested parentheses.
_LINK_TARGET = LazyPattern(
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
_REFERENCE_DEF = LazyPattern(
    r"""^[ ]{0,3}\[[^\]\n]{1,999}\]:
        (?P<target>[ \t]*+\S++(?:[ \t]++(?:"[^"\n]*+"|'[^'\n]*+'|\([^()\n]*+\)))?+)
        [ \t]*+$""",
    re.VERBOSE | re.MULTILINE,
)

# Raw HTML tags (not their content): "<img src="a.png" width="300">", "</div>", "<br/>".
# A "<" followed by a digit or space ("<5%") is not a tag, and a tag stays on one line,
# so a stray "<a" never swallows the prose up to a blockquote's ">" further down.
_HTML_TAG = LazyPattern(r"</?[A-Za-z][A-Za-z0-9\-]*+(?:[ \t/][^<>\n]{0,2000}?)?>")

# Fence openers: up to three spaces, then ``` or ~~~ (three or more); a backtick
# fence's info string cannot contain a backtick ("```x```" is inline code).
_FENCE_OPEN = LazyPattern(
    r"^(?P<indent>[ ]{0,3})(?:(?P<ticks>`{3,})(?P<tinfo>[^`\n]*)|(?P<tildes>~{3,})(?P<info>[^\n]*))$",
    re.MULTILINE,
)


@lru_cache(maxsize=32)
def _fence_close(char: str, length: int) -> re.Pattern:
    """The closing line of a fence opened with ``length`` ``char``s."""
    return re.compile(r"^[ ]{0,3}" + re.escape(char) + "{" + str(length) + r",}[ \t]*$", re.MULTILINE)


# An indented code line: four spaces or a tab.
_INDENTED = LazyPattern(r"^(?: {4}|\t)", re.MULTILINE)
_LIST_ITEM = LazyPattern(r"^[ ]{0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NON_SPACE = LazyPattern(r"\S")

# Backtick runs, for inline code spans (a backslash-escaped backtick opens nothing).
_BACKTICKS = LazyPattern(r"(?<![`\\])`+")
_BLANK_LINE = LazyPattern(r"\n[ \t]*\n")

# Front matter at the very top: "---" YAML "---" (or "..."), or "+++" TOML "+++".
_YAML_FRONT = LazyPattern(r"\A---[ \t]*\n(?P<body>(?:.*\n)*?)(?:---|\.\.\.)[ \t]*(?:\n|\Z)")
_TOML_FRONT = LazyPattern(r"\A\+\+\+[ \t]*\n(?P<body>(?:.*\n)*?)\+\+\+[ \t]*(?:\n|\Z)")

# Markdown syntax that can open a region; when none occurs, the Markdown passes are skipped.
_MARKDOWN_MARKERS = ("`", "~~~", "<", "](", "]:", "\n    ", "\n\t")


# Everything a blanked region loses (its line breaks stay, so lines and columns do not move).
_NOT_LINE_BREAK = LazyPattern(r"[^\r\n]")


def scan_view(text: str) -> str:
    """``text`` with every line break a single "\\n" and the same length ("\\r\\n" -> " \\n",
    lone "\\r" -> "\\n"), so the line-anchored patterns need not know about "\\r"."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", " \n").replace("\r", "\n")


def blank(text: str, regions: list[tuple[int, int]]) -> str:
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


#: Where a URL can start, found by a fast scan: the "://" after a scheme (the scheme starts 3
#: to 5 characters before it: ftp, http, https) or a "www." in any case.
_URL_MARK = re.compile(r"(?::|[Ww])(?:(?<=:)//|(?<=[Ww])[Ww]{2}\.)")


#: "www." in any case (``"www." in scan.lower()`` without lowering the whole page).
_WWW = re.compile(r"[Ww][Ww][Ww]\.")


def _url_matches(scan: str):
    """``_URL.finditer(scan)``, tried only where a URL can start (_URL, with a look-behind
    first, gives the regex engine nothing to skip to, so it is tried at every position)."""
    starts = set()
    for m in _URL_MARK.finditer(scan):
        at = m.start()
        if scan[at] == ":":
            starts.update(range(max(0, at - 5), at - 2))
        else:
            starts.add(at)
    last = 0
    for start in sorted(starts):
        if start < last:
            continue
        m = _URL.match(scan, start)
        if m is not None:
            yield m
            last = m.end()


def url_regions(scan: str) -> list[tuple[int, int]]:
    regions = []
    if "://" not in scan and not (("w" in scan or "W" in scan) and _WWW.search(scan)):
        return regions
    for m in _url_matches(scan):
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
    """Indented code blocks, as CommonMark reads them: lines indented by four spaces or a
    tab after a blank line (an indented line inside a paragraph or a list item is not code).
    Whatever language the block is in: any Markdown viewer shows it as code, so a number in
    it is not the article's.  Prose indented by habit with full-width spaces (U+3000) is not
    code, and a .txt file is never read as Markdown."""
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
    if _NON_SPACE.search(scan, start, end):
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


def code_regions(scan: str) -> list[tuple[int, int]]:
    """The code of a Markdown text (fenced, indented, inline), found as ``markdown_regions``
    finds it: what a suppression comment inside code is judged by (it is an example, not a
    comment of the article)."""
    length, _ = _front_matter(scan)
    if length:
        scan = blank(scan, [(0, length)])
    regions: list[tuple[int, int]] = []
    for finder in (_fenced_code, _indented_code, _html_comments, _inline_code):
        found = finder(scan)
        if found:
            if finder is not _html_comments:
                regions.extend(found)
            scan = blank(scan, found)
    return regions


def markdown_regions(scan: str) -> tuple[list[tuple[int, int]], dict | None]:
    """Regions of a Markdown text that are not scanned, and its front matter."""
    regions: list[tuple[int, int]] = []
    length, front = _front_matter(scan)
    if length:
        regions.append((0, length))
        scan = blank(scan, regions)
    if not any(marker in scan for marker in _MARKDOWN_MARKERS) and not scan.startswith(("    ", "\t")):
        return regions + url_regions(scan), front

    # Each pass sees the text with the previous passes' regions blanked, so a
    # backtick inside a fence or a URL inside a code span is not seen twice.
    for finder in (_fenced_code, _indented_code, _html_comments, _inline_code):
        found = finder(scan)
        if found:
            regions.extend(found)
            scan = blank(scan, found)
    found = [m.span("target") for m in _REFERENCE_DEF.finditer(scan)] if "]:" in scan else []
    found += [m.span("target") for m in _LINK_TARGET.finditer(scan)] if "](" in scan else []
    if "<" in scan:
        found += [m.span() for m in _AUTOLINK.finditer(scan)]
        found += [m.span() for m in _HTML_TAG.finditer(scan)]
    if found:
        regions.extend(found)
        scan = blank(scan, found)
    regions.extend(url_regions(scan))
    return regions, front
