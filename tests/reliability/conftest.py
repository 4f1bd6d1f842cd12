"""An emulator in its own process, for the heavy reliability tests (the client keeps its own core)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from airflow_workfront.emulator.testing import EmulatorProcess

API_KEY = "reliability-key"
CLOCK = "2026-03-02T10:00:00Z"


@pytest.fixture(scope="module")
def big_emulator():
    """50,000 tasks (with projects, issues, users, assignments, hours) in the hour before CLOCK; the
    frozen clock then stands 10 s after it."""
    with EmulatorProcess("--seed", "empty", "--seed-size", "50000", "--random-seed", "7", "--clock", CLOCK,
                         api_key=API_KEY, shuffle_seed=13) as emulator:
        # The sync reads a window only once Workfront's clock has passed its end by a margin.
        emulator.control.advance_clock(10)
        yield emulator


@pytest.fixture
def figures(request):
    """A dict the test fills with the figures docs/reliability.md quotes.

    ``benchmarks/reliability.py`` sets ``WF_RELIABILITY_FIGURES`` to a JSON file; each test's
    figures are stored there under its name, and the script writes them into the docs (only after
    every test has passed). Without the variable nothing is written.
    """
    found: dict = {}
    yield found
    path = os.environ.get("WF_RELIABILITY_FIGURES")
    if path and found:
        target = Path(path)
        stored = json.loads(target.read_text()) if target.exists() else {}
        stored[request.node.name] = found
        target.write_text(json.dumps(stored, indent=1, sort_keys=True))
