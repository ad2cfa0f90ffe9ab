"""Why a number is, or is not, a claim (``factcheck explain``).

``explain(doc, mentions, ruleset)`` attributes the document as ``attribute`` does, then
for each number asks every rule whose unit fits why it does not read it, by re-running the
rule checks of ``_read`` one by one in their order and naming the first that refuses:

* no rule's unit fits (a bare number, a date-like count no rule reads);
* the value before a change (从95%降至50%: the 95%);
* steered away: ``unless`` words, none of the ``context`` words, outside ``plausible``;
* another measure word, a value outside the rule's range;
* an ``exclude`` word in the number's stretch of its clause;
* no subject (no name of the rule's subjects in the sentence) or another owner (存储芯片占比16%);
* a part of the whole (其中 …), a change not a level (份额下降2%);
* no metric word in the number's clause or before it;
* a required qualifier missing; a bare clause (its own clause names nothing the rule knows);
* taken by another rule (a number makes one claim: the nearest evidence wins).

This module only reads: attribution itself never calls it.
"""

from __future__ import annotations

import bisect

from ..model import Document, Explanation, Mention
from ..rules import ClaimRule, RuleSet
from . import (CARRIED, CHANGE_BEFORE, _Carry, _bare_clause, _combined, _inside, _names_what_it_counts, RATIO_UNITS, _Context, _earlier_value, _list_head, _names_another_entity,
               _names_another_owner, _nearest_entity, _former, _opening, _opens_on_a_part, _own_hits, _owned_by_another,
               _pattern_hit, _qualifier, _read, _reads_levels, _simplified, _stretch, _continues_subject,
               attribute, distribute, _name_kind, _labelled_by_unknown)
from .clauses import sentence_at, sentence_starts
from .periods import TimeIndex
from .terms import terms_for


def explain(doc: Document, mentions: list[Mention], ruleset: RuleSet) -> list[Explanation]:
    """An explanation for every mention of ``doc``, in text order."""
    claims = {c.mention.start: c for c in attribute(doc, mentions, ruleset)}
    lex = terms_for(ruleset)
    norm = doc.norm
    seg_starts = sentence_starts(norm)
    ordered = sorted(mentions, key=lambda m: m.start)
    starts = [m.start for m in ordered]
    times = TimeIndex(doc)
    carry = _Carry(norm, seg_starts, lex)
    contexts: dict[int, _Context] = {}
    out = []
    for mention in ordered:
        claim = claims.get(mention.start)
        candidates = lex.rules_by_unit.get(mention.quantity.unit, ()) if ruleset.rules else ()
        if not candidates:
            why = f"no rule reads a number in {_unit_name(mention)}"
            out.append(Explanation(mention, doc.path, claim, (("", why),)))
            continue
        si = bisect.bisect_right(seg_starts, mention.start) - 1
        ctx = contexts.get(si)
        if ctx is None:
            ctx = contexts[si] = _context(doc, si, seg_starts, ordered, starts, lex, times, carry)
        if claim is None and _earlier_value(norm, mention, ctx, ordered, starts):
            out.append(Explanation(mention, doc.path, None,
                                   (("", "the value before a change (从A降至B): the level is the number after it"),)))
            continue
        ci = ctx.seg.clause_of(mention.start)
        period: dict = {}
        reasons = []
        for order, rule in candidates:
            if claim is not None and rule.id == claim.rule:
                continue
            found = _refusal(doc, mention, ctx, ci, rule, lex, order, period)
            if found is None:
                found = (99, (f"taken by {claim.rule}: this rule reads the number too, but {claim.rule} has "
                              "nearer evidence or a higher priority (a number makes one claim)")
                         if claim is not None else "it reads the number, but another reading won")
            reasons.append((-found[0], order, rule.id, found[1]))
        # the rules that came closest to reading the number first
        out.append(Explanation(mention, doc.path, claim, tuple((r, why) for _, _, r, why in sorted(reasons))))
    return out


def _unit_name(mention: Mention) -> str:
    q = mention.quantity
    if q.unit == "count" and q.classifier:
        return f"count of {q.classifier}"
    return {"number": "a bare number (no unit)", "percent": "percent", "pp": "percentage points",
            "times": "times (倍)"}.get(q.unit, q.unit)


