"""The archive answers a draft from per-group summaries: the same findings and counts as a
check over every archive claim, a bounded read of claims, and summaries that follow
re-indexing and old indexes."""

from __future__ import annotations

import random
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from checker.archive import Archive, archive_session
from checker.checks.compare import time_buckets
from checker.checks.prepublish import _class_key
from checker.index import index_paths
from checker.pipeline import check, resolve_rules

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
DRAFT = ROOT / "seeds" / "004_c2a44c906ffc7d08.txt"
COPIES = 12  # more retellings of each figure than the bounded read takes (summary.FIRSTS + EXAMPLES)


def _write_corpus(root: Path, copies: int) -> None:
    rng = random.Random(5)
    (root / "corpus").mkdir(parents=True, exist_ok=True)
    for src in SEEDS:
        text = src.read_text(encoding="utf-8")
        for k in range(copies):
            date = f"{rng.randint(2023, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            (root / "corpus" / f"{src.stem}_{k:03d}.txt").write_text(f"date: {date}\n{text}", encoding="utf-8")
    (root / "draft.txt").write_text("date: 2024-06-01\n" + DRAFT.read_text(encoding="utf-8"), encoding="utf-8")
    (root / "undated.txt").write_text(DRAFT.read_text(encoding="utf-8"), encoding="utf-8")


@pytest.fixture(scope="module")
def retold(tmp_path_factory):
    root = tmp_path_factory.mktemp("summaries")
    _write_corpus(root, COPIES)
    with Archive.open(root / "i.sqlite", create=True) as archive:
        index_paths(archive, [str(root / "corpus")], resolve_rules(), jobs=1)
    return root


def _stale_copy(db: Path, to: Path) -> Path:
    """The same index with every summary marked stale: the lookup reads every claim (the old way)."""
    to.write_bytes(db.read_bytes())
    con = sqlite3.connect(to)
    con.execute("INSERT OR IGNORE INTO summary_stale SELECT DISTINCT subject, metric FROM claims")
    con.commit()
    con.close()
    return to


def _signature(report) -> list[tuple]:
    """What a draft's findings must keep: kind, verdict, rule, key, the counts of the archive line."""
    out = []
    for f in report.findings:
        counts = re.findall(r"(\d[\d,]*) articles?", f.archive)
        out.append((f.kind, f.severity, f.rule, f.subject, f.metric, tuple(counts), f.omitted,
                    tuple(f"{c.path}:{c.mention.line}" for c in f.claims), f.conflicts))
    return out


@pytest.mark.parametrize("draft", ["draft.txt", "undated.txt", *(str(p) for p in SEEDS)])
def test_a_draft_gets_the_same_findings_from_summaries_as_from_every_claim(retold, monkeypatch, draft, tmp_path):
    monkeypatch.chdir(retold)
    stale = _stale_copy(retold / "i.sqlite", tmp_path / "stale.sqlite")
    every = check([draft], against=[str(stale)], show_consistent=True)
    summed = check([draft], against=["i.sqlite"], show_consistent=True)
    assert every.findings
    assert _signature(summed) == _signature(every)
    assert summed.claims == every.claims


def test_the_article_count_is_every_article_when_the_archive_retells_more_than_the_bounded_read(retold,
                                                                                                 monkeypatch):
    monkeypatch.chdir(retold)
    report = check(["draft.txt"], against=["i.sqlite"], show_consistent=True)
    # seed 004's own figures are retold by all its COPIES copies, and more (the other seeds agree on some)
    agreeing = [int(re.search(r"agrees with (\d+) article", f.archive)[1]) for f in report.findings
                if f.kind == "consistent" and f.archive]
    assert agreeing and max(agreeing) >= COPIES
    from checker.load import read_document
    from checker.pipeline import claims_for_document

    _, claims = claims_for_document(read_document("draft.txt"), resolve_rules())
    with archive_session("i.sqlite", claims) as session:
        summaries = session.summaries({(c.subject, c.metric) for c in claims})
        classes = [k for s in summaries.values() if s for k in s.classes(t.cls for t in s.times)]
        in_groups = sum(k.claims for k in classes)
        ids = {i for k in classes for i in k.firsts}
        # at most FIRSTS ids per class, however often the archive retells the class
        assert all(len(k.firsts) <= 6 and k.claims >= len(k.firsts) for k in classes)
        assert max(k.claims for k in classes) > 6
        assert len(ids) < in_groups


def test_a_reindex_that_removes_articles_updates_the_summary(tmp_path, monkeypatch):
    _write_corpus(tmp_path, 8)
    monkeypatch.chdir(tmp_path)
    rules = resolve_rules()
    with Archive.open("i.sqlite", create=True) as archive:
        index_paths(archive, ["corpus"], rules, jobs=1)
    before = check(["draft.txt"], against=["i.sqlite"], show_consistent=True)
    for p in sorted((tmp_path / "corpus").glob("004_*"))[:5]:
        p.unlink()
    with Archive.open("i.sqlite") as archive:
        stats = index_paths(archive, ["corpus"], rules, jobs=1)
        assert stats.removed == 5
        assert not archive._stale_groups()
    after = check(["draft.txt"], against=["i.sqlite"], show_consistent=True)
    every = check(["draft.txt"], against=[str(_stale_copy(tmp_path / "i.sqlite", tmp_path / "s.sqlite"))],
                  show_consistent=True)
    assert _signature(after) == _signature(every)
    assert _signature(after) != _signature(before)
    # an article removed from the archive is counted no more: seed 004's figures lost five retellings
    counts = lambda r: sorted(int(n.replace(",", "")) for f in r.findings
                              for n in re.findall(r"(\d[\d,]*) articles?", f.archive))
    assert sum(counts(after)) < sum(counts(before))


