"""The shape of the code: imports run one way (no cycle among the project's own modules, imports
inside functions included), and no module of app code grows past 400 lines.

Read from the source with `ast`, so a lazy import (inside a function, or under TYPE_CHECKING)
counts exactly like one at the top of the module.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("impactboard", "theories", "ratings", "accounts", "discussion", "exports")
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    """Every module of the apps by dotted name (a package by its own name), migrations aside."""
    found: dict[str, Path] = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules `name` imports, anywhere in its body. `from package import x` names
    the submodule `package.x` when there is one, else the package itself."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                targets.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            for alias in node.names:
                sub = f"{module}.{alias.name}"
                targets.add(sub if sub in known else module)
    edges = set()
    for target in targets:
        # `import a.b.c` of a module we know, or the closest known package above it.
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != name:
            edges.add(target)
    return edges


def import_graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each as a list."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_the_cycle_finder_finds_a_lazy_cycle() -> None:
    graph = {"a.services": {"a.selectors"}, "a.selectors": {"a.services"}, "a.api": {"a.services"}}
    assert import_cycles(graph) == [["a.selectors", "a.services"]]


def test_the_import_graph_sees_imports_inside_functions() -> None:
    graph = import_graph()
    assert "ratings.services" in graph["ratings.tasks"]  # imported inside the task bodies


def test_no_import_cycle_among_the_projects_modules() -> None:
    cycles = import_cycles(import_graph())
    assert cycles == [], "import cycles (lazy imports included): " + "; ".join(
        " <-> ".join(c) for c in cycles
    )


def test_no_module_of_app_code_is_over_400_lines() -> None:
    long = {
        name: n
        for name, path in _modules().items()
        if (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}, long


PURE = ("ratings.rankmath", "ratings.statistics")


def test_the_ranking_maths_is_pure_python() -> None:
    """No Django, DRF or cache in the maths: it can be read and tested on its own."""
    modules = _modules()
    for name in PURE:
        tree = ast.parse(modules[name].read_text())
        imported = {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        } | {
            node.module or ""
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and not node.level
        }
        assert not {
            m
            for m in imported
            if m.split(".")[0] in ("django", "rest_framework", "redis", "celery")
        }, name
