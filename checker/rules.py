"""Rule files (YAML, written by editors) -> a validated RuleSet.

A rule file names entities with every name they go by, reusable qualifiers
(words that split one metric into separate facts: market, model, chip …) and
claim rules (subject + metric words + the unit the value must have).  The format
is documented in docs/rules.md.

Everything an editor can get wrong is reported as a RuleFileError with the file,
the line and what to change; a rule file never causes a traceback.  Strings are
normalized with ``checker.load.normalize`` when loaded (full-width folded,
Traditional -> Simplified), because matching runs on ``Document.norm``; a name
written only in Traditional (輝達) therefore still matches.

User-written patterns are untrusted: they are compiled with the ``regex`` module,
probed once at load time with a timeout (a pattern that backtracks for too long is
rejected with E308) and always run with a timeout afterwards.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable, Sequence

import regex
import yaml

from .errors import PatternTimeout, RuleFileError
from .load import normalize

# --- closed vocabularies --------------------------------------------------------------

#: Units a claim rule may require.  ``money`` accepts any ISO 4217 currency (the
#: currency then keeps claims apart: different currencies are never compared).
GENERIC_UNITS = ("percent", "pp", "times", "count", "number", "money")
CURRENCIES = ("USD", "CNY", "HKD", "TWD", "EUR", "JPY", "GBP", "KRW", "INR", "SGD", "AUD", "CAD", "CHF",
              "RUB", "AED", "SAR", "MOP", "MYR", "THB", "VND", "IDR", "PHP", "BRL", "NZD")
PHYSICAL_UNITS = ("nm", "mm", "cm", "m", "km", "mg", "g", "kg", "t", "B", "KB", "MB", "GB", "TB", "PB", "EB",
                  "W", "kW", "MW", "GW", "Wh", "kWh", "MWh", "GWh", "TWh", "Hz", "MHz", "GHz", "FLOPS",
                  "TFLOPS", "PFLOPS", "EFLOPS", "TOPS", "mAh", "V", "A", "℃", "s", "ms")
UNITS = GENERIC_UNITS + CURRENCIES + PHYSICAL_UNITS

#: Built-in qualifiers: their values are computed, not listed in a file.
#: ``period``: the year a claim is about (2023年, 去年/今年 against the article's date, 到2030年).
#: ``currency``: added automatically to rules whose unit is ``money``.
BUILTIN_QUALIFIERS = ("period", "currency", "source")

TOP_KEYS = {"name": False, "description": False, "entities": False, "qualifiers": False, "claims": False,
            "checks": False, "notices": False}
ENTITY_KEYS = {"names": True, "kind": False, "fuzzy": False, "description": False}
QUALIFIER_KEYS = {"values": False, "entities": False, "default": False, "description": False}
CLAIM_KEYS = {"id": True, "subject": True, "metric": True, "unit": True, "label": False, "description": False,
              "words": False, "patterns": False, "context": False, "exclude": False, "classifier": False,
              "qualifiers": False, "separate": False, "require": False, "subject_optional": False,
              "tolerance": False, "range": False, "examples": False}
EXAMPLE_KEYS = {"text": True, "value": False, "match": False, "qualifiers": False, "subject": False}

#: An id: lower-case words joined by '-', digits allowed ("nvidia", "gpt-5", "h100").
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")

#: A number as editors write it in a rule file: 5000, 0.5, 1e12, 1万亿, 80亿, 25%.
RULE_NUMBER = re.compile(r"^\s*(?P<num>[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*(?P<mult>万亿|千亿|百亿|亿|千万|百万|万|千)?\s*$")
MULTIPLIERS = {None: Decimal(1), "千": Decimal(10) ** 3, "万": Decimal(10) ** 4, "百万": Decimal(10) ** 6,
               "千万": Decimal(10) ** 7, "亿": Decimal(10) ** 8, "百亿": Decimal(10) ** 10,
               "千亿": Decimal(10) ** 11, "万亿": Decimal(10) ** 12}

#: Seconds a user pattern may run on one sentence (and on a probe at load time).
PATTERN_TIMEOUT = 0.05
PROBE_TIMEOUT = 0.1
#: Probe strings for catastrophic backtracking: a run of one character then a
#: character nothing expects, for generic classes and for each literal in the pattern.
PROBE_CHARS = "a1中 ,"
PROBE_LENGTH = 28


# --- the rule set ---------------------------------------------------------------------


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
    unit: str
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

    @property
    def all_qualifiers(self) -> tuple[str, ...]:
        return self.qualifiers + self.separate

    def accepts_unit(self, unit: str) -> bool:
        if self.unit == "money":
            return unit in CURRENCIES or (len(unit) == 3 and unit.isupper() and unit.isalpha())
        return unit == self.unit


@dataclass(slots=True)
class RuleSet:
    """Every entity, qualifier and claim rule loaded, with a content hash."""

    entities: dict[str, Entity]
    qualifiers: dict[str, Qualifier]
    rules: list[ClaimRule]
    files: list[str]
    version: str
    cache: dict = field(default_factory=dict, repr=False)  #: per-process matchers built by attribute.py
    checks: list = field(default_factory=list)  #: arithmetic checks (``checks:``), parsed by checker.derive
    notices: dict = field(default_factory=dict)  #: notice id -> level, from the files' ``notices:`` (checker.notices)

    def __getstate__(self):  # the matchers are rebuilt in each process, never pickled
        return {k: (dict() if k == "cache" else v) for k, v in self.__dict__.items()}

    def __setstate__(self, state):
        self.__dict__.update(state)

    def rule(self, rule_id: str) -> ClaimRule | None:
        index = self.cache.get("_by_id")
        if index is None:
            index = self.cache["_by_id"] = {r.id: r for r in self.rules}
        return index.get(rule_id)


# --- YAML with line numbers -----------------------------------------------------------


class MarkedMap(dict):
    """A mapping from a rule file that remembers the line of itself and of each key."""

    line: int = 0

    def __init__(self):
        super().__init__()
        self.key_lines: dict[Any, int] = {}

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class MarkedList(list):
    """A sequence from a rule file that remembers its line and each item's line."""

    def __init__(self):
        super().__init__()
        self.line = 0
        self.item_lines: list[int] = []


