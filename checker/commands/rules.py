"""``factcheck rules list|test|suggest``: show the rules loaded and where each came from,
run the examples each rule carries, or draft rules for the recurring claims of a corpus
that no rule reads (``checker.suggest``).

``rules test`` exits 2 when an example fails, printing the example's file and line,
what was expected and what the rule read instead; 0 when every example passes.
"""

from __future__ import annotations

import sys

from ..errors import UsageError
from ..pipeline import resolve_rules, run_examples
from ..rules import ORIGIN_SHIPPED, RuleSet
from ..display import display
from . import builtin_choice, configured, say


def run(args) -> int:
    config = configured(getattr(args, "config", None))
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
    say(f"{len(suggestions)} draft rules from {documents} documents")
    return 0


def _origin(thing) -> str:
    where = f"{thing.path}:{thing.line}"
    text = f"shipped {where}" if thing.origin == ORIGIN_SHIPPED else where
    if getattr(thing, "replaces", ""):
        text += f", replaces {thing.replaces}"
    if thing.extended_by:
        text += f", extended by {', '.join(thing.extended_by)}"
    return text


def _line(out, text: str, *, blank: bool = False) -> None:
    """One line of the listing, in display form (names come from rule files)."""
    out.write(("\n" if blank else "") + display(text) + "\n")


def _list(ruleset: RuleSet, out) -> None:
    _line(out, f"rule files ({len(ruleset.files)}), version {ruleset.version}:")
    for path in ruleset.files:
        _line(out, f"  {path}")
    _line(out, f"entities ({len(ruleset.entities)}):", blank=True)
    for ent in ruleset.entities.values():
        fuzzy = "  [fuzzy]" if ent.fuzzy else ""
        kind = f" ({ent.kind})" if ent.kind else ""
        _line(out, f"  {ent.id}{kind}: {', '.join(ent.names)}{fuzzy}  [{_origin(ent)}]")
    if ruleset.qualifiers:
        _line(out, f"qualifiers ({len(ruleset.qualifiers)}):", blank=True)
        for q in ruleset.qualifiers.values():
            values = [v for v, _ in q.values] + [ruleset.entities[e].names[0] for e in q.entities]
            default = f" (default {q.default})" if q.default else ""
            _line(out, f"  {q.name}: {', '.join(values)}{default}  [{_origin(q)}]")
    _line(out, f"claim rules ({len(ruleset.rules)}):", blank=True)
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
        _line(out, f"  {r.id}: {r.label}")
        _line(out, f"    {'; '.join(parts)}")
        _line(out, f"    from {_origin(r)}")
    if ruleset.disabled:
        _line(out, f"disabled ({len(ruleset.disabled)}): {', '.join(ruleset.disabled)}", blank=True)
    if ruleset.checks:
        _line(out, f"arithmetic checks ({len(ruleset.checks)}):", blank=True)
        for c in ruleset.checks:
            _line(out, f"  {c.id}")


def _test(ruleset: RuleSet) -> int:
    results = run_examples(ruleset)
    failed = [r for r in results if not r.passed]
    for r in failed:
        print(display(f"{r.example.path}:{r.example.line}: E310 example of {r.rule.id} failed: {r.problem}"),
              file=sys.stderr)
    say(f"{len(results) - len(failed)} of {len(results)} rule examples pass"
          f"{'' if not failed else f'; {len(failed)} failed'}")
    return 2 if failed else 0
