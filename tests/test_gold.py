"""The gold list of numeric expressions from the seed articles
(shared/gold/numbers-seeds.yaml beside the checkout; tests/data/ keeps a copy): one test per case.

For an amount, the mention overlapping the gold span must carry the expected
interval (relative tolerance 1e-9, or inside the case's ``accept`` windows),
unit, bound and classifier.  For a non-amount (date, year, model name), no
mention may overlap the span.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from checker.extract import extract
from checker.load import document_from_text

GOLD_CANDIDATES = [
    Path(__file__).resolve().parents[2] / "shared" / "gold" / "numbers-seeds.yaml",
    Path(__file__).resolve().parent / "data" / "gold-numbers-seeds.yaml",
]
GOLD = next((p for p in GOLD_CANDIDATES if p.exists()), GOLD_CANDIDATES[-1])

CASES = yaml.safe_load(GOLD.read_text(encoding="utf-8"))["cases"]

# ``以上`` may be read as ge or gt (the gold notes say so); everything else must match.
EQUIVALENT_BOUNDS = {"ge": {"ge", "gt"}, "gt": {"gt", "ge"}}


def _close(actual: Decimal | None, expected, window=None) -> bool:
    if expected is None:
        return actual is None
    if actual is None:
        return False
    if window is not None:
        lo, hi = window
        return Decimal(str(lo)) * Decimal("0.999999999") <= actual <= Decimal(str(hi)) * Decimal("1.000000001")
    exp = Decimal(str(expected))
    if exp == 0:
        return actual == 0
    return abs(actual - exp) <= abs(exp) * Decimal("1e-9")


def test_gold_file_has_all_cases():
    """The gold list is complete (116 cases) and each case's offset points at its text."""
    assert len(CASES) == 116
    for case in CASES:
        assert case["context"][case["offset"]:case["offset"] + len(case["text"])] == case["text"], case["id"]


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_gold_case(case):
    """Each gold expression is extracted from its context with the expected value, or not at all."""
    doc = document_from_text(case["context"], f"{case['id']}.txt")
    mentions = extract(doc)
    lo, hi = case["offset"], case["offset"] + len(case["text"])
    overlapping = [m for m in mentions if m.start < hi and m.end > lo]
    if case["unit"] is None:
        assert not overlapping, f"non-amount {case['text']!r} came out as {[(m.text, m.quantity) for m in overlapping]}"
        return
    assert len(overlapping) == 1, f"{case['text']!r}: {[(m.text, m.quantity) for m in mentions]}"
    m = overlapping[0]
    q = m.quantity
    accept = case.get("accept") or {}
    assert _close(q.low, case["expected_low"], accept.get("low")), (m.text, q)
    assert _close(q.high, case["expected_high"], accept.get("high")), (m.text, q)
    assert q.unit == case["unit"], (m.text, q)
    assert q.bound in EQUIVALENT_BOUNDS.get(case["bound"], {case["bound"]}), (m.text, q)
    assert q.classifier == case["classifier"], (m.text, q)
    # the span is the gold text, or lies inside it (年薪90万 -> 90万)
    assert lo <= m.start and m.end <= hi or (m.start, m.end) == (lo, hi) or m.text in case["text"] or case["text"] in m.text, (m.text, case["text"])
    assert m.text == doc.text[m.start:m.end]
