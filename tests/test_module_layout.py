"""The layout rules of STYLE.md that a test can hold: imports run one way between modules (no
cycle, lazy imports inside functions included) and between apps (an app imports only the apps
below it: impactboard < maths < charts < theories < groups < discussion < ratings < rankings <
console < exports < accounts < the site), and the maths, the Scope value and the figures are pure
Python, with no Django in them. A module over 400 lines is reported as a warning: a file is split
when it holds two things, not at a number.
"""

import ast
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROJECT = (
    "impactboard",
    "theories",
    "groups",
    "ratings",
    "rankings",
    "console",
    "live",
    "accounts",
    "discussion",
    "exports",
    "charts",
    "maths",
)
CHECKED = PROJECT
MAX_LINES = 400

# The apps, bottom to top (STYLE.md habit 14): each imports only the ones before it. The shared
# rules of `impactboard` (errors, cache, throttling, text) are the floor; its site modules (the
# URL map, the home and health pages, the demo seed, settings) sit on top of every app.
APP_ORDER = (
    "impactboard",
    "maths",
    "charts",
    "theories",
    "groups",
    "discussion",
    "ratings",
    "rankings",
    "live",
    "console",
    "exports",
    "accounts",
    "site",
)
SITE_MODULES = (
    "impactboard.urls",
    "impactboard.views",
    "impactboard.management.commands.seed_demo",
)


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


def _app(name: str) -> str:
    if name in SITE_MODULES or name.startswith("impactboard.settings"):
        return "site"
    return name.split(".")[0]


def test_apps_import_only_the_apps_below_them() -> None:
    modules = _modules()
    upward = sorted(
        f"{name} -> {target}"
        for name, path in modules.items()
        for target in _imports(name, path, modules)
        if APP_ORDER.index(_app(target)) > APP_ORDER.index(_app(name))
    )
    assert upward == []


def test_the_app_order_names_every_app() -> None:
    assert set(PROJECT) <= set(APP_ORDER)


def test_long_modules_are_reported_not_refused() -> None:
    """No module is refused for its length; the long ones are named in the test output, as a
    prompt to look for two concerns in one file."""
    long = {
        str(path.relative_to(ROOT)): lines
        for app in CHECKED
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        and (lines := len(path.read_text().splitlines())) > MAX_LINES
    }
    for module, lines in sorted(long.items()):
        warnings.warn(f"{module} has {lines} lines (over {MAX_LINES})", stacklevel=1)


def test_the_cycle_finder_finds_a_cycle_hidden_in_a_function() -> None:
    graph = {"a.services": {"a.selectors"}, "a.selectors": {"a.tasks"}, "a.tasks": {"a.services"}}
    assert _cycle_from("a.services", graph) == [
        "a.services",
        "a.selectors",
        "a.tasks",
        "a.services",
    ]
    assert _cycle_from("a.services", {"a.services": {"a.selectors"}}) is None


def test_the_import_graph_sees_imports_inside_functions() -> None:
    modules = _modules()
    # rankings.tasks imports its services inside the task bodies only.
    assert "rankings.services" in _imports("rankings.tasks", modules["rankings.tasks"], modules)


# Pure code: the ranking maths (one package), the Scope value and the figures library. No
# framework, no cache or broker, and no project module outside its own package: each can be read
# and tested on its own.
PURE_PACKAGES = ("maths", "rankings.scope", "charts")
FRAMEWORKS = ("django", "rest_framework", "redis", "celery", "kombu")


def _package_of(name: str) -> str | None:
    return next((p for p in PURE_PACKAGES if name == p or name.startswith(p + ".")), None)


PURE = sorted(name for name in _modules() if _package_of(name))


def test_every_pure_package_is_found() -> None:
    """The parametrised test below would pass vacuously on a renamed package."""
    assert {_package_of(name) for name in PURE} == set(PURE_PACKAGES)


@pytest.mark.parametrize("name", PURE)
def test_the_ranking_maths_is_pure_python(name: str) -> None:
    """No Django, DRF or cache in the maths (nor in the Scope value or the figures), and no
    project module outside the package: it can be read and tested on its own."""
    modules = _modules()
    tree = ast.parse(modules[name].read_text())
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {
        n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and not n.level
    }
    assert {m for m in imported if m.split(".")[0] in FRAMEWORKS} == set()
    package = _package_of(name)
    outside = {t for t in _imports(name, modules[name], modules) if _package_of(t) != package}
    assert outside == set()


# Who may not import whom, beyond the absence of cycles (STYLE.md habit 11): services never
# reach up to the HTTP layer or the tasks, selectors never reach the services.
FORBIDDEN_UPWARD = {
    "services": ("api", "views", "tasks"),
    "selectors": ("api", "views", "tasks", "services"),
}


def _layer(name: str) -> tuple[str, str] | None:
    """(app, layer) of a module such as groups.services.groups; None outside the layers."""
    parts = name.split(".")
    if len(parts) >= 2 and parts[1] in ("api", "views", "tasks", "services", "selectors"):
        return parts[0], parts[1]
    return None


def test_services_and_selectors_never_import_upward() -> None:
    modules = _modules()
    wrong = []
    for name, path in modules.items():
        here = _layer(name)
        if here is None or here[1] not in FORBIDDEN_UPWARD:
            continue
        for target in _imports(name, path, modules):
            there = _layer(target)
            if there and there[0] == here[0] and there[1] in FORBIDDEN_UPWARD[here[1]]:
                wrong.append(f"{name} -> {target}")
    assert wrong == []
