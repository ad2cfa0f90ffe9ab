"""Where a value sits in a YAML file, for error messages.

Rule-file sections (``checks:``, ``notices:``) are validated by the module that
uses them.  They may arrive as plain Python objects (``yaml.safe_load``) or as a
composed YAML node (``yaml.compose``); in the second case every value keeps its
line and column, and :func:`plain` returns both the Python value and a map from
key paths (``("checks", 0, "formula")``) to 1-based (line, column).
"""

from __future__ import annotations

from typing import Any

import yaml

KeyPath = tuple[Any, ...]


def plain(data: Any, base: KeyPath = ()) -> tuple[Any, dict[KeyPath, tuple[int, int]]]:
    """The Python value of ``data`` and the positions of its parts.

    ``data`` may be a composed YAML node (line and column of every part), a
    mapping or list that remembers lines the way the rule loader's containers do
    (``line``, ``key_lines``/``line_of`` for mappings, ``item_lines`` for lists;
    lines only), or a plain object (no positions)."""
    if not isinstance(data, yaml.Node):
        marks: dict[KeyPath, tuple[int, int]] = {}
        _walk_marked(data, base, marks)
        return data, marks
    marks: dict[KeyPath, tuple[int, int]] = {}
    _walk(data, base, marks)
    constructor = yaml.constructor.SafeConstructor()
    value = constructor.construct_document(data)
    return value, marks


def _walk(node: yaml.Node, path: KeyPath, marks: dict) -> None:
    marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            marks[path + (key, "<key>")] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _walk(value_node, path + (key,), marks)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, path + (i,), marks)


def _walk_marked(value: Any, path: KeyPath, marks: dict) -> None:
    line = getattr(value, "line", None)
    if isinstance(line, int) and line > 0:
        marks[path] = (line, 0)
    if isinstance(value, dict):
        key_lines = getattr(value, "key_lines", {}) or {}
        for key, child in value.items():
            if key in key_lines:
                marks[path + (key, "<key>")] = (key_lines[key], 0)
                marks.setdefault(path + (key,), (key_lines[key], 0))
            _walk_marked(child, path + (key,), marks)
            if key in key_lines and path + (key,) not in marks:
                marks[path + (key,)] = (key_lines[key], 0)
    elif isinstance(value, list):
        item_lines = getattr(value, "item_lines", []) or []
        for i, child in enumerate(value):
            if i < len(item_lines):
                marks.setdefault(path + (i,), (item_lines[i], 0))
            _walk_marked(child, path + (i,), marks)


def describe(path: KeyPath) -> str:
    """``("checks", 0, "formula")`` -> ``checks[0].formula``."""
    out = ""
    for part in path:
        if part == "<key>":
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class Locator:
    """Finds the line and column of a key path, falling back to the nearest
    enclosing value that has one."""

    def __init__(self, source_path: str | None, marks: dict[KeyPath, tuple[int, int]]):
        self.source_path = source_path
        self.marks = marks

    def where(self, path: KeyPath) -> dict:
        probe = tuple(path)
        while probe:
            if probe in self.marks:
                line, column = self.marks[probe]
                return {"path": self.source_path, "line": line, "column": column or None}
            probe = probe[:-1]
        if () in self.marks:
            line, column = self.marks[()]
            return {"path": self.source_path, "line": line, "column": column or None}
        return {"path": self.source_path, "line": None, "column": None}
