"""Loading articles: decoding, the matching view, Markdown regions, positions, dates, paths.

Real text throughout: the seed articles and sentences from them, written to disk in
the encodings newsrooms actually use.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import sys
from pathlib import Path

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.errors import UsageError
from checker.load import (
    decode_bytes,
    display_path_of,
    document_from_text,
    iter_paths,
    load_documents,
    normalize,
    read_document,
    to_simplified,
)
from checker.model import Document

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
TRADITIONAL = {"002", "003"}


def seed(article: str) -> str:
    (path,) = [p for p in SEEDS if p.name.startswith(article + "_")]
    return path.read_text(encoding="utf-8")


def seed_line(article: str, quote: str) -> str:
    """The whole line of a seed article that contains ``quote``."""
    (line,) = [line for line in seed(article).splitlines() if quote in line]
    return line


# Sentences quoted by the acceptance file, each the full line it stands in.
SIMPLIFIED_LINES = [
    seed_line("000", "英伟达在数据中心AI 市场拥有 98% 的市场份额"),
    seed_line("001", "GPT-5可能需要3万-5万张英伟达H100芯片"),
    seed_line("004", "GPT4则要2.5万张A100"),
]
TRADITIONAL_LINES = [
    seed_line("002", "英偉達在全球人工智能處理器市場的份額高達80%以上"),
    seed_line("003", "10萬張(指英偉達H100 GPU)算力集羣"),
    seed_line("002", "35萬塊英偉達H100芯片"),
]


# --- decoding -------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le",
                                      "utf-16-be", "utf-32"])
@pytest.mark.parametrize("line", SIMPLIFIED_LINES + TRADITIONAL_LINES)
def test_each_encoding_round_trips_a_seed_sentence(tmp_path, encoding, line):
    """A seed sentence written in any of the encodings newsrooms use reads back as the same text.
    (utf-16/utf-32 write a BOM; utf-16-le/-be have none and are recognised by their NUL pattern.)"""
    path = tmp_path / "article.txt"
    path.write_bytes((line + "\n").encode(encoding))
    doc = read_document(path)
    assert doc.text == line + "\n"
    assert len(doc.norm) == len(doc.text)


@pytest.mark.parametrize("line", TRADITIONAL_LINES[:2])
def test_traditional_sentence_in_big5_hkscs(tmp_path, line):
    """The Traditional seeds write 着 and 羣, which plain Big5 lacks and Big5-HKSCS has."""
    path = tmp_path / "article.txt"
    path.write_bytes(line.encode("big5hkscs"))
    doc = read_document(path)
    assert doc.text == line
    assert doc.encoding == "big5hkscs"
    assert doc.variant == "hant"


def _big5_copy(article: str) -> str:
    """A seed as a Taiwanese newsroom would write it (Taiwan standard characters, so it fits Big5)."""
    config = "t2tw" if article in TRADITIONAL else "s2tw"
    text = opencc.OpenCC(config).convert(seed(article))
    return "".join(ch for ch in text if ch.encode("cp950", "ignore"))  # one stray symbol in 004


@pytest.mark.parametrize("article", ["000", "001", "002", "003", "004"])
def test_whole_seed_in_gb18030_and_big5(tmp_path, article):
    """GBK and Big5 are both double-byte: the wrong one often decodes without error, so the
    loader must pick by content.  Every seed, Simplified and Traditional, in both."""
    text = seed(article)
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(text.encode("gb18030"))
    doc = read_document(gbk)
    assert (doc.text, doc.encoding) == (text, "gb18030")

    big5_text = _big5_copy(article)
    big5 = tmp_path / "big5.txt"
    big5.write_bytes(big5_text.encode("cp950"))
    doc = read_document(big5)
    assert doc.text == big5_text
    assert doc.encoding in ("cp950", "big5hkscs")
    assert doc.variant == "hant"


def test_every_seed_line_decodes_to_itself_in_gbk_and_big5():
    """The measurement behind the encoding choice, kept as a test: every non-ASCII line of
    every seed, Simplified and in Traditional (OpenCC s2tw), encoded in GB18030 and in
    Big5, decodes back to itself.  Short lines are the hard case."""
    s2tw = opencc.OpenCC("s2tw")
    wrong = []
    total = 0
    for path in SEEDS:
        text = path.read_text(encoding="utf-8")
        for version in (text, s2tw.convert(text)):
            for line in version.splitlines():
                for codec in ("gb18030", "cp950"):
                    try:
                        data = line.encode(codec)
                    except UnicodeEncodeError:
                        continue
                    if data.isascii():
                        continue
                    total += 1
                    decoded, _ = decode_bytes(data)
                    if decoded != line:
                        wrong.append((path.name, codec, line[:30]))
    assert total > 900
    assert not wrong


def test_utf8_bom_is_not_part_of_the_text(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes("\ufeff英伟达占98%".encode("utf-8"))
    doc = read_document(path)
    assert doc.text == "英伟达占98%"
    assert doc.position(doc.text.index("98")) == (1, 5)


# --- the matching view ----------------------------------------------------------------


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_seed_matching_view_keeps_length_and_variant(path):
    doc = document_from_text(path.read_text(encoding="utf-8"), path.name)
    assert len(doc.norm) == len(doc.text)
    assert doc.variant == ("hant" if path.name[:3] in TRADITIONAL else "hans")
    # No URL in the seeds' prose is lost: every digit the text has outside URLs is in norm.
    assert doc.norm.count("\n") == doc.text.count("\n")


def test_traditional_is_folded_to_simplified_at_the_same_offsets():
    text = seed("002")
    doc = document_from_text(text, "002.txt")
    quote = "英偉達在全球人工智能處理器市場的份額高達80%以上"
    start = text.index(quote)
    assert doc.norm[start:start + len(quote)] == "英伟达在全球人工智能处理器市场的份额高达80%以上"


def test_fullwidth_digits_and_punctuation_fold_one_for_one():
    text = "市场份额为９８％，约合人民币５０．２６万亿元"
    assert normalize(text) == "市场份额为98%,约合人民币50.26万亿元"


def test_to_simplified_keeps_length_even_where_a_phrase_would_not():
    """OpenCC converts some phrases to a different length; the view must not shift."""
    text = seed("003")
    assert len(to_simplified(text)) == len(text)


def test_plain_text_blanks_only_urls():
    text = "详见https://example.com/2024/02/11/7-trillion。`代码 123` 占98%。\n<!-- 55 -->"
    doc = document_from_text(text, "a.txt")
    assert "2024" not in doc.norm and "7-trillion" not in doc.norm
    assert doc.norm.startswith("详见 ")
    assert "。`代码 123` 占98%。\n<!-- 55 -->" in doc.norm


MARKDOWN = """\
---
title: 奥特曼的7万亿美元
tags: [芯片, 2023]
date: 2024-02-11
---
# 英伟达在数据中心AI市场拥有98%的市场份额

