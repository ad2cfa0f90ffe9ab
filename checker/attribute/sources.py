"""Who a figure is attributed to: 据IDC统计, Canalys数据显示, (数据来自麦肯锡), IDC表示, 从Canalys获悉.

The source is looked for in the number's sentence (the nearest before the number, else a
note after it), else in the earlier sentences of its paragraph (a report named once,
then retold sentence by sentence).  An organisation written in Latin letters inside a
longer phrase is the source itself: ``市场研究机构Canalys报告显示`` -> Canalys.
"""

from __future__ import annotations

import bisect
import re

from ..model import Document
from ..text import normalize

#: Who a figure is attributed to.  Accepted: 据富国银行统计, 据投行伯恩斯坦的分析师估算, 花旗研究的分析师,
#: Canalys报告显示, 机构Canalys发文称, IDC 表示, 据Omdia 发布的…报告, 从“Canalys”获悉, 据IDC,.
#: Group ``src…`` is the source as written.
SOURCE = re.compile(
    r"(?P<src8>[\u4e00-\u9fff]{2,10}\s*\(\s*[A-Za-z][A-Za-z0-9&.-]{1,20}\s*\))"
    r"(?=[^,。;]{0,8}?(?:指出|表示|调查|调研|报告|统计|数据|研究|显示|称|预估|预计|估计|分析))"
    r"|(?P<src9>(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9&.-]{1,20})\s*\([\u4e00-\u9fff]{2,10}\)\s*(?:最新)?"
    r"(?:发布|公布|表示|指出|调查|报告|数据|研究|统计)"
    r"|据(?P<src>[^,。:;()\d]{2,24}?)的?(?:分析师)?(?:统计|估算|估计|报道|数据|分析|预测|透露|测算|研究(?!机构|院|公司)"
    r"|调查(?!机构|公司)|调研(?!机构|公司)|报告|资料)"
    r"|数据来自(?P<src2>[^,。:;()]{2,16})"
    r"|(?P<src3>[^,。:;()\d的]{2,12})的分析师"
    r"|(?P<src4>[A-Za-z][A-Za-z0-9 &.-]{1,20}|[^,。:;()\d的\s]{2,8})的?(?:最新)?(?:数据|报告|统计|资料|研究)(?:显示|称|指出|表明)"
    r"|(?<![A-Za-z0-9])(?P<src5>[A-Z][A-Za-z0-9&.-]{1,20})\s*(?:表示|称|指出|发文称|认为|预计|预测|估计|估算|统计|报告|"
    r"最新(?:发布|公布)|发布的?|公布的?)"
    r"|从\s*[\"“]?(?P<src6>[A-Za-z][A-Za-z0-9&. -]{1,20}?)[\"”]?\s*获悉"
    r"|据\s*(?P<src7>[A-Za-z][A-Za-z0-9&.-]{1,20})")

#: A Latin-letter organisation name inside a longer source phrase.
_LATIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9&.-]{2,20}")
_GROUPS = ("src8", "src9", "src", "src2", "src3", "src4", "src5", "src6", "src7")
#: What describes a source rather than names it: 市调机构集邦科技 is 集邦科技, 集邦科技统计 too.
_DESCRIPTOR_BEFORE = re.compile(r"^(?:(?:市场|全球)?(?:研调|市调|调研|研究|调查|咨询|研调|分析)?机构|研究公司|调研公司)\s*")
_DESCRIPTOR_AFTER = re.compile(r"\s*(?:的)?(?:最新|统计|资料|数据|最新调查|调查)+$")


def _name(source: str) -> str:
    """The source's name in a phrase: a Latin name inside it (集邦(TrendForce), 调研机构TrendForce集邦科技)."""
    latin = _LATIN_NAME.findall(source)
    if latin and not source.isascii():
        return latin[-1]
    return source


def _describes_only(source: str) -> bool:
    """True for a phrase that only describes a source (研调机构, 市场研究机构) and names none."""
    folded = normalize(source).strip()
    return not folded.isascii() and len(_DESCRIPTOR_AFTER.sub("", _DESCRIPTOR_BEFORE.sub("", folded))) < 2


