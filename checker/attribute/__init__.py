"""Mentions + rules -> claims: attach each number to the subject and metric of its
own clause.

How a number is read (all matching runs on ``Document.norm``, so offsets are
those of ``Document.text``; names are matched with spaces removed and ASCII
lower-cased, so "数据中心AI 市场" matches 数据中心AI市场):

1. The text is split into sentences (。!?; and line breaks) and each sentence
   into clauses (, 、 : outside numbers such as 25,000).
2. For each rule whose unit (and measure word, and value range) fits the
   number, the subject is looked for in the number's clause, then in earlier
   clauses of the same sentence, nearest first; the metric words likewise.  So
   "AMD公司的市场份额仅有1.2%,英特尔则只有不到1%" gives 英特尔 the metric of the
   clause before it, while in "如果训练GPT-5,则还需要5万张英伟达p00" the model is
   GPT-5, not the ChatGPT of the sentence before.
3. The number's own clause must name the subject, a metric word or a required
   qualifier; a bare clause ("总计将有等效60万块p00的计算能力") is not a claim.
4. Qualifiers are read the same way (own clause, then earlier clauses): the
   value whose word is nearest to the number wins.  ``period`` is the year the
   clause speaks of (2023年; 去年/今年 against the article's date; unknown when the
   date is unknown).
5. The rule with the nearest evidence wins; a number makes at most one claim.

Chip and model names that are near misses of a known name (``fuzzy: true`` in the
rule file), written in a sentence that carries a number, read as that name: the
garbled "p00" reads as H100.
"""

from __future__ import annotations

import bisect
from decimal import Decimal
import re
from dataclasses import dataclass
from functools import lru_cache

from ..model import Claim, Document, Mention, Quantity
from ..rules import ClaimRule, RuleSet
from ..rules.patterns import search as pattern_search
from ..text import LazyPattern, ascii_lower, match_form, normalize
from .clauses import Segment, segment, sentence_at, sentence_starts
from .evidence import evidence_of
from .lists import Distribution, distribute
from .periods import FULL_YEAR, TIME_WORD, TimeIndex, period_span
from .sources import source_key, source_of
from .tables import table_claims
from .terms import Hit, Terms, terms_for
from ..extract import extract

#: itself (the extractor reads them as bounds) and are not matched here.
NEGATION = re.compile(r"(?:(?:不会|不能|无法|未能|未|没有|没|难以|不可能)(?:再|会|能)?"
                      r"(?:达到|达|超过|突破|升至|增至|增长到|到达)|(?:达|做|超)不到)\s*$")

#: A token that may be a garbled chip or model name: letters and digits, with at


# --- attribution ----------------------------------------------------------------------


@dataclass(slots=True)
class _Context:
    """One sentence: its clauses and the hits in each."""

    seg: Segment
    hits: list[list[Hit]]  #: per clause, in order of start
    terms: set[str]  #: every term in the sentence
    ratios: list[int]  #: starts of the percent and times mentions in the sentence
    norm: str  #: the document's matching view
    times: TimeIndex  #: the document's time words
    lists: dict[int, Distribution]  #: mention start -> the name a 分别 list gives it
    spans: list[tuple[int, int]]  #: the sentence's mentions, in order
    inside: set[int]  #: ids of metric-word hits inside a longer metric word (收入 in 广告收入)
    carry: "_Carry"  #: the subjects earlier sentences and the lead named (one per document)


def ctx_norm(ctx: _Context, start: int, end: int) -> str:
    return ctx.norm[start:end]

#: Units of a number that relates two things ("A是B的13倍", "相当于B的10%").
RATIO_UNITS = ("times", "percent")


def _own_hits(ctx: _Context, ci: int, mention: Mention) -> list[Hit]:
    """The hits of the number's own clause that can describe it.  In "7万亿美元还是去年
    全球半导体产业规模的13倍以上", the words after the number and before a ratio (13倍)
    describe the thing compared with (B), not the number: they are left out."""
    hits = ctx.hits[ci]
    if mention.quantity.unit in RATIO_UNITS or not ctx.ratios:
        return hits
    cs, ce = ctx.seg.clauses[ci]
    # a ratio inside a parenthetical aside ("2.5万张A100(A100的性能是V100的1.4倍)") relates other things
    later = [r for r in ctx.ratios if mention.end <= r < ce and "(" not in ctx_norm(ctx, mention.end, r)]
    if not later:
        return hits
    cut = later[0]
    return [h for h in hits if not (h.start >= mention.end and h.end <= cut)]


