"""Let long inline code in table cells break at its natural joints, so that tables fit the column.

Identifiers such as ``test_sync_of_50000_tasks_under_10_percent_faults_and_churn_matches_exactly``
or ``tests/sync/test_clock_skew.py::test_x`` have no space to break at, so a table holding one is
wider than the page. In HTML output this adds a ``<wbr>`` (a line-break opportunity that copies as
nothing) after each ``_``, ``/``, ``.`` and ``::`` of inline code longer than ``MIN_LENGTH``
characters inside a table. The browser breaks there only when the table would not fit otherwise.
"""

from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

MIN_LENGTH = 24
JOINT = re.compile(r"(?<=[_/.])(?=[^_/.])|(?<=::)")


def _split(literal: nodes.literal) -> None:
    text = literal.astext()
    if len(text) < MIN_LENGTH or len(literal.children) != 1 or not isinstance(literal[0], nodes.Text):
        return
    pieces = [piece for piece in JOINT.split(text) if piece]
    if len(pieces) < 2:
        return
    children: list[nodes.Node] = []
    for index, piece in enumerate(pieces):
        if index:
            children.append(nodes.raw("", "<wbr>", format="html"))
        children.append(nodes.Text(piece))
    literal.children = []
    literal.extend(children)


def add_break_points(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Add the break points to the inline code of every table in one HTML page."""
    if app.builder.format != "html":
        return
    for table in doctree.findall(nodes.table):
        for literal in table.findall(nodes.literal):
            _split(literal)


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the transform (Sphinx extension entry point)."""
    app.connect("doctree-resolved", add_break_points)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
