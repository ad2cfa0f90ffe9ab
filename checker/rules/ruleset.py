"""The rule set as plain typed data: entities, qualifiers, claim rules, arithmetic checks
and notice levels.

Nothing here holds a cache or a compiled matcher of its own making: whoever needs a
derived index (attribution's term pattern, the notices' name table) builds it from the
rule set and caches it by ``RuleSet.version``, the content hash of the rule files (and
of any configuration that changed them).  So a ``RuleSet`` pickles as it is, for worker
processes started with ``spawn`` or ``forkserver``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Mapping

from ..interval import is_money
from ..model import DEFAULT_SEVERITY, Claim
from .formula import Formula

#: Built-in qualifiers: their values are computed, not listed in a file.
#: ``period``: the time a claim is about (2023年, 2024年第一季度, 去年 against the article's date).
#: ``currency``: added automatically to rules whose unit is ``money``.
#: ``source``: who the sentence attributes the figure to (据IDC统计).
BUILTIN_QUALIFIERS = ("period", "currency", "source")


@dataclass(frozen=True, slots=True)
class Entity:
    """Something claims are about: a company, a person, a chip, a model."""

    id: str
    names: tuple[str, ...]  #: as written in the file
    match_names: tuple[str, ...]  #: normalized (Simplified, full-width folded) for matching on Document.norm
    kind: str = ""
    fuzzy: bool = False  #: near-miss spellings next to a number read as this entity (p00 -> H100)
    path: str = ""
    line: int = 0
    origin: str = "user"  #: "shipped" (the tool's rule set) or "user"
    extended_by: tuple[str, ...] = ()  #: "path:line" of the user definitions that added to it


@dataclass(frozen=True, slots=True)
class Qualifier:
    """A dimension that splits one metric into separate facts, with its values
    and the words that select each value (first listed value wins in a clause)."""

    name: str
    values: tuple[tuple[str, tuple[str, ...]], ...]  #: (value, normalized words)
    entities: tuple[str, ...] = ()  #: values that are entities (their names select them)
    default: str | None = None
    path: str = ""
    line: int = 0
    origin: str = "user"  #: "shipped" or "user"
    extended_by: tuple[str, ...] = ()  #: "path:line" of the user definitions that added to it


@dataclass(frozen=True, slots=True)
class Example:
    """A sentence a rule must (or must not) read, with the value it must give."""

    text: str
    value: str | None
    match: bool
    qualifiers: tuple[tuple[str, str], ...]
    subject: str | None
    path: str
    line: int


@dataclass(frozen=True, slots=True)
class ClaimRule:
    """One kind of fact: a subject, metric words, the unit the value must have,
    the qualifiers that split it and the tolerance for comparing."""

    id: str  #: full id, "<file name>.<id>"
    subjects: tuple[str, ...]  #: entity ids; the first is used when subject_optional and none is named
    subject_optional: bool
    metric: str
    label: str
    words: tuple[str, ...]  #: normalized metric words
    patterns: tuple[Any, ...]  #: compiled regex patterns (metric patterns)
    context: tuple[str, ...]  #: normalized words that must all occur in the sentence
    exclude: tuple[str, ...]  #: normalized words that, in the number's clause, veto the rule
    unit: str  #: the first of ``units``
    classifiers: tuple[str, ...]  #: normalized measure words accepted for a count
    qualifiers: tuple[str, ...]  #: split into facts shown side by side (divergence)
    separate: tuple[str, ...]  #: split into facts that are never compared
    require: tuple[str, ...]  #: qualifiers that must be found for the rule to apply
    tolerance: Decimal
    tolerance_relative: bool  #: tolerance is a fraction of the value ("5%" -> 0.05)
    range_low: Decimal | None
    range_high: Decimal | None
    examples: tuple[Example, ...]
    path: str
    line: int
    #: the fact does not change over time (a chip's transistor count, a past round's size):
    #: time never separates its claims
    timeless: bool = False
    #: days within which two claims known only by their articles' dates (as-of) are compared
    window_days: int | None = None
    units: tuple[str, ...] = ()  #: every unit accepted (``unit: [count, number]``); () means (unit,)
    context_any: tuple[str, ...] = ()  #: normalized words of which one must occur in the sentence
    unless: tuple[str, ...] = ()  #: normalized words that, anywhere in the sentence, veto the rule
    subject_each: bool = False  #: ``subject: {each: [...]}``: read as one rule per subject
    plausible_low: Decimal | None = None  #: values outside [plausible_low, plausible_high] become a notice
    plausible_high: Decimal | None = None
    priority: int = 0  #: among rules that read one number, the higher priority wins
    origin: str = "user"  #: "shipped" or "user"
    extended_by: tuple[str, ...] = ()  #: "path:line" of the extensions applied to it
    replaces: str = ""  #: "path:line" of the shipped rule this one overrides

    @property
    def accepted_units(self) -> tuple[str, ...]:
        return self.units or (self.unit,)

    @property
    def has_plausible(self) -> bool:
        return self.plausible_low is not None or self.plausible_high is not None

    def plausible(self, low: Decimal | None, high: Decimal | None) -> bool:
        """True when a value [low, high] lies inside the rule's ``plausible`` range (or it has none)."""
        if self.plausible_low is not None and high is not None and high < self.plausible_low:
            return False
        if self.plausible_high is not None and low is not None and low > self.plausible_high:
            return False
        return True

    @property
    def all_qualifiers(self) -> tuple[str, ...]:
        return self.qualifiers + self.separate

    def accepts_unit(self, unit: str) -> bool:
        return any(is_money(unit) if u == "money" else unit == u for u in self.accepted_units)


