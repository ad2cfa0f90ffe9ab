"""The library API: runs the stages in order.

    load -> extract -> attribute -> checks (compare, arithmetic, restatements, notices) -> Report

``check`` reads each document once and keeps only its claims (and its suppression
comments), so memory grows with the claims, not with the text.  The checks it runs are
registered in ``checker.checks``; ``resolve_rules`` is the one way every command finds
its rule set (``--rules``, the configuration, ./rules/, the shipped set).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import sys
from collections import deque
from itertools import tee
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

from . import __version__
from .archive import (Entry, ResultCache, archive_claims_for, archive_session, content_hash, is_index_file,
                      project_root)
from .attribute import attribute
from .checks import COMPARE, DOCUMENT_CHECKS, GROUP_CHECKS, CheckOptions, corpus_check_rules, known_rule_ids
from .config import Config, did_you_mean, id_matches, selects
from .errors import UsageError
from .extract import extract, parse_quantity
from .extract.corpus import extract_paths
from .load import Source, coerce_date, document_from_source, document_from_text, load_sources
from .checks.prepublish import SummaryPlan, draft_centred
from .checks.repeats import fold_repeats
from .model import KINDS, Claim, Document, Explanation, Finding, LoadProblem, Mention, Report
from .errors import RuleFileError
from .rules import ClaimRule, Example, RuleSet, load_rules
from .rules.patterns import add_notes, begin_document, take_notes
from .workers import in_worker, ordered_map
from .suppress import (SUPPRESSION_RULES, Suppression, apply_suppressions, check_ids, parse_suppressions,
                       per_file_suppressions, withdraw)


def claims_for_document(doc: Document, ruleset: RuleSet) -> tuple[list[Mention], list[Claim]]:
    """Extract and attribute one document: its mentions and the claims the rules make of them.
    User patterns start a fresh time budget for each document (``rules.patterns``)."""
    begin_document(doc.path)
    mentions = extract(doc)
    return mentions, attribute(doc, mentions, ruleset)


def explain_document(doc: Document, ruleset: RuleSet) -> list[Explanation]:
    """Every number of a document: its claim with its evidence, or why it is none
    (``factcheck explain``; ``attribute.explain``)."""
    from .attribute.explain import explain

    return explain(doc, extract(doc), ruleset)


# --- rules ----------------------------------------------------------------------------


def resolve_rules(rules: Sequence[str] | None = None, config: Config | None = None, *,
                  builtin: bool | None = None, notify: Callable[[str], None] | None = None) -> RuleSet:
    """The rule set for a command: the shipped rule set, with the user's rule files on top of
    it: ``--rules`` paths, else the configured rules, else ./rules/ when it holds rule files.
    The user's files add to the shipped set (their definitions of a shipped entity, qualifier
    or rule take precedence); ``builtin=False`` (``--no-builtin-rules``) or ``builtin = false``
    in the configuration loads the user's files alone.  YAML files in a rules folder that are
    not rule files are skipped and named through ``notify`` (default: standard error).
    Tolerances set in the configuration replace the rule files' own (and change the rule
    set's version, so an index built with other tolerances is re-read)."""
    paths: list[str] | None = list(rules) if rules else None
    if paths is None and config is not None and config.rules:
        paths = [str(p) for p in config.rules]
    if paths is None:
        local = Path("rules")
        if local.is_dir() and (any(local.glob("*.yaml")) or any(local.glob("*.yml"))):
            paths = [str(local)]
    if builtin is None:
        builtin = config.builtin if config is not None else True
    if not builtin and not paths:
        raise RuleFileError("no rule files: the shipped rules are switched off and no other rule file is given",
                            code="E304", hint="give --rules PATH, or drop --no-builtin-rules / builtin = false")
    ruleset = load_rules(paths, builtin=builtin)
    for note in ruleset.skipped:
        (notify or _note)(note)
    if config is None or not config.overrides:
        return ruleset
    changed = []
    digest = hashlib.sha256(ruleset.version.encode())
    for rule in ruleset.rules:
        tol = config.tolerance_for(rule.id)
        if tol is not None:
            rule = dataclasses.replace(rule, tolerance=tol.value, tolerance_relative=tol.relative)
            digest.update(f"\0{rule.id}={tol.value}{'%' if tol.relative else ''}".encode())
        changed.append(rule)
    return dataclasses.replace(ruleset, rules=tuple(changed), version=digest.hexdigest()[:16])


def _note(message: str) -> None:
    print(f"factcheck: note: {message}", file=sys.stderr)


@dataclass(frozen=True, slots=True)
class ExampleResult:
    rule: ClaimRule
    example: Example
    passed: bool
    problem: str = ""