def attribute(doc: Document, mentions: list[Mention], ruleset: RuleSet, *,
              _relaxed_for: frozenset[int] | None = None) -> list[Claim]:
    """The claims the rules make of a document's mentions (at most one per mention).
    ``_relaxed_for`` (see ``implausible_claims``): read only the mentions starting at these
    offsets, and without the rules' ``plausible`` ranges."""
    if not ruleset.rules:
        return []
    lex = terms_for(ruleset)
    if not mentions and not lex.rules_by_unit.get("date"):
        return []
    norm = doc.norm
    # Only the sentences that carry a number are segmented into clauses and scanned for
    # names and words: a claim never reads outside its own sentence.
    seg_starts = sentence_starts(norm)
    known = lex.known

    times = _time_index(doc)
    if lex.rules_by_unit.get("date"):
        mentions = list(mentions) + _date_mentions(doc, times, mentions)
    ordered = sorted(mentions, key=lambda m: m.start)
    mention_starts = [m.start for m in ordered]
    carry = _Carry(norm, seg_starts, lex)
    contexts: dict[int, _Context] = {}
    claims: list[Claim] = []
    relaxed = _relaxed_for is not None
    for mention in mentions:
        if relaxed and mention.start not in _relaxed_for:
            continue
        si = bisect.bisect_right(seg_starts, mention.start) - 1
        if si < 0:
            continue
        ctx = contexts.get(si)
        if ctx is None:
            s_start = seg_starts[si]
            s_end = seg_starts[si + 1] if si + 1 < len(seg_starts) else len(norm)
            seg = sentence_at(norm, s_start, s_end)
            hits = lex.scan(norm, s_start, s_end) + lex.fuzzy_hits(norm, known, s_start, s_end)
            hits.sort(key=lambda h: (h.start, -h.end))
            per_clause: list[list[Hit]] = [[] for _ in seg.clauses]
            for h in hits:
                per_clause[seg.clause_of(h.start)].append(h)
            a = bisect.bisect_left(mention_starts, seg.start)
            b = bisect.bisect_left(mention_starts, seg.end)
            ratios = [m.start for m in ordered[a:b] if m.quantity.unit in RATIO_UNITS]
            lists = distribute(norm, seg.start, seg.end, hits, ordered[a:b], lambda h: _name_kind(h, lex)) \
                if "分别" in norm[seg.start:seg.end] else {}
            ctx = contexts[si] = _Context(seg, per_clause, {h.term for h in hits}, ratios, norm, times, lists,
                                          [(m.start, m.end) for m in ordered[a:b]], _inside(hits, lex), carry)
        if _earlier_value(norm, mention, ctx, ordered, mention_starts):
            continue
        claim = _best_claim(doc, mention, ctx, lex, ruleset, relaxed=relaxed)
        if claim is not None:
            claims.append(claim)
    if not relaxed and "\n" in doc.text:
        claims = table_claims(doc, mentions, claims, times,
                              lambda synthetic: attribute(synthetic, extract(synthetic), ruleset),
                              lambda source: _source_value(lex, source),
                              lambda rule_id: any(r.id == rule_id and "source" in r.all_qualifiers
                                                  for r in ruleset.rules))
    return claims


#: The last document's time index: the notices' second reading of a document (``implausible_claims``)
#: follows its first, and reads its time words once.  One reference, swapped whole.
_LAST_TIMES: tuple[Document, TimeIndex] | None = None


def _time_index(doc: Document) -> TimeIndex:
    global _LAST_TIMES
    last = _LAST_TIMES
    if last is not None and last[0] is doc:
        return last[1]
    times = TimeIndex(doc)
    _LAST_TIMES = (doc, times)
    return times


def implausible_claims(doc: Document, mentions: list[Mention], ruleset: RuleSet,
                       claims: list[Claim]) -> list[Claim]:
    """The readings that only a rule's ``plausible`` range refused: a number no rule took
    that a rule would read but for its value (估值达到5,200美元 for a valuation in 亿).  They
    are not claims (never compared); the notices report them as a likely missing magnitude
    or unit."""
    if not any(rule.has_plausible for rule in ruleset.rules):
        return []
    taken = {c.mention.start for c in claims}
    rest = frozenset(m.start for m in mentions if m.start not in taken)
    if not rest:
        return []
    by_id = {rule.id: rule for rule in ruleset.rules}
    out = []
    for claim in attribute(doc, mentions, ruleset, _relaxed_for=rest):
        rule = by_id[claim.rule]
        if not rule.plausible(claim.mention.quantity.low, claim.mention.quantity.high):
            out.append(claim)
    return out


#: "从95%降至50%", "由1%提升至5%", "自61.2%提升至61.7%": the first number is the value before a change the sentence
#: reports, not a current figure; read as a claim it would contradict the second.
FROM_BEFORE = re.compile(r"(?:从|由|(?<![来各亲源])自)\s*(?P<desc>[^,。;!?\d%]{0,12}?的)?\s*$")
CHANGE_TO = LazyPattern(r"\s*[^\d,。;!?]{0,4}?(?:降|跌|升|涨|增|增长|增加|提升|提高|扩大|缩小|下降|上升|减少|回落)?"
                       r"(?:至|到|为)\s*$")


def _earlier_value(norm: str, mention: Mention, ctx: _Context, ordered: list[Mention],
                   mention_starts: list[int]) -> bool:
    """True for the "from" value of a change stated in one clause (从A降至B, 从三年前的70%下滑到
    40%).  A before-value that carries its own time (从2023年第四季度的23%增长到26%) is a claim
    about that time, not dropped."""
    clause_start, clause_end = ctx.seg.clauses[ctx.seg.clause_of(mention.start)]
    before = FROM_BEFORE.search(norm, clause_start, mention.start)
    if not before:
        return False
    if before.group("desc") and TIME_WORD.search(before.group("desc")):
        return False
    i = bisect.bisect_right(mention_starts, mention.start)
    if i >= len(ordered) or ordered[i].start >= clause_end:
        return False
    after = ordered[i]
    return after.quantity.unit == mention.quantity.unit and CHANGE_TO.fullmatch(norm, mention.end, after.start) is not None