def source_key(source: str) -> str:
    """A source as compared: its matching view (Traditional folded to Simplified) without what
    describes a source rather than names it: 市調機構集邦科技 and 集邦科技统计 are 集邦科技."""
    folded = normalize(source).strip()
    if folded.isascii():
        return folded
    bare = _DESCRIPTOR_AFTER.sub("", _DESCRIPTOR_BEFORE.sub("", folded))
    return bare if len(bare) >= 2 else folded


class _Scans:
    """The sources named in a stretch of one document (a sentence, a paragraph, the lead),
    each stretch scanned once: a long sentence or paragraph with many numbers costs one scan,
    not one per number.  A query takes the last source that ends before its bound."""

    def __init__(self, doc: Document):
        self.doc = doc
        self._found: dict[tuple[int, int], tuple[list[int], list[str]]] = {}
        self._breaks: list[int] | None = None

    def line(self, at: int) -> tuple[int, int]:
        """The start and end of the line (paragraph) holding offset ``at``, by bisection over
        the line breaks (found once), not a scan back and forth per number."""
        if self._breaks is None:
            self._breaks = [m.start() for m in _BREAK.finditer(self.doc.norm)]
        k = bisect.bisect_left(self._breaks, at)
        start = self._breaks[k - 1] + 1 if k else 0
        end = self._breaks[k] if k < len(self._breaks) else len(self.doc.norm)
        return start, end

    def last_before(self, start: int, limit: int, bound: int) -> str | None:
        key = (start, limit)
        if key not in self._found:
            ends: list[int] = []
            names: list[str] = []
            for m in SOURCE.finditer(self.doc.norm, start, limit):
                for g in _GROUPS:
                    if m.group(g) and m.group(g).strip() not in NOT_SOURCES and not _describes_only(m.group(g)):
                        s, e = m.span(g)
                        ends.append(m.end())
                        names.append(_name(self.doc.text[s:e].strip()))
                        break
            self._found[key] = (ends, names)
        ends, names = self._found[key]
        i = bisect.bisect_right(ends, bound)
        return names[i - 1] if i else None


#: The scans of the document attributed last: attribution reads one document at a time, so
#: one entry keeps it linear without holding on to a corpus.
_last: list[_Scans] = []


def _scans(doc: Document) -> _Scans:
    last = _last[0] if _last else None
    if last is None or last.doc is not doc:
        last = _Scans(doc)
        _last[:] = [last]
    return last


def source_of(doc: Document, sentence_start: int, mention_start: int, sentence_end: int | None = None) -> str | None:
    """The source a figure is attributed to, as written: in its sentence before the number,
    else a note after it ("…1 万亿美元(数据来自麦肯锡)"), else the last source the earlier
    sentences of its paragraph named."""
    scans = _scans(doc)
    norm = doc.norm
    end = sentence_end if sentence_end is not None else scans.line(sentence_start)[1]
    found = scans.last_before(sentence_start, end, mention_start)
    if found is None and sentence_end is not None:
        after = SOURCE_AFTER.search(norm, mention_start, sentence_end)
        if after is not None:
            found = doc.text[after.start("src"):after.end("src")].strip()
    if found is None:
        paragraph, line_end = scans.line(sentence_start)
        if paragraph < sentence_start:
            found = scans.last_before(paragraph, line_end, sentence_start)
    if found is None:
        found = lead_source(doc)
    return found


_BREAK = re.compile("\n")


#: The title and lead, where an article names the report it retells, are this long at most.
LEAD_CHARS = 400


def lead_source(doc: Document) -> str | None:
    """The first source the title and lead name (an article retelling one report names it
    at the top and then gives its figures sentence by sentence)."""
    end = min(len(doc.norm), LEAD_CHARS)
    stop = doc.norm.find("。", 0, end)
    stop = stop + 1 if stop != -1 else end
    return _scans(doc).last_before(0, stop, stop)


#: A source noted after the figure: (数据来自麦肯锡), (来源:IDC).
SOURCE_AFTER = re.compile(r"[(]\s*(?:数据来自|数据来源[:]?|来源[:]|资料来源[:]?)\s*(?P<src>[^,。:;()]{2,16})\s*[)]")


#: Words before 数据显示 that describe data rather than name who published it (权威数据显示).
NOT_SOURCES = frozenset({"权威", "公开", "相关", "最新", "官方", "统计", "市场", "行业", "调查", "研究", "有关", "多项",
                         "报告", "数据", "公司", "该公司", "其", "CEO", "CFO"})


__all__ = ["SOURCE", "source_key", "source_of"]
