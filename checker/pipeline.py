"""The library API: runs the stages in order and checks each returns what it promised.

    load -> extract -> attribute -> compare (+ derive, notices) -> Report

``check`` reads each document once and keeps only its claims (and its suppression
comments), so memory grows with the claims, not with the text.  Checks are two
lists that other stages extend:

* ``DOCUMENT_CHECKS``: functions ``(doc, mentions, claims, ruleset, options) ->
  list[Finding]`` run on each document (in-article arithmetic, notices);
* ``GROUP_CHECKS``: functions ``(claims, ruleset, options) -> list[Finding]`` run
  once over every claim (the cross-article comparison, rule-driven arithmetic).
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from .model import Claim, Document, Finding, LoadProblem, Mention, Report


def extract_paths(paths: Sequence[str], *, date=None, stdin_filename: str | None = None,
                  include=None, exclude=()) -> Iterator[tuple[Document, list[Mention]] | LoadProblem]:
    """Each readable document with its mentions, or a LoadProblem for a file that cannot be read."""
    from .extract import extract
    from .load import load_documents

    for item in load_documents(paths, date=date, stdin_filename=stdin_filename, include=include, exclude=exclude):
        if isinstance(item, LoadProblem):
            yield item
        else:
            yield item, extract(item)


def claims_for_document(doc: Document, ruleset) -> tuple[list[Mention], list[Claim]]:
    """Extract and attribute one document: its mentions and the claims the rules make of them."""
    from .attribute import attribute
    from .extract import extract

    mentions = extract(doc)
    return mentions, attribute(doc, mentions, ruleset)


# --- rules ----------------------------------------------------------------------------


def resolve_rules(rules: Sequence[str] | None = None, config=None):
    """The rule set for a command: ``--rules`` paths, else the configured rules, else
    ./rules/ when it holds rule files, else the shipped rule set.  Tolerances set in
    the configuration replace the rule files' own."""
    from .rules import load_rules

    paths: list[str] | None = list(rules) if rules else None
    if paths is None and config is not None and getattr(config, "rules", ()):
        paths = [str(p) for p in config.rules]
    if paths is None:
        local = Path("rules")
        if local.is_dir() and (any(local.glob("*.yaml")) or any(local.glob("*.yml"))):
            paths = [str(local)]
    ruleset = load_rules(paths)
    if config is not None and getattr(config, "overrides", ()):
        changed = []
        for rule in ruleset.rules:
            tol = config.tolerance_for(rule.id)
            changed.append(dataclasses.replace(rule, tolerance=tol.value, tolerance_relative=tol.relative)
                           if tol is not None else rule)
        ruleset.rules = changed
        ruleset.cache.clear()
    return ruleset


# --- the checks -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CheckOptions:
    show_consistent: bool = False
    #: pre-publish mode: the drafts' paths; group checks may skip groups without a draft claim
    involving: frozenset[str] | None = None


DocumentCheck = Callable[[Document, list[Mention], list[Claim], Any, CheckOptions], list[Finding]]
GroupCheck = Callable[[list[Claim], Any, CheckOptions], list[Finding]]


def _document_arithmetic(doc, mentions, claims, ruleset, options) -> list[Finding]:
    from .derive import check_document

    return check_document(doc, mentions, show_consistent=options.show_consistent)


def _document_notices(doc, mentions, claims, ruleset, options) -> list[Finding]:
    from .notices import find_notices

    return find_notices(doc, mentions, ruleset, settings=getattr(ruleset, "notices", None))


def _compare(claims, ruleset, options) -> list[Finding]:
    from .compare import compare

    return compare(claims, ruleset, show_consistent=options.show_consistent, involving=options.involving)


def _rule_arithmetic(claims, ruleset, options) -> list[Finding]:
    if not getattr(ruleset, "checks", None):
        return []
    from .derive import check_arithmetic

    return check_arithmetic(claims, ruleset, show_consistent=options.show_consistent)


#: Run on each document (drafts only in pre-publish mode).
DOCUMENT_CHECKS: list[DocumentCheck] = [_document_arithmetic, _document_notices]
#: Run once over every claim read.
GROUP_CHECKS: list[GroupCheck] = [_compare, _rule_arithmetic]

#: A progress bar is shown for at least this many files (and only on a terminal).
PROGRESS_MIN_FILES = 20


