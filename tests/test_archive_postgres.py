"""The PostgreSQL backend of the archive: the same claims and findings as SQLite, safe
under concurrent indexers and readers and a SIGKILL, clear errors without credentials.

The server is the one FACTCHECK_TEST_PG names (``.ci/run`` starts one), else a throwaway
cluster started from the installed PostgreSQL binaries (tests/pgserver.py); without
either the server tests skip, saying why.  With FACTCHECK_TEST_PG set they never skip.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import pgserver
from checker.archive import MIGRATIONS, PG_MIGRATIONS, Archive, mask_url
from checker.errors import ArchiveError
from checker.index import index_paths

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))

#: Articles generated for the cross-backend comparison (bench/archive.py's generator).
#: The 10,000-article comparison was run once as a measurement (docs/archive.md).
GENERATED = 300


def require_server() -> str:
    """The admin URL, or skip (no driver / no server) — never skip when FACTCHECK_TEST_PG is set."""
    required = bool(os.environ.get(pgserver.ENV))
    missing = pgserver.driver_missing()
    if missing:
        if required:
            pytest.fail(f"{pgserver.ENV} is set but {missing}")
        pytest.skip(missing)
    url, reason = pgserver.admin_url()
    if url is None:
        pytest.skip(reason)
    return url


@pytest.fixture
def pg_url():
    require_server()
    url = pgserver.fresh_database()
    yield url
    pgserver.drop_database(url)


@pytest.fixture(scope="module")
def ruleset():
    from checker.rules import load_rules

    return load_rules()


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_archive", ROOT / "bench" / "archive.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def factcheck(*args, cwd, **env):
    return [sys.executable, "-m", "checker", *args], dict(
        cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env})


def many_articles(directory: Path, copies: int) -> Path:
    """``copies`` distinct articles per seed (a numbered line appended to each)."""
    directory.mkdir(parents=True, exist_ok=True)
    for seed in SEEDS:
        text = seed.read_text(encoding="utf-8")
        for i in range(copies):
            (directory / f"{seed.stem}-{i:02d}.txt").write_text(f"{text}\n第{i}版。\n", encoding="utf-8")
    return directory


# --- without a server ---------------------------------------------------------------------------


def test_both_backends_have_the_same_migrations_by_name():
    assert [name for name, _ in PG_MIGRATIONS] == [name for name, _ in MIGRATIONS]


MASKED = [
    ("postgresql://editor:s3cret@db.example/archive", "postgresql://editor:***@db.example/archive"),
    ("postgres://editor:p%40ss@db.example:5433/archive?sslmode=require",
     "postgres://editor:***@db.example:5433/archive?sslmode=require"),
    ("postgresql://editor:a@b@db.example/archive", "postgresql://editor:***@db.example/archive"),
    ("postgresql://editor@db.example/archive", "postgresql://editor@db.example/archive"),
    ("postgresql://db.example/archive?user=editor&password=s3cret",
     "postgresql://db.example/archive?user=editor&password=***"),
    ("host=db.example password='s3 cret' dbname=archive", "host=db.example password=*** dbname=archive"),
    ("index/archive.sqlite", "index/archive.sqlite"),
]


@pytest.mark.parametrize("location, shown", MASKED)
def test_passwords_in_archive_locations_are_masked(location, shown):
    assert mask_url(location) == shown


def test_a_missing_driver_is_e507_naming_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(ArchiveError) as err:
        Archive.open("postgresql://editor:s3cret@127.0.0.1/archive")
    assert err.value.code == "E507"
    assert "factcheck[postgres]" in str(err.value) and "s3cret" not in str(err.value)


def test_an_unreachable_server_is_e505_exit_2_without_the_password(tmp_path, capsys):
    """Nothing listens on the port: one line with E505, exit 2, no traceback, no password."""
    if pgserver.driver_missing():
        pytest.skip(pgserver.driver_missing())
    from checker.cli import main

    port = pgserver._free_port()
    url = f"postgresql://editor:s3cret-word@127.0.0.1:{port}/archive?connect_timeout=3"
    (tmp_path / "a.txt").write_text(SEEDS[0].read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["index", str(tmp_path), "--db", url, "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "E505" in err and "Traceback" not in err and "s3cret-word" not in err
    assert "editor:***@127.0.0.1" in err
    assert main(["check", str(tmp_path / "a.txt"), "--against", url, "--format", "json"]) == 2
    err = capsys.readouterr().err
    assert "E505" in err and "s3cret-word" not in err


# --- one server, both backends ----------------------------------------------------------------


def test_migrations_are_applied_by_name_on_both_backends(pg_url, tmp_path):
    with Archive.open(pg_url, create=True) as pg, Archive.open(tmp_path / "i.sqlite", create=True) as lite:
        assert pg.backend == "postgresql" and lite.backend == "sqlite"
        assert pg.migrations_applied() == lite.migrations_applied() == [n for n, _ in MIGRATIONS]
        assert pg.schema_version == lite.schema_version == len(MIGRATIONS)
        assert "***" in pg.path and pgserver.PASSWORD not in pg.path
    with Archive.open(pg_url) as again:  # opening again applies nothing
        assert again.migrate() == []


@pytest.fixture(scope="module")
def both(tmp_path_factory, ruleset):
    """The seeds plus a generated corpus, indexed into SQLite and into PostgreSQL."""
    require_server()
    base = tmp_path_factory.mktemp("both")
    corpus = base / "corpus"
    (corpus / "seeds").mkdir(parents=True)
    for seed in SEEDS:
        (corpus / "seeds" / seed.name).write_bytes(seed.read_bytes())
    load_bench().generate(corpus / "generated", GENERATED, chars=1500)
    url = pgserver.fresh_database()
    lite = base / "archive.sqlite"
    cwd = os.getcwd()
    os.chdir(base)
    try:
        with Archive.open(lite, create=True) as a:
            index_paths(a, ["corpus"], ruleset, jobs=2)
        with Archive.open(url, create=True) as b:
            index_paths(b, ["corpus"], ruleset, jobs=2)
        yield base, lite, url
    finally:
        os.chdir(cwd)
        pgserver.drop_database(url)


def test_seeds_and_a_generated_corpus_give_identical_claims_on_both_backends(both):
    _, lite, url = both
    with Archive.open(lite) as a, Archive.open(url) as b:
        docs_a, claims_a = a.content()
        docs_b, claims_b = b.content()
        assert len(docs_a) == len(SEEDS) + GENERATED
        assert len(claims_a) > 500
        assert docs_a == docs_b
        assert claims_a == claims_b  # every column of every claim, in the same order
        assert a.group_sizes() == b.group_sizes()
        groups = sorted(a.group_sizes())
        assert a.claims_for_groups(groups) == b.claims_for_groups(groups)


def test_every_draft_against_either_backend_gives_the_same_findings(both, ruleset, monkeypatch):
    """Each seed and every tenth generated article, checked --against each backend."""
    from checker.pipeline import check

    base, lite, url = both
    monkeypatch.chdir(base)
    drafts = [f"corpus/seeds/{s.name}" for s in SEEDS]
    drafts += [str(p.relative_to(base)) for p in sorted((base / "corpus" / "generated").rglob("*.md"))[::10]]
    disputed = 0
    for draft in drafts:
        from_lite = check([draft], ruleset=ruleset, against=[str(lite)], show_consistent=True)
        from_pg = check([draft], ruleset=ruleset, against=[url], show_consistent=True)
        assert from_pg.findings == from_lite.findings, draft
        assert from_pg.claims == from_lite.claims
        disputed += sum(f.kind in ("contradiction", "divergence") for f in from_pg.findings)
    assert disputed > 0


def test_both_backends_keep_the_same_summaries_and_answer_a_new_draft_from_them_alike(both, ruleset, monkeypatch,
                                                                                      tmp_path):
    from checker.pipeline import check

    base, lite, url = both
    with Archive.open(lite) as a, Archive.open(url) as b:
        groups = sorted(a.group_sizes())
        got_a, got_b = a.summaries_for(groups), b.summaries_for(groups)
        assert None not in got_a.values() and None not in got_b.values()

        def placeless(summary):  # claim ids differ between backends; paths, counts and values do not
            return [(k.cls, k.rule, k.qualifiers, k.negated, k.time, k.doc_date, k.quantity, k.claims, k.articles,
                     k.newest, tuple(e[1:] for e in k.examples), k.firsts_at)
                    for k in summary.classes(t.cls for t in summary.times)]
        assert {g: placeless(s) for g, s in got_a.items()} == {g: placeless(s) for g, s in got_b.items()}
    draft = tmp_path / "draft.txt"  # not in the archive: answered from the summaries
    draft.write_text("date: 2024-06-01\n" + SEEDS[4].read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.chdir(base)
    from_lite = check([str(draft)], ruleset=ruleset, against=[str(lite)], show_consistent=True)
    from_pg = check([str(draft)], ruleset=ruleset, against=[url], show_consistent=True)
    assert from_lite.findings and from_pg.findings == from_lite.findings


def test_the_cli_checks_a_draft_against_a_postgresql_url(both, monkeypatch, capsys):
    from checker.cli import main

    base, lite, url = both
    monkeypatch.chdir(base)
    draft = f"corpus/seeds/{SEEDS[1].name}"
    code_lite = main(["check", draft, "--against", str(lite), "--format", "json"])
    out_lite = json.loads(capsys.readouterr().out)
    code_pg = main(["check", draft, "--against", url, "--format", "json"])
    captured = capsys.readouterr()
    assert (code_pg, json.loads(captured.out)) == (code_lite, out_lite)
    assert out_lite["findings"]
    assert pgserver.PASSWORD not in captured.err + captured.out


def test_claims_outside_an_interval_are_a_gist_range_query_with_the_same_answer(both):
    """The claims of a group whose interval cannot meet [low, high]: the same on both
    backends, and on PostgreSQL read through the GiST index claims_by_interval."""
    from decimal import Decimal

    _, lite, url = both
    with Archive.open(lite) as a, Archive.open(url) as b:
        (subject, metric), size = max(a.group_sizes().items(), key=lambda kv: kv[1])
        claims = a.claims_for_groups([(subject, metric)])
        unit = claims[0].mention.quantity.unit
        values = sorted(c.mention.quantity.low for c in claims
                        if c.mention.quantity.unit == unit and c.mention.quantity.low is not None)
        low, high = values[len(values) // 3], values[2 * len(values) // 3]
        for lo, hi in ((low, high), (None, high), (low, None), (Decimal(0), Decimal(0))):
            got_a = a.claims_outside(subject, metric, unit, lo, hi)
            got_b = b.claims_outside(subject, metric, unit, lo, hi)
            assert got_a == got_b, (lo, hi)
        outside = a.claims_outside(subject, metric, unit, low, high)
        assert 0 < len(outside) < size
        b._conn.execute("SET enable_seqscan = off")
        plan = "\n".join(r[0] for r in b._conn.execute(
            "EXPLAIN SELECT id FROM claims WHERE subject = %s AND metric = %s "
            "AND span << numrange(%s, %s, '[]')", (subject, metric, low, high)))
        assert "claims_by_interval" in plan, plan


# --- re-indexing, concurrency, interruption ------------------------------------------------------


def test_reindexing_a_changed_file_replaces_its_claims(pg_url, tmp_path, ruleset, monkeypatch):
    """ON CONFLICT (file): a changed file is replaced, an unchanged one skipped, a deleted
    one removed; the result equals an SQLite index of the final files."""
    monkeypatch.chdir(tmp_path)
    corpus = many_articles(tmp_path / "corpus", copies=2)
    first, second = sorted(corpus.iterdir())[:2]
    with Archive.open(pg_url, create=True) as pg:
        index_paths(pg, ["corpus"], ruleset, jobs=1)
        first.write_text(first.read_text(encoding="utf-8") + "\n英伟达在数据中心AI市场拥有95%的市场份额。\n",
                         encoding="utf-8")
        second.unlink()
        stats = index_paths(pg, ["corpus"], ruleset, jobs=1)
        assert (stats.indexed, stats.removed, stats.unchanged) == (1, 1, len(SEEDS) * 2 - 2)
        with Archive.open(tmp_path / "clean.sqlite", create=True) as clean:
            index_paths(clean, ["corpus"], ruleset, jobs=1)
            assert pg.content() == clean.content()


def test_several_indexers_and_readers_at_once_lose_and_duplicate_nothing(pg_url, tmp_path, ruleset,
                                                                           monkeypatch):
    """Four `factcheck index` processes over overlapping paths of one PostgreSQL archive,
    and two readers checking drafts against it meanwhile: all succeed, and the archive
    equals a clean index: every document once, every claim once."""
    monkeypatch.chdir(tmp_path)
    many_articles(tmp_path / "corpus" / "a", copies=4)
    many_articles(tmp_path / "corpus" / "b", copies=4)
    reader = (
        "import sys, time\n"
        "from checker.archive import Archive, archive_claims_for\n"
        "from checker.errors import ArchiveError\n"
        "from checker.load import read_document\n"
        "from checker.pipeline import claims_for_document\n"
        "from checker.rules import load_rules\n"
        "_, claims = claims_for_document(read_document(sys.argv[2]), load_rules())\n"
        # 4 s of reads, and at least one successful read (under load the indexers may take
        # longer than that to create the schema), within 120 s
        "end = time.monotonic() + 4; last = end + 116; reads = 0\n"
        "while time.monotonic() < end or (reads == 0 and time.monotonic() < last):\n"
        "    try:\n"
        "        archive_claims_for(claims, sys.argv[1])\n"
        "        with Archive.open(sys.argv[1]) as a: a.counts()\n"
        "        reads += 1\n"
        "    except ArchiveError as e:\n"
        "        if e.code != 'E503': raise\n"  # the schema is not created yet
        "        time.sleep(0.01)\n"
        "print(reads)\n")
    procs = []
    for paths in (["corpus"], ["corpus/a"], ["corpus/b"], ["corpus/b", "corpus/a"]):
        cmd, kw = factcheck("index", *paths, "--db", pg_url, "--jobs", "1", "--no-progress", cwd=tmp_path)
        procs.append(subprocess.Popen(cmd, **kw))
    for _ in range(2):
        _, kw = factcheck(cwd=tmp_path)
        procs.append(subprocess.Popen([sys.executable, "-c", reader, pg_url, str(SEEDS[0])], **kw))
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err.decode()
    assert all(int(out) > 0 for out, _ in outs[4:])
    with Archive.open(pg_url) as pg, Archive.open(tmp_path / "clean.sqlite", create=True) as clean:
        index_paths(clean, ["corpus"], ruleset, jobs=1)
        assert pg.counts() == clean.counts() and pg.counts()["documents"] == len(SEEDS) * 8
        assert pg.content() == clean.content()
        duplicates = pg._conn.execute("SELECT count(*) FROM (SELECT file FROM documents GROUP BY file "
                                      "HAVING count(*) > 1) d").fetchone()[0]
        assert duplicates == 0


def test_a_killed_indexer_leaves_the_archive_consistent_and_the_rerun_completes_it(pg_url, tmp_path,
                                                                                     ruleset, monkeypatch):
    """SIGKILL while `factcheck index` writes to PostgreSQL: every committed document has
    all its claims and no other; the next run completes the archive, equal to a clean one."""
    monkeypatch.chdir(tmp_path)
    many_articles(tmp_path / "corpus", copies=12)  # 60 files, committed in chunks of 15
    with Archive.open(tmp_path / "clean.sqlite", create=True) as clean:
        index_paths(clean, ["corpus"], ruleset, jobs=1)
        clean_docs, clean_claims = clean.content()
    cmd, kw = factcheck("index", "corpus", "--db", pg_url, "--jobs", "1", "--no-progress", cwd=tmp_path)
    proc = subprocess.Popen(cmd, **kw)
    deadline = time.monotonic() + 120
    committed = 0
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with Archive.open(pg_url) as reader:
                committed = reader.counts()["documents"]
        except ArchiveError:
            committed = 0  # the schema is being created
        if committed:
            break
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 0 < committed < 60, "the kill should land after the first commit and before the last"
    with Archive.open(pg_url) as partial:
        docs, claims = partial.content()
        assert 0 < len(docs) < 60
        files = {d[0] for d in docs}
        assert claims == [c for c in clean_claims if c[0] in files]  # whole documents only
    cmd, kw = factcheck("index", "corpus", "--db", pg_url, "--jobs", "2", "--no-progress", cwd=tmp_path)
    rerun = subprocess.run(cmd, **kw, timeout=300)
    assert rerun.returncode == 0, rerun.stderr.decode()
    assert "unchanged" in rerun.stderr.decode()
    with Archive.open(pg_url) as resumed:
        assert resumed.content() == (clean_docs, clean_claims)


# --- errors and selection --------------------------------------------------------------------------


def test_a_wrong_password_is_e506_exit_2_and_never_printed(pg_url, tmp_path, capsys):
    from checker.cli import main
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(pg_url)
    wrong = urlunsplit(parts._replace(netloc=f"{parts.username}:Wr0ng-Passw0rd@{parts.hostname}:{parts.port}"))
    (tmp_path / "a.txt").write_text(SEEDS[0].read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["index", str(tmp_path), "--db", wrong, "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "E506" in err and "Traceback" not in err
    assert "Wr0ng-Passw0rd" not in err and f"{parts.username}:***@" in err
    assert main(["check", str(tmp_path / "a.txt"), "--against", wrong]) == 2
    err = capsys.readouterr().err
    assert "E506" in err and "Wr0ng-Passw0rd" not in err


def test_a_missing_database_is_e501_and_an_empty_one_e503(pg_url, capsys):
    from checker.cli import main

    missing = pgserver.with_database(pg_url, "fc_no_such_database")
    assert main(["check", str(SEEDS[0]), "--against", missing]) == 2
    err = capsys.readouterr().err
    assert "E501" in err and pgserver.PASSWORD not in err
    assert main(["check", str(SEEDS[0]), "--against", pg_url]) == 2  # exists, never indexed
    assert "E503" in capsys.readouterr().err


def test_a_database_of_another_program_is_e503(pg_url):
    import psycopg

    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE payroll (id int)")
    with pytest.raises(ArchiveError) as err:
        Archive.open(pg_url, create=True)
    assert err.value.code == "E503"


def test_factcheck_db_and_the_config_choose_the_archive(pg_url, tmp_path, monkeypatch, capsys):
    from checker.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").write_bytes(SEEDS[0].read_bytes())
    monkeypatch.setenv("FACTCHECK_DB", pg_url)
    assert main(["index", "articles", "--no-progress", "--jobs", "1"]) == 0
    err = capsys.readouterr().err
    assert "1 documents" in err and "***" in err and pgserver.PASSWORD not in err
    monkeypatch.delenv("FACTCHECK_DB")
    (tmp_path / "factcheck.toml").write_text(f'db = "{pg_url}"\n', encoding="utf-8")
    (tmp_path / "articles" / "b.txt").write_bytes(SEEDS[1].read_bytes())
    assert main(["index", "articles", "--no-progress", "--jobs", "1"]) == 0
    assert "2 documents" in capsys.readouterr().err
    assert not (tmp_path / ".factcheck").exists()  # nothing went to the default SQLite file
