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

The parts: ``decode`` (bytes -> text), ``markdown`` (regions not scanned), ``dates``
(the article's date), ``paths`` (which files); the matching view itself is
``checker.text``.
"""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass
from typing import Iterable, Iterator

from ..errors import InputError, UsageError
from ..model import Document, LoadProblem, line_starts_of
from ..text import fold_fullwidth, normalize, to_mainland_terms, to_simplified
from .dates import coerce_date, date_line, filename_date, front_matter_date, parse_date, url_date
from .decode import decode_bytes, encoding_score
from .files import open_no_wait, read_at_most
from .markdown import HAN, blank, markdown_regions, scan_view, url_regions
from .paths import DEFAULT_INCLUDE, display_path_of, iter_paths
from .segments import segmentation_view

#: Files larger than this are refused (E205); FACTCHECK_MAX_FILE_MB overrides it.
MAX_BYTES = 50 * 1024 * 1024

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
    variant = "hant" if is_traditional(folded, simplified) else "hans"
    if markdown is None:
        markdown = is_markdown_path(path)
    scan = scan_view(text)
    if markdown:
        regions, front = markdown_regions(scan)
    else:
        regions, front = url_regions(scan), None
    matching = blank(to_mainland_terms(simplified), regions)
    found = (front_matter_date(front) or date_line(matching) or url_date(text) or filename_date(path)
             or coerce_date(date))
    norm = segmentation_view(matching)
    return Document(path=path, text=text, norm=norm, encoding=encoding, date=found, variant=variant,
                    line_starts=line_starts_of(text))


def is_traditional(text: str, simplified: str) -> bool:
    """True when Traditional->Simplified changed more than HANT_SHARE of the Han characters,
    judged on a sample of at most VARIANT_SAMPLE characters from four places (the variant is
    a property of the whole article; counting every character of a long one costs more than
    it tells).

    It stops as soon as the answer is known: a text that conversion left unchanged (most
    Simplified copy) is one string comparison; otherwise the characters are compared a
    block at a time, blocks that did not change are skipped with one comparison each, and
    the count stops once the changed characters exceed HANT_SHARE of the whole sample (the
    Han characters cannot be more than that).  Only a text with a few changes counts its
    Han characters.  The same answer as ``changed / han > HANT_SHARE`` over the whole sample."""
    if text == simplified:
        return False
    if len(text) > VARIANT_SAMPLE:
        quarter = VARIANT_SAMPLE // 4
        step = len(text) // 4
        text = "".join(text[i * step:i * step + quarter] for i in range(4))
        simplified = "".join(simplified[i * step:i * step + quarter] for i in range(4))
    enough = HANT_SHARE * len(text)  # more changes than this: Traditional, whatever the Han count
    changed = 0
    ne = str.__ne__
    for i in range(0, len(text), _VARIANT_BLOCK):
        a, b = text[i:i + _VARIANT_BLOCK], simplified[i:i + _VARIANT_BLOCK]
        if a != b:
            changed += sum(map(ne, a, b))  # C-level loop: a != b per position
            if changed > enough:
                return HAN.search(text) is not None  # a share of no Han characters is 0
    if not changed:
        return False
    # A few changes (Simplified copy with a variant or two): count the Han characters only until
    # they are enough to outweigh the changes (the count only grows, so the answer is known).
    # Blocks start at about twice the count needed and double.
    han = 0
    at = 0
    size = max(64, int(2 * changed / HANT_SHARE))
    while at < len(text):
        han += len(HAN.findall(text, at, at + size))
        if not changed > HANT_SHARE * han:
            return False
        at += size
        size *= 2
    return han > 0 and changed > HANT_SHARE * han


#: Characters compared at a time by ``is_traditional``.
_VARIANT_BLOCK = 512


#: FACTCHECK_MAX_FILE_MB may not raise the limit above this (a read holds the whole file).
MAX_LIMIT_MB = 4096


def max_bytes_default() -> int:
    """MAX_BYTES, or FACTCHECK_MAX_FILE_MB megabytes when that is set.  A value that is not
    a positive number of at most MAX_LIMIT_MB (``inf``, ``nan``, ``-1``, ``lots``) is a
    usage error (E207), never silently ignored."""
    value = os.environ.get("FACTCHECK_MAX_FILE_MB")
    if not value or not value.strip():
        return MAX_BYTES
    try:
        megabytes = float(value)
    except ValueError:
        megabytes = float("nan")
    if not (0 < megabytes <= MAX_LIMIT_MB):  # also false for nan
        shown = value if len(value) <= 40 else value[:40] + "…"
        raise UsageError(f"bad FACTCHECK_MAX_FILE_MB value {shown!r}",
                         hint=f"set it to a number of megabytes above 0 and at most {MAX_LIMIT_MB}, e.g. 100")
    return max(1, int(megabytes * 1024 * 1024))


def read_file_bytes(path: str | os.PathLike, shown: str, limit: int) -> bytes:
    """The bytes of a regular file, at most ``limit`` (E205 beyond).  A FIFO, socket or device
    is refused (E201) without waiting on it: the file is opened non-blocking and checked with
    fstat, so a name swapped for a FIFO between listing and reading cannot hang the run."""
    try:
        fd = open_no_wait(path)
    except FileNotFoundError:
        raise InputError("not found", path=shown, hint="check the path (it is relative to the current directory)",
                         code="E201") from None
    except PermissionError:
        raise InputError("cannot be read (permission denied)", path=shown,
                         hint="check the file's permissions (chmod +r)", code="E201") from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", path=shown,
                         hint="give the directory itself as a PATH to read the articles in it", code="E201") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot be read ({getattr(exc, 'strerror', None) or exc})", path=shown,
                         hint="check that it is a readable file", code="E201") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError("is a directory, not a file", path=shown,
                             hint="give the directory itself as a PATH to read the articles in it", code="E201")
        if not stat.S_ISREG(info.st_mode):
            raise InputError("is not a regular file (a FIFO, socket or device)", path=shown,
                             hint="name article files; to read a stream, pipe it to '-'", code="E201")
        if info.st_size > limit:
            raise _too_large(shown, info.st_size, limit)
        data = read_at_most(fd, limit)
    except OSError as exc:
        raise InputError(f"cannot be read ({exc.strerror or exc})", path=shown,
                         hint="check that it is a readable file", code="E201") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise _too_large(shown, None, limit)
    return data


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


def read_bytes(path: str | os.PathLike, *, display_path: str | None = None, max_bytes: int | None = None) -> bytes:
    """The bytes of one article file.  Raises InputError: E201 not found (or not a file,
    or unreadable), E205 too large."""
    shown = display_path or display_path_of(path)
    limit = max_bytes_default() if max_bytes is None else max_bytes
    return read_file_bytes(path, shown, limit)


def read_document(path: str | os.PathLike, *, display_path: str | None = None, date=None,
                  max_bytes: int | None = None) -> Document:
    """Read one article.  Raises InputError: E201 not found (or not a file), E202 cannot be
    decoded, E203 binary, E204 empty, E205 too large."""
    shown = display_path or display_path_of(path)
    limit = max_bytes_default() if max_bytes is None else max_bytes
    data = read_bytes(path, display_path=shown, max_bytes=limit)
    return document_from_bytes(data, shown, date=date, max_bytes=limit)


@dataclass(frozen=True, slots=True)
class Source:
    """An article's bytes as read, before decoding: what a cache looks up by content."""

    path: str  #: the display path
    data: bytes


def load_sources(paths: Iterable[str | os.PathLike], *, stdin_filename: str | None = None,
                 include: Iterable[str] | None = None, exclude: Iterable[str] = (), exclude_root=None,
                 force_exclude: bool = False, max_bytes: int | None = None) -> Iterator[Source | LoadProblem]:
    """Each article's bytes under ``paths`` (a Source), or a LoadProblem for one that cannot
    be read; ``document_from_source`` makes the Document.  '-' reads standard input, shown as
    ``stdin_filename`` or "<stdin>"."""
    limit = max_bytes_default() if max_bytes is None else max_bytes
    skipped: list[tuple] = []
    for path in iter_paths(paths, include=include, exclude=exclude, exclude_root=exclude_root,
                           force_exclude=force_exclude, skipped=lambda p, message: skipped.append((p, message))):
        while skipped:  # what the walk could not take, in the order it met it
            where, message = skipped.pop(0)
            yield LoadProblem(path=display_path_of(where), code="E201", message=message)
        if os.fspath(path) == "-":
            shown = stdin_filename or "<stdin>"
            try:
                yield Source(shown, _read_stdin(shown, limit))
            except InputError as exc:
                yield _problem(exc, shown)
            continue
        shown = display_path_of(path)
        try:
            yield Source(shown, read_bytes(path, display_path=shown, max_bytes=limit))
        except InputError as exc:
            yield _problem(exc, shown)
    for where, message in skipped:
        yield LoadProblem(path=display_path_of(where), code="E201", message=message)


def document_from_source(source: Source, *, date=None, max_bytes: int | None = None) -> Document | LoadProblem:
    """The Document of a Source, or the LoadProblem that its bytes are not usable text."""
    try:
        return document_from_bytes(source.data, source.path, date=coerce_date(date), max_bytes=max_bytes)
    except InputError as exc:
        return _problem(exc, source.path)


def load_documents(paths: Iterable[str | os.PathLike], *, date=None, stdin_filename: str | None = None,
                   include: Iterable[str] | None = None, exclude: Iterable[str] = (), exclude_root=None,
                   force_exclude: bool = False, max_bytes: int | None = None) -> Iterator[Document | LoadProblem]:
    """Each article under ``paths``, or a LoadProblem for one that cannot be read (the
    caller reports it and goes on).  '-' reads standard input, shown as
    ``stdin_filename`` or "<stdin>" (whose suffix decides Markdown)."""
    fallback = coerce_date(date)
    limit = max_bytes_default() if max_bytes is None else max_bytes
    for item in load_sources(paths, stdin_filename=stdin_filename, include=include, exclude=exclude,
                             exclude_root=exclude_root, force_exclude=force_exclude, max_bytes=limit):
        yield item if isinstance(item, LoadProblem) else document_from_source(item, date=fallback, max_bytes=limit)


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
    "DEFAULT_INCLUDE", "MAX_BYTES", "Source", "coerce_date", "document_from_source", "load_sources", "read_bytes", "decode_bytes", "display_path_of", "document_from_bytes",
    "document_from_text", "encoding_score", "filename_date", "fold_fullwidth", "iter_paths", "load_documents",
    "max_bytes_default", "normalize", "parse_date", "read_document", "read_file_bytes", "to_simplified",
]
