"""A throwaway Airflow in real processes, for end-to-end tests and benchmarks of the receiver.

A test tool, not part of the product: it drops and creates PostgreSQL databases and starts
``airflow`` processes. Tests import it as ``tests.airflow_stack``; benchmarks put the repository
root on ``sys.path`` first.

::

    with AirflowStack(tmp_path, dags_folder, receivers={"projects": {"asset": "wf_projects"}},
                      connections={"workfront_events_projects": {"conn_type": "generic", "password": TOKEN}}) as af:
        httpx.post(af.receiver_url("projects"), ...)
        af.wait_for(lambda: af.scalar("select count(*) from asset_event"), "an asset event")

Its own ``AIRFLOW_HOME`` and database: a fresh PostgreSQL database on ``127.0.0.1:5432`` when
one answers there (dropped afterwards), SQLite otherwise. ``airflow api-server``, ``airflow
scheduler`` (and ``airflow dag-processor`` if asked) run as separate processes with the
LocalExecutor; each logs to a file under the home, so tests can search the logs.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self

import httpx

from airflow_workfront.emulator.testing import free_port, stop_processes

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
# The DAGs are parsed once by `airflow dags reserialize`; a running dag-processor is optional.
PROCESSES = ("api-server", "scheduler")


def _postgres_database(name: str) -> str | None:
    """Create a PostgreSQL database; its SQLAlchemy URL, or None when no server answers."""
    try:
        import psycopg2
    except ImportError:
        return None
    try:
        conn = psycopg2.connect(POSTGRES_ADMIN_URL, connect_timeout=3)
    except psycopg2.OperationalError:
        return None
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    return f"postgresql+psycopg2://postgres@127.0.0.1:5432/{name}"


def _drop_postgres_database(name: str) -> None:
    import psycopg2

    conn = psycopg2.connect(POSTGRES_ADMIN_URL, connect_timeout=3)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


class StartsOnEnter:
    """``with`` starts the stack and stops it on the way out; a start that fails stops what it
    started before the error goes on."""

    def start(self) -> Self:
        """Start every process; return the stack."""
        raise NotImplementedError

    def stop(self) -> None:
        """Stop every process."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()


