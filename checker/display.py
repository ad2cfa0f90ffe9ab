"""The one display form of paths and text, for stderr and every output format.

File names and article text are untrusted: a name may hold a newline (which would start
a new GitHub workflow command on stderr), an ESC sequence that clears a terminal, a
right-to-left override that reorders what an editor reads, or bytes that are not UTF-8
(kept by Python as lone surrogates, ``os.fsdecode``'s surrogateescape, which no UTF-8
stream can write).  The real path is kept wherever a file is opened; what is *shown* goes
through this module:

* ``display(text)``: one line, printable.  Line breaks and tabs become ``\\n``, ``\\r``,
  ``\\t``; other C0 controls and DEL ``\\x1b``, ``\\x7f``; C1 controls ``\\u009b``; bidi
  controls and line/paragraph separators ``\\u202e``, ``\\u2028``; an undecodable byte
  ``\\xff``.  Everything else is left as it is (CJK, emoji, backslashes).
* ``terminal(text)``: article text for a terminal: escape sequences (CSI, OSC, DCS, the
  two-character ESC forms) are removed, then ``display``.
* ``markdown(text)``: inline Markdown and HTML made inert, on one line.
* ``github_data`` / ``github_property``: GitHub Actions workflow-command escapes.
* ``sarif_text``: a SARIF message's plain text (``[`` and ``]`` escaped, so only the
  renderer's own embedded links are links).
* ``json_string``: a JSON string literal that holds the exact text (a parser gets it back)
  but no raw control, bidi or surrogate character in the bytes written.
"""

from __future__ import annotations

import json
import re

from .text import LazyPattern

# Characters that are never written raw: C0 controls, DEL, C1 controls, bidi controls
# (ALM, LRM, RLM, LRE…RLO, LRI…PDI), line and paragraph separators, lone surrogates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

# ECMA-48 sequences a terminal acts on: CSI (7- and 8-bit), string controls (OSC, DCS, SOS,
# PM, APC) up to their terminator or the end, and the two-character ESC forms (ESC c, ESC ( B …).
_ESCAPE_SEQUENCE = LazyPattern(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)

#: Characters that Markdown (CommonMark, GitHub) would read as syntax inside inline text.
_MARKDOWN_SPECIAL = LazyPattern(r"([\\`*_\[\]{}#+!|~>])")
#: Any run of whitespace, line breaks included: a table cell is one line.
_WHITESPACE = LazyPattern(r"\s+")


def _escape_char(m: re.Match) -> str:
    ch = m.group()
    named = _NAMED.get(ch)
    if named:
        return named
    cp = ord(ch)
    if 0xDC80 <= cp <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        return f"\\x{cp - 0xDC00:02x}"
    if cp < 0x80:
        return f"\\x{cp:02x}"
    return f"\\u{cp:04x}"


def display(text: str, *, keep: str = "") -> str:
    """``text`` as one printable line: control, bidi and undecodable characters escaped
    (but those in ``keep``, e.g. ``"\n\t"`` where a line break is harmless: HTML, SVG)."""
    if not _UNSAFE.search(text):
        return text
    if keep:
        return _UNSAFE.sub(lambda m: m.group() if m.group() in keep else _escape_char(m), text)
    return _UNSAFE.sub(_escape_char, text)


def is_safe(text: str) -> bool:
    """True when ``text`` has nothing ``display`` would escape."""
    return _UNSAFE.search(text) is None


def strip_escape_sequences(text: str) -> str:
    """``text`` without the escape sequences a terminal would act on."""
    if "\x1b" not in text and not re.search("[\x90-\x9f]", text):
        return text
    return _ESCAPE_SEQUENCE.sub("", text)


def terminal(text: str) -> str:
    """Article text for a terminal: escape sequences removed, then ``display``."""
    return display(strip_escape_sequences(text))


def markdown(text: str, *, strip: bool = True) -> str:
    """Text made inert for Markdown and HTML, on one line: whitespace runs as one space,
    controls escaped (``display``), ``&`` ``<`` ``>`` as entities, syntax characters
    backslash-escaped."""
    text = _WHITESPACE.sub(" ", text)
    if strip:
        text = text.strip()
    text = display(text).replace("&", "&amp;").replace("<", "&lt;")
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
    return text.replace("\\>", "&gt;")


def github_data(text: str) -> str:
    """A workflow command's message (after ``::``): ``%``, CR, LF escaped as GitHub
    decodes them; any other unsafe character in the display form."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return display(text)


def github_property(text: str) -> str:
    """A workflow command's property value (``file=…``, ``title=…``): as ``github_data``,
    and ``:`` and ``,`` escaped."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


def sarif_text(text: str) -> str:
    """Text placed in a SARIF message: display form, square brackets escaped (SARIF
    §3.11.6), so article text never makes an embedded link."""
    return display(text).replace("[", "\\[").replace("]", "\\]")


#: What json.dumps(text, ensure_ascii=False) returns for a str, without building an encoder
#: per call (the JSON writer calls this once per string value).
_encode_string = json.encoder.encode_basestring


def json_string(text: str) -> str:
    """A JSON string literal for ``text``: exact (json.loads gives ``text`` back), readable
    (CJK written as is), and with every unsafe character as a ``\\uXXXX`` escape."""
    literal = _encode_string(text)
    if not _UNSAFE.search(literal):
        return literal
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", literal)


def json_text(obj, *, indent: int | None = None) -> str:
    """``json.dumps`` of plain data (no Decimals) with ``json_string``'s escapes."""
    literal = json.dumps(obj, ensure_ascii=False, indent=indent)
    if not _UNSAFE.search(literal):
        return literal
    # Outside strings JSON has only ASCII punctuation and white space (\n and spaces from
    # the indent, never escaped here since they are not inside a string); inside strings
    # json.dumps already escaped C0 controls, so what is left is C1, bidi and surrogates.
    return re.sub("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]",
                  lambda m: f"\\u{ord(m.group()):04x}", literal)


__all__ = ["display", "github_data", "github_property", "is_safe", "json_string", "json_text", "markdown",
           "sarif_text", "strip_escape_sequences", "terminal"]