@dataclass(slots=True)
class _Reading:
    rule: ClaimRule
    subject: str
    score: tuple
    qualifiers: tuple[tuple[str, str], ...]
    time: str | None
    m_dist: int = 0  #: clauses between the number and its metric word


def _best_claim(doc: Document, mention: Mention, ctx: _Context, lex: Terms, ruleset: RuleSet, *,
                relaxed: bool = False) -> Claim | None:
    q = mention.quantity
    candidates = lex.rules_by_unit.get(q.unit, ())
    best: _Reading | None = None
    ci = ctx.seg.clause_of(mention.start)
    period: dict[str, str | None] = {}  # the number's period, read once for all candidate rules
    readings = []
    for order, rule in candidates:
        if _steering_refuses(rule, q, ctx, relaxed):
            continue
        reading = _read(doc, mention, ctx, ci, rule, lex, order, period)
        if reading is not None:
            readings.append(reading)
    if not readings:
        return None
    # a metric word carried from an earlier clause does not reach across a nearer clause that
    # names the metric of another rule reading the number: in "营收…,季增2%,以市占率70.4%蝉联第一,
    # 遥遥领先三星的7.1%" the 7.1% is a share, whatever the growth rule's priority
    nearest = min(r.m_dist for r in readings)
    readings = [r for r in readings if r.m_dist == nearest]
    if len({r.rule.priority for r in readings}) < len(readings):
        # rules of two beats that share a subject (三星 the phone maker and the foundry) and a
        # metric word: the rule whose subjects the article names more of is the article's topic
        topic = ctx.carry.topic()
        best = min(readings, key=lambda r: (r.score[0], -len(topic.intersection(r.rule.subjects)), r.score[1:]))
    else:
        best = min(readings, key=lambda r: r.score)
    seg = ctx.seg
    sentence_end = seg.end
    while sentence_end > seg.start and doc.text[sentence_end - 1] in "\r\n":
        sentence_end -= 1
    source = dict(best.qualifiers).get("source") or source_of(doc, seg.start, mention.start, seg.end)
    clause_start = seg.clauses[ci][0]
    negated = NEGATION.search(doc.norm, clause_start, mention.start) is not None
    evidence = evidence_of(doc, mention, ctx, ci, _own_hits(ctx, ci, mention), best.rule, best.subject,
                           best.qualifiers, best.time, period.get("how", ""), lex, source)
    return Claim(rule=best.rule.id, subject=best.subject, metric=best.rule.metric, qualifiers=best.qualifiers,
                 mention=mention, path=doc.path, sentence=doc.text[seg.start:sentence_end],
                 sentence_start=seg.start, time=best.time, source=source, doc_date=doc.date, negated=negated,
                 evidence=evidence)


