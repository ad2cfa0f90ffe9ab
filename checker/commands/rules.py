"""``factcheck rules list|test|suggest``: show the rules loaded and where each came from,
run the examples each rule carries, or draft rules for the recurring claims of a corpus
that no rule reads (``checker.suggest``).

``rules test`` exits 2 when an example fails, printing the example's file and line,
what was expected and what the rule read instead; 0 when every example passes.
"""

from __future__ import annotations

import sys

from ..config import resolve_config
from ..errors import UsageError
from ..pipeline import resolve_rules, run_examples
from ..rules import ORIGIN_SHIPPED, RuleSet
from . import builtin_choice


def run(args) -> int:
    config = resolve_config(getattr(args, "config", None))
    ruleset = resolve_rules(args.rules, config, builtin=builtin_choice(args))
    if args.action == "list":
        _list(ruleset, sys.stdout)
        return 0
    if args.action == "suggest":
        return _suggest(args, ruleset, config)
    if getattr(args, "paths", None):
        raise UsageError(f"'rules {args.action}' takes no PATH", hint="PATHs are for 'rules suggest'")
    return _test(ruleset)


def _suggest(args, ruleset: RuleSet, config) -> int:
    from ..suggest import render_suggestions, suggest_rules  # only this action needs it
    if not args.paths:
        raise UsageError("'rules suggest' needs a PATH", hint="e.g. factcheck rules suggest articles/")
    suggestions, documents = suggest_rules(args.paths, ruleset, min_articles=args.min_articles,
                                           include=list(config.include) or None, exclude=tuple(config.exclude))
    sys.stdout.write(render_suggestions(suggestions[:args.top] if args.top else suggestions, documents=documents))
    print(f"factcheck: {len(suggestions)} draft rules from {documents} documents", file=sys.stderr)
    return 0


def _origin(thing) -> str:
    where = f"{thing.path}:{thing.line}"
    text = f"shipped {where}" if thing.origin == ORIGIN_SHIPPED else where
    if getattr(thing, "replaces", ""):
        text += f", replaces {thing.replaces}"
    if thing.extended_by:
        text += f", extended by {', '.join(thing.extended_by)}"
    return text


def _list(ruleset: RuleSet, out) -> None:
    out.write(f"rule files ({len(ruleset.files)}), version {ruleset.version}:\n")
    for path in ruleset.files:
        out.write(f"  {path}\n")
    out.write(f"\nentities ({len(ruleset.entities)}):\n")
    for ent in ruleset.entities.values():
        fuzzy = "  [fuzzy]" if ent.fuzzy else ""
        kind = f" ({ent.kind})" if ent.kind else ""
        out.write(f"  {ent.id}{kind}: {', '.join(ent.names)}{fuzzy}  [{_origin(ent)}]\n")
    if ruleset.qualifiers:
        out.write(f"\nqualifiers ({len(ruleset.qualifiers)}):\n")
        for q in ruleset.qualifiers.values():
            values = [v for v, _ in q.values] + [ruleset.entities[e].names[0] for e in q.entities]
            default = f" (default {q.default})" if q.default else ""
            out.write(f"  {q.name}: {', '.join(values)}{default}  [{_origin(q)}]\n")
    out.write(f"\nclaim rules ({len(ruleset.rules)}):\n")
    for r in ruleset.rules:
        parts = [f"subject {'/'.join(r.subjects)}{' (optional)' if r.subject_optional else ''}"
                 f"{' (each)' if r.subject_each else ''}",
                 f"metric {r.metric}", f"unit {'/'.join(r.accepted_units)}"]
        if r.qualifiers:
            parts.append(f"qualifiers {', '.join(r.qualifiers)}")
        if r.separate:
            parts.append(f"separate {', '.join(r.separate)}")
        if r.tolerance:
            parts.append(f"tolerance {r.tolerance * 100 if r.tolerance_relative else r.tolerance}"
                         f"{'%' if r.tolerance_relative else ''}")
        if r.priority:
            parts.append(f"priority {r.priority}")
        parts.append(f"{len(r.examples)} examples")
        out.write(f"  {r.id}: {r.label}\n    {'; '.join(parts)}\n    from {_origin(r)}\n")
    if ruleset.disabled:
        out.write(f"\ndisabled ({len(ruleset.disabled)}): {', '.join(ruleset.disabled)}\n")
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
