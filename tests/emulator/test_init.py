"""The emulator package stays an independent implementation: it imports none of the provider's client code."""

from __future__ import annotations

import ast
from pathlib import Path

import airflow_workfront.emulator as package

FORBIDDEN = ("client", "hooks", "sync", "operators", "sensors", "triggers")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add("." * node.level + (node.module or ""))
    return names


def test_no_module_imports_the_provider_outside_the_emulator():
    modules = sorted(Path(package.__file__).parent.glob("*.py"))
    assert len(modules) > 10
    offenders = {
        path.name: sorted(name for name in _imports(path)
                          if name.startswith(tuple(f"airflow_workfront.{p}" for p in FORBIDDEN)) or name.startswith(".."))
        for path in modules
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def _emulator_graph() -> dict[str, set[str]]:
    """Module -> the emulator modules it imports (``from airflow_workfront.emulator import x`` too),
    counting imports inside functions and under ``TYPE_CHECKING`` as import-linter does."""
    folder = Path(package.__file__).parent
    prefix = "airflow_workfront.emulator"
    names = {path.stem for path in folder.glob("*.py")}
    graph: dict[str, set[str]] = {}
    for path in folder.glob("*.py"):
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(prefix):
                rest = node.module[len(prefix) + 1:].split(".")[0]
                if rest:
                    edges.add(rest)
                else:
                    edges.update(alias.name for alias in node.names if alias.name in names)
            elif isinstance(node, ast.Import):
                edges.update(a.name[len(prefix) + 1:].split(".")[0] for a in node.names if a.name.startswith(prefix + "."))
        graph[path.stem] = edges - {path.stem}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle of the graph, or ``None``."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_emulator_modules_import_one_another_without_circles():
    graph = _emulator_graph()
    assert "batch" in graph["api"] and "control" in graph["app"]  # the graph is read, not empty
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_the_circle_finder_finds_a_circle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
