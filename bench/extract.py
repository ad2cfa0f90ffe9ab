"""Benchmark: extraction as users run it, against the bare floor measured in the same run.

    python bench/extract.py [--files 750] [--runs 3] [--jobs 1 2] [--profile]

Writes ``--files`` seed-sized articles (the five seeds, copied with their numbers varied)
into a temporary directory, then times, as whole processes (start-up included):

(a) the floor: a Python process that reads every file, decodes it, and runs full NFKC +
    OpenCC t2s + one regex pass (finditer of \\d+) over each one;
(b) ``factcheck extract --format json DIR -j N`` for each N of ``--jobs`` (the output
    goes to a file, as a user piping it would).

Each figure is the median of ``--runs`` runs, with the spread (min–max) beside it, as wall
time and as CPU time of the process tree (on a shared machine the wall time also counts
other processes' turns).  The ratio is floor time / command time: 40% is the target of
DESIGN.md on one core.  Then,
in-process, where the command's time goes (CPU time, the least of ``--runs`` runs): load,
extract, JSON, and load part by part (reading, decoding, the matching view's folds, the
variant, the skipped regions, the date, the segmentation, the line starts).
``--profile`` prints a cProfile of the in-process run instead.  Not a test: timings on a
shared machine are noisy.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import resource
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

#: A run of digits that is not part of a year (2023年) or a model name (H100, GPT-5).
DIGITS = re.compile(r"(?<![A-Za-z0-9.-])(\d+)(?![\d年月日])")

#: The floor, as a process of its own: read, decode, NFKC, OpenCC t2s, one regex pass.
FLOOR = r"""
import os, re, sys, unicodedata, opencc
conv = opencc.OpenCC("t2s")
digits = re.compile(r"\d+")
n = 0
for name in sorted(os.listdir(sys.argv[1])):
    with open(os.path.join(sys.argv[1], name), "rb") as fh:
        text = fh.read().decode("utf-8")
    norm = conv.convert(unicodedata.normalize("NFKC", text))
    for _ in digits.finditer(norm):
        n += 1
