"""Score `factcheck check` against the hand-written gold of the real-article corpus.

    python bench/pairs.py [--rules DIR ...] [--builtin] [--json] [-v]

Runs ``factcheck check --format json --rules tests/data/real/rules tests/data/real``
(``--rules`` replaces the rule directory and may be repeated; ``--builtin`` runs with
the shipped rules instead, where no contradiction is expected) and compares the
contradiction pairs it reports with ``tests/data/real/gold.yaml``.

A reported claim is mapped to a gold claim by its path (relative to tests/data/real),
its line, and its number text overlapping the gold ``text`` (by column when both sides
have one, else by substring). A reported contradiction is a set of claim pairs: the
finding's ``conflicts`` when present, else every pair of its claims. Each pair is then

* a true positive when gold labels it ``contradiction``;
* ``scope-differs`` when gold labels it so (these should be 0);
* ``consistent`` when both claims are in one gold fact and the pair is not labelled;
* ``cross-fact`` when both claims are known to gold but belong to different facts
  (the tool attached a number to the wrong subject/metric/scope);
* ``unknown`` when a claim is not in the gold at all (counted as false).

A finding lists at most a few claims per cluster and counts the rest (``omitted``); a missed
gold pair whose one claim is listed and whose other claim the tool read with the same rule,
subject, qualifiers (the source aside) and value as a listed claim it conflicts with is *stated, not listed*: it
is printed apart (from ``factcheck claims --format json``), never counted as found.

Claims in files that are not corpus articles (README.md, the YAML files) are left out
and counted separately. Precision is true positives over reported pairs; recall is true
positives over gold contradiction pairs. The script is a measurement: it always exits 0.
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "real"
GOLD = CORPUS / "gold.yaml"
SOURCES = CORPUS / "sources.yaml"
DEFAULT_RULES = CORPUS / "rules"

LABELS = ("contradiction", "scope-differs")
FALSE_KINDS = ("scope-differs", "consistent", "cross-fact", "unknown")


@dataclass(frozen=True)
class GoldClaim:
    key: str  # "<fact-id>/<claim-id>"
    fact: str
    beat: str
    path: str
    line: int
    col: int | None
    text: str


@dataclass
class Gold:
    claims: dict[str, GoldClaim]
    by_line: dict[tuple[str, int], list[GoldClaim]]
    labels: dict[frozenset[str], str]
    articles: set[str]
    parts: dict[str, str] = field(default_factory=dict)  # article path -> "dev" | "held-out"

    def part(self, *paths: str) -> str:
        return "+".join(sorted({self.parts.get(p, "dev") for p in paths}))


@dataclass(frozen=True)
class Reported:
    path: str
    line: int
    col: int | None
    text: str
    sentence: str


@dataclass
class Outcome:
    kind: str  # "tp" or one of FALSE_KINDS
    a: Reported
    b: Reported
    ga: GoldClaim | None
    gb: GoldClaim | None
    rule: str
    disjoint: bool = True  # the two claims' intervals do not overlap

    @property
    def beat(self) -> str:
        beats = sorted({p.split("/", 1)[0] for p in (self.a.path, self.b.path)})
        return "+".join(beats)


@dataclass
class Score:
    outcomes: list[Outcome] = field(default_factory=list)
    missed: list[tuple[GoldClaim, GoldClaim]] = field(default_factory=list)
    gold_contradictions: int = 0
    non_article_pairs: int = 0
    conflicts_given: bool = False
    findings: Counter[str] = field(default_factory=Counter)


def load_gold() -> Gold:
    doc = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
    claims: dict[str, GoldClaim] = {}
    by_line: dict[tuple[str, int], list[GoldClaim]] = defaultdict(list)
    for fact in doc["facts"]:
        for c in fact["claims"]:
            g = GoldClaim(
                key=f"{fact['id']}/{c['id']}", fact=fact["id"], beat=fact["beat"],
                path=c["path"], line=int(c["line"]), col=c.get("col"), text=str(c["text"]),
            )
            claims[g.key] = g
            by_line[(g.path, g.line)].append(g)
    labels: dict[frozenset[str], str] = {}
    for item in doc.get("pairs") or []:
        a, b, label = item[0], item[1], item[2]
        if label not in LABELS or a not in claims or b not in claims:
            raise SystemExit(f"gold.yaml: bad pair {item!r}")
        labels[frozenset((a, b))] = label
    sources = yaml.safe_load(SOURCES.read_text(encoding="utf-8"))
    articles = {entry["path"] for entry in sources["articles"]}
    parts = {entry["path"]: str(entry.get("part") or "dev") for entry in sources["articles"]}
    return Gold(claims, dict(by_line), labels, articles, parts)


def relative(path: str) -> str:
    """The claim's path relative to the corpus directory (forward slashes)."""
    p = Path(path)
    if not p.is_absolute():
        p = (ROOT / p).resolve()
    try:
        return p.relative_to(CORPUS.resolve()).as_posix()
    except ValueError:
        return p.as_posix()