def _read(doc, mention: Mention, ctx: _Context, ci: int, rule: ClaimRule, lex: Terms, order: int,
          period: dict[str, str | None]):
    if not rule.patterns and ctx.terms.isdisjoint(rule.words):
        return None  # no metric word in the sentence, and the metric search below never leaves it
    q = mention.quantity
    bare_count = q.unit == "number" and "count" in rule.accepted_units and "number" not in rule.accepted_units
    if bare_count and not _names_what_it_counts(doc.norm, mention, rule):
        return None  # a bare number is a count only when the thing counted follows it
    if rule.classifiers and not bare_count:
        if not q.classifier or _simplified(q.classifier) not in rule.classifiers:
            return None
    if rule.range_low is not None and q.low is not None and q.low < rule.range_low:
        return None
    if rule.range_high is not None and q.high is not None and q.high > rule.range_high:
        return None
    if rule.range_low is not None and q.low is None and q.high is not None and q.high < rule.range_low:
        return None
    if rule.range_high is not None and q.high is None and q.low is not None and q.low > rule.range_high:
        return None
    if any(t not in ctx.terms for t in rule.context):
        return None
    own = _own_hits(ctx, ci, mention)
    if rule.exclude:
        # words that veto the rule belong to the number's stretch of its clause, between the
        # numbers before and after it: "27亿欧元的EUV销售额和29亿欧元的非EUV销售额"
        lo, hi = _stretch(ctx, ci, mention)
        if any(h.term in rule.exclude and lo <= h.start and h.end <= hi for h in own):
            return None

    # subject: the name a 分别 list gives the number, else own clause (nearest to the number),
    # then earlier clauses, nearest first
    listed = ctx.lists.get(mention.start)
    if listed is not None and listed.hit is None:
        return None  # "日本和欧洲…分别实现79.3亿、64.6亿美元": an item's figure, the item unread
    if _combined(doc.norm, ctx, ci, mention):
        return None  # "中国、韩国和台湾共占…72%": several things' figure together, not one's
    if listed is not None and listed.kind == "entity":
        subject, s_dist = lex.entity_of[listed.hit.term], 0
        if subject not in rule.subjects:
            return None  # the list gives this number to another thing
    else:
        subject, s_dist = _nearest_entity(ctx, ci, mention, rule.subjects, lex, own)
        if s_dist and _opening(doc.norm, ctx, ci, mention, rule) == "前者":
            # "A和B都发布了财报。前者的估值为…": the former of the two named, not the nearer one
            subject, s_dist = _former(ctx, ci, mention, rule.subjects, lex)
            if subject is None:
                return None
    if s_dist is not None and s_dist > 0 and _opens_on_a_part(doc.norm, ctx, ci, rule, lex, own):
        return None  # "…广告收入250亿元,其中,视频号创造30亿元": a part of the whole, not the subject's figure
    head = _list_head(doc.norm, ctx, mention)
    if CHANGE_BEFORE.search(doc.norm, max(0, head - 6), head) and _reads_levels(rule):
        return None  # "份额下降2%", "分别上升3%及4%": changes of the metric, and the rule is about its level
    if subject is None and rule.subject_optional and _owned_by_another(doc.norm, ctx, ci, mention, rule, lex):
        return None  # "存储芯片占比16%": the clause names whose share it is, and it is not the rule's subject
    carry = subject is None and not rule.subject_optional
    if subject is None and rule.subject_optional:
        subject, s_dist = rule.subjects[0], None

    # metric words (and patterns), same search
    m_dist = None
    for j in range(ci, -1, -1):
        if any(h.term in rule.words and id(h) not in ctx.inside for h in (own if j == ci else ctx.hits[j])) or \
                _pattern_hit(doc, ctx.seg.clauses[j], rule):
            m_dist = ci - j
            break
    if m_dist is None:
        return None
    if carry:
        # a sentence that names nothing, whose metric word's clause names no owner of it, goes
        # on about the subject an earlier sentence of its paragraph (or the lead) named
        names_one = any(h.term in lex.entity_of for hits in ctx.hits for h in hits)
        former = _opening(doc.norm, ctx, ci - m_dist, mention, rule) == "前者"
        subject = ctx.carry.subject(ctx.seg.start, rule, former=former) \
            if not names_one and _bare_clause(doc.norm, ctx, ci - m_dist, mention, rule) \
            and not _labelled_by_unknown(doc.norm, ctx, mention, lex) else None
        if subject is None:
            return None
        s_dist = CARRIED
    if s_dist is not None and 0 < s_dist < CARRIED and len(rule.subjects) > 1 and not rule.subject_each and \
            not _continues_subject(doc.norm, ctx, ci, mention, rule, s_dist):
        # a rule about several competitors (英伟达, AMD, 英特尔) wants the one the number is about:
        # "…份额约为80%,其次是谷歌,份额约为10%" must not hand 谷歌's 10% to 英伟达
        return None
    if s_dist != 0 and (_names_another_owner(doc.norm, ctx, ci, mention, rule, lex)
                        or _names_another_entity(ctx, ci, mention, rule, lex)):
        return None  # "而超微的市占率仅约1.2%", "B200的价格约为4万美元": the clause is about another thing

    qualifiers: list[tuple[str, str]] = []
    if "time" not in period:
        period["time"], period["how"] = ctx.times.period_of(ctx.seg, ci, mention.start, mention.end)
    # a milestone's date is its value; the time it is stated at is its article's date (as-of)
    time = None if q.unit == "date" else period["time"]
    own_qualifier = False
    for name in rule.all_qualifiers:
        if name == "period":
            value, dist = time, 0
        elif name == "currency":
            value, dist = q.unit, 0
        elif name == "source" and name not in lex.ruleset.qualifiers:
            # built in: who the sentence attributes the figure to (据IDC统计, Canalys数据显示)
            value, dist = _source_value(lex, source_of(doc, ctx.seg.start, mention.start, ctx.seg.end)), 0
        elif listed is not None and listed.kind == name:
            # the 分别 list names the number's item: that says what the number is
            value, dist = lex.qualifier_value[(name, listed.hit.term)], 0
            own_qualifier = True
        else:
            value, dist = _qualifier(ctx, ci, mention, name, lex, own, ruleset=lex.ruleset)
        if value is None:
            if name in rule.require:
                return None
            continue
        if dist == 0 and name in rule.require:
            own_qualifier = True
        qualifiers.append((name, value))

    # the number's own clause must say something: the subject, a metric word or a required qualifier
    if not (s_dist == 0 or m_dist == 0 or own_qualifier):
        return None
    score = (-rule.priority, (s_dist if s_dist is not None else 2) + m_dist,
             -(len(rule.context) + len(rule.require)), order)
    return _Reading(rule, subject, score, tuple(sorted(qualifiers)), time, m_dist)


def _source_value(lex: Terms, source: str | None) -> str | None:
    """The source as a qualifier value: folded (source_key), and read as the entity it names
    when the rules know it by that name (集邦科技, 集邦咨询 and TrendForce are one publisher when an
    entity lists them), so retellings that name a publisher differently agree on who it is."""
    if source is None:
        return None
    key = source_key(source)
    eid = lex.entity_of.get(match_form(key))
    return lex.ruleset.entities[eid].names[0] if eid is not None else key


#: Several things' figure together: "中国、韩国和台湾共占72%", "三家合计出货1亿部".
#: Not: "共有3家" (a count of the things themselves has no list of names before it).
_COMBINED = re.compile(r"[\u4e00-\u9fffA-Za-z]{1,10}(?:(?:、|和|与|及|以及)[\u4e00-\u9fffA-Za-z]{1,10})+[\s—–-]*"
                       r"(?:共|合计|总计|合共|一共|加起来|共同|总共)")


