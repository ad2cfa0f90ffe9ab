"""Bytes -> text.

A BOM decides (UTF-8, UTF-16, UTF-32); else strict UTF-8; else GB18030 and Big5 are
both tried and the decoding whose Han characters are the most common ones wins (a GBK
file often decodes as Big5 without error, and a Big5 file nearly always decodes as
GB18030, so "decodes" alone proves nothing).  UTF-16 without a BOM is recognised by
its clean decoding.  Bytes that are not text raise ``InputError`` (E202, E203).
"""

from __future__ import annotations

import re
import shlex
from functools import lru_cache

from ..errors import InputError
from ..text import LazyPattern, to_simplified

#: The encoding is judged on at most this many characters of each candidate decoding.
ENCODING_SAMPLE = 20_000

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
_UNLIKELY = LazyPattern(
    r"[\ue000-\uf8ff\u3040-\u30ff\u3130-\u318f\uac00-\ud7af\uf900-\ufaff\u3400-\u4dbf"
    r"\u2500-\u257f\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]"
)
_HAN_BASIC = LazyPattern(r"[\u4e00-\u9fff]")


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
        scored = [(encoding_score(text), codec, text) for codec, text in decoded]
        score, codec, text = max(scored, key=lambda item: item[0])  # max keeps the first of ties
        if score < CLEAN_SCORE:
            _refuse_mixed(data, path)
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


#: A legacy decoding scoring below this is looked at line by line for mixed encodings.
CLEAN_SCORE = 0.9
#: Han characters a line needs before its encoding is judged on its own.
MIN_LINE_HAN = 4


def _refuse_mixed(data: bytes, path: str) -> None:
    """E202 when some lines are clearly GBK/GB18030 and others clearly Big5: no single
    decoding reads the file, and either one would turn half of it into mojibake."""
    kinds: dict[str, list[int]] = {}
    for number, raw in enumerate(data.split(b"\n"), start=1):
        best = None
        for codec, name in (("gb18030", "GBK"), ("big5hkscs", "Big5")):
            try:
                line = raw.decode(codec)
            except UnicodeDecodeError:
                continue
            if len(_HAN_BASIC.findall(line)) < MIN_LINE_HAN:
                best = None
                break
            score = encoding_score(line)
            if score >= CLEAN_SCORE and (best is None or score > best[0]):
                best = (score, name)
        if best:
            kinds.setdefault(best[1], []).append(number)
    if len(kinds) < 2:
        return
    parts = "; ".join(f"{name} on line{'s' if len(lines) > 1 else ''} {_line_list(lines)}"
                      for name, lines in sorted(kinds.items()))
    raise _DecodeFailure(
        "E202", f"mixes encodings ({parts}): no one decoding reads it",
        "convert each part to UTF-8 (iconv -f GBK -t UTF-8, iconv -f BIG5 -t UTF-8) and join them")


def _line_list(lines: list[int]) -> str:
    shown = ", ".join(map(str, lines[:5]))
    return shown + (f" and {len(lines) - 5} more" if len(lines) > 5 else "")


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