@dataclass(frozen=True, slots=True)
class Variable:
    """Which claims a formula variable of an arithmetic check stands for."""

    name: str
    rule: str  #: claim rule id, "ai-chips.meta-h100-count"
    subject: str | None = None  #: only claims about this entity
    qualifiers: tuple[tuple[str, str], ...] = ()  #: only claims with these qualifier values
    scope: str | None = None  #: overrides the check's scope for this variable

    def matches(self, claim: Claim) -> bool:
        if claim.rule != self.rule:
            return False
        if self.subject is not None and claim.subject != self.subject:
            return False
        return all(claim.qualifier(k) == v for k, v in self.qualifiers)


@dataclass(frozen=True, slots=True)
class Check:
    """An arithmetic check from a rule file's ``checks:`` list."""

    id: str
    formula: Formula
    variables: Mapping[str, Variable]
    scope: str = "article"
    tolerance: Decimal = Decimal(0)  #: extra relative tolerance for ≈ and =, beyond the precision
    level: str = DEFAULT_SEVERITY["arithmetic"]
    description: str = ""
    subject: str = ""
    metric: str = ""
    source_path: str | None = None
    line: int | None = None

    @property
    def rules(self) -> frozenset[str]:
        """The claim rules this check reads."""
        return frozenset(v.rule for v in self.variables.values())

    @property
    def corpus_wide(self) -> bool:
        """True when a variable may come from another article (``scope: corpus``)."""
        return self.scope == "corpus" or any(v.scope == "corpus" for v in self.variables.values())


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Every entity, qualifier, claim rule and check loaded, with a content hash.

    ``version`` identifies the content: two rule sets with the same version read every
    article the same way (derived indexes are cached by it)."""

    entities: Mapping[str, Entity]
    qualifiers: Mapping[str, Qualifier]
    rules: tuple[ClaimRule, ...]
    files: tuple[str, ...]
    version: str
    checks: tuple[Check, ...] = ()
    notice_levels: Mapping[str, str] = field(default_factory=dict)  #: notice id -> level (``notices:``)
    skipped: tuple[str, ...] = ()  #: "path: why" for YAML files in a rules folder that are not rule files
    disabled: tuple[str, ...] = ()  #: ids of the rules a ``disable:`` list switched off

    def rule(self, rule_id: str) -> ClaimRule | None:
        """The claim rule with this id (a linear search: callers that look up many keep a dict)."""
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        return None


__all__ = ["BUILTIN_QUALIFIERS", "Check", "ClaimRule", "Entity", "Example", "Qualifier", "RuleSet", "Variable"]