def _combined(norm: str, ctx: _Context, ci: int, mention: Mention) -> bool:
    """True when the number's clause gives a list of things and then a figure they make
    together (共, 合计 …) before the number."""
    cs = ctx.seg.clauses[ci][0]
    if _COMBINED.search(norm, cs, mention.start) is not None:
        return True
    # "AWS、微软Azure和谷歌云——共同增长了21%,占总支出的66%": a clause that goes on, naming
    # nothing, after the things' joint figure is about them together too
    if ci == 0 or any(h.term in ctx.carry.lex.entity_of for h in ctx.hits[ci] if h.start < mention.start):
        return False
    ps, pe = ctx.seg.clauses[ci - 1]
    return _COMBINED.search(norm, ps, pe) is not None


LEAD_CARRY = True
#: The subject distance of a subject carried from an earlier sentence or the lead.
CARRIED = 3
#: Sentences looked back over for a carried subject.
CARRY_BACK = 6
#: The lead (title and first paragraph) is read within this many characters of the top.
LEAD_CHARS = 400


class _Carry:
    """The subject a sentence that names none carries from before it: the nearest earlier
    sentence of its paragraph that names one of the rule's subjects, else the article's lead;
    a sentence (or lead) that names another thing of the subject's kind stops the carry.
    Each sentence is scanned at most once; the look-back is capped (CARRY_BACK)."""

    def __init__(self, norm: str, seg_starts: list[int], lex: Terms):
        self.norm, self.seg_starts, self.lex = norm, seg_starts, lex
        self._named: dict[int, list[str]] = {}
        self._lead: list[str] | None = None
        self._topic: frozenset[str] | None = None

    def topic(self) -> frozenset[str]:
        """Every entity the document names (scanned once, when two rules compete)."""
        if self._topic is None:
            self._topic = frozenset(self._entities(0, len(self.norm)))
        return self._topic

    def _entities(self, start: int, end: int) -> list[str]:
        return [self.lex.entity_of[h.term] for h in self.lex.scan(self.norm, start, end) if h.term in self.lex.entity_of]

    def _sentence(self, k: int) -> list[str]:
        if k not in self._named:
            end = self.seg_starts[k + 1] if k + 1 < len(self.seg_starts) else len(self.norm)
            self._named[k] = self._entities(self.seg_starts[k], end)
        return self._named[k]

    def subject(self, sentence_start: int, rule: ClaimRule, *, former: bool = False) -> str | None:
        """``former``: the sentence says 前者, so the earlier of the two subjects named."""
        entities = self.lex.ruleset.entities
        kinds = {entities[s].kind for s in rule.subjects if s in entities}
        si = bisect.bisect_right(self.seg_starts, sentence_start) - 1
        for k in range(si - 1, max(-1, si - 1 - CARRY_BACK), -1):
            if self.norm[self.seg_starts[k + 1] - 1] == "\n":
                break  # the paragraph starts after sentence k
            found = _carried(self._sentence(k), rule, kinds, entities)
            if found is not None:
                return _former_of(self._sentence(k), rule) if former and found else found or None
        if not LEAD_CARRY:
            return None
        if self._lead is None:
            end = min(len(self.norm), LEAD_CHARS)
            stop = self.norm.find("。", 0, end)
            self._lead = self._entities(0, stop + 1 if stop != -1 else end)
        if self.seg_starts and sentence_start < LEAD_CHARS and not self._lead:
            return None
        found = _carried(list(reversed(self._lead)), rule, kinds, entities)
        return _former_of(self._lead, rule) if former and found else found or None


def _former_of(named: list[str], rule: ClaimRule) -> str | None:
    """The earlier of exactly two distinct subjects ``named`` (in order); None when the
    sentence names one or more than two, and 前者 has no clear referent."""
    distinct = list(dict.fromkeys(e for e in named if e in rule.subjects))
    return distinct[0] if len(distinct) == 2 else None


def _carried(named: list[str], rule: ClaimRule, kinds: set[str], entities) -> str | None:
    """The subject ``named`` (a sentence's entities, in order) gives the rule: the last of
    its subjects; "" when it names another thing of the subject's kind first (the carry
    stops); None when it names neither."""
    for eid in reversed(named):
        if eid in rule.subjects:
            return eid
        if eid in entities and entities[eid].kind and entities[eid].kind in kinds:
            return ""
    return None


def _date_mentions(doc: Document, times: TimeIndex, mentions: list[Mention]) -> list[Mention]:
    """The dates of a document as quantities of unit ``date``, for rules whose value is a
    milestone's date (投产, 量产, 上市): 2027年底 is [2027-10-01, 2027-12-31], 2028至2029年间
    [2028-01-01, 2029-12-31], 2026年3月15日 that day (first and last day as ordinals).  A base of
    comparison, a part of a year without its year and a date inside an amount are none."""
    taken = [(m.start, m.end) for m in mentions]
    out = []
    for w in times.words:
        if w.base or w.period is None or w.period == FULL_YEAR:
            continue
        span = period_span(w.period)
        if span is None or any(s < w.end and w.start < e for s, e in taken):
            continue
        line, col = doc.position(w.start)
        quantity = Quantity(low=Decimal(span[0].toordinal()), high=Decimal(span[1].toordinal()), bound="exact",
                            unit="date", classifier=w.period)
        out.append(Mention(w.start, w.end, line, col, doc.text[w.start:w.end], quantity))
    return out


def _names_what_it_counts(norm: str, mention: Mention, rule: ClaimRule) -> bool:
    """True when the rule's metric word follows the number right away: "3000亿参数" counts
    what "3000亿个参数" counts (the measure word is often left out)."""
    after = ascii_lower(norm[mention.end:mention.end + 12].lstrip(" 个"))
    return any(after.startswith(w) for w in rule.words)


