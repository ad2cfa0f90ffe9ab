"""Pre-publish output centred on the draft (``check DRAFT --against ARCHIVE``), and the
archive's side read from its per-group summaries.

A finding over a large archive is about the draft: ``draft_centred`` keeps the draft's
claims, a few of the archive's as examples (newest first), and sums the archive's side up
in one line (``Finding.archive``): "contradicts 400 articles (3万-5万张, 5万张), e.g.
a.md:3 (2024-05-01), b.md:9 (2024-04-28), …, newest first".  How many archive articles
disagree is counted over every claim of the finding's key, not only the listed ones.

Against an index, ``SummaryPlan`` answers from the summaries (``archive.summary``: the
classes of claims compare cannot tell apart, each counted): for each family of a draft
claim it places the classes in compare's time buckets, weighted by their counts
(``compare.time_buckets``, the one definition of compare's buckets), and reads for each bucket
that holds a draft claim only a bounded number of claims per class (the first six in
reading order, which hold every claim a bounded listing can pick, and the newest
three).  Each such bucket is compared on its own (``parts``), so compare sees the same
buckets, clusters and listed claims as over every claim; the counts of the archive's side
(articles, claims, ``omitted``) come from the summaries.  The cost is O(classes of the
draft's groups) + O(classes in the draft's buckets) claims read, not O(retellings).
Families that compare across time buckets (a rule that lists ``period`` or reads dates)
and groups without a usable summary are read claim by claim, as before.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from typing import Callable, Iterable, Sequence

from ..amounts import value_text
from ..interval import Interval, interval
from .compare import CONDITIONAL, claim_interval, detail_text, time_buckets
from .compare import family_and_group as _family
from ..model import Claim, Finding
from ..rules import ClaimRule, RuleSet

#: Archive claims shown as examples in a finding of the draft.
EXAMPLES = 3


def draft_centred(findings: Iterable[Finding], claims: Sequence[Claim], drafts: set[str],
                  ruleset: RuleSet | None, plan: "SummaryPlan | None" = None) -> list[Finding]:
    """The findings as the draft's: draft claims, a few archive examples, and the archive's side
    summed up.  With ``plan`` the archive's side of the groups it answers for is counted from
    the summaries (every claim of the key), not from ``claims`` (the bounded read)."""
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
        summed = plan is not None and plan.answered(mine[0].subject, mine[0].metric, mine[0].rule)
        values = None
        if f.kind == "divergence":
            # the archive claims that differ from a draft claim in the named qualifier (its pairs)
            paired = {id(f.claims[j if f.claims[i].path in drafts else i]) for i, j in f.conflicts
                      if (f.claims[i].path in drafts) != (f.claims[j].path in drafts)}
            others = [c for c in listed_archive if id(c) in paired] or listed_archive
            omitted = _true_omitted(f, plan) if summed else f.omitted
            total = len(others) + omitted
            verb = "differs from"
            articles = len({c.path for c in others}) + omitted
            examples = sorted({c.path: c for c in others}.values(), key=_newest_first)[:EXAMPLES]
        else:
            spans = [claim_interval(c, rule) for c in mine]
            verb = "contradicts" if f.kind == "contradiction" else "agrees with"
            counted = None
            if summed:
                pool = plan.key_classes(mine[0])
                pool = [k for k in pool if k.negated == mine[0].negated] or pool
                if f.kind == "contradiction":
                    pool = [k for k in pool if not any(s.overlaps(plan.interval(k)) for s in spans)]
                if pool:
                    counted = pool
            if counted is not None:
                articles = plan.articles(mine[0], counted)
                total = sum(k.claims for k in counted)
                examples = plan.examples(counted, EXAMPLES)
                values = _class_values(counted)
            else:
                pool = by_key.get(mine[0].key, listed_archive)
                pool = [c for c in pool if c.negated == mine[0].negated] or pool
                if f.kind == "contradiction":
                    others = [c for c in pool if not any(s.overlaps(claim_interval(c, rule)) for s in spans)]
                    if not others:  # the draft sides with the archive against an outlier of the archive
                        others = [c for c in listed_archive if any(c is f.claims[i] or c is f.claims[j]
                                                                   for i, j in f.conflicts)]
                else:
                    others = pool
                total = len(others)
                articles = len({c.path for c in others})
                examples = sorted({c.path: c for c in others}.values(), key=_newest_first)[:EXAMPLES]
        if values is None:
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
        omitted = max(0, total - len(examples))
        out.append(dataclasses.replace(f, claims=listed, conflicts=conflicts, archive=summary, omitted=omitted,
                                       detail=detail_text(listed, rule, len(listed) + omitted)))
    return out


#: Archive claims whose values the summary line names (the first ones in reading order).
VALUES_FROM = 50


def _class_values(classes: Sequence) -> str:
    """The values of the first ``VALUES_FROM`` claims of these classes in reading order, each
    once, from the first claims each class keeps (``summary.FIRSTS``): the same as over every
    claim unless a value retold more often than that among the first claims pushes a later
    value out of them (then the later value is named too).  Classes are visited in the order
    of their first claims, and only as far as the first ``VALUES_FROM`` claims reach."""
    ordered = sorted(classes, key=_first_read)
    placed: list = []
    for k in (ordered[0].group.listed_in_order(ordered) if ordered else ()):
        if len(placed) >= VALUES_FROM and (k.first_path, k.first_start) > placed[VALUES_FROM - 1][0]:
            break
        placed.extend((at, k.cls, k) for at in k.firsts_at)
        placed.sort(key=lambda p: (p[0], p[1]))
    return " / ".join(dict.fromkeys(value_text(k.quantity) for _, _, k in placed[:VALUES_FROM]))


def _true_omitted(f: Finding, plan: "SummaryPlan") -> int:
    """A divergence's claims not listed, counted over every claim of its groups (the summaries)."""
    part = plan.part_of(f)
    if part is None:
        return f.omitted
    rule = plan.rules.get(f.rule)
    groups = {_family(c.rule, c.subject, c.metric, c.qualifiers, c.mention.quantity.per, rule)[1]
              for c in f.claims}
    if f.differs == ("condition",):
        members = _conditional_members(part, groups, rule)
    else:
        members = plan.true_count(part, groups, stated_only=f.differs == ("time",))
    return max(0, members - len(f.claims))


