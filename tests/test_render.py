"""Renderers: every format over a Report built from the seed articles (tests/conftest.py).

Golden files under tests/golden/ are regenerated with ``pytest --update-golden``.
"""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest
from rich.cells import cell_len
from rich.console import Console

from checker.commands import exit_code_for
from checker.model import Report
from checker.render import FORMATS, render_report, render_report_text, write_report
from checker.render import github, markdown, sarif, terminal
from checker.amounts import decimal_text, value_text
from checker.render.common import json_dumps

from conftest import build_seed_report, seed_document

ALL_FORMATS = tuple(FORMATS)


def rich_text(report, show_consistent=False) -> str:
    console = Console(file=io.StringIO(), width=100, color_system=None)
    terminal.render_to(console, report, show_consistent=show_consistent)
    return console.file.getvalue()


# --- golden files -----------------------------------------------------------------------


@pytest.mark.parametrize("fmt, name", [("plain", "seeds-hand.plain.txt"), ("json", "seeds-hand.json"),
                                       ("markdown", "seeds-hand.md"), ("sarif", "seeds-hand.sarif"),
                                       ("github", "seeds-hand.github.txt")])
def test_golden_formats(seed_report, golden, fmt, name):
    """Each format of the hand-built seed report matches its golden file byte for byte."""
    golden(name, render_report_text(seed_report, fmt, show_consistent=True))


def test_golden_rich(seed_report, golden):
    """The terminal report at width 100 without colour matches its golden file."""
    golden("seeds-hand.rich.txt", rich_text(seed_report, show_consistent=True))


# --- rich -------------------------------------------------------------------------------


def test_rich_shows_what_an_editor_acts_on(seed_report):
    """Verdict, subject · metric · qualifiers, file:line:col of each side, the number
    marked in its sentence, the normalized value, the reason, then the summary."""
    out = rich_text(seed_report)
    assert "ERROR  contradiction  ai-chips.training-gpus" in out
    assert "openai · training-gpus · chip=H100, model=GPT-5" in out
    assert "seeds/003_b402c9ff82ff3bcd.txt:11:64" in out
    assert "主要原因在於[10萬張](指英偉達H100 GPU)" in out
    assert "10萬張 → 10万張" in out
    assert "→ 10萬張 (100,000) is outside 3万-5万张" in out
    assert "(differs: market)" in out and "[market=datacenter-ai]" in out
    assert out.rstrip().endswith("1 contradiction, 1 divergence, 1 arithmetic error, 1 notice")
    assert "consistent" not in out  # only on request


def test_rich_lines_fit_the_console_in_cells(seed_report):
    """CJK sentences are cut by terminal cells (2 per Hanzi), so no line exceeds the width."""
    for width in (60, 100):
        console = Console(file=io.StringIO(), width=width, color_system=None)
        terminal.render_to(console, seed_report, show_consistent=True)
        for line in console.file.getvalue().splitlines():
            assert cell_len(line) <= width, line


def test_rich_location_column_is_padded_by_cells(seed_report):
    """The file:line:col labels of one finding end in the same cell column."""
    out = rich_text(seed_report).splitlines()
    rows = [l for l in out if re.match(r"  seeds/00[013]_\S+:\d+:\d+ ", l)][:3]
    starts = [cell_len(re.match(r"  \S+\s+", l).group()) for l in rows]
    assert len(rows) == 3 and len(set(starts)) == 1 and starts[0] == cell_len("  seeds/001_12274d2e8085e09b.txt:13:142  ")


def test_rich_no_color_when_not_a_terminal_or_no_color(seed_report, monkeypatch):
    """Piped output has no escape codes; NO_COLOR wins even when colour would be on."""
    buffer = io.StringIO()
    render_report(seed_report, "rich", buffer)
    assert "\x1b[" not in buffer.getvalue()
    assert "[5万张]" in buffer.getvalue()  # the number is still marked without colour
    monkeypatch.setenv("NO_COLOR", "1")

    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty = Tty()
    render_report(seed_report, "rich", tty)
    assert "\x1b[" not in tty.getvalue()
    monkeypatch.delenv("NO_COLOR")
    tty = Tty()
    render_report(seed_report, "rich", tty)
    assert "\x1b[" in tty.getvalue()


