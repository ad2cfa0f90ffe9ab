"""Scale benchmark for the archive index.

Generates a synthetic archive from the seed articles' sentences (numbers, company
names and dates varied), indexes it, and prints:

* first-index throughput (articles/s, chars/s),
* re-index time of the unchanged archive (target: at least 20x faster than the first),
* the index size,
* the latency of one draft against the archive (targets with a million claims: p50 under
  50 ms in-process, under 400 ms as a whole ``factcheck check DRAFT --against INDEX``
  command), p50/p95 over --runs runs, each beside its floor measured in the same run: the
  same draft checked with no archive (in-process ``check([draft])``; the whole command
  without ``--against``).  In-process is ``pipeline.check([draft], against=[index])`` with
  the rule set loaded once: the draft read, extracted and attributed, the archive's side
  read from the summaries, compared and summed up.

The archive is generated into a temporary directory outside the repository and
removed afterwards (unless --keep).  When the indexed archive holds fewer claims
than --claims (extraction of 100,000 articles takes a while on a small machine),
--fill tops the index up to that many claims by cloning indexed claims with varied
values under new document names, so the lookup can still be measured at that size;
the report says so.

With ``--db postgresql://…`` the archive is that (empty) PostgreSQL database instead of
an SQLite file in the temporary directory; ``--dask local`` (with ``--jobs N`` workers)
or ``--dask tcp://HOST:8786`` extracts on Dask; ``--readers N`` adds the latency of N
processes checking the draft at once.

    python bench/archive.py                         # 100,000 articles
    python bench/archive.py --articles 2000 --fill  # quick run, lookup at 1M claims
    python bench/archive.py --articles 2000 --fill --db postgresql://me@localhost/bench --readers 4
    python bench/archive.py --articles 2000 --dask local --jobs 2 --claims 0
    python bench/archive.py --articles 2000 --fill --keep /tmp/b   # keep the index, then
    python bench/archive.py --index /tmp/b/index.sqlite            # time drafts against it again
    python bench/archive.py --articles 2000 --fill --retold        # clones retell the figures as indexed
"""

from __future__ import annotations

import argparse
import os
import subprocess
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.archive import Archive, mask_url  # noqa: E402
from checker.commands.progress import index_progress  # noqa: E402
from checker.index import index_paths  # noqa: E402

# Sentences end at these (full stop, question and exclamation marks, line ends).
SENTENCE_END = re.compile(r"(?<=[。！？!?])|\n")
# A number written with ASCII digits that is not part of a model name (H100, GPT-4, A100):
# not preceded by a Latin letter or hyphen, e.g. "98", "2.5", "7.153".  Years ("2024年") are
# matched too and varied separately.
NUMBER = re.compile(r"(?<![A-Za-z\-])(?P<int>\d+)(?:\.(?P<frac>\d+))?(?P<year>年)?")
# Companies swapped among one another so claims spread over several subjects.
COMPANIES = ("英伟达", "AMD", "英特尔", "高通", "台积电", "三星", "博通", "微软", "谷歌", "Meta")
COMPANY = re.compile("|".join(map(re.escape, COMPANIES)))


def seed_sentences() -> list[str]:
    out = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        for sentence in SENTENCE_END.split(path.read_text(encoding="utf-8")):
            sentence = sentence.strip()
            if len(sentence) >= 8:
                out.append(sentence)
    return out


def vary(sentence: str, rng: random.Random) -> str:
    def number(m: re.Match) -> str:
        if m.group("year") and len(m.group("int")) == 4:
            return f"{rng.randint(2015, 2025)}年"
        digits = len(m.group("int"))
        whole = str(rng.randint(10 ** (digits - 1) if digits > 1 else 1, 10 ** digits - 1))
        if m.group("frac"):
            whole += "." + "".join(str(rng.randint(0, 9)) for _ in m.group("frac"))
        return whole + (m.group("year") or "")

    swap = {c: rng.choice(COMPANIES) for c in COMPANIES}
    return NUMBER.sub(number, COMPANY.sub(lambda m: swap[m.group(0)], sentence))


