"""Formulas for derived checks, parsed safely and evaluated over intervals.

A rule file writes a check as a relation between two arithmetic expressions::

    total ≈ count * price
    ratio ≈ total / base
    nvidia + amd + intel <= 100
    sum(share) <= 100

The text is read by a small tokenizer and a recursive-descent parser; nothing is
ever passed to ``eval``.  The grammar is::

    formula  := expr [relation expr]
    relation := '≈' | '~=' | '~' | '=' | '==' | '<=' | '≤' | '>=' | '≥' | '<' | '>'
    expr     := term (('+' | '-') term)*
    term     := unary (('*' | '×' | '·' | '/' | '÷') unary)*
    unary    := '-' unary | atom
    atom     := NUMBER | NAME | NAME '(' expr (',' expr)* ')' | '(' expr ')'

A NUMBER is a decimal literal, optionally with a Chinese magnitude (``2.5万``,
``1万亿``) or a percent sign (``25%`` is 25: percents are in percent points, as
everywhere in the engine).  Functions: ``sum``, ``min``, ``max``, ``abs``.

Values are :class:`Interval` objects of ``Decimal`` bounds (``±Infinity`` for an
open side), so a range and the precision a number was written with carry
through the computation: ``[25000, 30000] × [345000, 355000]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from typing import Callable, Mapping, Sequence

from ..errors import RuleFileError
from ..interval import EvaluationError, Interval, unit_sum

#: Chinese magnitudes a literal may carry, longest first.
_MAGNITUDES = {"万亿": Decimal(10) ** 12, "亿": Decimal(10) ** 8, "万": Decimal(10) ** 4, "千": Decimal(1000)}

# Tokens.  Accepted examples: "35万", "2.5", "1万亿", "100%", "count", "h100_price",
# "≈", "~=", "<=", "≤", "×", "÷", "(", ",".
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>\d+(?:\.\d+)?(?:万亿|亿|万|千|%)?)
  | (?P<name>[^\W\d]\w*)                       # identifiers, Unicode letters allowed
  | (?P<rel>~=|==|<=|>=|≈|≤|≥|=|<|>|~)
  | (?P<op>\*\*|[-+*/×÷·])
  | (?P<lparen>[(（])
  | (?P<rparen>[)）])
  | (?P<comma>[,，])
    """,
    re.VERBOSE,
)

#: Relation spellings -> canonical relation.
RELATIONS = {"≈": "≈", "~=": "≈", "~": "≈", "=": "=", "==": "=", "<=": "<=", "≤": "<=",
             ">=": ">=", "≥": ">=", "<": "<", ">": ">"}
FUNCTIONS = ("sum", "min", "max", "abs")


class FormulaError(RuleFileError):
    """A formula that cannot be parsed."""

    code = "E309"


# --- syntax tree -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Num:
    value: Decimal
    text: str


@dataclass(frozen=True, slots=True)
class Var:
    name: str


@dataclass(frozen=True, slots=True)
class Neg:
    operand: "Node"


@dataclass(frozen=True, slots=True)
class BinOp:
    op: str  #: one of + - * /
    left: "Node"
    right: "Node"


@dataclass(frozen=True, slots=True)
class Call:
    func: str
    args: tuple["Node", ...]


Node = Num | Var | Neg | BinOp | Call


@dataclass(frozen=True, slots=True)
class Formula:
    """A parsed formula: ``left relation right`` (``relation`` None for a bare expression)."""

    text: str
    left: Node
    relation: str | None = None
    right: Node | None = None

    @property
    def variables(self) -> tuple[str, ...]:
        """Variable names in order of first appearance (functions excluded)."""
        seen: list[str] = []
        for node in (self.left, self.right):
            if node is not None:
                _collect(node, seen)
        return tuple(seen)

    @property
    def aggregated(self) -> frozenset[str]:
        """Variables used inside ``sum()``: every matching claim is summed."""
        found: set[str] = set()
        for node in (self.left, self.right):
            if node is not None:
                _collect_sums(node, found, False)
        return frozenset(found)


def _collect(node: Node, seen: list[str]) -> None:
    if isinstance(node, Var):
        if node.name not in seen:
            seen.append(node.name)
    elif isinstance(node, Neg):
        _collect(node.operand, seen)
    elif isinstance(node, BinOp):
        _collect(node.left, seen)
        _collect(node.right, seen)
    elif isinstance(node, Call):
        for arg in node.args:
            _collect(arg, seen)


