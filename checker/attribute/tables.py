"""Claims of table cells: a value cell is read as its row's label followed by its column's
header words (``联电(UMC)`` × ``市占率(%)`` × ``4.4`` reads as "联电(UMC)市占率为4.4%"), after the
table's title when it has one, by the same rules as any sentence; its time is the header's (``3Q24 市占率``) else the period in force where
the table stands, its source the one in force there.  A cell's reading replaces the reading of
the cell as prose (a row "三星 22% 24%" is no sentence about one quarter)."""

from __future__ import annotations

import dataclasses
import re
from typing import Callable

from ..extract import extract
from ..extract.tables import Table, is_value, tables
from ..load import document_from_text
from ..model import Claim, Document, Mention
from ..text import LazyPattern
from .clauses import Segment
from .periods import TimeIndex, _dated, _nearest_year
from .sources import source_of

#: what stands between a label and the header words in the sentence a cell is read as
_JOIN = "为"
_SPACES = LazyPattern(r"[\s,]+")


def _label(row: tuple, values: set[int]) -> str:
    """The row's name: its cells that are no numbers (a rank is one)."""
    return "".join(_SPACES.sub("", c.text) for k, c in enumerate(row) if k not in values and not is_value(c.text))


def table_claims(doc: Document, mentions: list[Mention], claims: list[Claim], times: TimeIndex,
                 read: Callable[[Document], list[Claim]], source_value: Callable[[str | None], str | None],
                 reads_source: Callable[[str], bool]) -> list[Claim]:
    """``claims`` with every table cell read by its row and column (see the module docstring)."""
    found = tables(doc.text, doc.norm)
    if not found:
        return claims
    by_start = {m.start: m for m in mentions}
    replaced: dict[int, Claim] = {}
    for table in found:
        period, _ = times._carried(Segment(table.start, table.start, ((table.start, table.start),)))
        source = source_of(doc, table.start, table.start, table.end)
        for row in table.rows:
            values = {k for k, c in enumerate(row) if k > 0 and is_value(c.text) and any(ch.isdigit() for ch in c.text)}
            label = _label(row, values)
            if not label:
                continue
            for k in sorted(values):
                if k >= len(table.header):
                    continue
                cell = row[k]
                mention = next((m for s, m in by_start.items() if cell.start <= s < cell.end), None)
                if mention is None:
                    continue
                claim = _read_cell(doc, table, k, label, mention, read)
                if claim is None:
                    continue
                quals = dict(claim.qualifiers)
                time = claim.time or period
                if time is not None and not _dated(time) and period is not None:
                    # a year-less quarter of the title ("第二季…营收表现") in the year in force
                    time = _nearest_year(time, period) or time
                if time is not None:
                    quals["period"] = time
                if "source" not in quals and source is not None and reads_source(claim.rule):
                    value = source_value(source)
                    if value is not None:
                        quals["source"] = value
                row_start, row_end = row[0].start, row[-1].end
                replaced[mention.start] = dataclasses.replace(
                    claim, qualifiers=tuple(sorted(quals.items())), mention=mention, path=doc.path,
                    sentence=doc.text[row_start:row_end], sentence_start=row_start, time=time,
                    source=claim.source or source, doc_date=doc.date,
                    evidence=_evidence(claim, label, table.words(k), time))
    if not replaced:
        return claims
    return [c for c in claims if c.mention.start not in replaced] + sorted(replaced.values(), key=lambda c: c.mention.start)


def _evidence(claim: Claim, label: str, words: str, time: str | None) -> tuple[tuple[str, str], ...]:
    """The reading's evidence, said of the table: which row and column, and where the time
    came from when the header named none."""
    out = [("table", f"row {label}, column {words}")]
    for name, value in claim.evidence:
        if name == "clause":
            continue
        if name == "time" and claim.time is None:
            value = f"{time}: where the table stands" if time else value
        out.append((name, value))
    return tuple(out)


#: A table's title: the line right above it, when short and no sentence.
TITLE_MAX = 60
_SENTENCE_END = LazyPattern(r"[。!?;！？；]")


def _title(doc: Document, table: Table) -> str:
    """The line right above the table (blank lines aside) when it is a title, not prose: it says
    what the table is about ("第二季前十大晶圆代工业者个别营收表现"), as a sentence's words do."""
    end = doc.text.rfind("\n", 0, table.start)
    while end > 0:
        start = doc.text.rfind("\n", 0, end) + 1
        line = doc.norm[start:end].strip()
        if line:
            return _SPACES.sub("", line) if len(line) <= TITLE_MAX and not _SENTENCE_END.search(line) else ""
        end = start - 1
    return ""


def _read_cell(doc: Document, table: Table, k: int, label: str, mention: Mention,
               read: Callable[[Document], list[Claim]]) -> Claim | None:
    words = _SPACES.sub("", table.words(k))
    value = mention.text.strip()
    unit = table.unit(k)
    if unit and not value.endswith("%") and not any(ch in value for ch in "亿万美元%"):
        value = value.replace(",", "") + unit
    title = _title(doc, table)
    head = f"{title}," if title else ""
    sentence = f"{head}{label}{words}{_JOIN}{value}。"
    synthetic = document_from_text(sentence, doc.path, date=doc.date)
    at = len(head) + len(label) + len(words) + len(_JOIN)
    for claim in read(synthetic):
        if claim.mention.start == at:
            return claim
    return None


__all__ = ["table_claims"]