据富国银行,`market_share = 0.98` 的说法见[报告第12页](https://example.com/report-2024.pdf "p. 12")。
![图表 3](images/chart-77.png)
<!-- 编者注:核对 4444 -->
原文<https://example.com/5555>,另见 https://example.com/6666 。

    def gpus(): return 8888

```python
price = 25000
```

~~~
35万 x 2.5万 = 9999
~~~

[ref]: https://example.com/1111 "2222"
<img src="photo.png" width="3333"> 占比<5%
"""


def test_markdown_regions_are_blanked_and_prose_is_not():
    doc = document_from_text(MARKDOWN, "article.md")
    assert len(doc.norm) == len(doc.text)
    assert doc.norm.count("\n") == doc.text.count("\n")
    hidden = ["7万亿", "2023", "0.98", "2024.pdf", "p. 12", "chart-77", "4444", "5555", "6666", "8888",
              "25000", "9999", "1111", "2222", "3333"]
    for number in hidden:
        assert number not in doc.norm, number
    # The prose, the link text and the image's alt text are untouched, at their offsets.
    for prose in ["# 英伟达在数据中心AI市场拥有98%的市场份额", "据富国银行,", "[报告第12页]", "![图表 3]",
                  "原文", ",另见 ", "占比<5%"]:
        start = doc.text.index(prose)
        assert doc.norm[start:start + len(prose)] == prose, prose


def test_markdown_with_crlf_and_lone_cr_line_ends():
    text = MARKDOWN.replace("\n", "\r\n")
    doc = document_from_text(text, "article.md")
    assert len(doc.norm) == len(text)
    assert "9999" not in doc.norm and "8888" not in doc.norm and "0.98" not in doc.norm
    start = text.index("98%")
    assert doc.norm[start:start + 3] == "98%"
    assert doc.position(start) == (6, doc.line_text(6).index("98%") + 1)
    old_mac = "第一行\r```\r代码 777\r```\r英伟达占98%\r"
    doc = document_from_text(old_mac, "a.md")
    assert "777" not in doc.norm
    assert doc.position(old_mac.index("98%")) == (5, 5)


def test_unclosed_fence_runs_to_the_end_as_commonmark_renders_it():
    text = "占98%\n```\n代码 77\n后文 66\n"
    doc = document_from_text(text, "a.md")
    assert "98%" in doc.norm and "77" not in doc.norm and "66" not in doc.norm


@pytest.mark.issue(13)
def test_an_indented_code_block_is_code_whatever_its_language():
    """In Markdown a block indented by four spaces after a blank line is code (CommonMark), even
    when it quotes Chinese text: every viewer shows it as code, so its numbers are not scanned.
    Prose indented with full-width spaces is prose, and a .txt file is not Markdown."""
    text = "标题\n\n    示例：英伟达在全球AI芯片市场中控制了超过80%的份额。\n\n    x = 4096\n"
    doc = document_from_text(text, "a.md")
    assert "80%" not in doc.norm and "4096" not in doc.norm
    assert "80%" in document_from_text(text, "a.txt").norm
    habit = "标题\n\n\u3000\u3000英伟达控制了超过80%的份额。\n"
    assert "80%" in document_from_text(habit, "a.md").norm


def test_indented_list_continuation_is_not_code():
    text = "- 第一点\n\n    continued 2048 items\n"
    doc = document_from_text(text, "a.md")
    assert "2048" in doc.norm


def test_inline_code_spans_pair_runs_of_equal_length():
    text = "用 ``a ` 12`` 与 `34` 对比 56,未闭合 ` 78"
    doc = document_from_text(text, "a.md")
    assert "12" not in doc.norm and "34" not in doc.norm
    assert "56" in doc.norm and "78" in doc.norm


def test_inline_code_does_not_span_a_blank_line():
    text = "开头 ` 11\n\n第二段 22 ` 结尾"
    doc = document_from_text(text, "a.md")
    assert "11" in doc.norm and "22" in doc.norm


def test_yaml_looking_block_that_is_not_a_mapping_is_not_front_matter():
    text = "---\n英伟达占98%\n---\n"
    doc = document_from_text(text, "a.md")
    assert "98%" in doc.norm


def test_toml_front_matter():
    text = '+++\ntitle = "x 77"\ndate = 2024-02-11\n+++\n正文 98%\n'
    doc = document_from_text(text, "a.md")
    assert "77" not in doc.norm and "98%" in doc.norm
    assert doc.date == dt.date(2024, 2, 11)


# --- positions ------------------------------------------------------------------------


def test_positions_are_code_points_on_seed_text():
    text = seed("000")
    doc = document_from_text(text, "000.txt")
    quote = "英伟达在数据中心AI 市场拥有 98% 的市场份额"
    offset = text.index(quote) + quote.index("98%")
    line, col = doc.position(offset)
    assert doc.line_text(line)[col - 1:col + 2] == "98%"
    assert text.splitlines()[line - 1] == doc.line_text(line)


# --- dates ----------------------------------------------------------------------------


@pytest.mark.parametrize("text, path, expected", [
    ("---\ndate: 2024-02-11\n---\n正文", "a.md", dt.date(2024, 2, 11)),
    ("---\ndate: 2024-02-11 08:30:00\n---\n正文", "a.md", dt.date(2024, 2, 11)),
    ("---\npublished: \"2024年2月11日\"\n---\n正文", "a.md", dt.date(2024, 2, 11)),
    ("标题\ndate: 2024-02-11\n正文", "a.txt", dt.date(2024, 2, 11)),
    ("标题\n日期：2024年2月11日\n正文", "a.txt", dt.date(2024, 2, 11)),
    ("標題\n發佈時間 2024-02-11\n正文", "a.txt", dt.date(2024, 2, 11)),
    ("標題\r發佈時間 2024-02-11\r正文", "a.txt", dt.date(2024, 2, 11)),
    ("标题\n> 发布于 ２０２４/２/１１\n正文", "a.md", dt.date(2024, 2, 11)),
    ("正文", "2024-02-11-openai-chips.md", dt.date(2024, 2, 11)),
    ("正文", "archive/20240211_altman.txt", dt.date(2024, 2, 11)),
])
def test_article_date_sources(text, path, expected):
    assert document_from_text(text, path).date == expected


def test_date_precedence_and_fallback():
    # Front matter beats a date line, which beats the file name, which beats the argument.
    fm = "---\ndate: 2024-01-01\n---\n日期:2024-02-02\n"
    assert document_from_text(fm, "2024-03-03-x.md", date="2024-04-04").date == dt.date(2024, 1, 1)
    assert document_from_text("日期:2024-02-02\n", "2024-03-03-x.md").date == dt.date(2024, 2, 2)
    assert document_from_text("正文\n", "2024-03-03-x.md", date="2024-04-04").date == dt.date(2024, 3, 3)
    assert document_from_text("正文\n", "x.md", date=dt.date(2024, 4, 4)).date == dt.date(2024, 4, 4)
    assert document_from_text("正文\n", "x.md").date is None


def test_invalid_dates_are_ignored():
    text = "---\ndate: 2024-02-30\n---\n日期:2024-13-01\n"
    assert document_from_text(text, "2024-02-31-x.md", date="2024-05-05").date == dt.date(2024, 5, 5)
    assert document_from_text("---\ndate: [1, 2]\n---\n正文", "a.md").date is None


def test_seed_names_are_not_dates():
    """Hash-like names (000_4d0a8a5e27428347.txt) hold digit runs that must not be read as dates."""
    for path in SEEDS:
        assert document_from_text("正文", path.name).date is None


def test_bad_date_argument_is_a_usage_error():
    with pytest.raises(UsageError) as info:
        document_from_text("正文", "a.md", date="11/02/2024")
    assert "YYYY-MM-DD" in str(info.value)


# --- paths ----------------------------------------------------------------------------


def _tree(root: Path, files: dict[str, str]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")


def test_iter_paths_walks_sorted_and_honours_gitignore(tmp_path):
    _tree(tmp_path, {
        ".gitignore": "drafts/\n*.tmp.md\n!keep.tmp.md\n",
        "b.md": "x", "a.txt": "x", "c.markdown": "x", "notes.rst": "x", "x.tmp.md": "x", "keep.tmp.md": "x",
        "drafts/d.md": "x",
        "sub/z.md": "x", "sub/.gitignore": "secret.md\n", "sub/secret.md": "x",
        "sub/deeper/y.txt": "x",
        ".hidden/h.md": "x", ".venv/lib/v.md": "x", ".dot.md": "x",
    })
    found = [p.relative_to(tmp_path).as_posix() for p in iter_paths([tmp_path])]
    assert found == ["a.txt", "b.md", "c.markdown", "keep.tmp.md", "sub/deeper/y.txt", "sub/z.md"]


def test_iter_paths_gitignore_above_the_walked_directory(tmp_path, monkeypatch):
    _tree(tmp_path, {".gitignore": "archive/old/\n", "archive/old/a.md": "x", "archive/new/b.md": "x"})
    (tmp_path / ".git").mkdir()
    found = [p.relative_to(tmp_path).as_posix() for p in iter_paths([tmp_path / "archive"])]
    assert found == ["archive/new/b.md"]
    monkeypatch.chdir(tmp_path / "archive")
    assert [p.as_posix() for p in iter_paths(["."])] == ["new/b.md"]
    assert [p.as_posix() for p in iter_paths(["old"])] == []


def test_iter_paths_include_exclude_and_explicit_files(tmp_path):
    _tree(tmp_path, {"a.md": "x", "b.txt": "x", "c.html": "x", "old/d.md": "x", "e.draft.md": "x"})
    rel = lambda paths: [p.relative_to(tmp_path).as_posix() for p in paths]  # noqa: E731
    assert rel(iter_paths([tmp_path], include=["*.html"])) == ["c.html"]
    assert rel(iter_paths([tmp_path], exclude=["old/", "*.draft.md"])) == ["a.md", "b.txt"]
    # A file named explicitly is taken whatever its suffix; a file given twice is read once.
    assert rel(iter_paths([tmp_path / "c.html", tmp_path, tmp_path / "a.md"])) == [
        "c.html", "a.md", "b.txt", "e.draft.md", "old/d.md"]


def test_iter_paths_yields_missing_paths_and_stdin_as_given(tmp_path):
    assert list(iter_paths(["-", str(tmp_path / "nope.md")])) == [Path("-"), tmp_path / "nope.md"]


def test_display_paths(tmp_path, monkeypatch):
    _tree(tmp_path, {"sub/a.md": "英伟达占98%\n"})
    monkeypatch.chdir(tmp_path)
    assert display_path_of(tmp_path / "sub" / "a.md") == "sub/a.md"
    assert display_path_of("sub/a.md") == "sub/a.md"
    monkeypatch.chdir(tmp_path / "sub")
    assert display_path_of("../sub/a.md") == "a.md"
    outside = tmp_path.parent / "elsewhere.md"
    assert display_path_of(outside) == str(outside).replace(os.sep, "/")
    (doc,) = load_documents([tmp_path])
    assert doc.path == "a.md"


def test_load_documents_reads_a_corpus(tmp_path, monkeypatch):
    for path in SEEDS:
        (tmp_path / path.name).write_bytes(path.read_bytes())
    monkeypatch.chdir(tmp_path)
    docs = list(load_documents(["."], date="2024-02-11"))
    assert [d.path for d in docs] == [p.name for p in SEEDS]
    assert all(isinstance(d, Document) and d.date == dt.date(2024, 2, 11) for d in docs)
    assert [d.variant for d in docs] == ["hans", "hans", "hant", "hant", "hans"]


def test_stdin(monkeypatch):
    data = opencc.OpenCC("t2tw").convert(seed_line("002", "35萬塊英偉達H100芯片")).encode("cp950")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    (doc,) = load_documents(["-"], stdin_filename="drafts/2024-02-11-meta.md")
    assert doc.path == "drafts/2024-02-11-meta.md"
    assert doc.date == dt.date(2024, 2, 11)
    assert "35萬塊" in doc.text and doc.encoding == "cp950"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"x `77`")))
    (doc,) = load_documents(["-"])
    assert doc.path == "<stdin>" and "77" in doc.norm  # not Markdown without a .md name


# --- properties -----------------------------------------------------------------------

_MARKDOWN_ALPHABET = st.sampled_from(list("`~<>![]()-+*#_:/.\\\"' \t\n\r|=") + [
    "```", "~~~", "<!--", "-->", "](", "https://", "www.", "    ", "---\n", "+++\n", "\r\n",
    "英", "偉", "達", "占", "９", "８", "％", "，", "9", "8", "%", "萬", "億", "a", "b", "\u3000", "\ufeff"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_MARKDOWN_ALPHABET, max_size=60).map("".join), st.booleans())
def test_norm_keeps_length_and_positions_map_back(text, markdown):
    doc = document_from_text(text, "a.md" if markdown else "a.txt")
    assert len(doc.norm) == len(doc.text)
    lines = re.split(r"\r\n|\r|\n", doc.text)
    assert len(doc.line_starts) == len(lines)
    for offset in range(len(doc.text) + 1):
        line, col = doc.position(offset)
        assert doc.line_starts[line - 1] + col - 1 == offset
        if offset < len(doc.text) and doc.text[offset] not in "\r\n":
            assert doc.line_text(line)[col - 1] == doc.text[offset]
    # A line break stays a line break in the matching view ("\r" of "\r\n" a space, a lone
    # "\r" a "\n"), or a space where a hard-wrapped sentence runs on; never anything else.
    for a, b in zip(doc.text, doc.norm):
        if a in "\r\n":
            assert b in "\n "


def test_taiwan_tech_vocabulary_reads_as_the_mainland_words_rules_use():
    """輝達在AI晶片市場的市佔率 matches rules written as 辉达 … AI芯片市场 … 市占率; the length is kept."""
    text = "輝達在AI晶片市場的市佔率超過八成,資料中心與人工智慧軟體"
    doc = document_from_text(text, "tw.txt")
    assert doc.norm == "辉达在AI芯片市场的市占率超过八成,数据中心与人工智能软件"
    assert len(doc.norm) == len(doc.text)


def _share_of_changes(text: str, simplified: str) -> float:
    """The variant's definition: the share of Han characters that conversion changed, every
    character of the sample counted (what ``is_traditional`` decides without counting all)."""
    from checker.load import VARIANT_SAMPLE
    from checker.load.markdown import HAN

    if len(text) > VARIANT_SAMPLE:
        quarter, step = VARIANT_SAMPLE // 4, len(text) // 4
        text = "".join(text[i * step:i * step + quarter] for i in range(4))
        simplified = "".join(simplified[i * step:i * step + quarter] for i in range(4))
    han = len(HAN.findall(text))
    return sum(map(str.__ne__, text, simplified)) / han if han else 0.0


@pytest.mark.issue(14)
@pytest.mark.parametrize("text", [
    "英伟达数据中心营收增长。" * 50,  # Simplified: unchanged by conversion
    "輝達資料中心營收成長。" * 50,  # Traditional
    "英伟达数据中心营收增长。" * 500 + "資料",  # one Traditional word in a long Simplified text
    "英伟达数据中心营收增长。" * 100 + "資料中心營收" * 3,  # near the threshold
    "「」" * 100,  # conversion changes punctuation, no Han character: not Traditional
    "輝達" * 30_000,  # longer than the sample
    "abc 123",
])
def test_variant_check_stops_early_with_the_same_answer(text):
    """The Traditional/Simplified decision that stops as soon as it is known gives the answer
    of counting every character of the sample."""
    from checker.load import HANT_SHARE, is_traditional
    from checker.text import fold_fullwidth, to_simplified

    folded = fold_fullwidth(text)
    simplified = to_simplified(folded)
    assert is_traditional(folded, simplified) == (_share_of_changes(folded, simplified) > HANT_SHARE)


@pytest.mark.issue(14)
@pytest.mark.parametrize("rel", ["a.md", "A.MD", "x/a.md", "a.md/b.py", ".md", "x/.md", "a.mdx", "a.md.bak",
                                 "b/a.md/", "x.txt/y/z.py", "a\\b.md", "notes.markdown", "c.txt", "d.rst"])
@pytest.mark.parametrize("patterns", [("*.md", "*.markdown", "*.txt"), ("*.md",), ()])
def test_suffix_globs_match_as_gitignore_globs_do(rel, patterns):
    """The default walk's suffix globs, matched without pathspec, match what pathspec matches."""
    import pathspec

    from checker.load.paths import _SuffixSpec, _spec

    spec = _spec(patterns)
    assert isinstance(spec, _SuffixSpec)
    assert spec.match_file(rel) == bool(pathspec.GitIgnoreSpec.from_lines(list(patterns)).match_file(rel))
