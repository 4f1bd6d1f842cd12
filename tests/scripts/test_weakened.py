"""``scripts/weakened.py``: the weakened copies are caught, and an edit that no longer matches stops it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import weakened  # noqa: E402  (scripts/ is not a package)

pytestmark = [pytest.mark.slow]


def test_each_weakening_matches_the_current_code_exactly_once():
    for weakening in weakened.WEAKENINGS:
        text = (ROOT / weakening.path).read_text(encoding="utf-8")
        assert text.count(weakening.old) == 1, weakening.name


def test_an_edit_that_no_longer_matches_stops_the_script(tmp_path):
    target = tmp_path / "airflow_workfront" / "sync"
    target.mkdir(parents=True)
    (target / "planner.py").write_text("# the code has moved on\n")
    crossed = next(w for w in weakened.WEAKENINGS if w.name == "keep-crossed-cuts")
    with pytest.raises(SystemExit, match="not found exactly once"):
        weakened.apply(tmp_path, crossed)


def test_the_crossed_cuts_weakening_is_caught_and_the_code_as_it_is_passes():
    done = subprocess.run([sys.executable, "scripts/weakened.py", "--only", "keep-crossed-cuts"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "unedited code: passes" in done.stdout
    assert re.search(r"tests/sync/test_partition_races.py: caught \(\d+ failed", done.stdout), done.stdout
