"""SqlSink on SQLite (always) and PostgreSQL (when a server is configured)."""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta, timezone

import pytest

from airflow_workfront.sync.sinks.base import SyncTarget
from airflow_workfront.sync.sinks.sql import SqlSink
from airflow_workfront.sync.summary import SyncSummary
from airflow_workfront.sync.window import SyncWindow

UTC = timezone.utc
W = SyncWindow(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 1, 1, tzinfo=UTC))
TARGET = SyncTarget("TASK", ("ID", "lastUpdateDate", "name"), "lastUpdateDate", W)


def ts(minutes: int) -> datetime:
    return W.start + timedelta(minutes=minutes)


@pytest.fixture
def sqlite_sink(tmp_path, monkeypatch):
    conn = {"conn_type": "sqlite", "host": str(tmp_path / "warehouse.db")}
    monkeypatch.setenv("AIRFLOW_CONN_WF_TEST_WAREHOUSE", json.dumps(conn))

    def make(table: str = "wf_task") -> SqlSink:
        sink = SqlSink(table, conn_id="wf_test_warehouse")
        sink.open(TARGET)
        return sink

    return make


def rows(sink: SqlSink, sql: str = "SELECT * FROM wf_task ORDER BY ID"):
    return sink.hook.get_records(sql)


def test_creates_the_table_and_stores_dates_json_and_scalars(sqlite_sink):
    sink = sqlite_sink()
    record = {
        "ID": "a1", "lastUpdateDate": "2026-03-01T00:10:00:000-0600", "name": "Design",
        "workHours": 7.5, "priority": 2, "isCritical": True,
        "project": {"ID": "p1", "name": "Launch"}, "DE:Cost Center": ["A", "B"], "description": None,
    }
    assert sink.write_page([record], partition=0, page=0) == 1
    cols = [d[1] for d in sink.hook.get_records("PRAGMA table_info(wf_task)")]
    assert cols[:2] == ["ID", "lastUpdateDate"] and "DE_Cost_Center" in cols and "project" in cols
    types = {d[1]: d[2] for d in sink.hook.get_records("PRAGMA table_info(wf_task)")}
    assert types["workHours"] == "NUMERIC" and types["isCritical"] == "BOOLEAN" and types["name"] == "TEXT"
    row = dict(zip(cols, rows(sink)[0], strict=True))
    assert row["lastUpdateDate"] == "2026-03-01T06:10:00.000Z"
    assert json.loads(row["project"]) == {"ID": "p1", "name": "Launch"}
    assert json.loads(row["DE_Cost_Center"]) == ["A", "B"]
    assert (row["workHours"], row["priority"], row["isCritical"], row["description"]) == (7.5, 2, 1, None)


def test_upsert_by_id_counts_only_rows_that_change(sqlite_sink):
    sink = sqlite_sink()
    page = [{"ID": f"id{i}", "lastUpdateDate": ts(i), "name": f"n{i}"} for i in range(5)]
    assert sink.write_page(page, partition=0, page=0) == 5
    assert sink.write_page(page, partition=0, page=0) == 0  # same versions: nothing changes
    page[1] = {**page[1], "lastUpdateDate": ts(30), "name": "renamed"}
    assert sink.write_page(page, partition=0, page=0) == 1
    assert rows(sink, "SELECT name FROM wf_task WHERE ID = 'id1'") == [("renamed",)]
    assert rows(sink, "SELECT COUNT(*) FROM wf_task") == [(5,)]


def test_an_older_version_never_overwrites_a_newer_row(sqlite_sink):
    sink = sqlite_sink()
    sink.write_page([{"ID": "x", "lastUpdateDate": ts(40), "name": "new"}], partition=0, page=0)
    assert sink.write_page([{"ID": "x", "lastUpdateDate": ts(5), "name": "old"}], partition=0, page=0) == 0
    assert rows(sink, "SELECT name, lastUpdateDate FROM wf_task") == [("new", "2026-03-01T00:40:00.000Z")]


def test_new_keys_add_columns(sqlite_sink):
    sink = sqlite_sink()
    sink.write_page([{"ID": "a", "lastUpdateDate": ts(1), "name": "n"}], partition=0, page=0)
    sink.write_page([{"ID": "b", "lastUpdateDate": ts(2), "name": "m", "status": "CUR"}], partition=0, page=1)
    assert rows(sink, "SELECT ID, status FROM wf_task ORDER BY ID") == [("a", None), ("b", "CUR")]


