"""docs/emulator.md's conformance table keeps its promises: every supported row names a test,
and every test it names exists."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "emulator.md"
TESTS = Path(__file__).resolve().parent
STATUSES = {"supported", "different", "not supported"}
REFERENCE = re.compile(r"`(test_\w+\.py)::(test_\w+)`")


def _rows() -> list[list[str]]:
    text = PAGE.read_text().split("## Conformance with the Workfront docs", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 3 and cells[1] not in ("status", "---"):
            rows.append(cells)
    return rows


def test_every_row_has_a_status_and_supported_rows_a_test():
    rows = _rows()
    assert len(rows) > 80
    for behaviour, status, how in rows:
        assert status in STATUSES, (behaviour, status)
        if status == "supported":
            assert REFERENCE.search(how), f"supported without a test: {behaviour}"


def test_every_named_test_exists():
    for behaviour, _status, how in _rows():
        for filename, name in REFERENCE.findall(how):
            source = TESTS / filename
            assert source.exists(), (behaviour, filename)
            assert re.search(rf"^def {name}\(", source.read_text(), re.M), (behaviour, f"{filename}::{name}")
