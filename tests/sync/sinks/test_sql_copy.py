"""The SQL sink's ``COPY`` path into PostgreSQL: escaping, and exact round trips on a real server."""

from __future__ import annotations

import os
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from airflow_workfront.sync.sinks.base import SyncTarget
from airflow_workfront.sync.sinks.sql import SqlSink
from airflow_workfront.sync.sinks.sql_copy import NULL, copy_fields, copy_text
from airflow_workfront.sync.window import SyncWindow

UTC = timezone.utc
W = SyncWindow(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 1, 1, tzinfo=UTC))
KINDS = {"ID": "text", "lastUpdateDate": "timestamp", "name": "text", "dueDate": "timestamp",
         "priority": "integer", "workHours": "number", "isCritical": "boolean", "project": "json", "DE:Tags": "json"}

# Everything COPY's text format treats specially, and what PostgreSQL text may hold around it.
AWKWARD = [
    "", " ", "NULL", "\\N", "\\\\N", "\\", "\\\\", "ends with a backslash\\", "\\t is not a tab",
    "tab\there", "new\nline", "cr\rlf\r\n", "\t\n\r\\", 'double "quotes"', "'single'", "{brace,comma}",
    "ünïcödé ✓ 日本語 עברית 🚀", "e\u0301 combining", "\u2028line separator\u2029", "\x01\x7f controls",
    "a,b;c|d", " leading and trailing ",
]


def test_copy_fields_escapes_and_keeps_empty_text_apart_from_null():
    assert copy_fields(["a\tb", "c\nd", "e\\f", "g\rh"], "f") == ["a\\tb", "c\\nd", "e\\\\f", "g\\rh"]
    assert copy_fields(["", None, "\\N", "x"], "f") == ["", NULL, "\\\\N", "x"]
    assert copy_fields([None, None], "f") == [NULL, NULL]
    assert copy_fields([1, 2.5, True, False, {"k": "v\n"}, ["a"]], "f") == [
        "1", "2.5", "true", "false", '{"k":"v\\\\n"}', '["a"]']
    assert copy_text([["a", None], ["x\ty", ""]], ["f", "g"]) == "a\tx\\ty\n\\N\t\n"


def test_a_value_holding_nul_is_refused_with_its_field_named():
    with pytest.raises(ValueError, match=r"field 'DE:Notes' holds a NUL character"):
        copy_fields(["fine", "bad\0value", None], "DE:Notes")


def pg_sink_through(driver: str, conn_id: str, table: str = "wf_copy", mode: str = "upsert") -> SqlSink:
    """An open sink on the real PostgreSQL whose connections come from ``driver`` (psycopg 3 or psycopg2)."""
    sink = SqlSink(table, conn_id=conn_id, mode=mode, column_names="workfront")
    if driver == "psycopg2":
        psycopg2 = pytest.importorskip("psycopg2")
        uri = os.environ[f"AIRFLOW_CONN_{conn_id.upper()}"]
        sink.hook.get_conn = lambda: psycopg2.connect(uri)  # type: ignore[method-assign]
    sink.open(SyncTarget("TASK", ("*",), "lastUpdateDate", W, KINDS))
    return sink


@pytest.fixture(params=["psycopg", "psycopg2"])
def driver(request):
    return request.param


@pytest.fixture
def pg_sink(driver, postgres_conn_id):
    return pg_sink_through(driver, postgres_conn_id)


def stored(sink: SqlSink, *fields: str) -> list[tuple]:
    cols = ", ".join(f'"{sink.column_of(f)}"' for f in fields)
    return sink.hook.get_records(f'SELECT {cols} FROM "{sink.table}" ORDER BY "ID"')


def test_awkward_text_and_json_round_trip_exactly(pg_sink):
    page = [
        {"ID": f"id{i:02}", "lastUpdateDate": "2026-03-01T00:10:00:000-0600", "name": text,
         "project": {"name": text, "nested": [text, None, 1.5, True]}, "DE:Tags": [text, {"k\n\\": text}]}
        for i, text in enumerate(AWKWARD)
    ]
    page.append({"ID": "null", "lastUpdateDate": "2026-03-01T00:10:00:000-0600", "name": None, "project": None,
                 "DE:Tags": None})
    page.append({"ID": "missing", "lastUpdateDate": "2026-03-01T00:10:00:000-0600"})
    assert pg_sink.write_page(page, partition=0, page=0) == len(page)
    got = stored(pg_sink, "ID", "name", "project", "DE:Tags")
    want = sorted((r["ID"], r.get("name"), r.get("project"), r.get("DE:Tags")) for r in page)
    assert got == want
    # What came back through COPY equals what is stored: the same page again changes nothing.
    assert pg_sink.write_page(page, partition=0, page=1) == 0