def generate(directory: Path, articles: int, *, seed: int = 7, chars: int = 3000) -> int:
    """Write ``articles`` Markdown files (about ``chars`` characters each, 1,000 per
    sub-directory); return the total characters written."""
    rng = random.Random(seed)
    sentences = seed_sentences()
    total = 0
    for i in range(articles):
        sub = directory / f"{i // 1000:04d}"
        if i % 1000 == 0:
            sub.mkdir(parents=True, exist_ok=True)
        date = f"{rng.randint(2019, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        body, size = [], 0
        while size < chars:
            s = vary(rng.choice(sentences), rng)
            body.append(s)
            size += len(s) + 1
        text = f"---\ntitle: 合成文章 {i}\ndate: {date}\n---\n\n" + "\n".join(body) + "\n"
        (sub / f"{i:06d}.md").write_text(text, encoding="utf-8")
        total += len(text)
    return total


def fill(db, target: int, *, spread: int = 1, seed: int = 11, retold: bool = False) -> int:
    """Clone indexed claims (values varied) into new documents until the index holds
    ``target`` claims; return how many were added.  ``spread``: clones go to that many
    variants of each subject (one of them the real subject), as an archive covering
    ``spread`` times as many companies would; 1 puts every clone in the real groups.
    ``retold``: clones keep their values (an archive retelling the same figures) instead
    of varying them.  Works on either backend (through the storage interface)."""
    rng = random.Random(seed)
    with Archive.open(db) as archive:
        have = archive.counts()["claims"]
        if have >= target:
            return 0
        by_doc: dict[str, list] = {}
        for claim in archive.claims_for_groups(archive.group_sizes()):
            by_doc.setdefault(claim.path, []).append(claim)
        templates = [by_doc[p] for p in sorted(by_doc)[:200]]
        if not templates:
            return 0
        added, n, batch = 0, 0, []
        while have + added < target:
            claims = templates[n % len(templates)]
            path = f"synthetic/fill/{n:07d}.md"
            variant = n % spread
            varied = [_vary_claim(c, path, rng, variant, keep=retold) for c in claims]
            batch.append((f"/synthetic/fill/{n:07d}.md", varied, {"path": path, "hash": f"fill{n}"}))
            added += len(varied)
            n += 1
            if len(batch) >= 2000:
                archive.put_documents(batch)
                batch = []
        archive.put_documents(batch)
        archive.refresh_summaries()
        return added


