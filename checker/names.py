"""Model-name look-alikes: one judgement of "this token is a damaged spelling of that name",
for attribution (p00 next to a number reads as H100) and for the garbled-name notice.

A token is garbled, not a different real name, when folding look-alike letters (O, l, I
next to a digit) turns it into the known name (H1O0, Hl00, A1OO -> H100, A100), or when
it has a lower-case letter next to a digit, keeps only digits the known name has, and is
at most two edits (and at most half the name) away from it (p00 -> H100).  A well-formed
name of the same shape (H200, A800, V100 against H100) is never garbled, and neither is
an upper-case token that merely drops a digit (H10): model names in this beat are written
in capitals, so a capital token is a name as its writer meant it.

Cost: one Levenshtein distance per (token, candidate name), on strings of a few characters;
rapidfuzz is imported at the first distance taken (most articles have no token to weigh).
"""

from __future__ import annotations

import re
from typing import Iterable

# A token shaped like a model name: ASCII letters and digits (hyphens inside), at
# least one letter and one digit, not part of a longer ASCII word.
# Accepted: "p00", "H1O0", "Hl00", "MI300X", "GPT-4", "v5p".  Not: "100", "H", "2024".
NAME_TOKEN = re.compile(
    r"(?<![A-Za-z0-9-])(?P<token>(?=[A-Za-z0-9-]*[A-Za-z])(?=[A-Za-z0-9-]*\d)[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*)"
    r"(?![A-Za-z0-9])")
# A known name that is a model name: ASCII, with a letter and a digit ("H100", "TPU v5p", "GPT-4").
MODEL_NAME = re.compile(r"^(?=.*[A-Za-z])(?=.*\d)[A-Za-z0-9][A-Za-z0-9 .\-]*$")
# Letters that stand in for digits when typed or OCR'd: O for 0; l and I for 1.
_CONFUSABLE = {"O": "0", "o": "0", "l": "1", "I": "1"}
# A lower-case letter next to a digit: p00, Hl00.  Model names in the seeds' beat are
# upper-case (H100, A800, MI300X), except a few written lower-case on purpose
# (TPU v5p, v4), which the digit rule keeps apart.
_LOWER_NEXT_TO_DIGIT = re.compile(r"[a-z]\d|\d[a-z]")


def compact(name: str) -> str:
    """A name without spaces, hyphens and dots, upper-cased: "TPU v5p" -> "TPUV5P"."""
    return re.sub(r"[\s\-.]", "", name).upper()


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def fold_confusables(token: str) -> str:
    """Replace O/o/l/I by 0/1 where they touch a digit (H1O0 -> H100, Hl00 -> H100)."""
    chars = list(token)
    changed = True
    while changed:  # a run of confusables next to a digit (HlOO) folds in steps
        changed = False
        for i, c in enumerate(chars):
            if c in _CONFUSABLE:
                left = chars[i - 1] if i else ""
                right = chars[i + 1] if i + 1 < len(chars) else ""
                if left.isdigit() or right.isdigit():
                    chars[i] = _CONFUSABLE[c]
                    changed = True
    return "".join(chars)


def garbled_target(token: str, candidates: Iterable[str]) -> list[tuple[int, str]]:
    """Known names (as given) that ``token`` is a garbled spelling of, with their edit
    distance (0 for look-alike letters), best first; empty when it is none of them."""
    upper = compact(token)
    folded = compact(fold_confusables(token))
    lower_next_to_digit = _LOWER_NEXT_TO_DIGIT.search(token) is not None
    digits = _digits(upper)
    out: list[tuple[int, str]] = []
    for written in candidates:
        name = compact(written)
        if folded == name and upper != name:
            out.append((0, written))
            continue
        if not lower_next_to_digit or not digits or digits not in _digits(name):
            continue
        if len(upper) > len(name):
            continue  # a longer name (GPT-4o, MI300X beside MI300) is another model, not a damaged one
        from rapidfuzz.distance import Levenshtein

        distance = Levenshtein.distance(upper, name)
        if 0 < distance <= min(2, max(1, len(name) // 2)):
            out.append((distance, written))
    out.sort()
    return out


def similarity(a: str, b: str) -> float:
    """Normalized Levenshtein similarity of two spellings, 0..1 (1: the same)."""
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.normalized_similarity(a, b)


def near_miss(token: str, names: Iterable[str]) -> str | None:
    """The one name of ``names`` that ``token`` is a garbled spelling of (the nearest;
    the first in sorted order on a tie), or None."""
    found = garbled_target(token, names)
    return found[0][1] if found else None


__all__ = ["MODEL_NAME", "NAME_TOKEN", "compact", "fold_confusables", "garbled_target", "near_miss", "similarity"]