def _context(doc: Document, si: int, seg_starts, ordered, starts, lex, times, carry) -> _Context:
    """The sentence context ``attribute`` builds for the numbers of sentence ``si``."""
    norm = doc.norm
    s_start = seg_starts[si]
    s_end = seg_starts[si + 1] if si + 1 < len(seg_starts) else len(norm)
    seg = sentence_at(norm, s_start, s_end)
    hits = lex.scan(norm, s_start, s_end) + lex.fuzzy_hits(norm, lex.known, s_start, s_end)
    hits.sort(key=lambda h: (h.start, -h.end))
    per_clause = [[] for _ in seg.clauses]
    for h in hits:
        per_clause[seg.clause_of(h.start)].append(h)
    a, b = bisect.bisect_left(starts, seg.start), bisect.bisect_left(starts, seg.end)
    ratios = [m.start for m in ordered[a:b] if m.quantity.unit in RATIO_UNITS]
    lists = distribute(norm, seg.start, seg.end, hits, ordered[a:b], lambda h: _name_kind(h, lex)) \
        if "分别" in norm[seg.start:seg.end] else {}
    return _Context(seg, per_clause, {h.term for h in hits}, ratios, norm, times, lists,
                    [(m.start, m.end) for m in ordered[a:b]], _inside(hits, lex), carry)


def refusal(doc: Document, mention: Mention, ctx: _Context, ci: int, rule: ClaimRule, lex, order: int,
            period: dict) -> str | None:
    """Why ``rule`` does not read ``mention`` (the first of ``_read``'s checks that refuses);
    None when the rule reads it."""
    found = _refusal(doc, mention, ctx, ci, rule, lex, order, period)
    return None if found is None else found[1]


