"""The sync operators: window resolution, wiring hook + engine + sink, XCom summary, lineage."""

from __future__ import annotations

import gzip
import json
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from airflow_workfront.hooks.workfront import WorkfrontHook
from airflow_workfront.operators.sync import WorkfrontToObjectStorageOperator, WorkfrontToSqlOperator

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))
from fake_workfront import FakeWorkfront  # noqa: E402

UTC = timezone.utc
START = datetime(2026, 3, 1, 5, tzinfo=UTC)
END = START + timedelta(hours=1)
CONTEXT = {"data_interval_start": START, "data_interval_end": END}


@pytest.fixture
def fake(monkeypatch, create_connection_without_db):
    create_connection_without_db("workfront_default", conn_type="workfront", host="http://127.0.0.1:1", password="k")
    wf = FakeWorkfront(page_size=4)
    for i in range(10):
        wf.add("TASK", date=START + timedelta(minutes=i), name=f"t{i}", status="CUR")
    wf.add("TASK", date=END, name="next window")
    monkeypatch.setattr(WorkfrontHook, "get_conn", lambda self: wf)
    return wf


@pytest.fixture
def warehouse(tmp_path, create_connection_without_db):
    create_connection_without_db("wf_op_warehouse", conn_type="sqlite", host=str(tmp_path / "wh.db"))
    from airflow.providers.sqlite.hooks.sqlite import SqliteHook

    return SqliteHook(sqlite_conn_id="wf_op_warehouse")


def sql_op(**kw):
    defaults = dict(task_id="sync_task", obj_code="TASK", fields=["name", "status"], table="wf_task",
                    sql_conn_id="wf_op_warehouse")
    return WorkfrontToSqlOperator(**{**defaults, **kw})


def test_template_fields():
    assert set(WorkfrontToSqlOperator.template_fields) == {
        "obj_code", "fields", "filters", "window_start", "window_end", "initial_start", "table"}
    assert "path" in WorkfrontToObjectStorageOperator.template_fields


def test_window_defaults_to_the_data_interval():
    w = sql_op().resolve_window(CONTEXT)
    assert (w.start, w.end) == (START, END)


def test_explicit_window_accepts_rendered_template_strings():
    op = sql_op(window_start="2026-03-01 05:00:00+00:00", window_end="2026-03-01T06:00:00Z")
    w = op.resolve_window({})
    assert (w.start, w.end) == (START, END)
    with pytest.raises(ValueError, match="window_start must be an ISO 8601"):
        sql_op(window_start="yesterday").resolve_window(CONTEXT)


def test_zero_width_data_interval_is_refused_with_the_timetable_to_use():
    with pytest.raises(ValueError, match="CronDataIntervalTimetable"):
        sql_op().resolve_window({"data_interval_start": START, "data_interval_end": START})


def test_sql_operator_syncs_the_window_and_returns_a_small_summary(fake, warehouse):
    summary = sql_op().execute(CONTEXT)
    assert json.loads(json.dumps(summary)) == summary
    # the window read: the data interval and the default 5-minute lookback before it
    assert summary["window"] == {"start": "2026-03-01T04:55:00.000Z", "end": "2026-03-01T06:00:00.000Z"}
    assert (summary["fetched"], summary["upserted"], summary["deleted"]) == (10, 10, 0)
    assert summary["requests"] == fake.stats.total
    assert summary["high_water_mark"]["date"] == "2026-03-01T05:09:00.000Z"
    assert warehouse.get_records("SELECT COUNT(*) FROM wf_task WHERE status = 'CUR'") == [(10,)]
    assert sql_op().execute(CONTEXT)["upserted"] == 0


def test_filters_are_passed_through(fake, warehouse):
    fake.add("TASK", date=START, name="new one", status="NEW")
    assert sql_op(filters={"status": "NEW"}).execute(CONTEXT)["fetched"] == 1


