"""Suppression comments in articles.

    <!-- factcheck: ignore RULE-ID reason -->        the next paragraph
    <!-- factcheck: ignore-file RULE-ID reason -->   the whole file

RULE-ID is a rule or notice id (``ai-chips.nvidia-share``), ``*`` for every rule,
or a prefix ending in ``*`` (``ai-chips.*``).  The reason is free text, kept for
the reader.  The same comment works in Markdown and in .txt files.

The *next paragraph* is the block that follows the comment up to the next blank
line (leading blank lines skipped).  Text files that hold one paragraph per line
with no blank lines between them (as the seed articles do) get the next
non-empty line instead, so a comment never silences the rest of such a file.

What a suppression does:

* A *claim* in a region suppressed for the claim's own rule takes no part in the
  comparison across articles (``withdraw``): the article's editor has said its figure is
  not comparable.  So a suppression in one article silences what that article's claim
  caused, and never a contradiction between *other* articles of the same group.
* Any other finding (a notice, a restatement, an arithmetic check) is dropped when one of
  its claims or evidence locations lies in a region suppressed for the finding's rule
  (``apply_suppressions``).  ``consistent`` findings are never dropped and never count
  as use.

A suppression that drops nothing is reported as a ``notice`` finding with rule
``factcheck.unused-suppression`` (severity warning); one whose RULE-ID names no known
rule or notice as ``factcheck.unknown-rule-id`` ("did you mean …?").  A comment inside
Markdown code (fenced, indented, inline) is an example, not a suppression.  Per-file
ignores of the configuration (``per_file_suppressions``) work like an ``ignore-file``
comment and are never reported as unused.

The loader blanks HTML comments in ``Document.norm``, so comments are read from
``Document.text``.
"""

from __future__ import annotations

import bisect
import re
import sys
from dataclasses import dataclass
from typing import Iterable

from .config import did_you_mean, id_matches
from .load import is_markdown_path
from .load.markdown import code_regions, scan_view
from .model import Claim, Document, Finding, Location
from .text import LazyPattern

UNUSED_RULE = "factcheck.unused-suppression"
UNKNOWN_RULE = "factcheck.unknown-rule-id"
#: Rule ids this module reports itself.
SUPPRESSION_RULES = (UNUSED_RULE, UNKNOWN_RULE)

#: <!-- factcheck: ignore ai-chips.nvidia-share different market, checked -->
#: <!-- factcheck: ignore-file * wire copy, not ours -->
#: <!--factcheck:ignore ai-chips.*-->
_COMMENT = re.compile(
    r"""<!--\s*factcheck\s*:\s*
        (?P<action>ignore-file|ignore)\s+
        (?P<rule>[^\s>]+?)              # an id, '*', or a prefix ending in '*'
        (?:\s+(?P<reason>.*?))?         # free text up to the end of the comment
        \s*-->""",
    re.VERBOSE | re.DOTALL,
)
#: A blank line: the end of a paragraph.
_BLANK_LINE = LazyPattern(r"\n[ \t\u3000]*(?:\r?\n|$)")
#: Leading whitespace before the paragraph that a comment covers.
_LEADING_SPACE = LazyPattern(r"[\s\u3000]*")
#: Two line breaks with only spaces between them, anywhere in a file.
_ANY_BLANK_LINE = LazyPattern(r"\n[ \t\u3000]*\r?\n[ \t\u3000]*\S")


@dataclass(frozen=True, slots=True)
class Suppression:
    """One suppression comment and the region of ``Document.text`` it covers."""

    path: str
    rule: str  #: id, "*" or a prefix ending in "*"
    reason: str
    scope: str  #: "paragraph" or "file"
    line: int  #: of the comment, 1-based
    col: int
    start: int  #: comment span in Document.text
    end: int
    region_start: int  #: covered region [region_start, region_end) in Document.text
    region_end: int
    text: str  #: the comment as written
    configured: bool = False  #: from the configuration's per-file-ignores, not a comment

    def covers(self, path: str, offset: int, rule_id: str, kind: str | None = None) -> bool:
        return (path == self.path and self.region_start <= offset < self.region_end
                and (id_matches(self.rule, rule_id) or (kind is not None and self.rule == kind)))


def _one_paragraph_per_line(doc: Document) -> bool:
    """A .txt file without blank lines between paragraphs."""
    return doc.path.lower().endswith(".txt") and not _ANY_BLANK_LINE.search(doc.text)


