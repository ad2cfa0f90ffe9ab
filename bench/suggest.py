"""How many hand-written rules `factcheck rules suggest` would have proposed.

    python bench/suggest.py [-v] [--corpus DIR] [--rules DIR]

Runs ``rules suggest`` over the real-article corpus (tests/data/real) with the shipped rules
only, and compares its drafts with the hand-written rules of ``tests/data/real/rules/``.  A
draft *proposes* a hand-written rule when (1) one of its subjects is a name of one of the
rule's subject entities (or contains one, or is contained in one: 全球智能手机 and 全球智能手机市场),
(2) one of its metric words is one of the rule's words (or contains it, or is contained in
it), and (3) its unit fits the rule's (a currency for money; count or number for counts;
percent for percent).  A draft that proposes no hand-written rule is printed with ``-v``
so that a person can judge whether it is noise or a fact the hand-written rules missed.
The script is a measurement: it always exits 0.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.model import CURRENCIES  # noqa: E402
from checker.rules import load_rules  # noqa: E402
from checker.text import match_form  # noqa: E402


def units_fit(draft_unit: str, rule_units: tuple[str, ...]) -> bool:
    for u in rule_units:
        if u == draft_unit or (u == "money" and draft_unit in CURRENCIES):
            return True
        if u in ("count", "number") and draft_unit in ("count", "number"):
            return True
    return False


def overlaps(a: set[str], b: set[str]) -> bool:
    return any(x == y or x in y or y in x for x in a for y in b)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(ROOT / "tests" / "data" / "real"))
    ap.add_argument("--rules", default=str(ROOT / "tests" / "data" / "real" / "rules"))
    ap.add_argument("-v", action="store_true")
    args = ap.parse_args()
    out = subprocess.run([sys.executable, "-m", "checker", "rules", "suggest", args.corpus], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    data = yaml.safe_load(out)
    names = {eid: {match_form(n) for n in spec["names"]} for eid, spec in (data.get("entities") or {}).items()}
    drafts = []
    for d in data.get("claims") or []:
        subj = d["subject"]
        ids = subj["each"] if isinstance(subj, dict) else ([subj] if isinstance(subj, str) else subj)
        drafts.append((d["id"], set().union(*(names[i] for i in ids)), {match_form(w) for w in d["words"]},
                       d["unit"]))
    hand = load_rules([args.rules])
    proposed, used = [], set()
    for rule in hand.rules:
        rnames = set().union(*(set(hand.entities[s].match_names) for s in rule.subjects))
        hits = [d for d in drafts if overlaps(d[1], rnames) and overlaps(d[2], set(rule.words))
                and units_fit(d[3], rule.accepted_units)]
        used.update(d[0] for d in hits)
        proposed.append((rule.id, [d[0] for d in hits]))
    n = sum(1 for _, h in proposed if h)
    print(f"hand-written rules:   {len(proposed)}")
    print(f"proposed by suggest:  {n}  ({n / len(proposed):.0%})")
    print(f"drafts:               {len(drafts)}")
    print(f"drafts matching none: {len(drafts) - len(used)}")
    for rid, hits in proposed:
        print(f"  {'+' if hits else '-'} {rid}: {', '.join(hits) or 'not proposed'}")
    if args.v:
        print("\ndrafts that propose no hand-written rule (judge: noise, or a fact the rules missed):")
        for did, subj, words, unit in drafts:
            if did not in used:
                print(f"  {did}: subjects {sorted(subj)}; words {sorted(words)}; unit {unit}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
