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
