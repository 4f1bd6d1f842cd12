"""A sync task in a run started by events reads at least to just after the latest change its
events name (operators/sync.py passes it to run_window as ``not_before``)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from airflow_workfront.operators.sync import WorkfrontToSqlOperator

CHANGE = datetime(2026, 3, 2, 9, 59, 59, tzinfo=timezone.utc)


def context(run_type: str) -> dict:
    events = {"asset": [SimpleNamespace(extra={"obj_code": "TASK", "event_time": CHANGE.isoformat()}),
                        SimpleNamespace(extra={"obj_code": "PROJ", "event_time": (CHANGE + timedelta(1)).isoformat()})]}
    return {"dag_run": SimpleNamespace(run_type=run_type), "triggering_asset_events": events}


def test_a_run_started_by_events_reads_past_the_latest_change_of_its_type():
    task = WorkfrontToSqlOperator(task_id="t", obj_code="TASK", table="wf_task")
    assert task._latest_named_change(context("asset_triggered")) == CHANGE + timedelta(milliseconds=1)
    assert task._latest_named_change(context("DagRunType.ASSET_TRIGGERED")) == CHANGE + timedelta(milliseconds=1)


def test_other_runs_and_types_no_event_names_are_not_held_to_an_event():
    assert WorkfrontToSqlOperator(task_id="t", obj_code="TASK", table="wf_task")._latest_named_change(
        context("scheduled")) is None
    assert WorkfrontToSqlOperator(task_id="o", obj_code="OPTASK", table="wf_optask")._latest_named_change(
        context("asset_triggered")) is None
