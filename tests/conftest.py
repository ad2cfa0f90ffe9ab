"""Shared test options and fixtures.

``--update-golden`` rewrites the files under tests/golden/ from the current output
instead of comparing against them.

``seed_report`` is a Report built by hand from the real seed articles: each claim's
span is found in the article text (never typed in), so positions, sentences and
quotes are those of the articles.  The renderer tests use it so that they do not
depend on the state of the extraction and comparison stages.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLDEN = Path(__file__).resolve().parent / "golden"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/ files from the current output")


@pytest.fixture
def update_golden(request) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def golden(update_golden):
    """golden(name, text): compare ``text`` with tests/golden/<name>, or rewrite it."""

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if update_golden or not path.exists():
            if not update_golden:
                pytest.fail(f"missing golden file {path}; run pytest --update-golden")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
            return
        expected = path.read_bytes().decode("utf-8")
        assert text == expected, f"{name} differs from the golden file; run pytest --update-golden if intended"

    return check


# --- a Report built by hand from the seed articles --------------------------------------

#: Sentence ends in the seeds (full-width and ASCII); a line break also ends one.
_SENTENCE_END = re.compile(r"[。!?！？\n]")


def seed_document(name_prefix: str):
    from checker.load import document_from_text

    (path,) = sorted(SEEDS.glob(f"{name_prefix}_*.txt"))
    return document_from_text(path.read_text(encoding="utf-8"), path=f"seeds/{path.name}")


def _sentence(doc, start: int, end: int) -> tuple[str, int]:
    left = max((m.end() for m in _SENTENCE_END.finditer(doc.text, 0, start)), default=0)
    right_match = _SENTENCE_END.search(doc.text, end)
    right = right_match.end() if right_match and right_match.group() != "\n" else (
        right_match.start() if right_match else len(doc.text))
    return doc.text[left:right], left


def mention_in(doc, quote: str, number: str, quantity):
    """The Mention of ``number`` inside the first occurrence of ``quote`` in the article."""
    from checker.model import Mention

    at = doc.text.index(quote)
    start = doc.text.index(number, at)
    end = start + len(number)
    assert end <= at + len(quote), (quote, number)
    line, col = doc.position(start)
    return Mention(start=start, end=end, line=line, col=col, text=doc.text[start:end], quantity=quantity)


def claim_in(doc, quote, number, quantity, *, rule, subject, metric, qualifiers=(), source=None, time=None):
    from checker.model import Claim

    m = mention_in(doc, quote, number, quantity)
    sentence, base = _sentence(doc, m.start, m.end)
    return Claim(rule=rule, subject=subject, metric=metric, qualifiers=tuple(sorted(qualifiers)), mention=m,
                 path=doc.path, sentence=sentence, sentence_start=base, time=time, source=source,
                 doc_date=doc.date)


def location_in(doc, text: str, nth: int = 0):
    from checker.model import Location

    start = -1
    for _ in range(nth + 1):
        start = doc.text.index(text, start + 1)
    line, col = doc.position(start)
    sentence, _ = _sentence(doc, start, start + len(text))
    return Location(path=doc.path, start=start, end=start + len(text), line=line, col=col, text=text,
                    sentence=sentence)


def build_seed_report(*, with_consistent: bool = True):
    """Findings for five acceptance items (gpt5-gpus, nvidia-share, meta-h100-spend,
    garbled-h100, query-cost), written the way the compare stage reports them."""
    from checker.model import Finding, Quantity, Report

    D = Decimal
    d000, d001, d002, d003, d004 = (seed_document(p) for p in ("000", "001", "002", "003", "004"))

    gpus = dict(rule="ai-chips.training-gpus", subject="openai", metric="training-gpus")
    gpt5 = [("model", "GPT-5"), ("chip", "H100")]
    c001 = claim_in(d001, "GPT-5可能需要3万-5万张英伟达H100芯片", "3万-5万张",
                    Quantity(D(30000), D(50000), "exact", "count", classifier="张", step=D(10000)),
                    qualifiers=gpt5, source="安德烈·卡帕西", **gpus)
    c000 = claim_in(d000, "如果训练GPT-5,则还需要5万张英伟达p00", "5万张",
                    Quantity(D(50000), D(50000), "exact", "count", classifier="张", step=D(10000)),
                    qualifiers=gpt5, **gpus)
    c003 = claim_in(d003, "10萬張(指英偉達H100 GPU)算力集羣", "10萬張",
                    Quantity(D(100000), D(100000), "exact", "count", classifier="張", step=D(10000)),
                    qualifiers=gpt5, source="李開復", **gpus)
    gpt5_finding = Finding(
        kind="contradiction", severity="error", rule=gpus["rule"], subject="openai", metric="training-gpus",
        message="10萬張 (100,000) is outside 3万-5万张 (30,000–50,000) by 50,000 张",
        claims=(c000, c001, c003))

    share = dict(rule="ai-chips.nvidia-share", subject="nvidia", metric="market-share")
    s000 = claim_in(d000, "英伟达在数据中心AI 市场拥有 98% 的市场份额", "98%",
                    Quantity(D(98), D(98), "exact", "percent", step=D(1)),
                    qualifiers=[("market", "datacenter-ai")], source="富国银行", **share)
    s001 = claim_in(d001, "英伟达公司在全球AI芯片市场中控制了超过80%的份额", "超过80%",
                    Quantity(D(80), None, "gt", "percent", step=D(1)),
                    qualifiers=[("market", "ai-chips")], **share)
    share_finding = Finding(
        kind="divergence", severity="warning", rule=share["rule"], subject="nvidia", metric="market-share",
        message="98% (datacenter-ai) and > 80% (ai-chips) are shares of different markets",
        claims=(s000, s001), differs=("market",))

    spend = dict(rule="ai-chips.h100-spend", subject="meta", metric="h100-spend")
    a_count = claim_in(d002, "35萬塊英偉達H100芯片", "35萬塊",
                       Quantity(D(350000), D(350000), "exact", "count", classifier="塊", step=D(10000)),
                       qualifiers=[("chip", "H100")], rule=spend["rule"], subject="meta", metric="h100-count")
    a_price = claim_in(d002, "H100的價格已經飆升至25000到30000美元", "25000到30000美元",
                       Quantity(D(25000), D(30000), "exact", "USD", step=D(1000)),
                       qualifiers=[("chip", "H100")], rule=spend["rule"], subject="nvidia", metric="unit-price")
    a_total = claim_in(d002, "這筆支出也將接近900億美元", "900億美元",
                       Quantity(D(90000000000), D(90000000000), "approx", "USD", step=D(10000000000)),
                       qualifiers=[("chip", "H100")], **spend)
    arithmetic_finding = Finding(
        kind="arithmetic", severity="error", rule=spend["rule"], subject="meta", metric="h100-spend",
        message="35萬塊 × 25000到30000美元 = 87.5亿–105亿美元, not 900億美元 (off by a factor of 8.6–10.3)",
        claims=(a_count, a_price, a_total),
        detail="350,000 × 25,000–30,000 USD = 8,750,000,000–10,500,000,000 USD; stated ≈ 90,000,000,000 USD")

    garbled = Finding(
        kind="notice", severity="warning", rule="notice.garbled-name", subject="nvidia", metric="",
        message="'p00' looks like a garbled 'H100' (written H100 in the other articles); did you mean H100?",
        locations=(location_in(d000, "p00", 0), location_in(d000, "p00", 1)))

    findings = [gpt5_finding, share_finding, arithmetic_finding, garbled]
    if with_consistent:
        cost = dict(rule="ai-chips.query-cost", subject="chatgpt", metric="query-cost")
        q000 = claim_in(d000, "ChatGPT单次查询的成本将提高至约0.04美元", "0.04美元",
                        Quantity(D("0.04"), D("0.04"), "approx", "USD", step=D("0.01")), **cost)
        q001 = claim_in(d001, "ChatGPT每次查询的成本大约为4美分", "4美分",
                        Quantity(D("0.04"), D("0.04"), "approx", "USD", step=D("0.01")), **cost)
        findings.append(Finding(kind="consistent", severity="info", rule=cost["rule"], subject="chatgpt",
                                metric="query-cost", message="0.04美元 and 4美分 agree (0.04 USD)",
                                claims=(q000, q001)))
    claims = sum(len(f.claims) for f in findings)
    return Report(findings=findings, documents=5, claims=claims, mentions=claims,
                  paths=[d.path for d in (d000, d001, d002, d003, d004)])


@pytest.fixture
def seed_report():
    return build_seed_report()


@pytest.fixture(autouse=True)
def _cache_in_a_temporary_directory(tmp_path_factory, monkeypatch):
    """The check cache of the commands run by the tests lives in a temporary directory, never in
    the working tree."""
    if "FACTCHECK_CACHE_DIR" not in __import__("os").environ:
        monkeypatch.setenv("FACTCHECK_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "check-cache"))
