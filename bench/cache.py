"""Benchmark the per-file cache of `check`: a first and a repeated check of the same unchanged corpus.

    python bench/cache.py [--articles 1000]

The corpus is copies of the five seeds with their numbers varied (as bench/check.py builds
it).  The first `check` starts from an empty cache and fills it; the second reads every
article's claims and per-document findings back.  Both run the whole command path the CLI
runs (`pipeline.check` with the cache directory), in this process, after a warm-up on the
seeds; the output of both must be the same findings.  Prints the times (and that of a check without a cache) and the ratios.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from check import build  # noqa: E402

from checker import pipeline  # noqa: E402
from checker.rules import load_rules  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=1000)
    args = ap.parse_args(argv)
    ruleset = load_rules()
    pipeline.check([str(ROOT / "seeds")], ruleset=ruleset)  # warm up: OpenCC, regexes, lexicon
    with tempfile.TemporaryDirectory() as tmp:
        corpus, cache = Path(tmp) / "corpus", Path(tmp) / "cache"
        corpus.mkdir()
        build(corpus, args.articles)
        t = time.perf_counter()
        pipeline.check([str(corpus)], ruleset=ruleset)
        plain = time.perf_counter() - t
        t0 = time.perf_counter()
        first = pipeline.check([str(corpus)], ruleset=ruleset, cache_dir=cache)
        t1 = time.perf_counter()
        second = pipeline.check([str(corpus)], ruleset=ruleset, cache_dir=cache)
        t2 = time.perf_counter()
    if first.findings != second.findings or first.claims != second.claims:
        print("the cached check differs from the first one", file=sys.stderr)
        return 1
    cold, warm = t1 - t0, t2 - t1
    print(f"{args.articles} articles, {first.claims} claims, {len(first.findings)} findings")
    print(f"check without a cache:     {plain:.2f} s")
    print(f"first check (empty cache): {cold:.2f} s")
    print(f"second check (unchanged):  {warm:.2f} s")
    print(f"ratio: {cold / warm:.1f}x (first / second); {plain / warm:.1f}x (no cache / second)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