def run_examples(ruleset: RuleSet) -> list[ExampleResult]:
    """Run every rule's examples through extraction and attribution with the whole
    rule set loaded (so a rule that steals another's sentence is caught too)."""
    results = []
    for rule in ruleset.rules:
        for ex in rule.examples:
            doc = document_from_text(ex.text, path=f"{ex.path}:{ex.line}")
            every = attribute(doc, extract(doc), ruleset)
            claims = [c for c in every if c.rule == rule.id]
            result = _judge(rule, ex, claims, parse_quantity)
            if not result.passed and ex.match:
                result = dataclasses.replace(result, problem=result.problem + _taken_by(rule, ex, every))
            results.append(result)
    return results


def _taken_by(rule: ClaimRule, ex: Example, claims: list[Claim]) -> str:
    """"; ai-chips.x took 3万美元 (…)": the other rules that read the example's number (its
    value, when the example gives one), since a number makes one claim only."""
    wanted = parse_quantity(ex.value) if ex.value is not None else None
    others = [c for c in claims if c.rule != rule.id]
    if wanted is not None:
        others = [c for c in others
                  if (c.mention.quantity.low, c.mention.quantity.high) == (wanted.low, wanted.high)]
    if not others:
        return ""
    return "; " + "; ".join(f"rule {c.rule} took {_describe(c)}" for c in others) + \
        " (a number makes one claim: give this rule a priority, or steer the other with exclude/unless)"


def _describe(claim) -> str:
    quals = ", ".join(f"{k} {v}" for k, v in claim.qualifiers)
    return f"{claim.mention.text} ({claim.subject}{'; ' + quals if quals else ''})"


def _judge(rule: ClaimRule, ex: Example, claims, parse_quantity) -> ExampleResult:
    if not ex.match:
        if claims:
            return ExampleResult(rule, ex, False, "must not match, but read " + "; ".join(map(_describe, claims)))
        return ExampleResult(rule, ex, True)
    if not claims:
        return ExampleResult(rule, ex, False, "must match, but the rule read no number in it "
                                              "(check the subject, the metric words and the unit)")
    wanted = None
    if ex.value is not None:
        wanted = parse_quantity(ex.value)
        if wanted is None:
            return ExampleResult(rule, ex, False, f"value {ex.value!r} is not a number the checker reads; "
                                                  "write it as in the text, e.g. 98% or 3万-5万张")
    for claim in claims:
        q = claim.mention.quantity
        if wanted is not None and (q.low, q.high, q.unit) != (wanted.low, wanted.high, wanted.unit):
            continue
        if ex.subject is not None and claim.subject != ex.subject:
            continue
        got = dict(claim.qualifiers)
        if any(got.get(k) != v for k, v in ex.qualifiers):
            continue
        return ExampleResult(rule, ex, True)
    expected = [f"value {ex.value}" if ex.value else "", f"subject {ex.subject}" if ex.subject else "",
                ", ".join(f"{k} {v}" for k, v in ex.qualifiers)]
    return ExampleResult(rule, ex, False, f"expected {'; '.join(e for e in expected if e)}, but read "
                         + "; ".join(map(_describe, claims)))


# --- the check ------------------------------------------------------------------------


@lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """What besides the rules decides what a file yields: the package version and the
    bytes of the engine's own modules and data files (so a development change is never
    served stale results from a cache)."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256(f"factcheck {__version__}".encode())
    for p in sorted(root.rglob("*")):
        if p.suffix in (".py", ".yaml", ".yml", ".json") and p.is_file() and "__pycache__" not in p.parts:
            digest.update(p.relative_to(root).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


def cache_context(ruleset: RuleSet, *, date=None, show_consistent: bool = False) -> str:
    """The part of a cache entry's key that is not the file: rules, engine, default date, options."""
    parts = [ruleset.version or "", engine_fingerprint(), str(coerce_date(date) or ""),
             "consistent" if show_consistent else ""]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]


def default_cache_dir() -> Path:
    """``$FACTCHECK_CACHE_DIR``, else ``.factcheck/cache/`` at the project root."""
    env = os.environ.get("FACTCHECK_CACHE_DIR")
    return Path(env) if env else project_root() / ".factcheck" / "cache"


