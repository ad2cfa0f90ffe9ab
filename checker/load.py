"""Files -> Document.

Builds the matching view ``norm`` with the same length as the original text, so
offsets need no map: full-width forms are folded one character for one (the
NFKC forms that are a single character), Traditional characters are folded to
Simplified with OpenCC where that keeps the length, and regions that must not
be scanned are blanked with spaces.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from .model import Document, line_starts_of


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
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional -> Simplified, keeping the length (line by line where a
    phrase conversion would change it)."""
    converted = _t2s().convert(text)
    if len(converted) == len(text):
        return converted
    out = []
    for line in text.splitlines(keepends=True):
        conv = _t2s().convert(line)
        if len(conv) != len(line):
            conv = "".join(c if len(c) == 1 else o for o, c in ((ch, _t2s().convert(ch)) for ch in line))
        out.append(conv)
    return "".join(out)


def normalize(text: str) -> str:
    """The matching view of ``text``: same length, full-width folded, Simplified."""
    return to_simplified(text.translate(_fold_table()))


def document_from_text(text: str, path: str = "<stdin>", *, markdown: bool | None = None,
                       date=None, encoding: str = "utf-8") -> Document:
    """A Document from text already decoded."""
    if text.startswith("\ufeff"):
        text = text[1:]
    norm = normalize(text)
    variant = "hant" if _changed_share(text, norm) > 0.02 else "hans"
    return Document(path=path, text=text, norm=norm, encoding=encoding, date=date, variant=variant,
                    line_starts=line_starts_of(text))


def _changed_share(text: str, norm: str) -> float:
    han = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    if not han:
        return 0.0
    changed = sum(1 for a, b in zip(text, norm) if a != b and "\u4e00" <= a <= "\u9fff")
    return changed / han
