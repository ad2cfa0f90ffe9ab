"""The archive index (checker/archive.py): storage, robustness, indexing, and
checking drafts against it."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker import archive as archive_mod
from checker import index as index_mod
from checker.checks import corpus_check_rules
from checker.index import index_paths
from checker.archive import SCHEMA_VERSION, Archive, SqliteArchive, claim_from_row, claim_row
from checker.errors import ArchiveError, ArchiveSchemaTooNew
from checker.model import Claim, Mention, Quantity

SENTENCE = "英伟达在数据中心AI 市场拥有 98% 的市场份额"


def make_claim(low="98", high="98", *, path="a.md", subject="nvidia", metric="market-share",
               qualifiers=(("market", "datacenter-ai"),), rule="ai-chips.nvidia-share", start=17,
               bound="exact", unit="percent", step="1", **extra) -> Claim:
    q = Quantity(low=Decimal(low) if isinstance(low, str) else low,
                 high=Decimal(high) if isinstance(high, str) else high,
                 bound=bound, unit=unit, step=Decimal(step) if step else None, **extra)
    m = Mention(start=start, end=start + 3, line=1, col=start + 1, text="98%", quantity=q)
    return Claim(rule=rule, subject=subject, metric=metric, qualifiers=tuple(qualifiers), mention=m, path=path,
                 sentence=SENTENCE, sentence_start=0, time="2024", source="富国银行",
                 doc_date=dt.date(2024, 2, 12))


@pytest.fixture
def db(tmp_path):
    with Archive.open(tmp_path / "index.sqlite", create=True) as archive:
        yield archive


# --- storage ------------------------------------------------------------------------------


def test_claim_survives_a_row_round_trip_with_exact_decimals():
    """Decimals keep their digits and exponent; open sides stay None."""
    claim = make_claim(low=Decimal("7.153E+12"), high=None, bound="gt", step="1E+9", unit="USD",
                       classifier=None, vague=True, per="天")
    back = claim_from_row(claim_row(claim))
    assert back == claim
    assert str(back.mention.quantity.low) == "7.153E+12"
    assert str(back.mention.quantity.step) == "1E+9"


def test_every_field_of_a_claim_is_stored():
    """A field added to Claim, Mention or Quantity must get a column (and a migration):
    a claim with every field set to a non-default value comes back equal."""
    import dataclasses as dc

    claim = make_claim(low="2.5E+4", high="3E+4", classifier="张", vague=True, per="天", unit="count")
    claim = dc.replace(claim, **{f.name: True for f in dc.fields(Claim) if f.type in ("bool", bool)})
    assert claim_from_row(claim_row(claim)) == claim
    assert len(claim_row(claim)) == len(archive_mod.CLAIM_COLUMNS)
    stored = set(archive_mod.CLAIM_COLUMNS) | {"mention", "quantity", "end"}
    for cls in (Claim, Mention, Quantity):
        assert {f.name for f in dc.fields(cls)} <= stored, cls.__name__


def test_numbers_are_stored_as_text_never_real(db):
    """The column holds the decimal string (REAL would turn 0.1 into 0.1000000000000000055…)."""
    db.put_document("/x/a.md", [make_claim(low="0.1", high="0.30")])
    row = db._conn.execute("SELECT typeof(low), low, typeof(high), high FROM claims").fetchone()
    assert row == ("text", "0.1", "text", "0.30")


def test_fraction_values_round_trip():
    claim = make_claim(low=Fraction(1, 3), high=Fraction(1, 3))
    assert claim_from_row(claim_row(claim)) == claim


def test_float_values_are_refused():
    with pytest.raises(TypeError):
        claim_row(make_claim(low=0.98, high=0.98))


decimals = st.decimals(allow_nan=False, allow_infinity=False, places=None) | st.none()


@settings(max_examples=60, deadline=None)
@given(low=decimals, high=decimals, step=decimals)
def test_any_decimal_survives_the_archive(tmp_path_factory, low, high, step):
    """Property: whatever Decimal goes in comes out identical (value, digits, exponent)."""
    path = tmp_path_factory.mktemp("prop") / "i.sqlite"
    claim = make_claim(low=low, high=high, step=None)
    claim = Claim(**{**{f: getattr(claim, f) for f in Claim.__slots__},
                     "mention": Mention(**{**{f: getattr(claim.mention, f) for f in Mention.__slots__},
                                           "quantity": Quantity(low, high, "exact", "percent", step=step)})})
    with Archive.open(path, create=True) as archive:
        archive.put_document("/x/a.md", [claim])
        (back,) = archive.claims_for_keys([claim.key])
    assert back == claim
    assert [str(v) for v in (back.mention.quantity.low, back.mention.quantity.high,
                             back.mention.quantity.step)] == [str(low), str(high), str(step)]


def test_claims_for_keys_selects_by_key_and_qualifiers(db):
    dc = make_claim(path="a.md")
    world = make_claim("80", "100", path="b.md", bound="gt", qualifiers=(("market", "ai-chips"),))
    amd = make_claim("10", "10", path="b.md", subject="amd", rule="ai-chips.amd-share")
    db.put_document("/x/a.md", [dc], path="a.md")
    db.put_document("/x/b.md", [world, amd], path="b.md")
    assert db.claims_for_keys([dc.key]) == [dc]
    assert db.claims_for_keys([dc.key[:3]]) == [dc, world]
    assert db.claims_for_keys([amd.key, world.key]) == [world, amd]
    assert db.claims_for_groups([("nvidia", "market-share")]) == [dc, world]
    assert db.claims_for_groups([("nvidia", "market-share")], exclude_files=["/x/a.md"]) == [world]
    assert db.claims_for_groups([("nvidia", "price")]) == []


def test_put_document_replaces_the_claims_of_that_file(db):
    db.put_document("/x/a.md", [make_claim(), make_claim("97", "97")])
    db.put_document("/x/a.md", [make_claim("99", "99")])
    assert db.counts() == {"documents": 1, "claims": 1}
    assert db.claims_for_keys([make_claim().key])[0].mention.quantity.low == Decimal("99")


def test_index_uses_the_group_index_for_lookups(db):
    plan = db._conn.execute("EXPLAIN QUERY PLAN SELECT * FROM claims WHERE subject = ? AND metric = ?",
                            ("nvidia", "market-share")).fetchall()
    assert any("claims_by_group" in row[-1] for row in plan)


def test_index_file_is_in_wal_mode(db):
    assert db._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.schema_version == SCHEMA_VERSION


# --- robustness: missing, corrupt, foreign, too new, older, locked --------------------------


def test_missing_index_is_E501(tmp_path):
    with pytest.raises(ArchiveError) as err:
        Archive.open(tmp_path / "nope.sqlite")
    assert err.value.code == "E501"
    assert "factcheck index" in str(err.value)


def test_corrupt_index_is_E503(tmp_path):
    path = tmp_path / "bad.sqlite"
    path.write_bytes(b"this is not an sqlite database at all" * 100)
    with pytest.raises(ArchiveError) as err:
        Archive.open(path)
    assert err.value.code == "E503"


def test_truncated_index_is_E503(tmp_path):
    path = tmp_path / "i.sqlite"
    with Archive.open(path, create=True) as archive:
        archive.put_document("/x/a.md", [make_claim()] * 50)
        archive._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = path.read_bytes()
    path.write_bytes(data[:100] + b"\xff" * (len(data) - 100))  # header kept, pages garbled
    with pytest.raises(ArchiveError) as err:
        with Archive.open(path) as archive:
            archive.claims_for_groups([("nvidia", "market-share")])
    assert err.value.code == "E503"


def test_foreign_sqlite_file_is_E503(tmp_path):
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(ArchiveError) as err:
        Archive.open(path, create=True)
    assert err.value.code == "E503"
    assert "not a factcheck index" in str(err.value)


def test_empty_file_is_not_an_index_for_reading(tmp_path):
    path = tmp_path / "empty.sqlite"
    path.write_bytes(b"")
    with pytest.raises(ArchiveError) as err:
        Archive.open(path)
    assert err.value.code == "E503"


def test_newer_schema_is_E504(tmp_path):
    path = tmp_path / "i.sqlite"
    Archive.open(path, create=True).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(ArchiveSchemaTooNew) as err:
        Archive.open(path)
    assert err.value.code == "E504"


def test_older_schema_is_migrated_keeping_its_claims(tmp_path):
    """An index written before the engine column existed is migrated in place;
    its documents read as stale (engine '') so the next index run refreshes them."""
    path = tmp_path / "i.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    old = SqliteArchive(conn, str(path))
    old.migrate(upto=1)
    conn.execute("INSERT INTO documents (file, path, size, mtime_ns, hash, rules_version) "
                 "VALUES ('/x/a.md', 'a.md', 1, 1, 'h', 'r')")
    v1_columns = archive_mod.CLAIM_COLUMNS[:-2]  # 'negated' and 'evidence' came with later migrations
    conn.execute(f'INSERT INTO claims (doc_id, seq, {", ".join(chr(34) + c + chr(34) for c in v1_columns)}) '
                 f'VALUES (1, 0, {", ".join("?" * len(v1_columns))})', claim_row(make_claim())[:-2])
    conn.close()
    with Archive.open(path) as archive:
        assert archive.schema_version == SCHEMA_VERSION
        assert archive.claims_for_keys([make_claim().key]) == [make_claim()]
        assert archive._conn.execute("SELECT engine FROM documents").fetchone() == ("",)
        names = [r[0] for r in archive._conn.execute("SELECT value FROM meta WHERE key LIKE 'migration.%' "
                                                     "ORDER BY key")]
    assert names == [name for name, _ in archive_mod.MIGRATIONS]


def test_lock_held_past_the_busy_timeout_is_E502(tmp_path):
    path = tmp_path / "i.sqlite"
    Archive.open(path, create=True).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with Archive.open(path, busy_timeout=0.2) as archive:
            with pytest.raises(ArchiveError) as err:
                archive.put_document("/x/a.md", [make_claim()])
        assert err.value.code == "E502"
        assert "locked" in str(err.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_default_db_is_at_the_project_root(tmp_path, monkeypatch):
    (tmp_path / "factcheck.toml").write_text("")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert archive_mod.default_db_path() == tmp_path.resolve() / ".factcheck" / "index.sqlite"


# --- indexing real articles -----------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


@pytest.fixture(scope="module")
def ruleset():
    from checker.rules import load_rules

    return load_rules()


def seed_corpus(directory, names=None):
    """Copies of the seed articles (all, or those whose name starts with one of ``names``)."""
    directory.mkdir(parents=True, exist_ok=True)
    for seed in SEEDS:
        if names is None or seed.name[:3] in names:
            (directory / seed.name).write_bytes(seed.read_bytes())
    return directory


def test_index_stores_the_claims_attribution_gives(tmp_path, ruleset, monkeypatch):
    """Every claim read back equals the claim the pipeline attributes, field by field."""
    from checker.load import read_document
    from checker.pipeline import claims_for_document

    monkeypatch.chdir(tmp_path)
    corpus = seed_corpus(tmp_path / "corpus")
    with Archive.open(tmp_path / "i.sqlite", create=True) as archive:
        stats = index_paths(archive, [str(corpus)], ruleset, jobs=1)
        expected = []
        for path in sorted(corpus.iterdir()):
            doc = read_document(path.relative_to(tmp_path))
            expected.extend(claims_for_document(doc, ruleset)[1])
        stored = archive.claims_for_groups({(c.subject, c.metric) for c in expected})
    assert stats.indexed == 5 and stats.problems == 0
    assert stats.claims == len(expected) > 0
    assert sorted(stored, key=_order) == sorted(expected, key=_order)


def _order(c: Claim):
    return (c.path, c.mention.start, c.rule, c.subject, c.metric, c.qualifiers)


def test_reindex_skips_unchanged_files_without_reading_them(tmp_path, ruleset, monkeypatch):
    corpus = seed_corpus(tmp_path / "corpus")
    calls = []
    real = index_mod._process_file
    monkeypatch.setattr(index_mod, "_process_file", lambda t, *a: calls.append(t.file) or real(t, *a))
    for f in corpus.iterdir():  # written long ago: a fresh file is re-hashed once (see test_racy_...)
        os.utime(f, ns=(2_000_000_000, 2_000_000_000))
    with Archive.open(tmp_path / "i.sqlite", create=True) as archive:
        index_paths(archive, [str(corpus)], ruleset, jobs=1)
        before = archive.content()
        calls.clear()
        again = index_paths(archive, [str(corpus)], ruleset, jobs=1)
        assert (again.unchanged, again.indexed, calls) == (5, 0, [])
        # Touched (new mtime) but the same bytes: read and hashed once, not re-extracted ...
        for f in corpus.iterdir():
            os.utime(f, ns=(1_000_000_000, 1_000_000_000))
        touched = index_paths(archive, [str(corpus)], ruleset, jobs=1)
        assert (touched.unchanged, touched.indexed, len(calls)) == (5, 0, 5)
        # ... and the new mtime is remembered, so the next run reads nothing.
        calls.clear()
        index_paths(archive, [str(corpus)], ruleset, jobs=1)
        assert calls == []
        assert archive.content() == before


def test_changed_and_deleted_files_are_updated(tmp_path, ruleset):
    corpus = seed_corpus(tmp_path / "corpus")
    first, second = sorted(corpus.iterdir())[:2]
    with Archive.open(tmp_path / "i.sqlite", create=True) as archive:
        index_paths(archive, [str(corpus)], ruleset, jobs=1)
        n_before = archive.counts()
        first.write_text(first.read_text(encoding="utf-8") + "\n英伟达在数据中心AI市场拥有95%的市场份额。\n",
                         encoding="utf-8")
        second.unlink()
        stats = index_paths(archive, [str(corpus)], ruleset, jobs=1)
        assert (stats.indexed, stats.unchanged, stats.removed) == (1, 3, 1)
        assert archive.counts()["documents"] == n_before["documents"] - 1
        files = [row[0] for row in archive.content()[0]]
        assert os.path.abspath(second) not in files
        values = {c.mention.text for c in archive.claims_for_groups([("nvidia", "market-share")])
                  if c.path.endswith(first.name)}
        assert "95%" in values


def test_a_rules_change_reextracts(tmp_path):
    """A rule file edit changes RuleSet.version; the next run re-extracts every document."""
    import shutil

    from checker.resources import builtin_rules_dir
    from checker.rules import load_rules

    rules = tmp_path / "rules"
    shutil.copytree(builtin_rules_dir(), rules)
    corpus = seed_corpus(tmp_path / "corpus", names={"000", "001"})
    with Archive.open(tmp_path / "i.sqlite", create=True) as archive:
        index_paths(archive, [str(corpus)], load_rules([str(rules)]), jobs=1)
        target = sorted(rules.rglob("*.yaml"))[0]
        target.write_text(target.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
        stats = index_paths(archive, [str(corpus)], load_rules([str(rules)]), jobs=1)
    assert (stats.indexed, stats.unchanged) == (2, 0)


def test_unreadable_file_is_reported_and_kept(tmp_path, ruleset):
    corpus = seed_corpus(tmp_path / "corpus", names={"000"})
    (corpus / "broken.txt").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    with Archive.open(tmp_path / "i.sqlite", create=True) as archive:
        stats = index_paths(archive, [str(corpus)], ruleset, jobs=1)
        assert (stats.indexed, stats.problems) == (1, 1)
        assert "broken.txt" in stats.problem_messages[0]
        assert index_paths(archive, [str(corpus)], ruleset, jobs=1).unchanged == 2


def test_parallel_index_equals_serial_index(tmp_path, ruleset, monkeypatch):
    monkeypatch.chdir(tmp_path)
    seed_corpus(tmp_path / "corpus")
    with Archive.open(tmp_path / "serial.sqlite", create=True) as a, \
            Archive.open(tmp_path / "parallel.sqlite", create=True) as b:
        index_paths(a, ["corpus"], ruleset, jobs=1)
        index_paths(b, ["corpus"], ruleset, jobs=2, chunk_size=1)
        assert a.content() == b.content()
        assert a.counts()["claims"] > 0


# --- interruption and concurrent use (real processes) -------------------------------------------

import os  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402


def many_articles(directory, copies):
    """``copies`` distinct articles per seed (a numbered line appended to each)."""
    directory.mkdir(parents=True, exist_ok=True)
    for seed in SEEDS:
        text = seed.read_text(encoding="utf-8")
        for i in range(copies):
            (directory / f"{seed.stem}-{i:02d}.txt").write_text(f"{text}\n第{i}版。\n", encoding="utf-8")
    return directory


def factcheck(*args, cwd):
    return [sys.executable, "-m", "checker", *args], dict(cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                                         env={**os.environ, "PYTHONPATH": str(ROOT)})


def clean_content(tmp_path, corpus_name, ruleset):
    with Archive.open(tmp_path / "clean.sqlite", create=True) as clean:
        index_paths(clean, [corpus_name], ruleset, jobs=1)
        return clean.content()


def test_kill_in_the_middle_then_rerun_equals_a_clean_index(tmp_path, ruleset, monkeypatch):
    """SIGKILL while `factcheck index` is writing; the rerun completes the index, and it
    equals a clean index of the same files: nothing lost, nothing twice."""
    monkeypatch.chdir(tmp_path)
    many_articles(tmp_path / "corpus", copies=12)  # 60 files, committed in chunks of 15
    db = tmp_path / "i.sqlite"
    cmd, kw = factcheck("index", "corpus", "--db", str(db), "--jobs", "1", "--no-progress", cwd=tmp_path)
    proc = subprocess.Popen(cmd, **kw)
    deadline = time.monotonic() + 60
    committed = 0
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            try:
                with Archive.open(db, busy_timeout=1) as reader:
                    committed = reader.counts()["documents"]
            except ArchiveError:
                committed = 0  # still being created
            if committed:
                break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 0 < committed < 60, "the kill should land after the first commit and before the last"
    with Archive.open(db) as partial:
        assert partial.counts()["documents"] < 60

    cmd, kw = factcheck("index", "corpus", "--db", str(db), "--jobs", "2", "--no-progress", cwd=tmp_path)
    rerun = subprocess.run(cmd, **kw, timeout=120)
    assert rerun.returncode == 0, rerun.stderr.decode()
    assert "unchanged" in rerun.stderr.decode()
    with Archive.open(db) as resumed:
        assert resumed.content() == clean_content(tmp_path, "corpus", ruleset)


def test_two_indexers_and_a_reader_at_once(tmp_path, ruleset, monkeypatch):
    """Two `factcheck index` runs on one file and a reader polling it: all succeed and
    the index equals a clean one."""
    monkeypatch.chdir(tmp_path)
    many_articles(tmp_path / "corpus", copies=2)
    db = tmp_path / "i.sqlite"
    reader_code = (
        "import sys, time\n"
        "from checker.archive import Archive\n"
        "from checker.errors import ArchiveError\n"
        "end = time.monotonic() + 2; reads = 0\n"
        "while time.monotonic() < end:\n"
        "    try:\n"
        "        with Archive.open(sys.argv[1]) as a:\n"
        "            a.claims_for_groups([('nvidia', 'market-share')]); a.counts(); reads += 1\n"
        "    except ArchiveError as e:\n"
        "        if e.code not in ('E501', 'E503'): raise\n"  # not created yet
        "    time.sleep(0.005)\n"
        "print(reads)\n")
    cmd, kw = factcheck("index", "corpus", "--db", str(db), "--jobs", "1", "--no-progress", cwd=tmp_path)
    procs = [subprocess.Popen(cmd, **kw) for _ in range(2)]
    procs.append(subprocess.Popen([sys.executable, "-c", reader_code, str(db)], **kw))
    outs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err.decode()
    assert int(outs[2][0]) > 0
    with Archive.open(db) as result:
        assert result.content() == clean_content(tmp_path, "corpus", ruleset)


def test_rule_set_pickles_and_spawned_workers_index_the_same(tmp_path, ruleset, monkeypatch):
    """The rule set is plain data: it pickles, so workers started with ``spawn`` (macOS,
    Windows, Linux from Python 3.14) index exactly what one process does."""
    import pickle

    assert pickle.loads(pickle.dumps(ruleset)) == ruleset
    monkeypatch.chdir(tmp_path)
    seed_corpus(tmp_path / "corpus")
    with Archive.open(tmp_path / "serial.sqlite", create=True) as a, \
            Archive.open(tmp_path / "spawned.sqlite", create=True) as b:
        index_paths(a, ["corpus"], ruleset, jobs=1)
        index_paths(b, ["corpus"], ruleset, jobs=2, chunk_size=1, start_method="spawn")
        assert a.content() == b.content() and a.counts()["claims"] > 0


HOUSE_RULES = """
name: house
entities:
  acme: [艾克米, Acme]