def _collect_sums(node: Node, found: set[str], inside: bool) -> None:
    if isinstance(node, Var) and inside:
        found.add(node.name)
    elif isinstance(node, Neg):
        _collect_sums(node.operand, found, inside)
    elif isinstance(node, BinOp):
        _collect_sums(node.left, found, inside)
        _collect_sums(node.right, found, inside)
    elif isinstance(node, Call):
        for arg in node.args:
            _collect_sums(arg, found, inside or node.func == "sum")


# --- parser ----------------------------------------------------------------------------

MAX_FORMULA_LENGTH = 500
MAX_DEPTH = 50


def _tokenize(text: str, where: dict) -> list[tuple[str, str, int]]:
    tokens: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            raise FormulaError(f"unexpected character {text[pos]!r} at position {pos + 1} of formula {text!r}",
                               hint="use numbers, names, + - * / ( ), sum/min/max/abs and one of ≈ = <= >= < >",
                               **where)
        kind = m.lastgroup
        if kind != "space":
            tokens.append((kind, m.group(), pos))
        pos = m.end()
    return tokens


class _Parser:
    def __init__(self, text: str, where: dict):
        self.text = text
        self.where = where
        self.tokens = _tokenize(text, where)
        self.i = 0
        self.depth = 0

    def error(self, what: str) -> FormulaError:
        pos = self.tokens[self.i][2] + 1 if self.i < len(self.tokens) else len(self.text) + 1
        return FormulaError(f"{what} at position {pos} of formula {self.text!r}",
                            hint="a formula reads like 'total ≈ count * price'", **self.where)

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> tuple[str, str, int]:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def formula(self) -> Formula:
        if not self.tokens:
            raise self.error("empty formula")
        left = self.expr()
        tok = self.peek()
        relation = right = None
        if tok is not None and tok[0] == "rel":
            relation = RELATIONS[self.take()[1]]
            right = self.expr()
        if self.peek() is not None:
            raise self.error(f"unexpected {self.peek()[1]!r}")
        return Formula(self.text, left, relation, right)

    def expr(self) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error("formula nested too deeply")
        node = self.term()
        while (tok := self.peek()) is not None and tok[0] == "op" and tok[1] in "+-":
            self.take()
            node = BinOp(tok[1], node, self.term())
        self.depth -= 1
        return node

    def term(self) -> Node:
        node = self.unary()
        while (tok := self.peek()) is not None and tok[0] == "op" and tok[1] in ("*", "×", "·", "/", "÷"):
            self.take()
            op = "/" if tok[1] in "/÷" else "*"
            node = BinOp(op, node, self.unary())
        return node

    def unary(self) -> Node:
        tok = self.peek()
        if tok is not None and tok[0] == "op" and tok[1] == "-":
            self.take()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise self.error("formula nested too deeply")
            node = Neg(self.unary())
            self.depth -= 1
            return node
        return self.atom()

    def atom(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise self.error("formula ends too early")
        kind, value, _ = tok
        if kind == "number":
            self.take()
            return Num(parse_literal(value), value)
        if kind == "name":
            self.take()
            nxt = self.peek()
            if nxt is not None and nxt[0] == "lparen":
                if value not in FUNCTIONS:
                    raise self.error(f"unknown function {value!r} (known: {', '.join(FUNCTIONS)})")
                self.take()
                args = [self.expr()]
                while (sep := self.peek()) is not None and sep[0] == "comma":
                    self.take()
                    args.append(self.expr())
                self.expect_rparen()
                if value in ("abs", "sum") and len(args) != 1:
                    raise self.error(f"{value}() takes one argument")
                if value == "sum" and not isinstance(args[0], Var):
                    raise self.error("sum() takes the name of one variable")
                return Call(value, tuple(args))
            if value in FUNCTIONS:
                raise self.error(f"{value!r} is a function; write {value}(…)")
            return Var(value)
        if kind == "lparen":
            self.take()
            node = self.expr()
            self.expect_rparen()
            return node
        raise self.error(f"unexpected {value!r}")

    def expect_rparen(self) -> None:
        tok = self.peek()
        if tok is None or tok[0] != "rparen":
            raise self.error("missing ')'")
        self.take()


def parse_literal(text: str) -> Decimal:
    """``2.5万`` -> 25000, ``25%`` -> 25, ``7`` -> 7."""
    text = text.rstrip("%")
    for word, factor in _MAGNITUDES.items():
        if text.endswith(word):
            return Decimal(text[: -len(word)]) * factor
    return Decimal(text)


def parse_formula(text: str, *, path: str | None = None, line: int | None = None,
                  column: int | None = None) -> Formula:
    """Parse a formula; raises :class:`FormulaError` (E309) saying where and what to change."""
    where = {"path": path, "line": line, "column": column}
    if not isinstance(text, str):
        raise FormulaError(f"a formula must be text, not {type(text).__name__}", **where)
    if len(text) > MAX_FORMULA_LENGTH:
        raise FormulaError(f"formula longer than {MAX_FORMULA_LENGTH} characters", **where)
    return _Parser(text.strip(), where).formula()


# --- evaluation ------------------------------------------------------------------------

Env = Mapping[str, Interval | Sequence[Interval]]


def evaluate(node: Node, env: Env) -> Interval:
    """The interval a (sub)expression can take given each variable's interval.

    ``env`` maps a variable to an Interval, or (for variables summed with ``sum``)
    to a sequence of Intervals.  Raises :class:`EvaluationError` when a value is
    missing or the arithmetic is undefined."""
    with localcontext() as ctx:
        ctx.prec = 34
        ctx.traps[InvalidOperation] = True
        try:
            return _eval(node, env)
        except (InvalidOperation, ArithmeticError) as exc:  # pragma: no cover - guarded above
            raise EvaluationError(str(exc)) from exc


def _eval(node: Node, env: Env) -> Interval:
    if isinstance(node, Num):
        return Interval.point(node.value)
    if isinstance(node, Var):
        if node.name not in env:
            raise EvaluationError(f"no value for {node.name}")
        value = env[node.name]
        if isinstance(value, Interval):
            return value
        if len(value) != 1:
            raise EvaluationError(f"{node.name} has {len(value)} values; use sum({node.name})")
        return value[0]
    if isinstance(node, Neg):
        return -_eval(node.operand, env)
    if isinstance(node, BinOp):
        left, right = _eval(node.left, env), _eval(node.right, env)
        ops: dict[str, Callable[[Interval, Interval], Interval]] = {
            "+": Interval.__add__, "-": Interval.__sub__, "*": Interval.__mul__, "/": Interval.__truediv__}
        return ops[node.op](left, right)
    if isinstance(node, Call):
        if node.func == "sum":
            name = node.args[0].name  # type: ignore[union-attr]
            if name not in env:
                raise EvaluationError(f"no value for {name}")
            value = env[name]
            parts = [value] if isinstance(value, Interval) else list(value)
            if not parts:
                raise EvaluationError(f"no value for {name}")
            total = parts[0]
            for part in parts[1:]:
                total = total + part
            return total
        args = [_eval(a, env) for a in node.args]
        if node.func == "abs":
            return args[0].abs()
        unit = args[0].unit
        for a in args[1:]:
            unit = unit_sum(unit, a.unit)
        if node.func == "min":
            return Interval(min(a.lo for a in args), min(a.hi for a in args), unit)
        return Interval(max(a.lo for a in args), max(a.hi for a in args), unit)
    raise EvaluationError(f"unknown node {node!r}")  # pragma: no cover


def holds(relation: str, left: Interval, right: Interval) -> bool:
    """Whether ``left relation right`` can be true for some values in the intervals.

    ``≈`` and ``=`` hold when the intervals overlap (tolerance is applied by
    widening the intervals beforehand); ``<=`` when the smallest left value is at
    most the largest right value, and so on."""
    if relation in ("≈", "="):
        return left.overlaps(right)
    if relation == "<=":
        return left.lo <= right.hi
    if relation == "<":
        return left.lo < right.hi
    if relation == ">=":
        return left.hi >= right.lo
    if relation == ">":
        return left.hi > right.lo
    raise EvaluationError(f"unknown relation {relation!r}")


def render(node: Node, show: Callable[[str], str] | None = None) -> str:
    """The expression as text with × and ÷, variables shown through ``show`` (a
    summed variable then reads ``(98% + 1.2% + <1%)``)."""
    if show is not None and isinstance(node, Call) and node.func == "sum" and isinstance(node.args[0], Var):
        return f"({show(node.args[0].name)})"
    show = show or (lambda name: name)
    if isinstance(node, Num):
        return node.text
    if isinstance(node, Var):
        return show(node.name)
    if isinstance(node, Neg):
        return "-" + _paren(node.operand, show, True)
    if isinstance(node, BinOp):
        symbol = {"+": " + ", "-": " − ", "*": " × ", "/": " ÷ "}[node.op]
        tight = node.op in "*/"
        return _paren(node.left, show, tight) + symbol + _paren(node.right, show, tight or node.op == "-")
    if isinstance(node, Call):
        return f"{node.func}(" + ", ".join(render(a, show) for a in node.args) + ")"
    raise TypeError(node)  # pragma: no cover


def _paren(node: Node, show, tight: bool) -> str:
    text = render(node, show)
    if tight and isinstance(node, BinOp) and node.op in "+-":
        return f"({text})"
    return text
