"""Comparison by key: intervals widened by precision and tolerance, contradiction
within a key, divergence across qualifiers, never all pairs."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from checker import amounts
from checker.checks import compare as cmp
from checker.interval import Interval, interval
from checker.model import Claim, Mention, Quantity
from checker.rules import load_rules_text

RULES = """\
name: t
entities:
  nvidia: [英伟达]
qualifiers:
  market:
    values: {dc: [数据中心], chips: [AI芯片]}
claims:
  - id: share
    subject: nvidia
    metric: share
    words: [份额]
    unit: percent
    qualifiers: [market]
  - id: spend
    subject: nvidia
    metric: spend
    words: [支出]
    unit: money
    separate: [period]
"""


@pytest.fixture(scope="module")
def rs():
    return load_rules_text(RULES, "t.yaml")


def claim(text, q, *, rule="t.share", quals=(), path="a.txt", start=0, metric=None):
    m = Mention(start=start, end=start + len(text), line=1, col=start + 1, text=text, quantity=q)
    return Claim(rule=rule, subject="nvidia", metric=metric or rule.split(".")[1], qualifiers=tuple(sorted(quals)),
                 mention=m, path=path, sentence=text, sentence_start=start)


def pct(low, high=None, bound="exact", step=D(1)):
    high = low if high is None and bound in ("exact", "approx") else high
    return Quantity(D(low) if low is not None else None, D(high) if high is not None else None, bound, "percent",
                    step=step)


def test_tolerance_widens_both_ends_within_the_percent_scale(rs):
    rule = load_rules_text(RULES.replace("    qualifiers: [market]", "    qualifiers: [market]\n    tolerance: 2"),
                           "t.yaml").rules[0]
    assert cmp.claim_interval(claim("98%", pct(98)), rule) == Interval(D("95.5"), D(100), "percent")


def test_contradiction_says_by_how_much(rs):
    count = lambda lo, hi, step: Quantity(D(lo), D(hi), "exact", "count", classifier="张", step=D(step))
    claims = [claim("3万-5万张", count(30000, 50000, 10000), rule="t.share", path="a.txt"),
              claim("10万张", count(100000, 100000, 10000), rule="t.share", path="b.txt")]
    (f,) = cmp.compare(claims, rs)
    assert f.kind == "contradiction" and f.severity == "error"
    assert "10万张 is 5万 (100%) above the top of 3万-5万张" in f.message
    assert len(f.claims) == 2


def test_agreeing_precision_is_consistent(rs):
    claims = [claim("98%", pct(98), quals=[("market", "dc")]), claim("98.2%", pct("98.2", step=D("0.1")),
                                                                     quals=[("market", "dc")], path="b.txt")]
    assert cmp.compare(claims, rs) == []
    (f,) = cmp.compare(claims, rs, show_consistent=True)
    assert f.kind == "consistent" and f.severity == "info"


def test_divergence_names_the_qualifier(rs):
    claims = [claim("98%", pct(98), quals=[("market", "dc")]),
              claim("超过80%", pct(80, None, "gt"), quals=[("market", "chips")], path="b.txt")]
    (f,) = cmp.compare(claims, rs)
    assert f.kind == "divergence" and f.severity == "warning" and f.differs == ("market",)
    assert "market differs" in f.message and "dc" in f.message and "chips" in f.message


def test_same_values_under_other_qualifiers_do_not_diverge(rs):
    claims = [claim("98%", pct(98), quals=[("market", "dc")]), claim("98%", pct(98), quals=[("market", "chips")])]
    assert cmp.compare(claims, rs) == []


def test_currencies_are_never_compared_and_an_unknown_time_is_never_an_error(rs):
    usd = Quantity(D(100), D(100), "exact", "USD", step=D(1))
    cny = Quantity(D(700), D(700), "exact", "CNY", step=D(1))
    claims = [claim("100美元", usd, rule="t.spend", quals=[("currency", "USD")]),
              claim("700元", cny, rule="t.spend", quals=[("currency", "CNY")]),
              claim("700美元", Quantity(D(700), D(700), "exact", "USD", step=D(1)), rule="t.spend",
                    quals=[("currency", "USD"), ("period", "2023")])]
    (finding,) = cmp.compare(claims, rs)
    assert (finding.kind, finding.severity, finding.differs) == ("divergence", "warning", ("time",))
    assert [c.mention.text for c in finding.claims] == ["100美元", "700美元"]


def test_grouping_is_linear(rs, monkeypatch):
    """compare does at most a fixed amount of work per claim: doubling the claims at most
    doubles the intervals computed (all pairs would quadruple them; a finding's detail
    lists a bounded number of claims, so the growth may be less)."""
    calls = []
    real = cmp.interval
    monkeypatch.setattr(cmp, "interval", lambda q, **kw: calls.append(1) or real(q, **kw))

    def run(n):
        calls.clear()
        claims = [claim(f"{i}%", pct(50), quals=[("market", "dc")], path=f"{i}.txt") for i in range(n)]
        claims += [claim(f"{i}%", pct(i % 90), quals=[("market", f"m{i}")]) for i in range(n)]
        cmp.compare(claims, rs)
        return len(calls)

    small, large = run(200), run(400)
    assert small < large <= 2 * small
    assert small <= 4 * 400


def test_differences_are_written_in_the_one_amount_style():
    assert amounts.difference_text(D(50000), "count") == "5万"
    assert amounts.difference_text(D("48100000000"), "USD") == "481亿美元"
    assert amounts.difference_text(D("0.04"), "USD") == "0.04美元"
    assert amounts.difference_text(D(1), "percent") == "1 percentage point"
    assert amounts.difference_text(D("2.5"), "percent") == "2.5 percentage points"


def test_an_unstated_qualifier_is_unknown_not_different(rs):
    """A divergence needs two groups that state different values of a qualifier: a claim
    that names no market is left out rather than shown as 'market unspecified'."""
    stated_dc = claim("98%", pct(98), quals=[("market", "dc")], path="a.txt")
    unstated = claim("80%", pct(80), quals=[], path="b.txt")
    assert cmp.compare([stated_dc, unstated], rs) == []
    stated_chips = claim("超过80%", pct(80, bound="gt"), quals=[("market", "chips")], path="c.txt")
    (finding,) = cmp.compare([stated_dc, unstated, stated_chips], rs)
    assert finding.kind == "divergence" and finding.differs == ("market",)
    assert {c.path for c in finding.claims} == {"a.txt", "c.txt"}
