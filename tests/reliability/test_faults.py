"""The sync under faults: errors, edits between pages, several tasks at once, a hard kill.

The figures these tests record (``figures`` fixture) are written into docs/reliability.md by
``benchmarks/reliability.py``, which runs them.
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
from airflow_workfront.client.errors import WorkfrontBadRequestError
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
        columns = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        if not columns:
            return {}
        # A new table's columns are named in Workfront's style or in snake_case (the sink's setting).
        key, date = ("ID", "lastUpdateDate") if "lastUpdateDate" in columns else ("id", "last_update_date")
        return dict(db.execute(f'SELECT "{key}", "{date}" FROM {table}'))


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


#: Fault kinds a sync rides through (retried), and the seeds whose draws inject each of them at
#: least once within run 1's requests (the test checks that from the emulator's own counts).
RETRIED_FAULTS = ("429", "500", "drop")
SEED_RUN_1, SEED_RUN_2 = 30, 4


def test_sync_of_50000_tasks_under_10_percent_faults_and_churn_matches_exactly(big_emulator, sqlite_conn, figures):
    control = big_emulator.control
    control.reset_stats()
    control.set_faults(rate=0.10, kinds=RETRIED_FAULTS, random_seed=SEED_RUN_1,
                       churn={"every_n_searches": 2, "edits": 3, "deletes": 1})
    client = client_for(big_emulator)
    first = SyncEngine(client, "TASK", FIELDS).run(WINDOW_1, SqlSink("wf_task", conn_id="reliability_wh", column_names="workfront"))
    control.set_faults(rate=0.10, kinds=RETRIED_FAULTS, random_seed=SEED_RUN_2)  # churn off, faults on
    control.advance_clock(WINDOW_2.end.timestamp() - CLOCK.timestamp())  # window 2 has ended too
    second = SyncEngine(client, "TASK", FIELDS).run(WINDOW_2, SqlSink("wf_task", conn_id="reliability_wh", column_names="workfront"))
    control.set_faults()
    stats = control.stats()

    expected = emulator_rows(big_emulator, "TASK")
    stored = warehouse_rows(sqlite_conn, "wf_task")
    assert len(expected) < 50000  # churn deleted some tasks while the first run paged
    assert differences(stored, expected) == {}  # nothing lost, duplicated (primary key) or stale
    injected = stats["faults"]
    assert all(injected.get(kind, 0) >= 1 for kind in RETRIED_FAULTS), injected  # each kind, mid-sync
    assert client.stats.retries >= sum(injected.values())
    figures.update(run1=first.fetched, run2=second.fetched, run2_deleted=second.deleted, tasks=len(expected),
                   requests=client.stats.total, retries=client.stats.retries, faults=injected)

    # An error body answered with HTTP 200 is not a page of data: the run stops with the typed
    # error, is not retried, and writes nothing.
    control.reset_stats()
    control.set_faults(rate=1.0, kinds=("error200",))
    with pytest.raises(WorkfrontBadRequestError, match="UnsupportedOperationException") as err:
        SyncEngine(client_for(big_emulator), "TASK", FIELDS).run(WINDOW_2, SqlSink("wf_task", conn_id="reliability_wh", column_names="workfront"))
    control.set_faults()
    assert control.stats()["faults"] == {"error200": 1}
    assert differences(warehouse_rows(sqlite_conn, "wf_task"), expected) == {}
    figures.update(error200=type(err.value).__name__, error200_injected=1)
    print(f"\n[reliability] 50k sync under faults: {figures}")


def test_parallel_syncs_stay_under_the_concurrency_limit(big_emulator, tmp_path, create_connection_without_db,
                                                         figures):
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
    figures.update(max_in_flight=stats["max_in_flight"], rejected_429=stats["rejected_429"],
                   requests=stats["total"], fetched={c: s.fetched for c, s in zip(codes, summaries, strict=True)})
    print(f"[reliability] 4 parallel syncs: {figures}")


KILLED_SYNC = textwrap.dedent('''
    import sys
    from datetime import datetime, timedelta, timezone
    from airflow_workfront.client import ApiKeyAuth, ClientConfig, WorkfrontClient
    from airflow_workfront.sync import SqlSink, SyncEngine, SyncWindow
    base_url, key = sys.argv[1:3]
    clock = datetime(2026, 3, 2, 10, tzinfo=timezone.utc)
    client = WorkfrontClient(ClientConfig(host=base_url, auth=ApiKeyAuth(key), max_concurrency=2))
    SyncEngine(client, "TASK", ["name"], page_size=500).run(
        SyncWindow(clock - timedelta(hours=2), clock), SqlSink("wf_task", conn_id="kill_wh", column_names="workfront"))
    print("finished")
''')


def test_a_sync_killed_hard_converges_when_run_again(big_emulator, tmp_path, figures):
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
    figures.update(partial=partial, converged=len(stored))
    print(f"[reliability] SIGKILL: {figures}")
