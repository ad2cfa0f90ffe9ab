"""The architecture as a test: every import points down the data flow.

    load -> extract -> rules -> attribute -> checks -> (suppress, config, archive)
         -> pipeline, index -> render -> commands, cli

Each module's imports are read with ``ast`` (function-local imports included) and
resolved to the project's own modules; the test fails on an import circle between
modules or an import that points up the flow.  What several stages share lives on the
ground floor (model, errors, text, names, interval, amounts, resources, display).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "checker"

GROUND = {"checker", "checker.data", "checker.model", "checker.errors", "checker.text", "checker.names",
          "checker.interval", "checker.amounts", "checker.resources", "checker.display", "checker.workers"}

#: Floors of the data flow, lowest first; a module may import its own floor's package and lower floors.
FLOORS = [
    ("load",), ("extract",), ("rules",), ("attribute",), ("checks",), ("suppress", "config", "archive"),
    ("pipeline", "index", "suggest"), ("render",), ("commands", "cli", "__main__"),
]


def stage_of(module: str) -> str | None:
    """'checker.rules.source' -> 'rules'; None for the ground floor."""
    if module in GROUND:
        return None
    return module.split(".")[1]


def floor_of(stage: str) -> int:
    for i, names in enumerate(FLOORS):
        if stage in names:
            return i
    raise AssertionError(f"checker.{stage} belongs to no floor of the data flow: add it to FLOORS")


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """The project modules a file imports, wherever in the file (function-local too)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "checker")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "checker":
                continue
            for alias in node.names:  # `from . import x` may name a module
                candidate = f"{target}.{alias.name}"
                found.add(candidate if _is_module(candidate) else target)
    return {m for m in found if m != name}


def _is_module(name: str) -> bool:
    rel = Path(*name.split("."))
    return (PACKAGE.parent / rel).with_suffix(".py").is_file() or (PACKAGE.parent / rel / "__init__.py").is_file()


def all_imports() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in sorted(PACKAGE.rglob("*.py"))}


def violations(graph: dict[str, set[str]]) -> list[str]:
    out = []
    for module, targets in sorted(graph.items()):
        stage = stage_of(module)
        for target in sorted(targets):
            to = stage_of(target)
            if stage is None:
                if to is not None:
                    out.append(f"{module} (ground floor) imports the stage {target}")
                continue
            if to is None or to == stage:
                continue
            if stage == "archive" and target not in ("checker.model", "checker.errors"):
                out.append(f"{module}: archive/ imports only the model and the errors, not {target}")
            elif stage == "render" and to is not None:
                out.append(f"{module}: render/ imports only model, amounts, interval, display and errors, not {target}")
            elif floor_of(to) > floor_of(stage):
                out.append(f"{module} imports {target}, which comes later in the data flow (an upward import)")
        if stage == "archive":
            out += [f"{module}: archive/ imports only the model and the errors, not {t}" for t in sorted(targets)
                    if stage_of(t) is None and t not in ("checker.model", "checker.errors")]
        if stage == "render":
            # interval: the charts draw each claim's interval by the one definition compare uses;
            # display: the one display form of paths and text
            out += [f"{module}: render/ imports only model, amounts, interval, display and errors, not {t}"
                    for t in sorted(targets) if stage_of(t) is None
                    and t not in ("checker", "checker.model", "checker.amounts", "checker.interval", "checker.errors",
                                  "checker.display")]
    return out


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Import circles between modules (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_every_import_points_down_the_data_flow():
    assert violations(all_imports()) == []


def test_no_import_circle():
    graph = all_imports()
    # a package's __init__ re-exporting its own modules is not a circle of the data flow
    graph = {m: {t for t in ts if not (m.startswith(t + ".") or t.startswith(m + "."))} for m, ts in graph.items()}
    assert circles(graph) == []


@pytest.mark.parametrize("module, target, why", [
    ("checker.load.dates", "checker.rules", "upward"),
    ("checker.rules.claims", "checker.attribute", "upward"),
    ("checker.archive.store", "checker.rules", "archive imports only model and errors"),
    ("checker.render.plain", "checker.pipeline", "render imports only model, amounts and errors"),
    ("checker.text", "checker.load", "ground floor imports no stage"),
    ("checker.checks.compare", "checker.commands", "no stage imports the commands"),
])
def test_a_deliberate_upward_import_is_caught(module, target, why):
    graph = all_imports()
    graph[module] = graph[module] | {target}
    assert any(module in v for v in violations(graph)), why


def test_a_deliberate_circle_is_caught():
    graph = all_imports()
    graph["checker.model"] = graph["checker.model"] | {"checker.amounts"}
    assert circles(graph)


def test_every_stage_package_is_on_a_floor():
    for module in all_imports():
        stage = stage_of(module)
        if stage is not None:
            floor_of(stage)