def _inside(hits: list[Hit], lex: Terms) -> set[int]:
    """Metric-word hits that lie inside a longer metric-word hit: 收入 in 广告收入 is the ad
    revenue's word, so a rule on total revenue does not read "广告收入…250亿元".  Hits come
    sorted by start (longest first), so one pass keeps the farthest end of a metric word."""
    out: set[int] = set()
    reach, reach_start = -1, -1
    for h in hits:
        if h.term not in lex.metric_words:
            continue
        if h.end <= reach and (h.start, h.end) != (reach_start, reach) and h.end - h.start < reach - reach_start:
            out.add(id(h))
        elif h.end > reach:
            reach, reach_start = h.end, h.start
    return out


def _stretch(ctx: _Context, ci: int, mention: Mention) -> tuple[int, int]:
    """The number's stretch of its clause: from the end of the number before it to the start
    of the number after it (the clause's ends where there is none)."""
    cs, ce = ctx.seg.clauses[ci]
    lo, hi = cs, ce
    for start, end in ctx.spans:
        if end <= mention.start and end > lo and start >= cs:
            lo = end
        elif start >= mention.end and start < hi:
            hi = start
    return lo, hi


#: What joins the items of a list of numbers: "3%及4%", "79.3亿、64.6亿".
_NUMBER_JOIN = re.compile(r"\s*(?:、|和|及|与|以及)\s*")


def _list_head(norm: str, ctx: _Context, mention: Mention) -> int:
    """Where the list of numbers holding this one starts ("上升3%及4%": at 3%)."""
    head = mention.start
    for start, end in reversed([s for s in ctx.spans if s[1] <= mention.start]):
        if not _NUMBER_JOIN.fullmatch(norm, end, head):
            break
        head = start
    return head


#: "<owner><metric word>" at the start of a clause: 存储芯片占比, 逻辑芯片份额.
_ADJACENT_OWNER = re.compile(r"(?P<owner>[\u4e00-\u9fffA-Za-z0-9]{2,8})\s*$")


def _owned_by_another(norm: str, ctx: _Context, ci: int, mention: Mention, rule: ClaimRule, lex: Terms) -> bool:
    """For a rule whose subject need not be named: True when the number's clause opens on
    an owner of its metric word that the rules do not know (存储芯片占比16%)."""
    cs = ctx.seg.clauses[ci][0]
    words = [h for h in ctx.hits[ci] if h.term in rule.words and h.start < mention.start
             and _RIGHT_BEFORE.fullmatch(norm, h.end, mention.start)]
    if not words:
        return False  # the owner pattern is "<owner><metric word>(为)<number>": 存储芯片占比16%
    head = norm[cs:words[-1].start]
    m = _ADJACENT_OWNER.search(head)
    if m is None:
        return False
    owner = m.group("owner").lstrip(_CONNECTIVES + _ADVERBS).rstrip(_ADVERBS)
    before = head[:m.start()].strip(" ,")
    if len(owner) < 2 or before.lstrip(_CONNECTIVES + _ADVERBS) or owner in _REFERS_BACK \
            or _TIME_OWNER.fullmatch(owner):
        return False  # no owner, or it does not open the clause, or it refers back, or is a time
    lowered = ascii_lower(owner)
    ours = set(rule.context) | {n for eid in rule.subjects for n in lex.ruleset.entities[eid].match_names}
    for name in rule.all_qualifiers:
        ours |= lex.qualifier_terms.get(name, set())
    return not any(t in lowered for t in ours if t)


#: What may stand between a metric word and its number: 占比16%, 占比为16%, 份额达到20%.
_RIGHT_BEFORE = re.compile(r"\s*(?:为|达|达到|约|约为|是|了|仅|仅为|超|超过|近|逾|高达)?\s*")
#: Adverbs that stand before a verb, not names: 还需要, 已达, 将超过, 约为.
_ADVERBS = "还也都又就才将会已仍约近共总"


#: A clause that opens on a part of what the sentence spoke of: 其中, 包括, 当中.
PART_OF = re.compile(r"\s*(?:其中|当中|包括|内含)")
PART_OF_ALONE = re.compile(r"\s*(?:其中|当中|包括|内含)\s*[,:]?\s*$")


def _opens_on_a_part(norm: str, ctx: _Context, ci: int, rule: ClaimRule, lex: Terms, own: list[Hit]) -> bool:
    """True when the number's clause opens on a part of what the sentence spoke of (其中, 包括 …,
    or a clause of its own just before) and names nothing the rule knows: the figure is a
    part's (视频号创造30亿元), not the inherited subject's.  A part the rule knows (其中EUV收入约
    为25亿欧元, with EUV a value of its qualifier) is read as that part."""
    cs = ctx.seg.clauses[ci][0]
    opens = PART_OF.match(norm, cs) is not None
    if not opens and ci > 0:
        ps, pe = ctx.seg.clauses[ci - 1]
        opens = PART_OF_ALONE.fullmatch(norm, ps, pe) is not None
    if not opens:
        return False
    known = set()
    for name in rule.all_qualifiers:
        known |= lex.qualifier_terms.get(name, set())
    return not any(h.term in known or h.term in lex.entity_of for h in own)


