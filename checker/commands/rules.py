"""``factcheck rules list|test``: show the rules loaded, or run the examples each
rule carries.

``rules test`` exits 2 when an example fails, printing the example's file and line,
what was expected and what the rule read instead; 0 when every example passes.
"""

from __future__ import annotations

import sys

from ..config import resolve_config
from ..pipeline import resolve_rules, run_examples
from ..rules import RuleSet


def run(args) -> int:
    config = resolve_config(getattr(args, "config", None))
    ruleset = resolve_rules(args.rules, config)
    if args.action == "list":
        _list(ruleset, sys.stdout)
        return 0
    return _test(ruleset)


def _list(ruleset: RuleSet, out) -> None:
    out.write(f"rule files ({len(ruleset.files)}), version {ruleset.version}:\n")
    for path in ruleset.files:
        out.write(f"  {path}\n")
    out.write(f"\nentities ({len(ruleset.entities)}):\n")
    for ent in ruleset.entities.values():
        fuzzy = "  [fuzzy]" if ent.fuzzy else ""
        kind = f" ({ent.kind})" if ent.kind else ""
        out.write(f"  {ent.id}{kind}: {', '.join(ent.names)}{fuzzy}\n")
    if ruleset.qualifiers:
        out.write(f"\nqualifiers ({len(ruleset.qualifiers)}):\n")
        for q in ruleset.qualifiers.values():
            values = [v for v, _ in q.values] + [ruleset.entities[e].names[0] for e in q.entities]
            default = f" (default {q.default})" if q.default else ""
            out.write(f"  {q.name}: {', '.join(values)}{default}\n")
    out.write(f"\nclaim rules ({len(ruleset.rules)}):\n")
    for r in ruleset.rules:
        parts = [f"subject {'/'.join(r.subjects)}{' (optional)' if r.subject_optional else ''}",
                 f"metric {r.metric}", f"unit {r.unit}"]
        if r.qualifiers:
            parts.append(f"qualifiers {', '.join(r.qualifiers)}")
        if r.separate:
            parts.append(f"separate {', '.join(r.separate)}")
        if r.tolerance:
            parts.append(f"tolerance {r.tolerance * 100 if r.tolerance_relative else r.tolerance}"
                         f"{'%' if r.tolerance_relative else ''}")
        parts.append(f"{len(r.examples)} examples")
        out.write(f"  {r.id}: {r.label}\n    {'; '.join(parts)}\n")
    if ruleset.checks:
        out.write(f"\narithmetic checks ({len(ruleset.checks)}):\n")
        for c in ruleset.checks:
            out.write(f"  {c.id}\n")


def _test(ruleset: RuleSet) -> int:
    results = run_examples(ruleset)
    failed = [r for r in results if not r.passed]
    for r in failed:
        print(f"{r.example.path}:{r.example.line}: E310 example of {r.rule.id} failed: {r.problem}",
              file=sys.stderr)
    print(f"factcheck: {len(results) - len(failed)} of {len(results)} rule examples pass"
          f"{'' if not failed else f'; {len(failed)} failed'}", file=sys.stderr)
    return 2 if failed else 0
