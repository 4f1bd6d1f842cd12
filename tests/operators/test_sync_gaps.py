"""Recurring syncs leave no gap (issue 12, point 1): what a run reads beyond its data interval.

A sync that reads only its data interval leaves the warehouse short, with no extra or stale row,
of every object last changed in time no successful run read: before the first interval, in
intervals skipped with ``catchup=False`` or by a paused DAG, and in a run that failed. These tests
run the operator as a scheduled task would (a task instance, a data interval, the watermark
Variable) against an in-memory Workfront, and check the warehouse against it.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from airflow_workfront.hooks.workfront import WorkfrontHook
from airflow_workfront.operators.sync import WorkfrontToSqlOperator
from airflow_workfront.sync.coverage import BEGINNING
from airflow_workfront.sync.watermark import parse_watermark, watermark_key

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))
from fake_workfront import FakeWorkfront  # noqa: E402

UTC = timezone.utc
HOUR = timedelta(hours=1)
EIGHT = datetime(2026, 3, 2, 8, tzinfo=UTC)


class _TI:
    dag_id, task_id, map_index = "gap_dag", "sync_task", -1


KEY = watermark_key(_TI.dag_id, _TI.task_id)


@pytest.fixture
def variables(monkeypatch):
    """Airflow Variables as a dict (the task SDK's Variable needs a running task otherwise)."""
    from airflow.sdk import Variable

    store: dict[str, str] = {}
    monkeypatch.setattr(Variable, "get", staticmethod(lambda key, default=None: store.get(key, default)))
    monkeypatch.setattr(Variable, "set", staticmethod(lambda key, value, description=None: store.__setitem__(key, value)))
    return store


@pytest.fixture
def wf(monkeypatch, create_connection_without_db):
    create_connection_without_db("workfront_default", conn_type="workfront", host="http://127.0.0.1:1", password="k")
    fake = FakeWorkfront(page_size=3)
    fake.now = EIGHT
    monkeypatch.setattr(WorkfrontHook, "get_conn", lambda self: fake)
    return fake


@pytest.fixture
def db(tmp_path, create_connection_without_db):
    path = tmp_path / "wh.db"
    create_connection_without_db("gap_wh", conn_type="sqlite", host=str(path))
    return path


def sync(start: datetime, end: datetime, **kw) -> dict:
    """One task run for the data interval ``[start, end)``."""
    op = WorkfrontToSqlOperator(task_id="sync_task", obj_code="TASK", fields=["name"], table="wf_task",
                                sql_conn_id="gap_wh", **kw)
    return op.execute({"ti": _TI(), "run_id": f"scheduled__{start.isoformat()}",
                       "data_interval_start": start, "data_interval_end": end})


def stored(db: Path) -> dict[str, str | None]:
    with sqlite3.connect(db) as con:
        columns = {row[1] for row in con.execute('PRAGMA table_info("wf_task")')}
        if "name" not in columns:  # a sync that has read no object yet made no column for its fields
            return {row[0]: None for row in con.execute('SELECT "ID" FROM wf_task')}
        return dict(con.execute('SELECT "ID", name FROM wf_task'))


def truth(wf: FakeWorkfront) -> dict[str, str]:
    return {i: r["name"] for i, r in wf.objects["TASK"].items()}


def watermark(variables: dict) -> datetime:
    return parse_watermark(KEY, variables[KEY])


def test_a_first_run_loads_objects_last_changed_before_its_interval(wf, db, variables):
    # The signature: tasks seeded before the first interval starts and never edited since.
    wf.add("TASK", date=EIGHT - timedelta(days=400), name="untouched for a year")
    wf.add("TASK", date=EIGHT - timedelta(minutes=30), name="before the lookback")
    wf.add("TASK", date=EIGHT - timedelta(milliseconds=500), name="half a second before the interval")
    for i in range(4):
        wf.add("TASK", date=EIGHT + timedelta(minutes=10 + i), name=f"in the interval {i}")
    summary = sync(EIGHT, EIGHT + HOUR)
    assert stored(db) == truth(wf)
    assert summary["window"]["start"] == "1970-01-01T00:00:00.000Z"
    assert watermark(variables) == EIGHT + HOUR


def test_initial_start_bounds_what_a_first_run_loads(wf, db, variables):
    wf.add("TASK", date=EIGHT - timedelta(days=400), name="older than initial_start")
    kept = wf.add("TASK", date=EIGHT - timedelta(days=2), name="after initial_start")
    summary = sync(EIGHT, EIGHT + HOUR, initial_start="2026-02-01T00:00:00Z")
    assert summary["window"]["start"] == "2026-01-31T23:55:00.000Z"  # initial_start minus the lookback
    assert stored(db) == {kept["ID"]: "after initial_start"}


def test_intervals_skipped_with_catchup_false_are_read_by_the_next_run(wf, db, variables):
    early = wf.add("TASK", date=EIGHT + timedelta(minutes=5), name="first hour")
    sync(EIGHT, EIGHT + HOUR)
    assert watermark(variables) == EIGHT + HOUR
    # The DAG is paused from 09:00 to 11:00; meanwhile Workfront changes.
    wf.now = EIGHT + timedelta(hours=1, minutes=30)
    wf.edit("TASK", early["ID"], name="edited while paused")
    wf.add("TASK", name="created while paused")
    wf.now = EIGHT + timedelta(hours=2, minutes=15)
    doomed = wf.add("TASK", date=EIGHT + timedelta(minutes=50), name="deleted while paused")
    wf.delete("TASK", doomed["ID"])
    wf.now = EIGHT + timedelta(hours=3, minutes=10)
    wf.add("TASK", name="in the resumed interval")
    # catchup=False: the next run is for 11:00-12:00 only.
    summary = sync(EIGHT + 3 * HOUR, EIGHT + 4 * HOUR)
    assert summary["window"]["start"] == "2026-03-02T08:55:00.000Z"  # the watermark minus the lookback
    assert stored(db) == truth(wf)
    assert stored(db)[early["ID"]] == "edited while paused"
    assert watermark(variables) == EIGHT + 4 * HOUR


def test_a_failed_run_is_read_by_the_next_successful_one(wf, db, variables, monkeypatch):
    sync(EIGHT, EIGHT + HOUR)
    wf.now = EIGHT + timedelta(hours=1, minutes=20)
    lost_without_gap_filling = wf.add("TASK", name="changed during the failed run's hour")

    def outage(*args, **kwargs):
        raise ConnectionError("Workfront is down")

    with monkeypatch.context() as m:
        m.setattr(wf, "search_page", outage)
        with pytest.raises(ConnectionError):
            sync(EIGHT + HOUR, EIGHT + 2 * HOUR)  # retries exhausted; the DAG moves on
    assert watermark(variables) == EIGHT + HOUR
    wf.now = EIGHT + timedelta(hours=2, minutes=20)
    wf.add("TASK", name="in the next hour")
    sync(EIGHT + 2 * HOUR, EIGHT + 3 * HOUR)
    assert lost_without_gap_filling["ID"] in stored(db) and stored(db) == truth(wf)


def test_a_backfill_of_an_old_interval_reads_only_it_and_keeps_the_watermark(wf, db, variables):
    sync(EIGHT, EIGHT + 5 * HOUR)
    before = len(wf.calls)
    summary = sync(EIGHT - 10 * HOUR, EIGHT - 9 * HOUR)
    assert summary["window"]["start"] == "2026-03-01T21:55:00.000Z"
    read_from = [f["lastUpdateDate"] for op, obj, f, _, _ in wf.calls[before:] if op == "search" and obj == "TASK"]
    assert read_from and all(date < EIGHT for date in read_from)
    assert watermark(variables) == EIGHT + 5 * HOUR


def test_without_fill_gaps_a_run_reads_its_interval_and_a_gap_holds_the_watermark(wf, db, variables):
    old = wf.add("TASK", date=EIGHT - timedelta(days=3), name="before the first interval")
    sync(EIGHT, EIGHT + HOUR, fill_gaps=False)
    assert old["ID"] not in stored(db)  # what fill_gaps=False means, and why it is not the default
    assert watermark(variables) == EIGHT + HOUR
    wf.now = EIGHT + timedelta(hours=1, minutes=30)
    skipped = wf.add("TASK", name="in a skipped interval")
    sync(EIGHT + 2 * HOUR, EIGHT + 3 * HOUR, fill_gaps=False)
    assert skipped["ID"] not in stored(db)
    # The watermark does not claim the skipped hour: a run that fills gaps still reads it.
    assert watermark(variables) == EIGHT + HOUR
    sync(EIGHT + 3 * HOUR, EIGHT + 4 * HOUR)
    assert skipped["ID"] in stored(db)


def test_an_explicit_window_start_is_read_as_given(wf, db, variables):
    summary = sync(EIGHT, EIGHT + HOUR, window_start="2026-03-02T07:00:00Z", overlap=0)
    assert summary["window"]["start"] == "2026-03-02T07:00:00.000Z"


def test_a_first_manual_run_loads_everything_up_to_workfronts_clock(variables, monkeypatch):
    op = WorkfrontToSqlOperator(task_id="sync_task", obj_code="TASK", table="wf_task")

    class Clocked:
        def server_time(self, obj_code: str = "USER", refresh: bool = False) -> datetime:
            return EIGHT

    window = op.resolve_window({"ti": _TI()}, Clocked())
    assert (window.start, window.end) == (BEGINNING, EIGHT - timedelta(seconds=5))


def test_fill_gaps_must_be_a_boolean():
    with pytest.raises(ValueError, match="fill_gaps must be True or False"):
        WorkfrontToSqlOperator(task_id="t", obj_code="TASK", table="x", fill_gaps="no")


def test_the_summary_stays_json(wf, db, variables):
    assert json.loads(json.dumps(sync(EIGHT, EIGHT + HOUR)))


@pytest.mark.parametrize("value, message", [("last year", "initial_start must be an ISO 8601"),
                                            ("2026-01-01T00:00:00", "initial_start must have a time zone"),
                                            (datetime(2026, 1, 1), "initial_start must have a time zone")])
def test_a_bad_initial_start_is_refused_when_the_dag_is_parsed(value, message):
    with pytest.raises(ValueError, match=message) as err:
        WorkfrontToSqlOperator(task_id="t", obj_code="TASK", table="x", initial_start=value)
    assert str(err.value).startswith("t: ")


def test_a_templated_initial_start_is_checked_once_rendered():
    op = WorkfrontToSqlOperator(task_id="t", obj_code="TASK", table="x", initial_start="{{ var.value.history_from }}")
    assert op.initial_start == "{{ var.value.history_from }}"


def test_a_runs_log_is_a_short_true_story(wf, db, variables, caplog, capsys):
    """Issue 24: the window and why, the pages, the counts and the watermark; no empty or false line."""
    import logging

    caplog.set_level(logging.INFO)

    def logged() -> str:  # the engine logs through logging; operators through structlog, to the console
        out = capsys.readouterr()
        text = caplog.text + out.out + out.err
        caplog.clear()
        return text

    wf.add("TASK", date=EIGHT - HOUR / 2, name="a")
    sync(EIGHT - HOUR, EIGHT)
    first = logged()
    assert "this task has no successful run yet, so its first run loads what came before" in first
    assert "Watermark 'workfront_sync_watermark__gap_dag__sync_task' moved to 2026-03-02T08:00:00.000Z" in first
    assert "Table wf_task: CREATE TABLE" in first
    sync(EIGHT - HOUR, EIGHT)  # the same hour again: nothing moves, nothing is created
    again = logged()
    assert "stays at 2026-03-02T08:00:00.000Z" in again and "moved to" not in again
    assert "no gap before it" in again
    assert "Table wf_task: \n" not in again + "\n" and not [line for line in again.splitlines()
                                                            if line.rstrip().endswith("Table wf_task:")]
    assert "objCode=" not in first + again  # every object has it; no "no metadata type" line for it
