"""Bad input never crashes a run: each bad file becomes a LoadProblem (or an InputError
from read_document) whose message says what to do, and the run goes on with the rest."""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

import pytest

from checker.errors import InputError
from checker.load import MAX_BYTES, document_from_text, load_documents, read_document
from checker.model import Document, LoadProblem

ROOT = Path(__file__).resolve().parent.parent
SEED_000 = next((ROOT / "seeds").glob("000_*.txt"))
SEED_002 = next((ROOT / "seeds").glob("002_*.txt"))
GOOD_LINE = "事实上,英伟达在数据中心AI 市场拥有 98% 的市场份额。\n"


def _only(paths, **kwargs):
    (item,) = list(load_documents([str(p) for p in paths], **kwargs))
    return item


def _problem(path, **kwargs) -> LoadProblem:
    item = _only([path], **kwargs)
    assert isinstance(item, LoadProblem), item
    return item


def test_missing_file(tmp_path):
    problem = _problem(tmp_path / "nope.md")
    assert problem.code == "E201"
    assert "not found" in problem.message and "check the path" in problem.message
    with pytest.raises(InputError) as info:
        read_document(tmp_path / "nope.md")
    assert info.value.code == "E201"


def test_undecodable_file_names_the_fix(tmp_path):
    path = tmp_path / "garbage.txt"
    path.write_bytes(bytes(range(0x80, 0x100)) * 8)
    problem = _problem(path)
    assert problem.code == "E202"
    assert "iconv" in problem.message and "-t UTF-8" in problem.message


def test_utf8_with_a_damaged_byte_names_the_line(tmp_path):
    """A UTF-8 article with one bad byte is not re-read as GBK: the message points at the byte."""
    path = tmp_path / "damaged.md"
    path.write_bytes(GOOD_LINE.encode() + "英伟达".encode() + b"\xff" + "占80%\n".encode())
    problem = _problem(path)
    assert problem.code == "E202"
    assert "line 2, column 4" in problem.message
    assert "iconv -c -f UTF-8 -t UTF-8" in problem.message


def test_broken_utf16_bom_file(tmp_path):
    path = tmp_path / "a.txt"
    path.write_bytes(GOOD_LINE.encode("utf-16") + b"\xd8")  # odd length after the BOM
    problem = _problem(path)
    assert problem.code == "E202" and "UTF-16" in problem.message


def test_binary_file(tmp_path):
    path = tmp_path / "seed.txt.gz"
    path.write_bytes(gzip.compress(SEED_000.read_bytes()))
    problem = _problem(path)
    assert problem.code == "E203"
    assert "binary" in problem.message and ".gitignore" in problem.message


def test_binary_file_with_a_text_suffix_in_a_directory(tmp_path):
    """A directory entry that is not text is reported; the good article beside it is read."""
    (tmp_path / "a.md").write_text(GOOD_LINE, encoding="utf-8")
    (tmp_path / "b.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    items = list(load_documents([str(tmp_path)]))
    assert isinstance(items[0], Document) and "98%" in items[0].norm
    assert isinstance(items[1], LoadProblem) and items[1].code == "E203"
    assert items[1].path.endswith("b.md")


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b"  \n\r\n\t\n", "\u3000\n".encode("utf-8")])
def test_empty_file(tmp_path, content):
    path = tmp_path / "empty.md"
    path.write_bytes(content)
    problem = _problem(path)
    assert problem.code == "E204" and "empty" in problem.message