claims:
  - id: acme-revenue
    subject: acme
    metric: revenue
    words: [营收, 收入]
    unit: CNY
    separate: [period]
"""


def test_index_uses_the_house_rules_check_uses(tmp_path, monkeypatch, capsys):
    """`factcheck index` resolves rules as `check` does (./rules/ here), so a draft checked
    --against the index meets the archive's claims of a house rule."""
    from checker.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "house.yaml").write_text(HOUSE_RULES, encoding="utf-8")
    (tmp_path / "archive").mkdir()
    (tmp_path / "archive" / "a.txt").write_text("艾克米2023年营收为120亿元。\n", encoding="utf-8")
    (tmp_path / "draft.txt").write_text("艾克米2023年营收达到150亿元。\n", encoding="utf-8")
    assert main(["index", "archive", "--db", "i.sqlite", "--no-progress", "--jobs", "1"]) == 0
    assert "1 claims" in capsys.readouterr().err
    code = main(["check", "draft.txt", "--against", "i.sqlite", "--format", "json"])
    found = json.loads(capsys.readouterr().out)["findings"]
    assert code == 1
    assert [(f["kind"], f["rule"]) for f in found] == [("contradiction", "house.acme-revenue")]
    assert {c["path"] for c in found[0]["claims"]} == {"draft.txt", "archive/a.txt"}