def check(paths: Sequence[str], *, rules: Sequence[str] | None = None, ruleset: RuleSet | None = None,
          config: Config | None = None, date=None, against: Sequence[str] | None = None,
          show_consistent: bool = False, stdin_filename: str | None = None, include=None, exclude=(),
          force_exclude: bool = False, select: Sequence[str] = (), ignore: Sequence[str] = (),
          cache_dir: str | os.PathLike | None = None,
          progress: Callable[[str], None] | None = None, builtin: bool | None = None,
          jobs: int | None = 1, fold: bool = True) -> Report:
    """Check articles against each other (and drafts against an archive).

    ``against``: archive directories of articles, or index files (.sqlite) written by
    ``factcheck index``; then only findings that involve one of ``paths`` are kept.
    ``select``/``ignore``: rule ids, globs (``ai-chips.*``) or kinds; ``select`` replaces the
    configuration's, ``ignore`` adds to it.  ``cache_dir``: where the per-file cache lives
    (None: no cache).  ``progress``: called with each document's path as it is read (the
    command line draws its progress bar with it).  ``jobs``: worker processes for the
    per-document work (None: all cores; a small corpus stays in this process); the report
    is the same for every value.  ``fold``: one finding for a slip retold in many articles
    (``checks.repeats``); False keeps every article's own."""
    if ruleset is None:
        ruleset = resolve_rules(rules, config, builtin=builtin)
    exclude_root = None
    if config is not None:
        include = include if include is not None else (list(config.include) or None)
        exclude = exclude or tuple(config.exclude)
        exclude_root = config.root
        config.check_ids(known_ids(ruleset), KINDS)
        select = tuple(select) or config.select
        ignore = (*config.ignore, *ignore)
    if select or ignore:
        _check_selection(select, ignore, ruleset)
    options = CheckOptions(show_consistent=show_consistent)
    tick = progress or (lambda path: None)

    report = Report(findings=[])
    claims: list[Claim] = []
    findings: list[Finding] = []
    suppressions = []
    draft_paths: set[str] = set()

    archive_dirs, archive_indexes = [], []
    for a in against or ():
        # an index file, existing or not (a missing one gets E501 from Archive.open), else a directory
        (archive_indexes if is_index_file(a) or Path(a).is_file() else archive_dirs).append(a)

    cache = None
    if cache_dir is not None:
        cache = ResultCache.open(cache_dir, cache_context(ruleset, date=date, show_consistent=show_consistent))
    try:
        for role, group in (("draft", paths), ("archive", archive_dirs)):
            if not group:
                continue
            sources = load_sources(group, stdin_filename=stdin_filename, include=include, exclude=exclude,
                                   exclude_root=exclude_root, force_exclude=force_exclude)
            for item, entry in _entries(sources, role, ruleset, options, date, cache, jobs):
                if isinstance(item, LoadProblem):
                    report.problems.append(item)
                    tick(item.path)
                    continue
                if item.path in draft_paths:
                    continue  # read once, as a draft (named twice, or the draft is in the archive too)
                if isinstance(entry, LoadProblem):
                    report.problems.append(entry)
                    tick(item.path)
                    continue
                report.documents += 1
                report.mentions += entry.mentions
                report.paths.append(item.path)
                claims.extend(entry.claims)
                if role == "draft":
                    draft_paths.add(item.path)
                    findings.extend(entry.findings or ())
                    suppressions.extend(Suppression(**s) for s in entry.extra or ())
                    if config is not None:
                        suppressions.extend(per_file_suppressions(item.path, config.ignored_in(item.path)))
                tick(item.path)
    finally:
        if cache is not None:
            cache.close()

    with contextlib.ExitStack() as stack:
        side = None
        if archive_indexes:
            drafted = [c for c in claims if c.path in draft_paths]
            corpus_rules = corpus_check_rules(drafted, ruleset)
            if len(archive_indexes) == 1 and not archive_dirs:
                # one index: answered from its summaries, in one snapshot kept open for the examples
                side = _summary_side(stack, drafted, archive_indexes[0], ruleset, corpus_rules)
                claims.extend(side.loaded)
            else:
                for index_path in archive_indexes:
                    claims.extend(archive_claims_for(drafted, index_path, corpus_rules=corpus_rules))

        report.claims = len(claims) if side is None else len(claims) + side.counted
        if against:
            options = dataclasses.replace(options, involving=frozenset(draft_paths), relisted=True)
        # A claim in a region suppressed for its own rule takes no part in the comparison: one
        # article's suppression never hides a contradiction between other articles.
        suppressions, unknown = check_ids(suppressions, known_ids(ruleset), KINDS)
        compared, withdrawn = withdraw(claims, suppressions)
        findings.extend(_group_findings(compared, ruleset, options, side, draft_paths))
        used: set[int] = set()
        if withdrawn:  # which suppressions silenced something: what the withdrawn claims took part in
            for f in _group_findings(claims, ruleset, options, side, draft_paths, keep=False):
                if f.kind != "consistent":
                    for c in f.claims:
                        used |= withdrawn.get(c, set())
        if against:
            findings = draft_centred([f for f in findings if _involves(f, draft_paths)], compared, draft_paths,
                                     ruleset, side.plan if side is not None else None)
            report.drafts = sorted(draft_paths)
    findings, unused = apply_suppressions(findings, suppressions, used)
    findings.extend(unused)
    findings.extend(unknown)
    if config is not None:
        findings = config.apply(findings)
    if select:
        findings = [f for f in findings if selects(select, f)]
    if ignore:
        findings = [f for f in findings if not selects(ignore, f)]
    if fold:
        findings = fold_repeats(findings)
    findings.sort(key=Finding.sort_key)
    report.findings = findings
    return report


