"""``factcheck claims PATHS…``: every claim the rules make of the articles, with its subject,
metric, qualifiers, time, source and the evidence of each (which words gave it, from which
clause, what was inherited, near-miss names read as known ones).

Rich on a terminal, plain when piped, JSON with ``--format json``.  A file that cannot be
read gets a message on stderr and the run goes on.  Exit 0; 2 when no path gave a readable
article (E206), a rule-file or configuration error, or bad usage.
"""

from __future__ import annotations


from .. import pipeline
from ..config import resolve_config
from ..errors import InputError
from ..render.claims import render_claims
from . import emit, say, FORMATS_EXTRACT, builtin_choice, check_stdin_filename, choose_format, explicit_paths, require_paths


def run(args) -> int:
    check_stdin_filename(args)
    require_paths(args, "claims")
    fmt = choose_format(args.format, args.output, FORMATS_EXTRACT)
    config = resolve_config(args.config)
    ruleset = pipeline.resolve_rules(args.rules, config, builtin=builtin_choice(args))
    claims = []
    read = 0
    explicit = explicit_paths(args)
    named_unreadable = False
    for item in pipeline.extract_paths(args.paths, date=args.date, stdin_filename=args.stdin_filename,
                                       include=list(config.include) or None, exclude=tuple(config.exclude),
                                       exclude_root=config.root, force_exclude=args.force_exclude):
        if not isinstance(item, tuple):  # a LoadProblem: say so and go on with the others
            say(f"{item.path}: {item.code} {item.message}")
            named_unreadable |= item.path in explicit
            continue
        doc, mentions = item
        read += 1
        claims.extend(pipeline.attribute(doc, mentions, ruleset))
    if not read:
        raise InputError("no readable input among the paths given", code="E206",
                         hint="check the paths; supported articles are .md, .markdown and .txt files")
    emit(render_claims, claims, fmt, args.output)
    return 2 if named_unreadable else 0