def _refusal(doc: Document, mention: Mention, ctx: _Context, ci: int, rule: ClaimRule, lex, order: int,
            period: dict) -> tuple[int, str] | None:
    """Why ``rule`` does not read ``mention``: the first of ``_read``'s checks that refuses, in
    its order, with how far the rule got (a higher stage came closer); None when it reads it."""
    q = mention.quantity
    if rule.unless and any(t in ctx.terms for t in rule.unless):
        words = [t for t in rule.unless if t in ctx.terms]
        return 1, f"steered away: the sentence has {words[0]!r}, one of the rule's unless words"
    if rule.context_any and not any(t in ctx.terms for t in rule.context_any):
        return 2, "steered away: the sentence has none of the rule's context words (any of " + \
            ", ".join(rule.context_any[:5]) + ")"
    if rule.has_plausible and not rule.plausible(q.low, q.high):
        return 3, "the value is outside the rule's plausible range (a missing magnitude or unit?)"
    bare_count = q.unit == "number" and "count" in rule.accepted_units and "number" not in rule.accepted_units
    if bare_count and not _names_what_it_counts(doc.norm, mention, rule):
        return 4, "a bare number, and the thing it would count does not follow it"
    if rule.classifiers and not bare_count and \
            (not q.classifier or _simplified(q.classifier) not in rule.classifiers):
        return 4, f"the measure word {q.classifier or '(none)'} is not one of the rule's ({', '.join(rule.classifiers)})"
    if (rule.range_low is not None and q.low is not None and q.low < rule.range_low) or \
            (rule.range_high is not None and q.high is not None and q.high > rule.range_high) or \
            (rule.range_low is not None and q.low is None and q.high is not None and q.high < rule.range_low) or \
            (rule.range_high is not None and q.high is None and q.low is not None and q.low > rule.range_high):
        return 5, "the value is outside the rule's range"
    missing = [t for t in rule.context if t not in ctx.terms]
    if missing:
        return 6, f"the sentence lacks the context word {missing[0]!r}"
    own = _own_hits(ctx, ci, mention)
    if rule.exclude:
        lo, hi = _stretch(ctx, ci, mention)
        vetoes = [h for h in own if h.term in rule.exclude and lo <= h.start and h.end <= hi]
        if vetoes:
            return 7, f"excluded by {doc.text[vetoes[0].start:vetoes[0].end]!r} (an exclude word of the rule)"
    listed = ctx.lists.get(mention.start)
    if listed is not None and listed.hit is None:
        return 8, "an item of a 分别 list whose name the rules do not know"
    if _combined(doc.norm, ctx, ci, mention):
        return 8, "several things' figure together (中国、韩国和台湾共占…), not one's"
    if listed is not None and listed.kind == "entity":
        subject, s_dist = lex.entity_of[listed.hit.term], 0
        if subject not in rule.subjects:
            return 8, f"the 分别 list gives the number to {doc.text[listed.hit.start:listed.hit.end]}, another owner"
    else:
        subject, s_dist = _nearest_entity(ctx, ci, mention, rule.subjects, lex, own)
        if s_dist and _opening(doc.norm, ctx, ci, mention, rule) == "前者":
            subject, s_dist = _former(ctx, ci, mention, rule.subjects, lex)
            if subject is None:
                return 8, "前者 (the former) with other than two subjects named before it: no clear referent"
    if s_dist is not None and s_dist > 0 and _opens_on_a_part(doc.norm, ctx, ci, rule, lex, own):
        return 9, "a part of the whole (其中 …): the figure is a part's, not the subject's"
    head = _list_head(doc.norm, ctx, mention)
    if CHANGE_BEFORE.search(doc.norm, max(0, head - 6), head) and _reads_levels(rule):
        return 10, "a change, not a level: a verb of change stands right before the number"
    if subject is None and rule.subject_optional and _owned_by_another(doc.norm, ctx, ci, mention, rule, lex):
        return 11, "another owner: the clause names whose figure it is, and it is not the rule's subject"
    carry = subject is None and not rule.subject_optional
    if subject is None and rule.subject_optional:
        subject, s_dist = rule.subjects[0], None
    m_dist = None
    for j in range(ci, -1, -1):
        if any(h.term in rule.words and id(h) not in ctx.inside for h in (own if j == ci else ctx.hits[j])) or \
                _pattern_hit(doc, ctx.seg.clauses[j], rule):
            m_dist = ci - j
            break
    if m_dist is None:
        return 12, "no metric word: neither the number's clause nor an earlier one has one of " + \
            ", ".join(rule.words[:6])
    if carry:
        names_one = any(h.term in lex.entity_of for hits in ctx.hits for h in hits)
        former = _opening(doc.norm, ctx, ci - m_dist, mention, rule) == "前者"
        if not names_one and _labelled_by_unknown(doc.norm, ctx, mention, lex):
            return 13, "no subject: the sentence is an item labelled with a name no rule knows, so none carries into it"
        subject = ctx.carry.subject(ctx.seg.start, rule, former=former) \
            if not names_one and _bare_clause(doc.norm, ctx, ci - m_dist, mention, rule) else None
        if subject is None:
            return 13, ("no subject: the sentence names none of " + ", ".join(rule.subjects[:5])
                        + (" and none carries from an earlier sentence of its paragraph or the lead"
                           if not names_one else ""))
        s_dist = CARRIED
    if s_dist is not None and 0 < s_dist < CARRIED and len(rule.subjects) > 1 and not rule.subject_each and \
            not _continues_subject(doc.norm, ctx, ci, mention, rule, s_dist):
        return 14, "another owner: the subject is named in an earlier clause, and the number's clause does not go on about it"
    if s_dist != 0 and (_names_another_owner(doc.norm, ctx, ci, mention, rule, lex)
                        or _names_another_entity(ctx, ci, mention, rule, lex)):
        return 15, "another owner: the number's clause is about another thing"
    for name in rule.require:
        if name in ("period", "currency", "source"):
            continue
        if listed is not None and listed.kind == name:
            continue
        value, _ = _qualifier(ctx, ci, mention, name, lex, own, ruleset=lex.ruleset)
        if value is None:
            return 16, f"the required qualifier {name} is not named"
    if _read(doc, mention, ctx, ci, rule, lex, order, period) is None:
        if "period" in rule.require and period.get("time") is None:
            return 17, "the required period is not known"
        return 18, "a bare clause: the number's own clause names neither the subject, a metric word nor a required qualifier"
    return None


__all__ = ["Explanation", "explain", "refusal"]
