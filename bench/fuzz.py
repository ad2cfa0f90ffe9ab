"""The long fuzz campaign: structure-aware mutated rule files, byte strings through the
loader, text through extraction (and attribution, checks and every renderer), formulas.

    python bench/fuzz.py [--target rules|load|extract|formula|all] [--runs 100000] [--seed 1]
                         [--slow 2.0] [--atheris]

Each target prints the inputs tried, the failures (an exception that is not the tool's own
error, i.e. a would-be traceback) and the slowest input, and stops with exit 1 when any
input failed or took longer than ``--slow`` seconds.  The mutators are plain functions over
``random.Random`` so the test suite runs a few hundred of the same inputs
(tests/test_fuzz.py); ``--atheris`` drives the byte targets with atheris when it is
installed (``pip install atheris``), else the built-in mutators run.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from pathlib import Path
from typing import Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.errors import FactcheckError  # noqa: E402
from checker.interval import EvaluationError  # noqa: E402

# --- rule files: structure-aware mutations ---------------------------------------------------

BASE_RULES = """\
name: ev
entities:
  catl:
    names: [宁德时代, CATL]
    kind: company
  byd: [比亚迪, BYD]
qualifiers:
  market:
    values:
      china: [中国, 国内]
      europe: [欧洲]
    default: china
claims:
  - id: battery-price
    subject: catl
    metric: pack-price
    label: 电池包价格
    words: [价格, 售价]
    patterns: ['每千瓦时\\d+']
    unit: USD
    qualifiers: [market]
    tolerance: 5%
    range: [0, 1000]
    examples:
      - text: 宁德时代电池包价格为100美元。
        value: 100
      - 宁德时代售价100美元
  - id: share
    subject: [catl, byd]
    metric: market-share
    words: [市场份额, 份额]
    unit: percent
checks:
  - id: total
    formula: total = a * b
    variables: {total: ev.battery-price, a: ev.share, b: ev.battery-price}
    tolerance: 1%
    level: warning
notices:
  garbled-name: error