def parse_suppressions(doc: Document) -> list[Suppression]:
    """Every suppression comment in the document, in order."""
    out = []
    per_line = None
    code = None
    for m in _COMMENT.finditer(doc.text):
        if code is None:
            code = sorted(code_regions(scan_view(doc.text))) if is_markdown_path(doc.path) else []
        if _inside(code, m.start()):
            continue  # an example in code, not a comment of the article
        line, col = doc.position(m.start())
        if m["action"] == "ignore-file":
            region = (0, len(doc.text))
            scope = "file"
        else:
            scope = "paragraph"
            begin = _LEADING_SPACE.match(doc.text, m.end()).end()
            if per_line is None:
                per_line = _one_paragraph_per_line(doc)
            if per_line:
                stop = doc.text.find("\n", begin)
            else:
                blank = _BLANK_LINE.search(doc.text, begin)
                stop = blank.start() if blank else -1
            region = (begin, len(doc.text) if stop == -1 else stop)
        out.append(Suppression(path=doc.path, rule=m["rule"], reason=(m["reason"] or "").strip(), scope=scope,
                               line=line, col=col, start=m.start(), end=m.end(),
                               region_start=region[0], region_end=region[1], text=m.group()))
    return out


def _inside(regions: list[tuple[int, int]], offset: int) -> bool:
    at = bisect.bisect_right(regions, (offset, float("inf"))) - 1
    return at >= 0 and regions[at][0] <= offset < regions[at][1]


def per_file_suppressions(path: str, ids: Iterable[str]) -> list[Suppression]:
    """The configuration's per-file ignores for the article at ``path`` as file-wide suppressions."""
    return [Suppression(path=path, rule=rule, reason="per-file-ignores", scope="file", line=1, col=1,
                        start=0, end=0, region_start=0, region_end=sys.maxsize, text="", configured=True)
            for rule in ids]


def check_ids(suppressions: list[Suppression], known: Iterable[str], kinds: Iterable[str] = ()
              ) -> tuple[list[Suppression], list[Finding]]:
    """(the suppressions whose RULE-ID names a known rule, a notice for each that does not:
    "unknown rule id 'ai-chip.*'; did you mean 'ai-chips.*'?")."""
    known = sorted(set(known))
    kinds = set(kinds)
    good, notices = [], []
    for s in suppressions:
        if s.rule == "*" or s.rule in kinds or any(id_matches(s.rule, k) for k in known):
            good.append(s)
            continue
        notices.append(Finding(
            kind="notice", severity="warning", rule=UNKNOWN_RULE, subject="", metric="",
            message=f"unknown rule id '{s.rule}' in a suppression; {did_you_mean(s.rule, known)}",
            locations=(Location(path=s.path, start=s.start, end=s.end, line=s.line, col=s.col, text=s.text),)))
    return good, notices


def withdraw(claims: list[Claim], suppressions: list[Suppression]) -> tuple[list[Claim], dict[Claim, set[int]]]:
    """(the claims that take part in the comparison, {claim: indices of the suppressions
    that withdrew it}): a claim in a region suppressed for its own rule is withdrawn."""
    by_path: dict[str, list[int]] = {}
    for i, s in enumerate(suppressions):
        by_path.setdefault(s.path, []).append(i)
    if not by_path:
        return claims, {}
    kept, withdrawn = [], {}
    for c in claims:
        hits = {i for i in by_path.get(c.path, ()) if suppressions[i].covers(c.path, c.mention.start, c.rule)}
        if hits:
            withdrawn.setdefault(c, set()).update(hits)
        else:
            kept.append(c)
    return kept, withdrawn


def _offsets(finding: Finding) -> list[tuple[str, int]]:
    return [(c.path, c.mention.start) for c in finding.claims] + [(l.path, l.start) for l in finding.locations]


def apply_suppressions(findings: list[Finding], suppressions: list[Suppression], used: set[int] | None = None
                       ) -> tuple[list[Finding], list[Finding]]:
    """(kept findings, notices for suppressions that suppressed nothing).  ``used``: the
    suppressions already used (by ``withdraw``)."""
    used = set(used or ())
    kept = []
    by_path: dict[str, list[int]] = {}  # a finding is only ever suppressed in its own articles
    for i, s in enumerate(suppressions):
        by_path.setdefault(s.path, []).append(i)
    for finding in findings:
        if finding.kind == "consistent":
            kept.append(finding)
            continue
        hits = sorted({i for path, offset in _offsets(finding) for i in by_path.get(path, ())
                       if suppressions[i].covers(path, offset, finding.rule, finding.kind)})
        if hits:
            used.update(hits)
        else:
            kept.append(finding)
    notices = []
    for i, s in enumerate(suppressions):
        if i in used or s.configured:
            continue
        where = "this file" if s.scope == "file" else "the paragraph after it"
        notices.append(Finding(
            kind="notice", severity="warning", rule=UNUSED_RULE, subject="", metric="",
            message=f"unused suppression 'ignore{'-file' if s.scope == 'file' else ''} {s.rule}': "
                    f"no finding of {'any rule' if s.rule == '*' else 'rule ' + s.rule} in {where}; remove it",
            locations=(Location(path=s.path, start=s.start, end=s.end, line=s.line, col=s.col, text=s.text),)))
    return kept, notices


__all__ = ["SUPPRESSION_RULES", "Suppression", "UNKNOWN_RULE", "UNUSED_RULE", "apply_suppressions", "check_ids",
           "parse_suppressions", "per_file_suppressions", "withdraw"]
