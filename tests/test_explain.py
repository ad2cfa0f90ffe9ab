"""`factcheck claims` and `factcheck explain`: the evidence of each claim, and why a number is no claim."""

from __future__ import annotations

import json

import pytest

from checker import cli, pipeline
from checker.attribute.explain import explain
from checker.extract import extract
from checker.load import document_from_text, read_document
from checker.rules import load_rules_text

SEED = "seeds/000_4d0a8a5e27428347.txt"


@pytest.fixture(scope="module")
def shipped():
    return pipeline.resolve_rules()


def run_json(capsys, *argv):
    code = cli.main([*argv, "--format", "json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_explain_answers_for_every_number_of_the_seed(capsys):
    """Walk every number extract finds in the seed: explain gives its claim with evidence, or reasons."""
    doc = read_document(SEED)
    for m in extract(doc):
        code, out = run_json(capsys, "explain", f"{SEED}:{m.line}:{m.col}")
        assert code == 0
        [number] = [n for n in out["numbers"] if n["start"] == m.start]
        if number["claim"] is not None:
            evidence = dict(number["claim"]["evidence"])
            assert {"clause", "subject", "time"} <= set(evidence), (m.text, evidence)
        else:
            assert number["reasons"] and all(r["reason"] for r in number["reasons"]), m.text


def test_explanations_agree_with_attribution(shipped):
    """The re-run rule checks say the claim's own rule reads its number, and give every number
    that is no claim a reason from each rule whose unit fits."""
    from checker.attribute import attribute, terms_for

    for path in ("seeds/000_4d0a8a5e27428347.txt", "seeds/001_12274d2e8085e09b.txt",
                 "seeds/003_b402c9ff82ff3bcd.txt"):
        doc = read_document(path)
        mentions = extract(doc)
        claims = {c.mention.start for c in attribute(doc, mentions, shipped)}
        for e in explain(doc, mentions, shipped):
            assert (e.claim is not None) == (e.mention.start in claims)
            if e.claim is None:
                assert e.reasons, e.mention.text
                assert not any(why.startswith("it reads the number") for _, why in e.reasons), \
                    (path, e.mention.text, e.reasons)


def test_a_garbled_name_is_shown_as_read(capsys):
    code, out = run_json(capsys, "explain", f"{SEED}:17:48")
    claim = out["numbers"][0]["claim"]
    evidence = dict(claim["evidence"])
    assert evidence["fuzzy"] == "p00 → H100"
    assert evidence["qualifier chip"] == "H100: p00, own clause"
    assert evidence["qualifier model"] == "GPT-5: GPT-5, 1 clause before"
    assert evidence["clause"] == "则还需要5万张英伟达p00"


def test_an_inherited_metric_word_says_from_which_clause(capsys):
    code, out = run_json(capsys, "explain", f"{SEED}:7:60")
    evidence = dict(out["numbers"][0]["claim"]["evidence"])
    assert evidence["metric"] == "相当于: 1 clause before (inherited)"
    assert evidence["subject"] == "美国GDP: own clause"


RULES = """\
name: t
entities:
  nvidia: [英伟达]
  amd: [AMD]
claims:
  - id: share
    subject: [nvidia, amd]
    metric: share
    words: [份额, 市场份额]
    unit: percent
    exclude: [增速]
  - id: revenue
    subject: nvidia
    metric: revenue
    words: [收入, 营收]
    unit: money
"""

#: (sentence, the number, what explain says of it)
WHY = [
    ("英伟达的市场份额为80%,员工有3万人。", "3万人", "no rule reads a number in count of 人"),
    ("英伟达去年的毛利率为80%。", "80%", "no metric word"),
    ("英伟达份额的增速为12%。", "12%", "excluded by '增速'"),
    ("英伟达的份额下降2%。", "2%", "a change, not a level"),
    ("英伟达的营收为100亿美元,其中,游戏部门创造30亿美元。", "30亿美元", "a part of the whole"),
    ("今年的市场份额为12%。", "12%", "no subject"),
    ("英伟达的份额从95%降至80%。", "95%", "the value before a change"),
]


@pytest.mark.parametrize("sentence, number, why", WHY)
def test_why_a_number_is_no_claim(sentence, number, why):
    ruleset = load_rules_text(RULES, "t.yaml")
    doc = document_from_text(sentence, path="a.txt")
    [e] = [e for e in explain(doc, extract(doc), ruleset) if e.mention.text == number]
    assert e.claim is None
    assert any(why in reason for _, reason in e.reasons), e.reasons


def test_a_number_two_rules_read_names_the_rule_that_took_it():
    ruleset = load_rules_text(RULES + """\
  - id: share2
    subject: nvidia
    metric: share-again
    words: [份额]
    unit: percent
""", "t.yaml")
    doc = document_from_text("英伟达的份额为80%。", path="a.txt")
    [e] = explain(doc, extract(doc), ruleset)
    assert e.claim is not None
    assert any(why.startswith(f"taken by {e.claim.rule}") for _, why in e.reasons), e.reasons


def test_claims_lists_every_claim_with_evidence(capsys):
    code, out = run_json(capsys, "claims", SEED)
    assert code == 0
    doc = read_document(SEED)
    _, claims = pipeline.claims_for_document(doc, pipeline.resolve_rules())
    assert len(out["claims"]) == len(claims) > 20
    assert all(c["evidence"] and c["rule"] and c["subject"] for c in out["claims"])


def test_claims_in_plain_text_show_the_evidence(capsys):
    assert cli.main(["claims", SEED, "--format", "plain"]) == 0
    out = capsys.readouterr().out
    assert "    fuzzy: p00 → H100" in out
    assert out.rstrip().endswith("claims")


def test_check_json_claims_carry_their_evidence(capsys):
    code, out = run_json(capsys, "check", "seeds", "--no-cache")
    evidence = [c["evidence"] for f in out["findings"] for c in f["claims"] if c["unit"]]
    assert evidence and all(dict(e).get("subject") for e in evidence)


def test_explain_at_a_place_without_a_number_is_a_usage_error(capsys):
    assert cli.main(["explain", f"{SEED}:17:1"]) == 0  # the first number at or after column 1
    capsys.readouterr()
    assert cli.main(["explain", f"{SEED}:3"]) == 2
    assert "no number at" in capsys.readouterr().err
    assert cli.main(["explain", "seeds/none.txt:1"]) == 2
    assert cli.main(["explain", "no-place"]) == 2
