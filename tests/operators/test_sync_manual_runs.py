"""Manual runs of a sync (issue 14, point 6): no data interval, so the task syncs from its
watermark (an Airflow Variable) up to Workfront's clock minus the margin."""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import datetime, timedelta, timezone

import pytest

from airflow_workfront.operators.sync import WorkfrontToSqlOperator
from airflow_workfront.sync.watermark import SyncWatermark, parse_watermark, watermark_key

UTC = timezone.utc


def _xcom(dag_run, task_id: str) -> dict:
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        row = session.query(XComModel).filter(XComModel.run_id == dag_run.run_id, XComModel.task_id == task_id,
                                              XComModel.key == "return_value").one()
        return json.loads(row.value) if isinstance(row.value, str) else row.value


def _variable(key: str):
    from airflow.models.variable import Variable

    return Variable.get(key, default_var=None)


def _forget(key: str) -> None:
    from airflow.models.variable import Variable

    Variable.delete(key)


def _iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@pytest.mark.emulator
@pytest.mark.dag
@pytest.mark.slow
def test_manual_runs_continue_from_the_last_successful_run(run_dag, emulator_conn, tmp_path, monkeypatch):
    from airflow.sdk import DAG, CronDataIntervalTimetable

    emulator = emulator_conn
    warehouse = tmp_path / "wh.db"
    monkeypatch.setenv("AIRFLOW_CONN_MANUAL_WH", json.dumps({"conn_type": "sqlite", "host": str(warehouse)}))
    dag_id = "wf_manual_sync_test"
    key = watermark_key(dag_id, "sync_task")
    _forget(key)
    with DAG(dag_id, schedule=CronDataIntervalTimetable("@hourly", timezone="UTC"), start_date=datetime(2026, 1, 1, tzinfo=UTC),
             catchup=False) as dag:
        WorkfrontToSqlOperator(task_id="sync_task", obj_code="TASK", fields=["name"], table="wf_task",
                               sql_conn_id="manual_wh", margin=1)

    # A scheduled run: the last whole hour (the demo seed is spread over the hour before now).
    hour_end = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    scheduled = run_dag(dag, logical_date=hour_end)
    assert str(scheduled.state).endswith("success")
    assert parse_watermark(key, _variable(key)) == hour_end
    # No watermark before it: this first run loaded everything before its interval too.
    assert _xcom(scheduled, "sync_task")["window"]["start"] == "1970-01-01T00:00:00.000Z"

    # Changes after it, then a manual run: no logical date, so no data interval.
    tasks = emulator.control.list_objects("TASK")
    emulator.control.edit_object("TASK", tasks[0]["ID"], {"name": "edited before the manual run"})
    created = emulator.control.create_object("TASK", {"name": "created before the manual run"})
    time.sleep(2.5)  # older than the 1 s margin (and Date's 1 s resolution) when the manual run reads
    manual = run_dag(dag, logical_date=None)
    assert manual.data_interval_start is None and str(manual.state).endswith("success")
    summary = _xcom(manual, "sync_task")
    window_end = _iso(summary["window"]["end"])
    assert _iso(summary["window"]["start"]) == hour_end - timedelta(minutes=5)  # watermark, minus the lookback
    assert summary["watermark"] == summary["window"]["end"] and parse_watermark(key, _variable(key)) == window_end
    assert datetime.now(UTC) - timedelta(minutes=5) < window_end <= datetime.now(UTC) - timedelta(seconds=1)

    with sqlite3.connect(warehouse) as db:
        stored = dict(db.execute('SELECT "ID", name FROM wf_task'))
    expected = {t["ID"]: t["name"] for t in emulator.control.list_objects("TASK")}
    assert stored == expected, (window_end, summary)  # everything up to Workfront's "now - margin", edits included
    assert stored[created["ID"]] == "created before the manual run"

    # The next manual run starts where this one ended.
    emulator.control.edit_object("TASK", tasks[1]["ID"], {"name": "edited between manual runs"})
    time.sleep(2.5)
    again = run_dag(dag, logical_date=None)
    assert _iso(_xcom(again, "sync_task")["window"]["start"]) == window_end - timedelta(minutes=5)
    with sqlite3.connect(warehouse) as db:
        assert db.execute('SELECT name FROM wf_task WHERE "ID" = ?', (tasks[1]["ID"],)).fetchone() == (
            "edited between manual runs",)
    _forget(key)


