"""Latency of ``factcheck serve``: one draft of about 2,000 words posted to the review page,
against an index (by default one built by ``bench/archive.py --articles 2000 --fill --keep DIR``:
a million claims).

    python bench/archive.py --articles 2000 --fill --keep /tmp/fc-bench   # once: the 1M-claim index
    python bench/serve.py --db /tmp/fc-bench/index.sqlite                  # the page's latency

The draft is made by bench/archive.py's generator (seed sentences, numbers and companies
varied); 2,000 words of Chinese copy are about 3,400 characters (1.7 characters a word), and
--chars sets the length.  The request is a real HTTP POST to a server on 127.0.0.1; the
time is from sending it to the whole JSON answer (check against the index, the highlighted
draft and every panel with its chart).
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from archive import seed_sentences, vary  # noqa: E402

from checker.commands.review import Reviewer, make_server, serve_in_thread  # noqa: E402
from checker.commands import rule_tolerances  # noqa: E402
from checker.archive import Archive  # noqa: E402
from checker.rules import load_rules  # noqa: E402


def draft(chars: int, seed: int = 3) -> str:
    rng = random.Random(seed)
    sentences = seed_sentences()
    body, size = [], 0
    while size < chars:
        s = vary(rng.choice(sentences), rng)
        body.append(s)
        size += len(s) + 1
    return "\n".join(body) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="the index file")
    parser.add_argument("--chars", type=int, default=3400, help="draft length in characters (default 3,400)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--draft", action="append", default=None,
                        help="post these files, joined, as the draft instead (e.g. seed articles)")
    args = parser.parse_args(argv)
    ruleset = load_rules()
    with Archive.open(args.db) as archive:
        counts = archive.counts()
    server = make_server(Reviewer(ruleset, args.db, tolerances=rule_tolerances(ruleset)), "127.0.0.1", 0)
    serve_in_thread(server)
    text = "\n".join(Path(p).read_text(encoding="utf-8") for p in args.draft) if args.draft else draft(args.chars)
    args.chars = len(text)
    body = json.dumps({"text": text}).encode("utf-8")
    times, result = [], {}
    for _ in range(args.runs + 1):
        conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=60)
        t0 = time.perf_counter()
        conn.request("POST", "/api/review", body=body, headers={"Content-Type": "application/json"})
        resp = conn.getresponse()
        data = resp.read()
        times.append((time.perf_counter() - t0) * 1000)
        conn.close()
        assert resp.status == 200, data[:300]
        result = json.loads(data)
    times = times[1:]  # the first request warms the caches of the rule set
    server.shutdown()
    q = statistics.quantiles(times, n=10)
    p50 = statistics.median(times)
    print(f"index: {counts['claims']:,} claims; draft {args.chars:,} chars; {result['summary']}; "
          f"answer {len(data):,} bytes")
    print(f"POST /api/review p50 {p50:.0f} ms, p90 {q[-1]:.0f} ms, max {max(times):.0f} ms "
          f"(target < 1000 ms with >= 1,000,000 claims): "
          f"{'PASS' if q[-1] < 1000 and counts['claims'] >= 1_000_000 else 'MISS' if q[-1] >= 1000 else 'n/a'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
