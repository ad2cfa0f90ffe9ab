"""A rule file's entities, qualifiers and claim rules -> validated, typed rules.

``Builder`` takes the files one by one (each read once by ``source.read_yaml``, with the
line and column of every value), then resolves references across them in ``finish``:
a rule may use an entity or qualifier defined in any loaded file.  Everything an editor
can get wrong is a RuleFileError with the file, the line and what to change.  Words and
names are stored in their matching form (``text.match_form``: Simplified, full-width
folded, spaces removed, ASCII lower-cased), because matching runs on ``Document.norm``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

from ..errors import RuleFileError
from ..model import UNITS
from ..text import match_form, normalize
from .checks import parse_checks, validate_references
from .notices import parse_notice_settings
from .patterns import compile_pattern
from .ruleset import BUILTIN_QUALIFIERS, ClaimRule, Entity, Example, Qualifier, RuleSet
from .source import MarkedList, MarkedMap, parse_rule_number, read_yaml, suggest

TOP_KEYS = {"name": False, "description": False, "entities": False, "qualifiers": False, "claims": False,
            "checks": False, "notices": False}
ENTITY_KEYS = {"names": True, "kind": False, "fuzzy": False, "description": False}
QUALIFIER_KEYS = {"values": False, "entities": False, "default": False, "description": False}
CLAIM_KEYS = {"id": True, "subject": True, "metric": True, "unit": True, "label": False, "description": False,
              "words": False, "patterns": False, "context": False, "exclude": False, "classifier": False,
              "qualifiers": False, "separate": False, "require": False, "subject_optional": False,
              "tolerance": False, "range": False, "examples": False, "timeless": False, "window": False}
EXAMPLE_KEYS = {"text": True, "value": False, "match": False, "qualifiers": False, "subject": False}

#: A time window: 90d, 12w, 3m, 1y (days when no unit is given).
WINDOW = re.compile(r"^(?P<n>\d{1,4})\s*(?P<u>d|w|m|y|)$")

#: An id: lower-case words joined by '-', digits allowed ("nvidia", "gpt-5", "h100").
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


class Builder:
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
        data = read_yaml(text, path)
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
                match_names=tuple(dict.fromkeys(match_form(n) for n, _ in names)),
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
                values.append((value, tuple(dict.fromkeys(match_form(w) for w, _ in word_list))))
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

        if data.get("checks") is not None:
            self.checks.extend(parse_checks(data["checks"], path, prefix=namespace))
        if data.get("notices") is not None:
            self.notices.update(parse_notice_settings(data["notices"], path))

    def _check_mapping(self, value, path, line, what):
        if not isinstance(value, MarkedMap):
            raise self._err(f"{what} must be a mapping (key: value lines)", path, line, "E304")

    # -- across files
    def finish(self, version: str) -> RuleSet:
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
                                    suggest(eid, self.entities) or "define it under 'entities:'")
            if q.default is not None and q.default not in {v for v, _ in q.values} | set(q.entities):
                raise self._err(f"default '{q.default}' of qualifier '{q.name}' is not one of its values",
                                q.path, q.line, "E304", suggest(q.default, [v for v, _ in q.values]))
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
        validate_references(self.checks, [r.id for r in rules])
        return RuleSet(entities=dict(self.entities), qualifiers=dict(self.qualifiers), rules=tuple(rules),
                       files=tuple(self.files), version=version, checks=tuple(self.checks),
                       notice_levels=dict(self.notices))

    def _claim_rule(self, path: str, namespace: str, item: MarkedMap) -> ClaimRule:
        local_id = self._id(item["id"], path, item.line_of("id"), "rule id")
        rid = f"{namespace}.{local_id}"
        where = f"rule '{local_id}'"

        subjects = [w for w, _ in self._strings(item["subject"], path, item.line_of("subject"), f"subject of {where}")]
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

        unit = item["unit"]
        if not isinstance(unit, str) or unit not in UNITS:
            raise self._err(f"unknown unit {unit!r} in {where}", path, item.line_of("unit"), "E304",
                            suggest(unit, UNITS) or "use percent, pp, times, count, number, money, "
                                                     "a currency code (USD, CNY …) or a unit symbol (nm, GB …)")

        words = tuple(dict.fromkeys(match_form(w) for w, _ in
                                    (self._strings(item["words"], path, item.line_of("words"), f"words of {where}")
                                     if "words" in item else [])))
        patterns = tuple(compile_pattern(p, path=path, line=pl, where=where) for p, pl in
                         (self._strings(item["patterns"], path, item.line_of("patterns"), f"patterns of {where}")
                          if "patterns" in item else []))
        if not words and not patterns:
            raise self._err(f"{where} has no metric words", path, item.line, "E303",
                            "add 'words:' (e.g. [市场份额, 份额]) or 'patterns:'")
        context = tuple(match_form(w) for w, _ in self._strings(item["context"], path, item.line_of("context"),
                                                                  f"context of {where}")) if "context" in item else ()
        exclude = tuple(match_form(w) for w, _ in self._strings(item["exclude"], path, item.line_of("exclude"),
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
                                    "E304", suggest(name, list(self.qualifiers) + list(BUILTIN_QUALIFIERS))
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
                                    path, eq.line_of(qn), "E304", suggest(qn, quals + separate))
            subject = ex.get("subject")
            if subject is not None and subject not in subjects:
                raise self._err(f"example of {where} names subject '{subject}' that is not a subject of the rule",
                                path, ex.line_of("subject"), "E305", suggest(subject, subjects))
            examples.append(Example(text, value, match, tuple(sorted((str(k), str(v)) for k, v in eq.items())),
                                    subject, path, eline))

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
        return ClaimRule(timeless=timeless, window_days=window_days, id=rid, subjects=tuple(subjects), subject_optional=subject_optional, metric=metric,
                         label=label, words=words, patterns=patterns, context=context, exclude=exclude,
                         unit=unit, classifiers=classifiers, qualifiers=quals, separate=separate,
                         require=require, tolerance=tolerance, tolerance_relative=relative,
                         range_low=range_low, range_high=range_high, examples=tuple(examples),
                         path=path, line=item.line)