def test_object_storage_operator_writes_files_per_window(fake, tmp_path):
    op = WorkfrontToObjectStorageOperator(task_id="to_files", obj_code="TASK", fields="name,status",
                                          path=f"file://{tmp_path}/lake")
    summary = op.execute(CONTEXT)
    d = tmp_path / "lake" / "TASK" / "20260301T045500.000Z_20260301T060000.000Z"  # with the 5-minute lookback
    assert summary["fetched"] == 10 and (d / "_manifest.json").exists()
    rows = [json.loads(x) for f in sorted(d.glob("part-*.jsonl.gz")) for x in gzip.decompress(f.read_bytes()).splitlines()]
    assert [r["name"] for r in rows] == [f"t{i}" for i in range(10)]


def test_object_storage_cannot_reconcile():
    with pytest.raises(ValueError, match="cannot reconcile"):
        WorkfrontToObjectStorageOperator(task_id="x", obj_code="TASK", path="file:///tmp/x", deletes="reconcile")


def test_openlineage_facets(fake, warehouse):
    op = sql_op()
    op.execute(CONTEXT)
    lineage = op.get_openlineage_facets_on_complete(None)
    try:
        import airflow.providers.openlineage.extractors  # noqa: F401
    except ImportError:
        assert lineage is None  # the OpenLineage provider is optional
    else:
        assert lineage.inputs[0].name == "TASK" and lineage.outputs[0].name == "wf_task"


@pytest.mark.parametrize(("setting", "value"), [("page_size", 0), ("page_size", -5), ("page_size", 5000),
                                                ("max_workers", 0)])
def test_paging_settings_are_refused_when_the_dag_is_parsed(setting, value):
    with pytest.raises(ValueError, match=rf"sync_tasks \(Workfront connection 'wf_prod'\): {setting} must be .* got {value}"):
        WorkfrontToSqlOperator(task_id="sync_tasks", obj_code="TASK", table="wf_task", sql_conn_id="warehouse",
                               workfront_conn_id="wf_prod", **{setting: value})


def test_mode_reaches_the_sink_and_metadata_is_read_once_per_run(fake, warehouse, tmp_path):
    asked = []

    def metadata(obj_code):
        asked.append(obj_code)
        return {"fields": {"name": {"fieldType": "string"}, "status": {"fieldType": "string"},
                           "lastUpdateDate": {"fieldType": "dateTime"}}}

    fake.metadata = metadata
    sql_op(mode="history").execute(CONTEXT)
    assert asked == ["TASK"]
    assert warehouse.get_records('SELECT COUNT(*) FROM wf_task WHERE "_wf_current"') == [(10,)]
    op = WorkfrontToObjectStorageOperator(task_id="to_files", obj_code="TASK", path=f"file://{tmp_path}/lake",
                                          mode="soft_delete")
    op.execute(CONTEXT)
    assert asked == ["TASK", "TASK"]
    d = tmp_path / "lake" / "TASK" / "20260301T045500.000Z_20260301T060000.000Z"  # with the 5-minute lookback
    assert json.loads((d / "_manifest.json").read_text())["mode"] == "soft_delete"
    with pytest.raises(ValueError, match="mode must be one of"):
        sql_op(mode="append")


def test_a_run_says_when_pool_slots_hold_its_workers_back(fake, warehouse, capsys, monkeypatch):
    def slotted(hook):  # as the real hook does: the client's cap is the task's pool slots
        fake.config.max_concurrency = min(10, hook.client_overrides.get("pool_slots") or 10)
        return fake

    monkeypatch.setattr(WorkfrontHook, "get_conn", slotted)
    sql_op(max_workers=4).execute(CONTEXT)
    logged = "".join(capsys.readouterr())
    assert "max_workers=4 is lowered to 1, the lower of the task's pool_slots (1)" in logged
    assert "pool_slots=4 to read 4 partitions at once" in logged
    sql_op().execute(CONTEXT)
    assert "Reading one request at a time: the task holds 1 pool slot" in "".join(capsys.readouterr())
    sql_op(pool_slots=3, max_workers=3).execute(CONTEXT)
    logged = "".join(capsys.readouterr())
    assert "lowered" not in logged and "one request at a time" not in logged