class _DuplicateKey(Exception):
    def __init__(self, key, line):
        super().__init__(key)
        self.key, self.line = key, line


class _Loader(yaml.SafeLoader):
    """Safe loader that records lines and reads numbers as Decimal (never float)."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> MarkedMap:
    loader.flatten_mapping(node)
    out = MarkedMap()
    out.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, Decimal, bool)):
            key = str(key)
        if key in out:
            raise _DuplicateKey(key, key_node.start_mark.line + 1)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[key] = key_node.start_mark.line + 1
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> MarkedList:
    out = MarkedList()
    out.line = node.start_mark.line + 1
    for child in node.value:
        out.append(loader.construct_object(child, deep=True))
        out.item_lines.append(child.start_mark.line + 1)
    return out


def _construct_decimal(loader: _Loader, node: yaml.ScalarNode):
    text = node.value.replace("_", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text  # .inf, .nan: left as text, rejected where a number is needed
    return value if value.is_finite() else text


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_decimal)
# Dates stay text: a rule file has no use for them, and str is easier to report.
_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: node.value)


# --- loading --------------------------------------------------------------------------


def shipped_rules_dir() -> Path:
    """The rule set shipped with the tool (see checker.resources)."""
    from .resources import builtin_rules_dir

    return builtin_rules_dir()


def rule_files(paths: Sequence[str | Path] | None) -> list[Path]:
    """The rule files named by ``paths`` (files, or directories of *.yaml / *.yml)."""
    if not paths:
        paths = [shipped_rules_dir()]
    out: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found = sorted(list(path.glob("*.yaml")) + list(path.glob("*.yml")))
            if not found:
                raise RuleFileError("no rule files (*.yaml) in this directory", path=str(path), code="E304",
                                    hint="give a directory that holds rule files, or a .yaml file")
            out.extend(found)
        elif path.is_file():
            out.append(path)
        else:
            raise RuleFileError("rule file not found", path=str(path), code="E304",
                                hint="check the path given with --rules")
    return out


def load_rules(paths: Sequence[str | Path] | None = None) -> RuleSet:
    """Load and validate rule files (None: the shipped rule set).  Raises RuleFileError."""
    files = rule_files(paths)
    builder = _Builder()
    digest = hashlib.sha256()
    for path in files:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise RuleFileError(f"cannot read rule file ({exc.__class__.__name__})", path=str(path),
                                code="E301", hint="save it as UTF-8 text") from None
        digest.update(path.name.encode() + b"\0" + text.encode() + b"\0")
        builder.add_file(str(path), text)
    ruleset = builder.finish()
    ruleset.version = digest.hexdigest()[:16]
    return ruleset


def load_rules_text(text: str, path: str = "rules.yaml") -> RuleSet:
    """Load one rule file from text (tests, `rules test` on stdin)."""
    builder = _Builder()
    builder.add_file(path, text)
    ruleset = builder.finish()
    ruleset.version = hashlib.sha256(text.encode()).hexdigest()[:16]
    return ruleset


def parse_rule_number(value, *, path: str, line: int, what: str) -> Decimal:
    """A number from a rule file: YAML number, or text such as '1万亿', '80亿', '1e12'."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise RuleFileError(f"{what} must be a number, not {value!r}", path=path, line=line, code="E304",
                            hint="write e.g. 5000, 0.5, 1e12 or 1万亿")
    m = RULE_NUMBER.match(normalize(str(value)))
    if not m:
        raise RuleFileError(f"{what} must be a number, not {value!r}", path=path, line=line, code="E304",
                            hint="write e.g. 5000, 0.5, 1e12 or 1万亿")
    return Decimal(m.group("num")) * MULTIPLIERS[m.group("mult")]


