"""checker.extract: acceptance tables (one behaviour per row) and checks over the seed articles."""

from __future__ import annotations

import json
import re
from decimal import Decimal as D
from pathlib import Path

import pytest

from checker.extract import extract, parse_quantity
from checker.load import document_from_text
from checker.amounts import value_text
from checker.render.mentions import render_mentions

SEEDS = sorted((Path(__file__).resolve().parents[1] / "seeds").glob("*.txt"))

# (text, low, high, bound, unit, classifier)
ACCEPT = [
    # full-width forms
    ("１２３家", "123", "123", "exact", "count", "家"),
    ("９８％", "98", "98", "exact", "percent", None),
    ("１．５亿美元", "150000000", "150000000", "exact", "USD", None),
    # Chinese numerals and mixed forms
    ("一千零五十亿元", "105000000000", "105000000000", "exact", "CNY", None),
    ("十六点四亿美元", "1640000000", "1640000000", "exact", "USD", None),
    ("两千亿", "200000000000", "200000000000", "exact", "number", None),
    ("3千亿美元", "300000000000", "300000000000", "exact", "USD", None),
    ("2.5个亿", "250000000", "250000000", "exact", "number", None),
    ("1 万亿美元", "1000000000000", "1000000000000", "exact", "USD", None),
    # 兆 in both senses
    ("三兆元", "3000000000000", "3000000000000", "exact", "CNY", None),
    ("5兆瓦", "5", "5", "exact", "MW", None),
    ("100兆赫", "100", "100", "exact", "MHz", None),
    # ranges: the connector carries the multiplier and unit back
    ("2.5万-3万美元", "25000", "30000", "exact", "USD", None),
    ("25000到30000美元", "25000", "30000", "exact", "USD", None),
    ("80亿至100亿美元", "8000000000", "10000000000", "exact", "USD", None),
    ("3～5亿美元", "300000000", "500000000", "exact", "USD", None),
    ("1.4-1.9倍", "1.4", "1.9", "exact", "times", None),
    ("30%-40%", "30", "40", "exact", "percent", None),
    ("五六百万", "5000000", "6000000", "approx", "number", None),
    ("三四十万人", "300000", "400000", "approx", "count", "人"),
    ("多达5万亿-7万亿美元", "5000000000000", "7000000000000", "le", "USD", None),
    ("3—6個月", "3", "6", "exact", "count", "個月"),
    # currencies before and after
    ("约合人民币50.26万亿元", "50260000000000", "50260000000000", "approx", "CNY", None),
    ("新台币100亿元", "10000000000", "10000000000", "exact", "TWD", None),
    ("50亿港元", "5000000000", "5000000000", "exact", "HKD", None),
    ("3亿欧元", "300000000", "300000000", "exact", "EUR", None),
    ("100亿日元", "10000000000", "10000000000", "exact", "JPY", None),
    ("$25,000", "25000", "25000", "exact", "USD", None),
    ("¥100", "100", "100", "exact", "CNY", None),
    ("4美分", "0.04", "0.04", "exact", "USD", None),
    # 块 after chips is a measure word, never 元
    ("2.5万块英伟达A100芯片", "25000", "25000", "exact", "count", "块"),
    ("2萬塊H100", "20000", "20000", "exact", "count", "塊"),
    # hedges
    ("约0.04美元", "0.04", "0.04", "approx", "USD", None),
    ("大约为4美分", "0.04", "0.04", "approx", "USD", None),
    ("接近900亿美元", "90000000000", "90000000000", "approx", "USD", None),
    ("100亿美元左右", "10000000000", "10000000000", "approx", "USD", None),
    ("超过80%", "80", None, "gt", "percent", None),
    ("逾100家", "100", None, "gt", "count", "家"),
    ("80%以上", "80", None, "ge", "percent", None),
    ("至少90%", "90", None, "ge", "percent", None),
    ("不到1%", None, "1", "lt", "percent", None),
    ("5000美元以下", None, "5000", "le", "USD", None),
    ("高达457亿美元", "45700000000", "45700000000", "exact", "USD", None),
    ("13倍以上", "13", None, "ge", "times", None),
    ("超过2倍", "2", None, "gt", "times", None),
    ("2年多", "2", None, "gt", "count", "年"),
    # vague amounts
    ("数十亿美元", "1000000000", "10000000000", "approx", "USD", None),
    ("100多亿元", "10000000000", "20000000000", "approx", "CNY", None),
    ("上千亿元", "100000000000", "1000000000000", "approx", "CNY", None),
    ("十几亿", "1100000000", "2000000000", "approx", "number", None),
    ("百億資金", "10000000000", "10000000000", "approx", "number", None),
    # ratios
    ("百分之九十八", "98", "98", "exact", "percent", None),
    ("四分之一", "25", "25", "exact", "percent", None),
    ("九成", "90", "90", "exact", "percent", None),
    ("3个百分点", "3", "3", "exact", "pp", None),
    ("十倍", "10", "10", "exact", "times", None),
    # physical units; a bare magnitude
    ("80GB", "80", "80", "exact", "GB", None),
    ("700W", "700", "700", "exact", "W", None),
    ("年薪90万", "900000", "900000", "exact", "number", None),
    # counts
    ("两个", "2", "2", "exact", "count", "个"),
    ("三家", "3", "3", "exact", "count", "家"),
    ("18家", "18", "18", "exact", "count", "家"),
]