def check(paths: Sequence[str], *, rules: Sequence[str] | None = None, ruleset=None, config=None, date=None,
          against: Sequence[str] | None = None, show_consistent: bool = False,
          stdin_filename: str | None = None, include=None, exclude=(),
          progress: bool | Callable[[str], None] = False) -> Report:
    """Check articles against each other (and drafts against an archive).

    ``against``: archive directories of articles, or index files (.sqlite) written by
    ``factcheck index``; then only findings that involve one of ``paths`` are kept.
    ``progress``: True shows a progress bar on stderr for large inputs when stderr is
    a terminal; a callable is called with each document's path."""
    from .load import load_documents
    from .suppress import apply_suppressions, parse_suppressions

    if ruleset is None:
        ruleset = resolve_rules(rules, config)
    if config is not None:
        include = include if include is not None else (list(config.include) or None)
        exclude = exclude or tuple(config.exclude)
    options = CheckOptions(show_consistent=show_consistent)

    report = Report(findings=[])
    claims: list[Claim] = []
    findings: list[Finding] = []
    suppressions = []
    draft_paths: set[str] = set()

    archive_dirs, archive_indexes = [], []
    for a in against or ():
        from .archive import is_index_file

        # an index file, existing or not (a missing one gets E501 from Archive.open), else a directory
        (archive_indexes if is_index_file(a) or Path(a).is_file() else archive_dirs).append(a)

    with _progress(paths, archive_dirs, progress, include, exclude) as tick:
        for role, group in (("draft", paths), ("archive", archive_dirs)):
            if not group:
                continue
            for item in load_documents(group, date=date, stdin_filename=stdin_filename, include=include,
                                       exclude=exclude):
                if isinstance(item, LoadProblem):
                    report.problems.append(item)
                    tick(item.path)
                    continue
                if role == "draft" and item.path in draft_paths:
                    continue
                if role == "archive" and item.path in draft_paths:
                    continue  # the draft is already in the archive: read it once, as a draft
                mentions, doc_claims = claims_for_document(item, ruleset)
                report.documents += 1
                report.mentions += len(mentions)
                report.paths.append(item.path)
                claims.extend(doc_claims)
                if role == "draft":
                    draft_paths.add(item.path)
                    for run in DOCUMENT_CHECKS:
                        findings.extend(run(item, mentions, doc_claims, ruleset, options))
                    suppressions.extend(parse_suppressions(item))
                tick(item.path)

    if archive_indexes:
        from .archive import archive_claims_for

        drafted = [c for c in claims if c.path in draft_paths]
        for index_path in archive_indexes:
            claims.extend(archive_claims_for(drafted, index_path, ruleset=ruleset))

    report.claims = len(claims)
    if against:
        options = dataclasses.replace(options, involving=frozenset(draft_paths))
    for run in GROUP_CHECKS:
        findings.extend(run(claims, ruleset, options))
    if against:
        findings = [f for f in findings if _involves(f, draft_paths)]
    findings, unused = apply_suppressions(findings, suppressions)
    findings.extend(unused)
    if config is not None:
        findings = config.apply(findings)
    findings.sort(key=Finding.sort_key)
    report.findings = findings
    return report


def _involves(finding: Finding, paths: set[str]) -> bool:
    return any(c.path in paths for c in finding.claims) or any(l.path in paths for l in finding.locations)


class _progress:
    """A rich progress bar on stderr for large inputs; a no-op otherwise."""

    def __init__(self, paths, archive_dirs, progress, include, exclude):
        self.callback = progress if callable(progress) else None
        self.bar = None
        if progress is True and _stderr_is_terminal():
            from .load import iter_paths

            try:
                total = sum(1 for p in iter_paths(list(paths) + list(archive_dirs), include=include,
                                                  exclude=exclude) if os.fspath(p) != "-")
            except Exception:  # counting is best effort; reading reports the real problems
                total = 0
            if total >= PROGRESS_MIN_FILES:
                from rich.console import Console
                from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

                self.bar = Progress(TextColumn("checking"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                                    console=Console(stderr=True), transient=True)
                self.task = self.bar.add_task("check", total=total)

    def __enter__(self):
        if self.bar is not None:
            self.bar.start()

        def tick(path: str) -> None:
            if self.bar is not None:
                self.bar.advance(self.task)
            if self.callback is not None:
                self.callback(path)

        return tick

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
        return False


def _stderr_is_terminal() -> bool:
    import sys

    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


__all__ = ["check", "extract_paths", "claims_for_document", "resolve_rules", "DOCUMENT_CHECKS", "GROUP_CHECKS",
           "CheckOptions"]