def test_an_index_from_before_the_summaries_is_migrated_and_read_claim_by_claim_until_the_next_index(
        retold, tmp_path, monkeypatch):
    monkeypatch.chdir(retold)
    old = tmp_path / "old.sqlite"
    old.write_bytes((retold / "i.sqlite").read_bytes())
    con = sqlite3.connect(old)
    for table in ("summaries", "summary_overlaps", "summary_stale", "summary_groups"):
        con.execute(f"DROP TABLE {table}")
    con.execute("DELETE FROM meta WHERE key IN ('migration.6', 'migration.7')")
    con.execute("PRAGMA user_version = 5")
    con.commit()
    con.close()
    with Archive.open(old) as archive:
        assert "claim-summaries" in archive.migrations_applied()
        groups = set(archive.group_sizes())
        assert archive._stale_groups() == groups  # every group is read claim by claim for now
        assert set(archive.summaries_for(groups).values()) == {None}
    migrated = check(["draft.txt"], against=[str(old)], show_consistent=True)
    fresh = check(["draft.txt"], against=["i.sqlite"], show_consistent=True)
    assert _signature(migrated) == _signature(fresh)
    with Archive.open(old) as archive:
        index_paths(archive, [str(retold / "corpus")], resolve_rules(), jobs=1)  # nothing changed: rebuilds
        assert not archive._stale_groups()
        assert None not in archive.summaries_for(groups).values()


def test_an_index_with_unpacked_summaries_is_packed_by_the_next_index_and_answers_the_same(retold, tmp_path):
    draft = str(retold / "draft.txt")
    old = tmp_path / "unpacked.sqlite"
    old.write_bytes((retold / "i.sqlite").read_bytes())
    con = sqlite3.connect(old)
    con.execute("DROP TABLE summary_groups")
    con.execute("DELETE FROM meta WHERE key = 'migration.7'")
    con.execute("PRAGMA user_version = 6")
    con.commit()
    con.close()
    with Archive.open(old) as archive:
        assert archive.migrations_applied()[-1] == "summary-groups"
        groups = set(archive.group_sizes())
        assert archive._stale_groups() == groups
    migrated = check([draft], against=[str(old)], show_consistent=True)
    with Archive.open(old) as archive:
        index_paths(archive, [str(retold / "corpus")], resolve_rules(), jobs=1)
        packed = archive._conn.execute("SELECT count(*) FROM summary_groups").fetchone()[0]
        assert packed == len(groups)
    repacked = check([draft], against=[str(old)], show_consistent=True)
    fresh = check([draft], against=[str(retold / "i.sqlite")], show_consistent=True)
    assert _signature(migrated) == _signature(repacked) == _signature(fresh)


def test_a_damaged_packed_summary_is_a_corrupt_index_error_not_a_traceback(retold, tmp_path, monkeypatch):
    monkeypatch.chdir(retold)
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes((retold / "i.sqlite").read_bytes())
    con = sqlite3.connect(bad)
    con.execute("UPDATE summary_groups SET classes = '[[1, 2]]'")
    con.commit()
    con.close()
    done = subprocess.run([sys.executable, "-m", "checker", "check", "draft.txt", "--against", str(bad)],
                          capture_output=True, text=True, cwd=retold)
    assert done.returncode == 2
    assert "E503" in done.stderr and "Traceback" not in done.stderr
    assert "factcheck index" in done.stderr  # what to do


def test_a_class_weighing_its_claims_lands_in_the_bucket_of_each_of_its_claims(retold):
    # what answering from summaries rests on: placed whole, with its claim count as its weight,
    # a class of retold claims is in the time bucket compare puts each of its claims in
    rules = {r.id: r for r in resolve_rules().rules}
    with Archive.open(retold / "i.sqlite") as archive:
        groups = archive.group_sizes()
        claims = archive.claims_for_groups(groups)
        summaries = archive.summaries_for(groups)
    checked = 0
    for (subject, metric), summary in summaries.items():
        for rule_id in {k.rule for k in summary.times}:
            rule = rules.get(rule_id)
            mine = [c for c in claims if (c.subject, c.metric, c.rule) == (subject, metric, rule_id)]
            classes = sorted((k for k in summary.times if k.rule == rule_id),
                             key=lambda k: (k.first_path, k.first_start))
            labels: dict[tuple, set[str]] = {}
            for label, bucket in time_buckets([(c, 1) for c in mine], rule):
                for c, _ in bucket:
                    key = _class_key(c.rule, c.qualifiers, c.negated, c.time, c.doc_date, c.mention.quantity)
                    labels.setdefault(key, set()).add(label)
            for label, bucket in time_buckets([(k, k.claims) for k in classes], rule):
                for k, weight in bucket:
                    key = _class_key(k.rule, k.qualifiers, k.negated, k.time, k.doc_date, k.quantity)
                    assert labels[key] == {label}, (subject, metric, rule_id, key)
                    checked += weight
    assert checked == len(claims) > 0