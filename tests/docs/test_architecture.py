"""docs/architecture.md's layer diagram draws the imports the code has, in the layers the
import-linter contracts keep (pyproject.toml, [tool.importlinter])."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

grimp = pytest.importorskip("grimp")

ROOT = Path(__file__).resolve().parents[2]
DOT = ROOT / "docs" / "diagrams" / "layers.dot"
PACKAGE = "airflow_workfront"


def _diagram() -> tuple[dict[str, list[str]], set[tuple[str, str]]]:
    """The diagram's layers (cluster name -> node names, top first) and its edges."""
    text = re.sub(r"//[^\n]*", "", DOT.read_text())
    clusters = {}
    for name, body in re.findall(r"subgraph (cluster_\w+) \{(.*?)\n  \}", text, flags=re.DOTALL):
        clusters[name] = re.findall(r"^\s*(\w+) \[", body, flags=re.MULTILINE)
    edges = set(re.findall(r"^\s*(\w+) -> (\w+)", text, flags=re.MULTILINE))
    return clusters, edges


def _rooms_and_imports() -> tuple[set[str], set[tuple[str, str]]]:
    """The package's top-level rooms and which imports which (directly), from the code."""
    graph = grimp.build_graph(PACKAGE)
    rooms = {child.rsplit(".", 1)[1] for child in graph.find_children(PACKAGE)}
    imports = {(a, b) for a in rooms for b in rooms if a != b and graph.direct_import_exists(
        importer=f"{PACKAGE}.{a}", imported=f"{PACKAGE}.{b}", as_packages=True)}
    return rooms, imports


def test_the_diagram_draws_the_imports_the_code_has():
    rooms, imports = _rooms_and_imports()
    clusters, edges = _diagram()
    drawn_rooms = {node for nodes in clusters.values() for node in nodes} | {"emulator"}
    assert rooms <= drawn_rooms, f"rooms missing from {DOT.name}: {rooms - drawn_rooms}"
    # A drawn arrow is an import the code has (arrows from a room that does not exist yet aside).
    assert {edge for edge in edges if edge[0] in rooms} <= imports, "drawn but not imported"
    # Every import is drawn, except the upper layers' use of the client, which the caption states.
    assert {edge for edge in imports if edge[1] != "client"} <= edges, "imported but not drawn"
    assert not {edge for edge in imports if "emulator" in edge}


def test_the_diagram_has_the_contracts_layers():
    try:
        import tomllib
    except ImportError:  # Python 3.10
        tomllib = pytest.importorskip("tomli")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (layers,) = [contract["layers"] for contract in config["contracts"] if contract["type"] == "layers"]
    contract_layers = [{room.strip(" ()") for room in layer.split("|")} for layer in layers]
    clusters, _ = _diagram()
    # Each diagram layer holds one or more whole contract layers, in the same order, top first.
    flattened = [set(nodes) for nodes in clusters.values()]
    position = 0
    for drawn in flattened:
        covered: set[str] = set()
        while position < len(contract_layers) and contract_layers[position] <= drawn:
            covered |= contract_layers[position]
            position += 1
        assert covered == drawn, f"diagram layer {sorted(drawn)} does not match the contract's layers {layers}"
    assert position == len(contract_layers)


def test_the_page_shows_the_diagram():
    page = (ROOT / "docs" / "architecture.md").read_text()
    assert "```{image} diagrams/layers.svg" in page
    assert "[tool.importlinter]" in page
