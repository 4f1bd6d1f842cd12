"""Every example DAG imports cleanly, and each one runs green against the emulator."""

from __future__ import annotations

import asyncio
import importlib.util
import json
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "example_dags"


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


def test_dagbag_imports_every_example_without_errors():
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(EXAMPLES))
    assert bag.import_errors == {}
    assert len(bag.dags) == len(list(EXAMPLES.glob("example_*.py"))) >= 6
    for dag in bag.dags.values():
        assert dag.description and dag.doc_md, dag.dag_id
        for task in dag.tasks:
            if type(task).__module__.startswith("airflow_workfront") and "Sensor" not in type(task).__name__:
                assert task.pool == "workfront_api", (dag.dag_id, task.task_id)


@pytest.mark.emulator
@pytest.mark.dag
def test_bulk_csv_creates_the_tasks_and_recalculates(run_dag, emulator_conn):
    dag_run = run_dag(load("example_workfront_bulk_csv"))
    assert str(dag_run.state).endswith("success")
    project = xcom(dag_run, "create_project")
    summary = xcom(dag_run, "bulk_create_tasks")
    assert summary["succeeded"] == 6 and summary["requests"] == 2  # one atomic chunk, one search for its IDs
    assert len(summary["ids"]) == 6
    tasks = [t for t in emulator_conn.control.list_objects("TASK") if t.get("projectID") == project["ID"]]
    assert sorted(t["name"] for t in tasks)[0] == "Build pipeline"
    stored = emulator_conn.control.get_object("PROJ", project["ID"])
    assert stored["plannedStartDate"].startswith("2026-04-01") and stored["plannedCompletionDate"].startswith("2026-05-04")


@pytest.mark.emulator
@pytest.mark.dag
def test_move_tasks_moves_not_started_tasks(run_dag, emulator_conn):
    control = emulator_conn.control
    projects = {p["name"]: p["ID"] for p in control.list_objects("PROJ")}
    before = [t["ID"] for t in control.list_objects("TASK")
              if t.get("projectID") == projects["Project A"] and t["status"] == "NEW"]
    dag_run = run_dag(load("example_workfront_move_tasks"))
    assert str(dag_run.state).endswith("success")
    assert sorted(xcom(dag_run, "find_tasks")) == sorted(before)
    moved = {t["ID"]: t["projectID"] for t in control.list_objects("TASK") if t["ID"] in before}
    assert set(moved.values()) == {projects["Project B"]}


@pytest.mark.emulator
@pytest.mark.dag
def test_issue_status_waits_for_a_completed_issue_then_updates_tasks(run_dag, emulator_conn):
    from datetime import timedelta

    import pendulum

    control = emulator_conn.control
    start = pendulum.parse(control.clock_now())
    issue = next(i for i in control.list_objects("OPTASK") if i["status"] != "CPL")
    control.advance_clock(60)
    control.edit_object("OPTASK", issue["ID"], {"status": "CPL"})
    dag = load("example_workfront_issue_status")
    dag_run = run_dag(dag, logical_date=start + timedelta(hours=1))
    assert str(dag_run.state).endswith("success")
    open_tasks = [t for t in control.list_objects("TASK") if t.get("projectID") == issue["projectID"] and t["status"] != "CPL"]
    assert open_tasks and all(t["priority"] == 4 for t in open_tasks)
    assert xcom(dag_run, "raise_priority")["succeeded"] == len(open_tasks)


@pytest.mark.emulator
@pytest.mark.dag
def test_event_subscription_is_created_used_and_deleted(run_dag, emulator_conn, create_connection_without_db):
    create_connection_without_db("workfront_webhook", conn_type="generic", password="hook-token-5678")
    dag_run = run_dag(load("example_workfront_event_subscription"),
                      run_conf={"webhook_url": "http://127.0.0.1:9/hook"})
    assert str(dag_run.state).endswith("success")
    sub_id = xcom(dag_run, "subscribe")
    assert [s["id"] for s in xcom(dag_run, "check")] == [sub_id]
    assert xcom(dag_run, "unsubscribe") == {"id": sub_id, "deleted": True}
    assert emulator_conn.emulator.event_subscriptions.subscriptions == {}


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