"""

#: Values a mutation puts in place of a scalar: wrong types, extremes, YAML syntax, tags.
HOSTILE_VALUES = [
    "", "~", "null", "true", "[]", "{}", "[error]", "{a: 1}", "1e999999999", "-1e999999999", "1e-999999",
    ".inf", ".nan", "0x1F", "99999999999999999999999999999999999999", "'1e400'", "!!bool x", "!!int x",
    "!!float x", "!!binary zz", "!!set {a}", "!!timestamp x", "!!python/object:os.system x", "*alias",
    "&anchor x", "'a{1000000000}'", "'(a|aa)+$'", "'^(英伟达|英伟|达|伟达)*$'", "'价格('", "'[z-a]'",
    "'" + "价" * 1200 + "'", "'\x1b[2J'", "'\u202e'", "'a\\nb'", "|\n  block", ">\n  folded", "'%'", "5%",
    "1万亿", "-5", "0", "total = a *", "sum(a", "a / 0", "x" * 300, "'" + "[" * 60 + "'", "? [a]",
]
KEYS = ["id", "subject", "metric", "unit", "words", "patterns", "tolerance", "range", "examples", "names",
        "qualifiers", "separate", "require", "level", "formula", "variables", "scope", "default", "values",
        "entities", "claims", "checks", "notices", "classifier", "context", "exclude", "match", "value",
        "text", "unknown-key", "subject_optional", "fuzzy", "kind", "label"]


def mutate_rules(rng: random.Random, text: str = BASE_RULES, rounds: int | None = None) -> str:
    """A rule file changed line by line the way an editor (or an attacker) would: a value
    replaced, a key renamed, a line duplicated, moved, deleted or re-indented, nesting and
    aliases added, bytes flipped."""
    lines = text.splitlines()
    for _ in range(rounds if rounds is not None else rng.randint(1, 4)):
        if not lines:
            lines = [""]
        i = rng.randrange(len(lines))
        line = lines[i]
        op = rng.randrange(12)
        if op == 0 and ":" in line:  # replace a value
            key = line.split(":", 1)[0]
            lines[i] = f"{key}: {rng.choice(HOSTILE_VALUES)}"
        elif op == 1 and ":" in line:  # rename a key
            indent = line[:len(line) - len(line.lstrip())]
            lines[i] = indent + rng.choice(KEYS) + ":" + line.split(":", 1)[1]
        elif op == 2:
            lines.insert(i, line)
        elif op == 3:
            del lines[i]
        elif op == 4:
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == 5:  # re-indent
            lines[i] = " " * rng.choice([0, 1, 2, 3, 4, 6, 8]) + line.lstrip()
        elif op == 6:  # a new key with a hostile value
            indent = line[:len(line) - len(line.lstrip())]
            lines.insert(i + 1, f"{indent}{rng.choice(KEYS)}: {rng.choice(HOSTILE_VALUES)}")
        elif op == 7:  # deep nesting
            depth = rng.choice([5, 60, 400, 2000])
            lines.insert(i + 1, "description: " + "[" * depth + "]" * depth)
        elif op == 8:  # aliases
            lines[i:i] = ["x0: &x0 [a, a, a, a, a, a, a, a]", "x1: &x1 [*x0, *x0, *x0, *x0, *x0, *x0]",
                          "x2: [*x1, *x1, *x1, *x1, *x1, *x1, *x1]"]
        elif op == 9 and line:  # flip a character
            k = rng.randrange(len(line))
            lines[i] = line[:k] + rng.choice(":-[]{}#&*!|>'\"%@` \t\x00\x1b中") + line[k + 1:]
        elif op == 10:  # a list item where a mapping was, or the reverse
            lines[i] = ("- " + line.strip()) if not line.lstrip().startswith("- ") else line.replace("- ", "", 1)
        else:  # a long run of the same structure
            lines.insert(i + 1, "  " * rng.randint(0, 3) + "- " + ", ".join(["x"] * rng.randint(1, 50)))
    return "\n".join(lines) + "\n"


def target_rules(text: str) -> None:
    from checker.rules import load_rules_text

    try:
        load_rules_text(text, "rules/fuzz.yaml")
    except FactcheckError:
        pass


# --- loader: bytes ---------------------------------------------------------------------------

SAMPLES = [
    "英伟达在数据中心AI市场拥有98%的市场份额。".encode("utf-8"),
    "輝達在資料中心AI市場擁有80%的市場份額。".encode("big5"),
    "英伟达在数据中心AI市场拥有98%的市场份额。".encode("gbk"),
    "\ufeff---\ndate: 2024-03-01\n---\n# 标题\n```\ncode\n```\n".encode("utf-8"),
    "英伟达".encode("utf-16-le"),
]


def mutate_bytes(rng: random.Random) -> bytes:
    data = bytearray(rng.choice(SAMPLES) * rng.randint(1, 4))
    for _ in range(rng.randint(0, 8)):
        op = rng.randrange(4)
        if op == 0 and data:
            data[rng.randrange(len(data))] = rng.randrange(256)
        elif op == 1:
            data[rng.randrange(len(data) + 1):0] = rng.choice(SAMPLES)
        elif op == 2 and data:
            del data[rng.randrange(len(data))]
        else:
            data += bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    return bytes(data)


def target_load(data: bytes) -> None:
    from checker.load import document_from_bytes

    try:
        doc = document_from_bytes(data, "fuzz.md")
    except FactcheckError:
        return
    assert len(doc.norm) == len(doc.text)


# --- extraction, attribution, checks, renderers -----------------------------------------------

PIECES = ["英伟达", "AMD", "市场份额", "拥有", "98%", "超过80%", "3万-5万张", "H100", "p00", "GPT-5", "35万",
          "2.5万美元", "900亿美元", "去年", "2024年", "约", "不到1%", "四分之一", "九成", "，", "。", "\n", "\r",
          "\x1b[2J", "\u202e", "[/]", "|", "<b>", "一千二百三十四", "１２３", "％", "亿", "万亿", "据富国银行",
          "个百分点", "倍", "美分", "“", "”", "#", "```", "---", "*"]


def random_article(rng: random.Random) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 60)))


_RULESET = None


def target_extract(text: str) -> None:
    import io

    from checker.extract import extract
    from checker.load import document_from_text
    from checker.pipeline import check
    from checker.render import render_report

    doc = document_from_text(text, "fuzz.md")
    for m in extract(doc):
        assert doc.text[m.start:m.end] == m.text
    global _RULESET
    if _RULESET is None:
        from checker.rules import load_rules

        _RULESET = load_rules()
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for n, part in enumerate((text, text[::-1])):
            Path(tmp, f"{n}.md").write_text(part, encoding="utf-8", errors="surrogatepass")
        report = check([tmp], rules=None)
        for fmt in ("plain", "markdown", "json", "sarif", "github", "rich"):
            render_report(report, fmt, io.StringIO(), show_consistent=True, color=False)


# --- formulas ------------------------------------------------------------------------------------

FORMULA_TOKENS = ["a", "b", "total", "sum(", "min(", "max(", "(", ")", "+", "-", "*", "/", "=", "<", ">",
                  "<=", ">=", "≈", "1", "0", "1e999999", "2.5", "%", ",", " ", "abs(", "x" * 40]


def random_formula(rng: random.Random) -> str:
    return "".join(rng.choice(FORMULA_TOKENS) for _ in range(rng.randint(1, 25)))


def target_formula(text: str) -> None:
    from decimal import Decimal

    from checker.interval import Interval
    from checker.rules.formula import evaluate, parse_formula

    try:
        formula = parse_formula(text)
    except FactcheckError:
        return
    env = {name: Interval(Decimal(1), Decimal(2)) for name in formula.variables}
    for name in formula.aggregated:
        env[name] = [Interval(Decimal(1), Decimal(2))] * 3
    for node in (formula.left, formula.right):
        if node is not None:
            try:
                evaluate(node, env)
            except (EvaluationError, FactcheckError):
                pass


TARGETS: dict[str, tuple[Callable, Callable[[random.Random], object]]] = {
    "rules": (target_rules, mutate_rules),
    "load": (target_load, mutate_bytes),
    "extract": (target_extract, random_article),
    "formula": (target_formula, random_formula),
}


# --- the campaign -------------------------------------------------------------------------------


def campaign(name: str, runs: int, seed: int, slow: float) -> tuple[int, int, float]:
    """(inputs tried, failures, slowest seconds) for one target."""
    target, make = TARGETS[name]
    rng = random.Random(seed)
    failures = slow_inputs = 0
    slowest, slowest_input = 0.0, None
    started = time.perf_counter()
    for n in range(1, runs + 1):
        value = make(rng)
        t0 = time.perf_counter()
        try:
            target(value)
        except Exception:  # noqa: BLE001 - a would-be traceback: the finding of the campaign
            failures += 1
            if failures <= 5:
                print(f"[{name}] FAILURE on input {n}: {value!r:.300}", file=sys.stderr)
                traceback.print_exc(limit=4)
        took = time.perf_counter() - t0
        if took > slowest:
            slowest, slowest_input = took, value
        if took > slow:
            slow_inputs += 1
            print(f"[{name}] SLOW ({took:.2f} s) input {n}: {value!r:.300}", file=sys.stderr)
        if n % 10_000 == 0:
            print(f"[{name}] {n:,} inputs, {failures} failures, {slow_inputs} slow, "
                  f"{n / (time.perf_counter() - started):,.0f}/s", flush=True)
    print(f"[{name}] done: {runs:,} inputs tried, {failures} failures, {slow_inputs} over {slow:g} s; "
          f"slowest {slowest:.3f} s ({slowest_input!r:.120}); {time.perf_counter() - started:.0f} s in all",
          flush=True)
    return runs, failures + slow_inputs, slowest


def atheris_campaign(name: str, runs: int) -> None:  # pragma: no cover - needs atheris
    import atheris

    with atheris.instrument_imports(include=["checker"]):
        import checker.load  # noqa: F401
        import checker.rules  # noqa: F401
        import checker.rules.formula  # noqa: F401
    target, make = TARGETS[name]

    def one(data: bytes) -> None:
        if name == "load":
            value = data
        elif data[:1] == b"\x00":  # half the inputs: the structure-aware mutator, seeded by the data
            value = make(random.Random(data[1:]))
        else:
            value = data.decode("utf-8", "replace")
        target(value)  # anything but the tool's own errors (caught in the target) is a finding

    atheris.Setup([sys.argv[0], f"-runs={runs}"], one)
    atheris.Fuzz()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", choices=[*TARGETS, "all"], default="all")
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--slow", type=float, default=2.0, help="seconds above which an input counts as a failure")
    parser.add_argument("--atheris", action="store_true", help="drive the target with atheris (if installed)")
    args = parser.parse_args(argv)
    names = list(TARGETS) if args.target == "all" else [args.target]
    if args.atheris:
        try:
            import atheris  # noqa: F401
        except ImportError:
            print("atheris is not installed (pip install atheris); using the built-in mutators", file=sys.stderr)
        else:
            for name in names:
                atheris_campaign(name, args.runs)
            return 0
    bad = 0
    for name in names:
        _, failed, _ = campaign(name, args.runs, args.seed, args.slow)
        bad += failed
    return 1 if bad else 0


def inputs(name: str, count: int, seed: int = 0) -> Iterator[object]:
    """``count`` inputs of one target, as the campaign makes them (for the test suite)."""
    _, make = TARGETS[name]
    rng = random.Random(seed)
    for _ in range(count):
        yield make(rng)


if __name__ == "__main__":
    sys.exit(main())
