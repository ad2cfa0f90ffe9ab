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

A finding is dropped when any of its claims (or evidence locations) lies in a
region suppressed for its rule; ``consistent`` findings are never dropped and
never count as use.  A suppression that drops nothing is reported as a ``notice``
finding with rule ``factcheck.unused-suppression`` (severity warning).

The loader blanks HTML comments in ``Document.norm``, so comments are read from
``Document.text``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .config import id_matches
from .model import Document, Finding, Location

UNUSED_RULE = "factcheck.unused-suppression"

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
_BLANK_LINE = re.compile(r"\n[ \t\u3000]*(?:\r?\n|$)")
#: Leading whitespace before the paragraph that a comment covers.
_LEADING_SPACE = re.compile(r"[\s\u3000]*")
#: Two line breaks with only spaces between them, anywhere in a file.
_ANY_BLANK_LINE = re.compile(r"\n[ \t\u3000]*\r?\n[ \t\u3000]*\S")


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

    def covers(self, path: str, offset: int, rule_id: str) -> bool:
        return (path == self.path and self.region_start <= offset < self.region_end
                and id_matches(self.rule, rule_id))


def _one_paragraph_per_line(doc: Document) -> bool:
    """A .txt file without blank lines between paragraphs."""
    return doc.path.lower().endswith(".txt") and not _ANY_BLANK_LINE.search(doc.text)


def parse_suppressions(doc: Document) -> list[Suppression]:
    """Every suppression comment in the document, in order."""
    out = []
    per_line = None
    for m in _COMMENT.finditer(doc.text):
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


def _offsets(finding: Finding) -> list[tuple[str, int]]:
    return [(c.path, c.mention.start) for c in finding.claims] + [(l.path, l.start) for l in finding.locations]


def apply_suppressions(findings: list[Finding], suppressions: list[Suppression]
                       ) -> tuple[list[Finding], list[Finding]]:
    """(kept findings, notices for suppressions that suppressed nothing)."""
    used: set[int] = set()
    kept = []
    by_path: dict[str, list[int]] = {}  # a finding is only ever suppressed in its own articles
    for i, s in enumerate(suppressions):
        by_path.setdefault(s.path, []).append(i)
    for finding in findings:
        if finding.kind == "consistent":
            kept.append(finding)
            continue
        hits = sorted({i for path, offset in _offsets(finding) for i in by_path.get(path, ())
                       if suppressions[i].covers(path, offset, finding.rule)})
        if hits:
            used.update(hits)
        else:
            kept.append(finding)
    notices = []
    for i, s in enumerate(suppressions):
        if i in used:
            continue
        where = "this file" if s.scope == "file" else "the paragraph after it"
        notices.append(Finding(
            kind="notice", severity="warning", rule=UNUSED_RULE, subject="", metric="",
            message=f"unused suppression 'ignore{'-file' if s.scope == 'file' else ''} {s.rule}': "
                    f"no finding of {'any rule' if s.rule == '*' else 'rule ' + s.rule} in {where}; remove it",
            locations=(Location(path=s.path, start=s.start, end=s.end, line=s.line, col=s.col, text=s.text),)))
    return kept, notices


__all__ = ["Suppression", "parse_suppressions", "apply_suppressions", "UNUSED_RULE"]