class AirflowStack(StartsOnEnter):
    """Airflow's API server (with this provider's plugin), scheduler and DAG processor.

    :param home: An empty directory for ``AIRFLOW_HOME``.
    :param dags_folder: The DAGs to run.
    :param receivers: The ``[workfront_events] receivers`` setting.
    :param connections: Connections by ID, passed as ``AIRFLOW_CONN_*`` variables.
    :param env: More environment variables for every process.
    :param api_workers: API-server worker processes.
    :param pools: Pools to create (name -> slots) before the scheduler starts.
    :param database: ``"auto"`` (PostgreSQL when it answers, else SQLite), ``"postgres"`` or ``"sqlite"``.
    """

    def __init__(self, home: Path, dags_folder: Path, *, receivers: dict[str, Any],
                 connections: dict[str, dict] | None = None, env: dict[str, str] | None = None,
                 api_workers: int = 1, pools: dict[str, int] | None = None, database: str = "auto") -> None:
        self.home, self.dags_folder = Path(home), Path(dags_folder)
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.api_workers, self.pools = api_workers, pools or {}
        self.db_name = f"wf_receiver_{os.getpid()}_{secrets.token_hex(3)}"
        if database not in ("auto", "postgres", "sqlite"):
            raise ValueError(f"database must be auto, postgres or sqlite, got {database!r}")
        postgres = None if database == "sqlite" else _postgres_database(self.db_name)
        if database == "postgres" and postgres is None:
            raise RuntimeError(f"no PostgreSQL answers at {POSTGRES_ADMIN_URL}")
        self.on_postgres = postgres is not None
        self.database_url: str = postgres or f"sqlite:///{self.home / 'airflow.db'}"
        self.env = {
            **os.environ,
            "AIRFLOW_HOME": str(self.home),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_FOLDER": str(self.dags_folder),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": self.database_url,
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__PARALLELISM": "4",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            # Airflow reads a provider's plugins from its provider info only with this off.
            "AIRFLOW__CORE__LAZY_DISCOVER_PROVIDERS": "False",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{self.base_url}/execution/",
            "AIRFLOW__API__BASE_URL": self.base_url,
            "AIRFLOW__API__PORT": str(self.port),
            "AIRFLOW__API_AUTH__JWT_SECRET": secrets.token_urlsafe(32),
            "AIRFLOW__API__SECRET_KEY": secrets.token_urlsafe(32),
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "2",
            # A busy test machine answers slower than the 5 s a task waits for the API server by default.
            "AIRFLOW__WORKERS__EXECUTION_API_TIMEOUT": "60",
            "AIRFLOW__WORKFRONT_EVENTS__RECEIVERS": json.dumps(receivers),
            **{f"AIRFLOW_CONN_{conn_id.upper()}": json.dumps(conn) for conn_id, conn in (connections or {}).items()},
            **(env or {}),
        }
        self.processes: dict[str, subprocess.Popen] = {}
        self._logs: dict[str, Any] = {}

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self, processes: tuple[str, ...] = PROCESSES, timeout: float = 240.0) -> AirflowStack:
        """Migrate the database, parse the DAGs, start the processes, wait for the API server."""
        self.home.mkdir(parents=True, exist_ok=True)
        self._run("db", "migrate")
        self._run("dags", "reserialize")
        for pool, slots in self.pools.items():
            self._run("pools", "set", pool, str(slots), "created by AirflowStack")
        for name in processes:
            args = ["api-server", "--port", str(self.port), "--host", "127.0.0.1", "--workers", str(self.api_workers)] \
                if name == "api-server" else [name]
            log = open(self.home / f"{name}.log", "w")  # noqa: SIM115 - closed in stop()
            self._logs[name] = log
            self.processes[name] = subprocess.Popen([sys.executable, "-m", "airflow", *args], env=self.env,
                                                    stdout=log, stderr=subprocess.STDOUT, cwd=self.home)
        if "api-server" in processes:
            self.wait_for(self._api_up, "the API server to answer", timeout)
        return self

    def stop(self) -> None:
        """Stop every process (terminate, then kill), close the logs and drop the database."""
        stop_processes(self.processes.values(), grace=20)
        self.processes.clear()
        for log in self._logs.values():
            log.close()
        if self.on_postgres:
            _drop_postgres_database(self.db_name)
            self.on_postgres = False

    # -- helpers ------------------------------------------------------------------------------

    def receiver_url(self, name: str) -> str:
        """Where Workfront delivers for receiver ``name``."""
        return f"{self.base_url}/workfront/events/{name}"

    def logs(self) -> str:
        """Everything the processes and their tasks logged so far."""
        texts = [path.read_text(errors="replace") for path in sorted(self.home.rglob("*.log"))]
        return "\n".join(texts)

    def scalar(self, sql: str, **params: Any) -> Any:
        """One value from the stack's metadata database."""
        rows = self.rows(sql, **params)
        return rows[0][0] if rows else None

    def rows(self, sql: str, **params: Any) -> list[tuple]:
        """Rows from the stack's metadata database (plain SQL: the test process's Airflow is another one)."""
        from sqlalchemy import create_engine, text

        engine = getattr(self, "_engine", None) or create_engine(self.database_url)
        self._engine = engine
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql), params)]

    def wait_for(self, check: Callable[[], Any], what: str, timeout: float = 60.0, every: float = 0.1) -> Any:
        """Call ``check`` until it returns something truthy; fail naming ``what`` and a process that died."""
        deadline = time.monotonic() + timeout
        while True:
            value = check()
            if value:
                return value
            dead = [name for name, proc in self.processes.items() if proc.poll() is not None]
            if dead or time.monotonic() > deadline:
                why = f"{', '.join(dead)} exited" if dead else f"{timeout:.0f} s passed"
                raise AssertionError(f"waiting for {what}: {why}\n{self.logs()[-4000:]}")
            time.sleep(every)

    def _api_up(self) -> bool:
        try:
            return httpx.get(f"{self.base_url}/api/v2/monitor/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def _run(self, *args: str) -> None:
        done = subprocess.run([sys.executable, "-m", "airflow", *args], env=self.env, capture_output=True,
                              text=True, cwd=self.home, timeout=300)
        if done.returncode:
            raise RuntimeError(f"airflow {' '.join(args)} failed: {done.stdout[-2000:]}{done.stderr[-2000:]}")