def overlaps(r: Reported, g: GoldClaim) -> bool:
    if r.col is not None and g.col is not None:
        r_end, g_end = r.col + max(len(r.text), 1), g.col + max(len(g.text), 1)
        if r.col < g_end and g.col < r_end:
            return True
    return bool(r.text) and (r.text in g.text or g.text in r.text)


def match(r: Reported, gold: Gold) -> GoldClaim | None:
    candidates = [g for g in gold.by_line.get((r.path, r.line), []) if overlaps(r, g)]
    if not candidates:
        return None
    if r.col is not None:
        candidates.sort(key=lambda g: abs((g.col or 0) - r.col))
    return candidates[0]


def _command(verb: str, rules: list[Path], builtin: bool) -> list[str]:
    """``factcheck VERB --format json [--rules R …] CORPUS`` (the shipped rules alone with ``builtin``)."""
    exe = shutil.which("factcheck")
    cmd = [exe] if exe else [sys.executable, "-m", "checker"]
    cmd += [verb, "--format", "json"]
    if not builtin:
        for r in rules:
            cmd += ["--rules", str(r)]
    return cmd + [str(CORPUS.relative_to(ROOT))]


def run_factcheck(rules: list[Path], builtin: bool) -> dict[str, Any]:
    cmd = _command("check", rules, builtin)
    proc = subprocess.run(cmd, check=False, cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError:
        print(f"factcheck did not give JSON (exit {proc.returncode}): {' '.join(cmd)}", file=sys.stderr)
        print(proc.stderr.strip() or proc.stdout.strip()[:2000], file=sys.stderr)
        return {"version": 1, "findings": [], "error": proc.stderr.strip()}


def run_claims(rules: list[Path], builtin: bool) -> list[dict[str, Any]]:
    """Every claim the tool makes of the corpus (``factcheck claims --format json``)."""
    cmd = _command("claims", rules, builtin)
    proc = subprocess.run(cmd, check=False, cwd=ROOT, capture_output=True, text=True, encoding="utf-8")
    try:
        return json.loads(proc.stdout).get("claims", [])
    except json.JSONDecodeError:
        return []


def implied_by_bounded_listing(report: dict[str, Any], claims: list[dict[str, Any]], s: "Score",
                               gold: Gold) -> list[tuple[GoldClaim, GoldClaim]]:
    """Missed gold pairs that a contradiction finding states but does not list: a finding lists
    at most a few claims per cluster (``omitted`` counts the rest); a missed pair is implied when
    one of its claims is listed and the other is a claim the tool read with the same rule,
    subject, qualifiers and value as a listed claim it conflicts with."""
    def ident(c: dict[str, Any]) -> tuple:
        quals = {k: v for k, v in (c.get("qualifiers") or {}).items() if k != "source"}  # an unnamed source joins
        return (c.get("rule"), c.get("subject"), json.dumps(quals, sort_keys=True),
                c.get("low"), c.get("high"), c.get("unit"))
    out = []
    for x, y in s.missed:
        for f in report.get("findings", []):
            if f.get("kind") != "contradiction" or not f.get("omitted"):
                continue
            listed = [c for c in f.get("claims", []) if c.get("unit") is not None or c.get("low") is not None]
            got = {i: match(reported_claim(c), gold) for i, c in enumerate(listed)}
            hit = False
            for a, b in ((x, y), (y, x)):
                mine = [i for i, g in got.items() if g is not None and g.key == a.key]
                for i in mine:
                    partners = {j for p in f.get("conflicts") or [] for j in p if i in p and j != i}
                    shapes = {ident(dict(listed[j], rule=f.get("rule"), subject=f.get("subject"))) for j in partners}
                    for c in claims:
                        g = match(reported_claim(c), gold)
                        if g is not None and g.key == b.key and ident(c) in shapes:
                            hit = True
            if hit:
                out.append((x, y))
                break
    return out


def reported_claim(c: dict[str, Any]) -> Reported:
    return Reported(
        path=relative(str(c.get("path", ""))), line=int(c.get("line") or 0),
        col=c.get("col"), text=str(c.get("text") or ""), sentence=str(c.get("sentence") or ""),
    )


def finding_pairs(f: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    numeric = [c for c in f.get("claims", []) if c.get("unit") is not None or c.get("low") is not None]
    conflicts = f.get("conflicts")
    if conflicts:
        return [(numeric[i], numeric[j]) for i, j in conflicts if i < len(numeric) and j < len(numeric)]
    return list(itertools.combinations(numeric, 2))


def disjoint(ca: dict[str, Any], cb: dict[str, Any]) -> bool:
    """Whether the two reported intervals miss each other (what `conflicts` would list)."""
    lo_a, hi_a, lo_b, hi_b = (ca.get("low"), ca.get("high"), cb.get("low"), cb.get("high"))
    if lo_a is not None and hi_b is not None and lo_a > hi_b:
        return True
    return lo_b is not None and hi_a is not None and lo_b > hi_a


def score(report: dict[str, Any], gold: Gold) -> Score:
    s = Score()
    seen: set[frozenset[tuple[str, int, int | None, str]]] = set()
    found: set[frozenset[str]] = set()
    for f in report.get("findings", []):
        s.findings[f.get("kind", "?")] += 1
        if f.get("kind") != "contradiction":
            continue
        s.conflicts_given = s.conflicts_given or "conflicts" in f
        for ca, cb in finding_pairs(f):
            a, b = reported_claim(ca), reported_claim(cb)
            ident = frozenset({(a.path, a.line, a.col, a.text), (b.path, b.line, b.col, b.text)})
            if ident in seen:
                continue
            seen.add(ident)
            if a.path not in gold.articles or b.path not in gold.articles:
                s.non_article_pairs += 1
                continue
            ga, gb = match(a, gold), match(b, gold)
            if ga is None or gb is None or ga.key == gb.key:
                kind = "unknown"
            else:
                label = gold.labels.get(frozenset((ga.key, gb.key)))
                if label == "contradiction":
                    kind = "tp"
                    found.add(frozenset((ga.key, gb.key)))
                elif label == "scope-differs":
                    kind = "scope-differs"
                elif ga.fact == gb.fact:
                    kind = "consistent"
                else:
                    kind = "cross-fact"
            s.outcomes.append(Outcome(kind, a, b, ga, gb, str(f.get("rule", "")), disjoint(ca, cb)))
    for pair, label in gold.labels.items():
        if label != "contradiction":
            continue
        s.gold_contradictions += 1
        if pair not in found:
            x, y = sorted(pair)
            s.missed.append((gold.claims[x], gold.claims[y]))
    return s


def ratio(n: int, d: int) -> float | None:
    return n / d if d else None


def summary(s: Score, gold: Gold) -> dict[str, Any]:
    kinds = Counter(o.kind for o in s.outcomes)
    tp = kinds["tp"]
    reported = len(s.outcomes)
    beats: dict[str, dict[str, Any]] = {}
    all_beats = sorted({g.beat for g in gold.claims.values()} | {o.beat for o in s.outcomes})
    for beat in all_beats:
        outs = [o for o in s.outcomes if o.beat == beat]
        k = Counter(o.kind for o in outs)
        g_total = sum(1 for p, lab in gold.labels.items() if lab == "contradiction"
                      and gold.claims[min(p)].beat == beat)
        beats[beat] = {
            "reported": len(outs), "tp": k["tp"], "gold": g_total,
            "precision": ratio(k["tp"], len(outs)), "recall": ratio(k["tp"], g_total),
            **{name: k[name] for name in FALSE_KINDS},
        }
    parts: dict[str, dict[str, Any]] = {}
    all_parts = sorted({gold.part(p) for p in gold.articles} | {gold.part(o.a.path, o.b.path) for o in s.outcomes})
    for part in all_parts:
        outs = [o for o in s.outcomes if gold.part(o.a.path, o.b.path) == part]
        k = Counter(o.kind for o in outs)
        g_total = sum(1 for p, lab in gold.labels.items() if lab == "contradiction"
                      and gold.part(*(gold.claims[x].path for x in p)) == part)
        parts[part] = {
            "reported": len(outs), "tp": k["tp"], "gold": g_total,
            "precision": ratio(k["tp"], len(outs)), "recall": ratio(k["tp"], g_total),
            **{name: k[name] for name in FALSE_KINDS},
        }
    return {
        "per_part": parts,
        "reported_pairs": reported,
        "true_positives": tp,
        "precision": ratio(tp, reported),
        "gold_contradiction_pairs": s.gold_contradictions,
        "recall": ratio(tp, s.gold_contradictions),
        "scope_differs_reported": kinds["scope-differs"],
        "consistent_reported": kinds["consistent"],
        "cross_fact_reported": kinds["cross-fact"],
        "unknown_reported": kinds["unknown"],
        "non_article_pairs_ignored": s.non_article_pairs,
        "conflicts_given": s.conflicts_given,
        "disjoint_pairs": sum(1 for o in s.outcomes if o.disjoint),
        "disjoint_true_positives": sum(1 for o in s.outcomes if o.disjoint and o.kind == "tp"),
        "findings": dict(s.findings),
        "per_beat": beats,
    }


def fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.2f}"


def quote(r: Reported | None, g: GoldClaim | None) -> str:
    if r is not None:
        sent = r.sentence.replace("\n", " ")
        return f"{r.path}:{r.line}:{r.col} {r.text!r}" + (f"  «{sent[:90]}»" if sent else "")
    assert g is not None
    line = (CORPUS / g.path).read_text(encoding="utf-8").split("\n")[g.line - 1]
    i = line.find(g.text)
    return f"{g.path}:{g.line} {g.text!r}  «{line[max(0, i - 40):i + len(g.text) + 30]}»"


def print_text(summ: dict[str, Any], s: Score, verbose: bool) -> None:
    print(f"reported contradiction pairs: {summ['reported_pairs']}")
    print(f"true positives:               {summ['true_positives']}")
    print(f"precision:                    {fmt(summ['precision'])}")
    print(f"recall:                       {fmt(summ['recall'])}  "
          f"({summ['true_positives']} of {summ['gold_contradiction_pairs']} gold contradiction pairs)")
    if summ.get("implied_by_bounded_listing"):
        print(f"  + stated, not listed:        {summ['implied_by_bounded_listing']}  (a finding lists a few claims per "
              f"cluster; recall counting them {fmt(summ['recall_with_implied'])})")
    print(f"gold scope-differs reported:  {summ['scope_differs_reported']}  (must be 0)")
    print(f"unknown to gold:              {summ['unknown_reported']}")
    print(f"gold-consistent reported:     {summ['consistent_reported']}")
    print(f"claims from different facts:  {summ['cross_fact_reported']}")
    if not summ["conflicts_given"]:
        print(f"(no `conflicts` in the report: every pair of a finding's claims counted; "
              f"{summ['disjoint_pairs']} of them have disjoint intervals, "
              f"{summ['disjoint_true_positives']} of those true)")
    if summ["non_article_pairs_ignored"]:
        print(f"(pairs touching non-article files, ignored: {summ['non_article_pairs_ignored']})")
    print(f"findings by kind: {summ['findings']}")
    print()
    print(f"{'beat':28} {'rep':>4} {'tp':>4} {'gold':>4} {'prec':>5} {'rec':>5} {'scope':>5} {'cons':>5} {'cross':>5} {'unk':>4}")
    for beat, b in summ["per_beat"].items():
        print(f"{beat:28} {b['reported']:>4} {b['tp']:>4} {b['gold']:>4} {fmt(b['precision']):>5} "
              f"{fmt(b['recall']):>5} {b['scope-differs']:>5} {b['consistent']:>5} {b['cross-fact']:>5} {b['unknown']:>4}")
    print()
    print(f"{'part':28} {'rep':>4} {'tp':>4} {'gold':>4} {'prec':>5} {'rec':>5} {'scope':>5} {'cons':>5} {'cross':>5} {'unk':>4}")
    for part, b in summ["per_part"].items():
        print(f"{part:28} {b['reported']:>4} {b['tp']:>4} {b['gold']:>4} {fmt(b['precision']):>5} "
              f"{fmt(b['recall']):>5} {b['scope-differs']:>5} {b['consistent']:>5} {b['cross-fact']:>5} {b['unknown']:>4}")
    if not verbose:
        return
    print("\nfalse positives:")
    for o in s.outcomes:
        if o.kind == "tp":
            continue
        print(f"  [{o.kind}] {o.rule}")
        for r, g in ((o.a, o.ga), (o.b, o.gb)):
            print(f"      {quote(r, None)}" + (f"  -> {g.key}" if g else "  -> (not in gold)"))
    print("\nmissed gold contradictions:")
    for x, y in s.missed:
        print(f"  {x.fact}")
        print(f"      {quote(None, x)}")
        print(f"      {quote(None, y)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rules", action="append", type=Path, help="rule file or directory (repeatable)")
    ap.add_argument("--builtin", action="store_true", help="run with the shipped rules")
    ap.add_argument("--json", action="store_true", help="print the score as JSON")
    ap.add_argument("-v", "--verbose", action="store_true", help="list false positives and missed pairs")
    args = ap.parse_args(argv)
    gold = load_gold()
    report = run_factcheck(args.rules or [DEFAULT_RULES], args.builtin)
    s = score(report, gold)
    summ = summary(s, gold)
    implied = implied_by_bounded_listing(report, run_claims(args.rules or [DEFAULT_RULES], args.builtin), s, gold)
    summ["implied_by_bounded_listing"] = len(implied)
    summ["recall_with_implied"] = ratio(summ["true_positives"] + len(implied), summ["gold_contradiction_pairs"])
    if args.json:
        summ["false_positives"] = [
            {"kind": o.kind, "rule": o.rule,
             "a": {"path": o.a.path, "line": o.a.line, "text": o.a.text, "gold": o.ga.key if o.ga else None},
             "b": {"path": o.b.path, "line": o.b.line, "text": o.b.text, "gold": o.gb.key if o.gb else None}}
            for o in s.outcomes if o.kind != "tp"] if args.verbose else None
        summ["missed"] = [[x.key, y.key] for x, y in s.missed]
        print(json.dumps(summ, ensure_ascii=False, indent=2))
    else:
        print_text(summ, s, args.verbose)
    return 0


if __name__ == "__main__":
    try:
        main()
    except SystemExit as e:  # argparse errors and bad gold still exit 0: this is a measurement
        if e.code not in (0, None):
            print(e, file=sys.stderr)
    sys.exit(0)