def _newest_first(c: Claim) -> tuple:
    return (c.doc_date is None, -(c.doc_date or _dt.date.min).toordinal(), c.path, c.mention.start)




# --- answering from the archive's summaries ---------------------------------------------------


def _class_key(rule: str, qualifiers: tuple, negated: bool, time: str | None, doc_date, q) -> tuple:
    return (rule, qualifiers, bool(negated), time, doc_date if time is None else None,
            q.low, q.high, q.bound, q.unit, q.classifier, q.step, bool(q.vague), q.per)


@dataclasses.dataclass
class _Part:
    """One time bucket of one family that holds draft claims: what is compared together."""

    drafts: list[Claim]
    classes: list  #: archive ClaimClass objects in the bucket
    claims: list[Claim] = dataclasses.field(default_factory=list)  #: the archive claims read for it


class SummaryPlan:
    """The archive's side of a pre-publish check answered from summaries (module docstring).

    ``summaries``: (subject, metric) -> GroupSummary, for the groups that have a usable one
    (its ``times`` place every class in a time bucket; whole classes are read only for the
    draft's buckets and keys);
    ``read``: claim ids -> {id: Claim}; ``denied``: (subject, metric) -> the group's denied
    claims.  ``parts`` (after ``plan``) are the claim lists to compare one by one;
    ``draft_centred`` then counts the archive's side from the summaries."""

    def __init__(self, summaries: dict, ruleset: RuleSet | None, read: Callable[[Iterable[int]], dict],
                 denied: Callable[[str, str], list[Claim]]):
        self.summaries = summaries
        self.rules = {r.id: r for r in ruleset.rules} if ruleset is not None else {}
        self._read = read
        self._denied = denied
        self.parts: list[_Part] = []
        self.rest: list[Claim] = []  #: draft claims compared with the claims read claim by claim
        self._intervals: dict[tuple, Interval] = {}

    def interval(self, k) -> Interval:
        """``interval_of_class`` of a class under its rule, computed once per value and rule
        (a group states few values, each at many times)."""
        key = (k.rule, k.quantity)
        iv = self._intervals.get(key)
        if iv is None:
            iv = self._intervals[key] = interval_of_class(k, self.rules.get(k.rule))
        return iv

    def answered(self, subject: str, metric: str, rule_id: str) -> bool:
        """True when the summaries answer for this group and rule (else it is read claim by claim)."""
        rule = self.rules.get(rule_id)
        if rule is not None and ("period" in rule.qualifiers or "date" in rule.accepted_units):
            return False  # compared across time buckets: every bucket's claims are needed
        return self.summaries.get((subject, metric)) is not None

    def plan(self, drafts: Sequence[Claim]) -> list[list[Claim]]:
        """The claim lists to compare one by one: one per (family, time bucket) holding a draft
        claim, with the bounded archive claims read for it; and ``self.rest``, the draft claims
        the summaries do not answer for (the caller compares them with what it read)."""
        self.parts, self.rest = [], []
        families: dict[tuple, list[Claim]] = {}
        for c in drafts:
            if not self.answered(c.subject, c.metric, c.rule):
                self.rest.append(c)
                continue
            fam, _ = _family(c.rule, c.subject, c.metric, c.qualifiers, c.mention.quantity.per,
                             self.rules.get(c.rule))
            families.setdefault(fam, []).append(c)
        wanted: set[int] = set()
        denied_groups: set[tuple[str, str]] = set()
        for fam, mine in families.items():
            rule = self.rules.get(fam[0])
            summary = self.summaries[(fam[1], fam[2])]
            times = [k for k in summary.times if k.rule == fam[0] and
                     _family(k.rule, fam[1], fam[2], k.qualifiers, k.per, rule)[0] == fam]
            # reading order: the drafts first (as compare's input has them), then each class by its first claim
            members = [(c, 1) for c in mine] + [(k, k.claims) for k in sorted(times, key=_first_read)]
            for _, bucket in time_buckets(members, rule):
                in_drafts = [m for m, _ in bucket if isinstance(m, Claim)]
                if not in_drafts:
                    continue
                # only the classes of the draft's buckets are read whole
                part = _Part(drafts=in_drafts,
                             classes=summary.classes(m.cls for m, _ in bucket if not isinstance(m, Claim)))
                for k in part.classes:
                    if k.negated:
                        denied_groups.add((fam[1], fam[2]))
                    else:
                        wanted.update(k.firsts)
                        wanted.update(i for i, _, _, _ in k.examples)
                self.parts.append(part)
        read = self._read(wanted)
        denials: dict[tuple, list[Claim]] = {}
        for group in sorted(denied_groups):
            for c in self._denied(*group):
                denials.setdefault(_class_key(c.rule, c.qualifiers, c.negated, c.time, c.doc_date,
                                              c.mention.quantity), []).append(c)
        out = []
        for part in self.parts:
            chosen: dict[int, Claim] = {}
            for k in part.classes:
                if k.negated:
                    for c in denials.get(_class_key(k.rule, k.qualifiers, True, k.time, k.doc_date, k.quantity), ()):
                        chosen[id(c)] = c
                    continue
                for i in (*k.firsts, *(e[0] for e in k.examples)):
                    c = read.get(i)
                    if c is not None:
                        chosen[id(c)] = c
            part.claims = sorted(chosen.values(), key=lambda c: (c.path, c.mention.start))
            out.append(part.drafts + part.claims)
        return out

    def part_of(self, finding: Finding) -> _Part | None:
        """The part a finding was found in (its draft claims are the part's)."""
        for part in self.parts:
            ids = {id(c) for c in part.drafts}
            if any(id(c) in ids for c in finding.claims):
                return part
        return None

    # -- counting the archive's side ----------------------------------------------------------

    def key_classes(self, claim: Claim) -> list:
        """The summary classes of a draft claim's key (any time), None-free."""
        summary = self.summaries.get((claim.subject, claim.metric))
        if summary is None:
            return []
        return [k for k in summary.times if k.rule == claim.rule and k.qualifiers == claim.qualifiers]

    def articles(self, claim: Claim, classes: Iterable) -> int:
        return self.summaries[(claim.subject, claim.metric)].articles_over(classes)

    def examples(self, classes: Iterable, limit: int) -> list[Claim]:
        """The newest ``limit`` articles' claims of these classes (the last of each article in
        reading order), newest first, read by id.  Classes are visited newest first and only
        until no older one can place an article among the ``limit``."""
        def order(item) -> tuple:
            return (item[1] is None, -(item[1] or _dt.date.min).toordinal(), item[2], item[3])

        best: dict[str, tuple] = {}
        newest = sorted(classes, key=lambda k: (k.newest is None, -(k.newest or _dt.date.min).toordinal()))
        for k in (newest[0].group.listed_in_order(newest) if newest else ()):
            if len(best) >= limit and k.newest is not None:
                last = sorted(best.values(), key=order)[limit - 1]
                # every claim of this class (and of the classes after it) is older than the chosen
                # articles, so it is none of theirs and places no article among them
                if last[1] is not None and k.newest < last[1]:
                    break
            for item in k.examples:
                i, date, path, start = item
                if path not in best or start > best[path][3]:
                    best[path] = item
        chosen = sorted(best.values(), key=order)[:limit]
        read = self._read([i for i, _, _, _ in chosen])
        return [read[i] for i, _, _, _ in chosen if i in read]

    def true_count(self, part: _Part, groups: set[tuple], *, stated_only: bool) -> int:
        """Claims of a part (drafts and every archive claim its classes count) in these groups."""
        rule = None
        n = 0
        for c in part.drafts:
            rule = self.rules.get(c.rule)
            if _family(c.rule, c.subject, c.metric, c.qualifiers, c.mention.quantity.per, rule)[1] in groups \
                    and not (stated_only and c.negated):
                n += 1
        for k in part.classes:
            grp = _family(k.rule, "", "", k.qualifiers, k.quantity.per, self.rules.get(k.rule))[1]
            if grp in groups and not (stated_only and k.negated):
                n += k.claims
        return n