def _d(x):
    return None if x is None else D(x)


@pytest.mark.parametrize("text,low,high,bound,unit,classifier", ACCEPT, ids=[a[0] for a in ACCEPT])
def test_acceptance(text, low, high, bound, unit, classifier):
    """Each written form is read with its value, bound, unit and measure word."""
    q = parse_quantity(text)
    assert q is not None, text
    assert (q.low, q.high, q.bound, q.unit, q.classifier) == (_d(low), _d(high), bound, unit, classifier)


def test_third_is_exact_enough():
    """三分之一 is 100/3 percent to the full Decimal precision."""
    q = parse_quantity("三分之一")
    assert abs(q.low - D(100) / D(3)) < D("1e-20")


def test_rate_after_slash():
    """A rate after a slash is kept as ``per``: 300万美元/天, 3000万美元/一年."""
    assert parse_quantity("约为300万美元/天").per == "天"
    assert parse_quantity("不到3000万美元/一年").per == "一年"


def test_step_is_place_of_last_digit():
    """7万亿 -> 1e12, 7.153万亿 -> 1e9, 2.5万-3万 -> 1000, 98% -> 1."""
    assert parse_quantity("7万亿美元").step == D("1e12")
    assert parse_quantity("7.153万亿美元").step == D("1e9")
    assert parse_quantity("2.5万-3万美元").step == D(1000)
    assert parse_quantity("98%").step == D(1)


NOT_AMOUNTS = [
    "2024年", "2019 年", "2月11日", "2023年10月", "2026年底", "10月份", "8月", "9月中旬", "2024財年",
    "2025年下半年", "2014至2019年", "Q3", "2024年3月5日", "H100芯片", "A100", "V100", "GPT-4", "GPT4",
    "GPT3.5", "GPT-5", "GPT-4o", "Maia 100", "TPU v5p", "TPU v4", "MI300X", "A4/A5", "WSE-2", "K8", "G42基金",
    "Figure02", "1X Technologies", "RISC-V", "3G", "MP3", "PM2.5", "第二代", "第三大", "1. 实现", "10:30",
    "010-12345678", "https://example.com/2024/10", "版本3.5.1", "5nm制程", "5nm工艺", "7纳米工艺",
    "一个星期", "一家公司", "一颗芯片", "一成不变", "万一", "零一万物", "百家争鸣", "千万不要", "几家公司", "数据",
    "统一", "十分重要", "三星电子", "最近", "Meta",
]


@pytest.mark.parametrize("text", NOT_AMOUNTS)
def test_not_amounts(text):
    """Dates, years, model names, ordinals, list numbers, times, versions, process nodes and the
    article 一 are never amounts."""
    doc = document_from_text(f"据报道,{text},市场有变。", "t.txt")
    assert extract(doc) == [], [(m.text, m.quantity) for m in extract(doc)]


