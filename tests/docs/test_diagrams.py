"""The docs' diagrams: every committed SVG matches its source, and every page shows one that exists.

The Graphviz diagrams are rendered once (``make diagrams``) and committed, so the docs build
without Graphviz; this checks that nobody edited a ``.dot`` and forgot to render it again.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DIAGRAMS = ROOT / "docs" / "diagrams"
IMAGE = re.compile(r"```\{image\} (diagrams/\S+)")


def test_rendered_svgs_match_their_sources():
    check = subprocess.run([sys.executable, "scripts/render_diagrams.py", "--check"], cwd=ROOT,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    assert sorted(DIAGRAMS.glob("*.dot")), "no diagram sources found"


def test_the_check_notices_a_changed_source(tmp_path):
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import render_diagrams
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    for dot_file in DIAGRAMS.glob("*.dot"):
        (tmp_path / dot_file.name).write_text(dot_file.read_text())
        (tmp_path / dot_file.with_suffix(".svg").name).write_text(dot_file.with_suffix(".svg").read_text())
    assert render_diagrams.stale(tmp_path) == []
    changed = next(iter(sorted(tmp_path.glob("*.dot"))))
    changed.write_text(changed.read_text() + "\n// edited\n")
    assert render_diagrams.stale(tmp_path) == [f"{changed.with_suffix('.svg').name} was not rendered "
                                               f"from the current {changed.name}"]


def test_every_diagram_a_page_shows_exists_and_every_diagram_is_shown():
    shown = {match for page in (ROOT / "docs").glob("*.md") for match in IMAGE.findall(page.read_text())}
    assert shown, "no page shows a diagram"
    committed = {f"diagrams/{svg.name}" for svg in DIAGRAMS.glob("*.svg")}
    assert shown == committed
