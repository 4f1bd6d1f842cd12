"""A Workfront mirror run by events, in real processes: the emulator, Airflow, a warehouse.

A test and benchmark tool (``tests/mirror/test_freshness*.py``, ``benchmarks/bench_freshness.py``),
not part of the product. It starts:

* the emulator in its own process, which delivers event subscriptions itself;
* Airflow (``tests/airflow_stack.py``): API server with the provider's receiver ``mirror``,
  scheduler, DAG processor, LocalExecutor (or CeleryExecutor on a Redis it starts), running
  ``example_dags/example_workfront_mirror_events.py`` as shipped, with its settings
  (objects, timetable) given through the environment variables it reads;
* a warehouse: a fresh PostgreSQL database when one answers on 127.0.0.1:5432, else SQLite;

and subscribes the receiver to every CREATE/UPDATE/DELETE of the mirror's types that Workfront
sends events for. :meth:`MirrorStack.exact` compares every table with Workfront.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx

from airflow_workfront.emulator.testing import EmulatorProcess, free_port, stop_process
from tests.airflow_stack import AirflowStack, StartsOnEnter, _drop_postgres_database, _postgres_database

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "example_dags" / "example_workfront_mirror_events.py"
DAG_ID = "example_workfront_mirror_events"
ASSET = "workfront_mirror_changes"
RECEIVER = "mirror"
API_KEY = "freshness-key"
API = "/attask/api/v21.0"


class MirrorStack(StartsOnEnter):
    """The emulator, Airflow running the event-driven mirror example, and its warehouse.

    :param home: An empty directory.
    :param objects: The mirror's object codes.
    :param cron: The example's timetable (``WORKFRONT_MIRROR_CRON``).
    :param executor: ``"local"`` or ``"celery"`` (starts ``redis-server`` and one Celery worker).
    :param warehouse: ``"auto"`` (PostgreSQL when it answers, else SQLite), ``"postgres"`` or ``"sqlite"``.
    :param emulator_args: More emulator CLI arguments (``--event-drop-rate 0.2``).
    """

    def __init__(self, home: Path, objects: Sequence[str], *, cron: str = "@hourly", executor: str = "local",
                 warehouse: str = "auto", emulator_args: Sequence[str] = (), api_workers: int = 1,
                 parallelism: int = 8) -> None:
        if executor not in ("local", "celery"):
            raise ValueError(f"executor must be local or celery, got {executor!r}")
        self.home, self.objects, self.cron, self.executor = Path(home), list(objects), cron, executor
        self.warehouse_kind, self.emulator_args = warehouse, list(emulator_args)
        self.api_workers, self.parallelism = api_workers, parallelism
        self.token = "freshness-token-" + secrets.token_hex(12)
        self.emulator: EmulatorProcess | None = None
        self.airflow: AirflowStack | None = None
        self.redis: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.warehouse_db: str | None = None
        self.subscriptions: list[str] = []

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> MirrorStack:
        """Start everything and subscribe; returns once the DAG is active (its first run is queued)."""
        self.home.mkdir(parents=True, exist_ok=True)
        self.emulator = EmulatorProcess("--seed", "demo", *self.emulator_args, api_key=API_KEY)
        warehouse_conn = self._warehouse()
        dags = self.home / "dags"
        dags.mkdir(exist_ok=True)
        shutil.copy(EXAMPLE, dags / EXAMPLE.name)
        env = {"WORKFRONT_MIRROR_OBJECTS": ",".join(self.objects), "WORKFRONT_MIRROR_CRON": self.cron,
               "AIRFLOW__CORE__PARALLELISM": str(self.parallelism),
               "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "1",
               # Unpaused once the API server answers: the first run's tasks report to it.
               "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True"}
        if self.executor == "celery":
            env.update(self._redis())
        connections = {
            "workfront_default": {"conn_type": "workfront", "host": self.emulator.base_url, "password": API_KEY},
            "workfront_warehouse": warehouse_conn,
            f"workfront_events_{RECEIVER}": {"conn_type": "generic", "password": self.token},
        }
        self.airflow = AirflowStack(self.home / "airflow", dags, receivers={RECEIVER: {"asset": ASSET}},
                                    connections=connections, env=env, api_workers=self.api_workers,
                                    pools={"workfront_api": 10})
        self.airflow.start(processes=("api-server", "scheduler", "dag-processor"))
        if self.executor == "celery":
            log = open(self.home / "airflow" / "celery-worker.log", "w")  # noqa: SIM115 - closed with the process
            self.worker = subprocess.Popen([sys.executable, "-m", "airflow", "celery", "worker", "--concurrency",
                                            str(self.parallelism)], env=self.airflow.env, stdout=log,
                                           stderr=subprocess.STDOUT, cwd=self.airflow.home)
        self.subscribe()
        self.airflow._run("dags", "unpause", DAG_ID)
        return self

    def stop(self) -> None:
        """Stop every process and drop the databases."""
        if self.worker is not None:
            stop_process(self.worker, grace=20)
        if self.airflow is not None:
            self.airflow.stop()
        if self.redis is not None:
            stop_process(self.redis, grace=5)
        if self.emulator is not None:
            self.emulator.stop()
        if self.warehouse_db is not None:
            _drop_postgres_database(self.warehouse_db)
            self.warehouse_db = None

    def _warehouse(self) -> dict[str, Any]:
        if self.warehouse_kind != "sqlite":
            name = f"wf_freshness_wh_{os.getpid()}_{secrets.token_hex(3)}"
            if _postgres_database(name) is not None:
                self.warehouse_db = name
                return {"conn_type": "postgres", "host": "127.0.0.1", "port": 5432, "login": "postgres",
                        "schema": name}
            if self.warehouse_kind == "postgres":
                raise RuntimeError("no PostgreSQL answers on 127.0.0.1:5432")
        return {"conn_type": "sqlite", "host": str(self.home / "warehouse.db")}

    def _redis(self) -> dict[str, str]:
        port = free_port()
        self.redis = subprocess.Popen(["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        return {"AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
                "AIRFLOW__CELERY__BROKER_URL": f"redis://127.0.0.1:{port}/0"}

    @property
    def on_postgres(self) -> bool:
        """Whether the warehouse is PostgreSQL."""
        return self.warehouse_db is not None

    # -- Workfront ----------------------------------------------------------------------------

    def subscribe(self) -> list[str]:
        """Subscribe the receiver to every mirrored type that sends events, as users do (``subscribe_mirror``)."""
        from airflow_workfront.client import ApiKeyAuth, ClientConfig, WorkfrontClient
        from airflow_workfront.mirror.subscriptions import subscribe_mirror

        assert self.emulator is not None and self.airflow is not None
        client = WorkfrontClient(ClientConfig(host=self.emulator.base_url, auth=ApiKeyAuth(API_KEY)))
        try:
            made = subscribe_mirror(client, self.objects, self.airflow.receiver_url(RECEIVER), self.token)
        finally:
            client.close()
        self.subscriptions = made["subscription_ids"]
        return self.subscriptions

    def workfront(self, code: str, fields: Sequence[str]) -> dict[str, tuple]:
        """ID -> the fields' values of every object of ``code``, through the Workfront API."""
        assert self.emulator is not None
        rows: list[dict] = []
        with httpx.Client(base_url=self.emulator.base_url + API, headers={"apiKey": API_KEY}, timeout=60) as wf:
            while True:
                page = wf.get(f"/{code}/search", params={"fields": ",".join(["ID", *fields]), "$$FIRST": len(rows),
                                                          "$$LIMIT": 2000}).json()["data"]
                rows += page
                if len(page) < 2000:
                    break
        return {r["ID"]: tuple(_norm(r.get(f)) for f in fields) for r in rows}

    # -- warehouse ----------------------------------------------------------------------------

    def warehouse_hook(self):
        """A DB-API hook on the warehouse (from this process, not Airflow's)."""
        assert self.airflow is not None
        conn = json.loads(self.airflow.env["AIRFLOW_CONN_WORKFRONT_WAREHOUSE"])
        if conn["conn_type"] == "sqlite":
            from airflow.providers.sqlite.hooks.sqlite import SqliteHook

            os.environ["AIRFLOW_CONN_FRESHNESS_WAREHOUSE"] = json.dumps(conn)
            return SqliteHook(sqlite_conn_id="freshness_warehouse")
        from airflow.providers.postgres.hooks.postgres import PostgresHook

        os.environ["AIRFLOW_CONN_FRESHNESS_WAREHOUSE"] = json.dumps(conn)
        return PostgresHook(postgres_conn_id="freshness_warehouse")

    def table(self, hook, code: str, fields: Sequence[str]) -> dict[str, tuple] | None:
        """ID -> the fields' values of the table's rows, found through its column map; ``None``
        before the table exists."""
        table = f"wf_{code.lower()}"
        try:
            named = dict(hook.get_records(f'SELECT field, column_name FROM "{table}_wf_columns"'))
        except Exception:  # the table's first run has not written it yet
            return None
        columns = ", ".join(f'"{named[f]}"' for f in ["ID", *fields])
        return {r[0]: tuple(_norm(v) for v in r[1:]) for r in hook.get_records(f'SELECT {columns} FROM "{table}"')}

    def exact(self, codes: Sequence[str] | None = None, hook=None) -> dict[str, str]:
        """Object code -> what differs between its table and Workfront (IDs and versions); empty
        when every table (of ``codes``, default all) is exact."""
        from airflow_workfront.client.objects import date_field_for
        from airflow_workfront.mirror.objects import mirror_object

        hook = hook or self.warehouse_hook()
        wrong = {}
        for code in codes or self.objects:
            dated = mirror_object(code).code not in ("TEAMOB",)
            fields = [date_field_for(code)] if dated else ["name"]
            expected, stored = self.workfront(code, fields), self.table(hook, code, fields)
            if stored is None:
                wrong[code] = "no table"
                continue
            missing, extra = expected.keys() - stored.keys(), stored.keys() - expected.keys()
            stale = [k for k in expected.keys() & stored.keys() if expected[k] != stored[k]]
            if missing or extra or stale:
                wrong[code] = f"{len(missing)} missing, {len(extra)} extra, {len(stale)} stale of {len(expected)}"
        return wrong

    # -- Airflow ------------------------------------------------------------------------------

    def runs(self) -> list[dict[str, Any]]:
        """Every run of the DAG, oldest first: id, run_type, state, and task states by task ID."""
        assert self.airflow is not None
        rows = self.airflow.rows("select run_id, run_type, state, start_date, end_date, data_interval_end from dag_run "
                                 "where dag_id = :d order by id", d=DAG_ID)
        tasks = self.airflow.rows("select run_id, task_id, state from task_instance where dag_id = :d", d=DAG_ID)
        by_run: dict[str, dict[str, str | None]] = {}
        for run_id, task_id, state in tasks:
            by_run.setdefault(run_id, {})[task_id] = state
        return [{"run_id": r[0], "run_type": r[1], "state": r[2], "start": _utc(r[3]), "end": _utc(r[4]),
                 "interval_end": _utc(r[5]), "tasks": by_run.get(r[0], {})} for r in rows]

    def wait_for_run(self, run_type: str, after: int = 0, timeout: float = 240.0,
                     where=lambda run: True) -> dict[str, Any]:
        """The first finished run of ``run_type`` among the runs after the first ``after`` that
        ``where`` accepts; fails when it does not succeed."""
        assert self.airflow is not None

        def finished():
            for run in self.runs()[after:]:
                if run["run_type"] == run_type and where(run) and run["state"] in ("success", "failed"):
                    return run
            return None

        run = self.airflow.wait_for(finished, f"a finished {run_type} run", timeout=timeout, every=0.5)
        assert run["state"] == "success", (run, self.airflow.logs()[-6000:])
        return run


def _utc(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _norm(value: Any) -> Any:
    """Dates as ISO UTC milliseconds, numbers as floats, the rest as text: both sides compare alike."""
    from airflow_workfront.client.dates import parse_wf_datetime
    from airflow_workfront.sync.window import iso_ms

    if isinstance(value, datetime):
        return iso_ms(value if value.tzinfo else value.replace(tzinfo=timezone.utc))
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            return iso_ms(parse_wf_datetime(value))
        except ValueError:
            return value
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == " ":  # SQLite text
        try:
            return _norm(datetime.fromisoformat(value))
        except ValueError:
            return value
    return value

