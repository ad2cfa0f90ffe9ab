"""One finding for a slip retold in many articles.

An archive that retells a story carries its slips along: the same arithmetic error, the same
garbled name, the same restatement, once per retelling.  Findings that lie inside one article
and say the same thing (kind, rule, subject, metric, message, detail, and the same words at
their sides) become one finding, whose ``repeats`` are the other articles' places, so what a
report prints grows with what is wrong, not with how often it was retold.  Counts (the summary,
``--statistics``, exit codes) still count every article (``Finding.occurrences``).

Findings across articles are not folded: the comparison already sums their groups up
(clusters, "and 397 more").
"""

from __future__ import annotations

import dataclasses
from typing import Iterable

from ..model import Claim, Finding, Location


def fold_repeats(findings: Iterable[Finding]) -> list[Finding]:
    """The findings with each within-article finding said again in other articles folded into
    its first article's (by path, then position); order otherwise kept."""
    out: list[Finding] = []
    heads: dict[tuple, list[int]] = {}  # per fingerprint: the findings others fold into
    articles: dict[int, set[str]] = {}  # per head: the articles it stands for
    repeats: dict[int, list[Location]] = {}
    for f in sorted(findings, key=Finding.sort_key):
        key = _fingerprint(f)
        if key is None:
            out.append(f)
            continue
        path = _path(f)
        # the same slip twice in one article is two findings; in another article, a repeat
        at = next((h for h in heads.get(key, ()) if path not in articles[h]), None)
        if at is None:
            heads.setdefault(key, []).append(len(out))
            articles[len(out)] = {path}
            out.append(f)
        else:
            articles[at].add(path)
            repeats.setdefault(at, []).append(_first_side(f))
    for at, places in repeats.items():
        out[at] = dataclasses.replace(out[at], repeats=(*out[at].repeats, *places))
    return out


def _fingerprint(f: Finding) -> tuple | None:
    """What makes two findings the same slip, or None for a finding that is not inside one article."""
    paths = {c.path for c in f.claims} | {loc.path for loc in f.locations}
    if len(paths) != 1 or f.archive or f.repeats:
        return None
    claims = tuple((c.mention.text, c.subject, c.metric, c.qualifiers, c.negated)
                   for c in sorted(f.claims, key=lambda c: c.mention.start))
    locations = tuple(sorted(loc.text for loc in f.locations))
    return (f.kind, f.severity, f.rule, f.subject, f.metric, f.message, f.detail, f.cause, f.differs,
            f.conflicts, claims, locations)


def _path(f: Finding) -> str:
    return f.claims[0].path if f.claims else f.locations[0].path


def _first_side(f: Finding) -> Location:
    sides: list[Claim | Location] = [*f.claims, *f.locations]
    side = min(sides, key=lambda s: (s.mention.start if isinstance(s, Claim) else s.start))
    if isinstance(side, Claim):
        m = side.mention
        return Location(side.path, m.start, m.end, m.line, m.col, m.text, side.sentence)
    return side


__all__ = ["fold_repeats"]
