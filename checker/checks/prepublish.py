"""Pre-publish output centred on the draft (``check DRAFT --against ARCHIVE``).

A finding over a large archive is about the draft: ``draft_centred`` keeps the draft's
claims, a few of the archive's as examples (newest first), and sums the archive's side up
in one line (``Finding.archive``): "contradicts 400 articles (3万-5万张, 5万张), e.g.
a.md:3 (2024-05-01), b.md:9 (2024-04-28), …, newest first".  How many archive articles
disagree is counted over every claim of the finding's group, not only the listed ones.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from typing import Iterable, Sequence

from ..amounts import value_text
from .compare import claim_interval
from ..model import Claim, Finding
from ..rules import RuleSet

#: Archive claims shown as examples in a finding of the draft.
EXAMPLES = 3


def draft_centred(findings: Iterable[Finding], claims: Sequence[Claim], drafts: set[str],
                  ruleset: RuleSet | None) -> list[Finding]:
    """The findings as the draft's: draft claims, a few archive examples, and the archive's side summed up."""
    rules = {r.id: r for r in ruleset.rules} if ruleset is not None else {}
    by_key: dict[tuple, list[Claim]] = {}
    wanted = {c.key for f in findings for c in f.claims if c.path in drafts}
    for c in claims:
        if c.key in wanted and c.path not in drafts:
            by_key.setdefault(c.key, []).append(c)
    out = []
    for f in findings:
        mine = [c for c in f.claims if c.path in drafts]
        if not mine or f.kind not in ("contradiction", "divergence", "consistent"):
            out.append(f)
            continue
        rule = rules.get(f.rule)
        listed_archive = [c for c in f.claims if c.path not in drafts]
        if f.kind == "divergence":
            # the archive claims that differ from a draft claim in the named qualifier (its pairs)
            paired = {id(f.claims[j if f.claims[i].path in drafts else i]) for i, j in f.conflicts
                      if (f.claims[i].path in drafts) != (f.claims[j].path in drafts)}
            others = [c for c in listed_archive if id(c) in paired] or listed_archive
            total = len(others) + f.omitted
            verb = "differs from"
        else:
            spans = [claim_interval(c, rule) for c in mine]
            pool = by_key.get(mine[0].key, listed_archive)
            pool = [c for c in pool if c.negated == mine[0].negated] or pool
            if f.kind == "contradiction":
                others = [c for c in pool if not any(s.overlaps(claim_interval(c, rule)) for s in spans)]
                verb = "contradicts"
                if not others:  # the draft sides with the archive against an outlier of the archive
                    others = [c for c in listed_archive if any(c is f.claims[i] or c is f.claims[j]
                                                               for i, j in f.conflicts)]
            else:
                others = pool
                verb = "agrees with"
            total = len(others)
        articles = len({c.path for c in others}) + (f.omitted if f.kind == "divergence" else 0)
        examples = sorted({c.path: c for c in others}.values(), key=_newest_first)[:EXAMPLES]
        values = " / ".join(dict.fromkeys(value_text(c.mention.quantity) for c in others[:50]))
        eg = ", ".join(f"{c.path}:{c.mention.line} ({c.doc_date.isoformat() if c.doc_date else 'undated'})"
                       for c in examples)
        summary = f"{verb} {articles:,} article{'s' if articles != 1 else ''}"
        if values:
            summary += f" ({values})"
        if eg:
            summary += f", e.g. {eg}" + (", newest first" if len(examples) > 1 else "")
        listed = tuple(mine) + tuple(examples)
        at = {id(c): i for i, c in enumerate(listed)}
        conflicts = tuple((at[id(a)], at[id(b)]) for a in mine for b in examples
                          if f.kind != "consistent" and not claim_interval(a, rule).overlaps(claim_interval(b, rule)))
        out.append(dataclasses.replace(f, claims=listed, conflicts=conflicts, archive=summary,
                                       omitted=max(0, total - len(examples))))
    return out


def _newest_first(c: Claim) -> tuple:
    return (c.doc_date is None, -(c.doc_date or _dt.date.min).toordinal(), c.path, c.mention.start)


__all__ = ["EXAMPLES", "draft_centred"]
