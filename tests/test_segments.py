"""Segmentation that survives real pages: hard wraps, bullets, reference marks, headlines
(checker/load/segments.py).  Every sentence here is written for the test."""

import pytest

from checker.load import document_from_text

# (text, snippet around the place, offset of the place in the snippet, character of the matching view there)
ACCEPT = [
    # a hard-wrapped wire story: most long lines end mid-sentence, so their breaks run on
    ("据统计某公司今年在全球市场全年出\n货80万台,较上年增长百分之十五左右,超过市\n场此前的预期,分析师认为这一趋势\n将持续到明年年底。\n",
     "出\n货", 1, " "),
    # one paragraph per line: a line ending in 。 always ends the sentence
    ("甲公司今年出货量为80万台,同比增长约百分之十五左右。\n乙公司今年的出货量为60万台,同比增长约百分之十左右。\n"
     "丙公司今年的出货量为40万台,同比增长约百分之五左右。\n", "。\n乙", 1, "\n"),
    # list items are sentences, reference marks are blanked, table cells are clauses, a range's dash stays
    ("要点 - 营收120亿元 [2][4] - 净利润30亿元\n", " - 营收", 1, "\n"),
    ("| 甲公司 | 120亿元 |\n", "司 | 1", 2, ","),
    ("要点 - 营收120亿元 [2][4] - 净利润30亿元\n", "[2]", 0, " "),
    ("价格为3 - 5万元之间\n", "3 - 5", 2, "-"),
    # a headline: the space between two clauses, and a "!" inside it
    ("甲公司份额跌至10% 乙公司重回第一\n", "% 乙", 1, ","),
    ("甲公司份额大跌!乙公司重回第一\n", "跌!乙", 1, ","),
    # not a break: a space before a number inside a sentence, a name's middle dot
    ("该季度收入为 21 亿欧元,占比为27%。\n", "为 21", 1, " "),
    ("山姆·奥特曼表示将筹资。\n", "姆·奥", 1, "·"),
    # pinyin a reposting site inserted: the character moves next to the rest of its word
    ("市场研究機(jī)構(gòu)Canalys報(bào)告顯示,出货量下降。\n", "(bào)告", 4, "报"),
    # old Mac line ends are line breaks
    ("第一行。\r第二行。\r", "。\r第", 1, "\n"),
]


@pytest.mark.parametrize("text,snippet,offset,expected", ACCEPT, ids=[repr(a[1]) for a in ACCEPT])
def test_segmentation_marks(text, snippet, offset, expected):
    doc = document_from_text(text, "a.txt")
    at = doc.text.index(snippet) + offset
    assert doc.norm[at] == expected
    assert len(doc.norm) == len(doc.text)


def test_small_form_full_stop_is_a_decimal_point():
    from checker.extract import extract

    doc = document_from_text("出货量增长7﹒8%至2﹒894億部。", "a.txt")
    assert [m.quantity.low for m in extract(doc)] == [__import__("decimal").Decimal("7.8"),
                                                       __import__("decimal").Decimal("289400000")]