print(n)
"""


def varied(text: str, k: int) -> str:
    """The article with each number nudged by k (so the copies are not byte-identical)."""
    if k == 0:
        return text
    return DIGITS.sub(lambda m: str(int(m.group(1)) + k % 7), text)


def build(directory: Path, n: int) -> int:
    """``n`` articles in ``directory``; their total length in characters."""
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    chars = 0
    for i in range(n):
        src = seeds[i % len(seeds)]
        text = varied(src.read_text(encoding="utf-8"), i // len(seeds))
        (directory / f"{i:05d}_{src.name}").write_text(text, encoding="utf-8")
        chars += len(text)
    return chars


#: CPU seconds (user + system) of each timed run's process tree, beside its wall time: on a
#: shared machine the wall time also counts other processes' turns.
CPU: dict[int, list[float]] = {}


def timed(cmd: list[str], runs: int, **kw) -> list[float]:
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kw)  # warm-up: byte code, disk cache
    times, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kw)
        times.append(time.perf_counter() - t0)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    CPU[id(times)] = cpu
    return times


def spread(times: list[float]) -> str:
    cpu = CPU.get(id(times), [])
    text = f"{statistics.median(times) * 1000:6.0f} ms ({min(times) * 1000:.0f}–{max(times) * 1000:.0f})"
    if cpu:
        text += f", CPU {statistics.median(cpu) * 1000:6.0f} ms ({min(cpu) * 1000:.0f}–{max(cpu) * 1000:.0f})"
    return text


def ratio(floor: list[float], times: list[float]) -> str:
    wall = statistics.median(floor) / statistics.median(times)
    cpu = statistics.median(CPU[id(floor)]) / statistics.median(CPU[id(times)])
    return f"{wall:.0%} of the floor (CPU: {cpu:.0%})"


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model or 'unknown CPU'}, {os.cpu_count()} cores, Python {sys.version.split()[0]}"


#: The parts of loading timed one by one (names looked up in checker.load by document_from_text
#: and read_document), in the order they run.
LOAD_STAGES = ("read_bytes", "decode_bytes", "fold_fullwidth", "to_simplified", "is_traditional", "scan_view",
               "url_regions", "markdown_regions", "to_mainland_terms", "blank", "date_line", "url_date",
               "filename_date", "segmentation_view", "line_starts_of")


def in_process(directory: Path, profile: bool, runs: int = 3) -> None:
    """Where the command's time goes, in one process: CPU time (time.process_time) of load,
    extract and JSON, and of each part of load, the least of ``runs`` runs."""
    import checker.load as load
    from checker.extract import extract
    from checker.load import read_document
    from checker.render.mentions import render_mentions

    paths = sorted(directory.iterdir())
    read_document(paths[0])  # warm up: OpenCC, the lexicon, the patterns
    if profile:
        prof = cProfile.Profile()
        prof.enable()
        items = [(d, extract(d)) for d in (read_document(p) for p in paths)]
        render_mentions(items, "json", io.StringIO())
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
        return
    spent: dict[str, float] = {}

    def timing(name, work):
        def timed_stage(*args, **kwargs):
            t0 = time.process_time()
            try:
                return work(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.process_time() - t0
        return timed_stage

    best: dict[str, float] = {}
    originals = {name: getattr(load, name) for name in LOAD_STAGES}
    for _ in range(runs):
        spent.clear()
        for name, work in originals.items():
            setattr(load, name, timing(name, work))
        try:
            t0 = time.process_time()
            docs = [read_document(p) for p in paths]
            t1 = time.process_time()
        finally:
            for name, work in originals.items():
                setattr(load, name, work)
        items = [(d, extract(d)) for d in docs]
        t2 = time.process_time()
        render_mentions(items, "json", io.StringIO())
        t3 = time.process_time()
        for name, value in [("load", t1 - t0), ("extract", t2 - t1), ("JSON", t3 - t2), *spent.items()]:
            best[name] = min(best.get(name, value), value)
    mentions = sum(len(m) for _, m in items)
    print(f"in-process CPU, least of {runs} runs: {mentions:,} mentions; load {best['load'] * 1000:.0f} ms, "
          f"extract {best['extract'] * 1000:.0f} ms, JSON {best['JSON'] * 1000:.0f} ms")
    print("    load by part: " + ", ".join(f"{name} {best[name] * 1000:.0f}" for name in LOAD_STAGES if name in best)
          + " ms")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=750, help="articles to write (default 750)")
    ap.add_argument("--runs", type=int, default=3, help="runs per measurement (default 3)")
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="-j values to time (default 1 2)")
    ap.add_argument("--profile", action="store_true", help="print a cProfile of the in-process run and exit")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        chars = build(corpus, args.files)
        if args.profile:
            in_process(corpus, True)
            return 0
        # as users run it: byte code written and read (this environment may switch it off)
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["NO_COLOR"] = "1"
        out = Path(tmp) / "out.json"
        floor = timed([sys.executable, "-c", FLOOR, str(corpus)], args.runs, env=env)
        print(f"machine: {machine()}")
        print(f"corpus: {args.files} files, {chars:,} characters")
        print(f"(a) floor  read + NFKC + OpenCC + regex pass, one process : {spread(floor)}  "
              f"{chars / statistics.median(floor) / 1e6:.2f} M chars/s")
        for jobs in args.jobs:
            cmd = [sys.executable, "-m", "checker", "extract", "--format", "json", "--no-progress",
                   "-j", str(jobs), "-o", str(out), str(corpus)]
            times = timed(cmd, args.runs, env=env, cwd=tmp)
            print(f"(b) factcheck extract --format json -j {jobs}                 : {spread(times)}  "
                  f"{chars / statistics.median(times) / 1e6:.2f} M chars/s, {ratio(floor, times)}")
        start = timed([sys.executable, "-m", "checker", "extract", "--format", "json", "--no-progress",
                       "-j", "1", str(corpus / sorted(os.listdir(corpus))[0])], args.runs, env=env, cwd=tmp)
        print(f"    start-up (one file)                                  : {spread(start)}")
        in_process(corpus, False, args.runs)
    print("target: (b) -j 1 at least 40% of (a)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