def test_cli_index_errors_exit_2_with_the_code(tmp_path, capsys):
    from checker.cli import main

    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database" * 100)
    seed_corpus(tmp_path / "corpus", names={"000"})
    assert main(["index", str(tmp_path / "corpus"), "--db", str(bad), "--no-progress"]) == 2
    assert "E503" in capsys.readouterr().err
    assert main(["index", "--db", str(tmp_path / "x.sqlite"), "--no-progress"]) == 2
    assert "no paths" in capsys.readouterr().err


def test_cli_index_writes_the_default_db_at_the_project_root(tmp_path, monkeypatch, capsys):
    from checker.cli import main

    (tmp_path / "factcheck.toml").write_text("", encoding="utf-8")
    seed_corpus(tmp_path / "articles" / "2024", names={"000", "001"})
    monkeypatch.chdir(tmp_path / "articles")
    assert main(["index", "2024", "--no-progress", "--jobs", "1"]) == 0
    err = capsys.readouterr().err
    assert "indexed 2 file(s)" in err
    with Archive.open(tmp_path / ".factcheck" / "index.sqlite") as archive:
        assert archive.counts()["documents"] == 2
    assert main(["index", "2024", "--no-progress"]) == 0
    assert "indexed 0 file(s)" in capsys.readouterr().err


