"""Attribution is linear in the document: time per character of one endless sentence, one
paragraph without a line break, and one line with lone-CR ends stays flat as the document
grows sixteen-fold.  Bounded by a ratio measured in the same run, not by a clock (the full
benchmark, to 5 MB through the whole command, is bench/scaling.py)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from checker.load import document_from_text
from checker.pipeline import claims_for_document, resolve_rules

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from scaling import SHAPES, body  # noqa: E402


@pytest.fixture(scope="module")
def ruleset():
    return resolve_rules()


def per_char(text: str, ruleset) -> float:
    best = float("inf")
    for _ in range(2):
        t = time.perf_counter()
        claims_for_document(document_from_text(text, "long.txt"), ruleset)
        best = min(best, time.perf_counter() - t)
    return best / len(text)


@pytest.mark.parametrize("shape", SHAPES)
def test_time_per_character_stays_flat(shape, ruleset):
    small, large = per_char(body(shape, 10_000), ruleset), per_char(body(shape, 160_000), ruleset)
    # linear work gives about 1; a look-up that rescans from the sentence start per number gave 6 to 10
    assert large / small < 3, f"{shape}: {large / small:.1f}× the time per character at 16× the size"
