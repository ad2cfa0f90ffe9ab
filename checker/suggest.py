"""``factcheck rules suggest``: draft rules for the recurring claims of a corpus that no
loaded rule reads.

For each number no rule takes, the sentence is read the way a rule would read it: a
metric word (``data/metric_words.yaml``: generic business vocabulary, 出货量, 营收, 份额,
同比增长 …) in the number's clause or an earlier clause of its sentence, and the words
before it, with times (2024年第一季度), sources (据IDC统计) and connectives taken out, as the
candidate subject.  A subject is a string that stands before a metric word in several
articles: the longest prefix of the candidate that is nearly as common as its shortest
common prefix ("三星手机" gives 三星; "全球智能手机出货量" gives 全球智能手机).

Readings group by (metric, unit); a group seen in at least ``min_articles`` articles is a
draft rule: its subjects (as entities), its metric words, its unit (and measure words), a
``separate: [period]`` when its periods vary, and examples taken from the corpus, each
checked by loading the draft and reading the example with it (an example the draft does
not read is dropped, a draft with none is not proposed).  Drafts are ranked by how many
articles state the fact, then by how much its values disagree within one period.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Sequence

import yaml

from .attribute import attribute
from .attribute.clauses import sentence_at, sentence_starts
from .attribute.periods import TIME_WORD, TimeIndex
from .errors import FactcheckError
from .extract import extract
from .load import document_from_text, load_documents
from .model import CURRENCIES, Document, LoadProblem, Mention
from .resources import data_path
from .rules import RuleSet, load_rules_text
from .text import match_form

#: Units a draft is made for (ratios and pp relate two things; dates are not amounts).
UNITS_SUGGESTED = frozenset(CURRENCIES) | {"percent", "count", "number"}

#: What is not part of a subject: connectives at the start, particles and verbs at the end.
LEADING = re.compile(r"^(?:分别|尽管|虽然|由于|随着|不过|然而|因此|所以|其中|此外|另外|同时|而且|而|但是|但|则|并且|并|且|另|在|从|截至|截止|于|至|与|和|及|"
                     r"以及|对比|相比|相较|较|其|该|今年|去年|本季度|当季|单季|季内|期内|全年|整体|总体|合计|共计)+")
TRAILING = re.compile(r"(?:的|之|在|以|为|达|达到|录得|实现|约|共|总|合计|共计|整体|公司|集团|方面|业务|市场|"
                      r"全年|季度|期间|同期|上季|今年|去年|预计|预期|预估|将|则|也|还|仍|已)+$")
#: Sources, dropped from a subject: 据IDC统计, IDC数据显示, 根据Canalys的报告.
SOURCE_PHRASE = re.compile(r"(?:根据|据)[^,。;]{1,16}?(?:统计|数据|显示|报告|报道|研究|预测|估计|测算|指出|称)+"
                           r"|[A-Za-z][A-Za-z&.\- ]{1,20}(?:的)?(?:最新)?(?:数据|报告|研究|统计)(?:显示|指出|称)?")
#: Times the period reader leaves to the paragraph (第二季, 首季, 本季度).
EXTRA_TIME = re.compile(r"第?[一二三四1-4]季度?|首季|上季度?|本季度?|当季|单季|年内|期内|同期|上半年|下半年|全年")
#: A figure and its unit: what comes before it is another claim's.
AFTER_FIGURE = re.compile(r"[0-9][0-9.,]*\s*(?:[万亿千百]+)?\s*(?:美元|欧元|港元|人民币|元|部|台|个|%|倍)?")
#: Not a subject: a conjunction of two (A和B), a verb phrase, an ordinal, a leftover particle.
NOT_SUBJECT = re.compile(r"[和与及、]|^(?:的|是|有|仍|较|为|第|财报|显示|所|被|将|已|可|让|使|把|对)|"
                         r"(?:有所|显示|表示|指出|称|认为|预计)$")
#: A run's pieces by script: Chinese, or ASCII letters and digits.
SCRIPT_PIECE = re.compile(r"[\u4e00-\u9fff]+|[A-Za-z0-9&.+\-]+")
#: Characters a subject is made of (CJK, ASCII letters and digits, a few joiners).
SUBJECT_CHARS = re.compile(r"[\u4e00-\u9fffA-Za-z0-9&.+\-]+")
#: Words that are never a subject on their own.
GENERIC = frozenset(match_form(w) for w in (
    "全球", "中国", "国内", "市场", "公司", "行业", "整体", "总体", "其中", "该公司", "集团", "业务", "产品", "用户",
    "前五", "前三", "前五大", "厂商", "品牌", "企业", "机构", "分析师", "季度", "同比", "环比", "去年", "今年",
    "数据", "报告", "目前", "此前", "预计", "预期", "全年", "第一", "第二", "第三", "第四", "第五",
    "左右", "大约", "人民币", "美元", "欧元", "港元"))


@dataclass(frozen=True, slots=True)
class MetricWords:
    """The metric vocabulary: word -> (metric id, kind), and one pattern, longest first."""

    kind_of: dict
    pattern: re.Pattern


@lru_cache(maxsize=1)
def metric_words() -> MetricWords:
    data = yaml.safe_load(data_path("metric_words.yaml").read_text(encoding="utf-8"))
    kind_of: dict[str, tuple[str, str]] = {}
    for kind, metrics in data.items():
        for metric, words in metrics.items():
            for w in words:
                kind_of.setdefault(match_form(str(w)), (str(metric), str(kind)))
    words = sorted(kind_of, key=len, reverse=True)
    return MetricWords(kind_of, re.compile("|".join(re.escape(w) for w in words)))


@dataclass(slots=True)
class Reading:
    """One number no rule took, read as (subject, metric)."""

    path: str
    subject: str  #: candidate subject text (matching form)
    metric: str  #: metric id
    word: str  #: the metric word as found
    unit: str
    classifier: str | None
    mention: Mention
    sentence: str
    period: str | None


@dataclass(slots=True)
class Draft:
    """A draft rule: a metric with a unit, its subjects and the readings behind it."""

    metric: str
    unit: str
    classifiers: list[str]
    words: list[str]
    subjects: list[str]  #: most frequent first
    readings: list[Reading] = field(default_factory=list)
    articles: int = 0
    periods: int = 0
    disagreements: int = 0  #: periods (and subjects) in which the values differ
    rule: dict = field(default_factory=dict)  #: the draft rule as a rule file writes it
    entities: dict = field(default_factory=dict)  #: its subjects as entities

    @property
    def score(self) -> tuple:
        return (self.articles, self.disagreements, len(self.readings))


def _unit_key(m: Mention) -> tuple[str, str | None] | None:
    q = m.quantity
    if q.unit not in UNITS_SUGGESTED:
        return None
    return q.unit, (q.classifier if q.unit == "count" else None)


def _candidates(doc: Document, mention: Mention, seg, words: MetricWords):
    """(subject text, metric id, metric word) for one number, or None."""
    norm = doc.norm
    ci = seg.clause_of(mention.start)
    for j in range(ci, max(-1, ci - 3), -1):
        cs, ce = seg.clauses[j]
        end = mention.start if j == ci else ce
        hits = list(words.pattern.finditer(norm, cs, end))
        if j == ci and not hits:  # 以6010万部的出货量: the metric word right after the number
            after = words.pattern.match(norm, mention.end, min(ce, mention.end + 6)) or \
                words.pattern.search(norm, mention.end, min(ce, mention.end + 6))
            hits = [after] if after else []
            end = mention.start
        if not hits:
            continue
        # the metric is the word nearest the number; an earlier metric word names what changes
        # (出货量同比增长7.8%: the growth of shipments)
        last = hits[-1]
        metric, kind = words.kind_of[last.group()]
        if not _fits(kind, mention.quantity.unit):
            continue
        first = hits[0] if len(hits) > 1 and hits[0].end() <= last.start() else last
        if first is not last:
            of_metric = words.kind_of[first.group()][0]
            if of_metric != metric:
                metric = f"{of_metric}-{metric}"
        # the subject: the words before the metric word, in this clause and the earlier ones
        # of the sentence, nearest first
        pieces = [norm[cs:min(first.start(), mention.start)]]
        pieces += [norm[ps:pe] for ps, pe in reversed(seg.clauses[:j])]
        runs = [run for piece in pieces for run in _runs(piece)]
        return runs, metric, last.group()
    return None


def _fits(kind: str, unit: str) -> bool:
    """Whether a metric of this kind can have this unit (revenue in 部 is no revenue)."""
    if kind == "money":
        return unit in CURRENCIES
    if kind == "count":
        return unit in ("count", "number")
    return unit == "percent"


def _runs(span: str) -> list[list[list[str]]]:
    """The candidate subjects of a stretch of text before a metric word: for each run of
    name characters (nearest the metric word first), its ASCII words and the prefixes of its
    Chinese parts, nearest first."""
    span = SOURCE_PHRASE.sub(" ", span)
    span = TIME_WORD.sub(" ", span)
    span = EXTRA_TIME.sub(" ", span)
    out = []
    for part in reversed(AFTER_FIGURE.split(span)):
        for run in reversed(SUBJECT_CHARS.findall(part)):
            chains = []
            for piece in reversed(SCRIPT_PIECE.findall(run)):
                if piece.isascii():
                    if len(piece) >= 2 and any(c.isalpha() for c in piece):
                        chains.append([match_form(piece)])
                    continue
                text = piece
                word = metric_words().pattern.search(text)  # 出货量 is no subject: cut before it
                if word is not None:
                    text = text[:word.start()]
                for _ in range(3):
                    text = LEADING.sub("", text)
                    text = TRAILING.sub("", text)
                if len(text) >= 2 and not NOT_SUBJECT.search(text):
                    chains.append(_prefixes(match_form(text)))
            if chains:
                out.append(chains)
    return out


def _prefixes(text: str) -> list[str]:
    if text.isascii():
        return [text]
    return [text[:k] for k in range(2, min(len(text), 10) + 1)]


def _subject_of(runs: list[list[list[str]]], df: dict[str, int], min_articles: int) -> str | None:
    """The nearest candidate that stands before a metric word in enough articles: of a
    Chinese part, the longest prefix nearly as common as its most common one."""
    for run in runs:
        for chain in run:
            common = [(p, df.get(p, 0)) for p in chain if df.get(p, 0) >= min_articles
                      and not any(g.startswith(p) for g in GENERIC)]
            if not common:
                continue
            top = max(n for _, n in common)
            return [p for p, n in common if 2 * n >= top][-1]
    return None


def read_corpus(paths: Sequence[str], ruleset: RuleSet, *, include=None, exclude=()) -> tuple[list, int]:
    """Every (subject text, metric, word, mention, doc, sentence) no rule reads, and the number of documents."""
    words = metric_words()
    raw = []
    documents = 0
    for doc in load_documents(paths, include=include, exclude=exclude):
        if isinstance(doc, LoadProblem):
            continue
        documents += 1
        mentions = extract(doc)
        taken = {c.mention.start for c in attribute(doc, mentions, ruleset)}
        starts = sentence_starts(doc.norm)
        times = TimeIndex(doc)
        for m in mentions:
            if m.start in taken or _unit_key(m) is None:
                continue
            si = bisect.bisect_right(starts, m.start) - 1
            s_end = starts[si + 1] if si + 1 < len(starts) else len(doc.norm)
            seg = sentence_at(doc.norm, starts[si], s_end)
            found = _candidates(doc, m, seg, words)
            if found is None or not found[0]:
                continue
            runs, metric, word = found
            ci = seg.clause_of(m.start)
            period = times.period_of(seg, ci, m.start, m.end)[0]
            sentence = doc.text[seg.start:seg.end].strip()
            raw.append((runs, metric, word, m, doc.path, sentence, period))
    return raw, documents


def suggest_rules(paths: Sequence[str], ruleset: RuleSet, *, min_articles: int = 2, include=None,
                  exclude=()) -> tuple[list[Draft], int]:
    """Draft rules for the recurring facts no rule of ``ruleset`` reads, best first."""
    raw, documents = read_corpus(paths, ruleset, include=include, exclude=exclude)
    # how many articles each subject prefix stands before a metric word in
    seen: dict[str, set[str]] = defaultdict(set)
    for runs, _, _, _, path, _, _ in raw:
        for chain in (c for run in runs for c in run):
            for p in chain:
                seen[p].add(path)
    df = {p: len(v) for p, v in seen.items()}
    readings: list[Reading] = []
    for runs, metric, word, m, path, sentence, period in raw:
        subject = _subject_of(runs, df, min_articles)
        if subject is None:
            continue
        unit, classifier = _unit_key(m)
        readings.append(Reading(path, subject, metric, word, unit, classifier, m, sentence, period))
    groups: dict[tuple[str, str], list[Reading]] = defaultdict(list)
    for r in readings:
        groups[(r.metric, r.unit)].append(r)
    drafts = []
    ids: dict[str, str] = {}
    for (metric, unit), rs in sorted(groups.items(), key=lambda kv: -len({r.path for r in kv[1]})):
        # subjects seen in enough articles with this metric
        by_subject: dict[str, set[str]] = defaultdict(set)
        for r in rs:
            by_subject[r.subject].add(r.path)
        subjects = sorted((s for s, ps in by_subject.items() if len(ps) >= min_articles),
                          key=lambda s: (-len(by_subject[s]), s))
        if not subjects:
            continue
        rs = [r for r in rs if r.subject in subjects]
        articles = len({r.path for r in rs})
        if articles < min_articles:
            continue
        word_count: dict[str, int] = defaultdict(int)
        for r in rs:
            word_count[r.word] += 1
        words = sorted(word_count, key=lambda w: (-word_count[w], w))
        classifiers = sorted({r.classifier for r in rs if r.classifier})
        values: dict[tuple, set] = defaultdict(set)
        for r in rs:
            values[(r.subject, r.period)].add((r.mention.quantity.low, r.mention.quantity.high))
        subjects = subjects[:12]
        rs = [r for r in rs if r.subject in subjects]
        draft = Draft(metric=metric, unit=unit, classifiers=classifiers, words=words, subjects=subjects,
                      readings=rs, articles=articles, periods=len({r.period for r in rs}),
                      disagreements=sum(1 for v in values.values() if len(v) > 1))
        if _write(draft, len(drafts) + 1, ids):
            drafts.append(draft)
    drafts.sort(key=lambda d: d.score, reverse=True)
    return _settle(drafts, documents), documents


_METRIC_IDS = frozenset(m for m, _ in metric_words().kind_of.values())


def _entity_id(name: str, n: int) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug if slug and name.isascii() and re.match(r"^[a-z0-9]", slug) else f"subject-{n}"


def _write(draft: Draft, n: int, ids: dict[str, str]) -> bool:
    """The draft rule, with the examples the draft itself reads; False when it reads none.
    ``ids``: entity id of each subject, shared by every draft of one run."""
    for s in draft.subjects:
        if s not in ids:
            eid = _entity_id(s, len(ids) + 1)
            while eid in ids.values():
                eid += "-x"
            ids[s] = eid
    many = len(draft.subjects) > 1
    rule: dict = {"id": f"{draft.metric}-{n}",
                  "label": f"{draft.metric} of {', '.join(draft.subjects[:3])}{' …' if len(draft.subjects) > 3 else ''}",
                  "subject": {"each": [ids[s] for s in draft.subjects]} if many else ids[draft.subjects[0]],
                  "metric": draft.metric, "words": draft.words[:8], "unit": draft.unit}
    if "-" in draft.metric and draft.metric.split("-", 1)[0] in _METRIC_IDS:
        rule["priority"] = 1  # the growth of shipments is more specific than growth
    if draft.classifiers:
        rule["classifier"] = draft.classifiers
    if draft.periods > 1:
        rule["separate"] = ["period"]
    # candidate examples: one per article, most common subject first
    candidates, used = [], set()
    for r in sorted(draft.readings, key=lambda r: (draft.subjects.index(r.subject), r.path, r.mention.start)):
        if r.path in used or len(r.sentence) > 160:
            continue
        used.add(r.path)
        candidates.append({"text": r.sentence.replace("\n", ""), "value": r.mention.text, "subject": ids[r.subject]})
    entities = {ids[s]: {"names": [s]} for s in draft.subjects}
    passing = []
    for ex in candidates[:6]:
        text = _yaml({"entities": entities, "claims": [dict(rule, examples=[ex])]})
        try:
            rs = load_rules_text(text, "draft.yaml")
        except FactcheckError:
            return False
        if _reads(rs, ex):
            passing.append(ex)
        if len(passing) >= 3:
            break
    if not passing:
        return False
    rule["examples"] = passing
    draft.rule = rule
    draft.entities = entities
    return True


def _reads(ruleset: RuleSet, ex: dict, rule_id: str | None = None) -> bool:
    """True when the draft (``rule_id``: that rule of the rule set) reads the example's number,
    about its subject."""
    doc = document_from_text(ex["text"], path="draft-example")
    return any(c.mention.text == ex["value"] and c.subject == ex["subject"]
               and (rule_id is None or c.rule == rule_id)
               for c in attribute(doc, extract(doc), ruleset))


def _settle(drafts: list[Draft], documents: int) -> list[Draft]:
    """With every draft loaded together, a draft may take another's example: keep the
    examples each draft still reads, and the drafts left with one."""
    for _ in range(3):
        try:
            ruleset = load_rules_text(render_suggestions(drafts, documents=documents), "suggested.yaml")
        except FactcheckError:
            return drafts
        changed = False
        for d in drafts:
            keep = [ex for ex in d.rule["examples"] if _reads(ruleset, ex, f"suggested.{d.rule['id']}")]
            if len(keep) != len(d.rule["examples"]):
                d.rule["examples"] = keep
                changed = True
        drafts = [d for d in drafts if d.rule["examples"]]
        if not changed:
            break
    return drafts


def _yaml(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200)


def render_suggestions(drafts: Iterable[Draft], *, documents: int) -> str:
    """The drafts as one rule file (entities, then the claim rules, best first, each with a
    comment saying how often the fact recurs and how much its values disagree)."""
    drafts = list(drafts)
    out = [f"# factcheck rules suggest: draft rules for recurring claims no loaded rule reads "
           f"({documents} documents, {len(drafts)} drafts).\n# Rename the ids, merge entities, add qualifiers "
           f"and ranges, then save as rules/<name>.yaml and run `factcheck rules test`.\n",
           "name: suggested\n"]
    entities: dict = {}
    for d in drafts:
        entities.update(d.entities)
    if entities:
        out.append(_yaml({"entities": entities}))
    out.append("claims:\n" if drafts else "claims: []\n")
    for d in drafts:
        out.append(f"# {d.articles} articles, {len(d.readings)} figures, {d.periods} periods"
                   + (f"; values differ for {d.disagreements} subject-period pairs" if d.disagreements else "")
                   + "\n")
        out.append(_yaml([d.rule]))
    return "".join(out)


__all__ = ["Draft", "Reading", "metric_words", "read_corpus", "render_suggestions", "suggest_rules"]