def _vary_claim(claim, path, rng, variant=0, keep=False):
    from dataclasses import replace

    q = claim.mention.quantity
    factor = Decimal(1) if keep else Decimal(rng.randint(50, 150)) / 100
    q2 = replace(q, low=None if q.low is None else (q.low * factor).normalize(),
                 high=None if q.high is None else (q.high * factor).normalize())
    subject = claim.subject if variant == 0 else f"{claim.subject}~{variant}"
    return replace(claim, path=path, subject=subject, mention=replace(claim.mention, quantity=q2))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000, help="articles to generate (default 100,000)")
    parser.add_argument("--chars", type=int, default=3000, help="characters per article (default 3,000)")
    parser.add_argument("--jobs", type=int, default=None, help="extraction processes (default: all cores)")
    parser.add_argument("--claims", type=int, default=1_000_000, help="claim count for the latency measurement")
    parser.add_argument("--fill", action="store_true",
                        help="top the index up to --claims by cloning claims when indexing gave fewer")
    parser.add_argument("--spread", type=int, default=1000,
                        help="--fill spreads clones over this many variants of each subject (default 1,000; "
                             "1 = every clone in the draft's groups, the worst case)")
    parser.add_argument("--runs", type=int, default=30, help="draft latency samples (default 30)")
    parser.add_argument("--draft", default=str(ROOT / "seeds" / "004_c2a44c906ffc7d08.txt"),
                        help="the draft checked against the archive")
    parser.add_argument("--keep", metavar="DIR", default=None, help="generate into DIR and keep it")
    parser.add_argument("--db", metavar="URL", default=None,
                        help="index into this empty PostgreSQL database instead of an SQLite file")
    parser.add_argument("--dask", metavar="SCHEDULER|local", default=None,
                        help="extract on Dask (local: a LocalCluster of --jobs workers)")
    parser.add_argument("--readers", type=int, default=0,
                        help="also time the draft with this many processes checking it at once")
    parser.add_argument("--retold", action="store_true",
                        help="--fill clones keep their values: the archive retells the indexed figures")
    parser.add_argument("--index", metavar="DB", default=None,
                        help="skip generating and indexing: time the draft against this existing index")
    args = parser.parse_args(argv)
    if args.index:
        return _draft_latency(args, args.index, mask_url(args.index))

    from checker.rules import load_rules

    workdir = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="factcheck-bench-"))
    corpus, db = workdir / "corpus", args.db or workdir / "index.sqlite"
    shown = mask_url(db)
    if args.db:
        with Archive.open(db, create=True) as archive:
            if archive.counts()["documents"]:
                print(f"{shown} is not empty; give an empty database", file=sys.stderr)
                return 2
    try:
        t0 = time.perf_counter()
        chars = generate(corpus, args.articles, chars=args.chars)
        print(f"generated {args.articles:,} articles, {chars:,} chars in {time.perf_counter() - t0:.1f}s "
              f"under {workdir}")

        ruleset = load_rules()
        show = sys.stderr.isatty()
        with Archive.open(db, create=True) as archive, index_progress(show) as progress:
            first = index_paths(archive, [str(corpus)], ruleset, jobs=args.jobs, progress=progress, dask=args.dask)
        how = f"dask={args.dask}, workers={args.jobs or os.cpu_count()}" if args.dask else \
            f"jobs={args.jobs or os.cpu_count()}"
        print(f"first index into {shown}: {first.indexed:,} articles, {first.claims:,} claims in "
              f"{first.seconds:.1f}s = {first.indexed / first.seconds:,.0f} articles/s, "
              f"{first.chars / first.seconds:,.0f} chars/s ({how})")
        with Archive.open(db) as archive:
            again = index_paths(archive, [str(corpus)], ruleset, jobs=args.jobs)
        speedup = first.seconds / again.seconds if again.seconds else float("inf")
        print(f"re-index unchanged: {again.unchanged:,} skipped, {again.indexed} re-read in {again.seconds:.2f}s "
              f"= {speedup:.0f}x faster than the first index (target >= 20x): "
              f"{'PASS' if speedup >= 20 else 'MISS'}")
        if not args.db:
            size = sum(p.stat().st_size for p in workdir.glob("index.sqlite*"))
            print(f"index size: {size / 1e6:,.1f} MB ({size / max(first.claims, 1):,.0f} bytes/claim)")

        if args.claims <= 0:
            return 0
        if args.fill:
            t0 = time.perf_counter()
            added = fill(db, args.claims, spread=args.spread, retold=args.retold)
            if added:
                print(f"fill: {added:,} claims written in {time.perf_counter() - t0:.1f}s")
            if added:
                print(f"filled: {added:,} cloned claims added to reach {args.claims:,}, spread over {args.spread:,} "
                      f"variants of each subject, {'values kept (retold)' if args.retold else 'values varied'} "
                      f"(see --help)", flush=True)
        _draft_latency(args, db, shown)
        if args.readers:
            import multiprocessing

            t0 = time.perf_counter()
            with multiprocessing.get_context("spawn").Pool(args.readers) as pool:
                samples = pool.starmap(_reader, [(str(db), args.draft, args.runs)] * args.readers)
            wall = time.perf_counter() - t0
            every = sorted(x for sample in samples for x in sample)
            q = statistics.quantiles(every, n=20)
            print(f"  {args.readers} concurrent readers x {args.runs} checks: p50 {statistics.median(every):.1f} ms, "
                  f"p95 {q[-1]:.1f} ms per check; {len(every) / wall:.1f} checks/s in all (start-up included)")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _quantiles(samples: list[float]) -> tuple[float, float]:
    """(p50, p95) of samples in ms."""
    return statistics.median(samples), statistics.quantiles(samples, n=20)[-1]