def test_rich_does_not_interpret_markup_in_article_text():
    """Square brackets in an article are text, not rich markup."""
    from dataclasses import replace

    report = build_seed_report(with_consistent=False)
    f = report.findings[0]
    report.findings[0] = replace(f, message="[bold red]x[/] 价格")
    assert "[bold red]x[/] 价格" in rich_text(report)


# --- plain ------------------------------------------------------------------------------


@pytest.mark.issue(13)
def test_plain_one_line_per_side_sorted_by_position_with_severity_and_a_summary(seed_report):
    """path:line:col: severity kind[rule] message, one line per claim or location of each finding,
    sorted by path, line and column as the docs say; then one summary line."""
    *out, summary = render_report_text(seed_report, "plain").splitlines()
    sides = sum(len(f.claims) + len(f.locations) for f in seed_report.findings if f.kind != "consistent")
    assert len(out) == sides
    pattern = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning|info) "
                         r"(?P<kind>[a-z]+)\[(?P<rule>[\w.-]+)\] \S")
    assert all(pattern.match(l) for l in out), out
    keys = [(m["path"], int(m["line"]), int(m["col"])) for m in map(pattern.match, out)]
    assert keys == sorted(keys)
    assert "seeds/003_b402c9ff82ff3bcd.txt:11:64: error contradiction[ai-chips.training-gpus] 10萬張" in out[-1]
    assert summary == "5 articles · 10 claims · 1 contradiction, 1 divergence, 1 arithmetic error, 1 notice"


def test_plain_positions_point_at_the_number(seed_report):
    """The line and column of each plain line locate the quantity in the article text."""
    docs = {p: seed_document(p.split("/")[1][:3]) for p in seed_report.paths}
    by_pos = {(c.path, c.mention.line, c.mention.col): c.mention.text
              for f in seed_report.findings for c in f.claims}
    for line in render_report_text(seed_report, "plain").splitlines()[:-1]:
        path, ln, col = line.split(":")[:3]
        key = (path, int(ln), int(col))
        if key in by_pos:
            text = docs[path].line_text(int(ln))
            assert text[int(col) - 1:].startswith(by_pos[key])


# --- json -------------------------------------------------------------------------------

CLAIM_KEYS = {"path", "line", "col", "text", "low", "high", "bound", "unit", "qualifiers"}
FINDING_KEYS = {"kind", "severity", "rule", "subject", "metric", "message", "claims"}


def test_json_contract(seed_report):
    """DESIGN.md's contract: version 1, findings with the named keys, claims with the
    quantity's line/col/text, Decimals as exact JSON numbers."""
    data = json.loads(render_report_text(seed_report, "json"), parse_float=Decimal)
    assert data["version"] == 1
    assert len(data["findings"]) == 4
    for f in data["findings"]:
        assert FINDING_KEYS <= f.keys()
        for c in f["claims"]:
            assert CLAIM_KEYS <= c.keys()
    contradiction = data["findings"][0]
    assert contradiction["kind"] == "contradiction" and contradiction["severity"] == "error"
    c003 = contradiction["claims"][2]
    assert (c003["path"], c003["line"], c003["col"], c003["text"]) == ("seeds/003_b402c9ff82ff3bcd.txt", 11, 64, "10萬張")
    assert c003["low"] == 100000 and c003["qualifiers"] == {"chip": "H100", "model": "GPT-5"}
    share = next(f for f in data["findings"] if f["kind"] == "divergence")
    over80 = share["claims"][1]
    assert over80["low"] == 80 and over80["high"] is None and over80["bound"] == "gt"


