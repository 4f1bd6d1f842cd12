"""``benchmarks/sink_rate.py`` stays runnable: a tiny size, checking rows and the table (never timings)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def test_the_sink_rate_benchmark_writes_every_row_in_both_modes(postgres_server_uri):
    out = subprocess.run([sys.executable, "benchmarks/sink_rate.py", "--size", "2500", "--postgres", postgres_server_uri],
                         capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    lines = out.stdout.splitlines()
    assert any(line.startswith("| sync reads from the emulator |") for line in lines)
    assert any(line.startswith("| SqlSink writes, mode=upsert |") for line in lines)
    assert any(line.startswith("| SqlSink writes, mode=history |") for line in lines)
    assert '"tasks": 2500' in lines[-1]  # the script checks each table holds every row