def test_a_failing_page_leaves_nothing_half_written(sqlite_sink):
    sink = sqlite_sink()
    sink.write_page([{"ID": "a", "lastUpdateDate": ts(1), "name": "n"}], partition=0, page=0)
    bad = [{"ID": "b", "lastUpdateDate": ts(2), "name": "ok"}, {"ID": None, "lastUpdateDate": ts(3), "name": "x"}]
    with pytest.raises(Exception, match="NOT NULL|constraint|datatype"):
        sink.write_page(bad, partition=0, page=1)
    assert rows(sink, "SELECT ID FROM wf_task") == [("a",)]


def test_delete_and_iter_ids(sqlite_sink, monkeypatch):
    import airflow_workfront.sync.sinks.sql as sql_module

    monkeypatch.setattr(sql_module, "_ID_CHUNK", 3)  # exercise the chunked keyset read
    sink = sqlite_sink()
    sink.write_page([{"ID": f"id{i:02d}", "lastUpdateDate": ts(i), "name": "n"} for i in range(8)], partition=0, page=0)
    assert list(sink.iter_ids()) == [f"id{i:02d}" for i in range(8)]
    assert sink.delete(["id03", "id05", "nope"], batch=0) == 2
    assert list(sink.iter_ids()) == [f"id{i:02d}" for i in (0, 1, 2, 4, 6, 7)]


def test_empty_run_still_creates_the_table(sqlite_sink):
    sink = sqlite_sink("wf_empty")
    sink.close(SyncSummary("TASK", W, "lastUpdateDate"))
    assert sink.hook.get_records("SELECT COUNT(*) FROM wf_empty") == [(0,)]
    assert sink.delete(["x"], batch=0) == 0


def test_existing_table_without_the_column_and_create_table_false_is_a_clear_error(sqlite_sink):
    sink = sqlite_sink()
    sink.write_page([{"ID": "a", "lastUpdateDate": ts(1), "name": "n"}], partition=0, page=0)
    strict = SqlSink("wf_task", hook=sink.hook, create_table=False)
    strict.open(TARGET)
    with pytest.raises(RuntimeError, match=r"lacks columns \['status'\]"):
        strict.write_page([{"ID": "a", "lastUpdateDate": ts(1), "name": "n", "status": "CUR"}], partition=0, page=0)


def test_needs_a_dbapi_hook():
    with pytest.raises(ValueError, match="exactly one"):
        SqlSink("t")


class _FakePgHook:
    """Just enough of a DbApiHook to render PostgreSQL SQL (no server)."""

    placeholder = "%s"
    dialect_name = "postgresql"


def test_postgres_statement_uses_is_distinct_from_and_excluded():
    sink = SqlSink.__new__(SqlSink)
    sink.hook, sink.table, sink.dialect, sink._target = _FakePgHook(), "analytics.wf_task", "postgres", TARGET
    sql = sink.upsert_sql(["ID", "lastUpdateDate", "name"])
    assert sql.startswith('INSERT INTO "analytics"."wf_task" ("ID", "lastUpdateDate", "name") VALUES (%s, %s, %s) ')
    assert 'ON CONFLICT ("ID") DO UPDATE SET "lastUpdateDate" = excluded."lastUpdateDate", "name" = excluded."name"' in sql
    assert '"analytics"."wf_task"."name" IS DISTINCT FROM excluded."name"' in sql


@pytest.mark.postgres
@pytest.mark.skipif(
    not os.environ.get("WF_TEST_POSTGRES_URI"),
    reason="no PostgreSQL server: none answers on 127.0.0.1:5432 and WF_TEST_POSTGRES_URI is unset "
    "(set it to postgresql://user:pass@host/db to use another)",
)
def test_postgres_upserts(monkeypatch):
    pytest.importorskip("airflow.providers.postgres", reason="apache-airflow-providers-postgres is not installed")
    monkeypatch.setenv("AIRFLOW_CONN_WF_TEST_PG", os.environ["WF_TEST_POSTGRES_URI"])
    sink = SqlSink("wf_sync_test_task", conn_id="wf_test_pg")
    sink.hook.run("DROP TABLE IF EXISTS wf_sync_test_task")
    sink.open(TARGET)
    page = [{"ID": f"id{i}", "lastUpdateDate": ts(i), "name": f"n{i}", "project": {"ID": "p"}} for i in range(4)]
    assert sink.write_page(page, partition=0, page=0) == 4
    assert sink.write_page(page, partition=0, page=0) == 0
    page[0] = {**page[0], "lastUpdateDate": ts(50), "name": "changed"}
    assert sink.write_page(page, partition=0, page=0) == 1
    assert sink.delete(["id3"], batch=0) == 1
    assert list(sink.iter_ids()) == ["id0", "id1", "id2"]
    sink.hook.run("DROP TABLE wf_sync_test_task")