# --- a draft against the index gives the findings of a full check ---------------------------------


@pytest.mark.parametrize("draft", ["000", "001", "002", "003", "004"])
def test_draft_against_the_index_equals_a_full_check(tmp_path, ruleset, monkeypatch, draft):
    """Index four seed articles, check the fifth against the index: exactly the findings
    a check of all five gives that involve the fifth."""
    from checker.pipeline import check

    monkeypatch.chdir(tmp_path)
    others = {s.name[:3] for s in SEEDS} - {draft}
    seed_corpus(tmp_path / "archive", names=others)
    (draft_file,) = seed_corpus(tmp_path / "drafts", names={draft}).iterdir()
    draft_path = f"drafts/{draft_file.name}"
    with Archive.open(tmp_path / "i.sqlite", create=True) as archive:
        index_paths(archive, ["archive"], ruleset, jobs=1)

    full = check(["archive", "drafts"], ruleset=ruleset, show_consistent=True)
    # the draft's own findings, and those an archive article has too (folded into its finding as a repeat)
    expected = [f for f in full.findings
                if any(c.path == draft_path for c in f.claims) or any(l.path == draft_path for l in f.locations)]
    repeated = [f for f in full.findings if any(loc.path == draft_path for loc in f.repeats)]
    fast = check(["drafts"], ruleset=ruleset, against=[str(tmp_path / "i.sqlite")], show_consistent=True)
    assert len(fast.findings) == len(expected) + len(repeated) > 0

    def of_the_draft(f, repeat=False):  # pre-publish findings are the draft's: its sides, the same verdict
        here = [*f.claims, *f.locations] if repeat else \
            [*(c for c in f.claims if c.path == draft_path), *(l for l in f.locations if l.path == draft_path)]
        texts = sorted(s.mention.text if hasattr(s, "mention") else s.text for s in here)
        return (f.kind, f.severity, f.rule, f.message, f.cause, tuple(texts))

    assert sorted(map(of_the_draft, fast.findings), key=repr) == sorted(
        [*map(of_the_draft, expected), *(of_the_draft(f, repeat=True) for f in repeated)], key=repr)
    assert all(f.archive for f in fast.findings if f.kind in ("contradiction", "divergence", "consistent")
               and any(c.path != draft_path for c in f.claims))
    if draft in ("000", "001", "004"):  # these share disputed claims with the others (seeds.yaml)
        assert any(f.kind in ("contradiction", "divergence") and len({c.path for c in f.claims}) > 1
                   for f in fast.findings)