def _conditional_members(part: _Part, groups: set[tuple], rule: ClaimRule | None) -> int:
    """Claims of a denial-under-a-condition divergence (``compare._check_denials``): the
    conditional denials of the group and the stated claims that reach one of them.  Denials
    are read claim by claim (their sentences decide), stated claims are counted by class."""
    def grp_of(rule_id, qualifiers, per):
        return _family(rule_id, "", "", qualifiers, per, rule)[1]

    denials = [c for c in (*part.drafts, *part.claims) if c.negated
               and grp_of(c.rule, c.qualifiers, c.mention.quantity.per) in groups]
    thresholds = []
    for no in denials:
        q = no.mention.quantity
        threshold = q.low if q.low is not None else q.high
        before = no.sentence[:max(0, no.mention.start - no.sentence_start)]
        if threshold is not None and CONDITIONAL.search(before):
            thresholds.append((no, threshold))
    if not thresholds:
        return 0
    lowest = min(t for _, t in thresholds)
    stated = [(1, c.mention.quantity) for c in part.drafts if not c.negated
              and grp_of(c.rule, c.qualifiers, c.mention.quantity.per) in groups]
    stated += [(k.claims, k.quantity) for k in part.classes if not k.negated
               and grp_of(k.rule, k.qualifiers, k.quantity.per) in groups]
    reaching = sum(n for n, q in stated if q.low is not None and q.low >= lowest)
    reached = [no for no, t in thresholds if any(q.low is not None and q.low >= t for _, q in stated)]
    return reaching + len(reached)


def _first_read(k) -> tuple:
    return (k.first_path, k.first_start)


def interval_of_class(k, rule: ClaimRule | None):
    """The values a class allows under its rule's tolerance (``compare.claim_interval``)."""
    if rule is None:
        return interval(k.quantity)
    return interval(k.quantity, tolerance=rule.tolerance, relative=rule.tolerance_relative)


__all__ = ["EXAMPLES", "SummaryPlan", "draft_centred", "interval_of_class"]