def _suggest(word: str, choices: Iterable[str]) -> str | None:
    choices = list(choices)
    for choice in choices:  # usd -> USD, Percent -> percent
        if str(choice).lower() == str(word).lower():
            return f"did you mean '{choice}'?"
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


class _Builder:
    """Collects files, then resolves references across them and builds the RuleSet."""

    def __init__(self):
        self.entities: dict[str, Entity] = {}
        self.qualifiers: dict[str, Qualifier] = {}
        self.raw_rules: list[tuple[str, str, MarkedMap]] = []  # (path, namespace, mapping)
        self.files: list[str] = []
        self.checks: list = []
        self.notices: dict = {}

    # -- helpers
    @staticmethod
    def _err(msg, path, line, code, hint=None):
        return RuleFileError(msg, path=path, line=line, code=code, hint=hint)

    def _check_keys(self, mapping, allowed: dict[str, bool], path: str, where: str):
        if not isinstance(mapping, MarkedMap):
            raise self._err(f"{where} must be a mapping (key: value lines)", path,
                            getattr(mapping, "line", None), "E304")
        for key in mapping:
            if key not in allowed:
                raise self._err(f"unknown key '{key}' in {where}", path, mapping.line_of(key), "E302",
                                _suggest(key, allowed) or f"allowed keys: {', '.join(allowed)}")
        for key, required in allowed.items():
            if required and key not in mapping:
                raise self._err(f"missing required key '{key}' in {where}", path, mapping.line, "E303",
                                f"add '{key}:'")

    def _strings(self, value, path, line, what, *, allow_single=True) -> list[tuple[str, int]]:
        """A list of non-empty strings (or one string), with the line of each."""
        if isinstance(value, (str, int, Decimal)) and not isinstance(value, bool) and allow_single:
            value_list, lines = [value], [line]
        elif isinstance(value, MarkedList):
            value_list, lines = list(value), value.item_lines
        else:
            raise self._err(f"{what} must be a list of words", path, line, "E304",
                            "write [word, word] or one word per line starting with '- '")
        out = []
        for item, item_line in zip(value_list, lines):
            if isinstance(item, bool) or not isinstance(item, (str, int, Decimal)):
                raise self._err(f"{what}: {item!r} is not a word", path, item_line, "E304",
                                "quote it, e.g. \"yes\"")
            text = str(item).strip()
            if not text:
                raise self._err(f"{what}: empty word", path, item_line, "E304", "remove the empty entry")
            out.append((text, item_line))
        return out

    def _id(self, value, path, line, what) -> str:
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            raise self._err(f"{what} {value!r} is not a valid id", path, line, "E304",
                            "use lower-case letters, digits and '-', e.g. nvidia-share")
        return value

    # -- one file
    def add_file(self, path: str, text: str) -> None:
        self.files.append(path)
        try:
            data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader derives from SafeLoader
        except _DuplicateKey as exc:
            raise self._err(f"key '{exc.key}' appears twice in the same mapping", path, exc.line, "E306",
                            "keep one of them") from None
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else None
            column = mark.column + 1 if mark else None
            problem = (exc.problem or "syntax error").strip()
            raise RuleFileError(f"not valid YAML: {problem}", path=path, line=line, column=column, code="E301",
                                hint="check the indentation and quoting on this line (a ':' inside a "
                                     "word needs quotes)") from None
        except yaml.YAMLError as exc:
            raise self._err(f"not valid YAML: {exc}", path, None, "E301") from None
        if data is None:
            return  # an empty file is allowed (e.g. everything commented out)
        self._check_keys(data, TOP_KEYS, path, "the rule file")
        if "name" in data:
            namespace = self._id(data["name"], path, data.line_of("name"), "file name")
        else:  # the file's stem, made into an id ("EV Batteries.yaml" -> ev-batteries)
            namespace = re.sub(r"[^a-z0-9_.-]+", "-", Path(path).stem.lower()).strip("-.") or "rules"

        entities = data.get("entities") or MarkedMap()
        self._check_mapping(entities, path, data.line_of("entities"), "entities")
        for eid, spec in entities.items():
            line = entities.line_of(eid)
            self._id(eid, path, line, "entity id")
            if eid in self.entities:
                other = self.entities[eid]
                raise self._err(f"duplicate entity id '{eid}' (also at {other.path}:{other.line})", path, line,
                                "E306", "rename one of them or merge their names")
            if isinstance(spec, MarkedList):  # shorthand: nvidia: [英伟达, Nvidia]
                spec_map = MarkedMap()
                spec_map.line = spec.line
                spec_map["names"] = spec
                spec_map.key_lines["names"] = spec.line
                spec = spec_map
            self._check_keys(spec, ENTITY_KEYS, path, f"entity '{eid}'")
            names = self._strings(spec["names"], path, spec.line_of("names"), f"names of entity '{eid}'")
            fuzzy = spec.get("fuzzy", False)
            if not isinstance(fuzzy, bool):
                raise self._err(f"fuzzy of entity '{eid}' must be true or false", path, spec.line_of("fuzzy"),
                                "E304")
            kind = spec.get("kind", "")
            if not isinstance(kind, str):
                raise self._err(f"kind of entity '{eid}' must be a word", path, spec.line_of("kind"), "E304")
            self.entities[eid] = Entity(
                id=eid, names=tuple(n for n, _ in names),
                match_names=tuple(dict.fromkeys(_match_form(n) for n, _ in names)),
                kind=kind, fuzzy=fuzzy, path=path, line=line)

        qualifiers = data.get("qualifiers") or MarkedMap()
        self._check_mapping(qualifiers, path, data.line_of("qualifiers"), "qualifiers")
        for qname, spec in qualifiers.items():
            line = qualifiers.line_of(qname)
            self._id(qname, path, line, "qualifier name")
            if qname in BUILTIN_QUALIFIERS:
                raise self._err(f"'{qname}' is a built-in qualifier and cannot be redefined", path, line, "E304",
                                "choose another name, or use it in a rule without defining it")
            if qname in self.qualifiers:
                other = self.qualifiers[qname]
                raise self._err(f"duplicate qualifier '{qname}' (also at {other.path}:{other.line})", path, line,
                                "E306", "define each qualifier once; rules in every file can use it")
            self._check_keys(spec, QUALIFIER_KEYS, path, f"qualifier '{qname}'")
            if "values" not in spec and "entities" not in spec:
                raise self._err(f"qualifier '{qname}' has neither 'values' nor 'entities'", path, line, "E303",
                                "add 'values:' (value: [words]) or 'entities:' ([entity ids])")
            values: list[tuple[str, tuple[str, ...]]] = []
            vmap = spec.get("values") or MarkedMap()
            self._check_mapping(vmap, path, spec.line_of("values"), f"values of qualifier '{qname}'")
            for value, words in vmap.items():
                vline = vmap.line_of(value)
                value = str(value)
                word_list = self._strings(words, path, vline, f"words for {qname} '{value}'")
                values.append((value, tuple(dict.fromkeys(_match_form(w) for w, _ in word_list))))
            ent_ids = ()
            if "entities" in spec:
                ent_ids = tuple(w for w, _ in self._strings(spec["entities"], path, spec.line_of("entities"),
                                                            f"entities of qualifier '{qname}'"))
            default = spec.get("default")
            if default is not None:
                default = str(default)
            self.qualifiers[qname] = Qualifier(name=qname, values=tuple(values), entities=ent_ids,
                                               default=default, path=path, line=line)

        claims = data.get("claims") or MarkedList()
        if not isinstance(claims, MarkedList):
            raise self._err("claims must be a list of rules, each starting with '- id:'", path,
                            data.line_of("claims"), "E304")
        for item, line in zip(claims, claims.item_lines):
            if not isinstance(item, MarkedMap):
                raise self._err("each claim rule must be a mapping starting with '- id:'", path, line, "E304")
            self._check_keys(item, CLAIM_KEYS, path, f"claim rule '{item.get('id', '?')}'")
            self.raw_rules.append((path, namespace, item))

        if data.get("checks") is not None or data.get("notices") is not None:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            sections = {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
            if data.get("checks") is not None:
                from .derive import parse_checks

                self.checks.extend(parse_checks(sections["checks"], path, prefix=namespace))
            if data.get("notices") is not None:
                from .notices import parse_notice_settings

                self.notices.update(parse_notice_settings(sections["notices"], path))

    def _check_mapping(self, value, path, line, what):
        if not isinstance(value, MarkedMap):
            raise self._err(f"{what} must be a mapping (key: value lines)", path, line, "E304")

    # -- across files
    def finish(self) -> RuleSet:
        # entity names must be unambiguous across the whole rule set
        owner: dict[str, Entity] = {}
        for ent in self.entities.values():
            for name in ent.match_names:
                if name in owner and owner[name].id != ent.id:
                    other = owner[name]
                    raise self._err(f"name '{name}' is given to entity '{ent.id}' and to '{other.id}' "
                                    f"({other.path}:{other.line})", ent.path, ent.line, "E306",
                                    "a name must belong to one entity; remove it from one of them")
                owner[name] = ent
        for q in self.qualifiers.values():
            for eid in q.entities:
                if eid not in self.entities:
                    raise self._err(f"unknown entity '{eid}' in qualifier '{q.name}'", q.path, q.line, "E305",
                                    _suggest(eid, self.entities) or "define it under 'entities:'")
            if q.default is not None and q.default not in {v for v, _ in q.values} | set(q.entities):
                raise self._err(f"default '{q.default}' of qualifier '{q.name}' is not one of its values",
                                q.path, q.line, "E304", _suggest(q.default, [v for v, _ in q.values]))
        rules: list[ClaimRule] = []
        seen: dict[str, tuple[str, int]] = {}
        for path, namespace, item in self.raw_rules:
            rule = self._claim_rule(path, namespace, item)
            if rule.id in seen:
                p, l = seen[rule.id]
                raise self._err(f"duplicate rule id '{rule.id}' (also at {p}:{l})", path, item.line_of("id"),
                                "E306", "give each rule its own id")
            seen[rule.id] = (path, item.line_of("id"))
            rules.append(rule)
        if self.checks:
            from .derive import validate_references

            validate_references(self.checks, [r.id for r in rules])
        return RuleSet(entities=dict(self.entities), qualifiers=dict(self.qualifiers), rules=rules,
                       files=list(self.files), version="", checks=list(self.checks), notices=dict(self.notices))

    def _claim_rule(self, path: str, namespace: str, item: MarkedMap) -> ClaimRule:
        local_id = self._id(item["id"], path, item.line_of("id"), "rule id")
        rid = f"{namespace}.{local_id}"
        where = f"rule '{local_id}'"

        subjects = [w for w, _ in self._strings(item["subject"], path, item.line_of("subject"), f"subject of {where}")]
        for eid in subjects:
            if eid not in self.entities:
                raise self._err(f"unknown entity '{eid}' as subject of {where}", path, item.line_of("subject"),
                                "E305", _suggest(eid, self.entities) or "define it under 'entities:'")
        subject_optional = item.get("subject_optional", False)
        if not isinstance(subject_optional, bool):
            raise self._err(f"subject_optional of {where} must be true or false", path,
                            item.line_of("subject_optional"), "E304")
        if subject_optional and len(subjects) != 1:
            raise self._err(f"{where}: subject_optional needs exactly one subject", path,
                            item.line_of("subject_optional"), "E304",
                            "name the one entity the claim is about when the sentence does not")

        metric = self._id(item["metric"], path, item.line_of("metric"), "metric")
        label = item.get("label", metric)
        if not isinstance(label, str):
            raise self._err(f"label of {where} must be text", path, item.line_of("label"), "E304")

        unit = item["unit"]
        if not isinstance(unit, str) or unit not in UNITS:
            raise self._err(f"unknown unit {unit!r} in {where}", path, item.line_of("unit"), "E304",
                            _suggest(unit, UNITS) or "use percent, pp, times, count, number, money, "
                                                     "a currency code (USD, CNY …) or a unit symbol (nm, GB …)")

        words = tuple(dict.fromkeys(_match_form(w) for w, _ in
                                    (self._strings(item["words"], path, item.line_of("words"), f"words of {where}")
                                     if "words" in item else [])))
        patterns = tuple(compile_pattern(p, path=path, line=pl, where=where) for p, pl in
                         (self._strings(item["patterns"], path, item.line_of("patterns"), f"patterns of {where}")
                          if "patterns" in item else []))
        if not words and not patterns:
            raise self._err(f"{where} has no metric words", path, item.line, "E303",
                            "add 'words:' (e.g. [市场份额, 份额]) or 'patterns:'")
        context = tuple(_match_form(w) for w, _ in self._strings(item["context"], path, item.line_of("context"),
                                                                  f"context of {where}")) if "context" in item else ()
        exclude = tuple(_match_form(w) for w, _ in self._strings(item["exclude"], path, item.line_of("exclude"),
                                                                  f"exclude of {where}")) if "exclude" in item else ()
        classifiers = ()
        if "classifier" in item:
            if unit != "count":
                raise self._err(f"{where}: 'classifier' only applies to unit: count", path,
                                item.line_of("classifier"), "E304", "remove it or set unit: count")
            classifiers = tuple(normalize(w) for w, _ in self._strings(item["classifier"], path,
                                                                       item.line_of("classifier"),
                                                                       f"classifier of {where}"))

        def qualifier_list(key: str) -> tuple[str, ...]:
            if key not in item:
                return ()
            names = [w for w, _ in self._strings(item[key], path, item.line_of(key), f"{key} of {where}")]
            for name in names:
                if name not in self.qualifiers and name not in BUILTIN_QUALIFIERS:
                    raise self._err(f"unknown qualifier '{name}' in {key} of {where}", path, item.line_of(key),
                                    "E304", _suggest(name, list(self.qualifiers) + list(BUILTIN_QUALIFIERS))
                                    or "define it under 'qualifiers:'")
            return tuple(dict.fromkeys(names))

        quals = qualifier_list("qualifiers")
        separate = qualifier_list("separate")
        both = set(quals) & set(separate)
        if both:
            raise self._err(f"{where}: '{sorted(both)[0]}' is in both qualifiers and separate", path,
                            item.line_of("separate"), "E304", "keep it in one of the two lists")
        if unit == "money" and "currency" not in separate and "currency" not in quals:
            separate = separate + ("currency",)
        require = qualifier_list("require")
        for name in require:
            if name not in quals and name not in separate:
                raise self._err(f"{where}: required qualifier '{name}' is not in qualifiers or separate", path,
                                item.line_of("require"), "E304", f"add '{name}' to qualifiers")

        tolerance, relative = Decimal(0), False
        if "tolerance" in item:
            raw = item["tolerance"]
            tline = item.line_of("tolerance")
            if isinstance(raw, str) and normalize(raw).strip().endswith("%"):
                tolerance = parse_rule_number(normalize(raw).strip()[:-1], path=path, line=tline,
                                              what=f"tolerance of {where}") / 100
                relative = True
            else:
                tolerance = parse_rule_number(raw, path=path, line=tline, what=f"tolerance of {where}")
            if tolerance < 0:
                raise self._err(f"tolerance of {where} must not be negative", path, tline, "E304")

        range_low = range_high = None
        if "range" in item:
            raw = item["range"]
            rline = item.line_of("range")
            if not isinstance(raw, MarkedList) or len(raw) != 2:
                raise self._err(f"range of {where} must be [lowest, highest]", path, rline, "E304",
                                "write e.g. [0, 100]; use null for an open side")
            range_low = None if raw[0] is None else parse_rule_number(raw[0], path=path, line=rline,
                                                                      what=f"range of {where}")
            range_high = None if raw[1] is None else parse_rule_number(raw[1], path=path, line=rline,
                                                                       what=f"range of {where}")
            if range_low is not None and range_high is not None and range_low > range_high:
                raise self._err(f"range of {where} has its lowest above its highest", path, rline, "E304")

        examples = []
        raw_examples = item.get("examples") or MarkedList()
        if not isinstance(raw_examples, MarkedList):
            raise self._err(f"examples of {where} must be a list", path, item.line_of("examples"), "E304")
        for ex, eline in zip(raw_examples, raw_examples.item_lines):
            if isinstance(ex, str):  # shorthand: a sentence that must match, any value
                examples.append(Example(ex, None, True, (), None, path, eline))
                continue
            self._check_keys(ex, EXAMPLE_KEYS, path, f"an example of {where}")
            text = ex["text"]
            if not isinstance(text, str) or not text.strip():
                raise self._err(f"example text of {where} must be a sentence", path, eline, "E304")
            match = ex.get("match", True)
            if not isinstance(match, bool):
                raise self._err(f"'match' of an example of {where} must be true or false", path,
                                ex.line_of("match"), "E304")
            value = ex.get("value")
            if value is not None:
                value = str(value)
            eq = ex.get("qualifiers") or MarkedMap()
            self._check_mapping(eq, path, ex.line_of("qualifiers"), f"qualifiers of an example of {where}")
            for qn in eq:
                if qn not in quals and qn not in separate:
                    raise self._err(f"example of {where} names qualifier '{qn}' that the rule does not use",
                                    path, eq.line_of(qn), "E304", _suggest(qn, quals + separate))
            subject = ex.get("subject")
            if subject is not None and subject not in subjects:
                raise self._err(f"example of {where} names subject '{subject}' that is not a subject of the rule",
                                path, ex.line_of("subject"), "E305", _suggest(subject, subjects))
            examples.append(Example(text, value, match, tuple(sorted((str(k), str(v)) for k, v in eq.items())),
                                    subject, path, eline))

        return ClaimRule(id=rid, subjects=tuple(subjects), subject_optional=subject_optional, metric=metric,
                         label=label, words=words, patterns=patterns, context=context, exclude=exclude,
                         unit=unit, classifiers=classifiers, qualifiers=quals, separate=separate,
                         require=require, tolerance=tolerance, tolerance_relative=relative,
                         range_low=range_low, range_high=range_high, examples=tuple(examples),
                         path=path, line=item.line)


def _match_form(word: str) -> str:
    """How a name or word is matched: normalized like Document.norm, spaces removed
    (matching runs on the text without spaces), ASCII lower-cased."""
    return "".join(normalize(word).split()).translate(ASCII_LOWER)


#: str.lower() restricted to ASCII, so lengths never change.
ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}
_ASCII_UPPER_RUN = re.compile("[A-Z]+")


