"""The sync under faults: errors, edits between pages, several tasks at once, a hard kill.

Figures printed here (retries, max in flight) are collected in docs/reliability.md.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest

from airflow_workfront.client import ApiKeyAuth, ClientConfig, WorkfrontClient
from airflow_workfront.sync import SqlSink, SyncEngine, SyncWindow

pytestmark = [pytest.mark.emulator, pytest.mark.slow]

CLOCK = datetime(2026, 3, 2, 10, tzinfo=timezone.utc)
WINDOW_1 = SyncWindow(CLOCK - timedelta(hours=2), CLOCK)
WINDOW_2 = SyncWindow(CLOCK, CLOCK + timedelta(hours=2))
FIELDS = ["name", "status", "projectID"]


def client_for(emulator, **overrides) -> WorkfrontClient:
    settings = {"max_retries": 8, "backoff_base": 0.01, "backoff_max": 0.2, **overrides}
    return WorkfrontClient(ClientConfig(host=emulator.base_url, auth=ApiKeyAuth(emulator.api_key), **settings))


def warehouse_rows(path, table: str) -> dict[str, str]:
    """ID -> lastUpdateDate of a warehouse table (empty while the table does not exist yet)."""
    with sqlite3.connect(path) as db:
        try:
            return dict(db.execute(f"SELECT ID, lastUpdateDate FROM {table}"))
        except sqlite3.OperationalError:
            return {}


def emulator_rows(emulator, obj_code: str) -> dict[str, str]:
    return {o["ID"]: o["lastUpdateDate"] for o in emulator.control.list_objects(obj_code)}


def differences(stored: dict[str, str], expected: dict[str, str]) -> dict[str, list]:
    """Rows missing from the warehouse, extra in it, or at another version (empty when equal)."""
    from airflow_workfront.client.dates import parse_wf_datetime

    stale = [k for k in stored.keys() & expected.keys() if parse_wf_datetime(stored[k]) != parse_wf_datetime(expected[k])]
    found = {"missing": sorted(expected.keys() - stored.keys()), "extra": sorted(stored.keys() - expected.keys()),
             "stale": sorted(stale)}
    return {kind: [(k, stored.get(k), expected.get(k)) for k in keys[:5]] for kind, keys in found.items() if keys}


@pytest.fixture
def sqlite_conn(tmp_path, create_connection_without_db):
    path = tmp_path / "warehouse.db"
    create_connection_without_db("reliability_wh", conn_type="sqlite", host=str(path))
    return path


def test_sync_of_50000_tasks_under_10_percent_faults_and_churn_matches_exactly(big_emulator, sqlite_conn, capsys):
    control = big_emulator.control
    control.set_faults(rate=0.10, kinds=("429", "500", "drop"), random_seed=3,
                       churn={"every_n_searches": 2, "edits": 3, "deletes": 1})
    client = client_for(big_emulator)
    first = SyncEngine(client, "TASK", FIELDS).run(WINDOW_1, SqlSink("wf_task", conn_id="reliability_wh"))
    control.set_faults(rate=0.10, kinds=("429", "500", "drop"), random_seed=4)  # churn off, faults on
    control.advance_clock(WINDOW_2.end.timestamp() - CLOCK.timestamp())  # window 2 has ended too
    second = SyncEngine(client, "TASK", FIELDS).run(WINDOW_2, SqlSink("wf_task", conn_id="reliability_wh"))
    control.set_faults()
    stats = control.stats()

    expected = emulator_rows(big_emulator, "TASK")
    stored = warehouse_rows(sqlite_conn, "wf_task")
    assert len(expected) < 50000  # churn deleted some tasks while the first run paged
    assert differences(stored, expected) == {}  # nothing lost, duplicated (primary key) or stale
    with capsys.disabled():
        print(f"\n[reliability] 50k sync under faults: run1 {first.fetched} objects, run2 {second.fetched} "
              f"(edited) + {second.deleted} deleted; client retries {client.stats.retries}, "
              f"faults injected {stats['faults']}, requests {client.stats.total}")
    assert client.stats.retries >= sum(stats["faults"].values()) > 0


def test_parallel_syncs_stay_under_the_concurrency_limit(big_emulator, tmp_path, create_connection_without_db):
    control = big_emulator.control
    control.set_faults(latency_ms=20)
    control.reset_stats()
    codes = ("OPTASK", "HOUR", "PROJ", "USER")
    for code in codes:
        create_connection_without_db(f"wh_{code.lower()}", conn_type="sqlite", host=str(tmp_path / f"{code}.db"))

    def sync(code: str):
        client = client_for(big_emulator)
        return SyncEngine(client, code, ["ID"]).run(WINDOW_1, SqlSink(f"wf_{code.lower()}", conn_id=f"wh_{code.lower()}"))

    with ThreadPoolExecutor(len(codes)) as pool:
        summaries = list(pool.map(sync, codes))
    control.set_faults()
    stats = control.stats()
    assert all(s.fetched > 0 for s in summaries)
    assert stats["rejected_429"] == 0 and stats["max_in_flight"] <= 10
    print(f"[reliability] 4 parallel syncs: max in flight {stats['max_in_flight']}, 429s {stats['rejected_429']}")


KILLED_SYNC = textwrap.dedent('''
    import sys
    from datetime import datetime, timedelta, timezone
    from airflow_workfront.client import ApiKeyAuth, ClientConfig, WorkfrontClient
    from airflow_workfront.sync import SqlSink, SyncEngine, SyncWindow
    base_url, key = sys.argv[1:3]
    clock = datetime(2026, 3, 2, 10, tzinfo=timezone.utc)
    client = WorkfrontClient(ClientConfig(host=base_url, auth=ApiKeyAuth(key), max_concurrency=2))
    SyncEngine(client, "TASK", ["name"], page_size=500).run(
        SyncWindow(clock - timedelta(hours=2), clock), SqlSink("wf_task", conn_id="kill_wh"))
    print("finished")
''')


def test_a_sync_killed_hard_converges_when_run_again(big_emulator, tmp_path):
    db = tmp_path / "killed.db"
    script = tmp_path / "sync.py"
    script.write_text(KILLED_SYNC)
    big_emulator.control.set_faults(latency_ms=30)
    env = {**os.environ, "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
           "AIRFLOW_CONN_KILL_WH": json.dumps({"conn_type": "sqlite", "host": str(db)})}
    proc = subprocess.Popen([sys.executable, str(script), big_emulator.base_url, big_emulator.api_key],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (db.exists() and warehouse_rows(db, "wf_task")):
        time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = len(warehouse_rows(db, "wf_task"))
    big_emulator.control.set_faults()
    rerun = subprocess.run([sys.executable, str(script), big_emulator.base_url, big_emulator.api_key],
                           env=env, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stdout[-2000:] + rerun.stderr[-2000:]
    from airflow_workfront.client.dates import parse_wf_datetime

    stored = warehouse_rows(db, "wf_task")
    # Earlier tests' churn moved some tasks past the window end: only the window's tasks count.
    in_window = {k: v for k, v in emulator_rows(big_emulator, "TASK").items() if parse_wf_datetime(v) < CLOCK}
    assert 0 < partial < len(in_window)
    assert differences(stored, in_window) == {}
    print(f"[reliability] SIGKILL after {partial} rows; re-run converged to {len(stored)} rows")