def _draft_latency(args, db, shown) -> int:
    """One draft against the index, ``args.runs`` times: in-process and as a whole command,
    each beside its floor (the same draft without the archive) timed in the same run."""
    from checker.pipeline import check
    from checker.rules import load_rules

    with Archive.open(db) as archive:
        counts = archive.counts()
        stale = len(archive._stale_groups())
        classes = _summary_classes(archive)
    if stale:
        print(f"note: {stale:,} groups have stale summaries (read claim by claim); 'factcheck index' rebuilds them")
    ruleset = load_rules()
    draft = args.draft
    report = check([draft], ruleset=ruleset, against=[str(db)])  # warm: the OS cache, the rule set's tables
    inproc, floor = [], []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        check([draft], ruleset=ruleset)
        t1 = time.perf_counter()
        report = check([draft], ruleset=ruleset, against=[str(db)])
        t2 = time.perf_counter()
        floor.append((t1 - t0) * 1000)
        inproc.append((t2 - t1) * 1000)
    p50, p95 = _quantiles(inproc)
    f50, f95 = _quantiles(floor)
    print(f"draft {Path(draft).name}: {report.claims:,} claims compared or counted (draft + the archive's side), "
          f"{len(report.findings)} findings; {counts['claims']:,} claims indexed in {shown}")
    if classes:
        # what the lookup's cost follows: classes, not claims (a retold figure is one class)
        print(f"  summaries: {classes:,} classes for {counts['claims']:,} claims "
              f"({counts['claims'] / classes:.2f} claims a class)")
    print(f"  in-process, {args.runs} runs: p50 {p50:.1f} ms, p95 {p95:.1f} ms; floor (the draft alone) p50 "
          f"{f50:.1f} ms, p95 {f95:.1f} ms; the archive's side p50 {p50 - f50:.1f} ms "
          f"(target p50 < 50 ms with >= 1,000,000 claims): {_verdict(p50 < 50, counts)}")
    command = [sys.executable, "-m", "checker", "check", draft, "--format", "json", "--no-cache"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    whole, bare = [], []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
        t1 = time.perf_counter()
        done = subprocess.run([*command, "--against", str(db)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              env=env, cwd=ROOT)
        t2 = time.perf_counter()
        if done.returncode not in (0, 1):
            print(f"  the command failed ({done.returncode}): {done.stderr.decode(errors='replace')[-500:]}")
            return 1
        bare.append((t1 - t0) * 1000)
        whole.append((t2 - t1) * 1000)
    w50, w95 = _quantiles(whole)
    b50, b95 = _quantiles(bare)
    print(f"  whole command (factcheck check DRAFT --against INDEX --format json --no-cache), {args.runs} runs: "
          f"p50 {w50:.0f} ms, p95 {w95:.0f} ms; floor (the same command without --against) p50 {b50:.0f} ms, "
          f"p95 {b95:.0f} ms (target p50 < 400 ms): {_verdict(w50 < 400, counts)}")
    return 0


def _summary_classes(archive) -> int:
    """Classes in the index's summaries (0 where the backend keeps none yet)."""
    try:
        return archive._query("SELECT count(*) FROM summaries")[0][0]
    except Exception:  # an index from before the summaries
        return 0


def _verdict(ok: bool, counts: dict) -> str:
    if counts["claims"] < 1_000_000:
        return "n/a (fewer claims)"
    return "PASS" if ok else "MISS"


def _reader(db: str, draft: str, runs: int) -> list[float]:
    """One reader process: the draft checked against the index in-process, ``runs`` times (ms each)."""
    from checker.pipeline import check
    from checker.rules import load_rules

    ruleset = load_rules()
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        check([draft], ruleset=ruleset, against=[db])
        out.append((time.perf_counter() - t0) * 1000)
    return out


if __name__ == "__main__":
    sys.exit(main())
