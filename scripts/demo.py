"""``make demo``: two hourly windows of ``example_workfront_sync`` against the local emulator.

1. Start the emulator (demo seed, control API) on a free port; its clock is set so that the seed's
   timestamps fall inside the first window.
2. Set up an Airflow home under ``.demo/`` (SQLite metadata DB, the ``workfront_api`` pool with
   10 slots) with the ``workfront_default`` and ``workfront_warehouse`` connections given as
   environment variables; the warehouse is ``.demo/warehouse.db`` (SQLite).
3. Run the DAG for window 1 with ``dag.test()``, then edit and delete objects through the
   emulator's control API inside window 2, and run the DAG for window 2.
4. Print, per object type, objects in Workfront vs rows in the warehouse, rows changed by run 2,
   API requests and time, and exit non-zero if the warehouse and the emulator disagree.

The emulator is always stopped at the end. Everything written goes under ``.demo/`` (gitignored),
or under ``$WORKFRONT_DEMO_DIR`` when set.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# WORKFRONT_DEMO_DIR lets tests run the demo without touching the checkout's .demo/.
DEMO = Path(os.environ.get("WORKFRONT_DEMO_DIR") or ROOT / ".demo")
AIRFLOW_HOME = DEMO / "airflow"
WAREHOUSE = DEMO / "warehouse.db"
DAG_FILE = ROOT / "example_dags" / "example_workfront_sync.py"
API_KEY = "demo-key"
UTC = timezone.utc
# Two consecutive hourly windows; dag.test(logical_date=X) runs the interval that ends at X.
WINDOW_1 = (datetime(2026, 3, 2, 9, tzinfo=UTC), datetime(2026, 3, 2, 10, tzinfo=UTC))
WINDOW_2 = (WINDOW_1[1], WINDOW_1[1] + timedelta(hours=1))
OBJECTS = ("PROJ", "TASK", "OPTASK", "HOUR", "JRNLE")


def say(message: str) -> None:
    print(f"[demo] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Emulator:
    """The emulator as a subprocess, plus a thin client for its control API."""

    def __init__(self) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self._log = None

    def start(self) -> None:
        import httpx

        self._log = open(DEMO / "emulator.log", "w")  # noqa: SIM115 - closed in stop()
        cmd = [sys.executable, "-m", "airflow_workfront.emulator", "--host", "127.0.0.1", "--port", str(self.port),
               "--api-key", API_KEY, "--seed", "demo", "--control-api"]
        self.proc = subprocess.Popen(cmd, stdout=self._log, stderr=subprocess.STDOUT, cwd=ROOT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the emulator exited with {self.proc.returncode}; see {DEMO / 'emulator.log'}")
            try:
                httpx.get(f"{self.base_url}/_emulator/clock", timeout=1).raise_for_status()
                return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError(f"the emulator did not answer within 60 s; see {DEMO / 'emulator.log'}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self._log is not None:
            self._log.close()

    def control(self, method: str, path: str, body: dict | None = None) -> Any:
        import httpx

        response = httpx.request(method, f"{self.base_url}/_emulator/{path}", json=body, timeout=30)
        if response.status_code >= 400:
            raise RuntimeError(f"emulator control {method} /_emulator/{path} answered {response.status_code}: {response.text[:300]}")
        return response.json() if response.content else None

    def set_clock(self, moment: datetime) -> None:
        self.control("POST", "clock", {"now": moment.isoformat().replace("+00:00", "Z")})

    def objects(self, obj_code: str) -> list[dict[str, Any]]:
        data = self.control("GET", f"objects/{obj_code}")
        return data["data"] if isinstance(data, dict) and "data" in data else data


def prepare_airflow(emulator: Emulator) -> None:
    """Environment for an isolated Airflow home; must run before Airflow is imported."""
    os.environ.update({
        "AIRFLOW_HOME": str(AIRFLOW_HOME),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAG_FILE.parent),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{AIRFLOW_HOME / 'airflow.db'}",
        "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
        "AIRFLOW_CONN_WORKFRONT_DEFAULT": json.dumps(
            {"conn_type": "workfront", "host": emulator.base_url, "password": API_KEY}),
        "AIRFLOW_CONN_WORKFRONT_WAREHOUSE": json.dumps({"conn_type": "sqlite", "host": str(WAREHOUSE)}),
    })


def init_airflow() -> None:
    from airflow.models.pool import Pool
    from airflow.utils import db

    db.initdb()
    Pool.create_or_update_pool("workfront_api", 10, "Workfront API concurrency", include_deferred=False)


def load_dag():
    import importlib.util

    spec = importlib.util.spec_from_file_location("example_workfront_sync", DAG_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.dag


def run_window(dag, window: tuple[datetime, datetime]) -> tuple[dict[str, dict], float]:
    """Run one window; return the per-object sync summaries (from XCom) and the wall time."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    started = time.monotonic()
    dag_run = dag.test(logical_date=window[1])
    took = time.monotonic() - started
    interval = (dag_run.data_interval_start, dag_run.data_interval_end)
    if interval != window:
        raise RuntimeError(f"expected data interval {window}, the run had {interval}")
    if str(dag_run.state) not in ("success", "DagRunState.SUCCESS"):
        raise RuntimeError(f"run for {window[0]:%H:%M}-{window[1]:%H:%M} ended {dag_run.state}")
    with create_session() as session:
        rows = session.query(XComModel).filter(XComModel.run_id == dag_run.run_id, XComModel.key == "return_value")
        summaries = {r.task_id: (json.loads(r.value) if isinstance(r.value, str) else r.value) for r in rows}
    return {s["obj_code"]: s for s in summaries.values()}, took


