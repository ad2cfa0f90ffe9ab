"""Tables in plain text, as real pages carry them: a header line and rows of cells separated by
spaces (``公司名称 营收(亿美元) 季增(%) 市占率(%)`` over ``联电(UMC) 19 8.2 4.4``), or a table laid out one
cell per line (a header of cells, then rows of as many cells).

A value cell is a number; its column's header gives what it is (the header words) and, when
the cell has none, its unit (``营收(亿美元)``: 19 is 19亿美元; ``(百万美元)``, ``(%)``).  The row's
other cells name what the row is about.  Found in one pass over the lines of the matching view.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A number as a table writes it: 19, 8.2, -1.7, 26,854, 67.1%, or "-" for none.
_VALUE = re.compile(r"[-−]?\d{1,3}(?:,\d{3})+(?:\.\d+)?%?|[-−]?\d+(?:\.\d+)?%?|[-−—]")
#: A unit in a column header: 营收(亿美元), 市占率(%), 营收 (百万美元).
_HEADER_UNIT = re.compile(r"\(\s*(?P<unit>%|亿美元|百万美元|万美元|美元|亿元|万元|亿欧元|百万欧元|亿港元|亿新台币)\s*\)")
_SENTENCE = re.compile(r"[。!?;！？；]|[,，](?!\d{3})")
#: A header of a one-cell-per-line table has at least this many cells; a row as many.
MIN_COLUMNS = 3
#: A cell of a one-cell-per-line table is at most this long.
CELL_MAX = 40


@dataclass(frozen=True, slots=True)
class Cell:
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Table:
    start: int
    end: int
    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]

    def unit(self, column: int) -> str | None:
        """The unit the header gives its column's bare numbers (亿美元, %), if any."""
        m = _HEADER_UNIT.search(self.header[column].text)
        return m.group("unit") if m else None

    def words(self, column: int) -> str:
        """The header's words for a column, without its unit: 营收, 3Q24 市占率."""
        return _HEADER_UNIT.sub("", self.header[column].text).strip()


def has_header_unit(norm: str) -> bool:
    """True when some line could be a header that gives its column a unit (营收(亿美元)): without
    one, no bare cell takes a unit, and extraction need not find the tables."""
    return _HEADER_UNIT.search(norm) is not None


def is_value(text: str) -> bool:
    return _VALUE.fullmatch(text.strip()) is not None


def _lines(text: str) -> list[tuple[int, int, str]]:
    """The lines of the text as written (the matching view joins hard-wrapped lines and marks a
    headline's spaces as clause breaks, so a table's layout is read from the text)."""
    out, start = [], 0
    while True:
        i = text.find("\n", start)
        if i == -1:
            out.append((start, len(text), text[start:]))
            return out
        out.append((start, i, text[start:i]))
        start = i + 1


def _tokens(start: int, line: str, norm: str) -> list[Cell]:
    """The space-separated cells of a line, each in its matching form (same offsets)."""
    return [Cell(start + m.start(), start + m.end(), norm[start + m.start():start + m.end()])
            for m in re.finditer(r"\S+", line)]


def tables(text: str, norm: str) -> list[Table]:
    """The tables of a document (both layouts), in order; cells in their matching form, with
    offsets into the text (``Document.text`` and ``Document.norm`` share offsets)."""
    if "\n" not in text or len(text) != len(norm):
        return []
    if _last and _last[0][0] is text and _last[0][1] is norm:
        return _last[0][2]  # extraction and attribution of one document ask in turn
    lines = _lines(text)
    found = sorted(_row_tables(lines, norm) + _cell_tables(lines, norm), key=lambda t: t.start)
    _last[:] = [(text, norm, found)]
    return found


#: The tables of the document read last (one entry: documents are read one at a time).
_last: list[tuple[str, str, list[Table]]] = []


