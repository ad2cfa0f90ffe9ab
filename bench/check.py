"""Benchmark `check`: claims per second over growing copies of the seed corpus.

    python bench/check.py [--sizes 100 200 400 800 1600] [--repeat 2]

Each size is that many articles: copies of the five seeds with their numbers
varied (every digit run shifted by the copy number, so copies disagree with each
other and the comparison has real work to do).  For each size the best of
``--repeat`` runs is kept; the last column (time per article) stays flat when the
run time grows linearly with the corpus.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker import pipeline  # noqa: E402
from checker.rules import load_rules  # noqa: E402

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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 200, 400, 800, 1600])
    ap.add_argument("--repeat", type=int, default=2)
    args = ap.parse_args(argv)
    ruleset = load_rules()
    pipeline.check([str(ROOT / "seeds")], ruleset=ruleset)  # warm up: OpenCC, regexes, lexicon
    print(f"{'articles':>8} {'chars':>10} {'claims':>7} {'findings':>8} {'seconds':>8} {'claims/s':>9} "
          f"{'ms/article':>10}")
    rows = []
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            build(Path(tmp), n)
            chars = sum(len(p.read_text(encoding="utf-8")) for p in Path(tmp).glob("*.txt"))
            best = None
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                report = pipeline.check([tmp], ruleset=ruleset)
                elapsed = time.perf_counter() - t0
                best = elapsed if best is None else min(best, elapsed)
        rows.append((n, best))
        print(f"{n:>8} {chars:>10} {report.claims:>7} {len(report.findings):>8} {best:>8.3f} "
              f"{report.claims / best:>9.0f} {best / n * 1000:>10.1f}")
    (n0, t0), (n1, t1) = rows[0], rows[-1]
    print(f"time grows {t1 / t0:.1f}x for {n1 / n0:.0f}x the articles "
          f"({'linear' if t1 / t0 < 1.25 * n1 / n0 else 'FASTER THAN LINEAR'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
