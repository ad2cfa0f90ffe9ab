"""Both archive backends on one generated corpus: identical claims and findings?

Generates ``--articles`` articles (bench/archive.py's generator) plus the seeds, indexes
them into an SQLite file and into an empty PostgreSQL database (each extracted on its
own), compares every stored document and claim, then checks drafts --against each
backend and compares the findings: every seed, and ``--drafts`` generated articles
spread over the corpus (all of them with ``--drafts 0``).  Prints the timings; exits 1
on any difference.

    python bench/backends.py --db postgresql://me@localhost/compare --articles 10000
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from archive import generate  # noqa: E402  (bench/archive.py)

from checker.archive import Archive, mask_url  # noqa: E402
from checker.index import index_paths  # noqa: E402
from checker.pipeline import check  # noqa: E402
from checker.rules import load_rules  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, metavar="URL", help="an empty PostgreSQL database")
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--chars", type=int, default=3000)
    parser.add_argument("--drafts", type=int, default=500, help="generated drafts to check (0: all)")
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args(argv)

    ruleset = load_rules()
    work = Path(tempfile.mkdtemp(prefix="factcheck-backends-"))
    cwd = os.getcwd()
    os.chdir(work)
    try:
        (work / "corpus" / "seeds").mkdir(parents=True)
        for seed in sorted((ROOT / "seeds").glob("*.txt")):
            shutil.copy(seed, work / "corpus" / "seeds" / seed.name)
        chars = generate(work / "corpus" / "generated", args.articles, chars=args.chars)
        print(f"generated {args.articles:,} articles ({chars:,} chars) + seeds")
        lite = work / "archive.sqlite"
        timings = {}
        for name, db in (("sqlite", lite), ("postgresql", args.db)):
            with Archive.open(db, create=True) as archive:
                if archive.counts()["documents"]:
                    print(f"{mask_url(db)} is not empty", file=sys.stderr)
                    return 2
                stats = index_paths(archive, ["corpus"], ruleset, jobs=args.jobs)
            timings[name] = stats.seconds
            print(f"indexed into {name}: {stats.indexed:,} documents, {stats.claims:,} claims in {stats.seconds:.1f}s")
        t0 = time.perf_counter()
        with Archive.open(lite) as a, Archive.open(args.db) as b:
            docs_a, claims_a = a.content()
            docs_b, claims_b = b.content()
        same_content = docs_a == docs_b and claims_a == claims_b
        print(f"content: {len(docs_a):,} documents, {len(claims_a):,} claims; identical: {same_content} "
              f"({time.perf_counter() - t0:.1f}s)")

        generated = sorted(str(p.relative_to(work)) for p in (work / "corpus" / "generated").rglob("*.md"))
        step = max(1, len(generated) // args.drafts) if args.drafts else 1
        drafts = [str(p.relative_to(work)) for p in sorted((work / "corpus" / "seeds").iterdir())] + generated[::step]
        differ, findings, seconds = [], 0, {"sqlite": 0.0, "postgresql": 0.0}
        for draft in drafts:
            t0 = time.perf_counter()
            x = check([draft], ruleset=ruleset, against=[str(lite)], show_consistent=True)
            t1 = time.perf_counter()
            y = check([draft], ruleset=ruleset, against=[args.db], show_consistent=True)
            t2 = time.perf_counter()
            seconds["sqlite"] += t1 - t0
            seconds["postgresql"] += t2 - t1
            findings += len(x.findings)
            if x.findings != y.findings:
                differ.append(draft)
        print(f"--against: {len(drafts):,} drafts, {findings:,} findings; differing drafts: {len(differ)} "
              f"{differ[:5]}; mean per draft: sqlite {seconds['sqlite'] / len(drafts) * 1000:.0f} ms, "
              f"postgresql {seconds['postgresql'] / len(drafts) * 1000:.0f} ms")
        return 0 if same_content and not differ else 1
    finally:
        os.chdir(cwd)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
