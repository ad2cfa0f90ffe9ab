"""Who a figure is attributed to in its sentence: 据IDC统计, Canalys数据显示, (数据来自麦肯锡)."""

from __future__ import annotations

import re

from ..model import Document

#: Who a figure is attributed to: 据富国银行统计, 据投行伯恩斯坦的分析师估算, (数据来自麦肯锡),
#: 花旗研究的分析师.  Group ``src`` is the source as written.
SOURCE = re.compile(
    r"据(?P<src>[^,。:;()\d]{2,16}?)的?(?:分析师)?(?:统计|估算|估计|报道|数据|分析|预测|透露|测算|研究)"
    r"|数据来自(?P<src2>[^,。:;()]{2,16})"
    r"|(?P<src3>[^,。:;()\d的]{2,12})的分析师"
    r"|(?P<src4>[A-Za-z][A-Za-z0-9 &.-]{1,20}|[^,。:;()\d的\s]{2,8})的?(?:数据|报告|统计)(?:显示|称|指出)")

#: A verb of reaching, denied, right before the number: the sentence says the figure will


def source_of(doc: Document, sentence_start: int, mention_start: int, sentence_end: int | None = None) -> str | None:
    """The source a figure is attributed to in its sentence, as written: the nearest
    before the number, else a note after it ("…1 万亿美元(数据来自麦肯锡)")."""
    found = None
    for m in SOURCE.finditer(doc.norm, sentence_start, mention_start):
        for g in ("src", "src2", "src3", "src4"):
            if m.group(g) and m.group(g).strip() not in NOT_SOURCES:
                s, e = m.span(g)
                found = doc.text[s:e].strip()
    if found is None and sentence_end is not None:
        after = SOURCE_AFTER.search(doc.norm, mention_start, sentence_end)
        if after is not None:
            found = doc.text[after.start("src"):after.end("src")].strip()
    return found


#: A source noted after the figure: (数据来自麦肯锡), (来源:IDC).
SOURCE_AFTER = re.compile(r"[(]\s*(?:数据来自|数据来源[:]?|来源[:]|资料来源[:]?)\s*(?P<src>[^,。:;()]{2,16})\s*[)]")


#: Words before 数据显示 that describe data rather than name who published it (权威数据显示).
NOT_SOURCES = frozenset({"权威", "公开", "相关", "最新", "官方", "统计", "市场", "行业", "调查", "研究", "有关", "多项"})


__all__ = ["SOURCE", "source_of"]
