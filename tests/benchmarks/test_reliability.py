"""``benchmarks/reliability.py``: the fault table is filled in from the tests' figures, between its markers."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

import reliability  # noqa: E402  (benchmarks/ is not a package)

FIGURES = {
    reliability.FAULTS: {"run1": 49975, "run2": 4266, "run2_deleted": 10, "tasks": 49986, "requests": 44,
                         "retries": 6, "faults": {"drop": 1, "500": 3, "429": 2}, "error200": "WorkfrontBadRequestError",
                         "error200_injected": 1},
    reliability.PARALLEL: {"max_in_flight": 6, "rejected_429": 0, "requests": 31, "fetched": {"USER": 250}},
    reliability.KILLED: {"partial": 500, "converged": 49944},
    reliability.TOKENS + "[session]": {"pages": 15, "fetched": 3000, "expiries": 15, "logins": 16},
    reliability.TOKENS + "[oauth2]": {"pages": 15, "fetched": 3000, "expiries": 15, "logins": 17},
}


def test_the_table_quotes_every_recorded_figure():
    text = reliability.table(FIGURES)
    assert "Run 1 read 49,975 objects; run 2 read 4,266" in text
    assert "applied 10 deletes" in text and "44 requests in all" in text
    assert "the 6 faults injected (2 HTTP 429, 3 HTTP 500, 1 dropped connection) cost 6 retries" in text
    assert "`WorkfrontBadRequestError`" in text
    assert "At most 6 requests were in flight" in text and "to 31 requests" in text
    assert "The kill left 500 rows" in text and "49,944 tasks" in text
    assert "3,000 tasks in 15 pages, 15 expiries, 16 logins; 3,000 tasks in 15 pages, 15 expiries, 17 logins" in text
    assert all(line.count("|") == 4 for line in text.splitlines())  # one row per line, three cells


def test_only_the_section_between_the_markers_is_rewritten(tmp_path):
    doc = tmp_path / "reliability.md"
    doc.write_text(f"# Title\n\nbefore\n{reliability.START}\nold table\n{reliability.END}\nafter\n")
    reliability.write("new table", doc)
    assert doc.read_text() == f"# Title\n\nbefore\n{reliability.START}\nnew table\n{reliability.END}\nafter\n"
    doc.write_text("no markers here\n")
    with pytest.raises(SystemExit, match="markers"):
        reliability.write("new table", doc)


def test_the_docs_have_the_markers_and_name_the_command():
    doc = (ROOT / "docs" / "reliability.md").read_text()
    section = doc.split(reliability.START, 1)[1].split(reliability.END, 1)[0]
    assert "Reproduce: `.venv/bin/python benchmarks/reliability.py`" in section
    assert "Measured " in section and "on commit `" in section
