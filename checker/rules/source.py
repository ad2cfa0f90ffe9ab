"""Rule files read once: YAML with the line and column of every value, numbers as Decimal.

``read_yaml`` is the one reader of rule files, configuration-like YAML data files
(exchange rates) and their sections: a safe loader (``yaml.SafeLoader`` underneath,
never ``yaml.load`` with a full loader) whose mappings and sequences remember where
each key, value and item stands (``MarkedMap``, ``MarkedList``), so every error can
name file:line:column.  Integers and floats become ``Decimal`` (never binary floats),
dates stay text, a key written twice is an error.

``Locator`` turns a key path (``("checks", 0, "formula")``) into the place of that value
for an error, falling back to the nearest enclosing value that has one.  The value
readers (``parse_rule_number``) and "did you mean" (``suggest``) live here too, since
every section uses them.
"""

from __future__ import annotations

import os
import re
import stat
from decimal import Decimal, InvalidOperation
from typing import Any, Iterable

import yaml

from ..errors import RuleFileError
from ..load.files import open_no_wait, read_at_most
from ..text import normalize

KeyPath = tuple[Any, ...]
Mark = tuple[int, int]  #: 1-based (line, column)

# --- limits: a rule file is untrusted input --------------------------------------------

#: Largest rule file read (bytes); only regular files are read.
MAX_RULE_FILE_BYTES = 4 * 1024 * 1024
#: Deepest nesting of mappings and sequences.
MAX_DEPTH = 50
#: Largest and smallest magnitude of a number (its decimal exponent): amounts stop at 10^15 or so.
MAX_EXPONENT = 30
#: Characters of a value quoted in a message.
BRIEF = 60


def brief(value: Any, limit: int = BRIEF) -> str:
    """A value as an error message quotes it: ``repr``, cut to ``limit`` characters."""
    text = repr(value) if not isinstance(value, (MarkedMap, MarkedList)) else repr(type(value).__base__(value))
    return text if len(text) <= limit else text[:limit - 1] + "…"


def read_rule_file(path: str | os.PathLike) -> str:
    """The text of one rule file: a regular file (a FIFO, device or /dev/zero link is
    refused without waiting on it), at most MAX_RULE_FILE_BYTES, UTF-8 (a BOM allowed).
    Raises RuleFileError E301."""
    shown = str(path)
    try:
        fd = open_no_wait(path)
    except OSError as exc:
        raise RuleFileError(f"cannot read rule file ({exc.strerror or exc.__class__.__name__})", path=shown,
                            code="E301", hint="check the path given with --rules") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise RuleFileError("is not a regular file (a FIFO, socket or device)", path=shown, code="E301",
                                hint="rule files are .yaml text files; remove it from the rules directory")
        if info.st_size > MAX_RULE_FILE_BYTES:
            raise RuleFileError(f"rule file is too large ({info.st_size:,} bytes; the limit is "
                                f"{MAX_RULE_FILE_BYTES:,})", path=shown, code="E301",
                                hint="split it into several rule files")
        data = read_at_most(fd, MAX_RULE_FILE_BYTES)
    except OSError as exc:
        raise RuleFileError(f"cannot read rule file ({exc.strerror or exc.__class__.__name__})", path=shown,
                            code="E301", hint="check that it is a readable file") from None
    finally:
        os.close(fd)
    if len(data) > MAX_RULE_FILE_BYTES:
        raise RuleFileError(f"rule file is too large (the limit is {MAX_RULE_FILE_BYTES:,} bytes)", path=shown,
                            code="E301", hint="split it into several rule files")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RuleFileError(f"cannot read rule file (byte {exc.start} is not UTF-8)", path=shown, code="E301",
                            hint="save it as UTF-8 text") from None


class MarkedMap(dict):
    """A mapping from a YAML file that remembers where it, each key and each value stands."""

    line: int = 0
    column: int = 0

    def __init__(self):
        super().__init__()
        self.key_marks: dict[Any, Mark] = {}
        self.value_marks: dict[Any, Mark] = {}

    @property
    def key_lines(self) -> dict[Any, int]:
        return {k: m[0] for k, m in self.key_marks.items()}

    def line_of(self, key) -> int:
        mark = self.key_marks.get(key)
        return mark[0] if mark else self.line


class MarkedList(list):
    """A sequence from a YAML file that remembers where it and each item stand."""

    def __init__(self):
        super().__init__()
        self.line = 0
        self.column = 0
        self.item_marks: list[Mark] = []

    @property
    def item_lines(self) -> list[int]:
        return [m[0] for m in self.item_marks]


class DuplicateKey(Exception):
    def __init__(self, key, line: int, column: int):
        super().__init__(key)
        self.key, self.line, self.column = key, line, column


class Refused(Exception):
    """What the loader will not build (an alias, too deep a nesting, a number out of
    range, a value its tag cannot read), with the place and the code to report."""

    def __init__(self, message: str, mark, code: str = "E301", hint: str | None = None):
        super().__init__(message)
        self.message, self.code, self.hint = message, code, hint
        self.line = mark.line + 1 if mark is not None else None
        self.column = mark.column + 1 if mark is not None else None