def test_huge_file_is_refused_without_reading_it(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:  # sparse: the size is checked before any byte is read
        fh.truncate(MAX_BYTES + 1)
    problem = _problem(path)
    assert problem.code == "E205"
    assert "50 MB" in problem.message and "FACTCHECK_MAX_FILE_MB" in problem.message


def test_size_limit_can_be_lowered(tmp_path, monkeypatch):
    path = tmp_path / "seed.txt"
    path.write_bytes(SEED_000.read_bytes())
    assert _problem(path, max_bytes=1000).code == "E205"
    monkeypatch.setenv("FACTCHECK_MAX_FILE_MB", "0.001")
    assert _problem(path).code == "E205"
    monkeypatch.setenv("FACTCHECK_MAX_FILE_MB", "1")
    assert isinstance(_only([path]), Document)


def test_directory_where_a_file_is_expected(tmp_path):
    with pytest.raises(InputError) as info:
        read_document(tmp_path)
    assert info.value.code == "E201" and "is a directory" in str(info.value)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file(tmp_path):
    path = tmp_path / "secret.md"
    path.write_text(GOOD_LINE, encoding="utf-8")
    path.chmod(0)
    problem = _problem(path)
    assert problem.code == "E201" and "permission" in problem.message


def test_run_goes_on_after_each_bad_file(tmp_path):
    (tmp_path / "a-missing.md").symlink_to(tmp_path / "nowhere.md")  # broken link: reported by the walk
    (tmp_path / "b-empty.md").write_bytes(b"")
    (tmp_path / "c-good.md").write_bytes(SEED_002.read_bytes())
    (tmp_path / "d-binary.txt").write_bytes(bytes(range(256)))
    items = list(load_documents([str(tmp_path), str(tmp_path / "x-missing.md")]))
    kinds = [(type(item).__name__, Path(item.path).name, getattr(item, "code", None)) for item in items]
    assert kinds == [("LoadProblem", "a-missing.md", "E201"),
                     ("LoadProblem", "b-empty.md", "E204"), ("Document", "c-good.md", None),
                     ("LoadProblem", "d-binary.txt", "E203"), ("LoadProblem", "x-missing.md", "E201")]


# --- text that is valid but hostile ------------------------------------------------------

MEGABYTE = 1_000_000
LONG_LINES = {
    "prose": (GOOD_LINE.strip() * 40_000)[:MEGABYTE],
    "unpaired backticks": ("`英伟达98%``" * 100_000)[:MEGABYTE],
    "unclosed links": ("[报告](https://x.com/98 " * 50_000)[:MEGABYTE],
    "tag openers": ("<a 占比<5% " * 100_000)[:MEGABYTE],
    "comment openers": ("<!-- 98% " * 120_000)[:MEGABYTE],
    "one long url": "https://example.com/" + "a1" * (MEGABYTE // 2),
    "www runs": ("www.98" * 200_000)[:MEGABYTE],
    "fences": ("```\n98%\n" * 130_000)[:MEGABYTE],
}


@pytest.mark.parametrize("kind", LONG_LINES)
@pytest.mark.parametrize("suffix", [".md", ".txt"])
def test_megabyte_lines(tmp_path, kind, suffix):
    """Lines of a megabyte, including Markdown punctuation that never closes, are read
    (linear-time passes: a quadratic one would make this suite time out)."""
    text = LONG_LINES[kind]
    path = tmp_path / ("long" + suffix)
    path.write_text(text, encoding="utf-8")
    doc = read_document(path)
    assert doc.text == text and len(doc.norm) == len(text)
    last = len(text.rstrip("\n")) - 1
    line, col = doc.position(last)
    assert doc.line_text(line)[col - 1] == text[last]


@pytest.mark.parametrize("text, kept, hidden", [
    ("正文 98%\n```python\nx = 77\n", "98%", "77"),  # unclosed fence: code to the end
    ("正文 98%\n<!-- 注释 77\n后文 66\n", "66", None),  # unclosed comment: still scanned
    ("正文 `98%\n\n后文 66`\n", "66", None),  # code span cannot cross a blank line
    ("见[报告](https://x.com/77 \n后文 66\n", "66", "77"),  # unclosed link target, URL still blanked
    ("---\ntitle: [未闭合\n---\n正文 98%\n", "98%", None),  # front matter that is not YAML
    ("---\ndate: 2024-02-11\n正文 98%\n", "98%", None),  # front matter never closed
    ("~~~~\n77\n~~~\n66\n", None, "66"),  # a shorter fence does not close a longer one
    ("> ```\n> 98%\n", "98%", None),  # fence inside a quote: not handled, so scanned
    ("***\n---\n+++\n98%\n", "98%", None),
    ("如 <a\n> 引用 98%\n", "98%", None),  # a stray "<a" is not a tag reaching the next ">"
])
def test_broken_markdown(text, kept, hidden):
    doc = document_from_text(text, "broken.md")
    assert len(doc.norm) == len(text)
    if kept:
        assert kept in doc.norm
    if hidden:
        assert hidden not in doc.norm


def test_yaml_front_matter_with_aliases_and_odd_types():
    """safe_load only; an alias bomb stays lazy, odd values give no date, nothing raises."""
    bomb = "---\na: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\ndate: !!python/object:os.system x\n---\n98%"
    doc = document_from_text(bomb, "a.md")
    assert doc.date is None and "98%" in doc.norm


# --- the command line ------------------------------------------------------------------

needs_extract = pytest.mark.skipif(not (ROOT / "checker" / "commands" / "extract.py").exists(),
                                   reason="factcheck extract is not written yet")


@needs_extract
def test_cli_reports_each_bad_file_and_lists_the_good_one(tmp_path, monkeypatch, capsys):
    from checker.cli import main

    (tmp_path / "good.md").write_text(GOOD_LINE, encoding="utf-8")
    (tmp_path / "empty.md").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(gzip.compress(b"x" * 100))
    (tmp_path / "latin.txt").write_bytes(bytes(range(0x80, 0x100)) * 4)
    monkeypatch.chdir(tmp_path)
    code = main(["extract", "--format", "json", "--no-progress", "."])
    out, err = capsys.readouterr()
    assert code == 0
    mentions = json.loads(out)["mentions"]
    assert {m["path"] for m in mentions} == {"good.md"}
    assert any(m["text"] == "98%" for m in mentions)
    lines = [line for line in err.splitlines() if line.strip()]
    for name, hint in [("empty.md", "E204"), ("binary.txt", "E203"), ("latin.txt", "iconv")]:
        (line,) = [line for line in lines if name in line]
        assert hint in line


@needs_extract
def test_cli_with_only_bad_files_exits_2(tmp_path, monkeypatch, capsys):
    from checker.cli import main

    (tmp_path / "empty.md").write_bytes(b"")
    monkeypatch.chdir(tmp_path)
    code = main(["extract", "--format", "json", "--no-progress", "empty.md", "missing.md"])
    _, err = capsys.readouterr()
    assert code == 2
    assert "empty.md" in err and "missing.md" in err
