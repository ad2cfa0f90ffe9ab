"""``factcheck extract --format json`` gives, mention for mention, what it gave before its
speed work: every field of every mention on the seeds, on tests/data/real, and on the seeds
rewritten the ways real pages write them (full-width digits, Traditional characters, CRLF
and lone-CR line ends, hard-wrapped lines, Markdown), against golden files written from the
output before that work (tests/golden/extract-*.tsv; ``pytest --update-golden`` rewrites
them when a change of the output is intended).

The golden form is the JSON output itself, one line per mention (its eleven fields, tab
separated, as the JSON writes them), so a difference shows the mention that moved.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from checker.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
REAL = ROOT / "tests" / "data" / "real"

#: Full-width forms of what a number is written with (the matching view folds them back).
_FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in "0123456789%.,-~$"}


def _extract_json(paths: list[str], capsys, jobs: int = 1) -> str:
    assert main(["extract", "--format", "json", "--no-progress", "-j", str(jobs), *paths]) == 0
    return capsys.readouterr().out


def _lines(output: str, root: Path) -> str:
    """The JSON output, one tab-separated line per mention, paths relative to ``root``;
    numbers as the JSON writes them (digit for digit), the text JSON-quoted."""
    rows = []
    for m in json.loads(output, parse_float=str, parse_int=str)["mentions"]:
        path = Path(m["path"])
        shown = path.relative_to(root).as_posix() if path.is_absolute() else m["path"]
        fields = [shown, m["line"], m["col"], m["start"], m["end"], json.dumps(m["text"], ensure_ascii=False),
                  m["low"], m["high"], m["bound"], m["unit"], m["classifier"]]
        rows.append("\t".join("null" if f is None else f for f in fields))
    return "\n".join(rows) + "\n"


def _rewritten(tmp_path: Path) -> Path:
    """The seeds as other pages write them, one file per way (the way in the file name)."""
    import opencc

    to_traditional = opencc.OpenCC("s2t").convert
    out = tmp_path / "rewritten"
    out.mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        flat = text.replace("\n", "")
        ways = {
            "fullwidth.txt": "".join(_FULL_WIDTH.get(c, c) for c in text),
            "traditional.txt": to_traditional(text),
            "crlf.txt": text.replace("\n", "\r\n"),
            "cr.txt": text.replace("\n", "\r"),
            "wrapped.txt": "\n".join(flat[i:i + 28] for i in range(0, len(flat), 28)),
            "markdown.md": text,
        }
        for way, body in ways.items():
            (out / f"{seed.stem}.{way}").write_text(body, encoding="utf-8", newline="")
    return out


@pytest.mark.parametrize("name, where", [("extract-seeds.tsv", SEEDS), ("extract-real.tsv", REAL)])
def test_extract_output_is_unchanged_on_real_text(name, where, golden, capsys, monkeypatch):
    """Every mention of the seeds and of the real articles, every field, as before."""
    monkeypatch.chdir(ROOT)
    golden(name, _lines(_extract_json([str(where.relative_to(ROOT))], capsys), ROOT))


def test_extract_output_is_unchanged_on_rewritten_seeds(golden, capsys, tmp_path, monkeypatch):
    """The seeds with full-width digits, in Traditional characters, with CRLF and lone-CR line
    ends, hard-wrapped and read as Markdown: every mention as before."""
    where = _rewritten(tmp_path)
    monkeypatch.chdir(tmp_path)
    golden("extract-rewritten.tsv", _lines(_extract_json([where.name], capsys), tmp_path))


def test_two_workers_give_the_output_of_one(capsys, monkeypatch):
    """-j 2 writes the same bytes as -j 1 on the real articles."""
    monkeypatch.chdir(ROOT)
    where = str(REAL.relative_to(ROOT))
    assert _extract_json([where], capsys, jobs=2) == _extract_json([where], capsys, jobs=1)