def _mark(node: yaml.Node) -> Mark:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _safe_base() -> tuple[type, ...]:
    """libyaml's scanner and parser (C) under PyYAML's Python composer, so that compose_node
    below still sees every alias and every level of nesting; PyYAML's pure-Python SafeLoader
    where PyYAML was built without libyaml.  Scanning is most of the time a rule file takes
    to read (3-6x faster in C)."""
    try:
        from yaml._yaml import CParser
    except ImportError:
        return (yaml.SafeLoader,)
    from yaml.composer import Composer
    from yaml.constructor import SafeConstructor
    from yaml.resolver import Resolver

    class _CSafe(Composer, CParser, SafeConstructor, Resolver):
        def __init__(self, stream):
            CParser.__init__(self, stream)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            Composer.__init__(self)

    return (_CSafe,)


class _Loader(*_safe_base()):
    """Safe loader that records positions and reads numbers as Decimal (never float).

    It refuses aliases (``*name``: a few lines of them expand to billions of nodes), nests
    at most MAX_DEPTH deep, and turns any value its tag cannot read (``!!bool x``) into a
    Refused error at that value."""

    _depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise Refused(f"alias *{event.anchor} is not allowed in a rule file", event.start_mark,
                          hint="write the value out again instead of referring to it with '*'")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise Refused(f"nested more than {MAX_DEPTH} levels deep", self.peek_event().start_mark,
                              hint="a rule file needs a few levels of mappings and lists, not more")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep=deep)
        except (Refused, DuplicateKey, yaml.YAMLError):
            raise
        except Exception as exc:  # a tag's constructor failing on the value: !!bool x, !!binary zz
            tag = node.tag.rsplit(":", 1)[-1]
            raise Refused(f"value {brief(getattr(node, 'value', ''))} cannot be read as !!{tag} "
                          f"({exc.__class__.__name__})", node.start_mark, code="E304",
                          hint="remove the explicit tag (!!…) or write a value of that type") from None


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> MarkedMap:
    loader.flatten_mapping(node)
    out = MarkedMap()
    out.line, out.column = _mark(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, Decimal, bool)):
            key = str(key)
        if key in out:
            raise DuplicateKey(key, *_mark(key_node))
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_marks[key] = _mark(key_node)
        out.value_marks[key] = _mark(value_node)
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> MarkedList:
    out = MarkedList()
    out.line, out.column = _mark(node)
    for child in node.value:
        out.append(loader.construct_object(child, deep=True))
        out.item_marks.append(_mark(child))
    return out


def _construct_decimal(loader: _Loader, node: yaml.ScalarNode):
    text = node.value.replace("_", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text  # .inf, .nan, 0x1F: left as text, rejected where a number is needed
    if not value.is_finite():
        return text
    if not in_range(value):
        raise Refused(f"number {brief(node.value)} is out of range", node.start_mark, code="E304",
                      hint=f"write a number between 1e-{MAX_EXPONENT} and 1e{MAX_EXPONENT}")
    return value


def in_range(value: Decimal) -> bool:
    """True for zero and for numbers whose magnitude is within 10^±MAX_EXPONENT."""
    return value.is_zero() or -MAX_EXPONENT <= value.adjusted() <= MAX_EXPONENT


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_decimal)
# Dates stay text: a rule file has no use for them, and str is easier to report.
_Loader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: node.value)


def read_yaml(text: str, path: str) -> Any:
    """The YAML document in ``text`` as MarkedMap / MarkedList / scalars.  Raises
    RuleFileError E301 (not valid YAML) or E306 (a key written twice)."""
    deep = _flow_too_deep(text)
    if deep is not None:  # PyYAML's scanner is quadratic in the depth of [ { nesting: refuse before it
        raise RuleFileError(f"nested more than {MAX_DEPTH} levels deep", path=path, line=deep, code="E301",
                            hint="a rule file needs a few levels of mappings and lists, not more")
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader derives from SafeLoader
    except Refused as exc:
        raise RuleFileError(exc.message, path=path, line=exc.line, column=exc.column, code=exc.code,
                            hint=exc.hint) from None
    except RecursionError:
        raise RuleFileError("nested too deeply to read", path=path, code="E301",
                            hint="a rule file needs a few levels of mappings and lists, not more") from None
    except DuplicateKey as exc:
        raise RuleFileError(f"key '{exc.key}' appears twice in the same mapping", path=path, line=exc.line,
                            column=exc.column, code="E306", hint="keep one of them") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = (exc.problem or "syntax error").strip()
        raise RuleFileError(f"not valid YAML: {problem}", path=path, line=mark.line + 1 if mark else None,
                            column=mark.column + 1 if mark else None, code="E301",
                            hint="check the indentation and quoting on this line (a ':' inside a "
                                 "word needs quotes)") from None
    except yaml.YAMLError as exc:
        raise RuleFileError(f"not valid YAML: {exc}", path=path, code="E301") from None


