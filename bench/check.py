"""Benchmark `check` as users run it: whole processes over growing corpora, with the floor.

    python bench/check.py [--sizes 100 200 400 800 1600 3200 6400] [--repeat 3] [--jobs 1 2]

Each size is that many articles: copies of the five seeds with their numbers varied
(every digit run shifted by the copy number, so copies disagree with each other and the
comparison has real work to do).  For each size and each -j, ``factcheck check --format
json --no-cache -j N`` runs as a process of its own: the median wall time of ``--repeat``
runs with its spread, the CPU time, articles/s and claims/s, and the peak memory (maximum
resident set of the command's process).  Beside it the floor of the same run: read +
NFKC + OpenCC + one regex pass over the same files.  The last columns (ms per article,
memory per claim) stay flat when time and memory grow linearly with the corpus.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: A run of digits that is not part of a year (2023年) or a model name (H100, GPT-5).
DIGITS = re.compile(r"(?<![A-Za-z0-9.-])(\d+)(?![\d年月日])")


def varied(text: str, k: int) -> str:
    """The article with each number nudged by k (so copies state different values)."""
    if k == 0:
        return text
    return DIGITS.sub(lambda m: str(int(m.group(1)) + k % 7), text)


def build(directory: Path, n: int) -> None:
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    for i in range(n):
        src = seeds[i % len(seeds)]
        (directory / f"{i:05d}_{src.name}").write_text(varied(src.read_text(encoding="utf-8"), i // len(seeds)),
                                                      encoding="utf-8")


def run(cmd: list[str], env: dict) -> tuple[float, float, int, bytes]:
    """(wall seconds, CPU seconds, peak resident KB, stdout) of one process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, out


FLOOR = ROOT / "bench" / "extract.py"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 200, 400, 800, 1600, 3200, 6400])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT / "bench"))
    from extract import FLOOR as floor_code, machine  # noqa: E402

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    print(f"machine: {machine()}")
    print(f"{'articles':>8} {'-j':>2} {'claims':>7} {'wall s (spread)':>20} {'CPU s':>7} {'floor s':>7} "
          f"{'art/s':>6} {'claims/s':>8} {'ms/art':>6} {'peak MB':>7} {'KB/claim':>8}")
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            build(Path(tmp), n)
            floor = [run([sys.executable, "-c", floor_code, tmp], env)[0] for _ in range(args.repeat)]
            for jobs in args.jobs:
                cmd = [sys.executable, "-m", "checker", "check", "--format", "json", "--no-cache", "--no-progress",
                       "-j", str(jobs), tmp]
                run(cmd, env)  # warm-up
                runs = [run(cmd, env) for _ in range(args.repeat)]
                walls = [r[0] for r in runs]
                wall, cpu, peak = statistics.median(walls), statistics.median(r[1] for r in runs), max(r[2] for r in runs)
                claims = json.loads(runs[0][3])["summary"]["claims"]
                print(f"{n:>8} {jobs:>2} {claims:>7} {wall:>8.2f} ({min(walls):.2f}–{max(walls):.2f}) {cpu:>7.2f} "
                      f"{statistics.median(floor):>7.2f} {n / wall:>6.0f} {claims / wall:>8.0f} "
                      f"{wall / n * 1000:>6.1f} {peak / 1024:>7.0f} {peak / max(claims, 1):>8.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