def ascii_lower(text: str) -> str:
    """ASCII letters in lower case, everything else as it is, the length kept.  Faster than
    ``str.translate`` on Chinese text, where ASCII runs are few and short."""
    return _ASCII_UPPER_RUN.sub(lambda m: m.group().lower(), text)


def compile_pattern(pattern: str, *, path: str, line: int, where: str):
    """Compile a user pattern with the regex module and probe it for catastrophic
    backtracking.  Raises RuleFileError E307 (bad pattern) or PatternTimeout E308."""
    try:
        compiled = regex.compile(normalize(pattern))
    except regex.error as exc:
        raise RuleFileError(f"bad pattern {pattern!r} in {where}: {exc}", path=path, line=line, code="E307",
                            hint="patterns are regular expressions; escape ( ) [ ] . * + ? with a backslash, "
                                 "or list plain words under 'words:'") from None
    literals = {ch for ch in pattern if ch.isalnum()}
    for ch in list(PROBE_CHARS) + sorted(literals)[:12]:
        probe = ch * PROBE_LENGTH + "\x00"
        try:
            compiled.search(probe, timeout=PROBE_TIMEOUT)
        except TimeoutError:
            raise PatternTimeout(f"pattern {pattern!r} in {where} takes too long (catastrophic backtracking)",
                                 path=path, line=line, code="E308",
                                 hint="avoid nested repetition such as (a+)+ or (a|aa)*; list plain words "
                                      "under 'words:' instead") from None
    return compiled


