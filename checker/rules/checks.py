"""A rule file's ``checks:`` section -> validated arithmetic checks.

Each check is a formula (``rules/formula.py``, parsed safely, never ``eval``ed) whose
variables name claim rules: ``total ≈ count * price`` with ``count: ai-chips.meta-h100-count``.
Errors (E302 unknown key, E303 missing key, E304 bad value, E305 unknown rule, E306
duplicate id, E309 bad formula) carry the file, line and column.  The checks are run by
``checks/arithmetic.py``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Iterable, Mapping

from ..errors import RuleFileError
from ..model import DEFAULT_SEVERITY
from .formula import FormulaError, parse_formula
from .ruleset import Check, Variable
from .source import Locator, brief, describe, kind_of, positions, suggest

LEVELS = {"info": "info", "suggestion": "info", "warning": "warning", "error": "error"}
SCOPES = ("article", "corpus")
_CHECK_KEYS = {"id", "formula", "variables", "scope", "tolerance", "level", "description", "subject", "metric"}
_CHECK_REQUIRED = ("id", "formula", "variables")
_VARIABLE_KEYS = {"rule", "subject", "qualifiers", "scope"}

# Check and rule ids: lower-case words joined by - and . ("meta-h100-spend", "ai-chips.h100-price").
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*(?:\.[a-z0-9][a-z0-9_-]*)*$")
# A tolerance as editors write it: "10%", "2.5 %".
_PERCENT = re.compile(r"^\s*(?P<value>\d+(?:\.\d+)?)\s*%\s*$")

def parse_checks(data: Any, source_path: str | None = None, *, prefix: str | None = None) -> list[Check]:
    """Validate a rule file's ``checks:`` section and build :class:`Check` objects.

    ``data`` is the section's value (a list) or a mapping holding a ``checks`` key, as
    ``source.read_yaml`` gives it (then errors carry line and column) or as plain data.
    ``prefix`` (the rule file's id prefix, "ai-chips") is put before ids and rule
    references written without a dot.  Raises :class:`RuleFileError` (E302 unknown
    key, E303 missing key, E304 bad value, E306 duplicate id, E309 bad formula)."""
    base = ("checks",)
    value = data
    if isinstance(value, Mapping) and "checks" in value:
        value = value["checks"]  # the whole rule file
    loc = Locator(source_path, positions(value, base))
    if value is None:
        return []
    if not isinstance(value, list):
        raise RuleFileError(f"{describe(base)} must be a list of checks, not {kind_of(value)}",
                            hint="write 'checks:' followed by '- id: …' items", **loc.where(base))
    checks: list[Check] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(value):
        check = _parse_check(item, base + (i,), loc, prefix)
        if check.id in seen:
            raise RuleFileError(f"duplicate check id {check.id!r} (also {describe(base + (seen[check.id],))})",
                                code="E306", hint="give each check its own id", **loc.where(base + (i, "id")))
        seen[check.id] = i
        checks.append(check)
    return checks


def validate_references(checks: Iterable[Check], rule_ids: Iterable[str]) -> None:
    """Raise :class:`RuleFileError` (E305) when a check names a claim rule that the
    rule set does not define."""
    known = set(rule_ids)
    for check in checks:
        for var in check.variables.values():
            if var.rule not in known:
                raise RuleFileError(
                    f"check {check.id!r}: variable {var.name!r} names claim rule {var.rule!r}, which no rule "
                    f"file defines", code="E305",
                    hint=suggest(var.rule, sorted(known)) or "define the claim rule or fix the id",
                    path=check.source_path, line=check.line)


def _qualify(ident: str, prefix: str | None) -> str:
    return f"{prefix}.{ident}" if prefix and "." not in ident else ident


def _parse_check(item: Any, path: tuple, loc: Locator, prefix: str | None) -> Check:
    if not isinstance(item, Mapping):
        raise RuleFileError(f"{describe(path)} must be a mapping with id, formula and variables, not {kind_of(item)}",
                            **loc.where(path))
    for key in item:
        if key not in _CHECK_KEYS:
            raise RuleFileError(f"unknown key {brief(key)} in {describe(path)}", code="E302",
                                hint=suggest(str(key), sorted(_CHECK_KEYS))
                                or f"known keys: {', '.join(sorted(_CHECK_KEYS))}",
                                **loc.where(path + (key, "<key>")))
    for key in _CHECK_REQUIRED:
        if key not in item:
            raise RuleFileError(f"{describe(path)} has no {brief(key)}", code="E303",
                                hint={"id": "add 'id: <short-name>'",
                                      "formula": "add e.g. 'formula: total ≈ count * price'",
                                      "variables": "add 'variables:' mapping each formula name to a claim rule id"}[key],
                                **loc.where(path))
    ident = item["id"]
    if not isinstance(ident, str) or not _ID.match(ident):
        raise RuleFileError(f"bad check id {brief(ident)} in {describe(path)}",
                            hint="use lower-case words joined by '-', e.g. 'meta-h100-spend'", **loc.where(path + ("id",)))
    ident = _qualify(ident, prefix)
    where = loc.where(path + ("formula",))
    formula = parse_formula(item["formula"], **where)
    if formula.relation is None:
        raise FormulaError(f"formula {formula.text!r} of check {brief(ident)} states no relation",
                           hint="write e.g. 'total ≈ count * price' (≈, =, <=, >=, <, >)", **where)
    used = formula.variables
    if not used:
        raise FormulaError(f"formula {formula.text!r} of check {brief(ident)} uses no variable", **where)

    scope = item.get("scope", "article")
    if scope not in SCOPES:
        raise RuleFileError(f"bad scope {brief(scope)} in check {brief(ident)}", hint="use 'article' or 'corpus'",
                            **loc.where(path + ("scope",)))

    raw_vars = item["variables"]
    vpath = path + ("variables",)
    if not isinstance(raw_vars, Mapping) or not raw_vars:
        raise RuleFileError(f"'variables' of check {brief(ident)} must map each formula name to a claim rule",
                            hint="e.g. 'count: ai-chips.meta-h100-count'", **loc.where(vpath))
    variables: dict[str, Variable] = {}
    for name, spec in raw_vars.items():
        if name not in used:
            raise RuleFileError(f"variable {brief(name)} of check {brief(ident)} is not used in its formula {formula.text!r}",
                                code="E302", hint=f"the formula uses: {', '.join(used)}",
                                **loc.where(vpath + (name, "<key>")))
        variables[name] = _parse_variable(str(name), spec, vpath + (name,), loc, prefix, ident)
    missing = [name for name in used if name not in variables]
    if missing:
        raise RuleFileError(f"check {brief(ident)}: formula names {', '.join(missing)} but 'variables' does not say "
                            f"which claims they are", code="E303",
                            hint=f"add '{missing[0]}: <claim rule id>' under variables", **loc.where(vpath))

    tolerance = Decimal(0)
    if "tolerance" in item:
        m = _PERCENT.match(str(item["tolerance"])) if isinstance(item["tolerance"], str) else None
        if not m:
            raise RuleFileError(f"bad tolerance {item['tolerance']!r} in check {brief(ident)}",
                                hint="write a percentage such as '10%'", **loc.where(path + ("tolerance",)))
        tolerance = Decimal(m.group("value")) / 100

    level = item.get("level", DEFAULT_SEVERITY["arithmetic"])
    if not isinstance(level, str) or level not in LEVELS:
        raise RuleFileError(f"bad level {brief(level)} in check {brief(ident)}", hint="use info, warning or error",
                            **loc.where(path + ("level",)))
    texts = {}
    for key in ("description", "subject", "metric"):
        value = item.get(key, "")
        if not isinstance(value, str):
            raise RuleFileError(f"{brief(key)} of check {brief(ident)} must be text", **loc.where(path + (key,)))
        texts[key] = value
    start = loc.where(path)
    return Check(id=ident, formula=formula, variables=variables, scope=scope, tolerance=tolerance,
                 level=LEVELS[level], source_path=start["path"], line=start["line"], **texts)


def _parse_variable(name: str, spec: Any, path: tuple, loc: Locator, prefix: str | None, check_id: str) -> Variable:
    if isinstance(spec, str):
        spec = {"rule": spec}
        path_rule = path
    else:
        path_rule = path + ("rule",)
    if not isinstance(spec, Mapping):
        raise RuleFileError(f"variable {brief(name)} of check {check_id!r} must be a claim rule id or a mapping",
                            hint="e.g. 'count: ai-chips.meta-h100-count'", **loc.where(path))
    for key in spec:
        if key not in _VARIABLE_KEYS:
            raise RuleFileError(f"unknown key {brief(key)} in variable {brief(name)} of check {check_id!r}", code="E302",
                                hint=f"known keys: {', '.join(sorted(_VARIABLE_KEYS))}", **loc.where(path + (key, "<key>")))
    rule = spec.get("rule")
    if rule is None:
        raise RuleFileError(f"variable {brief(name)} of check {check_id!r} has no 'rule'", code="E303", **loc.where(path))
    if not isinstance(rule, str) or not _ID.match(rule):
        raise RuleFileError(f"bad claim rule id {brief(rule)} for variable {brief(name)} of check {check_id!r}",
                            hint="write the claim rule's id, e.g. 'ai-chips.h100-price'", **loc.where(path_rule))
    subject = spec.get("subject")
    if subject is not None and not isinstance(subject, str):
        raise RuleFileError(f"'subject' of variable {brief(name)} must be an entity id", **loc.where(path + ("subject",)))
    quals = spec.get("qualifiers") or {}
    if not isinstance(quals, Mapping) or not all(isinstance(v, (str, int)) for v in quals.values()):
        raise RuleFileError(f"'qualifiers' of variable {brief(name)} must map qualifier names to values",
                            hint="e.g. 'qualifiers: {chip: H100}'", **loc.where(path + ("qualifiers",)))
    scope = spec.get("scope")
    if scope is not None and scope not in SCOPES:
        raise RuleFileError(f"bad scope {brief(scope)} for variable {brief(name)}", hint="use 'article' or 'corpus'",
                            **loc.where(path + ("scope",)))
    return Variable(name=name, rule=_qualify(rule, prefix), subject=subject,
                    qualifiers=tuple(sorted((str(k), str(v)) for k, v in quals.items())), scope=scope)