def test_json_locations_are_claims_with_null_values(seed_report):
    """Non-numeric evidence (a garbled name) appears as a claim-like entry with null values."""
    data = json.loads(render_report_text(seed_report, "json"))
    notice = next(f for f in data["findings"] if f["kind"] == "notice")
    assert [c["text"] for c in notice["claims"]] == ["p00", "p00"]
    assert all(c["low"] is None and c["unit"] is None and c["qualifiers"] == {} for c in notice["claims"])


def test_json_decimals_are_exact_numbers():
    """0.04 stays 0.04 (not 0.04000000000000000083), 7万亿 is written in full."""
    text = json_dumps({"a": Decimal("0.040"), "b": Decimal("7E+12"), "c": [None, True, "价"]})
    assert json.loads(text, parse_float=Decimal) == {"a": Decimal("0.04"), "b": 7000000000000, "c": [None, True, "价"]}
    assert '"a": 0.04' in text and '"b": 7000000000000' in text
    assert decimal_text(Decimal("1.2300")) == "1.23" and decimal_text(Decimal("-5E+1")) == "-50"


# --- markdown ---------------------------------------------------------------------------


def test_markdown_report_structure(seed_report):
    """Summary, one section per disputed claim with a row per article, the verdict, consistent in brief."""
    md = render_report_text(seed_report, "markdown", show_consistent=True)
    assert md.index("## Summary") < md.index("## Disputed claims") < md.index("## Notices") < md.index("## Consistent claims")
    assert "### 1. Contradiction: openai · training-gpus · chip=H100, model=GPT-5" in md
    assert "### 2. Arithmetic error:" in md and "### 3. Divergence:" in md
    section = md[md.index("### 1."):md.index("### 2.")]
    rows = [l for l in section.splitlines() if l.startswith("| seeds/")]
    assert [r.split(" | ")[0] for r in rows] == ["| seeds/000\\_4d0a8a5e27428347.txt",
                                                  "| seeds/001\\_12274d2e8085e09b.txt",
                                                  "| seeds/003\\_b402c9ff82ff3bcd.txt"]
    assert "<b>10萬張</b>" in section and "10万張" in section and "李開復" in section
    assert "**Verdict:** divergence (market differs)." in md
    assert "- **chatgpt · query-cost**" in md


@pytest.mark.parametrize("raw, escaped", [
    ("a|b", "a\\|b"), ("<script>", "&lt;script&gt;"), ("AT&T", "AT&amp;T"), ("*98%*", "\\*98%\\*"),
    ("行\n二", "行 二"), ("[链接](x)", "\\[链接\\](x)"), ("`code`", "\\`code\\`")])
def test_markdown_escapes_article_text(raw, escaped):
    assert markdown.escape(raw) == escaped


def test_markdown_table_cells_survive_pipes_and_html():
    """A quote holding | and <b> does not break the table or inject HTML."""
    from dataclasses import replace

    report = build_seed_report(with_consistent=False)
    f = report.findings[0]
    c = f.claims[0]
    sentence = "A|B <img src=x> & " + c.mention.text + "|"
    c2 = replace(c, sentence=sentence, sentence_start=c.mention.start - sentence.index(c.mention.text))
    report.findings[0] = replace(f, claims=(c2, *f.claims[1:]))
    md = render_report_text(report, "markdown")
    row = next(l for l in md.splitlines() if "A\\|B" in l)
    assert "&lt;img src=x&gt; &amp; <b>5万张</b>\\|" in row
    assert len(re.findall(r"(?<!\\)\|", row)) == 7  # six cells, seven unescaped separators


def test_markdown_is_deterministic(seed_report):
    """Same input, same bytes, whatever order the findings arrive in."""
    first = render_report_text(seed_report, "markdown", show_consistent=True)
    seed_report.findings.reverse()
    assert render_report_text(seed_report, "markdown", show_consistent=True) == first


# --- sarif ------------------------------------------------------------------------------

