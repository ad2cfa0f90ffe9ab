"""The library API: runs the stages in order and checks each returns what it promised.

    load -> extract -> attribute -> compare (+ derive, notices) -> Report
"""

from __future__ import annotations

from typing import Iterable, Iterator, Sequence

from .model import Claim, Document, LoadProblem, Mention


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
