"""Plain data passed between the pipeline's stages.

    files --load--> Document --extract--> Mention --attribute--> Claim --compare--> Finding --render--> output

These types and the closed vocabularies below are what stages hand each other; a test
(tests/test_layout.py) keeps every import pointing down the data flow.  Conventions that
hold everywhere:

* Offsets (``start``/``end``) are Python code points into ``Document.text``, the
  text exactly as decoded.  ``line`` and ``col`` are 1-based, also in code points.
* Numbers are ``decimal.Decimal``, never binary floats.
* ``Document.norm`` has the same length as ``Document.text`` (the loader only makes
  length-preserving substitutions and blanks skipped regions with spaces), so an
  offset found in ``norm`` is the same offset in ``text``.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

# --- closed vocabularies (contracts of DESIGN.md) ---------------------------------

#: Bounds a quantity can carry.
BOUNDS = ("exact", "approx", "gt", "ge", "lt", "le")

#: Finding kinds, and the severity each has unless configured otherwise.
KINDS = ("contradiction", "divergence", "arithmetic", "notice", "consistent")
DEFAULT_SEVERITY = {
    "contradiction": "error",
    "divergence": "warning",
    "arithmetic": "error",
    "notice": "warning",
    "consistent": "info",
}

#: Units a claim rule may require.  ``money`` accepts any ISO 4217 currency (the
#: currency then keeps claims apart: different currencies are never compared).
GENERIC_UNITS = ("percent", "pp", "times", "count", "number", "money", "date")
CURRENCIES = ("USD", "CNY", "HKD", "TWD", "EUR", "JPY", "GBP", "KRW", "INR", "SGD", "AUD", "CAD", "CHF",
              "RUB", "AED", "SAR", "MOP", "MYR", "THB", "VND", "IDR", "PHP", "BRL", "NZD")
PHYSICAL_UNITS = ("nm", "mm", "cm", "m", "km", "mg", "g", "kg", "t", "B", "KB", "MB", "GB", "TB", "PB", "EB",
                  "W", "kW", "MW", "GW", "Wh", "kWh", "MWh", "GWh", "TWh", "Hz", "MHz", "GHz", "FLOPS",
                  "TFLOPS", "PFLOPS", "EFLOPS", "TOPS", "mAh", "V", "A", "℃", "s", "ms")
UNITS = GENERIC_UNITS + CURRENCIES + PHYSICAL_UNITS

#: Severities, lowest first.
SEVERITIES = ("info", "warning", "error")


def severity_rank(severity: str) -> int:
    """0 for info, 1 for warning, 2 for error."""
    return SEVERITIES.index(severity)


#: Marks that end a sentence in the matching view (``Document.norm``, where the full-width
#: ！？； are folded to ASCII).  One definition for every stage that speaks of sentences.
SENTENCE_MARKS = "。!?;\n"
#: How far the ends of a sentence are looked for (a real sentence is far shorter).
SENTENCE_LOOK_BACK = 2000
SENTENCE_END = re.compile(f"[{re.escape(SENTENCE_MARKS)}]")


# --- load ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Document:
    """One article.

    ``text`` is the decoded file, never modified.  ``norm`` is the view that
    matching runs on: full-width forms folded to ASCII (NFKC where it is one
    character for one), Traditional folded to Simplified (OpenCC), and regions that
    must not be scanned (Markdown code, front matter, URLs) blanked with spaces.
    ``norm`` has exactly ``len(text)`` characters, so offsets are shared.
    """

    path: str  #: as displayed in reports (relative to the working directory when possible)
    text: str
    norm: str
    encoding: str = "utf-8"  #: the codec the bytes were decoded with
    date: _dt.date | None = None  #: publication date, when known
    variant: str = "hans"  #: "hans" (Simplified) or "hant" (Traditional), by majority of characters
    line_starts: tuple[int, ...] = field(default=(0,), repr=False)  #: offset of each line's first character

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) in code points of an offset into ``text``."""
        index = bisect.bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index] + 1

    def sentence_around(self, start: int, end: int) -> tuple[int, int]:
        """Offsets of the sentence holding ``text[start:end]``: from after the previous
        sentence end to its own end mark included (SENTENCE_END, read on ``norm``)."""
        # bounded both ways: one endless "sentence" must not cost a scan to its ends per number
        lo = max(0, start - SENTENCE_LOOK_BACK)
        mark = max(self.norm.rfind(m, lo, start) for m in SENTENCE_MARKS)
        left = mark + 1 if mark != -1 else lo
        hi = min(len(self.norm), end + SENTENCE_LOOK_BACK)
        m = SENTENCE_END.search(self.norm, end, hi)
        return left, (m.end() if m else hi)

    def sentence_text(self, start: int, end: int) -> tuple[str, int]:
        """The sentence around a span as written (without its line break), and its offset."""
        left, right = self.sentence_around(start, end)
        return self.text[left:right].rstrip("\r\n"), left

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its line break."""
        start = self.line_starts[line - 1]
        end = self.line_starts[line] if line < len(self.line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")


def line_starts_of(text: str) -> tuple[int, ...]:
    """Offsets at which each line of ``text`` begins (line breaks: \\n, \\r\\n, \\r)."""
    starts = [0]
    i = text.find("\n")
    while i != -1:
        starts.append(i + 1)
        i = text.find("\n", i + 1)
    if "\r" in text:  # old Mac line ends: a lone \r also ends a line
        starts = sorted(set(starts) | {i + 1 for i, ch in enumerate(text) if ch == "\r" and text[i + 1 : i + 2] != "\n"})
    return tuple(starts)


@dataclass(frozen=True, slots=True)
class LoadProblem:
    """A file that could not be read; the run goes on without it."""

    path: str
    code: str  #: error code from errors.py, e.g. "E201"
    message: str  #: what is wrong and what to do


# --- extract ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number as written, normalized to an interval in one unit.

    * ``low``/``high``: the stated value or range, in the main unit (4美分 -> 0.04 USD,
      98% -> 98, 四分之一 -> 25).  ``None`` is an open side (超过80% has high None).
      An exact figure has ``low == high``.
    * ``bound``: one of BOUNDS.  ``gt``/``ge`` leave ``high`` None; ``lt``/``le``
      leave ``low`` None, except a bounded range such as 多达5万亿-7万亿 (le, both set).
    * ``unit``: ISO 4217 code (USD, CNY, HKD, TWD, EUR, JPY …), ``date`` (a milestone's
      date: ``low``/``high`` are the first and last day as proleptic ordinals), ``percent``, ``pp``
      (个百分点), ``times`` (倍), ``count`` (with ``classifier``), ``number`` (a bare
      magnitude), or a physical unit symbol (nm, GB, W …).
    * ``classifier``: the measure word of a count as written (张, 塊, 个, 家 …).
    * ``step``: the place value of the last digit written, in ``unit`` (98% -> 1,
      7万亿 -> 1e12, 7.153万亿 -> 1e9, 2.5万-3万 -> 1000); compare widens by it.
    * ``vague``: a vague amount (数十亿, 上千亿, 100多亿) turned into a wide interval.
    * ``per``: the period of a rate, as written after a slash (300万美元/天 -> "天").
    """

    low: Decimal | None
    high: Decimal | None
    bound: str
    unit: str
    classifier: str | None = None
    step: Decimal | None = None
    vague: bool = False
    per: str | None = None

    def is_range(self) -> bool:
        return self.low is not None and self.high is not None and self.low != self.high

    def __reduce__(self):
        # the fields as one tuple: a frozen slots dataclass otherwise pickles through copyreg
        # and a state dict, the most of what sending extracted documents between workers costs
        return (Quantity, (self.low, self.high, self.bound, self.unit, self.classifier, self.step, self.vague,
                           self.per))


