"""Where sentences and clauses break, as real pages write them: marks put into the
matching view, length kept, so that every stage reads the same segmentation.

Accepted (what changes in ``norm``):

* a line break inside a sentence of hard-wrapped copy is no sentence end: wire copy
  wraps at a fixed width (``全年出`` / ``货80万台``), so a line as long as the document's
  wrap width that ends without sentence punctuation runs on: its "\\n" becomes " ";
* a lone "\\r" (old Mac line ends) is a line break: "\\n";
* list items are sentences of their own ("\n"): " - " before a word (not a range, ``3 - 5万``
  keeps its dash), "•", " · " with spaces; table cells "|" are clause breaks (","); reference
  marks ``[1][3]`` are blanked;
* in a headline (a short line without 。 or ,), the space between two words and a "!"
  or "?" are clause breaks, so ``苹果出货量首季跌近10% 三星电子重回榜首`` is two clauses and
  a "!" does not end the headline's sentence.

* pinyin that a reposting site put after a character (``機(jī)構(gòu)``, ``報(bào)告``) is blanked and the
  character moved next to the text it belongs to (``  機    構報告``), so words read whole again.

Not: ``山姆·奥特曼`` (a name's middle dot has no spaces), ``21 億歐元`` (a space before a
number inside a sentence), a short line without punctuation followed by a blank line (a
heading). One pass over the lines: O(length).
"""

from __future__ import annotations

import re
import unicodedata

from ..text import LazyPattern

#: Marks that end a sentence or a clause at the end of a line (no run-on after them).
_LINE_END_PUNCT = set("。!?;:,、)」』”\"'》】]|")
#: Lines at least this long can be hard-wrapped body text (a headline is shorter).
WRAP_MIN = 20
#: A document is hard-wrapped when at least this many of its long lines, and more than
#: WRAP_SHARE of them, end without sentence punctuation.
WRAP_LINES = 3
WRAP_SHARE = 0.6

_BULLET = LazyPattern(r"(?<=\S)(?P<pad>\s+)-(?=\s+[^\d\s])|•|(?<= )·(?= )")
_CELL = re.compile(r"(?<= )\|(?= )")
_REFERENCE = re.compile(r"\[\d{1,3}\](?:\s*\[\d{1,3}\])*")
_HEADLINE_SPACE = re.compile(r"(?<=[\u4e00-\u9fff%A-Za-z])[ \u3000]+(?=[\u4e00-\u9fff\d])")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN = re.compile(rf"(?P<han>[\u4e00-\u9fff])\((?=[a-zü{_TONED}]*[{_TONED}])[a-zü{_TONED}]{{1,7}}\)")
_HEADLINE_MARK = re.compile(r"[!?](?=\s*[\u4e00-\u9fffA-Za-z0-9])")
#: What a pinyin gloss holds after its character: "(" and a toned syllable.  _PINYIN itself,
#: searched over a whole page, would stop at every Han character.
_PINYIN_HINT = re.compile(rf"\((?=[a-zü{_TONED}]*[{_TONED}])[a-zü{_TONED}]{{1,7}}\)")
#: A headline is a short line with no sentence punctuation inside.
HEADLINE_MAX = 60


def segmentation_view(norm: str) -> str:
    """``norm`` with the sentence and clause breaks of real pages marked (same length)."""
    if "\r" in norm:
        norm = norm.replace("\r\n", " \n").replace("\r", "\n")
    lines = norm.split("\n")
    width = _wrap_width(lines)
    out: list[str] = []
    # What the document holds at all decides which steps can change a line (most pages have no
    # pinyin, reference marks, bullets or cells); a line that one step changed gets every later
    # step (blanking can bring " - " together).
    pinyin = "(" in norm and _PINYIN_HINT.search(norm) is not None
    references = "[" in norm and _REFERENCE.search(norm) is not None
    listed = " - " in norm or "•" in norm or " · " in norm or " | " in norm
    for line in lines:
        changed = False
        if pinyin and "(" in line:
            line, n = _PINYIN.subn(lambda m: " " * (len(m.group()) - 1) + m.group("han"), line)
            changed = n > 0
        if (references or changed) and "[" in line:
            line, n = _REFERENCE.subn(lambda m: " " * len(m.group()), line)
            changed = changed or n > 0
        if listed or changed:
            if " - " in line or "•" in line or " · " in line:
                line = _BULLET.sub(lambda m: (m.group("pad") or "") + "\n", line)
            if " | " in line:
                line = _CELL.sub(",", line)
        stripped = line.strip()
        if stripped and len(stripped) <= HEADLINE_MAX and "。" not in stripped and "," not in stripped[:-1] \
                and "[" not in stripped and _HAN.search(stripped):
            if " " in line or "\u3000" in line:  # what _HEADLINE_SPACE breaks at
                line = _HEADLINE_SPACE.sub(lambda m: "," + m.group()[1:], line)
            if "!" in line or "?" in line:  # what _HEADLINE_MARK breaks at
                line = _HEADLINE_MARK.sub(",", line)
        out.append(line)
    if width is None:  # not hard-wrapped: every line break stays
        return "\n".join(out)
    joined = []
    for i, line in enumerate(out):
        joined.append(line)
        if i + 1 < len(out):
            joined.append(" " if _runs_on(line, out[i + 1], width) else "\n")
    return "".join(joined)


def cells(text: str) -> int:
    """Display width: wide (CJK, full-width) characters count two cells, as wire copy wraps."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _at_least_cells(text: str, width: int) -> bool:
    """``cells(text) >= width``, without counting when the length already says so (a
    character is one cell or two: ``len(text) >= width`` is enough, and under half of
    ``width`` characters can never reach it)."""
    n = len(text)
    if n >= width:
        return True
    if 2 * n < width:
        return False
    # every Han character is two cells wide (U+4E00-U+9FFF are all East Asian Wide): enough
    # of them decide without counting the width of each character
    return n + len(_HAN.findall(text)) >= width or cells(text) >= width


def _wrap_width(lines: list[str]) -> int | None:
    """WRAP_MIN when the document is hard-wrapped, else None: most of its long lines end
    without sentence punctuation (a page with one paragraph per line ends nearly all of
    them with 。; wire copy wraps mid-sentence, at a width counted in bytes or cells that
    varies with the mix of scripts, so the width itself is no reliable sign)."""
    long = [body for body in map(str.rstrip, lines) if _at_least_cells(body, WRAP_MIN)]
    if len(long) < WRAP_LINES:
        return None
    open_ended = sum(1 for line in long if line[-1] not in _LINE_END_PUNCT)
    return WRAP_MIN if open_ended >= WRAP_SHARE * len(long) and open_ended >= WRAP_LINES else None


def _runs_on(line: str, following: str, width: int | None) -> bool:
    """True when ``line`` breaks inside a sentence that ``following`` goes on with."""
    if width is None:
        return False
    body = line.rstrip()
    if not body or not _at_least_cells(body, width) or body[-1] in _LINE_END_PUNCT:
        return False
    nxt = following.lstrip()
    return bool(nxt) and not nxt.startswith(("-", "*", "#", ">", "•"))


__all__ = ["segmentation_view"]