def change_workfront(emulator: Emulator) -> dict[str, int]:
    """Edit and delete some objects inside window 2 (journal entries follow)."""
    emulator.set_clock(WINDOW_2[0] + timedelta(minutes=20))
    plan = {"PROJ": (2, 0), "TASK": (5, 2), "OPTASK": (3, 1), "HOUR": (2, 2)}  # (edits, deletes)
    done = {}
    for obj_code, (edits, deletes) in plan.items():
        objs = sorted(emulator.objects(obj_code), key=lambda o: o["ID"])
        for obj in objs[:edits]:
            field, value = ("hours", 1.5) if obj_code == "HOUR" else ("name", f"{obj.get('name', obj_code)} (edited)")
            emulator.control("PATCH", f"objects/{obj_code}/{obj['ID']}", {field: value})
        for obj in objs[-deletes:] if deletes else []:
            emulator.control("DELETE", f"objects/{obj_code}/{obj['ID']}")
        done[obj_code] = edits + deletes
    emulator.set_clock(WINDOW_2[1] + timedelta(minutes=5))
    return done


def compare(emulator: Emulator) -> list[dict[str, Any]]:
    """Per object type: IDs and window dates in the emulator vs the warehouse."""
    from airflow_workfront.client.dates import parse_wf_datetime
    from airflow_workfront.sync.window import date_field_for, iso_ms

    results = []
    with sqlite3.connect(WAREHOUSE) as db:
        for obj_code in OBJECTS:
            date_field = date_field_for(obj_code)
            wf = {o["ID"]: iso_ms(parse_wf_datetime(o[date_field])) for o in emulator.objects(obj_code)}
            try:
                table = f"wf_{obj_code.lower()}"
                # Column names come from the table's column map (snake_case for new tables).
                named = dict(db.execute(f'SELECT field, column_name FROM "{table}_wf_columns"').fetchall())
                wh = dict(db.execute(f'SELECT "{named["ID"]}", "{named[date_field]}" FROM "{table}"').fetchall())
            except sqlite3.OperationalError:
                wh = {}
            results.append({"obj_code": obj_code, "workfront": len(wf), "warehouse": len(wh), "agree": wf == wh,
                            "missing": len(wf.keys() - wh.keys()), "extra": len(wh.keys() - wf.keys()),
                            "stale": sum(1 for k in wf.keys() & wh.keys() if wf[k] != wh[k])})
    return results


def print_table(results, run1, run2, took1, took2) -> None:
    head = ("object", "in Workfront", "in warehouse", "agree", "run 1 rows", "run 2 changed",
            "requests 1+2", "time 1+2 (s)")
    lines = [head]
    for r in results:
        s1, s2 = run1.get(r["obj_code"], {}), run2.get(r["obj_code"], {})
        changed = s2.get("upserted", 0) + s2.get("deleted", 0)
        agree = "yes" if r["agree"] else f"NO (missing {r['missing']}, extra {r['extra']}, stale {r['stale']})"
        lines.append((r["obj_code"], r["workfront"], r["warehouse"], agree, s1.get("upserted", 0),
                      f"{changed} (+{s2.get('upserted', 0)} -{s2.get('deleted', 0)})",
                      f"{s1.get('requests', 0)}+{s2.get('requests', 0)}",
                      f"{s1.get('duration_s', 0):.2f}+{s2.get('duration_s', 0):.2f}"))
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(head))]
    for n, line in enumerate(lines):
        print("  ".join(str(v).ljust(w) for v, w in zip(line, widths, strict=True)))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print(f"\nDAG runs: window 1 took {took1:.1f} s, window 2 took {took2:.1f} s (dag.test, all tasks in-process)")


def main() -> int:
    started = time.monotonic()
    DEMO.mkdir(parents=True, exist_ok=True)
    for stale in (WAREHOUSE, AIRFLOW_HOME / "airflow.db"):
        stale.unlink(missing_ok=True)
    emulator = Emulator()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so `finally` stops the emulator
    try:
        say(f"starting the emulator on {emulator.base_url} (log: .demo/emulator.log)")
        emulator.start()
        # The seed's timestamps fall in the hour before the emulator clock: end window 1 there.
        emulator.set_clock(WINDOW_1[1])
        emulator.control("POST", "reset", {"seed": "demo"})
        emulator.set_clock(WINDOW_1[1] + timedelta(minutes=5))
        prepare_airflow(emulator)
        say("creating the Airflow metadata DB and the workfront_api pool under .demo/airflow")
        init_airflow()
        dag = load_dag()
        say(f"run 1: window [{WINDOW_1[0]:%Y-%m-%d %H:%M}, {WINDOW_1[1]:%H:%M}) UTC")
        run1, took1 = run_window(dag, WINDOW_1)
        changes = change_workfront(emulator)
        say("edited/deleted in Workfront during window 2: " + ", ".join(f"{k} {v}" for k, v in changes.items()))
        say(f"run 2: window [{WINDOW_2[0]:%Y-%m-%d %H:%M}, {WINDOW_2[1]:%H:%M}) UTC")
        run2, took2 = run_window(dag, WINDOW_2)
        results = compare(emulator)
        print()
        print_table(results, run1, run2, took1, took2)
    finally:
        emulator.stop()
        say("emulator stopped")
    ok = all(r["agree"] for r in results)
    say(f"{'OK: the warehouse matches Workfront' if ok else 'FAILED: the warehouse and Workfront disagree'} "
        f"({time.monotonic() - started:.0f} s in total)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
