"""A rule file's ``notices:`` section: a level for each notice id.

The notices themselves are found by ``checks/notices.py``; this module owns their ids,
their default levels and the validation of settings (E302 unknown notice, E304 bad
level), so that rule files and configuration name them the same way.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..errors import RuleFileError
from ..model import DEFAULT_SEVERITY
from .source import Locator, brief, positions

GARBLED_NAME = "notice.garbled-name"
NAME_VARIANTS = "notice.name-variants"
RANGE_UNIT = "notice.range-unit"
DIGIT_CHAR_MIX = "notice.digit-char-mix"
DIGIT_WIDTH = "notice.digit-width"
FIGURE_STYLE = "notice.figure-style"
IMPLAUSIBLE_VALUE = "notice.implausible-value"

#: Every notice id, in the order they are documented.
NOTICE_IDS = (GARBLED_NAME, NAME_VARIANTS, RANGE_UNIT, DIGIT_CHAR_MIX, DIGIT_WIDTH, FIGURE_STYLE, IMPLAUSIBLE_VALUE)
#: Level of each notice unless configured otherwise.
DEFAULT_LEVELS = {nid: DEFAULT_SEVERITY["notice"] for nid in NOTICE_IDS}
#: Values a setting may take ("suggestion" is read as info).
SETTING_VALUES = ("off", "info", "suggestion", "warning", "error")


# --- settings -------------------------------------------------------------------------------


def _setting_value(value: Any) -> str | None:
    if value is False or value is None:  # YAML 1.1 reads a bare `off` / `no` as false
        return "off"
    if value is True:
        return None  # "on": the default level
    if isinstance(value, str) and value.strip().lower() in SETTING_VALUES:
        value = value.strip().lower()
        return "info" if value == "suggestion" else value
    raise ValueError(value)


def _notice_id(key: str) -> str:
    return key if key.startswith("notice.") else f"notice.{key}"


def parse_notice_settings(data: Any, source_path: str | None = None) -> dict[str, str]:
    """Validate a rule file's ``notices:`` mapping: notice id (with or without the
    ``notice.`` prefix) -> ``off | info | warning | error``.  ``data`` may be the
    mapping or a whole rule file holding ``notices:``, as ``source.read_yaml`` gives it.
    Raises :class:`RuleFileError` (E302 unknown notice, E304 bad level)."""
    base = ("notices",)
    value = data
    if isinstance(value, Mapping) and "notices" in value:
        value = value["notices"]
    loc = Locator(source_path, positions(value, base))
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise RuleFileError("'notices' must map notice ids to off, info, warning or error",
                            hint="e.g. 'notices: {garbled-name: error, digit-width: off}'", **loc.where(base))
    settings: dict[str, str] = {}
    for key, level in value.items():
        nid = _notice_id(str(key))
        if nid not in NOTICE_IDS:
            raise RuleFileError(f"unknown notice {brief(key)}", code="E302",
                                hint=f"known notices: {', '.join(NOTICE_IDS)}", **loc.where(base + (key, "<key>")))
        try:
            resolved = _setting_value(level)
        except ValueError:
            raise RuleFileError(f"bad level {brief(level)} for notice {nid}", hint="use off, info, warning or error",
                                **loc.where(base + (key,))) from None
        if resolved is not None:
            settings[nid] = resolved
    return settings


def notice_levels(settings: Mapping[str, Any] | None) -> dict[str, str]:
    levels = dict(DEFAULT_LEVELS)
    for key, value in (settings or {}).items():
        nid = _notice_id(str(key))
        if nid not in levels:
            raise ValueError(f"unknown notice {brief(key)}; known: {', '.join(NOTICE_IDS)}")
        resolved = _setting_value(value)
        if resolved is not None:
            levels[nid] = resolved
    return levels
