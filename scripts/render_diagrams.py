"""Render the docs' Graphviz diagrams (``docs/diagrams/*.dot``) to the SVGs the docs show.

The SVGs are committed, so building the docs needs no Graphviz. Each SVG records the SHA-256 of
the ``.dot`` it was made from; ``--check`` compares those with the sources (no Graphviz needed)
and fails when a source changed without its SVG being rendered again. ``make diagrams`` runs this;
it needs Graphviz's ``dot`` (Debian: ``apt-get install -y graphviz``). Hand-written SVGs in the
same folder (no ``.dot`` next to them) are their own source and are left alone.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

DIAGRAMS = Path(__file__).resolve().parents[1] / "docs" / "diagrams"
STAMP = re.compile(r"<!-- rendered from (\S+) sha256:([0-9a-f]{64}) -->")


def source_digest(dot_file: Path) -> str:
    """The SHA-256 of a diagram's source, as stamped into its SVG."""
    return hashlib.sha256(dot_file.read_bytes()).hexdigest()


def render(dot_file: Path, dot: str) -> Path:
    """Render one ``.dot`` file to the ``.svg`` beside it, stamped with the source's digest."""
    svg = subprocess.run([dot, "-Tsvg", str(dot_file)], check=True, capture_output=True, text=True).stdout
    stamp = f"<!-- rendered from {dot_file.name} sha256:{source_digest(dot_file)} -->\n"
    # The stamp goes right after the XML declaration (which must stay first).
    head, _, rest = svg.partition("\n")
    target = dot_file.with_suffix(".svg")
    target.write_text(head + "\n" + stamp + rest if head.startswith("<?xml") else stamp + svg)
    return target


def stale(folder: Path = DIAGRAMS) -> list[str]:
    """Why each rendered SVG in ``folder`` is out of date with its source (empty when all are fresh)."""
    problems = []
    for dot_file in sorted(folder.glob("*.dot")):
        svg = dot_file.with_suffix(".svg")
        if not svg.exists():
            problems.append(f"{svg.name} is missing")
            continue
        found = STAMP.search(svg.read_text())
        if found is None or found.group(2) != source_digest(dot_file):
            problems.append(f"{svg.name} was not rendered from the current {dot_file.name}")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Render every diagram, or with ``--check`` only report stale ones; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the SVGs match their sources")
    args = parser.parse_args(argv)
    if args.check:
        problems = stale()
        for problem in problems:
            print(f"{problem}: run `make diagrams`", file=sys.stderr)
        return 1 if problems else 0
    dot = shutil.which("dot")
    if dot is None:
        print("Graphviz's dot is not installed: apt-get install -y graphviz", file=sys.stderr)
        return 2
    for dot_file in sorted(DIAGRAMS.glob("*.dot")):
        print(f"rendered {render(dot_file, dot).relative_to(DIAGRAMS.parents[1])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
