"""Every name and word of a rule set, matched in one pass: one trie-shaped pattern over
the matching view with spaces removed and ASCII lower-cased.

``terms_for(ruleset)`` builds the ``Terms`` of a rule set once per process and caches
them by ``RuleSet.version`` (the rule set itself carries no cache, so it pickles).
Fuzzy names (``fuzzy: true``) also match their damaged spellings next to a number,
judged by ``checker.names`` (the judgement the garbled-name notice uses too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import CURRENCIES
from ..names import NAME_TOKEN, near_miss
from ..rules import ClaimRule, RuleSet
from ..text import ascii_lower, match_form

@dataclass(frozen=True, slots=True)
class Hit:
    """A name or word found in the text (offsets into Document.text)."""

    start: int
    end: int
    term: str
    fuzzy: bool = False


class Terms:
    """Every entity name, metric word, context word and qualifier word of a rule set,
    compiled into one trie-shaped regular expression."""

    def __init__(self, ruleset: RuleSet):
        self.ruleset = ruleset
        self.entity_of: dict[str, str] = {}
        for ent in ruleset.entities.values():
            for name in ent.match_names:
                self.entity_of[name] = ent.id
        #: (qualifier, term) -> value
        self.qualifier_value: dict[tuple[str, str], str] = {}
        self.qualifier_terms: dict[str, set[str]] = {}
        for q in ruleset.qualifiers.values():
            terms = self.qualifier_terms.setdefault(q.name, set())
            for value, words in q.values:
                for w in words:
                    self.qualifier_value.setdefault((q.name, w), value)
                    terms.add(w)
            for eid in q.entities:
                ent = ruleset.entities[eid]
                for name in ent.match_names:
                    self.qualifier_value.setdefault((q.name, name), ent.names[0])
                    terms.add(name)
        terms: set[str] = set(self.entity_of) | {t for _, t in self.qualifier_value}
        for rule in ruleset.rules:
            terms.update(rule.words, rule.context, rule.exclude, rule.context_any, rule.unless)
        terms.discard("")
        self.terms = frozenset(terms)
        #: every rule's metric words: a metric word inside a longer one (收入 in 广告收入) is the
        #: longer metric's, not its own
        self.metric_words = frozenset(w for rule in ruleset.rules for w in rule.words)
        #: every name of every entity, as matched (a near miss is never one of these)
        self.known = {n for e in ruleset.entities.values() for n in e.match_names}
        #: the longest term at a position; ``scan`` searches again from the next character for
        #: the overlapping ones (a bare alternation lets the regex engine skip to a term's first
        #: character, where a look-ahead would try every position)
        self.pattern = re.compile(_trie(sorted(terms))) if terms else None
        #: fuzzy names: (ASCII name as written upper-cased, entity id)
        self.fuzzy_names = tuple(sorted(n for e in ruleset.entities.values() if e.fuzzy
                                        for n in e.names if n.isascii() and any(c.isdigit() for c in n)))
        self.rules_by_unit: dict[str, list[tuple[int, ClaimRule]]] = {}
        for i, rule in enumerate(ruleset.rules):
            units = dict.fromkeys(c for u in rule.accepted_units for c in (CURRENCIES if u == "money" else (u,)))
            if "count" in units and "number" not in units:
                units["number"] = None  # 3000亿参数: a count written without its measure word
            for u in units:
                self.rules_by_unit.setdefault(u, []).append((i, rule))

    def scan(self, norm: str, start: int = 0, end: int | None = None) -> list[Hit]:
        """Every term in ``norm[start:end]``, overlapping, in order of start (offsets into norm)."""
        if self.pattern is None:
            return []
        compact, where = _compact(norm, start, len(norm) if end is None else end)
        hits = []
        search = self.pattern.search
        m = search(compact)
        while m is not None:
            longest = m.group()
            cs = m.start()
            m = search(compact, cs + 1)
            s = where[cs]
            # the trie gives the longest term here; shorter terms starting here count too
            # (芯片 inside 芯片投入), so each prefix that is a term is a hit of its own
            for k in range(len(longest), 0, -1):
                term = longest[:k]
                if k < len(longest) and term not in self.terms:
                    continue
                e = where[cs + k - 1] + 1
                # an ASCII name must not be part of a longer ASCII word (AMD in AMDX, A100 in A1000)
                if term[0].isascii() and term[0].isalnum() and s > 0 and _is_ascii_alnum(norm[s - 1]):
                    break
                if term[-1].isascii() and term[-1].isalnum() and e < len(norm) and _is_ascii_alnum(norm[e]):
                    continue
                hits.append(Hit(s, e, term))
        return hits

    def fuzzy_hits(self, norm: str, known: set[str], start: int = 0, end: int | None = None) -> list[Hit]:
        """Near misses of fuzzy names (p00 for H100) in ``norm[start:end]``, as hits of that name."""
        if not self.fuzzy_names:
            return []
        out = []
        for m in NAME_TOKEN.finditer(norm, start, len(norm) if end is None else end):
            token = m.group("token")
            if token.lower() in known:
                continue
            name = near_miss(token, self.fuzzy_names)
            if name:
                out.append(Hit(m.start("token"), m.end("token"), match_form(name), fuzzy=True))
        return out


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


#: What matching ignores between the characters of a name (数据中心AI 市场).
BLANKS = re.compile(r"[ \t\u3000]+")


def _compact(norm: str, start: int = 0, end: int | None = None) -> tuple[str, list[int]]:
    """``norm[start:end]`` without spaces and tabs, ASCII lower-cased, with each
    character's offset in ``norm``."""
    end = len(norm) if end is None else end
    piece = norm[start:end]
    if not BLANKS.search(piece):  # the common case: nothing to drop
        return ascii_lower(piece), range(start, end)
    where = [start + i for i, ch in enumerate(piece) if ch != " " and ch != "\t" and ch != "\u3000"]
    compact = ascii_lower(BLANKS.sub("", piece))
    return compact, where


def _trie(words: list[str]) -> str:
    """A regular expression matching any of ``words``, longest first at each position."""
    root: dict = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        ends = "" in node
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if ends else body

    return build(root)


#: Terms built in this process, by rule-set version (a handful of rule sets at most).
_BUILT: dict[str, Terms] = {}


def terms_for(ruleset: RuleSet) -> Terms:
    """The Terms of a rule set, built once per process and rule-set version."""
    if not ruleset.version:
        return Terms(ruleset)  # an ad-hoc rule set with no content hash: nothing to key a cache on
    found = _BUILT.get(ruleset.version)
    if found is None:
        if len(_BUILT) >= 16:
            _BUILT.clear()
        found = _BUILT[ruleset.version] = Terms(ruleset)
    return found


__all__ = ["Hit", "Terms", "terms_for"]