def check_draft(doc: Document, ruleset: RuleSet, against: Sequence[str] = (), *, config: Config | None = None,
                show_consistent: bool = True) -> tuple[list[Mention], list[Claim], Report]:
    """One draft already in memory (the review page's pasted text) against archive index
    files, as ``check(paths, against=indexes)`` checks a draft file: the draft's mentions,
    its claims, and the report of the findings that involve it."""
    options = CheckOptions(show_consistent=show_consistent)
    mentions, doc_claims = claims_for_document(doc, ruleset)
    findings: list[Finding] = []
    for run in DOCUMENT_CHECKS:
        findings.extend(run(doc, mentions, doc_claims, ruleset, options))
    claims = list(doc_claims)
    corpus_rules = corpus_check_rules(doc_claims, ruleset)
    # every archive claim of the draft's groups: the review page shows whole findings, not the
    # draft-centred summary line (``check --against`` answers from the summaries instead)
    for index_path in against:
        claims.extend(archive_claims_for(doc_claims, index_path, corpus_rules=corpus_rules))
    options = dataclasses.replace(options, involving=frozenset({doc.path}))
    for run in GROUP_CHECKS:
        findings.extend(run(claims, ruleset, options))
    findings = [f for f in findings if _involves(f, {doc.path})]
    findings, unused = apply_suppressions(findings, parse_suppressions(doc))
    findings.extend(unused)
    if config is not None:
        findings = config.apply(findings)
    findings.sort(key=Finding.sort_key)
    report = Report(findings=findings, documents=1, claims=len(claims), mentions=len(mentions), paths=[doc.path])
    return mentions, doc_claims, report


@dataclass
class _SummarySide:
    """The archive's side of a draft check answered from one index's summaries."""

    plan: SummaryPlan
    loaded: list[Claim]  #: archive claims read claim by claim (groups without a usable summary)
    corpus: list[Claim]  #: claims of corpus-wide checks' rules outside those groups (arithmetic)
    counted: int  #: archive claims the summaries stand for (the report's claim count)


def _summary_side(stack: contextlib.ExitStack, drafted: Sequence[Claim], index_path: str, ruleset: RuleSet,
                  corpus_rules) -> _SummarySide:
    session = stack.enter_context(archive_session(index_path, drafted))
    summaries = session.summaries({(c.subject, c.metric) for c in drafted})
    plan = SummaryPlan({g: s for g, s in summaries.items() if s is not None}, ruleset, session.claims,
                       session.denied)
    full = {(c.subject, c.metric) for c in drafted if not plan.answered(c.subject, c.metric, c.rule)}
    loaded = session.group_claims(full)
    corpus = [c for c in session.rule_claims(corpus_rules) if (c.subject, c.metric) not in full]
    counted = sum(k.claims for g, s in plan.summaries.items() if g not in full for k in s.times)
    return _SummarySide(plan=plan, loaded=loaded, corpus=corpus, counted=counted)


def _group_findings(claims: list[Claim], ruleset: RuleSet, options: CheckOptions, side: _SummarySide | None,
                    drafts: set[str], *, keep: bool = True) -> list[Finding]:
    """GROUP_CHECKS over the claims; against an index's summaries, the comparison runs once per
    part of ``side.plan`` (each family's time bucket with a draft claim, and the rest) and the
    other checks once over everything with the corpus-wide checks' claims.  ``keep``: the
    plan's parts stay those of this call (``draft_centred`` counts from them)."""
    if side is None:
        return [f for run in GROUP_CHECKS for f in run(claims, ruleset, options)]
    before = (side.plan.parts, side.plan.rest)
    parts = side.plan.plan([c for c in claims if c.path in drafts])
    rest = {id(c) for c in side.plan.rest}
    general = [c for c in claims if c.path not in drafts or id(c) in rest]
    if not keep:
        side.plan.parts, side.plan.rest = before
    out: list[Finding] = []
    for run in GROUP_CHECKS:
        if run is COMPARE:
            for part in (general, *parts):
                out.extend(run(part, ruleset, options))
        else:
            out.extend(run(claims + side.corpus, ruleset, options))
    return out