def _flow_too_deep(text: str) -> int | None:
    """The line where ``[`` / ``{`` nesting first goes past MAX_DEPTH (outside quotes and
    comments, roughly), or None.  Linear, and skipped when the text has few brackets."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    depth, line, quote, comment, previous = 0, 1, "", False, "\n"
    for ch in text:
        if ch == "\n":
            line += 1
            comment = False
        elif comment:
            pass
        elif quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"" and previous in " \t\n[{,:-":
            quote = ch
        elif ch == "#" and previous in " \t\n":
            comment = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line
        elif ch in "]}":
            depth = max(0, depth - 1)
        previous = ch
    return None


# --- positions --------------------------------------------------------------------------


def positions(data: Any, base: KeyPath = ()) -> dict[KeyPath, Mark]:
    """Key path -> (line, column) of every part of ``data`` that remembers its place
    (``(…, key, "<key>")`` is the key itself).  Plain Python data has none."""
    marks: dict[KeyPath, Mark] = {}
    _walk(data, base, marks)
    return marks


def _walk(value: Any, path: KeyPath, marks: dict[KeyPath, Mark]) -> None:
    line = getattr(value, "line", 0)
    if isinstance(line, int) and line > 0:
        marks.setdefault(path, (line, getattr(value, "column", 0)))
    if isinstance(value, MarkedMap):
        for key, child in value.items():
            if key in value.key_marks:
                marks[path + (key, "<key>")] = value.key_marks[key]
            if key in value.value_marks:
                marks[path + (key,)] = value.value_marks[key]
            _walk(child, path + (key,), marks)
    elif isinstance(value, MarkedList):
        for i, child in enumerate(value):
            if i < len(value.item_marks):
                marks[path + (i,)] = value.item_marks[i]
            _walk(child, path + (i,), marks)
    elif isinstance(value, dict):
        for key, child in value.items():
            _walk(child, path + (key,), marks)
    elif isinstance(value, list):
        for i, child in enumerate(value):
            _walk(child, path + (i,), marks)


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
    """Finds the line and column of a key path, falling back to the nearest enclosing
    value that has one."""

    def __init__(self, source_path: str | None, marks: dict[KeyPath, Mark]):
        self.source_path = source_path
        self.marks = marks

    def where(self, path: KeyPath) -> dict:
        probe = tuple(path)
        while True:
            if probe in self.marks:
                line, column = self.marks[probe]
                return {"path": self.source_path, "line": line, "column": column or None}
            if not probe:
                return {"path": self.source_path, "line": None, "column": None}
            probe = probe[:-1]


# --- value readers ------------------------------------------------------------------------

#: A number as editors write it in a rule file: 5000, 0.5, 1e12, 1万亿, 80亿, 25%.
RULE_NUMBER = re.compile(r"^\s*(?P<num>[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*(?P<mult>万亿|千亿|百亿|亿|千万|百万|万|千)?\s*$")
MULTIPLIERS = {None: Decimal(1), "千": Decimal(10) ** 3, "万": Decimal(10) ** 4, "百万": Decimal(10) ** 6,
               "千万": Decimal(10) ** 7, "亿": Decimal(10) ** 8, "百亿": Decimal(10) ** 10,
               "千亿": Decimal(10) ** 11, "万亿": Decimal(10) ** 12}


def parse_rule_number(value, *, path: str, line: int | None, what: str, column: int | None = None) -> Decimal:
    """A number from a rule file: YAML number, or text such as '1万亿', '80亿', '1e12'."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise RuleFileError(f"{what} must be a number, not {brief(value)}", path=path, line=line, column=column,
                            code="E304", hint="write e.g. 5000, 0.5, 1e12 or 1万亿")
    m = RULE_NUMBER.match(normalize(str(value)))
    if not m:
        raise RuleFileError(f"{what} must be a number, not {brief(value)}", path=path, line=line, column=column,
                            code="E304", hint="write e.g. 5000, 0.5, 1e12 or 1万亿")
    number = Decimal(m.group("num"))
    if not in_range(number) or not in_range(number * MULTIPLIERS[m.group("mult")]):
        raise RuleFileError(f"{what} {brief(value)} is out of range", path=path, line=line, column=column,
                            code="E304", hint=f"write a number between 1e-{MAX_EXPONENT} and 1e{MAX_EXPONENT}")
    return number * MULTIPLIERS[m.group("mult")]


def suggest(word: str, choices: Iterable[str]) -> str | None:
    """"did you mean 'X'?" for the closest choice, or None."""
    choices = list(choices)
    for choice in choices:  # usd -> USD, Percent -> percent
        if str(choice).lower() == str(word).lower():
            return f"did you mean '{choice}'?"
    import difflib  # here: only a misspelt value needs it

    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else None


def kind_of(value: Any) -> str:
    """How an error names the type of a value: "a mapping", "a list", "text", "empty"."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return {str: "text", type(None): "empty"}.get(type(value), type(value).__name__)


__all__ = ["Locator", "MAX_DEPTH", "MAX_EXPONENT", "MAX_RULE_FILE_BYTES", "MarkedList", "MarkedMap", "brief",
           "describe", "in_range", "kind_of", "parse_rule_number", "positions", "read_rule_file", "read_yaml",
           "suggest"]
