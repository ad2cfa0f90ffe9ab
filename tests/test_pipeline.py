"""pipeline.check and `factcheck check`: the report, pre-publish mode, load
problems, exit codes."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from checker import pipeline
from checker.cli import main
from checker.rules import load_rules

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_report_counts():
    report = pipeline.check([str(SEEDS)])
    assert report.documents == 5
    assert report.claims >= 40 and report.mentions >= report.claims
    assert {f.kind for f in report.findings} >= {"contradiction", "divergence"}
    assert all(f.kind != "consistent" for f in report.findings)


def test_against_reports_only_findings_with_a_draft(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    for name in ("000_4d0a8a5e27428347.txt", "001_12274d2e8085e09b.txt", "004_c2a44c906ffc7d08.txt"):
        shutil.copy(SEEDS / name, archive / name)
    draft = SEEDS / "003_b402c9ff82ff3bcd.txt"
    report = pipeline.check([str(draft)], against=[str(archive)])
    assert report.findings, "the draft's 10萬張 contradicts the archive's 3万-5万张"
    for f in report.findings:
        assert any(Path(c.path).name == draft.name for c in f.claims) or \
            any(Path(l.path).name == draft.name for l in f.locations)
    kinds = {f.kind for f in report.findings}
    assert "contradiction" in kinds


def test_load_problems_do_not_stop_the_run(tmp_path):
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    shutil.copy(SEEDS / "001_12274d2e8085e09b.txt", tmp_path / "a.txt")
    shutil.copy(SEEDS / "003_b402c9ff82ff3bcd.txt", tmp_path / "b.txt")
    report = pipeline.check([str(tmp_path)])
    assert report.documents == 2 and len(report.problems) == 1


def test_cli_check_json_and_exit_codes(capsys):
    code = main(["check", str(SEEDS), "--format", "json", "--no-progress"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    kinds = {f["kind"] for f in out["findings"]}
    assert {"contradiction", "divergence"} <= kinds
    assert main(["check", str(SEEDS), "--format", "json", "--exit-zero"]) == 0
    capsys.readouterr()
    assert main(["check", str(SEEDS / "003_b402c9ff82ff3bcd.txt"), "--format", "plain", "--fail-on", "warning"]) == 0


def test_cli_fail_on_warning(capsys):
    one = [str(SEEDS / "000_4d0a8a5e27428347.txt"), str(SEEDS / "001_12274d2e8085e09b.txt")]
    assert main(["check", *one, "--format", "plain", "--fail-on", "never"]) == 0
    assert main(["check", *one, "--format", "plain", "--fail-on", "warning"]) == 1


def test_cli_load_problem_on_stderr(tmp_path, capsys):
    missing = tmp_path / "nope.txt"
    code = main(["check", str(SEEDS / "001_12274d2e8085e09b.txt"), str(missing), "--format", "plain"])
    captured = capsys.readouterr()
    assert code == 2  # a PATH named that cannot be read fails the run, after the findings are written
    assert "nope.txt" in captured.err and "nope.txt" not in captured.out
    assert captured.out.endswith("1 not read\n")


def test_cli_rule_error_exits_2(tmp_path, capsys):
    bad = tmp_path / "r.yaml"
    bad.write_text("claims: [", encoding="utf-8")
    assert main(["check", str(SEEDS), "--rules", str(bad)]) == 2
    assert "E301" in capsys.readouterr().err


def test_document_checks_are_extensible(monkeypatch):
    seen = []
    monkeypatch.setattr(pipeline, "DOCUMENT_CHECKS",
                        pipeline.DOCUMENT_CHECKS + [lambda d, m, c, r, o: seen.append(d.path) or []])
    pipeline.check([str(SEEDS / "001_12274d2e8085e09b.txt")])
    assert len(seen) == 1


def _meaning(finding, only: str | None = None) -> tuple:
    """A finding by what it says, independent of where the archive lives on disk (``only``:
    the places in that article alone, as a draft's finding lists the archive's in brief)."""
    places = sorted((Path(c.path).name, c.mention.line, c.mention.col) for c in finding.claims
                    if only is None or Path(c.path).name == only)
    places += sorted((Path(l.path).name, l.line, l.col) for l in finding.locations)
    return (finding.kind, finding.severity, finding.rule, finding.subject, finding.metric, tuple(places))


@pytest.mark.parametrize("draft_name", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_draft_against_the_other_four_gives_exactly_its_findings(tmp_path, draft_name):
    """Pre-publish mode: one seed article checked --against the other four reports exactly the
    findings of a full check of all five that involve the draft, no more, no fewer."""
    archive = tmp_path / "archive"
    archive.mkdir()
    for path in SEEDS.glob("*.txt"):
        if path.name != draft_name:
            shutil.copy(path, archive / path.name)
    full = pipeline.check([str(SEEDS)], show_consistent=True, fold=False)  # every article's own findings
    involving = sorted(_meaning(f, draft_name) for f in full.findings
                       if draft_name in {p[0] for p in _meaning(f)[5]})
    draft = pipeline.check([str(SEEDS / draft_name)], against=[str(archive)], show_consistent=True)
    assert sorted(_meaning(f, draft_name) for f in draft.findings) == involving


def test_config_tolerance_and_severity_reach_the_check(tmp_path):
    """Per-rule overrides in factcheck.toml change what check reports: a tolerance of 100%
    makes 10萬張 agree with 3万-5万张; a severity override re-levels the contradiction."""
    from checker.config import load_config

    def contradictions(toml: str):
        path = tmp_path / "factcheck.toml"
        path.write_text(toml, encoding="utf-8")
        report = pipeline.check([str(SEEDS)], config=load_config(path))
        return [f for f in report.findings if f.kind == "contradiction" and f.rule == "ai-chips.training-gpus"]

    (plain,) = contradictions("")
    assert plain.severity == "error"
    assert contradictions('[rules."ai-chips.training-gpus"]\ntolerance = "100%"\n') == []
    (relevelled,) = contradictions('[rules."ai-chips.training-gpus"]\nseverity = "warning"\n')
    assert relevelled.severity == "warning"


def _copies(directory, n):
    """``n`` articles: the seeds, copied with their numbers nudged (so copies disagree)."""
    import re as _re
    from pathlib import Path as _Path

    seeds = sorted((_Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))
    for i in range(n):
        text = seeds[i % len(seeds)].read_text(encoding="utf-8")
        k = i // len(seeds)
        text = _re.sub(r"(?<![A-Za-z0-9.-])(\d+)(?![\d年月日])", lambda m: str(int(m.group(1)) + k % 7), text)
        (directory / f"{i:03d}_{seeds[i % len(seeds)].name}").write_text(text, encoding="utf-8")


@pytest.mark.issue(14)
def test_workers_give_the_report_and_mentions_of_one_process(tmp_path):
    """check and extract with two worker processes give exactly what one process gives, in
    the same order; with the per-file cache too (a second run answers from it)."""
    from checker.extract.corpus import extract_paths
    from checker.render import render_report_text
    from checker.render.mentions import render_mentions
    from checker.workers import MIN_ITEMS

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    _copies(corpus, MIN_ITEMS + 7)
    (corpus / "bad.txt").write_bytes(b"")  # a problem keeps its place too
    ruleset = load_rules()

    def as_json(**kw):
        report = pipeline.check([str(corpus)], ruleset=ruleset, show_consistent=True, **kw)
        return report.problems, render_report_text(report, "json", show_consistent=True)

    one = as_json(jobs=1)
    assert json.loads(one[1])["summary"]["articles"] == MIN_ITEMS + 7
    assert as_json(jobs=2) == one
    cache = tmp_path / "cache"
    assert as_json(jobs=2, cache_dir=cache) == one
    assert as_json(jobs=2, cache_dir=cache) == one  # from the cache

    def mentions(jobs):
        items = list(extract_paths([str(corpus)], jobs=jobs))
        out = io.StringIO()
        render_mentions([i for i in items if isinstance(i, tuple)], "json", out)
        return [i for i in items if not isinstance(i, tuple)], out.getvalue()

    assert mentions(2) == mentions(1)