def test_hedge_must_be_attached():
    """In 大约需要2.5万块 the hedge is not attached to the number: it is exact."""
    doc = document_from_text("ChatGPT训练一次大约需要2.5万块英伟达A100芯片。", "t.txt")
    (m,) = extract(doc)
    assert m.text == "2.5万块" and m.quantity.bound == "exact"


def test_hyphen_in_model_name_is_not_a_range():
    """GPT-5可能需要3万-5万张: one range, and GPT-5 is no amount."""
    doc = document_from_text("GPT-5可能需要3万-5万张英伟达H100芯片。", "t.txt")
    (m,) = extract(doc)
    assert m.text == "3万-5万张"
    assert (m.quantity.low, m.quantity.high) == (D(30000), D(50000))


def test_positions_are_line_and_column():
    """line/col are 1-based code points and text is the original (Traditional) text."""
    doc = document_from_text("第一行\n價格超過4萬美元。", "t.txt")
    (m,) = extract(doc)
    assert (m.line, m.col, m.text) == (2, 3, "超過4萬美元")
    assert doc.text[m.start:m.end] == m.text


# --- over the seed articles ---------------------------------------------------------

YEAR_UNIT = re.compile(r"\d{4}\s?年")
MODEL_NAMES = ["H100", "A100", "V100", "GPT-4", "GPT-5", "GPT4", "GPT3.5", "Maia 100", "MI300X", "WSE-2", "G42",
               "TPU v5p", "TPU v4", "Figure02", "K8", "A4/A5", "H800", "A800"]


@pytest.fixture(scope="module")
def seed_mentions():
    out = []
    for path in SEEDS:
        doc = document_from_text(path.read_text(encoding="utf-8"), path.name)
        out.append((doc, extract(doc)))
    return out


def test_seeds_have_no_dates_or_model_names(seed_mentions):
    """No mention in the seeds contains a year, and none overlaps a model name."""
    for doc, mentions in seed_mentions:
        for m in mentions:
            assert not YEAR_UNIT.search(m.text), (doc.path, m.text)
        for name in MODEL_NAMES:
            for hit in re.finditer(re.escape(name), doc.text):
                overlapping = [m.text for m in mentions if m.start < hit.end() and m.end > hit.start()]
                assert not overlapping, (doc.path, name, overlapping)


def test_seed_mentions_are_well_formed(seed_mentions):
    """Spans point into the text, are sorted and do not overlap."""
    for doc, mentions in seed_mentions:
        last = 0
        for m in mentions:
            assert doc.text[m.start:m.end] == m.text and m.start < m.end
            assert m.start >= last
            last = m.end
            assert doc.position(m.start) == (m.line, m.col)


def test_seeds_list_every_gold_amount(seed_mentions):
    """Every amount of the seed that repeats the 7万亿美元 story is found in the seed articles."""
    texts = {m.text for _, mentions in seed_mentions for m in mentions}
    for expected in ["7万亿美元", "约合人民币50.26万亿元", "2.5万-3万美元", "多达5万亿-7万亿美元", "數十億美元",
                     "80億至100億美元", "25000到30000美元", "3—6個月", "约为300万美元/天", "7.153万亿美元",
                     "1.4-1.9倍", "大约为4美分", "3万-5万张", "高達1570億美元"]:
        assert expected in texts, expected


def test_seed_count_is_stable(seed_mentions):
    """A guard against silent regressions: the seeds hold this many quantities."""
    counts = [len(m) for _, m in seed_mentions]
    assert sum(counts) >= 150, counts


# --- rendering ------------------------------------------------------------------------


def test_json_contract(seed_mentions):
    """--format json: version 1, one entry per quantity with the contract's keys, numbers as numbers."""
    import io

    out = io.StringIO()
    render_mentions(seed_mentions[:1], "json", out)
    data = json.loads(out.getvalue())
    assert data["version"] == 1
    keys = {"path", "line", "col", "start", "end", "text", "low", "high", "bound", "unit", "classifier"}
    assert all(set(e) == keys for e in data["mentions"])
    first = next(e for e in data["mentions"] if e["text"] == "2.5万-3万美元")
    assert (first["low"], first["high"], first["unit"]) == (25000, 30000, "USD")
    gt = next(e for e in data["mentions"] if e["text"] == "超过80亿美元")
    assert gt["high"] is None and gt["bound"] == "gt"


