"""The layout rules of STYLE.md that a test can hold: imports run one way (no cycle, lazy
imports inside functions included) and no module of app code is over 400 lines.

Checked for the apps listed in CHECKED; an app joins the list once its own restructure lands.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ("impactboard", "theories", "ratings", "accounts", "discussion", "exports", "charts")
CHECKED = ("accounts", "discussion", "exports", "charts")
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for app in PROJECT:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules `name` imports anywhere in its body (functions included)."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            candidates = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            candidates = [module] + [f"{module}.{alias.name}" for alias in node.names]
        else:
            continue
        for candidate in candidates:
            while candidate and candidate not in modules:
                candidate = candidate.rpartition(".")[0]
            if candidate and candidate != name:
                targets.add(candidate)
    return targets


def _cycle_from(start: str, graph: dict[str, set[str]]) -> list[str] | None:
    """A path start → … → start, if there is one (depth-first)."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for target in graph.get(node, ()):
            if target == start:
                return [*path, start]
            if target not in seen:
                seen.add(target)
                stack.append((target, [*path, target]))
    return None


def test_the_checked_apps_import_one_way_with_no_cycle_even_through_lazy_imports() -> None:
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    cycles = [
        cycle
        for name in sorted(graph)
        if name.split(".")[0] in CHECKED and (cycle := _cycle_from(name, graph))
    ]
    assert cycles == []


@pytest.mark.parametrize("app", CHECKED)
def test_no_module_of_the_app_is_over_400_lines(app: str) -> None:
    long = {
        str(path.relative_to(ROOT)): lines
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        and (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def test_the_cycle_finder_finds_a_cycle_hidden_in_a_function() -> None:
    graph = {"a.services": {"a.selectors"}, "a.selectors": {"a.tasks"}, "a.tasks": {"a.services"}}
    assert _cycle_from("a.services", graph) == [
        "a.services",
        "a.selectors",
        "a.tasks",
        "a.services",
    ]
    assert _cycle_from("a.services", {"a.services": {"a.selectors"}}) is None
