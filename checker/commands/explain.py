"""``factcheck explain FILE:LINE[:COL]``: how each number at a place of an article was read.

For every number on the line (or the one at the column): its claim with the evidence of
each part (subject, metric, qualifiers, time and how it was found, source, near-miss names),
and the rules whose unit fits that did not read it, each with why (another measure word, no
metric word, excluded by …, taken by rule X, a change not a level, a part, another owner).
For a number that became no claim: why, rule by rule, the rule that came closest first.

Rich on a terminal, plain when piped, JSON with ``--format json``.  Exit 0; 2 when the file
cannot be read, the place is malformed or holds no number (the hint lists the line's
numbers), or on a rule-file or configuration error.
"""

from __future__ import annotations

import re

from .. import pipeline
from ..config import resolve_config
from ..errors import UsageError
from ..load import read_document
from ..render.claims import render_explanations
from . import emit, FORMATS_EXTRACT, builtin_choice, choose_format

#: FILE:LINE or FILE:LINE:COL (a Windows drive letter or a colon in the name stays in FILE).
PLACE = re.compile(r"^(?P<file>.+?):(?P<line>\d+)(?::(?P<col>\d+))?$")


def parse_place(text: str) -> tuple[str, int, int | None]:
    m = PLACE.match(text)
    if m is None or int(m.group("line")) < 1:
        raise UsageError(f"not a place: {text!r}", hint="write FILE:LINE or FILE:LINE:COL, e.g. seeds/a.txt:11:64")
    col = m.group("col")
    return m.group("file"), int(m.group("line")), int(col) if col else None


def run(args) -> int:
    path, line, col = parse_place(args.place)
    fmt = choose_format(args.format, args.output, FORMATS_EXTRACT)
    config = resolve_config(args.config)
    ruleset = pipeline.resolve_rules(args.rules, config, builtin=builtin_choice(args))
    doc = read_document(path, date=args.date)
    if line > len(doc.line_starts):
        raise UsageError(f"{path} has {len(doc.line_starts)} lines, not {line}", hint="give a line of the file")
    on_line = [e for e in pipeline.explain_document(doc, ruleset) if e.mention.line == line]
    chosen = on_line
    if col is not None:
        # the number whose text holds the column, else the first one starting at or after it
        chosen = [e for e in on_line if e.mention.col <= col < e.mention.col + len(e.mention.text)] or \
            [e for e in on_line if e.mention.col >= col][:1]
    if not chosen:
        listed = ", ".join(f"{e.mention.col} {e.mention.text}" for e in on_line)
        where = f"{path}:{line}" + (f":{col}" if col is not None else "")
        raise UsageError(f"no number at {where}", hint=f"numbers on line {line}: {listed}" if listed else
                         "that line holds no number the checker reads (factcheck extract lists them)")
    emit(render_explanations, chosen, fmt, args.output)
    return 0
