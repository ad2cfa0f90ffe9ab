"""``factcheck extract [--format rich|plain|json] PATHS…``: list every quantity found.

One row per quantity: where (path:line:col), the text as written, the normalized
value, its bound and unit.  A file that cannot be read gets a message on stderr and
the run goes on.  Exit 0; 2 when no path gave a readable article (E206) or on bad
usage.
"""

from __future__ import annotations


from ..errors import InputError, UsageError
# Not checker.pipeline: importing it (attribution, checks, archive) takes about 55 ms of
# the command's 0.2 s start-up (python -X importtime), and extraction needs none of it.
from ..extract.corpus import extract_paths
from ..render.mentions import render_mentions
from . import emit, FORMATS_EXTRACT, check_stdin_filename, choose_format, configured, explicit_paths, jobs_of, say


def run(args) -> int:
    check_stdin_filename(args)
    if not args.paths:
        raise UsageError("no PATH given", hint="name articles or directories, or '-' for standard input")
    fmt = choose_format(args.format, args.output, FORMATS_EXTRACT)
    config = configured(args.config)
    items = []
    explicit = explicit_paths(args)
    named_unreadable = False
    for item in extract_paths(args.paths, date=args.date, stdin_filename=args.stdin_filename,
                              include=list(config.include) or None, exclude=tuple(config.exclude),
                              exclude_root=config.root, force_exclude=args.force_exclude, jobs=jobs_of(args)):
        if isinstance(item, tuple):
            items.append(item)
        else:  # a LoadProblem: say so and go on with the others
            say(f"{item.path}: {item.code} {item.message}")
            named_unreadable |= item.path in explicit
    if not items:
        raise InputError("no readable input among the paths given", code="E206",
                         hint="check the paths; supported articles are .md, .markdown and .txt files")
    emit(render_mentions, items, fmt, args.output)
    return 2 if named_unreadable else 0

