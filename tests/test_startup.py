"""Start-up: a command imports only what it uses.

Each command runs as users run it (``python -X importtime -m checker …``, a process of its
own) and the modules it imported are read from the import-time lines on stderr.  A library
a run does not use is imported where it is first needed: rich where a terminal report or a
progress bar is drawn, concurrent.futures and multiprocessing where worker processes are
started, rapidfuzz at the first edit distance taken, tempfile where a file is written.
The positive rows show the reading sees a library when the run does use it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
#: an article with no model-name look-alike and no name written two ways: no edit distance taken
PLAIN = SEEDS / "004_c2a44c906ffc7d08.txt"
#: an article with look-alike tokens (an edit distance is taken)
FUZZY = SEEDS / "000_4d0a8a5e27428347.txt"

LAZY = ("rich", "multiprocessing", "concurrent.futures", "rapidfuzz", "tempfile", "checker.index")


def imported(args: list[str], tmp_path: Path) -> set[str]:
    """The modules ``python -m checker ARGS`` imports (its own process, in an empty directory)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACTCHECK_")}
    env["FACTCHECK_CACHE_DIR"] = str(tmp_path / "cache")
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "checker", *args], cwd=tmp_path, env=env,
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          timeout=120)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    names = set()
    for line in done.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[0].strip().isdigit():
            names.add(parts[2].strip())
    assert "checker.cli" in names, "the import-time lines were not read"
    return names


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("index")
    db = where / "index.sqlite"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FACTCHECK_")}
    env["PYTHONPATH"] = str(ROOT)
    subprocess.run([sys.executable, "-m", "checker", "index", str(PLAIN), str(FUZZY), "--db", str(db),
                    "--no-progress"], cwd=where, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=120)
    return db


COMMANDS = {
    "check FILE --format json": ["check", str(PLAIN), "--format", "json"],
    "check FILE --format json --no-cache": ["check", str(PLAIN), "--format", "json", "--no-cache"],
    "check FILE (plain, piped)": ["check", str(PLAIN), "--no-cache"],
    "check DRAFT --against INDEX --format json": ["check", str(PLAIN), "--against", "{index}", "--format", "json",
                                                  "--no-cache"],
    "extract --format json DIR": ["extract", "--format", "json", str(SEEDS)],
}


@pytest.mark.issue(14)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_command_does_not_import_what_it_does_not_use(command, index, tmp_path):
    """None of the lazily imported libraries is loaded by a run that does not use it."""
    args = [a.format(index=index) for a in COMMANDS[command]]
    names = imported(args, tmp_path)
    loaded = [m for m in LAZY if m in names or any(n.startswith(m + ".") for n in names)]
    assert loaded == []


@pytest.mark.issue(14)
@pytest.mark.parametrize("args, module", [
    (["check", str(PLAIN), "--format", "rich", "--no-cache"], "rich"),  # the terminal report draws with rich
    (["check", str(FUZZY), "--format", "json", "--no-cache"], "rapidfuzz"),  # look-alike names: a distance taken
    (["check", str(PLAIN), "--format", "json", "--no-cache", "-o", "out.json"], "tempfile"),  # a file written
])
def test_a_command_imports_the_library_it_uses(args, module, tmp_path):
    """The same reading sees the library when the run uses it (so the test above can fail)."""
    assert module in imported(args, tmp_path)


@pytest.mark.issue(14)
def test_worker_processes_import_concurrent_futures(tmp_path):
    """A corpus large enough for worker processes (-j 2) starts them with concurrent.futures."""
    from checker.workers import MIN_ITEMS

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = PLAIN.read_text(encoding="utf-8")
    for i in range(MIN_ITEMS):
        (corpus / f"{i:03d}.txt").write_text(text, encoding="utf-8")
    names = imported(["extract", "--format", "json", "-j", "2", "--no-progress", str(corpus)], tmp_path)
    assert "concurrent.futures" in names and "multiprocessing" in names


@pytest.mark.issue(14)
@pytest.mark.parametrize("method, args", [
    ("search", ("据IDC统计, 2024年出货3万台",)),
    ("match", ("2024年",)),
    ("fullmatch", ("英伟达",)),
    ("findall", ("英伟达H100与AMD MI300",)),
    ("search", ("no Chinese, no digits",)),
    ("split", ("一，二。三",)),
    ("sub", ("-", "a中b文c")),
])
def test_a_lazy_pattern_answers_as_the_compiled_pattern(method, args):
    """A pattern compiled at first use gives what re.compile gives, and compiles once."""
    import re

    from checker.text import LazyPattern

    source, flags = r"[\u4e00-\u9fff]+|\d+", re.MULTILINE
    lazy = LazyPattern(source, flags)
    assert lazy._compiled is None and lazy.pattern == source  # nothing compiled before the first use
    def plain(result):  # match objects compare by what they matched
        return (result.span(), result.group()) if isinstance(result, re.Match) else result

    assert plain(getattr(lazy, method)(*args)) == plain(getattr(re.compile(source, flags), method)(*args))
    assert lazy.compiled is lazy.compiled and lazy.flags == re.compile(source, flags).flags
