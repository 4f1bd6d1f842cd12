"""``make soak`` kept working: one small trial, with two rows dropped to show a loss is caught."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.emulator, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


def test_a_small_soak_trial_reports_exactly_the_rows_taken_from_the_warehouse(tmp_path):
    """The sync itself loses nothing here, so the report names the two dropped rows and nothing
    else, with each one's history and the command that repeats the trial."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    command = [sys.executable, "scripts/soak.py", "--trials", "1", "--tasks", "300", "--page-size", "10",
               "--workers", "4", "--rate", "30", "--editor-threads", "2", "--load", "1", "--lead", "0.2",
               "--drop-rows", "2", "--workdir", str(tmp_path)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    out = done.stdout
    assert done.returncode == 1, out[-3000:] + done.stderr[-3000:]
    assert re.search(r"2 missing, 0 extra, 0 stale; 0 dated outside every window", out), out[-3000:]
    assert len(re.findall(r"^  missing [0-9a-f]{32}: now .* in Workfront, absent in the warehouse$", out, re.M)) == 2
    assert re.search(r"window 1: .* partitions [2-4],", out), "the trial should read its first window in partitions"
    assert "trials: 1, failures: 1" in out
    assert "reproduce with: " in out and "--trials 1 --seed 0" in out
