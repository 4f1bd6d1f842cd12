"""The sync operator's mirror features: runs started by events, counts that check themselves."""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from airflow_workfront.operators.sync import WorkfrontToSqlOperator

UTC = timezone.utc


def asset_run(*codes: str) -> dict:
    events = [SimpleNamespace(extra={"source": "workfront", "obj_code": c}) for c in codes]
    return {"dag_run": SimpleNamespace(run_type="asset_triggered"), "triggering_asset_events": {"wf": events}}


def test_an_event_run_about_other_types_skips_without_a_request(monkeypatch):
    from airflow.sdk.exceptions import AirflowSkipException

    import airflow_workfront.operators.base as base

    monkeypatch.setattr(base, "hook_for_slots", lambda *a: pytest.fail("no hook may be made"))
    op = WorkfrontToSqlOperator(task_id="proj", obj_code="PROJ", table="wf_proj", fields="all")
    with pytest.raises(AirflowSkipException, match="about TASK"):
        op.execute(asset_run("TASK"))
    journal = WorkfrontToSqlOperator(task_id="jrnle", obj_code="JRNLE", table="wf_jrnle", event_obj_codes=["PROJ"])
    with pytest.raises(AirflowSkipException):
        journal.execute(asset_run("DOCU"))


def test_an_event_run_about_the_type_and_runs_not_started_by_events_read(monkeypatch):
    import airflow_workfront.operators.base as base

    class Reached(Exception):
        pass

    def hook(*args):
        raise Reached

    monkeypatch.setattr(base, "hook_for_slots", hook)
    op = WorkfrontToSqlOperator(task_id="task", obj_code="TASK", table="wf_task")
    for context in (asset_run("OPTASK", "TASK"), {"dag_run": SimpleNamespace(run_type="scheduled")},
                    {"dag_run": SimpleNamespace(run_type="asset_triggered"),
                     "triggering_asset_events": {"s3": [SimpleNamespace(extra={})]}}):
        with pytest.raises(Reached):
            op.execute(context)


@pytest.mark.emulator
def test_counts_in_the_summary_and_a_mismatch_nothing_explains_fails(emulator_conn, tmp_path, monkeypatch):
    from airflow_workfront.sync.counts import CountMismatchError

    warehouse = tmp_path / "wh.db"
    monkeypatch.setenv("AIRFLOW_CONN_COUNT_WH", json.dumps({"conn_type": "sqlite", "host": str(warehouse)}))
    time.sleep(1.5)
    end = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()

    def op(**kw):
        return WorkfrontToSqlOperator(task_id="task", obj_code="TASK", table="wf_task", sql_conn_id="count_wh",
                                      window_start="1970-01-01T00:00:00+00:00", window_end=end, margin=0,
                                      check_counts=True, **kw)

    summary = op().execute({})
    total = len(emulator_conn.control.list_objects("TASK"))
    assert summary["counts"] == {"workfront": total, "table": total, "matches": True}
    with sqlite3.connect(warehouse) as db:  # the warehouse loses a row behind the sync's back
        db.execute("DELETE FROM wf_task WHERE id = (SELECT MIN(id) FROM wf_task)")
    now = datetime.now(UTC) - timedelta(seconds=1)
    later = {"window_start": (now - timedelta(milliseconds=1)).isoformat(), "window_end": now.isoformat(),
             "overlap": 0, "margin": 0}
    warn = WorkfrontToSqlOperator(task_id="task", obj_code="TASK", table="wf_task", sql_conn_id="count_wh",
                                  check_counts=True, **later)
    summary = warn.execute({})  # a 1 ms window with nothing in it: the difference stays
    assert summary["counts"]["table"] == total - 1 and summary["counts"]["settled_by_next_run"] is False
    strict = WorkfrontToSqlOperator(task_id="task", obj_code="TASK", table="wf_task", sql_conn_id="count_wh",
                                    check_counts=True, on_count_mismatch="fail", **later)
    with pytest.raises(CountMismatchError, match=f"Workfront counts {total} objects but the table holds {total - 1}"):
        strict.execute({})
