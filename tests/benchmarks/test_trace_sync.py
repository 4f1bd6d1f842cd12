"""The sync trace behind docs/benchmarks.md's analysis stays runnable (request counts only, never timings)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


def test_the_trace_lists_every_request_of_a_small_sync():
    out = subprocess.run([sys.executable, "benchmarks/trace_sync.py", "--size", "5000", "--cost", "5,0.001"],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    requests = [line.split("|")[5].strip() for line in out.stdout.splitlines() if line.startswith("| ")]
    assert requests.count("count") == 1  # the remainder's; the first page's answer showed Workfront's clock
    assert requests.count("search") == 3  # the first page, then two partitions for the other 3,000
    assert "before the partitions: search" in out.stdout and "2 partitions:" in out.stdout
