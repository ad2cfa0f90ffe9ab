"""A rule file's entities, qualifiers and claim rules -> validated, typed rules.

``Builder`` takes the files one by one (each read once by ``source.read_yaml``, with the
line and column of every value), then resolves references across them in ``finish``:
a rule may use an entity or qualifier defined in any loaded file.  Everything an editor
can get wrong is a RuleFileError with the file, the line and what to change.  Words and
names are stored in their matching form (``text.match_form``: Simplified, full-width
folded, spaces removed, ASCII lower-cased), because matching runs on ``Document.norm``.
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal
from pathlib import Path

from ..errors import RuleFileError
from ..model import CURRENCIES, UNITS
from ..text import match_form, normalize
from .checks import parse_checks, validate_references
from .notices import parse_notice_settings
from .patterns import compile_pattern
from .ruleset import BUILTIN_QUALIFIERS, ClaimRule, Entity, Example, Qualifier, RuleSet
from .source import MarkedList, MarkedMap, brief, parse_rule_number, read_yaml, suggest

TOP_KEYS = {"name": False, "description": False, "entities": False, "qualifiers": False, "claims": False,
            "checks": False, "notices": False, "disable": False}
ENTITY_KEYS = {"names": True, "kind": False, "fuzzy": False, "description": False}
QUALIFIER_KEYS = {"values": False, "entities": False, "default": False, "description": False}
CLAIM_KEYS = {"id": True, "subject": True, "metric": True, "unit": True, "label": False, "description": False,
              "words": False, "patterns": False, "context": False, "exclude": False, "classifier": False,
              "qualifiers": False, "separate": False, "require": False, "subject_optional": False,
              "tolerance": False, "range": False, "examples": False, "timeless": False, "window": False,
              "unless": False, "plausible": False,
              "priority": False}
#: A claim item that changes a rule already loaded: ``extends: <rule id>`` adds to it,
#: ``override: <rule id>`` replaces it (keeping its id).
EXTEND_KEYS = {k: False for k in CLAIM_KEYS if k not in ("id", "metric")} | {"extends": True}
OVERRIDE_KEYS = {**{k: r for k, r in CLAIM_KEYS.items() if k != "id"}, "override": True}
#: Keys whose lists an extension adds to (every other key it gives replaces the rule's own).
LIST_KEYS = ("subject", "words", "patterns", "context", "unless", "exclude", "classifier", "qualifiers",
             "separate", "require", "unit")
ORIGIN_SHIPPED, ORIGIN_USER = "shipped", "user"
EXAMPLE_KEYS = {"text": True, "value": False, "match": False, "qualifiers": False, "subject": False}

#: A time window: 90d, 12w, 3m, 1y (days when no unit is given).
WINDOW = re.compile(r"^(?P<n>\d{1,4})\s*(?P<u>d|w|m|y|)$")
#: Longest word or name (characters); a metric word is a few characters, a name a few words.
MAX_WORD = 100
#: Longest example sentence (characters).
MAX_EXAMPLE = 2000

#: An id: lower-case words joined by '-', digits allowed ("nvidia", "gpt-5", "h100").
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


class Builder:
    """Collects files, then resolves references across them and builds the RuleSet."""

    def __init__(self):
        self.entities: dict[str, Entity] = {}
        self.qualifiers: dict[str, Qualifier] = {}
        # (path, namespace, mapping, origin); extensions and overrides are kept apart
        self.raw_rules: list[tuple[str, str, MarkedMap, str]] = []
        self.changes: list[tuple[str, str, MarkedMap]] = []  # (path, namespace, mapping with extends/override)
        self.disable: list[tuple[str, str, int]] = []  # (rule id or prefix*, path, line)
        self.files: list[str] = []
        self.checks: list = []
        self.check_origin: dict[int, str] = {}  # id(check) -> origin
        self.notices: dict = {}
        self.skipped: list[str] = []
        # where each id was defined within one origin: E306 is for duplicates within the shipped
        # files or within the user's files, never for a user definition of a shipped id
        self.defined: dict[tuple[str, str, str], tuple[str, int]] = {}  # (what, id, origin) -> (path, line)

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
                raise self._err(f"unknown key {brief(key)} in {where}", path, mapping.line_of(key), "E302",
                                suggest(key, allowed) or f"allowed keys: {', '.join(allowed)}")
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
                raise self._err(f"{what}: {brief(item)} is not a word", path, item_line, "E304",
                                "quote it, e.g. \"yes\"")
            text = str(item).strip()
            if not text:
                raise self._err(f"{what}: empty word", path, item_line, "E304", "remove the empty entry")
            if len(text) > MAX_WORD and what.split()[0] != "patterns":
                raise self._err(f"{what}: {brief(text)} is {len(text):,} characters long; the limit is {MAX_WORD}",
                                path, item_line, "E304", "list the short words a sentence uses")
            out.append((text, item_line))
        return out

    def _id(self, value, path, line, what) -> str:
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            raise self._err(f"{what} {brief(value)} is not a valid id", path, line, "E304",
                            "use lower-case letters, digits and '-', e.g. nvidia-share")
        return value

    # -- one file
    def _duplicate(self, what: str, ident: str, origin: str, path: str, line: int, hint: str) -> None:
        """E306 when ``ident`` was already defined in a file of the same origin."""
        other = self.defined.get((what, ident, origin))
        if other is not None:
            raise self._err(f"duplicate {what} '{ident}' (also at {other[0]}:{other[1]})", path, line, "E306", hint)
        self.defined[(what, ident, origin)] = (path, line)

    def add_file(self, path: str, text: str, *, origin: str = ORIGIN_USER, skip_foreign: bool = False) -> None:
        """Read one rule file.  ``origin``: ``shipped`` for the tool's own rule set, ``user`` for
        every other file (a user definition of a shipped id takes precedence over it).
        ``skip_foreign``: a YAML file with none of a rule file's keys (found in a rules folder)
        is skipped with a note in ``RuleSet.skipped`` instead of stopping the run."""
        data = read_yaml(text, path)
        if data is None:
            self.files.append(path)
            return  # an empty file is allowed (e.g. everything commented out)
        if skip_foreign and (not isinstance(data, MarkedMap) or not any(k in TOP_KEYS for k in data)):
            self.skipped.append(f"{path}: not a rule file (none of the keys {', '.join(TOP_KEYS)}); skipped")
            return
        self.files.append(path)
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
            self._duplicate("entity id", eid, origin, path, line, "rename one of them or merge their names")
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
            entity = Entity(id=eid, names=tuple(n for n, _ in names),
                            match_names=tuple(dict.fromkeys(match_form(n) for n, _ in names)),
                            kind=kind, fuzzy=fuzzy, path=path, line=line, origin=origin)
            shipped = self.entities.get(eid)
            if shipped is not None and shipped.origin == ORIGIN_SHIPPED and origin == ORIGIN_USER:
                # a user definition of a shipped entity adds its names (and sets kind/fuzzy if given)
                entity = dataclasses.replace(
                    shipped, names=tuple(dict.fromkeys(shipped.names + entity.names)),
                    match_names=tuple(dict.fromkeys(shipped.match_names + entity.match_names)),
                    kind=kind if "kind" in spec else shipped.kind, fuzzy=fuzzy if "fuzzy" in spec else shipped.fuzzy,
                    extended_by=shipped.extended_by + (f"{path}:{line}",))
            self.entities[eid] = entity

        qualifiers = data.get("qualifiers") or MarkedMap()
        self._check_mapping(qualifiers, path, data.line_of("qualifiers"), "qualifiers")
        for qname, spec in qualifiers.items():
            line = qualifiers.line_of(qname)
            self._id(qname, path, line, "qualifier name")
            if qname in BUILTIN_QUALIFIERS:
                raise self._err(f"'{qname}' is a built-in qualifier and cannot be redefined", path, line, "E304",
                                "choose another name, or use it in a rule without defining it")
            self._duplicate("qualifier", qname, origin, path, line,
                            "define each qualifier once; rules in every file can use it")
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
                values.append((value, tuple(dict.fromkeys(match_form(w) for w, _ in word_list))))
            ent_ids = ()
            if "entities" in spec:
                ent_ids = tuple(w for w, _ in self._strings(spec["entities"], path, spec.line_of("entities"),
                                                            f"entities of qualifier '{qname}'"))
            default = spec.get("default")
            if default is not None:
                default = str(default)
            qualifier = Qualifier(name=qname, values=tuple(values), entities=ent_ids, default=default, path=path,
                                  line=line, origin=origin)
            shipped_q = self.qualifiers.get(qname)
            if shipped_q is not None and shipped_q.origin == ORIGIN_SHIPPED and origin == ORIGIN_USER:
                qualifier = _merge_qualifier(shipped_q, qualifier, f"{path}:{line}")
            self.qualifiers[qname] = qualifier

        claims = data.get("claims") or MarkedList()
        if not isinstance(claims, MarkedList):
            raise self._err("claims must be a list of rules, each starting with '- id:'", path,
                            data.line_of("claims"), "E304")
        for item, line in zip(claims, claims.item_lines):
            if not isinstance(item, MarkedMap):
                raise self._err("each claim rule must be a mapping starting with '- id:'", path, line, "E304")
            if "extends" in item:
                self._check_keys(item, EXTEND_KEYS, path, f"the extension of rule '{item.get('extends')}'")
                self.changes.append((path, namespace, item))
            elif "override" in item:
                self._check_keys(item, OVERRIDE_KEYS, path, f"the override of rule '{item.get('override')}'")
                self.changes.append((path, namespace, item))
            else:
                self._check_keys(item, CLAIM_KEYS, path, f"claim rule '{item.get('id', '?')}'")
                self.raw_rules.append((path, namespace, item, origin))

        if data.get("disable") is not None:
            dline = data.line_of("disable")
            for rid, rline in self._strings(data["disable"], path, dline, "disable"):
                self.disable.append((rid, path, rline))
        if data.get("checks") is not None:
            for chk in parse_checks(data["checks"], path, prefix=namespace):
                self.check_origin[id(chk)] = origin
                self.checks.append(chk)
        if data.get("notices") is not None:
            self.notices.update(parse_notice_settings(data["notices"], path))

    def _check_mapping(self, value, path, line, what):
        if not isinstance(value, MarkedMap):
            raise self._err(f"{what} must be a mapping (key: value lines)", path, line, "E304")

    # -- across files
    def finish(self, version: str) -> RuleSet:
        self._settle_names()
        for q in self.qualifiers.values():
            for eid in q.entities:
                if eid not in self.entities:
                    raise self._err(f"unknown entity '{eid}' in qualifier '{q.name}'", q.path, q.line, "E305",
                                    suggest(eid, self.entities) or "define it under 'entities:'")
            if q.default is not None and q.default not in {v for v, _ in q.values} | set(q.entities):
                raise self._err(f"default '{q.default}' of qualifier '{q.name}' is not one of its values",
                                q.path, q.line, "E304", suggest(q.default, [v for v, _ in q.values]))
        # plain rules first: shipped, then the user's (a user rule with a shipped rule's id replaces it)
        rules: dict[str, ClaimRule] = {}
        self.raw_by_id: dict[str, MarkedMap] = {}  # the mapping each rule was last built from
        for path, namespace, item, origin in self.raw_rules:
            rule = self._claim_rule(path, namespace, item, origin=origin)
            self.raw_by_id[rule.id] = item
            self._duplicate("rule id", rule.id, origin, path, item.line_of("id"), "give each rule its own id")
            old = rules.get(rule.id)
            if old is not None:  # a user rule of a shipped id
                rule = dataclasses.replace(rule, replaces=f"{old.path}:{old.line}")
            rules[rule.id] = rule
        # then overrides and extensions, in file order
        for path, namespace, item in self.changes:
            key = "extends" if "extends" in item else "override"
            target = self._target(rules, item[key], path, item.line_of(key), key)
            if key == "override":
                rule = self._claim_rule(path, namespace, item, origin=ORIGIN_USER, rule_id=target.id)
                self.raw_by_id[target.id] = _without(item, "override")
                rules[target.id] = dataclasses.replace(rule, replaces=f"{target.path}:{target.line}")
            else:
                rules[target.id] = self._extend(target, path, namespace, item)
        disabled = self._disabled(rules)
        for rid in disabled:
            del rules[rid]
        # a shipped check that reads a disabled rule goes with it; a user's check is an error (E305)
        checks = [c for c in self.checks
                  if not (self.check_origin.get(id(c)) == ORIGIN_SHIPPED and c.rules & set(disabled))]
        validate_references(checks, list(rules))
        return RuleSet(entities=dict(self.entities), qualifiers=dict(self.qualifiers), rules=tuple(rules.values()),
                       files=tuple(self.files), version=version, checks=tuple(checks),
                       notice_levels=dict(self.notices), skipped=tuple(self.skipped), disabled=tuple(disabled))

    def _settle_names(self) -> None:
        """Entity names must be unambiguous across the rule set.  A name given to a user entity
        and to a shipped one goes to the user's (the shipped entity keeps its other names)."""
        owner: dict[str, Entity] = {}
        taken: dict[str, set[str]] = {}  # shipped entity id -> names the user took from it
        for ent in sorted(self.entities.values(), key=lambda e: e.origin != ORIGIN_USER):
            for name in ent.match_names:
                other = owner.get(name)
                if other is not None and other.id != ent.id:
                    if other.origin == ORIGIN_USER and ent.origin == ORIGIN_SHIPPED:
                        taken.setdefault(ent.id, set()).add(name)
                        continue
                    raise self._err(f"name '{name}' is given to entity '{ent.id}' and to '{other.id}' "
                                    f"({other.path}:{other.line})", ent.path, ent.line, "E306",
                                    "a name must belong to one entity; remove it from one of them")
                owner[name] = ent
        for eid, names in taken.items():
            ent = self.entities[eid]
            self.entities[eid] = dataclasses.replace(
                ent, names=tuple(n for n in ent.names if match_form(n) not in names),
                match_names=tuple(m for m in ent.match_names if m not in names))

    def _target(self, rules: dict[str, ClaimRule], ident, path: str, line: int, key: str) -> ClaimRule:
        if not isinstance(ident, str) or ident not in rules:
            raise self._err(f"{key}: unknown rule {ident!r}", path, line, "E305",
                            suggest(str(ident), rules) or "give the full id as `rules list` shows it, "
                                                          "e.g. ai-chips.h100-price")
        return rules[ident]

    def _extend(self, target: ClaimRule, path: str, namespace: str, item: MarkedMap) -> ClaimRule:
        """The rule ``target`` with the additions of an ``extends:`` item: its lists (words,
        qualifiers, separate, exclude …) are added to, every other key it gives replaces."""
        base = self._raw_of(target)
        merged = MarkedMap()
        merged.line = item.line
        for k, v in base.items():
            if k != "examples":
                merged[k] = v
                merged.key_marks[k] = base.key_marks.get(k, (base.line, 1))
        for k, v in item.items():
            if k in ("extends", "examples"):
                continue
            if k in LIST_KEYS and k in merged:
                merged[k] = _merge_value(k, merged[k], v)
            else:
                merged[k] = v
            merged.key_marks[k] = item.key_marks.get(k, (item.line, 1))
        local = target.id.split(".", 1)[1] if "." in target.id else target.id
        merged["id"] = local
        rule = self._claim_rule(path, namespace, merged, origin=target.origin, rule_id=target.id)
        self.raw_by_id[target.id] = merged
        examples = self._examples(path, item, rule, f"the extension of rule '{target.id}'")
        return dataclasses.replace(rule, path=target.path, line=target.line, examples=target.examples + examples,
                                   extended_by=target.extended_by + (f"{path}:{item.line}",),
                                   replaces=target.replaces)

    def _raw_of(self, rule: ClaimRule) -> MarkedMap:
        """The mapping a rule was last built from."""
        return self.raw_by_id[rule.id]

    def _disabled(self, rules: dict[str, ClaimRule]) -> list[str]:
        out: list[str] = []
        for pattern, path, line in self.disable:
            if pattern.endswith("*"):
                found = [rid for rid in rules if rid.startswith(pattern[:-1])]
            else:
                found = [pattern] if pattern in rules else []
            if not found and pattern not in out:
                raise self._err(f"disable: unknown rule '{pattern}'", path, line, "E305",
                                suggest(pattern, rules) or "give the full id as `rules list` shows it, "
                                                           "or a prefix ending in '*' (ai-chips.*)")
            out.extend(rid for rid in found if rid not in out)
        return out

    def _claim_rule(self, path: str, namespace: str, item: MarkedMap, *, origin: str = ORIGIN_USER,
                    rule_id: str | None = None) -> ClaimRule:
        if rule_id is None:
            local_id = self._id(item["id"], path, item.line_of("id"), "rule id")
            rid = f"{namespace}.{local_id}"
        else:
            local_id = rid = rule_id
        where = f"rule '{local_id}'"

        raw_subject, subject_each = item["subject"], False
        if isinstance(raw_subject, MarkedMap):  # subject: {each: [h100, a100]}: one rule per subject
            self._check_keys(raw_subject, {"each": True}, path, f"subject of {where}")
            raw_subject, subject_each = raw_subject["each"], True
        subjects = [w for w, _ in self._strings(raw_subject, path, item.line_of("subject"), f"subject of {where}")]
        for eid in subjects:
            if eid not in self.entities:
                raise self._err(f"unknown entity '{eid}' as subject of {where}", path, item.line_of("subject"),
                                "E305", suggest(eid, self.entities) or "define it under 'entities:'")
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

        units = []
        for unit, uline in self._strings(item["unit"], path, item.line_of("unit"), f"unit of {where}"):
            if unit not in UNITS:
                raise self._err(f"unknown unit {brief(unit)} in {where}", path, uline, "E304",
                                suggest(unit, UNITS) or "use percent, pp, times, count, number, money, "
                                                         "a currency code (USD, CNY …) or a unit symbol (nm, GB …)")
            units.append(unit)
        units = list(dict.fromkeys(units))
        unit = units[0]

        words = tuple(dict.fromkeys(match_form(w) for w, _ in
                                    (self._strings(item["words"], path, item.line_of("words"), f"words of {where}")
                                     if "words" in item else [])))
        patterns = tuple(compile_pattern(p, path=path, line=pl, where=where) for p, pl in
                         (self._strings(item["patterns"], path, item.line_of("patterns"), f"patterns of {where}")
                          if "patterns" in item else []))
        if not words and not patterns:
            raise self._err(f"{where} has no metric words", path, item.line, "E303",
                            "add 'words:' (e.g. [市场份额, 份额]) or 'patterns:'")
        context, context_any = (), ()
        if "context" in item:
            raw_context = item["context"]
            if isinstance(raw_context, MarkedMap):  # context: {all: [...], any: [...]}
                self._check_keys(raw_context, {"all": False, "any": False}, path, f"context of {where}")
                if not raw_context:
                    raise self._err(f"context of {where} is empty", path, item.line_of("context"), "E304",
                                    "give 'all: [words]' and/or 'any: [words]'")
                all_words = raw_context.get("all") or MarkedList()
                any_words = raw_context.get("any") or MarkedList()
            else:
                all_words, any_words = raw_context, MarkedList()
            context = tuple(match_form(w) for w, _ in self._strings(all_words, path, item.line_of("context"),
                                                                      f"context of {where}")) if all_words else ()
            context_any = tuple(match_form(w) for w, _ in self._strings(any_words, path, item.line_of("context"),
                                                                          f"context of {where}")) if any_words else ()
        unless = tuple(match_form(w) for w, _ in self._strings(item["unless"], path, item.line_of("unless"),
                                                                 f"unless of {where}")) if "unless" in item else ()
        exclude = tuple(match_form(w) for w, _ in self._strings(item["exclude"], path, item.line_of("exclude"),
                                                                  f"exclude of {where}")) if "exclude" in item else ()
        classifiers = ()
        if "classifier" in item:
            if "count" not in units:
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
                                    "E304", suggest(name, list(self.qualifiers) + list(BUILTIN_QUALIFIERS))
                                    or "define it under 'qualifiers:'")
            return tuple(dict.fromkeys(names))

        quals = qualifier_list("qualifiers")
        separate = qualifier_list("separate")
        both = set(quals) & set(separate)
        if both:
            raise self._err(f"{where}: '{sorted(both)[0]}' is in both qualifiers and separate", path,
                            item.line_of("separate"), "E304", "keep it in one of the two lists")
        money = [u for u in units if u == "money" or u in CURRENCIES]
        if (unit == "money" or len(money) > 1) and "currency" not in separate and "currency" not in quals:
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

        range_low, range_high = self._bounds(item, "range", path, where)
        plausible_low, plausible_high = self._bounds(item, "plausible", path, where)
        priority = item.get("priority", 0)
        if isinstance(priority, Decimal) and priority == priority.to_integral_value():
            priority = int(priority)
        if isinstance(priority, bool) or not isinstance(priority, int):
            raise self._err(f"priority of {where} must be a whole number", path, item.line_of("priority"), "E304",
                            "e.g. priority: 1 (higher wins; the default is 0)")

        timeless = item.get("timeless", False)
        if not isinstance(timeless, bool):
            raise self._err(f"timeless of {where} must be true or false", path, item.line_of("timeless"), "E304")
        window_days = None
        if "window" in item:
            raw = str(item["window"]).strip().lower()
            m = WINDOW.match(raw)
            if not m:
                raise self._err(f"window of {where} must be a number of days, weeks or months, not {item['window']!r}",
                                path, item.line_of("window"), "E304", "write e.g. 30d, 8w or 3m")
            window_days = int(m.group("n")) * {"d": 1, "": 1, "w": 7, "m": 31, "y": 366}[m.group("u")]
        rule = ClaimRule(timeless=timeless, window_days=window_days, id=rid, subjects=tuple(subjects), subject_optional=subject_optional, metric=metric,
                         label=label, words=words, patterns=patterns, context=context, exclude=exclude,
                         unit=unit, classifiers=classifiers, qualifiers=quals, separate=separate,
                         require=require, tolerance=tolerance, tolerance_relative=relative,
                         range_low=range_low, range_high=range_high, examples=(),
                         path=path, line=item.line, units=tuple(units), context_any=context_any, unless=unless,
                         subject_each=subject_each, plausible_low=plausible_low, plausible_high=plausible_high,
                         priority=priority, origin=origin)
        return dataclasses.replace(rule, examples=self._examples(path, item, rule, where))

    def _bounds(self, item: MarkedMap, key: str, path: str, where: str):
        """``range`` / ``plausible``: [lowest, highest], null for an open side."""
        if key not in item:
            return None, None
        raw = item[key]
        rline = item.line_of(key)
        if not isinstance(raw, MarkedList) or len(raw) != 2:
            raise self._err(f"{key} of {where} must be [lowest, highest]", path, rline, "E304",
                            "write e.g. [0, 100]; use null for an open side")
        low = None if raw[0] is None else parse_rule_number(raw[0], path=path, line=rline, what=f"{key} of {where}")
        high = None if raw[1] is None else parse_rule_number(raw[1], path=path, line=rline, what=f"{key} of {where}")
        if low is not None and high is not None and low > high:
            raise self._err(f"{key} of {where} has its lowest above its highest", path, rline, "E304")
        return low, high

    def _examples(self, path: str, item: MarkedMap, rule: ClaimRule, where: str) -> tuple[Example, ...]:
        quals, separate, subjects = rule.qualifiers, rule.separate, rule.subjects
        examples = []
        raw_examples = item.get("examples") or MarkedList()
        if not isinstance(raw_examples, MarkedList):
            raise self._err(f"examples of {where} must be a list", path, item.line_of("examples"), "E304")
        for ex, eline in zip(raw_examples, raw_examples.item_lines):
            if isinstance(ex, str):  # shorthand: a sentence that must match, any value
                if len(ex) > MAX_EXAMPLE:
                    raise self._err(f"example text of {where} is {len(ex):,} characters long; the limit is "
                                    f"{MAX_EXAMPLE}", path, eline, "E304", "give one sentence")
                examples.append(Example(ex, None, True, (), None, path, eline))
                continue
            self._check_keys(ex, EXAMPLE_KEYS, path, f"an example of {where}")
            text = ex["text"]
            if not isinstance(text, str) or not text.strip():
                raise self._err(f"example text of {where} must be a sentence", path, eline, "E304")
            if len(text) > MAX_EXAMPLE:
                raise self._err(f"example text of {where} is {len(text):,} characters long; the limit is "
                                f"{MAX_EXAMPLE}", path, eline, "E304", "give one sentence")
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
                                    path, eq.line_of(qn), "E304", suggest(qn, quals + separate))
            subject = ex.get("subject")
            if subject is not None and subject not in subjects:
                raise self._err(f"example of {where} names subject '{subject}' that is not a subject of the rule",
                                path, ex.line_of("subject"), "E305", suggest(subject, subjects))
            examples.append(Example(text, value, match, tuple(sorted((str(k), str(v)) for k, v in eq.items())),
                                    subject, path, eline))

        return tuple(examples)


