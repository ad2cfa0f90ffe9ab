"""Hostile names and text: a corpus whose file names and article text hold newlines, ESC
sequences, rich markup (``[/]``), bidi controls, Markdown/HTML syntax and bytes that are not
UTF-8 goes through every command and every format with no crash and no injection.  Each
output is checked for raw control characters and for syntax that escaped its escaping."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from checker.cli import main
from checker.display import display, github_data, json_string, markdown, sarif_text, terminal

pytestmark = pytest.mark.issue(17)

#: What no output may hold raw: C0 controls but the line break, DEL, C1, bidi controls,
#: line and paragraph separators, lone surrogates (undecodable bytes).
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                    "\ud800-\udfff]")
#: Colour, the only escape sequence the rich format may write (and only when asked for colour).
SGR = re.compile(r"\x1b\[[0-9;]*m")

HOSTILE_TEXT = ("英伟达在数据中心AI市场拥有{}%的市场份额。\x1b[2J\x1bc\x07\u202e反转 [/] [bold]x[/bold] "
                "<script>alert(1)</script> |a| `c` *b* ]\n")

#: name -> share (the numbers disagree, so every format has findings to show)
NAMES = {
    "nl\n::error file=x::injected.md": 98,
    "esc\x1b[2J\x1b]0;title\x07.md": 80,
    "d[/]e.md": 70,
    "bidi\u202eabc.md": 60,
    os.fsdecode(b"bytes\xff\xfe.md"): 50,
}


@pytest.fixture()
def corpus(tmp_path, monkeypatch):
    root = tmp_path / "corpus"
    root.mkdir()
    for name, share in NAMES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(HOSTILE_TEXT.format(share), encoding="utf-8")
    (root / "broken\n::warning::x.md").write_bytes(b"\xff\xfe\x00")  # unreadable: a stderr line
    monkeypatch.chdir(tmp_path)
    return root


def run(capsysbinary, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsysbinary.readouterr()
    # bytes that are not UTF-8 in any output would fail here
    return code, captured.out.decode("utf-8"), captured.err.decode("utf-8")


def assert_clean(text: str, what: str, *, colour: bool = False) -> None:
    if colour:
        text = SGR.sub("", text)
    bad = UNSAFE.search(text)
    assert bad is None, f"{what}: raw {bad.group()!r} at {bad.start()}: {text[max(0, bad.start() - 60):bad.end() + 20]!r}"


def assert_stderr_lines(err: str) -> None:
    assert_clean(err, "stderr")
    for line in err.splitlines():
        assert line.startswith("factcheck: "), line  # no line of its own for a name or a text


FORMATS = ["plain", "rich", "markdown", "json", "sarif", "github", "junit", "rdjson"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_check_writes_every_format_clean(corpus, capsysbinary, fmt):
    code, out, err = run(capsysbinary, "check", "corpus", "--format", fmt, "--no-progress")
    assert code == 1, err
    assert_clean(out, fmt)
    assert_stderr_lines(err)
    assert "broken\\n::warning::x.md" in err
    if fmt == "plain":
        sides = [line for line in out.splitlines() if re.match(r"^corpus/.+:\d+:\d+: (\w+ )?\w+\[[\w.-]+\] ", line)]
        assert len(sides) == len(NAMES), out  # one line per side, whatever the names hold
        assert all(line in sides or re.match(r"^(\d+ articles · |$)", line) for line in out.splitlines()), out
    elif fmt == "github":
        for line in out.splitlines():
            assert re.match(r"^::(error|warning|notice) file=[^,:]+,", line), line
    elif fmt == "markdown":
        assert not re.search(r"<(?!/?b>)", out), "raw HTML from the article"
        assert "\\[/\\]" in out and "[/]" not in out.replace("\\[/\\]", "")
        assert "bytes\\\\xff\\\\xfe.md" in out  # the display form, Markdown-escaped
    elif fmt == "rich":
        assert "\x1b" not in out and "corpus/d[/]e.md" in out  # text, never markup
    elif fmt == "json":
        data = json.loads(out)
        paths = {c["path"] for f in data["findings"] for c in f["claims"]}
        assert all(Path(p).exists() for p in paths), paths  # the real path, exactly
        assert os.fsdecode(b"corpus/bytes\xff\xfe.md") in paths
    elif fmt == "sarif":
        log = json.loads(out)
        results = log["runs"][0]["results"]
        assert results
        for result in results:
            text = result["message"]["text"]
            for m in re.finditer(r"(?<!\\)\[", text):  # every unescaped bracket opens one of our links
                assert re.match(r"\[(?:[^\[\]\\]|\\.)*\]\(\d+\)", text[m.start():]), text
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
        assert "corpus/bytes%FF%FE.md" in uris


def test_check_in_colour_writes_only_colour_sequences(corpus, capsysbinary, monkeypatch):
    from checker.pipeline import check
    from checker.render import render_report
    import io

    report = check(["corpus"])
    buffer = io.StringIO()
    render_report(report, "rich", buffer, color=True)
    assert "\x1b[" in buffer.getvalue()
    assert_clean(buffer.getvalue(), "rich in colour", colour=True)


@pytest.mark.parametrize("command", ["claims", "explain"])
def test_claims_and_explain_say_unreadable_names_on_one_line(corpus, capsysbinary, command):
    argv = [command, "corpus"] if command == "claims" else [command, "corpus/d[/]e.md:1"]
    code, out, err = run(capsysbinary, *argv, "--format", "plain")
    assert_clean(out, command)
    assert_stderr_lines(err)
    if command == "claims":
        assert "broken" in err  # the unreadable file is named, escaped


@pytest.mark.parametrize("fmt", ["plain", "rich", "json"])
def test_extract_writes_every_format_clean(corpus, capsysbinary, fmt):
    code, out, err = run(capsysbinary, "extract", "corpus", "--format", fmt)
    assert code == 0, err
    assert_clean(out, fmt)
    assert_stderr_lines(err)
    if fmt == "rich":
        assert "d[/]e.md" in out  # a path with rich's closing tag is text (it was a MarkupError)


def test_report_output_and_index_take_undecodable_names(corpus, capsysbinary):
    target = os.fsdecode(b"report\xff.md")
    code, _, err = run(capsysbinary, "report", "corpus", "-o", target, "--no-progress")
    assert code == 1, err
    assert_stderr_lines(err)
    assert_clean(Path(target).read_text(encoding="utf-8"), "report")
    code, _, err = run(capsysbinary, "report", "corpus", "-o", "report.html", "--no-progress")
    assert code == 1, err
    html = Path("report.html").read_text(encoding="utf-8")
    assert_clean(html, "html report")
    assert "<script>alert" not in html  # article text is escaped (or cut), never raw HTML
    code, _, err = run(capsysbinary, "check", "corpus", "--format", "sarif", "--output", target, "--no-progress")
    assert code == 1, err
    json.loads(Path(target).read_text(encoding="utf-8"))
    code, _, err = run(capsysbinary, "index", "corpus", "--db", "i.sqlite", "--no-progress", "--jobs", "1")
    assert code == 0, err
    assert_stderr_lines(err)
    assert "indexed 5 file(s)" in err
    code, _, err = run(capsysbinary, "index", "corpus", "--db", "i.sqlite", "--no-progress", "--jobs", "1")
    assert "indexed 0 file(s)" in err or "5 documents" in err  # the stored names are found again
    code, out, err = run(capsysbinary, "check", "corpus/d[", "--against", "i.sqlite", "--format", "plain",
                         "--no-progress")
    assert code == 1, err
    assert_clean(out, "check --against")
    assert "bytes\\xff\\xfe.md" in out or "corpus/d[/]e.md" in out


DISPLAY = [
    ("a\nb", "a\\nb"),
    ("tab\there", "tab\\there"),
    ("\x1b[2J", "\\x1b[2J"),
    ("\x9b31m", "\\u009b31m"),
    ("abc\u202edef", "abc\\u202edef"),
    (os.fsdecode(b"c\xff.md"), "c\\xff.md"),
    ("英伟达 H100 \\ ok", "英伟达 H100 \\ ok"),
]


@pytest.mark.parametrize("text, shown", DISPLAY)
def test_display_escapes_control_bidi_and_undecodable_characters(text, shown):
    assert display(text) == shown


TERMINAL = [
    ("前\x1b[2J后", "前后"),
    ("前\x1bc后", "前后"),
    ("前\x1b]0;title\x07后", "前后"),
    ("前\x1b]8;;http://x\x1b\\链接\x1b]8;;\x1b\\后", "前链接后"),
    ("前\x9b2J后", "前后"),
    ("前\x07后", "前\\x07后"),
]


@pytest.mark.parametrize("text, shown", TERMINAL)
def test_terminal_strips_escape_sequences(text, shown):
    assert terminal(text) == shown


def test_syntax_escapes():
    assert markdown("<b>|x|</b> *a* [l](u) \x1b") == "&lt;b&gt;\\|x\\|&lt;/b&gt; \\*a\\* \\[l\\](u) \\\\x1b"
    assert github_data("50%\n::error::x") == "50%25%0A::error::x"
    assert sarif_text("see [a](1)") == "see \\[a\\](1)"
    literal = json_string("a\u202e\x85" + os.fsdecode(b"\xff"))
    assert not UNSAFE.search(literal) and json.loads(literal) == "a\u202e\x85\udcff"
