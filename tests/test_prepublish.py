"""Pre-publish output centred on the draft: a draft against an index of retold seeds prints
the draft's findings only, each with the archive's side summed up, and no alert on an archive file."""

from __future__ import annotations

import io
import json
import random
import sys
from pathlib import Path

import pytest

from checker import cli
from checker.archive import Archive
from checker.index import index_paths
from checker.pipeline import check, resolve_rules
from checker.render import render_report_text

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
COPIES = 30  # 150 articles: each seed retold 30 times (bench/prepublish.py measures 400)


@pytest.fixture(scope="module")
def retold(tmp_path_factory):
    root = tmp_path_factory.mktemp("retold")
    rng = random.Random(5)
    for src in SEEDS:
        text = src.read_text(encoding="utf-8")
        for k in range(COPIES):
            date = f"{rng.randint(2023, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            (root / "corpus").mkdir(exist_ok=True)
            (root / "corpus" / f"{src.stem}_{k:03d}.txt").write_text(f"date: {date}\n{text}", encoding="utf-8")
    draft = root / "draft.txt"
    draft.write_text("date: 2024-06-01\n" + (ROOT / "seeds" / "004_c2a44c906ffc7d08.txt").read_text(encoding="utf-8"),
                     encoding="utf-8")
    with Archive.open(root / "i.sqlite", create=True) as archive:
        index_paths(archive, [str(root / "corpus")], resolve_rules(), jobs=1)
    return root


@pytest.fixture()
def report(retold, monkeypatch):
    monkeypatch.chdir(retold)
    return check(["draft.txt"], against=["i.sqlite"], show_consistent=True)


def test_every_finding_is_the_drafts_with_the_archive_summed_up(report):
    disputed = [f for f in report.findings if f.kind != "consistent"]
    assert disputed
    for f in report.findings:
        assert any(c.path == "draft.txt" for c in f.claims)
        assert len([c for c in f.claims if c.path != "draft.txt"]) <= 3
        if any(c.path != "draft.txt" for c in f.claims):
            assert f.archive and "article" in f.archive and "e.g." in f.archive


def test_the_detail_reads_out_the_findings_own_claims_not_the_archives_retellings(report):
    # one line per claim the finding lists (draft claims and examples), then the count of the rest
    for f in report.findings:
        lines = f.detail.splitlines()
        listed = [f"{c.path}:{c.mention.line}:{c.mention.col} " for c in f.claims]
        assert [line for line in lines if not line.startswith("…")] and \
            all(any(line.startswith(at) for at in listed) for line in lines if not line.startswith("…"))
        assert len(lines) == len(f.claims) + (1 if f.omitted else 0)
        if f.omitted:
            assert lines[-1] == f"… and {f.omitted:,} more claims"


def test_the_review_pages_whole_findings_keep_compares_detail(retold):
    # the review page (``check_draft``) lists compare's own claims, so compare writes their detail
    from checker.load import document_from_text
    from checker.pipeline import check_draft

    doc = document_from_text((retold / "draft.txt").read_text(encoding="utf-8"), "draft.txt")
    _, _, whole = check_draft(doc, resolve_rules(), [str(retold / "i.sqlite")])
    compared = [f for f in whole.findings if f.kind in ("contradiction", "divergence")]
    assert compared
    for f in compared:
        assert f.detail.count("\n") + 1 == len(f.claims) + (1 if f.omitted else 0)


def test_the_examples_are_newest_first(report):
    for f in report.findings:
        dates = [c.doc_date for c in f.claims if c.path != "draft.txt"]
        assert dates == sorted(dates, reverse=True)


def test_a_draft_against_the_retold_archive_prints_under_50_lines_all_about_the_draft(report):
    for fmt in ("plain", "github"):
        lines = render_report_text(report, fmt).splitlines()
        assert 0 < len(lines) < 50
        assert all(l.startswith(("draft.txt:", "::warning file=draft.txt", "::error file=draft.txt"))
                   for l in lines[:-1 if fmt == "plain" else None]), lines
    rich = render_report_text(report, "rich", width=100).splitlines()
    assert len(rich) < 50
    assert not any(l.lstrip().startswith("corpus/") for l in rich)


def test_no_alert_lands_on_an_archive_file(report):
    log = json.loads(render_report_text(report, "sarif", show_consistent=True))
    results = log["runs"][0]["results"]
    assert results
    for r in results:
        [loc] = r["locations"]
        assert loc["physicalLocation"]["artifactLocation"]["uri"].endswith("draft.txt")
    rd = json.loads(render_report_text(report, "rdjson"))
    assert all(d["location"]["path"] == "draft.txt" for d in rd["diagnostics"])


def test_agreeing_draft_claims_are_one_line_each_with_show_consistent(report):
    consistent = [f for f in report.findings if f.kind == "consistent"]
    assert consistent
    rich = render_report_text(report, "rich", show_consistent=True, width=400)
    agreeing = [l for l in rich.splitlines() if l.startswith("✓ draft.txt:")]
    assert len(agreeing) == sum(1 for f in consistent for c in f.claims if c.path == "draft.txt")
    assert all("agrees with" in l for l in agreeing)


def test_the_json_finding_carries_the_archive_summary(report):
    doc = json.loads(render_report_text(report, "json"))
    assert doc["findings"] and all(f["archive"] for f in doc["findings"])
