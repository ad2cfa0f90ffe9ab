"""Benchmark: extraction speed against the bare floor, measured in the same run.

    python bench/extract.py [--mb 3] [--profile]

Builds a text of a few MB by repeating the seed articles, then measures
(a) the floor: full NFKC + OpenCC t2s + one regex pass (finditer of \\d+), and
(b) extraction: checker.load.document_from_text + checker.extract.extract,
and, for information, (c) extract alone on a prepared Document.
Prints characters per second for each and the ratio (b)/(a).  Targets (DESIGN.md):
(b) at least 2 M chars/s on one core and at least 40% of (a).  Not a test: timings on
a shared machine are noisy, so each figure is the best of a few runs.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checker.extract import extract  # noqa: E402
from checker.load import document_from_text  # noqa: E402

_DIGITS = re.compile(r"\d+")


def corpus(megabytes: float) -> str:
    seeds = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
    reps = max(1, int(megabytes * 1_000_000 / len(seeds.encode("utf-8"))))
    return (seeds + "\n") * reps


def best_of(fn, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=3.0, help="size of the text in MB of UTF-8 (default 3)")
    ap.add_argument("--runs", type=int, default=3, help="runs per measurement; the best counts (default 3)")
    ap.add_argument("--profile", action="store_true", help="print a cProfile of extract() and exit")
    args = ap.parse_args(argv)

    import opencc

    text = corpus(args.mb)
    n = len(text)
    converter = opencc.OpenCC("t2s")
    doc = document_from_text(text, "bench.txt")  # also warms up OpenCC and the lexicon

    if args.profile:
        prof = cProfile.Profile()
        prof.enable()
        extract(doc)
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(20)
        return 0

    def floor():
        norm = converter.convert(unicodedata.normalize("NFKC", text))
        for _ in _DIGITS.finditer(norm):
            pass

    mentions = []

    def full():
        mentions[:] = extract(document_from_text(text, "bench.txt"))

    t_floor = best_of(floor, args.runs)
    t_full = best_of(full, args.runs)
    t_extract = best_of(lambda: extract(doc), args.runs)
    t_load = best_of(lambda: document_from_text(text, "bench.txt"), args.runs)

    def rate(t: float) -> str:
        return f"{n / t / 1e6:7.2f} M chars/s ({t * 1000:7.1f} ms)"

    print(f"text: {n:,} characters ({len(text.encode('utf-8')) / 1e6:.1f} MB), {len(mentions):,} mentions")
    print(f"(a) floor   NFKC + OpenCC + regex pass : {rate(t_floor)}")
    print(f"(b) load + extract                     : {rate(t_full)}")
    print(f"    of which document_from_text        : {rate(t_load)}")
    print(f"    of which extract                   : {rate(t_extract)}")
    print(f"ratio (b)/(a): {t_floor / t_full:.0%}   (targets: >= 2 M chars/s, >= 40%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
