"""The fuzzers as tests, with a modest number of examples (the long campaign is
``python bench/fuzz.py``): loading, extraction with hostile characters, formulas and
structure-aware mutated rule files never raise anything but the tool's own errors, and no
rule file takes over 2 s to load."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.errors import FactcheckError, RuleFileError
from checker.extract import extract
from checker.load import document_from_bytes, document_from_text
from checker.rules import load_rules_text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import fuzz  # noqa: E402

pytestmark = pytest.mark.issue(17)

FEW = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FEW
@given(st.binary(max_size=400) | st.sampled_from(fuzz.SAMPLES).flatmap(
    lambda s: st.binary(max_size=40).map(lambda extra: s + extra + s)))
def test_loading_any_bytes_gives_a_document_or_an_input_error(data):
    try:
        doc = document_from_bytes(data, "fuzz.md")
    except FactcheckError as exc:
        assert exc.code.startswith("E2")
        return
    assert len(doc.norm) == len(doc.text)


#: Article text made of the pieces journalism uses, control characters and terminal escapes.
HOSTILE = st.lists(st.sampled_from(fuzz.PIECES + ["\x00", "\x85", "\u2028", "\x1bc", "\x07"]),
                   max_size=40).map("".join)


@FEW
@given(HOSTILE)
def test_extraction_of_hostile_text_keeps_its_spans(text):
    doc = document_from_text(text, "fuzz.md")
    for m in extract(doc):
        assert doc.text[m.start:m.end] == m.text
        assert 1 <= m.line and 1 <= m.col


@FEW
@given(st.lists(st.sampled_from(fuzz.FORMULA_TOKENS), min_size=1, max_size=20).map("".join))
def test_formulas_parse_and_evaluate_or_say_why(text):
    fuzz.target_formula(text)  # raises only on a would-be traceback


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_mutated_rule_files_load_or_fail_with_a_rule_file_error(seed):
    import random

    text = fuzz.mutate_rules(random.Random(seed))
    started = time.perf_counter()
    try:
        load_rules_text(text, "rules/fuzz.yaml")
    except RuleFileError as exc:
        assert exc.code.startswith("E3") and exc.path == "rules/fuzz.yaml"
    assert time.perf_counter() - started < 2


@FEW
@given(st.text(max_size=200))
def test_any_text_as_a_rule_file_loads_or_fails_with_a_rule_file_error(text):
    try:
        load_rules_text(text, "rules/fuzz.yaml")
    except RuleFileError:
        pass


def test_the_campaign_runs_and_counts(capsys):
    """bench/fuzz.py prints the inputs tried and the failures."""
    assert fuzz.main(["--target", "formula", "--runs", "200", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    assert "[formula] done: 200 inputs tried, 0 failures" in out