def _as_list(value) -> MarkedList:
    """A list value of a rule (one word, or a list), as a MarkedList."""
    if isinstance(value, MarkedList):
        return value
    out = MarkedList()
    out.append(value)
    out.item_marks.append((getattr(value, "line", 0), 1))
    return out


def _concat(a, b) -> MarkedList:
    a, b = _as_list(a), _as_list(b)
    out = MarkedList()
    out.line, out.column = b.line, b.column
    out.extend(list(a) + list(b))
    out.item_marks.extend(list(a.item_marks) + list(b.item_marks))
    return out


def _merge_value(key: str, a, b):
    """An extension's value for a list key added to the rule's own.  ``subject: {each: …}`` and
    ``context: {all: …, any: …}`` merge by their parts (a plain list adds to each / all)."""
    if not isinstance(a, MarkedMap) and not isinstance(b, MarkedMap):
        return _concat(a, b)
    part = "each" if key == "subject" else "all"
    out = MarkedMap()
    for side in (a, b):
        parts = side if isinstance(side, MarkedMap) else {part: side}
        out.line = getattr(side, "line", out.line)
        for k, v in parts.items():
            out[k] = _concat(out[k], v) if k in out else v
            out.key_marks[k] = getattr(side, "key_marks", {}).get(k, (out.line, 1))
    return out


def _without(item: MarkedMap, key: str) -> MarkedMap:
    out = MarkedMap()
    out.line, out.column = item.line, item.column
    for k, v in item.items():
        if k != key:
            out[k] = v
            out.key_marks[k] = item.key_marks.get(k, (item.line, 1))
    return out


def _merge_qualifier(shipped: Qualifier, user: Qualifier, where: str) -> Qualifier:
    """A user definition of a shipped qualifier: its words are added to the values both name,
    its new values and entities are added, its default (if any) replaces the shipped one."""
    values = dict(shipped.values)
    for value, words in user.values:
        values[value] = tuple(dict.fromkeys(values.get(value, ()) + words))
    return dataclasses.replace(shipped, values=tuple(values.items()),
                               entities=tuple(dict.fromkeys(shipped.entities + user.entities)),
                               default=user.default if user.default is not None else shipped.default,
                               extended_by=shipped.extended_by + (where,))
