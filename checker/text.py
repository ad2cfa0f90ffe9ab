"""The matching view of any string: one definition for articles, rule files and notices.

Every transformation here keeps the length of the text, so an offset found in the
matching view is the same offset in the original:

* full-width ASCII forms and the ideographic space folded to ASCII (the NFKC forms
  that are one character for one);
* Traditional folded to Simplified with OpenCC, line by line (and chunk by chunk)
  wherever a phrase conversion would change the length;
* Taiwan and Hong Kong tech vocabulary in mainland words (晶片 -> 芯片), equal lengths only;
* ASCII letters lower-cased (``ascii_lower``), for names matched without regard to case.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import yaml

from .resources import SAFE_LOADER, data_path

# --- patterns of rare paths ----------------------------------------------------------


class LazyPattern:
    """A regular expression compiled at its first use and kept: for the module-level
    patterns of a path most runs never take (legacy encodings, Markdown syntax, a phrase
    conversion that changes a line's length).  Compiling a class of Chinese characters
    costs about a millisecond; a run pays only for the patterns it uses.  It offers every
    attribute of the compiled ``re.Pattern`` (``search``, ``finditer``, ``pattern`` …);
    ``compiled`` is the pattern itself, for a function that needs a real ``re.Pattern``."""

    __slots__ = ("_source", "_flags", "_compiled")

    def __init__(self, pattern: str, flags: int = 0):
        self._source = pattern
        self._flags = flags
        self._compiled: re.Pattern | None = None

    @property
    def compiled(self) -> re.Pattern:
        if self._compiled is None:
            self._compiled = re.compile(self._source, self._flags)
        return self._compiled

    @property
    def pattern(self) -> str:
        return self._source

    def __getattr__(self, name: str):
        if name.startswith("_"):  # a slot not yet set (copy, unpickling) or a dunder: not the pattern's
            raise AttributeError(name)
        return getattr(self.compiled, name)

    def __repr__(self) -> str:
        return f"LazyPattern({self._source!r})"


# --- full-width folding and Traditional -> Simplified --------------------------------


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """One-for-one NFKC folds for the ranges that matter in Chinese copy:
    full-width ASCII (０-９, ％, ．, －, ～ …) and the ideographic space."""
    table: dict[int, str] = {}
    # full-width ASCII, the ideographic space, and the small forms (﹒ as a decimal point: 2﹒894億)
    for cp in list(range(0xFF01, 0xFF5F)) + [0x3000] + list(range(0xFE50, 0xFE6C)):
        folded = unicodedata.normalize("NFKC", chr(cp))
        if len(folded) == 1 and folded != chr(cp):
            table[cp] = folded
    return table


@lru_cache(maxsize=1)
def _fold_pairs() -> tuple[tuple[str, str], ...]:
    return tuple((chr(cp), to) for cp, to in sorted(_fold_table().items()))


@lru_cache(maxsize=1)
def _foldable() -> re.Pattern:
    return re.compile("[" + "".join(re.escape(src) for src, _ in _fold_pairs()) + "]")


def fold_fullwidth(text: str) -> str:
    """Full-width ASCII forms and the ideographic space folded to ASCII, same length.

    One regex scan finds which foldable characters occur; a ``str.replace`` per character
    present is then several times faster than ``str.translate`` with a dict on non-ASCII
    text (translate looks every character up in the dict; ``replace`` is a C scan)."""
    present = set(_foldable().findall(text))
    if present:
        table = dict(_fold_pairs())
        for src in present:
            text = text.replace(src, table[src])
    return text


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


# Where a long line may be cut when a phrase conversion changed its length:
# after Chinese and ASCII sentence punctuation and whitespace.
_CHUNK_BREAK = LazyPattern(r"(?<=[，。！？；：、,.!?;:\s])")


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
    pairs = yaml.load(data_path("regional_terms.yaml").read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
    return tuple((str(k), str(v)) for k, v in pairs.items() if len(str(k)) == len(str(v)))


@lru_cache(maxsize=1)
def _any_regional_term() -> re.Pattern:
    """Any of the regional words: one scan tells whether there is anything to replace."""
    return re.compile("|".join(re.escape(regional) for regional, _ in _regional_terms()) or "(?!)")


def to_mainland_terms(text: str) -> str:
    """晶片 -> 芯片, 资料中心 -> 数据中心 …: regional vocabulary in the words rules are written in."""
    if _any_regional_term().search(text) is None:  # most copy: one scan instead of one per word
        return text
    for regional, mainland in _regional_terms():
        if regional in text:
            text = text.replace(regional, mainland)
    return text


def normalize(text: str) -> str:
    """The matching view of ``text``: same length, full-width folded, Simplified, with the
    Taiwan/Hong Kong tech vocabulary in mainland words.
    (``document_from_text`` also blanks the regions that must not be scanned.)"""
    return to_mainland_terms(to_simplified(fold_fullwidth(text)))


#: str.lower() restricted to ASCII, so lengths never change.
ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}
_ASCII_UPPER_RUN = re.compile("[A-Z]+")


def ascii_lower(text: str) -> str:
    """ASCII letters in lower case, everything else as it is, the length kept.  Faster than
    ``str.translate`` on Chinese text, where ASCII runs are few and short."""
    return _ASCII_UPPER_RUN.sub(lambda m: m.group().lower(), text)


def match_form(word: str) -> str:
    """How a name or word of a rule file is matched: normalized like ``Document.norm``,
    spaces removed (matching runs on the text without spaces), ASCII lower-cased."""
    return ascii_lower("".join(normalize(word).split()))


__all__ = ["ASCII_LOWER", "LazyPattern", "ascii_lower", "fold_fullwidth", "match_form", "normalize", "to_mainland_terms",
           "to_simplified"]