def known_ids(ruleset: RuleSet) -> tuple[str, ...]:
    """Every rule id a finding can carry: the rule set's, the notices', the suppressions'."""
    return (*known_rule_ids(ruleset), *SUPPRESSION_RULES)


def _check_selection(select: Sequence[str], ignore: Sequence[str], ruleset: RuleSet) -> None:
    known = known_ids(ruleset)
    for pattern in (*select, *ignore):
        if pattern == "*" or pattern in KINDS or any(id_matches(pattern, k) for k in known):
            continue
        raise UsageError(f"unknown rule id or kind '{pattern}' in --select/--ignore",
                         hint=did_you_mean(pattern, (*known, *KINDS)))


def _entries(sources, role: str, ruleset: RuleSet, options: CheckOptions, date, cache, jobs: int | None):
    """(source, what it yields) for each source in order; a LoadProblem as (problem, problem).
    Cache hits are answered here; the rest is computed in ``jobs`` worker processes
    (``checker.workers``) and written to the cache here, in order."""
    pending: deque = deque()  # (item, entry), entry None while a worker computes it

    def misses():
        for item in sources:
            if isinstance(item, LoadProblem):
                pending.append((item, item))
                continue
            digest = content_hash(item.data) if cache is not None else None
            hit = cache.get(item.path, digest) if cache is not None else None
            if hit is not None and (role != "draft" or hit.findings is not None):
                pending.append((item, hit))
                continue
            pending.append((item, None))
            yield item, digest

    for (item, digest), entry in _computed(misses(), role, ruleset, options, date, jobs):
        while pending[0][1] is not None:
            yield pending.popleft()
        pending.popleft()
        if cache is not None and not isinstance(entry, LoadProblem):
            cache.put(item.path, digest, entry)
        yield item, entry
    while pending:
        yield pending.popleft()


def _computed(tasks, role: str, ruleset: RuleSet, options: CheckOptions, date, jobs: int | None):
    """((source, digest), entry) for each task, the entries computed by ``_compute_entry``."""
    mine, theirs = tee(tasks)
    work = ((source, role, options, date) for source, _ in theirs)
    for entry, notes in ordered_map(_compute_entry, work, jobs=jobs, setup=(_set_worker_ruleset, (ruleset,))):
        if notes:
            add_notes(notes)
        yield next(mine), entry


_WORKER_RULESET: RuleSet | None = None


def _set_worker_ruleset(ruleset: RuleSet) -> None:
    global _WORKER_RULESET
    _WORKER_RULESET = ruleset


def _compute_entry(task) -> tuple[Entry | LoadProblem, list[str]]:
    """The entry of one source, and (in a worker process) what user patterns' budgets did
    there, which the parent says with its own notes."""
    source, role, options, date = task
    entry = _entry(source, role, _WORKER_RULESET, options, date, None)
    return entry, (take_notes() if in_worker() else [])


def _entry(source: Source, role: str, ruleset: RuleSet, options: CheckOptions, date, cache) -> Entry | LoadProblem:
    """What a file yields, from the cache when its bytes and context are unchanged."""
    digest = None
    if cache is not None:
        digest = content_hash(source.data)
        entry = cache.get(source.path, digest)
        if entry is not None and (role != "draft" or entry.findings is not None):
            return entry
    doc = document_from_source(source, date=date)
    if isinstance(doc, LoadProblem):
        return doc
    mentions, doc_claims = claims_for_document(doc, ruleset)
    doc_findings = extra = None
    if role == "draft":
        doc_findings = [f for run in DOCUMENT_CHECKS for f in run(doc, mentions, doc_claims, ruleset, options)]
        extra = [dataclasses.asdict(s) for s in parse_suppressions(doc)]
    entry = Entry(mentions=len(mentions), claims=doc_claims, findings=doc_findings, extra=extra)
    if cache is not None:
        cache.put(source.path, digest, entry)
    return entry


def _involves(finding: Finding, paths: set[str]) -> bool:
    return any(c.path in paths for c in finding.claims) or any(l.path in paths for l in finding.locations)


__all__ = ["ExampleResult", "cache_context", "check", "check_draft", "claims_for_document", "default_cache_dir",
           "engine_fingerprint", "explain_document", "extract_paths", "known_ids", "resolve_rules", "run_examples"]
