"""The interval chart of a disputed claim: every article's value on one number line.

A written number is an interval (``checker.interval.interval``, the one definition), so
whether 98% and 超过80% can both hold, or 3万-5万张 and 10萬張, is seen at once:

* ``claim_intervals``: the interval each claim of a finding allows under its rule's
  tolerance (``tolerances``: rule id -> (tolerance, relative); a rule not named has none).
  A claim that denies a figure (不会达到1万亿美元) allows the values below it.
* ``agreement``: clusters of claims whose intervals overlap (they agree) and the pairs of
  claims that cannot both hold.  It reads ``Finding.conflicts`` (index pairs into the
  claims) where the finding lists any; otherwise the pairs are computed here, one per
  pair of neighbouring clusters on the line.
* ``Scale``: linear, or logarithmic when the values span two orders of magnitude or more.
* ``svg``: the chart as a self-contained SVG (no script, no external reference): one bar
  per claim, a tick at a closed end, a hollow circle at an open end, an arrow where a
  bound leaves the side open (超过 …), hatching for an approximation (约, 数十亿), the
  clusters in colours, each conflict as a red band over the gap it leaves, the unit and
  the scale on the axis.  Deterministic: the same finding gives the same bytes.
* ``text_rows``: the same line in Unicode block characters, for the terminal.

Geometry uses floats (pixels); the values stay Decimal until they are placed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping, Sequence

from ..amounts import amount_text, interval_text, number_text, unit_suffix
from ..display import display
from ..interval import INF, Interval, interval
from ..model import Claim, Finding, Quantity

#: rule id -> (tolerance, relative), as a claim rule sets them.
Tolerances = Mapping[str, tuple[Decimal, bool]]

#: Colours of the clusters, in order along the line (lowest first); the conflict is red.
PALETTE = ("#2563eb", "#d97706", "#7c3aed", "#0d9488", "#db2777", "#4d7c0f")
CONFLICT = "#dc2626"
#: Bars drawn one by one; a finding over a large archive has more (the rest are counted).
MAX_ROWS = 14
#: A span of values at least this wide (max / min) is drawn on a log scale.
LOG_SPAN = 100

WIDTH, LABEL_W, RIGHT_W, ROW_H, TOP, AXIS_H = 680, 230, 24, 24, 10, 44


# --- intervals and clusters --------------------------------------------------------------


def claim_interval(claim: Claim, tolerances: Tolerances | None = None) -> Interval:
    """The values a claim allows (``checker.interval.interval`` with its rule's tolerance);
    for a denial (不会达到1万亿美元), the values below the figure."""
    q = claim.mention.quantity
    if claim.negated:
        figure = q.low if q.low is not None else q.high
        q = Quantity(None, figure, "lt", q.unit, q.classifier, q.step)
    tolerance, relative = (tolerances or {}).get(claim.rule, (Decimal(0), False))
    return interval(q, tolerance=tolerance, relative=relative)


def claim_intervals(finding: Finding, tolerances: Tolerances | None = None) -> list[Interval]:
    return [claim_interval(c, tolerances) for c in finding.claims]


@dataclass(frozen=True, slots=True)
class Agreement:
    """``cluster[i]``: the cluster of claim i (0 is the lowest on the line); ``conflicts``:
    pairs (i, j) of claims that cannot both hold."""

    cluster: tuple[int, ...]
    conflicts: tuple[tuple[int, int], ...]

    @property
    def clusters(self) -> int:
        return max(self.cluster, default=-1) + 1


def _touch(a: Interval, b: Interval) -> bool:
    return a.overlaps(b)


def agreement(finding: Finding, intervals: Sequence[Interval]) -> Agreement:
    """Clusters of overlapping intervals (a sweep along the line: O(n log n)) and the
    conflicting pairs: ``finding.conflicts`` where the finding carries it, else one pair
    per two neighbouring clusters (the highest-ending claim of the lower cluster against
    the lowest-starting claim of the upper one)."""
    order = sorted(range(len(intervals)), key=lambda i: (intervals[i].lo, intervals[i].lo_open, intervals[i].hi, i))
    cluster = [0] * len(intervals)
    groups: list[list[int]] = []
    reach: int | None = None  # the member of the current cluster that ends highest
    for i in order:
        iv = intervals[i]
        if reach is not None and _touch(intervals[reach], iv):
            groups[-1].append(i)
            if (iv.hi, not iv.hi_open) > (intervals[reach].hi, not intervals[reach].hi_open):
                reach = i
        else:
            groups.append([i])
            reach = i
        cluster[i] = len(groups) - 1
    given = getattr(finding, "conflicts", None)
    if given:  # a finding built without them (an empty tuple) gets the computed pairs
        n = len(intervals)
        pairs = tuple(sorted({(min(i, j), max(i, j)) for i, j in given if 0 <= i < n and 0 <= j < n and i != j}))
        return Agreement(tuple(cluster), pairs)
    pairs = []
    for lower, upper in zip(groups, groups[1:]):
        top = max(lower, key=lambda i: (intervals[i].hi, not intervals[i].hi_open, -i))
        bottom = min(upper, key=lambda i: (intervals[i].lo, intervals[i].lo_open, i))
        pairs.append((min(top, bottom), max(top, bottom)))
    return Agreement(tuple(cluster), tuple(pairs))


def charted(finding: Finding) -> bool:
    """Whether a finding gets a number line: a comparison of claims of one unit (an
    arithmetic error relates different quantities; it shows its computation instead)."""
    if finding.kind not in ("contradiction", "divergence", "consistent") or len(finding.claims) < 2:
        return False
    return len({(c.mention.quantity.unit, c.mention.quantity.per) for c in finding.claims}) == 1


# --- the scale -----------------------------------------------------------------------------


def _nice(step: Decimal) -> Decimal:
    """The round step (1, 2 or 5 × 10^k) at or above ``step``."""
    exp = step.adjusted()
    base = Decimal(1).scaleb(exp)
    for m in (1, 2, 5, 10):
        if base * m >= step:
            return (base * m).normalize()
    return (base * 10).normalize()


class Scale:
    """Values -> x pixels over [x0, x1]; log when the finite positive values span two
    orders of magnitude or more."""

    def __init__(self, intervals: Sequence[Interval], x0: float, x1: float):
        percent = bool(intervals) and all(iv.unit == "percent" for iv in intervals)
        finite = sorted({v for iv in intervals for v in (iv.lo, iv.hi) if v.is_finite()})
        if not finite:
            finite = [Decimal(0), Decimal(1)]
        lo, hi = finite[0], finite[-1]
        positive = [v for v in finite if v > 0]
        self.log = bool(positive) and positive[0] > 0 and positive[-1] / positive[0] >= LOG_SPAN
        self.x0, self.x1 = x0, x1
        if self.log:
            self.lo = Decimal(math.floor(math.log10(positive[0]) * 4) / 4)
            self.hi = Decimal(math.ceil(math.log10(positive[-1]) * 4) / 4)
            if self.hi == self.lo:
                self.hi += 1
        else:
            if hi == lo:
                pad = abs(hi) / 10 if hi else Decimal(1)
            else:
                pad = (hi - lo) / 12
            self.lo, self.hi = lo - pad, hi + pad
            if lo >= 0 and self.lo < 0:
                self.lo = Decimal(0)
            if percent and hi <= 100 < self.hi:  # a share ends at 100%
                self.hi = Decimal(100)

    def x(self, value: Decimal) -> float:
        """The pixel of a value; an infinite or out-of-range value sits at an edge."""
        if value == INF or (not value.is_finite() and value > 0):
            return self.x1
        if not value.is_finite():
            return self.x0
        if self.log:
            if value <= 0:
                return self.x0
            t = (math.log10(value) - float(self.lo)) / float(self.hi - self.lo)
        else:
            t = float((value - self.lo) / (self.hi - self.lo))
        return self.x0 + max(0.0, min(1.0, t)) * (self.x1 - self.x0)

    def ticks(self) -> list[Decimal]:
        if self.log:
            first, last = math.ceil(float(self.lo)), math.floor(float(self.hi))
            out = [Decimal(10) ** k for k in range(first, last + 1)]
            if len(out) < 3:  # a short span: 2 and 5 between the powers of ten too
                out = sorted({Decimal(m) * Decimal(10) ** k for k in range(first - 1, last + 1) for m in (1, 2, 5)
                              if 10 ** self.lo <= Decimal(m) * Decimal(10) ** k <= 10 ** self.hi})
            return out
        step = _nice((self.hi - self.lo) / 5)
        start = (self.lo / step).to_integral_value(rounding="ROUND_CEILING") * step
        out, v = [], start
        while v <= self.hi and len(out) < 12:
            out.append(v.normalize() if v else Decimal(0))
            v += step
        return out

    @property
    def name(self) -> str:
        return "log scale" if self.log else "linear scale"


# --- SVG ---------------------------------------------------------------------------------


def xml(text: str) -> str:
    """Text made inert inside SVG/HTML text and attribute values; control, bidi and
    undecodable characters (which XML cannot hold) in display form."""
    text = display(text, keep="\n\r\t")
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("'", "&#39;"))


def _cells(text: str) -> float:
    """Width of text in em: CJK and full-width characters 1, the rest about 0.56."""
    return sum(1.0 if ord(ch) > 0x2E7F else 0.56 for ch in text)


def _fit(text: str, em: float) -> str:
    if _cells(text) <= em:
        return text
    out, used = [], 1.0
    for ch in text:
        w = _cells(ch)
        if used + w > em:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def short_path(path: str) -> str:
    """A path shortened for a chart label: its file name, up to the first underscore
    when the rest is a hash (seeds/000_4d0a8a5e.txt -> 000)."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0]
    head, _, tail = stem.partition("_")
    if head and tail and len(tail) >= 8 and all(c in "0123456789abcdef" for c in tail.lower()):
        return head
    return stem


def _f(v: float) -> str:
    return f"{v:.1f}"


def _approx(claim: Claim) -> bool:
    q = claim.mention.quantity
    return q.bound == "approx" or q.vague


def rows_of(finding: Finding) -> list[int]:
    """The claims drawn, by position on the line order of the finding (at most MAX_ROWS)."""
    return list(range(len(finding.claims)))[:MAX_ROWS]


def svg(finding: Finding, *, tolerances: Tolerances | None = None, ident: str = "c") -> str:
    """The chart of ``finding`` as an ``<svg>`` element (empty string for a finding without
    claims).  ``ident`` prefixes the ids inside it, so several charts can share a page."""
    claims = finding.claims
    if not claims:
        return ""
    ivs = claim_intervals(finding, tolerances)
    agree = agreement(finding, ivs)
    shown = rows_of(finding)
    x0, x1 = LABEL_W + 8, WIDTH - RIGHT_W
    scale = Scale([ivs[i] for i in shown], x0, x1)
    height = TOP + ROW_H * len(shown) + AXIS_H + (16 if len(claims) > len(shown) else 0)
    unit, classifier = claims[0].mention.quantity.unit, claims[0].mention.quantity.classifier
    suffix = unit_suffix(unit, classifier).strip() or unit
    title = f"{finding.subject} {finding.metric}: {len(claims)} claims, {agree.clusters} cluster" \
            f"{'' if agree.clusters == 1 else 's'}, {len(agree.conflicts)} conflict" \
            f"{'' if len(agree.conflicts) == 1 else 's'}"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
           f'width="{WIDTH}" height="{height}" role="img" aria-label="{xml(title)}" '
           f'font-family="system-ui, sans-serif" font-size="12">',
           f"<title>{xml(title)}</title>", "<defs>"]
    for k in range(agree.clusters):
        colour = PALETTE[k % len(PALETTE)]
        out.append(f'<pattern id="{ident}-h{k}" width="6" height="6" patternUnits="userSpaceOnUse" '
                   f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{colour}" fill-opacity="0.18"/>'
                   f'<line x1="0" y1="0" x2="0" y2="6" stroke="{colour}" stroke-width="3"/></pattern>')
    out.append("</defs>")
    bottom = TOP + ROW_H * len(shown)
    # the conflicts: a red band over the gap between two claims that cannot both hold
    for i, j in agree.conflicts:
        a, b = sorted((ivs[i], ivs[j]), key=lambda iv: (iv.lo, iv.hi))
        if a.hi <= b.lo:
            left, right = scale.x(a.hi), scale.x(b.lo)
            if right - left < 2:
                left, right = left - 1, right + 1
            out.append(f'<rect class="conflict" x="{_f(left)}" y="{TOP - 4}" width="{_f(right - left)}" '
                       f'height="{bottom - TOP + 8}" fill="{CONFLICT}" fill-opacity="0.10" stroke="{CONFLICT}" '
                       f'stroke-dasharray="4 3"><title>conflict: {xml(interval_text(a, unit, classifier))} and '
                       f'{xml(interval_text(b, unit, classifier))} cannot both hold</title></rect>')
    for row, i in enumerate(shown):
        claim, iv = claims[i], ivs[i]
        k = agree.cluster[i]
        colour = PALETTE[k % len(PALETTE)]
        y = TOP + row * ROW_H + ROW_H / 2
        label = _fit(f"{short_path(claim.path)}:{claim.mention.line}  {' '.join(claim.mention.text.split())}",
                     (LABEL_W - 6) / 12)
        out.append(f'<text x="{LABEL_W}" y="{_f(y + 4)}" text-anchor="end" fill="#111">{xml(label)}</text>')
        left, right = scale.x(iv.lo), scale.x(iv.hi)
        if right - left < 3:
            mid = (left + right) / 2
            left, right = mid - 1.5, mid + 1.5
        fill = f"url(#{ident}-h{k})" if _approx(claim) else colour
        opacity = "" if _approx(claim) else ' fill-opacity="0.85"'
        tip = f"{claim.path}:{claim.mention.line}:{claim.mention.col} {claim.mention.text} → " \
              f"{_interval_shown(iv, unit, classifier)}{' (denied)' if claim.negated else ''}"
        out.append(f'<g class="bar" data-claim="{i}" data-cluster="{k}"><title>{xml(tip)}</title>'
                   f'<rect x="{_f(left)}" y="{_f(y - 6)}" width="{_f(right - left)}" height="12" fill="{fill}"'
                   f'{opacity} stroke="{colour}"/>')
        for end, value, is_open in ((left, iv.lo, iv.lo_open), (right, iv.hi, iv.hi_open)):
            if not value.is_finite() or (scale.log and end == left and value <= 0):  # 0 runs off a log scale
                d = 1 if end == right else -1
                out.append(f'<path d="M{_f(end)} {_f(y - 8)} L{_f(end + 8 * d)} {_f(y)} L{_f(end)} {_f(y + 8)} Z" '
                           f'fill="{colour}"/>')
            elif is_open:
                out.append(f'<circle cx="{_f(end)}" cy="{_f(y)}" r="4" fill="#fff" stroke="{colour}" '
                           f'stroke-width="2"/>')
            else:
                out.append(f'<line x1="{_f(end)}" y1="{_f(y - 8)}" x2="{_f(end)}" y2="{_f(y + 8)}" '
                           f'stroke="{colour}" stroke-width="2"/>')
        out.append("</g>")
    # the axis: ticks with amounts, the unit and the scale
    out.append(f'<line x1="{x0}" y1="{bottom + 4}" x2="{x1}" y2="{bottom + 4}" stroke="#555"/>')
    for value in scale.ticks():
        x = scale.x(value)
        out.append(f'<line x1="{_f(x)}" y1="{bottom + 4}" x2="{_f(x)}" y2="{bottom + 9}" stroke="#555"/>'
                   f'<text x="{_f(x)}" y="{bottom + 21}" text-anchor="middle" fill="#333">'
                   f'{xml(number_text(value))}</text>')
    out.append(f'<text x="{x1}" y="{bottom + 38}" text-anchor="end" fill="#555">unit: {xml(suffix)} · '
               f'{scale.name}</text>')
    if len(claims) > len(shown):
        out.append(f'<text x="{x0}" y="{bottom + 54}" fill="#555">and {len(claims) - len(shown):,} more claims '
                   f'not drawn</text>')
    out.append("</svg>")
    return "".join(out)


