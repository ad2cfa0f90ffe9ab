"""Notices: what an editor wants pointed out that is not a wrong number.

Each notice has its own id, is a ``notice`` finding at ``warning`` level by
default, and can be switched off or re-levelled (``settings``, or a rule file's
``notices:`` mapping read by :func:`parse_notice_settings`):

* ``notice.garbled-name``: a token shaped like a model name that is no known name
  but a damaged spelling of one (p00, H1O0, Hl00 for H100): "did you mean H100?";
* ``notice.name-variants``: one person or company written two ways in one
  article (阿尔特曼 and 奥尔特曼); not a short form inside the full name (苹果 and 苹果公司),
  not an abbreviation, and not an entity whose kind is no name (a market, a chip: NAMED_KINDS);
* ``notice.range-unit``: a range that drops 万/亿/% from its first number
  (3～5万, 15～30%; GB/T 15835-2011 wants 3万～5万, 15%～30%);
* ``notice.digit-char-mix``: Arabic digits mixed with the numeral characters
  十/百/千 (4千, 1百零8, 3千亿; 2.5万 and 3.14万亿 are the standard's own forms);
* ``notice.digit-width``: full-width and half-width digits in one article;
* ``notice.figure-style``: one figure written two ways in one article (7万亿 and 70000亿);
* ``notice.implausible-value``: a number a rule would read but for its value, outside the
  rule's ``plausible`` range (估值达到5,200美元 for a valuation in 亿): a magnitude or the unit
  is likely missing (see :func:`implausible_notices`).

Matching runs on ``Document.norm`` (full-width folded, Traditional folded to
Simplified, same offsets as ``Document.text``); quotes come from ``Document.text``.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections import defaultdict
from decimal import Decimal
from functools import lru_cache
from typing import Any, Iterable, Mapping, Sequence

from ..amounts import amount_text
from ..model import Claim, Document, Finding, Location, Mention
from ..names import MODEL_NAME, NAME_TOKEN, compact, garbled_target, similarity
from ..rules.notices import (DIGIT_CHAR_MIX, DIGIT_WIDTH, FIGURE_STYLE, GARBLED_NAME, IMPLAUSIBLE_VALUE,
                             NAME_VARIANTS, NOTICE_IDS, RANGE_UNIT, notice_levels)  # noqa: F401 - ids are part of this module's API
from ..rules import RuleSet
from ..text import ascii_lower, normalize

#: At most this many places are listed for one notice.
MAX_LOCATIONS = 20


# --- entry point ----------------------------------------------------------------------------


def find_notices(doc: Document, mentions: Sequence[Mention], known_names: RuleSet | Mapping[str, Sequence[str]], *,
                 settings: Mapping[str, Any] | None = None, prefer: Iterable[str] = ()) -> list[Finding]:
    """Every notice for one document, sorted.

    ``known_names`` is the rule set (its entities' names; an entity marked ``fuzzy`` is
    preferred as the suggestion for a garbled name) or a mapping of entity ids to their
    names; the ids in ``prefer`` are preferred too.  ``settings`` maps notice ids to
    ``off | info | warning | error`` (see :func:`parse_notice_settings`)."""
    levels = notice_levels(settings)
    names, preferred = _known(known_names)
    preferred |= set(prefer)
    if isinstance(known_names, RuleSet):  # spellings are of people and organisations, not of markets or chips
        named = {eid: ns for eid, ns in names.items()
                 if eid not in known_names.entities or known_names.entities[eid].kind in NAMED_KINDS}
    else:
        named = names
    runs = {
        GARBLED_NAME: lambda: _garbled_names(doc, names, preferred),
        NAME_VARIANTS: lambda: _name_variants(doc, named),
        RANGE_UNIT: lambda: _range_units(doc, mentions),
        DIGIT_CHAR_MIX: lambda: _digit_char_mix(doc),
        DIGIT_WIDTH: lambda: _digit_width(doc),
        FIGURE_STYLE: lambda: _figure_styles(doc, mentions),
    }
    findings: list[Finding] = []
    for nid, run in runs.items():
        if levels[nid] == "off":
            continue
        for subject, message, locations, detail in run():
            findings.append(Finding(kind="notice", severity=levels[nid], rule=nid, subject=subject, metric="",
                                    message=message, locations=tuple(locations[:MAX_LOCATIONS]), detail=detail))
    findings.sort(key=Finding.sort_key)
    return findings


def implausible_notices(doc: Document, refused: Sequence[Claim], ruleset: RuleSet, *,
                        settings: Mapping[str, Any] | None = None) -> list[Finding]:
    """``notice.implausible-value`` for each reading a rule's ``plausible`` range refused
    (``refused``: from ``attribute.implausible_claims``)."""
    level = notice_levels(settings)[IMPLAUSIBLE_VALUE]
    if level == "off" or not refused:
        return []
    rules = {r.id: r for r in ruleset.rules}
    out = []
    for claim in refused:
        rule = rules[claim.rule]
        m = claim.mention
        unit = rule.unit if rule.unit != "money" else m.quantity.unit
        low = amount_text(rule.plausible_low, unit) if rule.plausible_low is not None else "…"
        high = amount_text(rule.plausible_high, unit) if rule.plausible_high is not None else "…"
        below = rule.plausible_low is not None and m.quantity.high is not None and m.quantity.high < rule.plausible_low
        likely = "a magnitude (万, 亿) or the unit may be missing" if below else             "a magnitude or the unit may be wrong, or the figure is about something else"
        message = (f"{m.text} read as {rule.label} of {claim.subject} is outside what is plausible for it "
                   f"({low} to {high}): {likely}")
        location = Location(path=doc.path, start=m.start, end=m.end, line=m.line, col=m.col, text=m.text,
                            sentence=claim.sentence)
        out.append(Finding(kind="notice", severity=level, rule=IMPLAUSIBLE_VALUE, subject=claim.subject,
                           metric=rule.metric, message=message, locations=(location,),
                           detail=f"rule {rule.id}: plausible {low} to {high}"))
    return out


#: Name tables built in this process, by rule-set version.
_KNOWN: dict[str, tuple[dict[str, tuple[str, ...]], frozenset[str]]] = {}


def _known(known_names: RuleSet | Mapping[str, Sequence[str]]) -> tuple[dict[str, tuple[str, ...]], set[str]]:
    """Entity id -> names (normalized for matching), and the ids marked fuzzy.  For a rule
    set, computed once per process and rule-set version, not once per article."""
    if isinstance(known_names, RuleSet):
        version = known_names.version
        if version and version in _KNOWN:
            names, preferred = _KNOWN[version]
            return names, set(preferred)
        names = {eid: _matching(e.names) for eid, e in known_names.entities.items()}
        preferred = {eid for eid, e in known_names.entities.items() if e.fuzzy}
        if version:
            _KNOWN[version] = (names, frozenset(preferred))
        return names, preferred
    return {str(eid): _matching([value] if isinstance(value, str) else value)
            for eid, value in known_names.items()}, set()


def _matching(raw: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(normalize(str(n)) for n in raw if str(n).strip()))


def _location(doc: Document, start: int, end: int) -> Location:
    line, col = doc.position(start)
    sentence, _ = doc.sentence_text(start, end)
    return Location(path=doc.path, start=start, end=end, line=line, col=col, text=doc.text[start:end],
                    sentence=sentence)


# --- garbled model names --------------------------------------------------------------------

@lru_cache(maxsize=8)
def _alias_pattern(names: tuple[tuple[str, tuple[str, ...]], ...]):
    """One alternation of every known name, longest first, and the owner of each name;
    built once per set of names."""
    forms = sorted({(n, eid) for eid, ns in names for n in ns}, key=lambda x: (-len(x[0]), x))
    if not forms:
        return None, {}
    owner: dict[str, str] = {}
    for n, eid in forms:
        owner.setdefault(n.lower(), eid)
    return re.compile("|".join(re.escape(ascii_lower(n)) for n, _ in forms)), owner


def _alias_spans(doc: Document, names: Mapping[str, tuple[str, ...]]) -> list[tuple[int, int, str, str]]:
    """Every occurrence of a known name in the matching view: (start, end, entity, name),
    leftmost-longest, Latin names matched without regard to case and not inside a
    longer ASCII word."""
    pattern, owner = _alias_pattern(tuple((eid, ns) for eid, ns in names.items()))
    if pattern is None:
        return []
    spans = []
    # ASCII folded to lower case keeps the length, so spans are offsets into doc.norm; a
    # case-sensitive pattern over it is several times faster than re.IGNORECASE
    for m in pattern.finditer(ascii_lower(doc.norm)):
        s, e = m.span()
        word = doc.norm[s:e]
        if word[0].isascii() and word[0].isalnum() and s > 0 and doc.norm[s - 1].isascii() and doc.norm[s - 1].isalnum():
            continue
        if word[-1].isascii() and word[-1].isalnum() and e < len(doc.norm) and doc.norm[e].isascii() \
                and doc.norm[e].isalnum():
            continue
        spans.append((s, e, owner.get(word.lower(), ""), word))
    return spans


def _garbled_names(doc: Document, names: Mapping[str, tuple[str, ...]], preferred: set[str]):
    models: dict[str, str] = {}  # compact name -> entity
    display: dict[str, str] = {}  # compact name -> the name as the rule set writes it
    for eid, ns in names.items():
        for n in ns:
            if MODEL_NAME.match(n):
                models.setdefault(compact(n), eid)
                display.setdefault(compact(n), n)
    if not models:
        return []
    spans = _alias_spans(doc, names)
    covered = sorted((s, e) for s, e, _, w in spans if " " in w.strip() or "-" in w)
    # a token is covered when a span starting at or before it reaches its end: the running
    # maximum of the ends, found by bisection (linear in a long document, not tokens × spans)
    covered_starts = [cs for cs, _ in covered]
    reach = list(itertools.accumulate((ce for _, ce in covered), max))
    ends = {e: doc.text[s:e] for s, e, _, w in spans if not MODEL_NAME.match(w)}
    found: dict[str, list[tuple[int, int]]] = defaultdict(list)
    targets: dict[str, list[tuple[int, str]]] = {}
    for m in NAME_TOKEN.finditer(doc.norm):
        s, e = m.span("token")
        k = bisect.bisect_right(covered_starts, s)
        if k and reach[k - 1] >= e:
            continue  # part of a known multi-word name ("TPU v5p")
        token = m.group("token")
        spelled = compact(token)
        if spelled in models:
            # a known spelling: garbled only against the other names of its own entity
            # (a rule set may list p00 as a name of H100 so that claims read as H100)
            pool = [c for c, owner in models.items() if owner == models[spelled] and c != spelled]
            if not pool:
                continue
        else:
            pool = list(models)
        if token not in targets:
            hits = garbled_target(token, pool)
            if not hits:
                continue
            best = hits[0][0]
            tied = [name for d, name in hits if d == best]
            tied.sort(key=lambda name: (models[name] not in preferred, display[name]))
            if any(models[name] in preferred for name in tied):
                tied = [name for name in tied if models[name] in preferred]
            targets[token] = [(best, name) for name in tied]
        found[token].append((s, e))
    out = []
    for token, where in found.items():
        suggestions = [display[name] for _, name in targets[token]]
        said = " or ".join(suggestions)
        distance = targets[token][0][0]
        message = f"'{token}' is not a known model name; did you mean {said}?"
        how = "look-alike letters for digits" if distance == 0 else f"{distance} edit{'s' if distance > 1 else ''}"
        detail = f"'{token}' appears {len(where)} time{'s' if len(where) > 1 else ''} in this article ({how} from {said})"
        before = _names_before(doc, where, ends)
        if before:
            detail += f"; it follows {', '.join(before)}"
            alike = [n for n in suggestions if any(_names_before(doc, [(s, e)], ends) == [b] for b in before
                                                   for s, e, _, w in spans if w.upper() == n.upper())]
            if alike:
                detail += f", as {alike[0]} does in this article"
        out.append((models[targets[token][0][1]], message, [_location(doc, s, e) for s, e in where], detail))
    return out


def _names_before(doc: Document, where: Sequence[tuple[int, int]], ends: Mapping[int, str]) -> list[str]:
    """Known names written right before the tokens (英伟达 in 英伟达p00), most frequent first."""
    counts: dict[str, int] = defaultdict(int)
    for s, _ in where:
        k = s
        while k > 0 and doc.norm[k - 1] == " ":
            k -= 1
        if k in ends:
            counts[ends[k]] += 1
    return [w for w, _ in sorted(counts.items(), key=lambda x: -x[1])]


# --- one name written two ways --------------------------------------------------------------

_HAN_NAME = re.compile(r"^[\u3400-\u9fff·•]+$")

#: Entity kinds whose names are names (a person's, an organisation's), so two spellings of one
#: are worth a notice; "" is an entity without a kind.  A market (全球手机, 全球智能手机) or a
#: product line is described, not named: its forms are wordings, not spellings.
NAMED_KINDS = frozenset({"", "person", "company", "investor", "organization", "organisation", "firm",
                         "agency", "institution", "brand", "analyst", "research-firm"})


def _core(name: str) -> str:
    """The part of a transliterated name that varies: the surname of 山姆·奥特曼."""
    return re.split(r"[·•]", name)[-1]


def _name_variants(doc: Document, names: Mapping[str, tuple[str, ...]]):
    han_names = {eid: tuple(n for n in ns if _HAN_NAME.match(n)) for eid, ns in names.items()}
    han_names = {eid: ns for eid, ns in han_names.items() if len(ns) > 1}
    if not han_names:
        return []
    first: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)  # entity -> form -> first span
    for s, e, eid, word in _alias_spans(doc, han_names):
        first[eid].setdefault(word, (s, e))
    out = []
    for eid, forms in first.items():
        cores: dict[str, tuple[int, int]] = {}
        for form, span in sorted(forms.items(), key=lambda x: x[1]):
            cores.setdefault(_core(form), span)
        if len(cores) < 2:
            continue
        # keep the cores that are spellings of one another (奥特曼/奥尔特曼/阿尔特曼), not an
        # abbreviation beside a full name (台积电/台湾积体电路制造), nor a short form inside the
        # long one (苹果/苹果公司, 腾讯/腾讯控股, 三星/三星电子: the usual second mention)
        similar = [c for c in cores if any(c != d and c not in d and d not in c
                                           and similarity(c, d) >= 0.5 for d in cores)]
        if len(similar) < 2:
            continue
        spans = sorted(cores[c] for c in similar)
        quoted = " and ".join(f"'{doc.text[s:e]}'" for s, e in spans)
        message = f"{quoted} name the same {eid} in one article; use one spelling"
        detail = "first occurrences: " + "; ".join(
            f"'{doc.text[s:e]}' at line {doc.position(s)[0]}" for s, e in spans)
        out.append((eid, message, [_location(doc, s, e) for s, e in spans], detail))
    return out


# --- number style (GB/T 15835-2011) ---------------------------------------------------------

# A range whose first number lacks the magnitude or percent its second number has.
# Accepted (fires): "3～5万", "3-5万张", "15～30%", "9至16亿", "3~5万亿".
# Not: "3万～5万", "2.5万-3万", "15%～30%", "25000到30000".
_RANGE_UNIT = re.compile(
    r"(?P<first>\d[\d,]*(?:\.\d+)?)\s*(?P<first_unit>万亿|亿|万|千|%|‰)?\s*"
    r"(?P<sep>[-~～—–至到])\s*"
    r"(?P<second>\d[\d,]*(?:\.\d+)?)\s*(?P<second_unit>万亿|亿|万|%|‰)")


def _range_units(doc: Document, mentions: Sequence[Mention]):
    out = []
    for m in mentions:
        if not m.quantity.is_range():
            continue
        found = _RANGE_UNIT.search(doc.norm, m.start, m.end)
        if not found or found.group("first_unit"):
            continue
        unit = found.group("second_unit")
        written = doc.text[found.start():found.end()]
        fixed = f"{found.group('first')}{unit}{doc.text[found.start('sep'):found.end('sep')]}" \
                f"{found.group('second')}{unit}"
        message = f"range '{written}' drops '{unit}' from its first number; write '{fixed}'"
        detail = (f"GB/T 15835-2011: the magnitude or percent sign must appear on both ends of a range; "
                  f"'{written}' can be read as {found.group('first')} to {found.group('second')}{unit}")
        out.append(("", message, [_location(doc, found.start(), found.end())], detail))
    return out


# Arabic digits mixed with the numeral characters 十/百/千 (not metric prefixes such
# as 千克, 千米, 千瓦, 千兆).  Accepted (fires): "4千", "1百零8", "3千亿", "5十".
# Not: "2.5万", "3.14万亿", "10亿零817万5288" (万/亿 are allowed units), "5千克".
_DIGIT_CHAR_MIX = re.compile(
    r"(?<![A-Za-z0-9.])(?P<run>\d+(?:\.\d+)?\s*[十百千](?!克|米|瓦|焦|卡|帕|字节|兆|赫)"
    r"[零〇一二两三四五六七八九十百千万亿\d]*)"
    r"|(?P<zero>[十百千]零\d+)")


def _digit_char_mix(doc: Document):
    out = []
    for m in _DIGIT_CHAR_MIX.finditer(doc.norm):
        s, e = m.span()
        written = doc.text[s:e]
        message = f"'{written}' mixes Arabic digits with numeral characters"
        detail = ("GB/T 15835-2011: write a number either in Arabic digits (万/亿 may stand as units: 2.5万, "
                  "3.14万亿) or in Chinese numerals, not mixed with 十/百/千 (4千 -> 4000 or 四千; "
                  "1百零8 -> 108 or 一百零八)")
        out.append(("", message, [_location(doc, s, e)], detail))
    return out


# Digit runs, half-width and full-width, that are numbers rather than parts of
# names (H100 and GPT-4 keep their digits whatever the article's style).
_HALF_DIGITS = re.compile(r"(?<![A-Za-z])[0-9]+(?![A-Za-z])")
_FULL_DIGITS = re.compile(r"(?<![Ａ-Ｚａ-ｚ])[０-９]+(?![Ａ-Ｚａ-ｚ])")


def _digit_width(doc: Document):
    # skipped regions (Markdown code, URLs) are blank in the matching view
    half = [m.span() for m in _HALF_DIGITS.finditer(doc.text) if not doc.norm[m.start():m.end()].isspace()]
    full = [m.span() for m in _FULL_DIGITS.finditer(doc.text) if not doc.norm[m.start():m.end()].isspace()]
    if not half or not full:
        return []
    minority, style, other = (full, "full-width", "half-width") if len(full) <= len(half) else \
        (half, "half-width", "full-width")
    first = doc.text[minority[0][0]:minority[0][1]]
    message = f"digits are written both half-width and full-width; {len(minority)} {style} number" \
              f"{'s' if len(minority) > 1 else ''} (first: '{first}') among {other} ones"
    detail = f"{len(half)} half-width and {len(full)} full-width digit runs; use one width in an article"
    return [("", message, [_location(doc, s, e) for s, e in minority], detail)]


# How a large figure is written: the magnitude words it uses, and whether its
# digits are Chinese numerals.  7万亿 -> "万亿"; 70000亿 -> "亿"; 25000 -> "".
_MAGNITUDE_WORDS = re.compile(r"万亿|亿|万|千|百")
_HAN_NUMERALS = re.compile(r"[零〇一二两三四五六七八九十]")
#: Figures below this are left alone (三家 and 3家 are a matter of R4 context).
FIGURE_STYLE_MIN = Decimal(10000)


def _figure_style(doc: Document, m: Mention) -> str:
    text = doc.norm[m.start:m.end]
    return "".join(_MAGNITUDE_WORDS.findall(text)) + ("/han" if _HAN_NUMERALS.search(text) else "")


def _figure_styles(doc: Document, mentions: Sequence[Mention]):
    groups: dict[tuple, dict[str, Mention]] = defaultdict(dict)
    ordered = sorted(mentions, key=lambda m: m.start)
    for prev, m in zip([None] + ordered[:-1], ordered):
        q = m.quantity
        if q.low is None or q.low != q.high or abs(q.low) < FIGURE_STYLE_MIN or "分之" in doc.norm[m.start:m.end]:
            continue
        if prev is not None and re.match(r"^\s*\(\s*\S{0,6}$", doc.norm[prev.end:m.start]):
            continue  # a restatement in parentheses is written another way on purpose
        groups[(q.low, q.unit)].setdefault(_figure_style(doc, m), m)
    out = []
    for (value, unit), styles in groups.items():
        if len(styles) < 2:
            continue
        firsts = sorted(styles.values(), key=lambda m: m.start)
        quoted = " and ".join(f"'{m.text}'" for m in firsts)
        message = f"the same figure is written {len(firsts)} ways in one article: {quoted}"
        detail = f"all are {value.normalize():f} {unit}; write a figure the same way throughout an article " \
                 f"(GB/T 15835-2011 asks for one style in one context)"
        out.append(("", message, [_location(doc, m.start, m.end) for m in firsts], detail))
    return out