def test_archive_claims_for_reads_only_the_groups_the_draft_touches(tmp_path, ruleset, monkeypatch):
    from checker.load import read_document
    from checker.pipeline import claims_for_document

    monkeypatch.chdir(tmp_path)
    seed_corpus(tmp_path / "archive", names={"000", "001", "002", "003"})
    db = tmp_path / "i.sqlite"
    with Archive.open(db, create=True) as archive:
        index_paths(archive, ["archive"], ruleset, jobs=1)
        total = archive.counts()["claims"]
    (draft,) = seed_corpus(tmp_path / "drafts", names={"004"}).iterdir()
    _, draft_claims = claims_for_document(read_document(draft), ruleset)
    found = archive_mod.archive_claims_for(draft_claims, db, corpus_rules=corpus_check_rules(draft_claims, ruleset))
    touched = {(c.subject, c.metric) for c in draft_claims}
    assert found and len(found) < total
    assert {(c.subject, c.metric) for c in found} <= touched
    assert not any(c.path.startswith("drafts/") for c in found)
    # The draft itself indexed too: its indexed copy is left out, not counted twice.
    with Archive.open(db) as archive:
        index_paths(archive, ["drafts"], ruleset, jobs=1)
    assert archive_mod.archive_claims_for(draft_claims, db, corpus_rules=corpus_check_rules(draft_claims, ruleset)) == found


def test_against_a_missing_index_file_is_e501(tmp_path, capsys):
    """--against NAME.sqlite that does not exist is a clear error (exit 2), not an empty archive."""
    from checker.cli import main

    code = main(["check", str(SEEDS[0]), "--against", str(tmp_path / "nope.sqlite"), "--format", "plain"])
    assert code == 2
    assert "E501" in capsys.readouterr().err
