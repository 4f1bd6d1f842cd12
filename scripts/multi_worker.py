"""Workfront's per-customer limit held across worker processes, on a real Airflow deployment.

Starts, all on loopback: the Workfront emulator (limited to 10 requests in flight, answering
429 above that, with some latency so requests overlap), PostgreSQL databases of its own for
Airflow's metadata and for the warehouse, a Redis database of its own as Celery broker, then
Airflow's api-server, scheduler, dag-processor and two Celery workers. It triggers one run of
``example_workfront_sync`` (five sync tasks in the 10-slot ``workfront_api`` pool, 5 slots each)
and, at the same time, one of ``example_workfront_mirror`` (21 tasks, one per object type, in the
same pool, into a warehouse database of its own), and checks:

- both runs succeeded, their tasks ran in both workers, and tasks overlapped in time;
- Workfront (the emulator) saw at most 10 requests in flight, and answered 0 x 429;
- every sync table equals the emulator's objects of the window, row for row, and every mirror
  table holds exactly the IDs of the objects dated before the window's end.

Usage (from the repository root, with the dev extras installed)::

    python scripts/multi_worker.py            # prints a table; exit status 0 when every check holds
    python scripts/multi_worker.py --keep     # leave the databases and the Airflow home for a look

Services it needs: PostgreSQL on 127.0.0.1:5432 (trust auth for user ``postgres``; it creates and
drops the databases ``wf_multiworker_meta`` and ``wf_multiworker_wh``) and Redis on
127.0.0.1:6379 (it uses and flushes database 11). Override with ``--pg``/``--redis``.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DAG_ID = "example_workfront_sync"
MIRROR_DAG_ID = "example_workfront_mirror"
META_DB, WAREHOUSE_DB, MIRROR_DB = "wf_multiworker_meta", "wf_multiworker_wh", "wf_multiworker_mirror"
# Which emulator field each synced type is windowed on, and which fields the tables must match.
SYNCED = {"PROJ": ("lastUpdateDate", ["name", "status"]), "TASK": ("lastUpdateDate", ["name", "status"]),
          "OPTASK": ("lastUpdateDate", ["name", "status"]), "HOUR": ("lastUpdateDate", ["hours", "status"]),
          "JRNLE": ("entryDate", ["changeType"])}
LIMIT = 10


@dataclass
class Deployment:
    """The processes started and where their logs go; everything is stopped by :meth:`stop`."""

    home: Path
    env: dict[str, str]
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    def start(self, name: str, *args: str, extra_env: dict[str, str] | None = None) -> None:
        log = open(self.home / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        self.procs[name] = subprocess.Popen(
            [sys.executable, "-m", "airflow", *args], env={**self.env, **(extra_env or {})}, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True, cwd=self.home,
        )

    def airflow(self, *args: str, timeout: float = 600) -> str:
        done = subprocess.run([sys.executable, "-m", "airflow", *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout, cwd=self.home)
        if done.returncode:
            raise RuntimeError(f"airflow {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        return done.stdout

    def check_alive(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}:\n{self.log_tail(name)}")

    def log_tail(self, name: str, chars: int = 3000) -> str:
        return (self.home / f"{name}.log").read_text(errors="replace")[-chars:]

    def stop(self) -> None:
        """Stop every process this script started: its whole session, TERM then KILL."""
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for proc in self.procs.values():
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def recreate_databases(pg: str) -> None:
    import psycopg

    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        for name in (META_DB, WAREHOUSE_DB, MIRROR_DB):
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_databases(pg: str) -> None:
    import psycopg

    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        for name in (META_DB, WAREHOUSE_DB, MIRROR_DB):
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def flush_redis(redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).flushdb()


def start_emulator():
    """The emulator in its own process."""
    from airflow_workfront.emulator.testing import EmulatorProcess

    return EmulatorProcess("--seed", "demo", api_key=secrets.token_hex(8))


def hour_to_sync() -> tuple[datetime, datetime]:
    """The data interval a run triggered now gets: the last whole hour. Too close to the next
    hour, the run could get another one, so wait for it to start."""
    now = datetime.now(timezone.utc)
    if now.minute >= 55:
        time.sleep((60 - now.minute) * 60 - now.second + 5)
        now = datetime.now(timezone.utc)
    end = now.replace(minute=0, second=0, microsecond=0)
    return end - timedelta(hours=1), end


def seed(emulator, start: datetime, end: datetime, size: int, latency_ms: float) -> None:
    """``size`` tasks (with projects, issues and hours) dated inside ``[start, end)``, then the
    emulator's clock back to now, the latency on and the 10-request limit set."""
    control = emulator.control
    control.set_clock(end.isoformat().replace("+00:00", "Z"))
    control.reset("demo", seed_size=size)  # seeded objects fall in the hour before the clock
    control.set_clock(datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"))
    control.set_faults(latency_ms=latency_ms, concurrency_limit=LIMIT)
    control.reset_stats()


def airflow_env(home: Path, pg: str, redis_url: str, api_port: int, emulator, page_size: int) -> dict[str, str]:
    meta = f"{pg.replace('postgresql://', 'postgresql+psycopg2://')}/{META_DB}"
    dags = home / "dags"
    dags.mkdir()
    for dag_id in (DAG_ID, MIRROR_DAG_ID):
        shutil.copy(ROOT / "example_dags" / f"{dag_id}.py", dags)
    workfront = {"conn_type": "workfront", "host": emulator.base_url, "password": emulator.api_key,
                 "extra": {"page_size": page_size}}
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    env.update({
        "AIRFLOW_HOME": str(home),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
        "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{api_port}",
        "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_hex(16),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": meta,
        "AIRFLOW__CELERY__BROKER_URL": redis_url,
        "AIRFLOW__CELERY__RESULT_BACKEND": f"db+{meta}",
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": "3",
        "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "2",
        "AIRFLOW__SCHEDULER__USE_JOB_SCHEDULE": "False",  # only the run this script triggers
        "AIRFLOW_CONN_WORKFRONT_DEFAULT": json.dumps(workfront),
        "AIRFLOW_CONN_WORKFRONT_WAREHOUSE": f"{pg.replace('postgresql://', 'postgres://')}/{WAREHOUSE_DB}",
        "AIRFLOW_CONN_WORKFRONT_MIRROR_WAREHOUSE": f"{pg.replace('postgresql://', 'postgres://')}/{MIRROR_DB}",
        "WORKFRONT_MIRROR_WAREHOUSE_CONN_ID": "workfront_mirror_warehouse",
    })
    return env


def query(pg: str, db: str, sql: str, *params) -> list[tuple]:
    import psycopg

    with psycopg.connect(f"{pg}/{db}") as conn:
        return conn.execute(sql, params).fetchall()


def wait_for(what: str, test, deployment: Deployment, timeout: float, every: float = 2.0):
    deadline = time.monotonic() + timeout
    while True:
        deployment.check_alive()
        value = test()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(every)


def expected_rows(emulator, start: datetime, end: datetime) -> dict[str, dict[str, dict]]:
    """Per object code: ID -> compared fields, for the emulator's objects dated in the window."""
    from airflow_workfront.emulator.timefmt import parse_time

    start_ms, end_ms = (int(t.timestamp() * 1000) for t in (start, end))
    wanted: dict[str, dict[str, dict]] = {}
    for code, (date_field, fields) in SYNCED.items():
        rows = emulator.control.list_objects(code)
        wanted[code] = {row["ID"]: {f: row.get(f) for f in fields} for row in rows
                        if row.get(date_field) and start_ms <= parse_time(row[date_field], 0) < end_ms}
    return wanted


def column_map(pg: str, db: str, table: str) -> dict[str, str] | None:
    """Field -> column of a sync table, from its column map (``None`` when the table is missing)."""
    if not query(pg, db, "SELECT 1 FROM information_schema.tables WHERE table_name = %s", table):
        return None
    return dict(query(pg, db, f'SELECT field, column_name FROM "{table}_wf_columns"'))


def table_rows(pg: str, code: str) -> dict[str, dict] | None:
    table = f"wf_{code.lower()}"
    named = column_map(pg, WAREHOUSE_DB, table)
    if named is None:
        return None
    fields = [f for f in SYNCED[code][1] if f in named]  # a table made from no rows has only its keys
    cols = ", ".join(f'"{named[f]}"' for f in ["ID", *fields])
    return {row[0]: dict(zip(fields, row[1:], strict=True)) for row in query(pg, WAREHOUSE_DB, f"SELECT {cols} FROM {table}")}


def mirror_check(pg: str, emulator, end: datetime) -> tuple[str, bool]:
    """Every mirror table holds exactly the IDs of the emulator's objects dated before ``end``."""
    from airflow_workfront.client.objects import date_field_for
    from airflow_workfront.emulator.timefmt import parse_time
    from airflow_workfront.mirror import DEFAULT_OBJECTS

    end_ms, wrong = int(end.timestamp() * 1000), []
    for code in DEFAULT_OBJECTS:
        date_field = date_field_for(code)
        rows = emulator.control.list_objects(code)
        expected = {r["ID"] for r in rows if code == "TEAMOB" or (r.get(date_field)
                                                                 and parse_time(r[date_field], 0) < end_ms)}
        named = column_map(pg, MIRROR_DB, f"wf_{code.lower()}")
        stored = set() if named is None else {i for (i,) in query(pg, MIRROR_DB, f'SELECT "{named["ID"]}" FROM '
                                                                                 f'"wf_{code.lower()}"')}
        if stored != expected:
            wrong.append(f"{code}: {len(stored)} of {len(expected)}")
    return (", ".join(wrong) or f"{len(DEFAULT_OBJECTS)} tables exact"), not wrong


def same(expected: dict, stored: dict) -> bool:
    return all(str(expected[k]) == str(stored.get(k)) or (isinstance(expected[k], (int, float)) and stored.get(k)
               is not None and float(expected[k]) == float(stored[k])) for k in expected)


def run(args: argparse.Namespace) -> int:
    checks: list[tuple[str, str, bool]] = []
    home = Path(tempfile.mkdtemp(prefix="wf-multiworker-"))
    emulator = None
    deployment = None
    try:
        recreate_databases(args.pg)
        flush_redis(args.redis)
        emulator = start_emulator()
        api_port = free_port()
        deployment = Deployment(home, airflow_env(home, args.pg, args.redis, api_port, emulator, args.page_size))
        started = time.monotonic()
        deployment.airflow("db", "migrate")
        deployment.airflow("pools", "set", "workfront_api", str(LIMIT), "Adobe Workfront: 10 requests in flight")
        deployment.start("api-server", "api-server", "--port", str(api_port))
        deployment.start("scheduler", "scheduler")
        deployment.start("dag-processor", "dag-processor")
        for n in (1, 2):
            deployment.start(f"worker{n}", "celery", "worker", "--celery-hostname", f"wf-worker{n}@%h",
                             "--skip-serve-logs")
        for dag_id in (DAG_ID, MIRROR_DAG_ID):
            wait_for(f"{dag_id} to be parsed", lambda d=dag_id: query(
                args.pg, META_DB, "SELECT 1 FROM dag WHERE dag_id = %s", d), deployment, 300)
        start, end = hour_to_sync()
        seed(emulator, start, end, args.size, args.latency_ms)
        print(f"deployment up in {time.monotonic() - started:.0f}s; triggering {DAG_ID} for {start:%H:%M}-{end:%H:%M}",
              flush=True)
        now = datetime.now(timezone.utc).isoformat()
        for dag_id in (DAG_ID, MIRROR_DAG_ID):  # at once: both share the pool
            deployment.airflow("dags", "trigger", dag_id, "--logical-date", now)
        states = {dag_id: wait_for(f"the {dag_id} run to finish", lambda d=dag_id: next(
            (s for (s,) in query(args.pg, META_DB, "SELECT state FROM dag_run WHERE dag_id = %s", d)
             if s in ("success", "failed")), None), deployment, args.timeout) for dag_id in (DAG_ID, MIRROR_DAG_ID)}
        state = states[DAG_ID]
        ran = time.monotonic() - started

        interval = query(args.pg, META_DB, "SELECT data_interval_start, data_interval_end FROM dag_run "
                                           "WHERE dag_id = %s", DAG_ID)[0]
        tis = query(args.pg, META_DB, "SELECT task_id, state, external_executor_id, start_date, end_date, pool, "
                                      "pool_slots FROM task_instance WHERE dag_id = %s ORDER BY start_date", DAG_ID)
        stats = emulator.control.stats()
        checks.append(("run state", state, state == "success"))
        checks.append(("data interval", f"{interval[0]:%H:%M}-{interval[1]:%H:%M}",
                       (interval[0], interval[1]) == (start, end)))
        checks.append(("task instances (state, pool, slots)",
                       ", ".join(f"{t[0]}={t[1]}/{t[5]}/{t[6]}" for t in tis),
                       len(tis) == len(SYNCED) and all(t[1] == "success" and t[5] == "workfront_api" for t in tis)))
        # Each Celery worker logs the ID of every task message it receives.
        per_worker = {n: sum(1 for t in tis if t[2] and t[2] in deployment.log_tail(f"worker{n}", 10**7))
                      for n in (1, 2)}
        checks.append(("tasks run per Celery worker", str(per_worker), all(per_worker.values())))
        overlap = any(a[3] < b[4] and b[3] < a[4] for i, a in enumerate(tis) for b in tis[i + 1:])
        checks.append(("two tasks ran at the same time", str(overlap), overlap))
        mirror_tis = query(args.pg, META_DB, "SELECT state, external_executor_id, pool FROM task_instance "
                                             "WHERE dag_id = %s", MIRROR_DAG_ID)
        checks.append(("mirror run state", states[MIRROR_DAG_ID], states[MIRROR_DAG_ID] == "success"))
        mirror_workers = {n: sum(1 for t in mirror_tis if t[1] and t[1] in deployment.log_tail(f"worker{n}", 10**7))
                          for n in (1, 2)}
        checks.append(("mirror tasks (all in the pool) per Celery worker", str(mirror_workers),
                       all(mirror_workers.values()) and all(t[2] == "workfront_api" for t in mirror_tis)))
        checks.append(("mirror tables hold every object before the window's end", *mirror_check(args.pg, emulator, end)))
        checks.append(("Workfront requests", str(stats["total"]), stats["total"] > 0))
        checks.append(("most requests in flight at once (limit 10)", str(stats["max_in_flight"]),
                       stats["max_in_flight"] <= LIMIT))
        checks.append(("429 answers", str(stats["rejected_429"]), stats["rejected_429"] == 0))
        wanted = expected_rows(emulator, start, end)
        for code in SYNCED:
            stored = table_rows(args.pg, code)
            expected = wanted[code]
            if stored is None:
                checks.append((f"wf_{code.lower()} rows", f"no table, expected {len(expected)}", not expected))
                continue
            exact = set(stored) == set(expected) and all(same(expected[i], stored[i]) for i in expected)
            checks.append((f"wf_{code.lower()} rows (exact)", f"{len(stored)} of {len(expected)}", exact))
        checks.append(("seconds from start to finished run", f"{ran:.0f}", True))
    except Exception as err:
        checks.append(("error", f"{type(err).__name__}: {err}", False))
        if deployment is not None:
            for name in deployment.procs:
                print(f"--- {name} log (end) ---\n{deployment.log_tail(name, 1500)}", file=sys.stderr)
    finally:
        if deployment is not None:
            deployment.stop()
        if emulator is not None:
            emulator.stop()
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)
            try:
                drop_databases(args.pg)
            except Exception as err:  # reported, not fatal: the checks are what matter
                print(f"could not drop the databases: {err}", file=sys.stderr)
        else:
            print(f"kept: AIRFLOW_HOME={home}, databases {META_DB} and {WAREHOUSE_DB}")

    width = max(len(name) for name, _, _ in checks)
    print(f"\n{'check':<{width}}  {'ok':<4} value")
    for name, value, ok in checks:
        print(f"{name:<{width}}  {'yes' if ok else 'NO':<4} {value}")
    return 0 if all(ok for _, _, ok in checks) else 1


def main(argv: list[str] | None = None) -> int:
    # A TERM (timeout, CI cancel) unwinds like an error, so the processes started are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432", help="PostgreSQL server URL")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11", help="Redis database for the broker")
    parser.add_argument("--size", type=int, default=4000, help="tasks in the window (issues, hours... follow)")
    parser.add_argument("--page-size", type=int, default=50, help="rows per request (small: many pages)")
    parser.add_argument("--latency-ms", type=float, default=300.0, help="emulator latency per request")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds to wait for the run")
    parser.add_argument("--keep", action="store_true", help="keep the Airflow home and the databases")
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
