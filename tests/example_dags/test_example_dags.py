"""Every example DAG imports cleanly, and each one runs green against the emulator."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import re
import shlex
import threading
import time
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "example_dags"
QUICKSTART = EXAMPLES.parent / "docs" / "quickstart.md"


def documented_connections() -> dict[str, dict]:
    """The connections docs/quickstart.md tells users to create for the examples, by conn_id."""
    found = {}
    for line in QUICKSTART.read_text().splitlines():
        if line.startswith("airflow connections add "):
            conn_id, *options = shlex.split(line)[3:]
            fields = {flag.removeprefix("--").replace("-", "_"): value
                      for flag, value in zip(options[::2], options[1::2], strict=True)}
            # --conn-type is conn_type, --conn-host is host...: the names Connection takes
            found[conn_id] = {(k if k == "conn_type" else k.removeprefix("conn_")): int(v) if k == "conn_port" else v
                              for k, v in fields.items()}
    return found


def load_module(name: str):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load(name: str):
    return load_module(name).dag


def xcom(dag_run, task_id: str):
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        row = session.query(XComModel).filter(XComModel.run_id == dag_run.run_id, XComModel.task_id == task_id,
                                              XComModel.key == "return_value").one()
        return json.loads(row.value) if isinstance(row.value, str) and row.value[:1] in "[{" else row.value


@pytest.fixture(params=["env", "db"])
def connections(request, emulator, airflow_db, monkeypatch, tmp_path):
    """Every connection the examples need, kept the way ``request.param`` says.

    ``env``: ``AIRFLOW_CONN_*`` environment variables. ``db``: rows in the metadata database, as
    ``airflow connections add`` or the UI write them (no environment variable shadows them).
    Returns ``add(conn_id, **fields)`` to add or replace one.
    """
    from airflow.models.connection import Connection
    from airflow.utils.session import create_session

    added: list[str] = []

    def add(conn_id: str, **fields) -> None:
        monkeypatch.delenv(f"AIRFLOW_CONN_{conn_id.upper()}", raising=False)
        if request.param == "env":
            monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(fields))
            return
        with create_session() as session:
            session.query(Connection).filter(Connection.conn_id == conn_id).delete()
            session.add(Connection(conn_id=conn_id, **fields))
        added.append(conn_id)

    for conn_id, fields in documented_connections().items():
        if conn_id == "workfront_default":  # this test session's emulator
            fields = {**fields, "host": "http://127.0.0.1", "port": emulator.port, "password": emulator.api_key}
        elif fields["conn_type"] == "sqlite":
            fields = {**fields, "host": str(tmp_path / "warehouse.db")}
        add(conn_id, **fields)
    yield add
    with create_session() as session:
        session.query(Connection).filter(Connection.conn_id.in_(added)).delete()


def succeeded(dag_run) -> bool:
    return str(dag_run.state).endswith("success")


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(EXAMPLES))


def test_dagbag_imports_every_example_without_errors(dagbag):
    bag = dagbag
    assert bag.import_errors == {}
    assert len(bag.dags) == len(list(EXAMPLES.glob("example_*.py"))) >= 6
    for dag in bag.dags.values():
        assert dag.description and dag.doc_md, dag.dag_id
        for task in dag.tasks:
            if type(task).__module__.startswith("airflow_workfront") and "Sensor" not in type(task).__name__:
                assert task.pool == "workfront_api", (dag.dag_id, task.task_id)


def test_every_connection_an_example_uses_is_documented_with_a_command(dagbag):
    used = set()
    for dag in dagbag.dags.values():
        for task in dag.tasks:
            used |= {getattr(task, name) for name in ("workfront_conn_id", "sql_conn_id") if hasattr(task, name)}
    for path in EXAMPLES.glob("example_*.py"):
        used |= set(re.findall(r"\bconn\.(\w+)", path.read_text()))
    assert used == set(documented_connections()), "docs/quickstart.md section 6 must list exactly these"


@pytest.mark.emulator
@pytest.mark.dag
@pytest.mark.slow
# tests/sync/test_example_dag.py runs it with connections in environment variables
@pytest.mark.parametrize("connections", ["db"], indirect=True)
def test_sync_example_runs_green_with_connections_in_the_database(run_dag, emulator, connections):
    from datetime import datetime, timedelta, timezone

    end = datetime(2026, 3, 2, 10, tzinfo=timezone.utc)
    emulator.control.set_clock(end.isoformat())  # the demo seed's timestamps fall in the hour before
    emulator.control.reset("demo")
    emulator.control.set_clock((end + timedelta(minutes=1)).isoformat())
    dag_run = run_dag(load("example_workfront_sync"), logical_date=end)
    assert succeeded(dag_run)
    assert xcom(dag_run, "sync_task")["upserted"] == len(emulator.control.list_objects("TASK")) > 0


@pytest.mark.emulator
@pytest.mark.dag
@pytest.mark.slow
@pytest.mark.parametrize("connections", ["env"], indirect=True)  # the db kind: the sync example's test
@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_mirror_example_copies_every_type_into_sqlite_and_postgres(run_dag, emulator, connections, database, request):
    """The quick start's DAG: every default type in its table, counts matching Workfront's."""
    from datetime import datetime, timedelta, timezone

    from airflow.providers.common.sql.hooks.sql import DbApiHook
    from airflow.sdk import BaseHook

    from airflow_workfront.mirror import DEFAULT_OBJECTS

    if database == "postgres":
        pg = request.getfixturevalue("postgres_conn_id")
        connections("workfront_warehouse", **json.loads(BaseHook.get_connection(pg).as_json()))
    end = datetime(2026, 3, 2, 10, tzinfo=timezone.utc)
    emulator.control.set_clock(end.isoformat())  # the demo seed's timestamps fall in the hour before
    emulator.control.reset("demo")
    emulator.control.set_clock((end + timedelta(minutes=1)).isoformat())
    module = load_module("example_workfront_mirror")
    from airflow.models.variable import Variable

    for task_id in module.dag.task_dict:  # each table's first run, whatever ran before
        Variable.delete(f"workfront_sync_watermark__example_workfront_mirror__{task_id}")
    dag_run = run_dag(module.dag, logical_date=end)
    assert succeeded(dag_run)
    hook = BaseHook.get_hook("workfront_warehouse")
    assert isinstance(hook, DbApiHook)
    for code in DEFAULT_OBJECTS:
        counts = xcom(dag_run, f"workfront.{code.lower()}")["counts"]
        stored = hook.get_records(f"SELECT COUNT(*) FROM wf_{code.lower()}")[0][0]
        assert counts["matches"] and counts["table"] == stored == len(emulator.control.list_objects(code)), code


@pytest.mark.emulator
@pytest.mark.dag
def test_bulk_csv_creates_the_tasks_and_recalculates(run_dag, emulator, connections):
    dag_run = run_dag(load("example_workfront_bulk_csv"))
    assert succeeded(dag_run)
    project = xcom(dag_run, "create_project")
    summary = xcom(dag_run, "bulk_create_tasks")
    assert summary["succeeded"] == 6 and summary["requests"] == 2  # one atomic chunk, one search for its IDs
    assert len(summary["ids"]) == 6
    tasks = [t for t in emulator.control.list_objects("TASK") if t.get("projectID") == project["ID"]]
    assert sorted(t["name"] for t in tasks)[0] == "Build pipeline"
    stored = emulator.control.get_object("PROJ", project["ID"])
    assert stored["plannedStartDate"].startswith("2026-04-01") and stored["plannedCompletionDate"].startswith("2026-05-04")


@pytest.mark.emulator
@pytest.mark.dag
def test_move_tasks_moves_not_started_tasks(run_dag, emulator, connections):
    control = emulator.control
    projects = {p["name"]: p["ID"] for p in control.list_objects("PROJ")}
    before = [t["ID"] for t in control.list_objects("TASK")
              if t.get("projectID") == projects["Project A"] and t["status"] == "NEW"]
    dag_run = run_dag(load("example_workfront_move_tasks"))
    assert succeeded(dag_run)
    assert sorted(xcom(dag_run, "find_tasks")) == sorted(before)
    moved = {t["ID"]: t["projectID"] for t in control.list_objects("TASK") if t["ID"] in before}
    assert set(moved.values()) == {projects["Project B"]}


@pytest.mark.emulator
@pytest.mark.dag
@pytest.mark.parametrize("completed", ["before the run", "while the sensor is deferred"])
def test_issue_status_waits_for_a_completed_issue_then_updates_tasks(run_dag, emulator, connections, completed):
    from datetime import timedelta

    import pendulum

    control = emulator.control
    start = pendulum.parse(control.clock_now())
    issue = next(i for i in control.list_objects("OPTASK") if i["status"] != "CPL")
    control.advance_clock(60)
    dag = load("example_workfront_issue_status")
    if completed == "before the run":
        control.edit_object("OPTASK", issue["ID"], {"status": "CPL"})
    else:
        # The sensor's first poke finds nothing and defers; the trigger (run in line by dag.test,
        # as by `airflow dags test`) polls every second and sees the issue completed after its
        # first poll.
        dag.get_task("wait_for_completed_issues").poke_interval = 1
        completer = threading.Thread(target=_complete_after_polls, args=(control, issue["ID"], 2), daemon=True)
        completer.start()
    dag_run = run_dag(dag, logical_date=start + timedelta(hours=1))
    assert succeeded(dag_run)
    assert [e["objID"] for e in xcom(dag_run, "wait_for_completed_issues")["entries"]] == [issue["ID"]]
    open_tasks = [t for t in control.list_objects("TASK") if t.get("projectID") == issue["projectID"] and t["status"] != "CPL"]
    assert open_tasks and all(t["priority"] == 4 for t in open_tasks)
    assert xcom(dag_run, "raise_priority")["succeeded"] == len(open_tasks)


def _journal_searches(control) -> int:
    return sum(n for route, n in control.stats()["by_route"].items() if "jrnle/search" in route.lower())


def _complete_after_polls(control, issue_id: str, polls: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while _journal_searches(control) < polls and time.monotonic() < deadline:
        time.sleep(0.1)
    control.edit_object("OPTASK", issue_id, {"status": "CPL"})


@pytest.mark.emulator
@pytest.mark.dag
def test_event_subscription_is_created_used_and_deleted(run_dag, emulator, connections):
    dag_run = run_dag(load("example_workfront_event_subscription"),
                      run_conf={"webhook_url": "http://127.0.0.1:9/hook"})
    assert succeeded(dag_run)
    sub_id = xcom(dag_run, "subscribe")
    assert [s["id"] for s in xcom(dag_run, "check")] == [sub_id]
    assert xcom(dag_run, "unsubscribe") == {"id": sub_id, "deleted": True}
    assert emulator.emulator.event_subscriptions.subscriptions == {}


@pytest.mark.emulator
@pytest.mark.dag
def test_asset_watcher_dag_runs_green_on_its_own(run_dag, emulator, connections):
    dag_run = run_dag(load("example_workfront_asset_watcher"))
    assert succeeded(dag_run)
    assert xcom(dag_run, "react") == []


@pytest.mark.emulator
@pytest.mark.dag
@pytest.mark.parametrize("example", ["example_workfront_bulk_csv", "example_workfront_move_tasks",
                                     "example_workfront_issue_status", "example_workfront_event_subscription",
                                     "example_workfront_sync"])
def test_an_example_fails_when_workfront_refuses_its_key(run_dag, emulator, connections, example):
    connections("workfront_default", conn_type="workfront", host=emulator.base_url, password="a-wrong-api-key")
    dated = example in ("example_workfront_issue_status", "example_workfront_sync")
    dag_run = run_dag(load(example), **({"logical_date": pendulum_now(emulator)} if dated else {}))
    assert str(dag_run.state).endswith("failed")


def pendulum_now(emulator):
    import pendulum

    return pendulum.parse(emulator.control.clock_now())


@pytest.mark.emulator
def test_asset_watcher_trigger_reports_each_change_once(emulator_conn):
    from airflow_workfront.hooks.workfront import WorkfrontHook
    from airflow_workfront.triggers.workfront import WorkfrontChangeEventTrigger

    control = emulator_conn.control
    example = load_module("example_workfront_asset_watcher")
    (watcher,) = example.workfront_tasks.watchers
    assert isinstance(watcher.trigger, WorkfrontChangeEventTrigger) and watcher.trigger.obj_code == "TASK"
    trigger = WorkfrontChangeEventTrigger(obj_code="TASK", filters={"status": "CPL", "status_Mod": "ne"},
                                          start_from="2000-01-01T00:00:00Z", max_results=1000)
    open_tasks = {t["ID"] for t in control.list_objects("TASK") if t["status"] != "CPL"}

    async def polls():
        client = await WorkfrontHook().aget_conn()
        async with client:
            first = await trigger.poll_once(client)
            again = await trigger.poll_once(client)
            await asyncio.to_thread(control.advance_clock, 5)
            one = sorted(open_tasks)[0]
            await asyncio.to_thread(control.edit_object, "TASK", one, {"name": "renamed"})
            third = await trigger.poll_once(client)
            return first, again, third, one

    first, again, third, edited = asyncio.run(polls())
    assert set(first["ids"]) == open_tasks and first["count"] == len(open_tasks)
    assert again is None  # nothing changed since: no second event for the same changes
    assert third["ids"] == [edited]
