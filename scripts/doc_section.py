"""Rewrite one generated section of a docs page: the text between a pair of HTML comment markers.

Every script that writes its figures into the docs (``make bench``, ``make soak``, ``make
mutation``, ``benchmarks/reliability.py``) goes through :func:`replace_section`, so the hand-written
analysis around a section is always kept and a page without the markers is refused, not rewritten.
"""

from __future__ import annotations

from pathlib import Path


def replace_section(doc: Path, start: str, end: str, text: str) -> None:
    """Put ``text`` between the ``start`` and ``end`` markers of ``doc``, keeping everything else.

    :raises SystemExit: when the page lacks either marker.
    """
    content = doc.read_text(encoding="utf-8")
    if start not in content or end not in content:
        raise SystemExit(f"{doc} has no {start} ... {end} markers; add them where the section goes")
    head, rest = content.split(start, 1)
    tail = rest.split(end, 1)[1]
    doc.write_text(f"{head}{start}\n{text}\n{end}{tail}", encoding="utf-8")