def _interval_shown(iv: Interval, unit: str, classifier: str | None) -> str:
    """"[4.5万张, 5.5万张)", "(80%, 100%]" — the ends as the interval definition has them."""
    def end(value: Decimal) -> str:
        return amount_text(value, unit, classifier) if value.is_finite() else number_text(value)
    return f"{'(' if iv.lo_open or not iv.lo.is_finite() else '['}{end(iv.lo)}, {end(iv.hi)}" \
           f"{')' if iv.hi_open or not iv.hi.is_finite() else ']'}"


# --- the terminal line -------------------------------------------------------------------

#: Block characters of the clusters on a terminal line (colour tells them apart too).
BLOCKS = ("█", "▓", "▒", "░")


def text_rows(finding: Finding, *, width: int = 36, tolerances: Tolerances | None = None
              ) -> list[tuple[str, str, int]]:
    """The chart as terminal lines: (label, bar, cluster) per claim drawn, then a line
    of conflict marks (``×`` over each gap; cluster -1) and the axis (cluster -2).
    Every character of a bar takes one cell."""
    claims = finding.claims
    if not claims:
        return []
    ivs = claim_intervals(finding, tolerances)
    agree = agreement(finding, ivs)
    shown = rows_of(finding)
    scale = Scale([ivs[i] for i in shown], 0.0, float(width - 1))

    def cell(v: Decimal) -> int:
        return int(round(scale.x(v)))

    rows = []
    for i in shown:
        claim, iv = claims[i], ivs[i]
        k = agree.cluster[i]
        left, right = cell(iv.lo), cell(iv.hi)
        line = ["·"] * width
        for c in range(left, right + 1):
            line[c] = BLOCKS[k % len(BLOCKS)]
        if not iv.hi.is_finite():
            line[width - 1] = "▶"
        if not iv.lo.is_finite() or (scale.log and iv.lo <= 0):
            line[0] = "◀"
        rows.append((" ".join(claim.mention.text.split()), "".join(line), k))
    marks = [" "] * width
    for i, j in agree.conflicts:
        a, b = sorted((ivs[i], ivs[j]), key=lambda iv: (iv.lo, iv.hi))
        if a.hi <= b.lo:
            for c in range(cell(a.hi), cell(b.lo) + 1):
                marks[c] = "×"
    if agree.conflicts:
        rows.append(("conflict", "".join(marks), -1))
    unit, classifier = claims[0].mention.quantity.unit, claims[0].mention.quantity.classifier
    finite = sorted(v for i in shown for v in (ivs[i].lo, ivs[i].hi) if v.is_finite() and (v > 0 or not scale.log))
    axis = ""
    if finite:
        lo_text, hi_text = number_text(finite[0]), number_text(finite[-1])
        start = min(cell(finite[0]), width - len(lo_text) - len(hi_text) - 1)
        axis = " " * max(0, start) + lo_text
        axis += " " * max(1, cell(finite[-1]) + 1 - len(hi_text) - len(axis)) + hi_text
    rows.append((f"{unit_suffix(unit, classifier).strip() or unit}, {scale.name}", axis, -2))
    return rows


__all__ = ["Agreement", "CONFLICT", "charted", "MAX_ROWS", "PALETTE", "Scale", "Tolerances", "agreement", "claim_interval",
           "claim_intervals", "short_path", "svg", "text_rows", "xml"]
