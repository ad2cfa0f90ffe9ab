"""Benchmark time per character of one long document, as users run it: whole ``factcheck check``
processes on one file of growing size, in three shapes that used to make attribution
superlinear — one sentence (commas, no full stop), one paragraph (full stops, no line
break), and one line whose ends are lone CRs.

    python bench/scaling.py [--sizes 1000 10000 100000 1000000 5000000] [--repeat 3]

For each shape and size: the median wall time of ``--repeat`` runs of ``factcheck check
--format json --no-cache`` on the file, with its spread; the floor of the same run (read +
NFKC + OpenCC + one regex pass over the same file, see bench/extract.py); and µs per
character above the process start-up (the 1 KB run), with its ratio to the 100 KB run.
Flat ratios (about 1) mean linear work; a quadratic look-up shows as a ratio growing ten
times with each ten times the size.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from extract import FLOOR, machine  # noqa: E402

SHAPES = ("sentence", "paragraph", "line-cr")


def body(shape: str, n: int) -> str:
    """``n`` characters of the seed articles in ``shape``."""
    text = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
    if shape == "sentence":
        text = text.replace("\n", "").replace("。", ",")
    elif shape == "paragraph":
        text = text.replace("\n", "")
    else:
        text = text.replace("\n", "\r")
    return (text * (n // len(text) + 1))[:n]


def timed(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000, 1_000_000, 5_000_000])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(machine())
    print(f"{'shape':<10} {'chars':>9} {'wall s (spread)':>18} {'floor s':>8} {'µs/char':>8} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as tmp:
        for shape in SHAPES:
            start_up = None
            reference = None
            for n in sorted(args.sizes):
                folder = Path(tmp) / f"{shape}-{n}"
                folder.mkdir()
                path = folder / "long.txt"
                path.write_text(body(shape, n), encoding="utf-8", newline="")
                walls = [timed([sys.executable, "-m", "checker", "check", str(path), "--format", "json",
                                "--no-cache"]) for _ in range(args.repeat)]
                floor = statistics.median(timed([sys.executable, "-c", FLOOR, str(folder)])
                                          for _ in range(args.repeat))
                wall = statistics.median(walls)
                if start_up is None:
                    start_up = wall  # the smallest file: process start-up and rule loading
                per = max(wall - start_up, 0.0) / n * 1e6
                if reference is None and n >= 100_000:
                    reference = per
                ratio = f"{per / reference:>6.2f}" if reference else f"{'':>6}"
                print(f"{shape:<10} {n:>9} {wall:>8.2f} ({max(walls) - min(walls):>5.2f}) {floor:>8.2f} "
                      f"{per:>8.2f} {ratio}", flush=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