#: A verb of change right before a number: the number is the change, not the level
#: ("份额下降2%", "收入增长了15%").  Not: "增长至250亿元" (至 names the level reached).
CHANGE_BEFORE = re.compile(r"(?:增长|下降|下滑|上升|提高|提升|减少|增加|下跌|上涨|回落|回升|缩小|扩大|增|降|升|涨|跌|减|"
                           r"增幅|降幅|跌幅|涨幅)(?:了|约|近|逾|超|达|为|幅度为)?\s*$")
#: A rule whose metric words speak of change is about changes (同比增长, 增速, 下降).
CHANGE_WORD = re.compile(r"增|降|升|涨|跌|减|长|滑|幅|速|变")
#: Metric words whose level is itself a percent: a share, a rate, a proportion.
RATIO_NOUN = LazyPattern(r"份额|占比|率|比例|比重|渗透|市占|占")


def _reads_levels(rule: ClaimRule) -> bool:
    """True when the rule reads a metric's level, so a number right after a verb of change
    is not its figure: a rule whose words speak of change reads changes; a percent rule on
    an amount (收入, 出货量: no level of them is a percent) reads changes too."""
    if any(CHANGE_WORD.search(w) for w in rule.words):
        return False
    if rule.unit in ("percent", "pp") and not any(RATIO_NOUN.search(w) for w in rule.words):
        return False
    return True


def _name_kind(hit: Hit, lex: Terms) -> str | None:
    """What a hit names, for 分别 lists: "entity", the qualifier whose word it is, or None."""
    if hit.term in lex.entity_of:
        return "entity"
    for name, terms in lex.qualifier_terms.items():
        if hit.term in terms:
            return name
    return None


def _steering_refuses(rule: ClaimRule, q, ctx: _Context, relaxed: bool) -> bool:
    """The rule keys that steer a rule away from a sentence before any reading: ``unless``
    (a word anywhere in the sentence), any-of ``context`` (none of its words in the sentence),
    and ``plausible`` (a value outside it; ``relaxed`` ignores it, to find such values)."""
    if rule.unless and any(t in ctx.terms for t in rule.unless):
        return True
    if rule.context_any and not any(t in ctx.terms for t in rule.context_any):
        return True
    return not relaxed and rule.has_plausible and not rule.plausible(q.low, q.high)


@lru_cache(maxsize=256)
def _simplified(word: str) -> str:
    """A measure word as rules write it (塊 -> 块); few distinct words, so cached."""
    return normalize(word)


#: "X的<metric word>" / "X公司的<metric word>" in the number's clause: X owns the figure.
#: Pronouns and "the company" refer back to a subject already named, so they do not count.
_OWNER = re.compile(r"(?P<owner>[\u4e00-\u9fffA-Za-z0-9]{1,12}?)(?:公司|集团)?的\s*$")
_REFERS_BACK = ("其", "它", "它们", "该公司", "该", "后者", "前者", "他们", "对方", "公司", "其中")
_CONNECTIVES = "而但则且和与及并还也另外此外同时其次"


def _continues_subject(norm: str, ctx: _Context, ci: int, mention: Mention, rule: ClaimRule, s_dist: int) -> bool:
    """True when the number's clause goes on about the subject of the clause just before it:
    nothing stands before its metric word (or number) but a connective, a pronoun (其市场份额)
    or a time (2023年的市场份额)."""
    if s_dist != 1:
        return False
    return _bare_clause(norm, ctx, ci, mention, rule)


#: A list item's marker at the start of a clause: "b)", "2.", "(3)", "①".
_ITEM_MARK = re.compile(r"^(?:\(?[a-zA-Z0-9]{1,2}[).、]|[①-⑩])")


#: A list item's label at the start of its sentence: "合肥晶合:营收4.09亿美元", "- 高塔半导体: …".
_ITEM_LABEL = re.compile(r"[\s\-•·*]*(?P<label>[^\s,;:!?。()\[\]]{2,16}):")


def _labelled_by_unknown(norm: str, ctx: _Context, mention: Mention, lex: Terms) -> bool:
    """True when the number's sentence is an item labelled with a name no rule knows: the item
    is about that name, so no subject is carried into it from an earlier sentence.  A label
    that is a time (2024年:), a connective or a word that refers back (其中:) is no name."""
    m = _ITEM_LABEL.match(norm, ctx.seg.start, mention.start)
    if m is None:
        return False
    label = m.group("label")
    if label in _REFERS_BACK or not label.strip(_CONNECTIVES) or _TIME_OWNER.fullmatch(label) \
            or any(c.isdigit() for c in label):
        return False
    return not any(h.term in lex.entity_of for h in lex.scan(norm, m.start("label"), m.end("label")))


def _bare_clause(norm: str, ctx: _Context, ci: int, mention: Mention, rule: ClaimRule) -> bool:
    """True when nothing stands before the number's metric word (or the number) in its clause
    but a connective, a pronoun (其市场份额), a time (2023年的, 本季度) or a list marker: the
    clause goes on about a subject named before it, and names no owner of its own."""
    prefix = _opening(norm, ctx, ci, mention, rule)
    return not prefix or prefix in _REFERS_BACK or _TIME_OWNER.fullmatch(prefix) is not None


def _opening(norm: str, ctx: _Context, ci: int, mention: Mention, rule: ClaimRule) -> str:
    """What stands before the number's metric word (or the number) in its clause, without
    spaces, a list marker, a leading connective or a trailing 的: "前者", "2023年", "博尔特"."""
    cs = ctx.seg.clauses[ci][0]
    words = [h.start for h in ctx.hits[ci] if h.term in rule.words and h.start < mention.start]
    prefix = norm[cs:min(words) if words else mention.start]
    return _ITEM_MARK.sub("", re.sub(r"[\s,,、:]", "", prefix)).lstrip(_CONNECTIVES).rstrip("的")


