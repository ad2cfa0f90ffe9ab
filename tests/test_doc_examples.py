"""Docs tested against the tool: every command example in README.md and docs/*.md that shows
output is run, and its output compared, so the docs cannot drift.

Two forms are run:

* a fenced block whose first line is ``$ factcheck ARGS``: the rest of the block is the
  output, compared exactly (trailing spaces ignored);
* a fenced block right after ``<!-- output of: factcheck ARGS (abridged) -->``: every
  non-blank line of the block must appear in the real output, in order (an abridged
  example leaves lines out but never shows one the tool does not print).

Commands run in a temporary directory holding the seeds (``seeds/``) and every file a doc
defines with a line ending in "`NAME`:" followed by a fenced block (docs/pipeline.md).
Standard output is compared; the terminal is 80 columns wide.
"""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from checker.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_FENCE = re.compile(r"^```[^\n]*\n(?P<body>.*?)^```", re.MULTILINE | re.DOTALL)
_ABRIDGED = re.compile(r"<!-- output of: (?P<command>factcheck [^>]*?) \(abridged\) -->\s*\n```[^\n]*\n"
                       r"(?P<body>.*?)^```", re.MULTILINE | re.DOTALL)
_FILE = re.compile(r"`(?P<name>[\w.-]+\.(?:md|txt|toml))`:\s*\n+```[^\n]*\n(?P<body>.*?)^```",
                   re.MULTILINE | re.DOTALL)


def examples():
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for m in _FENCE.finditer(text):
            body = m["body"]
            if body.startswith("$ factcheck "):
                command, _, output = body.partition("\n")
                yield pytest.param(doc, command[2:], output, False, id=f"{doc.name}:{command[2:]}")
        for m in _ABRIDGED.finditer(text):
            yield pytest.param(doc, m["command"], m["body"], True, id=f"{doc.name}:{m['command']} (abridged)")


def _normalize(text: str, tmp: Path) -> list[str]:
    return [line.rstrip() for line in text.replace(str(tmp), "<tmp>").splitlines()]


@pytest.mark.parametrize("doc, command, expected, abridged", list(examples()))
def test_doc_example_prints_what_the_doc_shows(doc, command, expected, abridged, tmp_path, monkeypatch, capsys):
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    for m in _FILE.finditer(doc.read_text(encoding="utf-8")):
        (tmp_path / m["name"]).write_text(m["body"], encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("FACTCHECK_FORMAT", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    main(shlex.split(command)[1:])
    got = _normalize(capsys.readouterr().out, tmp_path)
    want = _normalize(expected, tmp_path)
    if not abridged:
        assert got == want, f"{doc.name}: '{command}' prints otherwise; fix the doc"
        return
    at = 0
    for line in (l for l in want if l.strip()):
        while at < len(got) and got[at] != line:
            at += 1
        assert at < len(got), f"{doc.name}: '{command}' never prints {line!r} (in this order)"
        at += 1


def test_there_are_doc_examples_to_run():
    found = {p.values[0].name for p in examples()}
    assert {"README.md", "output-formats.md", "pipeline.md"} <= found
