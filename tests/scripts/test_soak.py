"""``make soak`` kept working: one small trial, with two rows dropped to show a loss is caught."""

from __future__ import annotations

import json
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
               "--drop-rows", "2", "--workdir", str(tmp_path), "--summary", str(tmp_path / "summary.json")]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    out = done.stdout
    assert done.returncode == 1, out[-3000:] + done.stderr[-3000:]
    assert re.search(r"2 missing, 0 extra, 0 stale; 0 dated outside every window", out), out[-3000:]
    assert len(re.findall(r"^  missing [0-9a-f]{32}: now .* in Workfront, absent in the warehouse$", out, re.M)) == 2
    assert re.search(r"window 1: .* partitions [2-4],", out), "the trial should read its first window in partitions"
    assert "trials: 1, failures: 1" in out
    assert "reproduce with: " in out and "--trials 1 --seed 0" in out
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert (summary["trials"], summary["failures"], summary["failed_trials"]) == (1, 1, [0])
    assert summary["changes_per_trial"] > 0 and summary["changes_per_second"]["mean"] > 0
    assert "scripts/soak.py --trials 1 --tasks 300 " in summary["command"]
    assert re.fullmatch(r"[0-9a-f]{7,}( \(with uncommitted changes\))?", summary["commit"])
    assert summary["settings"]["drop_rows"] == 2


def test_the_summary_goes_between_the_docs_markers(tmp_path):
    sys.path.insert(0, str(ROOT / "scripts"))
    import soak

    summary = {"started": "2026-12-05T04:00:00.000Z", "finished": "2026-12-05T04:06:00.000Z", "minutes": 6.0,
               "commit": "abc1234", "command": ".venv/bin/python scripts/soak.py --trials 20", "trials_asked": 20,
               "trials": 20, "failures": 0, "failed_trials": [], "changes_per_trial": 400,
               "changes_per_second": {"mean": 95.5, "min": 70.0, "max": 120.0}, "load_average_at_end": 5.2,
               "settings": {"tasks": 30000, "page_size": 500, "workers": 10, "rate": 125.0, "load": 2,
                            "windows": "now", "rules": "default", "drop_rows": 0}}
    doc = tmp_path / "reliability.md"
    doc.write_text(f"intro\n{soak.SOAK_START}\nold\n{soak.SOAK_END}\noutro\n")
    soak.write_docs(summary, doc)
    text = doc.read_text()
    assert text.startswith(f"intro\n{soak.SOAK_START}\nRun from 2026-12-05T04:00:00.000Z") and text.endswith(
        f"{soak.SOAK_END}\noutro\n")
    assert "on commit `abc1234`" in text and "Command: `.venv/bin/python scripts/soak.py --trials 20`" in text
    assert "| 20 | 0 | 400 | 95.5 (70 to 120) | 30,000 | 500 | 10 | 2 | default | now |" in text
    assert soak.SOAK_START in (ROOT / "docs" / "reliability.md").read_text()