def _row_tables(lines: list[tuple[int, int, str]], norm: str) -> list[Table]:
    """A header line of space-separated columns over rows of a label and as many values."""
    out = []
    k = 0
    while k < len(lines):
        start, end, line = lines[k]
        if line.count(" ") < MIN_COLUMNS - 1 or len(line) > 200 or _SENTENCE.search(line):
            k += 1
            continue
        head = _tokens(start, line, norm)
        if len(head) < MIN_COLUMNS or sum(is_value(c.text) for c in head):
            k += 1
            continue
        rows = []
        j = k + 1
        while j < len(lines):
            row = _row(lines[j], len(head), norm)
            if row is None:
                break
            rows.append(row)
            j += 1
        if rows:
            out.append(Table(start, lines[j - 1][1], tuple(head), tuple(rows)))
            k = j
        else:
            k += 1
    return out


def _row(line: tuple[int, int, str], columns: int, norm: str) -> tuple[Cell, ...] | None:
    """A row under a header of ``columns`` columns: the values are its last columns - 1 tokens
    (a label may hold spaces: 华虹集团(HuaHong Group) 10.6 5 2.5), at least one a number."""
    start, _, text = line
    cells = _tokens(start, text, norm)
    if len(cells) < columns or _SENTENCE.search(text):
        return None
    values = cells[len(cells) - (columns - 1):]
    label = cells[:len(cells) - (columns - 1)]
    if not all(is_value(c.text) for c in values) or not any(c.text[:1].isdigit() or c.text[1:2].isdigit()
                                                            for c in values):
        return None
    if any(is_value(c.text) for c in label):
        return None
    joined = Cell(label[0].start, label[-1].end, norm[label[0].start:label[-1].end])
    return (joined, *values)


def _cell_tables(lines: list[tuple[int, int, str]], norm: str) -> list[Table]:
    """A table one cell per line (blank lines between them aside): a header of cells that are
    no numbers, then rows of as many cells, each with a number."""
    cells: list[Cell] = []
    out: list[Table] = []

    def close() -> None:
        table = _cells_table(cells)
        if table is not None:
            out.append(table)
        cells.clear()

    for start, end, line in lines:
        if len(line) > CELL_MAX + 20:
            close()
            continue
        text = line.strip()
        if not text:
            continue
        if len(text) <= CELL_MAX and not _SENTENCE.search(text) and not text.startswith(("#", "-", "*", "•")) \
                or is_value(text):
            lead = len(line) - len(line.lstrip())
            cells.append(Cell(start + lead, start + lead + len(text), norm[start + lead:start + lead + len(text)]))
        else:
            close()
    close()
    return out


def _cells_table(cells: list[Cell]) -> Table | None:
    first = next((i for i, c in enumerate(cells) if is_value(c.text)), None)
    if first is None:
        return None
    # the header: the non-number cells right before the first number; cells before it (a title
    # line) are no columns, and the first row may open on a rank ("1") or on its label
    for lead in (0, 1):  # the first row opens on a number (a rank), or on its label
        for o in range(0, first - MIN_COLUMNS + 1):
            width = first - o - lead
            if width < MIN_COLUMNS:
                continue
            rows: list[tuple[Cell, ...]] = []
            i = o + width
            while i + width <= len(cells):
                row = tuple(cells[i:i + width])
                if not any(is_value(c.text) and c.text[:1] not in "-−—" for c in row) or \
                        (rows and not _aligned([rows[0], row])):
                    break
                rows.append(row)
                i += width
            if len(rows) >= 2:
                return Table(cells[o].start, rows[-1][-1].end, tuple(cells[o:o + width]), tuple(rows))
    return None


def _aligned(rows: list[tuple[Cell, ...]]) -> bool:
    """Every row has its numbers in the same columns as the first row, past the first two (a
    total row may hold a label or a dash where the others hold a rank and a name)."""
    def numbers(row: tuple[Cell, ...]) -> list[bool]:
        return [any(ch.isdigit() for ch in c.text) for c in row[2:]]
    first = numbers(rows[0])
    return all(numbers(row) == first for row in rows[1:])


__all__ = ["Cell", "Table", "has_header_unit", "is_value", "tables"]
