"""Hard to break: every reproducer of issue 17 as a test.  Rule files and configuration
fail with a code and a place (never a traceback, never unbounded work); inputs that are not
articles are refused without hanging; the walk says what it skips; index workers die with
their parent; SIGTERM ends a run like Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from checker.config import load_config
from checker.errors import ConfigError, RuleFileError
from checker.load import load_documents, read_document
from checker.model import LoadProblem
from checker.rules import load_rules, load_rules_text

pytestmark = pytest.mark.issue(17)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))

GOOD = """\
name: ev
entities:
  catl:
    names: [宁德时代, CATL]
claims:
  - id: battery-price
    subject: catl
    metric: pack-price
    words: [价格, 售价]
    unit: USD
"""
CHECK = GOOD + """\
checks:
  - id: c1
    formula: total = a * b
    variables: {total: ev.battery-price, a: ev.battery-price, b: ev.battery-price}
"""


def _laughs(levels: int = 9) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


#: (what, rule file text, code, line or None, words in the message)
RULE_FILES = [
    ("Decimal overflow", GOOD + "    tolerance: 1e999999999\n", "E304", 11, "out of range"),
    ("Decimal overflow as text", GOOD + "    tolerance: '1e999999999'\n", "E304", 11, "out of range"),
    ("range out of range", GOOD + "    range: [0, 1e999999]\n", "E304", 11, "out of range"),
    ("level given as a list", CHECK + "    level: [error]\n", "E304", 15, "bad level"),
    ("explicit tag on the wrong scalar", GOOD.replace("unit: USD", "unit: !!bool x"), "E304", 10, "!!bool"),
    ("binary tag", GOOD.replace("unit: USD", "unit: !!binary zz"), "E301", 10, "base64"),
    ("python tag", GOOD.replace("unit: USD", "unit: !!python/object:os.system x"), "E301", 10, "constructor"),
    ("non-scalar key under checks", GOOD + "checks:\n  - {[a]: 1}\n", "E302", 12, "unknown key"),
    ("non-scalar entity id", GOOD.replace("  catl:\n", "  ? [catl]\n  :\n"), "E304", 3, "not a valid id"),
    ("deeply nested flow", GOOD + "description: " + "[" * 3000 + "]" * 3000 + "\n", "E301", 11, "nested"),
    ("deeply nested block", GOOD + "description:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 1500)),
     "E301", None, "nested"),
    ("1,200-character word", GOOD.replace("words: [价格, 售价]", "words: [价格, " + "价" * 1200 + "]"), "E304", 9,
     "1,200 characters"),
    ("huge repeat count", GOOD.replace("words: [价格, 售价]", "patterns: ['a{1000000000}']"), "E307", 9,
     "repeat count"),
    ("huge open repeat", GOOD.replace("words: [价格, 售价]", "patterns: ['a{5,99999}b']"), "E307", 9,
     "repeat count"),
    ("over-long pattern", GOOD.replace("words: [价格, 售价]", "patterns: ['" + "价格|" * 300 + "x']"), "E307", 9,
     "characters long"),
    ("billion laughs", _laughs(), "E301", 2, "alias"),
    ("backtracking only on the pattern's own words",
     GOOD.replace("words: [价格, 售价]", "patterns: ['^(英伟达|英伟|达|伟达)*$']"), "E308", 9, "too long"),
    ("nested repetition", GOOD.replace("words: [价格, 售价]", "patterns: ['(a|aa)+$']"), "E308", 9, "too long"),
]


@pytest.mark.parametrize("what, text, code, line, words", RULE_FILES, ids=[r[0] for r in RULE_FILES])
def test_rule_file_errors_have_a_code_and_a_place(what, text, code, line, words):
    started = time.perf_counter()
    with pytest.raises(RuleFileError) as info:
        load_rules_text(text, "rules/ev.yaml")
    error = info.value
    assert (error.code, error.path) == (code, "rules/ev.yaml"), str(error)
    if line is not None:
        assert error.line == line, str(error)
    assert words in str(error)
    assert len(str(error)) < 700  # the value quoted is cut, not the whole 1,200 characters
    assert time.perf_counter() - started < 2


def test_a_value_in_a_message_is_cut():
    with pytest.raises(RuleFileError) as info:
        load_rules_text(GOOD.replace("unit: USD", "unit: " + "x" * 5000), "rules/ev.yaml")
    assert info.value.code == "E304" and len(str(info.value)) < 700


def test_only_regular_files_are_read_as_rules(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "a.yaml").write_text(GOOD, encoding="utf-8")
    os.mkfifo(rules / "fifo.yaml")
    with pytest.raises(RuleFileError) as info:
        load_rules([str(rules)])  # would wait for a writer forever
    assert info.value.code == "E301" and "not a regular file" in info.value.message
    (rules / "fifo.yaml").unlink()
    (rules / "zero.yaml").symlink_to("/dev/zero")
    with pytest.raises(RuleFileError) as info:
        load_rules([str(rules)])  # would read until MemoryError
    assert "not a regular file" in info.value.message


def test_an_over_large_rule_file_is_refused(tmp_path, monkeypatch):
    import checker.rules.source as source

    monkeypatch.setattr(source, "MAX_RULE_FILE_BYTES", 1000)
    path = tmp_path / "big.yaml"
    path.write_text(GOOD + "# " + "x" * 2000 + "\n", encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        load_rules([str(path)])
    assert info.value.code == "E301" and "too large" in info.value.message


# --- configuration -------------------------------------------------------------------------


def test_a_bad_include_glob_is_a_config_error(tmp_path):
    (tmp_path / "factcheck.toml").write_text('include = ["*.md", "[z-a]"]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "factcheck.toml")
    assert info.value.code == "E403" and info.value.line == 1 and "[z-a]" in info.value.message


def test_a_rules_path_outside_the_project_is_a_warning_naming_it(tmp_path, capsys, monkeypatch):
    from checker.cli import main

    project = tmp_path / "project"
    project.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "r.yaml").write_text(GOOD, encoding="utf-8")
    (project / "factcheck.toml").write_text('rules = ["../elsewhere"]\n', encoding="utf-8")
    config = load_config(project / "factcheck.toml")
    assert len(config.warnings) == 1 and "../elsewhere" in config.warnings[0]
    assert load_config_inside(project).warnings == ()
    monkeypatch.chdir(project)
    assert main(["rules", "list"]) == 0
    err = capsys.readouterr().err
    assert "warning: rules path '../elsewhere' is outside the project" in err


def load_config_inside(project: Path):
    (project / "rules").mkdir(exist_ok=True)
    (project / "inside.toml").write_text('rules = ["rules/"]\n', encoding="utf-8")
    return load_config(project / "inside.toml")


def test_deeply_nested_toml_is_a_config_error(tmp_path):
    (tmp_path / "factcheck.toml").write_text("x = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "factcheck.toml")
    assert info.value.code in ("E401", "E402")


# --- inputs ------------------------------------------------------------------------------------


def factcheck(*args, cwd, env=None, timeout=60):
    return subprocess.run([sys.executable, "-m", "checker", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def test_a_fifo_article_is_refused_without_hanging(tmp_path):
    os.mkfifo(tmp_path / "pipe.md")
    done = factcheck("check", "pipe.md", "--no-progress", cwd=tmp_path, timeout=30)
    assert done.returncode == 2
    assert "pipe.md: E201 is not a regular file" in done.stderr
    (tmp_path / "corpus").mkdir()
    os.mkfifo(tmp_path / "corpus" / "in-a-walk.md")
    (tmp_path / "corpus" / "good.txt").write_bytes(SEEDS[0].read_bytes())
    items = list(load_documents([str(tmp_path / "corpus")]))
    problems = [i for i in items if isinstance(i, LoadProblem)]
    assert [(Path(p.path).name, p.code) for p in problems] == [("in-a-walk.md", "E201")]


def test_index_of_dev_zero_ends_with_e201(tmp_path, monkeypatch, capsys):
    from checker.cli import main

    monkeypatch.chdir(tmp_path)
    main(["index", "/dev/zero", "--db", "i.sqlite", "--no-progress", "--jobs", "1"])
    err = capsys.readouterr().err
    assert "MemoryError" not in err and "E100" not in err
    assert "/dev/zero: E201 is not a regular file" in err
    with pytest.raises(Exception) as info:
        read_document("/dev/zero")
    assert getattr(info.value, "code", None) == "E201"


@pytest.mark.parametrize("value", ["inf", "nan", "-1", "0", "lots", "1e9"])
def test_a_bad_max_file_mb_is_a_usage_error(tmp_path, value, monkeypatch, capsys):
    from checker.cli import main

    (tmp_path / "a.txt").write_bytes(SEEDS[0].read_bytes())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FACTCHECK_MAX_FILE_MB", value)
    assert main(["check", "a.txt", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "E207 bad FACTCHECK_MAX_FILE_MB value" in err and "E100" not in err


def test_a_file_mixing_big5_and_gbk_is_named_not_read_as_mojibake(tmp_path):
    gbk = "英伟达在数据中心AI市场拥有98%的市场份额。据报道，微软和谷歌也在开发自己的芯片。\n" * 3
    big5 = "輝達在資料中心AI市場擁有80%的市場份額。台積電表示，先進製程的產能仍然吃緊。\n" * 3
    path = tmp_path / "mixed.txt"
    path.write_bytes(gbk.encode("gbk") + big5.encode("big5"))
    (problem,) = list(load_documents([str(path)]))
    assert isinstance(problem, LoadProblem) and problem.code == "E202"
    assert "mixes encodings" in problem.message and "GBK on lines 1, 2, 3" in problem.message
    assert "Big5 on lines 4, 5, 6" in problem.message
    for text, codec in ((gbk, "gbk"), (big5, "big5")):  # each alone is still read
        path.write_bytes(text.encode(codec))
        (doc,) = list(load_documents([str(path)]))
        assert doc.text == text


def test_the_walk_reports_loops_and_directories_it_cannot_read(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    (corpus / "deep").mkdir(parents=True)
    (corpus / "good.txt").write_bytes(SEEDS[0].read_bytes())
    (corpus / "loop-a.md").symlink_to(corpus / "loop-b.md")
    (corpus / "loop-b.md").symlink_to(corpus / "loop-a.md")
    real_scandir = os.scandir

    def scandir(path):
        if os.fspath(path).endswith("deep"):
            raise OSError(36, "File name too long")
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    items = list(load_documents([str(corpus)]))
    problems = {Path(i.path).name: i.message for i in items if isinstance(i, LoadProblem)}
    assert set(problems) == {"deep", "loop-a.md", "loop-b.md"}, problems
    assert "File name too long" in problems["deep"] and "symbolic link loop" in problems["loop-a.md"]
    assert sum(1 for i in items if not isinstance(i, LoadProblem)) == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a directory whatever its mode")
def test_the_walk_reports_an_unreadable_directory(tmp_path):
    locked = tmp_path / "corpus" / "locked"
    locked.mkdir(parents=True)
    locked.chmod(0)
    try:
        items = list(load_documents([str(tmp_path / "corpus")]))
    finally:
        locked.chmod(0o755)
    assert [(Path(i.path).name, i.code) for i in items] == [("locked", "E201")]


def test_a_change_with_the_same_size_and_mtime_is_not_missed(tmp_path):
    from checker.archive import Archive
    from checker.index import index_paths

    ruleset = load_rules()
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    article = corpus / "a.txt"
    article.write_text("英伟达在数据中心AI市场拥有98%的市场份额。\n", encoding="utf-8")
    with Archive.open(tmp_path / "i.sqlite", create=True) as archive:
        assert index_paths(archive, [str(corpus)], ruleset, jobs=1).indexed == 1
        stat = article.stat()
        article.write_text("英伟达在数据中心AI市场拥有88%的市场份额。\n", encoding="utf-8")  # same size
        os.utime(article, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same mtime
        again = index_paths(archive, [str(corpus)], ruleset, jobs=1)
        assert again.indexed == 1
        values = {c.mention.text for c in archive.claims_for_groups([("nvidia", "market-share")])}
    assert values == {"88%"}


# --- user patterns: budgets ---------------------------------------------------------------------


class _SlowCompiled:
    """A compiled pattern that always runs out of time."""

    def search(self, text, timeout=None):
        time.sleep(min(timeout or 0, 0.01))
        raise TimeoutError


def test_a_pattern_that_times_out_is_reported_once_with_its_file_and_line(monkeypatch):
    from checker.rules import patterns

    patterns.reset_budgets()
    slow = patterns.UserPattern("(慢+)+", _SlowCompiled(), "rules/slow.yaml", 12)
    patterns.begin_document("a.md")
    assert [patterns.search(slow, "慢慢慢") for _ in range(5)] == [False] * 5
    patterns.begin_document("b.md")
    patterns.search(slow, "慢")
    notes = patterns.take_notes()
    assert len(notes) == 1 and notes[0].startswith("rules/slow.yaml:12: warning: pattern '(慢+)+' timed out 6 ")
    assert patterns.take_notes() == []


def test_patterns_stop_when_the_document_budget_is_spent(monkeypatch):
    from checker.rules import patterns

    patterns.reset_budgets()
    monkeypatch.setattr(patterns, "DOCUMENT_BUDGET", 0.03)
    slow = patterns.UserPattern("x", _SlowCompiled(), "rules/slow.yaml", 3)
    patterns.begin_document("long.md")
    started = time.perf_counter()
    for _ in range(1000):
        patterns.search(slow, "x")
    assert time.perf_counter() - started < 0.5  # not 1000 timeouts
    notes = patterns.take_notes()
    assert any("budget on long.md" in n for n in notes)
    patterns.begin_document("next.md")  # a fresh budget for the next document
    assert patterns._BUDGET.document_exhausted is False
    patterns.reset_budgets()


# --- processes ----------------------------------------------------------------------------------


def _children_of(pid: int) -> set[int]:
    """Every live descendant of ``pid`` (from /proc)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            parents[int(entry)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _start_index(tmp_path: Path) -> tuple[subprocess.Popen, set[int]]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for seed in SEEDS:
        text = seed.read_text(encoding="utf-8")
        for i in range(60):
            (corpus / f"{seed.stem}-{i:02d}.txt").write_text(f"{text}\n第{i}版。\n", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "checker", "index", "corpus", "--db", "i.sqlite", "--jobs", "2",
                             "--no-progress"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 30
    children: set[int] = set()
    while time.monotonic() < deadline and proc.poll() is None:
        children = _children_of(proc.pid)
        if len(children) >= 3:  # the forkserver (or resource tracker) and two workers
            time.sleep(0.3)
            children = _children_of(proc.pid)
            break
        time.sleep(0.05)
    assert proc.poll() is None, "index finished before its workers were seen"
    return proc, children


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find the workers")
def test_no_worker_outlives_a_killed_index(tmp_path):
    proc, children = _start_index(tmp_path)
    assert len(children) >= 2
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_alive(c) for c in children):
        time.sleep(0.1)
    assert not [c for c in children if _alive(c)], "workers still running after their parent was killed"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find the workers")
def test_sigterm_ends_index_like_ctrl_c(tmp_path):
    from checker.archive import Archive

    proc, children = _start_index(tmp_path)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 143, err
    assert "factcheck: terminated" in err and "Traceback" not in err
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_alive(c) for c in children):
        time.sleep(0.1)
    assert not [c for c in children if _alive(c)]
    with Archive.open(tmp_path / "i.sqlite") as archive:  # what was written is whole
        counts = archive.counts()
    assert counts["documents"] >= 0
