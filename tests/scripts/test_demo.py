"""``make demo`` end to end: the script exits 0 and prints an agreeing table."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.emulator, pytest.mark.dag, pytest.mark.slow]

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "demo.py"


def test_demo_runs_two_windows_and_the_warehouse_matches(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env["WORKFRONT_DEMO_DIR"] = str(tmp_path / "demo")
    done = subprocess.run([sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    assert "OK: the warehouse matches Workfront" in out and "emulator stopped" in out
    table = [line.split() for line in out.splitlines() if line.split()[:1] in (["PROJ"], ["TASK"], ["OPTASK"], ["HOUR"], ["JRNLE"])]
    assert [row[0] for row in table] == ["PROJ", "TASK", "OPTASK", "HOUR", "JRNLE"]
    assert all(row[1] == row[2] and row[3] == "yes" for row in table)
    assert (tmp_path / "demo" / "warehouse.db").exists()
