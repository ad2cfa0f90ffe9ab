"""Output size, time and memory of ``check`` on a corpus of retold seeds, and of one draft
checked against that corpus's index (issue: findings that grow with what is wrong).

The corpus is the five seed articles retold ``--copies`` times each (default 400: 2,000
articles), each copy with its own date.  Prints, for every output format: bytes, lines,
SARIF results, seconds and peak memory (``/usr/bin/time``), for

* ``check CORPUS`` (the CI lint over the whole corpus), and
* ``check DRAFT --against INDEX`` (pre-publish: the draft's lines only).

    python bench/prepublish.py                # 2,000 articles
    python bench/prepublish.py --copies 40    # a quick run
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("plain", "rich", "markdown", "json", "sarif", "github", "junit", "rdjson")


def retold_corpus(directory: Path, copies: int, *, seed: int = 5) -> int:
    """Write each seed ``copies`` times, dated from 2023 on; return the number of articles."""
    rng = random.Random(seed)
    n = 0
    for src in sorted((ROOT / "seeds").glob("*.txt")):
        text = src.read_text(encoding="utf-8")
        for k in range(copies):
            sub = directory / f"{n // 1000:04d}"
            sub.mkdir(parents=True, exist_ok=True)
            date = f"{rng.randint(2023, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            (sub / f"{src.stem}_{k:04d}.txt").write_text(f"date: {date}\n{text}", encoding="utf-8")
            n += 1
    return n


def run(argv: list[str], cwd: Path) -> dict:
    cmd = ["/usr/bin/time", "-f", "%e %M", sys.executable, "-m", "checker", *argv]
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env={**os.environ, "COLUMNS": "100"})
    seconds, kb = proc.stderr.strip().splitlines()[-1].split()
    out = proc.stdout
    stats = {"exit": proc.returncode, "bytes": len(out.encode("utf-8")), "lines": out.count("\n"),
             "seconds": float(seconds), "mb": int(kb) / 1024}
    if "--format" in argv and argv[argv.index("--format") + 1] == "sarif" and out.strip():
        stats["results"] = len(json.loads(out)["runs"][0]["results"])
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=400, help="retellings of each seed (default 400)")
    parser.add_argument("--draft", default=str(ROOT / "seeds" / "004_c2a44c906ffc7d08.txt"))
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="factcheck-prepublish-"))
    try:
        n = retold_corpus(work / "corpus", args.copies)
        draft = work / "draft.txt"  # a draft carries its date, as one about to be published does
        draft.write_text("date: 2024-12-01\n" + Path(args.draft).read_text(encoding="utf-8"), encoding="utf-8")
        print(f"{n:,} articles; draft {Path(args.draft).name}")
        index = work / "index.sqlite"
        stats = run(["index", "corpus", "--db", str(index), "--no-progress"], work)
        print(f"index: {stats['seconds']:.1f} s, {stats['mb']:.0f} MB")
        for label, argv in (("check CORPUS", ["check", "corpus"]),
                            ("check DRAFT --against INDEX", ["check", "draft.txt", "--against", str(index)])):
            print(f"\n{label}")
            print(f"  {'format':9} {'bytes':>10} {'lines':>7} {'results':>8} {'seconds':>8} {'MB':>6}")
            for fmt in FORMATS:
                s = run([*argv, "--format", fmt, "--no-cache", "--no-progress", "--exit-zero"], work)
                print(f"  {fmt:9} {s['bytes']:>10,} {s['lines']:>7,} {s.get('results', ''):>8} "
                      f"{s['seconds']:>8.1f} {s['mb']:>6.0f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