def test_plain_lines(seed_mentions):
    """--format plain: path:line:col: text -> value (bound, unit[, classifier])."""
    import io

    out = io.StringIO()
    render_mentions(seed_mentions[:1], "plain", out)
    lines = out.getvalue().splitlines()
    assert "000_4d0a8a5e27428347.txt:22:15: 2.5万-3万美元 -> 2.5万–3万美元 (exact, USD)" in lines
    assert any(line.endswith("约0.04美元 -> ≈ 0.04美元 (approx, USD)") for line in lines)


def test_value_text():
    """extract shows values the way check does."""
    assert value_text(parse_quantity("超过80%")) == "> 80%"
    assert value_text(parse_quantity("不到1%")) == "< 1%"
    assert value_text(parse_quantity("三分之一")) == "33.333%"


def test_extract_command(tmp_path, capsys):
    """factcheck extract: a missing file is reported on stderr and the run goes on; no readable input is E206."""
    from checker.cli import main

    article = tmp_path / "a.txt"
    article.write_text("价格超过4万美元。", encoding="utf-8")
    # a PATH named that does not exist fails the run (exit 2), after the others are listed
    assert main(["extract", "--format", "json", str(tmp_path / "missing.txt"), str(article)]) == 2
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert [e["text"] for e in data["mentions"]] == ["超过4万美元"]
    assert "missing.txt" in captured.err
    assert main(["extract", str(tmp_path / "missing.txt")]) == 2
    assert "E206" in capsys.readouterr().err


@pytest.mark.parametrize("text, expected", [
    # a connector between two different units joins two quantities, not a range
    ("同比下降0.5个百分点至12.3%。", [("0.5个百分点", "0.5", "0.5", "pp"), ("12.3%", "12.3", "12.3", "percent")]),
    ("毛利率提升2个百分点至45%", [("2个百分点", "2", "2", "pp"), ("45%", "45", "45", "percent")]),
    ("增长20%至30亿元", [("20%", "20", "20", "percent"), ("30亿元", "3000000000", "3000000000", "CNY")]),
    ("价格从3万美元至5亿元不等", [("3万美元", "30000", "30000", "USD"), ("5亿元", "500000000", "500000000", "CNY")]),
    ("3万美元至5万美元", [("3万美元至5万美元", "30000", "50000", "USD")]),
    # basis points are hundredths of a percentage point
    ("上涨了20个基点", [("20个基点", "0.2", "0.2", "pp")]),
    # the denominator of a rate is not an amount: the price is kept per token
    ("GPT-4o的API价格为每百万token 5美元。", [("5美元", "0.000005", "0.000005", "USD")]),
])
def test_connector_between_different_units_gives_two_quantities(text, expected):
    got = [(m.text, str(m.quantity.low), str(m.quantity.high), m.quantity.unit)
           for m in extract(document_from_text(text, "x.txt"))]
    assert got == expected


def test_a_digit_run_too_long_for_an_amount_is_not_one():
    """Found by fuzzing the whole check: 43 digits before 万亿 overflowed the decimal context.
    Such a run is an identifier or noise, never an amount; ordinary large amounts stay."""
    doc = document_from_text("8852449779493057204718265912004458692614425万亿美元,另有3万亿美元。", "x.txt")
    assert [m.text for m in extract(doc)] == ["3万亿美元"]


@pytest.mark.parametrize("text, expected", [
    ("其估值在一年内翻了两番。", ("翻了两番", "4", "4", "exact", "times")),
    ("营收翻番", ("翻番", "2", "2", "exact", "times")),
    ("价格下降了一半。", ("一半", "50", "50", "exact", "percent")),
    ("一半以上的用户", ("一半以上", "50", "None", "ge", "percent")),
    ("超过一半的员工", ("超过一半", "50", "None", "gt", "percent")),
])
def test_ratio_words_without_digits(text, expected):
    """翻番, 翻了两番, 减半, 一半: ratios stated in words, with hedges read as around a number."""
    (m,) = extract(document_from_text(text, "x.txt"))
    q = m.quantity
    assert (m.text, str(q.low), str(q.high), q.bound, q.unit) == expected