#: The parts of the SARIF 2.1.0 schema (docs.oasis-open.org/sarif/sarif/v2.1.0) that our
#: output uses, transcribed: required properties, enums and minimums.
SARIF_SUBSET = {
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "version": {"enum": ["2.1.0"]},
        "runs": {"type": "array", "items": {
            "type": "object", "required": ["tool"],
            "properties": {
                "columnKind": {"enum": ["utf16CodeUnits", "unicodeCodePoints"]},
                "tool": {"type": "object", "required": ["driver"], "properties": {"driver": {
                    "type": "object", "required": ["name"],
                    "properties": {"rules": {"type": "array", "items": {"type": "object", "required": ["id"]}}}}}},
                "results": {"type": "array", "items": {"$ref": "#/definitions/result"}},
            }}},
    },
    "definitions": {
        "result": {"type": "object", "required": ["message"], "properties": {
            "ruleId": {"type": "string"},
            "ruleIndex": {"type": "integer", "minimum": -1},
            "level": {"enum": ["none", "note", "warning", "error"]},
            "message": {"$ref": "#/definitions/message"},
            "locations": {"type": "array", "items": {"$ref": "#/definitions/location"}},
            "relatedLocations": {"type": "array", "items": {"$ref": "#/definitions/location"}},
            "partialFingerprints": {"type": "object", "additionalProperties": {"type": "string"}},
        }},
        "message": {"type": "object", "anyOf": [{"required": ["text"]}, {"required": ["id"]}]},
        "location": {"type": "object", "properties": {
            "id": {"type": "integer", "minimum": -1},
            "message": {"$ref": "#/definitions/message"},
            "physicalLocation": {"type": "object", "required": ["artifactLocation"], "properties": {
                "artifactLocation": {"type": "object", "properties": {"uri": {"type": "string", "format": "uri-reference"}}},
                "region": {"type": "object", "properties": {
                    "startLine": {"type": "integer", "minimum": 1},
                    "startColumn": {"type": "integer", "minimum": 1},
                    "endLine": {"type": "integer", "minimum": 1},
                    "endColumn": {"type": "integer", "minimum": 1}}}}}}},
    },
}


def test_sarif_structure(seed_report):
    """SARIF 2.1.0: schema subset, rules with the rule ids, levels, code-point columns."""
    data = json.loads(render_report_text(seed_report, "sarif"))
    jsonschema.validate(data, SARIF_SUBSET)
    run = data["runs"][0]
    assert data["version"] == "2.1.0" and run["columnKind"] == "unicodeCodePoints"
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rule_ids == sorted({f"{f.rule}/{f.kind}" for f in seed_report.findings if f.kind != "consistent"})
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startColumn"] >= 1 and region["endColumn"] > region["startColumn"]
        assert not result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith(("/", "file:"))
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels["ai-chips.training-gpus/contradiction"] == "error"
    assert levels["ai-chips.nvidia-share/divergence"] == "warning"