@dataclass(frozen=True, slots=True)
class Mention:
    """A quantity found in a document, with the span it was read from."""

    start: int  #: code point offset into Document.text
    end: int
    line: int  #: 1-based
    col: int  #: 1-based, code points
    text: str  #: Document.text[start:end]
    quantity: Quantity

    def __reduce__(self):  # as Quantity.__reduce__
        return (Mention, (self.start, self.end, self.line, self.col, self.text, self.quantity))


# --- attribute ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Claim:
    """A mention attached to what it is about, by a rule.

    Claims with the same ``key`` state the same fact and are compared.
    ``qualifiers`` is a sorted tuple of (name, value) pairs, e.g.
    (("chip", "H100"), ("market", "datacenter-ai")).
    """

    rule: str  #: rule id, "ai-chips.nvidia-share"
    subject: str  #: canonical entity id, "nvidia"
    metric: str  #: metric id, "market-share"
    qualifiers: tuple[tuple[str, str], ...]
    mention: Mention
    path: str  #: the document's path
    sentence: str  #: the sentence as written in Document.text
    sentence_start: int  #: offset of the sentence in Document.text
    time: str | None = None  #: "2023", "2024-12", resolved against the article date
    source: str | None = None  #: attributed source, "富国银行"
    doc_date: _dt.date | None = None
    negated: bool = False  #: the sentence denies the figure: "不会达到1万亿美元" (will not reach it)
    #: how attribution read it: (name, value) pairs such as ("subject", "英伟达 (own clause)"),
    #: ("metric", "市场份额 (1 clause before)"), ("time", "2023 (paragraph)"), ("fuzzy", "p00 → H100")
    #: (not part of what the claim states: equal claims may have been read with other evidence)
    evidence: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    @property
    def key(self) -> tuple:
        return (self.rule, self.subject, self.metric, self.qualifiers)

    def qualifier(self, name: str) -> str | None:
        for k, v in self.qualifiers:
            if k == name:
                return v
        return None