class _TI:
    dag_id, task_id, map_index = "some_dag", "sync_task", -1


class _Clocked:
    """A client that only tells Workfront's time."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def server_time(self, obj_code: str = "USER", refresh: bool = False) -> datetime:
        return self.now


def test_a_manual_run_without_a_watermark_or_gap_filling_says_what_to_do(monkeypatch):
    monkeypatch.setattr(SyncWatermark, "get", lambda self: None)
    op = WorkfrontToSqlOperator(task_id="sync_task", obj_code="TASK", table="wf_task", fill_gaps=False)
    with pytest.raises(ValueError) as err:
        op.resolve_window({"ti": _TI()}, _Clocked(datetime(2026, 3, 2, 10, tzinfo=UTC)))
    message = str(err.value)
    assert "no data interval" in message and "'workfront_sync_watermark__some_dag__sync_task'" in message
    assert "--logical-date" in message and "window_start" in message


def test_a_manual_run_ends_at_workfronts_clock_minus_the_margin(monkeypatch, capsys):
    monkeypatch.setattr(SyncWatermark, "get", lambda self: datetime(2026, 3, 2, 9, tzinfo=UTC))
    op = WorkfrontToSqlOperator(task_id="sync_task", obj_code="TASK", table="wf_task", margin=5)
    workfront_now = datetime(2026, 3, 2, 9, 30, 0, 250000, tzinfo=UTC)  # 2 hours behind this machine, say
    window = op.resolve_window({"ti": _TI()}, _Clocked(workfront_now))
    logged = "".join(capsys.readouterr())  # the task log (Airflow's structured logger writes to stdout here)
    assert (window.start, window.end) == (datetime(2026, 3, 2, 9, tzinfo=UTC), workfront_now - timedelta(seconds=5))
    assert "from where this task's gap-free reading ends" in logged
    assert "Workfront's clock 2026-03-02T09:30:00.250Z minus the 5 s margin" in logged


def test_a_manual_run_right_after_another_has_an_empty_window(monkeypatch):
    monkeypatch.setattr(SyncWatermark, "get", lambda self: datetime(2026, 3, 2, 9, 30, tzinfo=UTC))
    op = WorkfrontToSqlOperator(task_id="sync_task", obj_code="TASK", table="wf_task")
    window = op.resolve_window({"ti": _TI()}, _Clocked(datetime(2026, 3, 2, 9, 30, 2, tzinfo=UTC)))
    assert window.is_empty and window.start == datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize("raw", ['{"end": "2026-03-02T09:00:00.000Z", "run_id": "r"}', "2026-03-02T10:00:00+01:00"])
def test_the_watermark_reads_what_the_task_wrote_or_a_user_set(raw):
    assert parse_watermark("k", raw) == datetime(2026, 3, 2, 9, tzinfo=UTC)


@pytest.mark.parametrize("raw", ["yesterday", '{"end": 5}', "2026-03-02T09:00:00"])
def test_a_watermark_that_is_not_one_is_refused_by_name(raw):
    with pytest.raises(ValueError, match="Airflow Variable 'k' should hold a sync watermark"):
        parse_watermark("k", raw)


def test_mapped_instances_keep_their_own_watermarks():
    assert watermark_key("d", "t") == watermark_key("d", "t", -1) == "workfront_sync_watermark__d__t"
    assert watermark_key("d", "t", 3) == "workfront_sync_watermark__d__t__3"


def test_timing_settings_take_seconds_or_timedeltas_and_refuse_the_rest():
    op = WorkfrontToSqlOperator(task_id="t", obj_code="TASK", table="x", overlap=600, margin=2.5,
                                max_wait=timedelta(minutes=10))
    assert (op.overlap, op.margin, op.max_wait) == (timedelta(minutes=10), timedelta(seconds=2.5), timedelta(minutes=10))
    for bad in ("5", float("nan"), float("inf"), -1, True):
        with pytest.raises(ValueError, match="margin must"):
            WorkfrontToSqlOperator(task_id="t", obj_code="TASK", table="x", margin=bad)