def test_sarif_related_locations_point_at_the_other_article(seed_report):
    """Each side of the contradiction is a result whose related locations are the other sides."""
    run = json.loads(render_report_text(seed_report, "sarif"))["runs"][0]
    results = [r for r in run["results"] if r["ruleId"] == "ai-chips.training-gpus/contradiction"]
    assert len(results) == 3
    r003 = next(r for r in results if "003_" in r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
    region = r003["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["snippet"]["text"]) == (11, 64, "10萬張")
    related = {(l["physicalLocation"]["artifactLocation"]["uri"], l["physicalLocation"]["region"]["startLine"])
               for l in r003["relatedLocations"]}
    assert related == {("seeds/000_4d0a8a5e27428347.txt", 17), ("seeds/001_12274d2e8085e09b.txt", 13)}
    assert "[seeds/001_12274d2e8085e09b.txt:13](" in r003["message"]["text"]


def test_sarif_fingerprints_follow_meaning_not_lines(seed_report):
    """Moving a claim to another line keeps its fingerprint; changing its value changes it."""
    from dataclasses import replace

    f = seed_report.findings[0]
    c = f.claims[2]
    moved = replace(c, mention=replace(c.mention, line=c.mention.line + 7, col=1, start=c.mention.start + 300))
    assert sarif.fingerprint(f, moved) == sarif.fingerprint(f, c)
    q = replace(c.mention.quantity, low=Decimal(90000), high=Decimal(90000))
    changed = replace(c, mention=replace(c.mention, quantity=q))
    assert sarif.fingerprint(f, changed) != sarif.fingerprint(f, c)
    prints = [r["partialFingerprints"]["factcheckClaim/v1"]
              for r in json.loads(render_report_text(seed_report, "sarif"))["runs"][0]["results"]]
    assert all(re.fullmatch(r"[0-9a-f]{64}", p) for p in prints)


def test_sarif_uri_is_relative_and_encoded(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert sarif.artifact_uri(str(tmp_path / "稿件" / "a b.md")) == "%E7%A8%BF%E4%BB%B6/a%20b.md"
    assert sarif.artifact_uri("./seeds/x.txt") == "seeds/x.txt"


# --- github -----------------------------------------------------------------------------


def test_github_workflow_commands(seed_report):
    """::error/::warning with file, line, col, title; messages escaped per the workflow rules."""
    lines = render_report_text(seed_report, "github").splitlines()
    assert lines[2].startswith("::error file=seeds/003_b402c9ff82ff3bcd.txt,line=11,col=64,endColumn=68,"
                               "title=factcheck contradiction (ai-chips.training-gpus)::10萬張")
    share = [l for l in lines if "nvidia-share" in l]
    assert all(l.startswith("::warning ") for l in share) and "98%25" in share[0]


@pytest.mark.parametrize("raw, data, prop", [
    ("50% off", "50%25 off", "50%25 off"), ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
    ("x: y, z", "x: y, z", "x%3A y%2C z")])
def test_github_escaping(raw, data, prop):
    assert github.escape_data(raw) == data
    assert github.escape_property(raw) == prop


# --- exit codes, output files -------------------------------------------------------------


@pytest.mark.parametrize("fail_on, expected", [("error", 1), ("warning", 1), ("info", 1), ("never", 0)])
def test_exit_code_is_the_same_for_every_format(seed_report, fail_on, expected):
    """The exit code comes from the report; rendering in any format does not change it."""
    codes = set()
    for fmt in ALL_FORMATS:
        render_report_text(seed_report, fmt)
        codes.add(exit_code_for(seed_report, fail_on))
    assert codes == {expected}


def test_exit_code_thresholds():
    """Only a divergence (warning): exit 0 at fail-on error, 1 at warning; consistent never fails."""
    report = build_seed_report()
    only_warning = Report(findings=[f for f in report.findings if f.kind in ("divergence", "consistent")])
    assert exit_code_for(only_warning, "error") == 0
    assert exit_code_for(only_warning, "warning") == 1
    only_consistent = Report(findings=[f for f in report.findings if f.kind == "consistent"])
    assert exit_code_for(only_consistent, "info") == 0
    assert exit_code_for(report, "error", exit_zero=True) == 0


def test_empty_report_in_every_format():
    """No findings: every format still writes valid, meaningful output."""
    empty = Report(findings=[], documents=2, claims=0)
    assert render_report_text(empty, "plain") == "2 articles · 0 claims · no findings\n"
    assert json.loads(render_report_text(empty, "json"))["findings"] == []
    assert json.loads(render_report_text(empty, "sarif"))["runs"][0]["results"] == []
    assert "No contradictions" in render_report_text(empty, "markdown")
    assert "2 articles · 0 claims · no findings" in rich_text(empty)


def test_write_report_is_atomic(seed_report, tmp_path, monkeypatch):
    """--output writes through a temporary file; a failure leaves the old file intact and no debris."""
    target = tmp_path / "out.sarif"
    target.write_text("old", encoding="utf-8")

    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr("checker.render.common.os.replace", boom)
    with pytest.raises(KeyboardInterrupt):
        write_report(seed_report, "sarif", target)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.sarif"]
    monkeypatch.undo()
    write_report(seed_report, "sarif", target)
    assert json.loads(target.read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_unknown_format_is_a_usage_error(seed_report):
    from checker.errors import UsageError

    with pytest.raises(UsageError):
        render_report(seed_report, "xml", io.StringIO())


def test_value_text():
    from checker.model import Quantity

    D = Decimal
    assert value_text(Quantity(D(30000), D(50000), "exact", "count", classifier="张")) == "3万–5万张"
    assert value_text(Quantity(D(80), None, "gt", "percent")) == "> 80%"
    assert value_text(Quantity(None, D(1), "lt", "percent")) == "< 1%"
    assert value_text(Quantity(D("0.04"), D("0.04"), "approx", "USD")) == "≈ 0.04美元"
    assert value_text(Quantity(D("5E+12"), D("7E+12"), "le", "USD")) == "≤ 5万亿–7万亿美元"


def test_cli_exit_code_does_not_depend_on_format(tmp_path, monkeypatch):
    """`factcheck check seeds/ --format FMT` returns the same exit code for every format."""
    import importlib.util

    from conftest import ROOT
    from checker.cli import main

    if importlib.util.find_spec("checker.commands.check") is None:
        pytest.skip("commands/check.py is not in this checkout yet")
    monkeypatch.chdir(ROOT)
    from checker.commands import FORMATS_CHECK

    codes = {fmt: main(["check", "seeds/", "--format", fmt, "--output", str(tmp_path / f"out.{fmt}"),
                        "--no-progress"]) for fmt in FORMATS_CHECK}
    assert len(set(codes.values())) == 1, codes
    assert set(codes.values()) <= {0, 1}


def test_second_occurrence_in_a_sentence_is_marked():
    """Two 'p00' in one sentence (000, line 51): each location marks its own occurrence."""

    from conftest import location_in
    from checker.model import Finding

    doc = seed_document("000")
    first, second = location_in(doc, "p00", 3), location_in(doc, "p00", 4)
    assert (first.line, second.line) == (51, 51) and first.sentence == second.sentence
    f = Finding(kind="notice", severity="warning", rule="notice.garbled-name", subject="h100", metric="",
                message="did you mean H100?", locations=(first, second))
    md = render_report_text(Report(findings=[f]), "markdown")
    rows = [l for l in md.splitlines() if l.startswith("| seeds/")]
    assert "约35万块<b>p00</b>,而" in rows[0] and "等效60万块<b>p00</b>的" in rows[1]
    out = rich_text(Report(findings=[f]))
    assert "约35万块[p00],而" in out and "等效60万块[p00]的" in out


# --- the real check of the seed corpus, in every format ----------------------------------


@pytest.fixture(scope="module")
def checked_seeds():
    """What `factcheck check seeds/` finds, with paths as the CLI shows them from the root."""
    import os
    from pathlib import Path

    from checker import pipeline

    root = Path(__file__).resolve().parent.parent
    cwd = os.getcwd()
    os.chdir(root)
    try:
        return pipeline.check(["seeds"], show_consistent=True)
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize("fmt, name", [("plain", "seeds-check.plain.txt"), ("json", "seeds-check.json"),
                                       ("markdown", "seeds-check.md"), ("sarif", "seeds-check.sarif"),
                                       ("github", "seeds-check.github.txt")])
def test_golden_formats_of_the_seed_check(checked_seeds, golden, fmt, name):
    """Every format of the real check of seeds/ matches its golden file byte for byte."""
    golden(name, render_report_text(checked_seeds, fmt, show_consistent=True))


def test_golden_rich_of_the_seed_check(checked_seeds, golden):
    golden("seeds-check.rich.txt", rich_text(checked_seeds, show_consistent=True))


def test_seed_check_sarif_is_valid(checked_seeds):
    """The SARIF of the real seed check passes the same structural checks as the hand-built one."""
    log = json.loads(render_report_text(checked_seeds, "sarif"))
    run = log["runs"][0]
    assert log["version"] == "2.1.0" and run["columnKind"] == "unicodeCodePoints"
    ids = {r["id"] for r in run["tool"]["driver"]["rules"]}
    for result in run["results"]:
        assert result["ruleId"] in ids and result["level"] in ("error", "warning", "note")
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("seeds/")
        assert result["partialFingerprints"]


def test_sarif_and_github_list_a_bounded_number_of_other_sides(seed_report):
    """A finding over a large archive has thousands of sides: each SARIF result lists at most
    RELATED_SIDES of the others, those it cannot both hold with first, and says how many more there
    are; each annotation quotes at most MAX_OTHERS, so output grows linearly."""
    import dataclasses
    from checker.render.common import RELATED_SIDES

    finding = next(f for f in seed_report.findings if f.kind == "contradiction")
    many = tuple(dataclasses.replace(finding.claims[0], path=f"archive/{i:03d}.md") for i in range(40))
    big = dataclasses.replace(finding, claims=many, conflicts=((0, 39), (1, 39)))
    report = Report(findings=[big], documents=40, claims=40)
    log = json.loads(render_report_text(report, "sarif"))
    results = log["runs"][0]["results"]
    assert len(results) == 40
    assert all(len(r["relatedLocations"]) == RELATED_SIDES for r in results)
    assert all(f"and {39 - RELATED_SIDES} more" in r["message"]["text"] for r in results)
    by_path = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in results}
    related = [l["physicalLocation"]["artifactLocation"]["uri"] for l in by_path["archive/039.md"]["relatedLocations"]]
    assert related[:2] == ["archive/000.md", "archive/001.md"]  # the two it disagrees with come first
    lines = render_report_text(report, "github").splitlines()
    assert len(lines) == 40
    assert all(line.count("archive/") == github.MAX_OTHERS + 1 for line in lines)


@pytest.mark.issue(14)
@pytest.mark.parametrize("obj", [
    {"version": 1, "mentions": [{"path": "a.md", "line": 3, "col": 7, "text": "约3.5亿元", "low": None,
                                 "high": None, "bound": "approx", "unit": "CNY", "classifier": None}]},
    {"s": "quote \" backslash \\ newline \n tab \t \u2028 \x00 价", "e": {}, "l": [], "t": (1, [2, {}]),
     "b": [True, False, None], "n": -12, 3: "int key"},
    [[[]]], "plain", 0, None,
])
def test_json_writer_writes_what_json_dumps_writes(obj):
    """Without Decimals, the JSON writer gives json.dumps's bytes (indent 2, UTF-8 kept, unsafe
    characters escaped as everywhere: checker.display.json_text)."""
    from checker.display import json_text

    assert json_dumps(obj) == json_text(obj, indent=2)


@pytest.mark.issue(14)
def test_json_writer_keeps_every_digit_of_a_decimal_met_twice():
    """The same value written twice (from the memo) keeps its exact digits; 0 and -0 stay apart."""
    values = [Decimal("98"), Decimal("98.0"), Decimal("33.333333333333333333333333"), Decimal("33.333333333333333333333333"),
              Decimal("0"), Decimal("-0"), Decimal("7E+12")]
    assert json.loads(json_dumps(values), parse_float=Decimal, parse_int=Decimal) == values
    assert json_dumps(values).split() == ["[", "98,", "98,", "33.333333333333333333333333,",
                                          "33.333333333333333333333333,", "0,", "-0,", "7000000000000", "]"]


def test_extract_json_is_the_generic_writers_output_byte_for_byte():
    """``extract --format json`` writes each mention with one format call; on the seeds and the real
    corpus (Traditional, full-width, ranges, open bounds, classifiers) that gives exactly what the
    generic writer gives for the records of DESIGN.md."""
    from checker.pipeline import extract_paths
    from checker.render.common import json_dumps
    from checker.render.mentions import mention_record, mentions_json

    root = Path(__file__).resolve().parent.parent
    items = list(extract_paths([str(root / "seeds"), str(root / "tests" / "data" / "real")]))
    assert sum(len(ms) for _, ms in items) > 1000
    records = [mention_record(d, m) for d, ms in items for m in ms]
    assert mentions_json(items) == json_dumps({"version": 1, "mentions": records})
    assert mentions_json([]) == json_dumps({"version": 1, "mentions": []})