@dataclass(frozen=True, slots=True)
class Explanation:
    """One number of an article as ``factcheck explain`` shows it: its claim (with
    ``Claim.evidence``), or None; and for each rule whose unit fits, why that rule does not
    read the number (or lost it to the claim's rule)."""

    mention: Mention
    path: str
    claim: Claim | None
    reasons: tuple[tuple[str, str], ...]  #: (rule id, why), or ("", why) when no rule is concerned


@dataclass(frozen=True, slots=True)
class Location:
    """A place in an article that a finding points at but that is not a number
    (a name spelled two ways, a garbled model name)."""

    path: str
    start: int
    end: int
    line: int
    col: int
    text: str
    sentence: str = ""


# --- compare ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Finding:
    """What the report shows.  ``kind`` is one of KINDS."""

    kind: str
    severity: str  #: one of SEVERITIES
    rule: str  #: the rule id (or notice id, "notice.garbled-name")
    subject: str
    metric: str
    message: str  #: one line: the verdict and by how much the values miss
    claims: tuple[Claim, ...] = ()
    locations: tuple[Location, ...] = ()  #: non-numeric evidence
    differs: tuple[str, ...] = ()  #: qualifier names that differ (divergence)
    detail: str = ""  #: longer explanation, e.g. the computation of an arithmetic check
    #: index pairs into ``claims`` of claims that cannot both hold (agreeing claims are never paired)
    conflicts: tuple[tuple[int, int], ...] = ()
    omitted: int = 0  #: claims of the finding not listed in ``claims`` (a figure retold many times)
    #: the common slip that explains the disagreement, where the arithmetic fits (checks/causes.py)
    cause: str = ""
    #: pre-publish mode (``check --against``): the archive's side in one line, "contradicts 400
    #: articles (3万-5万张), e.g. a.md:3 (2024-05-01), …, newest first"; ``claims`` are then the
    #: draft's claims and a few of the archive's as examples
    archive: str = ""
    #: the same finding in other articles (a story retold with its slip): the first side of each
    #: repetition, one per article, in path order; ``claims`` and ``locations`` are the first
    #: article's (checks/repeats.py).  Renderers list a few and count the rest.
    repeats: tuple[Location, ...] = ()

    @property
    def occurrences(self) -> int:
        """How many articles the finding stands for: itself and its repeats."""
        return 1 + len(self.repeats)

    def sort_key(self) -> tuple:
        first = self.claims[0].mention if self.claims else (self.locations[0] if self.locations else None)
        path = self.claims[0].path if self.claims else (self.locations[0].path if self.locations else "")
        line = first.line if first else 0
        col = first.col if first else 0
        return (path, line, col, self.kind, self.rule, self.message)


@dataclass(slots=True)
class Report:
    """The result of a check: findings plus what was read."""

    findings: list[Finding]
    documents: int = 0
    claims: int = 0
    mentions: int = 0
    problems: list[LoadProblem] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    #: pre-publish mode: the drafts' paths; alerts are placed on these only
    drafts: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out = {k: 0 for k in KINDS}
        for f in self.findings:
            out[f.kind] += f.occurrences
        return out

    def worst(self) -> str | None:
        ranked = [severity_rank(f.severity) for f in self.findings]
        return SEVERITIES[max(ranked)] if ranked else None
