"""``benchmarks/bench_mirror.py`` stays runnable: a tiny tenant, the table's shape, and request counts
that were counted by the clients and the emulator (never computed), checked against the requests
each task must make. Timings are never checked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
TYPES = ["PROJ", "TASK", "OPTASK", "HOUR", "ASSGN", "USER", "JRNLE"]


def test_a_tiny_mirror_prints_one_row_a_type_and_counts_every_request(postgres_server_uri):
    out = subprocess.run([sys.executable, "benchmarks/bench_mirror.py", "--size", "400", "--cost", "5,0.001",
                          "--postgres", postgres_server_uri, "--no-write", "--json"],
                         capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    lines = out.stdout.splitlines()
    header = next(n for n, line in enumerate(lines) if line.startswith("| type | rows in Workfront |"))
    rows = [line.split("|")[1:-1] for line in lines[header + 2:header + 2 + len(TYPES) + 1]]
    assert [r[0].strip() for r in rows] == [*TYPES, "all"]
    assert any(line.startswith("Total wall time") and "ratio" in line and "bound" in line for line in lines)
    assert any(line.startswith("Reproduce: `make bench") for line in lines)
    figures = json.loads(lines[-1])
    # The seed: 400 tasks, 80 issues, 200 hours, 400 assignments, 400 journal entries, 8 projects, and
    # 2 users plus the admin; every object read, every table as full as Workfront's count says.
    assert figures["counts"] == {"PROJ": 8, "TASK": 400, "OPTASK": 80, "HOUR": 200, "ASSGN": 400, "USER": 6,
                                 "JRNLE": 400}
    fetched = {t.split(".")[1].upper(): n for t, n in figures["fetched"].items()}
    assert fetched == {**figures["counts"], "USER": 5}  # the admin was stamped at the window's end
    # Each task's client counted its requests; together they are what the emulator received.
    requests = {t.split(".")[1].upper(): n for t, n in figures["requests"].items()}
    assert sum(requests.values()) == figures["received"]
    # Every type: /metadata and its custom forms (2), then its reading, then Workfront's count (1):
    # a wide window counted with its first page (2) where the task has 5 slots, the first page
    # alone (1) with 1 slot. Every table is new, so no deletions are looked for (no journal D
    # entries, no assignment IDs). USER's table holds one row less than Workfront counts, so two
    # more counts ask what changed after the window.
    assert requests == {"PROJ": 2 + 1 + 1, "TASK": 2 + 2 + 1, "OPTASK": 2 + 2 + 1, "HOUR": 2 + 2 + 1,
                        "ASSGN": 2 + 2 + 1, "USER": 2 + 1 + 3, "JRNLE": 2 + 2 + 1}
    assert rows[-1][3].strip() == str(figures["received"])
    assert [int(r[3]) for r in rows[:-1]] == [requests[t] for t in TYPES]
    # The next hourly run into the same tables: its window fits in one page for every type, so
    # /metadata and forms (2), the page (1), the deletions (1: the journal's D entries, or for
    # ASSGN one page of IDs, its 400 stored IDs in one range), the count (1); the journal has no
    # deletions of its own. Every table agrees with Workfront's count afterwards, and assignments
    # lose the 20 deleted in the hour plus the 10 that went with the 10 deleted tasks.
    hourly = figures["hourly"]
    hourly_requests = {t.split(".")[1].upper(): n for t, n in hourly["requests"].items()}
    assert hourly_requests == {**{t: 2 + 1 + 1 + 1 for t in TYPES}, "JRNLE": 2 + 1 + 1}
    assert sum(hourly_requests.values()) == hourly["received"]
    assert all(c["matches"] for c in hourly["counts"].values()), hourly["counts"]
    deleted = {t.split(".")[1].upper(): n for t, n in hourly["deleted"].items()}
    assert deleted == {"TASK": 10, "OPTASK": 5, "HOUR": 5, "ASSGN": 20 + 10, "PROJ": 0, "USER": 0, "JRNLE": 0}
