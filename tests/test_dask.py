"""Indexing on Dask (``factcheck index --dask SCHEDULER|local``): the same archive as a
local run, into SQLite and PostgreSQL; clear errors when Dask is missing or unreachable."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

import pgserver
from checker.archive import Archive
from checker.index import index_paths

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))

distributed = pytest.importorskip("distributed", reason='Dask is not installed (pip install "factcheck[dask]")')


@pytest.fixture(scope="module")
def ruleset():
    from checker.rules import load_rules

    return load_rules()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The seeds and 60 generated articles."""
    base = tmp_path_factory.mktemp("dask")
    (base / "corpus" / "seeds").mkdir(parents=True)
    for seed in SEEDS:
        (base / "corpus" / "seeds" / seed.name).write_bytes(seed.read_bytes())
    spec = importlib.util.spec_from_file_location("bench_archive", ROOT / "bench" / "archive.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.generate(base / "corpus" / "generated", 60, chars=1500)
    return base


@pytest.fixture(scope="module")
def local_content(corpus, ruleset):
    import os

    cwd = os.getcwd()
    os.chdir(corpus)
    try:
        with Archive.open(corpus / "local.sqlite", create=True) as archive:
            index_paths(archive, ["corpus"], ruleset, jobs=1)
            return archive.content()
    finally:
        os.chdir(cwd)


@pytest.fixture(scope="module")
def cluster():
    """Two single-threaded workers in this process (fast to start on two cores)."""
    import logging

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address="127.0.0.1:0", silence_logs=logging.ERROR) as cluster, \
            distributed.Client(cluster) as client:
        yield client


def test_a_local_cluster_of_two_workers_indexes_what_one_process_does(corpus, ruleset, local_content, cluster,
                                                                       monkeypatch):
    monkeypatch.chdir(corpus)
    assert len(cluster.nthreads()) == 2
    seen = []
    with Archive.open(corpus / "dask.sqlite", create=True) as archive:
        stats = index_paths(archive, ["corpus"], ruleset, dask=cluster, chunk_size=4,
                            progress=lambda s, total: seen.append(s.indexed))
        assert archive.content() == local_content
    assert stats.indexed == len(SEEDS) + 60 and stats.claims == len(local_content[1]) > 0
    assert len(seen) > 5 and seen[-1] == stats.indexed  # progress after each partition
    both = {w["id"] for w in cluster.run(lambda dask_worker: {"id": dask_worker.id}).values()}
    assert len(both) == 2


def test_dask_indexing_into_postgresql_equals_a_local_run(corpus, ruleset, local_content, cluster, monkeypatch):
    missing = pgserver.driver_missing()
    url, reason = pgserver.admin_url() if not missing else (None, missing)
    if url is None:
        import os

        if os.environ.get(pgserver.ENV):
            pytest.fail(f"{pgserver.ENV} is set but {reason}")
        pytest.skip(reason)
    monkeypatch.chdir(corpus)
    db = pgserver.fresh_database()
    try:
        with Archive.open(db, create=True) as archive:
            index_paths(archive, ["corpus"], ruleset, dask=cluster, chunk_size=8)
            assert archive.content() == local_content
    finally:
        pgserver.drop_database(db)


def test_cli_dask_local_starts_a_cluster_and_indexes_the_same(corpus, local_content, monkeypatch, capsys):
    import socket
    import warnings

    from checker.cli import main

    monkeypatch.chdir(corpus)
    # a dashboard of the user's own on Dask's default port: the local cluster keeps off it, unwarned
    taken = socket.socket()
    try:
        taken.bind(("127.0.0.1", 8787))
        taken.listen()
    except OSError:
        pass  # in use already: taken either way
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert main(["index", "corpus", "--db", "cli.sqlite", "--dask", "local", "--jobs", "2",
                         "--no-progress"]) == 0
    finally:
        taken.close()
    assert not [w for w in caught if "8787" in str(w.message)]
    err = capsys.readouterr().err
    assert "2 Dask worker(s) of a local cluster" in err
    with Archive.open(corpus / "cli.sqlite") as archive:
        assert archive.content() == local_content


def test_an_unreachable_scheduler_is_e209_exit_2(tmp_path, monkeypatch, capsys):
    from checker import index as index_mod
    from checker.cli import main

    monkeypatch.setattr(index_mod, "DASK_CONNECT_TIMEOUT", 2)
    (tmp_path / "a.txt").write_bytes(SEEDS[0].read_bytes())
    code = main(["index", str(tmp_path), "--db", str(tmp_path / "i.sqlite"), "--dask", "tcp://127.0.0.1:9",
                 "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2 and "E209" in err and "tcp://127.0.0.1:9" in err and "Traceback" not in err


def test_dask_not_installed_is_e209_naming_the_extra(tmp_path, monkeypatch, capsys):
    from checker.cli import main

    monkeypatch.setitem(sys.modules, "distributed", None)
    (tmp_path / "a.txt").write_bytes(SEEDS[0].read_bytes())
    code = main(["index", str(tmp_path), "--db", str(tmp_path / "i.sqlite"), "--dask", "local", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2 and "E209" in err and "factcheck[dask]" in err
