"""WorkfrontMirror as a DAG file sees it: tasks fixed at parse time, no request, one pool."""

from __future__ import annotations

import json
import socket
from datetime import datetime, timezone
from pathlib import Path

import pytest

from airflow_workfront.mirror import DEFAULT_OBJECTS, OBJECTS, WorkfrontMirror
from airflow_workfront.mirror.objects import JOURNALED

EXAMPLE = Path(__file__).resolve().parents[2] / "example_dags" / "example_workfront_mirror.py"


def build(**kwargs):
    from airflow.sdk import DAG, CronDataIntervalTimetable

    with DAG("wf_mirror_shape", schedule=CronDataIntervalTimetable("@hourly", timezone="UTC"),
             start_date=datetime(2026, 1, 1, tzinfo=timezone.utc)) as dag:
        group = WorkfrontMirror(**{"sql_conn_id": "warehouse", **kwargs})
    return dag, group


def test_the_default_set_covers_what_the_issue_names():
    named = {"PROJ", "TASK", "OPTASK", "HOUR", "ASSGN", "USER", "TEAMOB", "PORT", "PRGM", "NOTE", "DOCU", "JRNLE",
             "CTGY", "PARAM"}
    assert named <= set(DEFAULT_OBJECTS) and len(DEFAULT_OBJECTS) == len(set(DEFAULT_OBJECTS)) == len(OBJECTS)


def test_one_task_per_type_with_its_table_pool_and_all_fields():
    dag, group = build()
    assert sorted(dag.task_dict) == sorted(f"workfront.{code.lower()}" for code in DEFAULT_OBJECTS)
    task = dag.task_dict["workfront.task"]
    assert (task.table, task.fields, task.pool, task.mode, task.column_names) == (
        "wf_task", "all", "workfront_api", "upsert", "snake_case")
    assert task.check_counts and task.deletes == "journal"
    assert dag.task_dict["workfront.assgn"].deletes == "reconcile"  # no journaled deletes for assignments
    assert dag.task_dict["workfront.jrnle"].deletes == "none"
    # big types read partitions in parallel, but no type holds more than half of the 10-slot pool
    slots = {t.task_id: t.pool_slots for t in dag.tasks}
    assert slots["workfront.task"] == 5 and slots["workfront.teamob"] == 1 and max(slots.values()) <= 5
    # and the largest types start first: absolute weights, the journal first, small types last
    weights = {t.task_id.split(".")[1]: t.priority_weight for t in dag.tasks}
    assert {t.weight_rule for t in dag.tasks} == {"absolute"}
    assert [c for c, _ in sorted(weights.items(), key=lambda kv: -kv[1])][:5] == [
        "jrnle", "task", "assgn", "hour", "optask"]
    assert weights["teamob"] == weights["proj"] == 1
    assert group.tables()["OPTASK"] == "wf_optask"


def test_objects_prefix_mode_and_slots_are_the_users_to_choose():
    dag, _ = build(objects=["task", "PROJ", "TEAMOB", "TASK"], table_prefix="wfm_", mode="history",
                   pool_slots={"task": 6}, group_id="wf")
    assert sorted(dag.task_dict) == ["wf.proj", "wf.task", "wf.teamob"]
    assert dag.task_dict["wf.task"].table == "wfm_task" and dag.task_dict["wf.task"].pool_slots == 6
    assert dag.task_dict["wf.teamob"].mode == "soft_delete"  # no date to version teams by
    assert dag.task_dict["wf.proj"].mode == "history"


def test_events_about_journaled_types_make_the_journal_task_read():
    dag, _ = build(objects=["PROJ", "TASK", "DOCU", "JRNLE"])
    assert dag.task_dict["workfront.jrnle"].event_obj_codes == ["JRNLE", "PROJ", "TASK"]
    assert dag.task_dict["workfront.docu"].event_obj_codes == ["DOCU"]
    assert {"PROJ", "TASK"} <= JOURNALED and "DOCU" not in JOURNALED


@pytest.mark.parametrize("kwargs, message", [
    ({"sql_conn_id": None}, "exactly one of sql_conn_id"),
    ({"path": "file:///tmp/wf"}, "exactly one of sql_conn_id"),
    ({"objects": "TASK"}, "a list of object codes"),
    ({"objects": ["TASK; DROP"]}, "Workfront object codes"),
])
def test_a_wrong_declaration_says_what_is_wrong(kwargs, message):
    with pytest.raises(ValueError, match=message):
        build(**kwargs)


def test_object_storage_writes_files_per_type():
    dag, _ = build(sql_conn_id=None, path="file:///tmp/wf-mirror", objects=["TASK", "NOTE"])
    assert type(dag.task_dict["workfront.task"]).__name__ == "WorkfrontToObjectStorageOperator"
    assert dag.task_dict["workfront.note"].deletes == "none"  # files cannot be reconciled


def test_parsing_the_example_with_workfront_unreachable_sends_nothing(monkeypatch):
    from airflow.dag_processing.dagbag import DagBag

    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there
    monkeypatch.setenv("AIRFLOW_CONN_WORKFRONT_DEFAULT", json.dumps(
        {"conn_type": "workfront", "host": f"http://127.0.0.1:{port}", "password": "k"}))
    attempts = []
    real_connect = socket.socket.connect

    def recording_connect(self, address):
        attempts.append(address)
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", recording_connect)
    bag = DagBag(dag_folder=str(EXAMPLE))
    assert bag.import_errors == {}
    dag = bag.dags["example_workfront_mirror"]
    assert len(dag.tasks) == len(DEFAULT_OBJECTS)
    assert attempts == []  # no connection of any kind, to Workfront or elsewhere


def test_route_events_runs_only_the_named_types_tasks_in_an_event_run():
    from types import SimpleNamespace

    from airflow_workfront.mirror.group import tasks_for_run

    dag, _ = build(objects=["PROJ", "TASK", "JRNLE"], route_events=True)
    router = dag.task_dict["workfront.route_events"]
    assert router.downstream_task_ids == {"workfront.proj", "workfront.task", "workfront.jrnle"}
    reads_on = {"workfront.proj": ["PROJ"], "workfront.task": ["TASK"], "workfront.jrnle": ["JRNLE", "PROJ", "TASK"]}
    events = {"wf": [SimpleNamespace(extra={"obj_code": "TASK"})]}
    assert tasks_for_run(reads_on, events, "asset_triggered") == ["workfront.task", "workfront.jrnle"]
    assert tasks_for_run(reads_on, events, "scheduled") == list(reads_on)  # timetable runs sync everything
    assert tasks_for_run(reads_on, {"s3": [SimpleNamespace(extra={})]}, "asset_triggered") == list(reads_on)
    assert "workfront.route_events" not in build()[0].task_dict  # off by default