def _former(ctx: _Context, ci: int, mention: Mention, wanted: tuple[str, ...], lex: Terms):
    """The subject 前者 ("the former") refers to in the number's sentence: the earlier of the two
    distinct subjects named before the number; None unless exactly two were named."""
    named: list[tuple[int, str, int]] = []
    for j in range(ci + 1):
        named += [(h.start, lex.entity_of[h.term], j) for h in ctx.hits[j]
                  if h.end <= mention.start and lex.entity_of.get(h.term) in wanted]
    named.sort()
    distinct = list(dict.fromkeys(eid for _, eid, _ in named))
    if len(distinct) != 2:
        return None, None
    j = next(j for _, eid, j in named if eid == distinct[0])
    return distinct[0], ci - j


def _names_another_entity(ctx: _Context, ci: int, mention: Mention, rule: ClaimRule, lex: Terms) -> bool:
    """True when the number's clause names, before the number, an entity that is neither a
    subject of the rule nor a value of one of its qualifiers ("英伟达H100的价格约为3万美元,B200的
    价格约为4万美元": the 4万美元 is B200's, not an H100 price inherited from the clause before)."""
    entities = lex.ruleset.entities
    allowed = set(rule.subjects)
    for name in rule.all_qualifiers:
        q = lex.ruleset.qualifiers.get(name)
        if q is not None:
            allowed.update(q.entities)
    # only a thing of the subject's kind competes for the figure (a chip for a chip's price);
    # a company paying for a model's query (花了OpenAI约0.04美元) does not; an entity of no
    # stated kind might
    kinds = {entities[s].kind for s in rule.subjects if s in entities}
    cs = ctx.seg.clauses[ci][0]
    for h in ctx.hits[ci]:
        eid = lex.entity_of.get(h.term)
        if eid is None or eid in allowed or not (cs <= h.start and h.end <= mention.start):
            continue
        kind = entities[eid].kind
        if not kind or kind in kinds:
            return True
    return False


def _names_another_owner(norm: str, ctx: _Context, ci: int, mention: Mention, rule: ClaimRule,
                         lex: Terms) -> bool:
    """True when the number's own clause gives its metric word an owner of its own that is
    no known entity ("而超微的市占率"): the subject of an earlier clause is not inherited then."""
    cs = ctx.seg.clauses[ci][0]
    for h in ctx.hits[ci]:
        if h.term not in rule.words or h.start >= mention.start:
            continue
        m = _OWNER.search(norm, cs, h.start)
        if m is None:
            continue
        owner = m.group("owner").lstrip(_CONNECTIVES).strip()
        if not owner or owner in _REFERS_BACK or owner.endswith(_REFERS_BACK) or _TIME_OWNER.fullmatch(owner):
            continue
        if any(t in owner.lower() or t in owner for t in ctx.terms):
            continue  # a name or word the rules know owns it
        return True
    return False


#: "2023年的GDP", "去年的份额": a time, not an owner.
_TIME_OWNER = re.compile(r"[0-9年月日季度第一二三四上下半今去明前后同期本当该首全财中个Q]+")


def _pattern_hit(doc: Document, clause: tuple[int, int], rule: ClaimRule) -> bool:
    # an untrusted pattern that runs too long on this clause reads as no match
    text = doc.norm[clause[0]:clause[1]]
    return any(pattern_search(pat, text) for pat in rule.patterns)


def _distance(h: Hit, mention: Mention) -> int:
    """Characters between a hit and the number; a hit before the number is preferred."""
    if h.end <= mention.start:
        return mention.start - h.end
    if h.start >= mention.end or h.end > mention.end:
        return max(0, h.start - mention.end) + 1  # after the number (or running past its end: 1万张V100)
    return 10**9  # inside the number itself


def _nearest_entity(ctx: _Context, ci: int, mention: Mention, wanted: tuple[str, ...], lex: Terms,
                    own: list[Hit]):
    for j in range(ci, -1, -1):
        best = None
        for h in (own if j == ci else ctx.hits[j]):
            eid = lex.entity_of.get(h.term)
            if eid in wanted:
                d = _distance(h, mention) if j == ci else mention.start - h.end
                if d < 10**9 and (best is None or d < best[0]):
                    best = (d, eid)
        if best:
            return best[1], ci - j
    return None, None


def _qualifier(ctx: _Context, ci: int, mention: Mention, name: str, lex: Terms, own: list[Hit], *,
               ruleset: RuleSet):
    terms = lex.qualifier_terms.get(name, ())
    for j in range(ci, -1, -1):
        best = None
        for h in (own if j == ci else ctx.hits[j]):
            if h.term in terms:
                d = _distance(h, mention) if j == ci else mention.start - h.end
                if d < 10**9 and (best is None or d < best[0]):
                    best = (d, lex.qualifier_value[(name, h.term)])
        if best:
            return best[1], ci - j
    q = ruleset.qualifiers.get(name)
    if q is not None and q.default is not None:
        return q.default, None
    return None, None


__all__ = ["Hit", "Segment", "Terms", "attribute", "implausible_claims", "segment", "terms_for"]