# --- examples -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExampleResult:
    rule: ClaimRule
    example: Example
    passed: bool
    problem: str = ""


def run_examples(ruleset: RuleSet) -> list[ExampleResult]:
    """Run every rule's examples through extraction and attribution with the whole
    rule set loaded (so a rule that steals another's sentence is caught too)."""
    from .attribute import attribute
    from .extract import extract, parse_quantity
    from .load import document_from_text

    results = []
    for rule in ruleset.rules:
        for ex in rule.examples:
            doc = document_from_text(ex.text, path=f"{ex.path}:{ex.line}")
            claims = [c for c in attribute(doc, extract(doc), ruleset) if c.rule == rule.id]
            results.append(_judge(rule, ex, claims, parse_quantity))
    return results


def _describe(claim) -> str:
    quals = ", ".join(f"{k} {v}" for k, v in claim.qualifiers)
    return f"{claim.mention.text} ({claim.subject}{'; ' + quals if quals else ''})"


def _judge(rule: ClaimRule, ex: Example, claims, parse_quantity) -> ExampleResult:
    if not ex.match:
        if claims:
            return ExampleResult(rule, ex, False, "must not match, but read " + "; ".join(map(_describe, claims)))
        return ExampleResult(rule, ex, True)
    if not claims:
        return ExampleResult(rule, ex, False, "must match, but the rule read no number in it "
                                              "(check the subject, the metric words and the unit)")
    wanted = None
    if ex.value is not None:
        wanted = parse_quantity(ex.value)
        if wanted is None:
            return ExampleResult(rule, ex, False, f"value {ex.value!r} is not a number the checker reads; "
                                                  "write it as in the text, e.g. 98% or 3万-5万张")
    for claim in claims:
        q = claim.mention.quantity
        if wanted is not None and (q.low, q.high, q.unit) != (wanted.low, wanted.high, wanted.unit):
            continue
        if ex.subject is not None and claim.subject != ex.subject:
            continue
        got = dict(claim.qualifiers)
        if any(got.get(k) != v for k, v in ex.qualifiers):
            continue
        return ExampleResult(rule, ex, True)
    expected = [f"value {ex.value}" if ex.value else "", f"subject {ex.subject}" if ex.subject else "",
                ", ".join(f"{k} {v}" for k, v in ex.qualifiers)]
    return ExampleResult(rule, ex, False, f"expected {'; '.join(e for e in expected if e)}, but read "
                         + "; ".join(map(_describe, claims)))


__all__ = ["RuleSet", "run_examples", "ExampleResult", "ClaimRule", "Entity", "Qualifier", "Example", "load_rules", "load_rules_text",
           "rule_files", "shipped_rules_dir", "compile_pattern", "parse_rule_number", "UNITS", "CURRENCIES"]
