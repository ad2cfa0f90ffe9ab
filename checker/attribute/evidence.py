"""How a claim was read: the words that gave its subject, metric, qualifiers and time, the
clause each came from, and the near-miss names read as known ones (p00 → H100).

``evidence_of`` is given what attribution chose (the winning rule, subject, qualifiers and
time) and finds, the way ``_read`` found them, the nearest word behind each: in the
number's own clause, else in an earlier clause of its sentence, nearest first.  The result
is ``Claim.evidence``, plain (name, value) pairs:

    ("clause", "如果训练GPT-5,则还需要5万张英伟达p00")   the number's clause as written
    ("subject", "英伟达: own clause")                    or "2 clauses before", "the 分别 list",
                                                         "not named (the rule's subject)"
    ("metric", "需要: own clause")                        or "pattern …"
    ("qualifier chip", "H100: p00, own clause")           or "default", "from the unit", "the sentence's source"
    ("time", "2023: heading")                             clause, paragraph, heading, lead, or the article's date
    ("fuzzy", "p00 → H100")                               a near miss read as a known name
"""

from __future__ import annotations

from typing import Callable, Sequence

from ..model import Document, Mention
from ..rules import ClaimRule
from .terms import Hit, Terms

#: What ``TimeIndex.period_of`` says of where a period was found, for people.
TIME_HOW = {"clause": "stated in its sentence", "paragraph": "named earlier in its paragraph",
            "heading": "the heading it stands under", "lead": "the title and lead of the article"}


def where(distance: int | None) -> str:
    """"own clause", "1 clause before", "3 clauses before"."""
    if distance is None:
        return "not in the sentence"
    if distance == 0:
        return "own clause"
    return f"{distance} clause{'s' if distance > 1 else ''} before"


def _gap(h: Hit, mention: Mention) -> int:
    if h.end <= mention.start:
        return mention.start - h.end
    if h.start >= mention.end or h.end > mention.end:
        return max(0, h.start - mention.end) + 1
    return 10**9


def nearest(ctx, ci: int, mention: Mention, own: Sequence[Hit], wanted: Callable[[Hit], bool]):
    """The hit nearest to the number that ``wanted`` accepts, own clause first, then earlier
    clauses: (hit, clauses before) or (None, None)."""
    for j in range(ci, -1, -1):
        best = None
        for h in (own if j == ci else ctx.hits[j]):
            if not wanted(h):
                continue
            d = _gap(h, mention) if j == ci else mention.start - h.end
            if d < 10**9 and (best is None or d < best[0]):
                best = (d, h)
        if best:
            return best[1], ci - j
    return None, None


def evidence_of(doc: Document, mention: Mention, ctx, ci: int, own: Sequence[Hit], rule: ClaimRule, subject: str,
                qualifiers: tuple[tuple[str, str], ...], time: str | None, how: str, lex: Terms,
                source: str | None) -> tuple[tuple[str, str], ...]:
    """The evidence of one claim (see the module docstring)."""
    text = doc.text
    out: list[tuple[str, str]] = []
    cs, ce = ctx.seg.clauses[ci]
    out.append(("clause", " ".join(text[cs:ce].split()).rstrip(",、:;。，：；") or text[cs:ce]))
    fuzzy: list[Hit] = []

    listed = ctx.lists.get(mention.start)
    if listed is not None and listed.kind == "entity" and lex.entity_of.get(listed.hit.term) == subject:
        out.append(("subject", f"{text[listed.hit.start:listed.hit.end]}: the 分别 list"))
    else:
        hit, dist = nearest(ctx, ci, mention, own, lambda h: lex.entity_of.get(h.term) == subject)
        if hit is None and rule.subject_optional:
            out.append(("subject", f"{subject}: not named (the rule's subject)"))
        elif hit is None:
            out.append(("subject", f"{subject}: carried from an earlier sentence of its paragraph, or the lead"))
        else:
            out.append(("subject", f"{text[hit.start:hit.end]}: {where(dist)}"
                                   + ("" if dist == 0 else " (inherited)")))
            if hit.fuzzy:
                fuzzy.append(hit)

    words = set(rule.words)
    hit, dist = nearest(ctx, ci, mention, own, lambda h: h.term in words)
    if hit is not None:
        out.append(("metric", f"{text[hit.start:hit.end]}: {where(dist)}" + ("" if dist == 0 else " (inherited)")))
    elif rule.patterns:
        out.append(("metric", "a pattern of the rule"))

    for name, value in qualifiers:
        label = f"qualifier {name}"
        if name == "period":
            out.append((label, f"{value}: the claim's time"))
            continue
        if name == "currency":
            out.append((label, f"{value}: the number's unit"))
            continue
        if name == "source" and name not in lex.ruleset.qualifiers:
            out.append((label, f"{value}: the sentence's source"))
            continue
        if listed is not None and listed.kind == name:
            out.append((label, f"{value}: {text[listed.hit.start:listed.hit.end]}, the 分别 list"))
            continue
        terms = lex.qualifier_terms.get(name, set())
        hit, dist = nearest(ctx, ci, mention, own,
                            lambda h: h.term in terms and lex.qualifier_value.get((name, h.term)) == value)
        if hit is None:
            out.append((label, f"{value}: the qualifier's default"))
        else:
            out.append((label, f"{value}: {text[hit.start:hit.end]}, {where(dist)}"))
            if hit.fuzzy:
                fuzzy.append(hit)

    if time:
        out.append(("time", f"{time}: {TIME_HOW.get(how, how or 'stated')}"))
    elif doc.date is not None:
        out.append(("time", f"none stated: as of the article's date {doc.date.isoformat()}"))
    else:
        out.append(("time", "unknown: no period stated and the article has no date"))
    if source:
        out.append(("source", source))
    for h in fuzzy:
        name = next((n for n in lex.known if n == h.term), h.term)
        out.append(("fuzzy", f"{text[h.start:h.end]} → {_display(name, lex)}"))
    return tuple(out)


def _display(term: str, lex: Terms) -> str:
    """A matched term as its entity writes it (h100 → H100)."""
    eid = lex.entity_of.get(term)
    if eid is not None:
        ent = lex.ruleset.entities.get(eid)
        if ent is not None:
            for n in ent.names:
                if n.lower() == term:
                    return n
            return ent.names[0]
    return term


__all__ = ["TIME_HOW", "evidence_of", "nearest", "where"]
