"""``make bench`` stays runnable: every scenario at a tiny size (request counts only, never timings)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def test_every_benchmark_scenario_runs_at_a_tiny_size():
    out = subprocess.run([sys.executable, "benchmarks/run.py", "--sizes", "2500", "--latencies", "0", "--bulk", "150",
                          "--no-write", "--no-prior-art", "--no-receiver", "--cost", "20,0.01", "--cost-size", "2500"],
                         capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    table = [line.split("|") for line in out.stdout.splitlines()
             if line.startswith("| 2,500 |") and line.count("|") == 12]
    rows = {cells[3].strip(): cells[4].strip() for cells in table}
    objects = {cells[3].strip(): (cells[5].strip(), cells[6].strip()) for cells in table}
    # Request counts are the emulator's own (the script fails when a scenario's count disagrees).
    assert rows["naive loop, 100/page"] == "26"  # 25 full pages and a short one
    assert rows["sequential, 2000/page"] == "2"
    assert rows["bound: ceil(N/2000) requests over 10 slots"] == "2"
    # first page (its answer shows Workfront's clock past the window, so no probe), one count, the rest
    assert rows["this provider (SyncEngine, keyset partitions)"] == "3"
    assert rows["parallel offsets, 10 at once (unsafe under edits)"] == "3"  # one count, two pages at once
    assert rows["python-workfront 0.8.0, 2000/page"].startswith("not run: --no-prior-art")
    # rows returned and distinct IDs, each counted
    assert {label: n for label, n in objects.items() if n[0]} == dict.fromkeys(
        ["this provider (SyncEngine, keyset partitions)", "naive loop, 100/page", "sequential, 2000/page",
         "parallel offsets, 10 at once (unsafe under edits)"], ("2,500", "2,500"))
    assert "bulk create of 150: ceil(N/100) requests | 2 vs 2 | yes" in out.stdout
    assert "WorkfrontChangeSensor 1, WorkfrontJournalSensor 1" in out.stdout
    # The cost-model part (20 ms + 0.01 ms a row): the same searches and count, no clock probe; one round of a 40 ms page.
    cost = {line.split("|")[2].strip(): line.split("|")[3].strip() for line in out.stdout.splitlines()
            if line.startswith("| 2,500 |") and line.count("|") == 10}
    assert cost["this provider (SyncEngine, keyset partitions)"] == "3"
    assert cost["sequential, 2000/page"] == "2"
    assert cost["bound: ceil(N/2000) pages over 10 slots x 0.04 s a page"] == "2"
    assert "2,500 tasks at 20 ms + 0.01 ms a row: within 1.3x of the bound |" in out.stdout


def test_a_scenarios_peak_memory_is_its_own_not_its_parents():
    """Linux carries ``ru_maxrss`` across ``exec``: a child of a 300 MB parent would report 300 MB.
    The benchmark's figure is the child's own high-water mark."""
    code = ("import sys; sys.path.insert(0, 'benchmarks'); import run; "
            "blob = bytearray(40 * 1024 * 1024); blob[::4096] = b'x' * len(blob[::4096]); "
            "print(run.own_peak_rss_mb())")
    parent_ballast = bytearray(300 * 1024 * 1024)
    parent_ballast[::4096] = b"x" * len(parent_ballast[::4096])  # make the parent's pages resident
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    child_mb = float(out.stdout.strip())
    assert 40 <= child_mb < 200, child_mb  # its 40 MB and an interpreter, far from the parent's 300


def test_a_scenario_whose_own_count_disagrees_with_the_emulators_fails(monkeypatch):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import run

    class Control:
        def reset_stats(self):
            pass

        def stats(self):
            return {"total": 4}

    class Emulator:
        control = Control()
        base_url = "http://127.0.0.1:1"

        class proc:
            pid = os.getpid()

    class Done:
        returncode = 0
        stdout = '{"objects": 10, "ids": 10, "requests": 3}\n'
        stderr = ""

    monkeypatch.setattr(run.subprocess, "run", lambda *a, **k: Done())
    with pytest.raises(RuntimeError, match="the emulator received 4 requests, the scenario counted 3"):
        run.run_scenario("parallel_offsets", Emulator())