def test_timestamps_numbers_and_booleans_round_trip(pg_sink):
    page = [
        {"ID": "a", "lastUpdateDate": "2026-03-01T00:10:00:123-0600", "dueDate": "2026-04-01T17:00:00:000+0000",
         "priority": 2**62, "workHours": 0.1 + 0.2, "isCritical": True},
        {"ID": "b", "lastUpdateDate": "2026-03-01T06:11:00.500Z", "dueDate": date(2026, 5, 2),
         "priority": -1, "workHours": 7, "isCritical": False},
        {"ID": "c", "lastUpdateDate": datetime(2026, 3, 1, 6, 12, tzinfo=UTC), "dueDate": "2026-06-03",
         "priority": None, "workHours": None, "isCritical": None},
    ]
    assert pg_sink.write_page(page, partition=0, page=0) == 3
    assert stored(pg_sink, "lastUpdateDate", "dueDate", "priority", "workHours", "isCritical") == [
        (datetime(2026, 3, 1, 6, 10, 0, 123000, tzinfo=UTC), datetime(2026, 4, 1, 17, tzinfo=UTC),
         2**62, Decimal("0.30000000000000004"), True),
        (datetime(2026, 3, 1, 6, 11, 0, 500000, tzinfo=UTC), datetime(2026, 5, 2, tzinfo=UTC), -1, Decimal(7), False),
        (datetime(2026, 3, 1, 6, 12, tzinfo=UTC), datetime(2026, 6, 3, tzinfo=UTC), None, None, None),
    ]
    assert pg_sink.write_page(page, partition=0, page=1) == 0


def test_a_page_with_a_nul_writes_nothing_and_names_the_field(pg_sink):
    good = {"ID": "a", "lastUpdateDate": "2026-03-01T00:10:00:000-0600", "name": "fine"}
    with pytest.raises(ValueError, match="field 'name' holds a NUL character"):
        pg_sink.write_page([good, {**good, "ID": "b", "name": "bad\0"}], partition=0, page=0)
    assert pg_sink.hook.get_records('SELECT COUNT(*) FROM "wf_copy"') == [(0,)]
    assert pg_sink.write_page([good], partition=0, page=1) == 1  # the next page writes as usual


def test_every_mode_writes_through_copy_and_reruns_change_nothing(driver, postgres_conn_id):
    page = [{"ID": f"id{i}", "lastUpdateDate": f"2026-03-01T00:{i:02}:00:000-0600", "name": f"n\t{i}"}
            for i in range(3)]
    for mode in ("upsert", "soft_delete", "history"):
        sink = pg_sink_through(driver, postgres_conn_id, f"wf_copy_{mode}", mode)
        assert sink.write_page(page, partition=0, page=0) == 3
        assert sink.write_page(page, partition=0, page=1) == 0
        assert [r[0] for r in stored(sink, "name")] == ["n\t0", "n\t1", "n\t2"]
    # History: a newer version of id0 closes the one before it.
    assert sink.write_page([{**page[0], "lastUpdateDate": "2026-03-01T00:30:00:000-0600"}], partition=0, page=2) == 1
    assert sink.hook.get_records('SELECT COUNT(*) FROM "wf_copy_history" WHERE "_wf_current"') == [(3,)]


def test_numbers_become_their_text_and_booleans_stay_booleans():
    assert copy_fields([1, None, 2.5, -0.0, 10**20], "n") == ["1", NULL, "2.5", "-0.0", "100000000000000000000"]
    assert copy_fields([1, True, None], "n") == ["1", "true", NULL]


def test_pages_with_other_fields_get_a_copy_table_of_their_own_columns(pg_sink):
    stamp = "2026-03-01T00:10:00:000-0600"
    assert pg_sink.write_page([{"ID": "a", "lastUpdateDate": stamp, "name": "one"}], partition=0, page=0) == 1
    # A field new in the second page (its column is added mid-run), then a page without it.
    assert pg_sink.write_page([{"ID": "b", "lastUpdateDate": stamp, "name": "two", "DE:Extra": "x\ty"},
                               {"ID": "c", "lastUpdateDate": stamp, "priority": 3}], partition=0, page=1) == 2
    assert pg_sink.write_page([{"ID": "d", "lastUpdateDate": stamp, "name": "four"}], partition=0, page=2) == 1
    assert stored(pg_sink, "ID", "name", "DE:Extra", "priority") == [
        ("a", "one", None, None), ("b", "two", "x\ty", None), ("c", None, None, 3), ("d", "four", None, None)]
