"""SqlSink on SQLite and on a real PostgreSQL (tests/sync/conftest.py: never skipped when one answers)."""

from __future__ import annotations

import json
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
        sink = SqlSink(table, conn_id="wf_test_warehouse", column_names="workfront")
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
    strict = SqlSink("wf_task", hook=sink.hook, create_table=False, column_names="workfront")
    strict.open(TARGET)
    with pytest.raises(RuntimeError, match=r"lacks columns \['status'\]"):
        strict.write_page([{"ID": "a", "lastUpdateDate": ts(1), "name": "n", "status": "CUR"}], partition=0, page=0)


def test_needs_a_dbapi_hook():
    with pytest.raises(ValueError, match="exactly one"):
        SqlSink("t", column_names="workfront")


def test_postgres_statement_uses_is_distinct_from_and_excluded(postgres_conn_id):
    sink = SqlSink("wf_task", conn_id=postgres_conn_id, column_names="workfront")
    sink.open(TARGET)
    sql = sink.upsert_sql(["ID", "lastUpdateDate", "name"])
    assert sql.startswith('INSERT INTO "wf_task" ("ID", "lastUpdateDate", "name") VALUES (%s, %s, %s) ')
    assert 'ON CONFLICT ("ID") DO UPDATE SET "lastUpdateDate" = excluded."lastUpdateDate", "name" = excluded."name"' in sql
    assert '"wf_task"."name" IS DISTINCT FROM excluded."name"' in sql


def test_postgres_upserts(postgres_conn_id):
    sink = SqlSink("wf_sync_test_task", conn_id=postgres_conn_id, column_names="workfront")
    sink.open(TARGET)
    page = [{"ID": f"id{i}", "lastUpdateDate": ts(i), "name": f"n{i}", "project": {"ID": "p"}} for i in range(4)]
    assert sink.write_page(page, partition=0, page=0) == 4
    assert sink.write_page(page, partition=0, page=0) == 0
    page[0] = {**page[0], "lastUpdateDate": ts(50), "name": "changed"}
    assert sink.write_page(page, partition=0, page=0) == 1
    assert sink.delete(["id3"], batch=0) == 1
    assert list(sink.iter_ids()) == ["id0", "id1", "id2"]


# -- both databases: names, values, types, modes ----------------------------------------------

@pytest.fixture(params=["sqlite", "postgres"])
def db(request, tmp_path, create_connection_without_db):
    """A connection id for SQLite and for a real PostgreSQL."""
    if request.param == "postgres":
        return request.getfixturevalue("postgres_conn_id")
    create_connection_without_db("wf_test_lite", conn_type="sqlite", host=str(tmp_path / "wh.db"))
    return "wf_test_lite"


def open_sink(conn_id, kinds=None, table="wf_task", mode="upsert", window=W, **kw):
    sink = SqlSink(table, conn_id=conn_id, mode=mode, **kw, column_names="workfront")
    sink.open(SyncTarget("TASK", ("*",), "lastUpdateDate", window, kinds))
    return sink


def column_map(sink):
    return dict(sink.hook.get_records(f'SELECT field, column_name FROM "{sink.table}_wf_columns"'))


def select(sink, *fields, where=""):
    cols = ", ".join(f'"{sink.column_of(f)}"' for f in fields)
    return sink.hook.get_records(f'SELECT {cols} FROM "{sink.table}" {where} ORDER BY "ID"')


def test_fields_whose_names_collide_get_their_own_columns(db):
    sink = open_sink(db)
    rec = {"ID": "a", "lastUpdateDate": ts(1), "DE:Cost Center": "CC-1", "DE:Cost-Center": "CC-2",
           "DE:Region": "EMEA", "DE:region": "emea"}
    assert sink.write_page([rec], partition=0, page=0) == 1
    mapping = column_map(sink)
    fields = ["DE:Cost Center", "DE:Cost-Center", "DE:Region", "DE:region"]
    assert len({mapping[f].lower() for f in fields}) == 4
    # Sorted order decides who keeps the plain name; the other gets a hash of its field name.
    assert mapping["DE:Cost Center"] == "DE_Cost_Center" and mapping["DE:Cost-Center"].startswith("DE_Cost_Center_")
    assert mapping["DE:Region"] == "DE_Region" and mapping["DE:region"].startswith("DE_region_")
    assert select(sink, *fields) == [("CC-1", "CC-2", "EMEA", "emea")]


def test_column_names_are_deterministic_and_a_later_collision_renames_nothing(db):
    first = open_sink(db)
    first.write_page([{"ID": "a", "lastUpdateDate": ts(1), "DE:Cost-Center": "old"}], partition=0, page=0)
    assert column_map(first)["DE:Cost-Center"] == "DE_Cost_Center"
    later = open_sink(db)  # the next run meets a field that collides with it
    later.write_page([{"ID": "b", "lastUpdateDate": ts(2), "DE:Cost Center": "new"}], partition=0, page=0)
    mapping = column_map(later)
    assert mapping["DE:Cost-Center"] == "DE_Cost_Center"  # kept its name
    assert mapping["DE:Cost Center"] == "DE_Cost_Center_" + __import__("hashlib").sha1(b"DE:Cost Center").hexdigest()[:8]
    assert select(later, "DE:Cost-Center", "DE:Cost Center") == [("old", None), (None, "new")]
    again = open_sink(db, table="wf_task_b")  # the same fields at once in a fresh table: the same names as ever
    again.write_page([{"ID": "c", "lastUpdateDate": ts(3), "DE:Cost Center": 1, "DE:Cost-Center": 2}], partition=0, page=0)
    assert column_map(again)["DE:Cost Center"] == "DE_Cost_Center"


def test_text_that_looks_like_a_timestamp_is_stored_as_written(db):
    looks = "2020-05-18T17:00:00:000-0600"
    rec = {"ID": "a", "lastUpdateDate": "2026-03-01T00:10:00:000-0600", "name": looks, "DE:Note": looks}
    typed = open_sink(db, {"name": "text", "lastUpdateDate": "timestamp"})
    typed.write_page([rec], partition=0, page=0)
    untyped = open_sink(db, None, table="wf_task_untyped")  # no metadata: still never parsed
    untyped.write_page([rec], partition=0, page=0)
    for sink in (typed, untyped):
        assert select(sink, "name", "DE:Note") == [(looks, looks)]
        (stamp,) = select(sink, "lastUpdateDate")[0]
        assert stamp in ("2026-03-01T06:10:00.000Z", datetime(2026, 3, 1, 6, 10, tzinfo=UTC))


TASK_KINDS = {"ID": "text", "lastUpdateDate": "timestamp", "name": "text", "plannedCompletionDate": "timestamp",
              "priority": "integer", "workHours": "number", "isCritical": "boolean", "project": "json",
              "DE:Score": "integer", "DE:Tags": "json"}
RECORD = {"ID": "a", "lastUpdateDate": "2026-03-01T00:10:00:000-0600", "name": "Design",
          "plannedCompletionDate": "2026-04-01T17:00:00:000+0000", "priority": 2, "workHours": 7.5,
          "isCritical": True, "project": {"ID": "p1"}, "DE:Score": 9, "DE:Tags": ["a", "b"]}


def declared_types(sink):
    if sink.dialect == "sqlite":
        return {r[1]: r[2] for r in sink.hook.get_records(f'PRAGMA table_info("{sink.table}")')}
    return dict(sink.hook.get_records(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = %s", parameters=[sink.table]))


def test_columns_are_typed_from_metadata(db):
    sink = open_sink(db, TASK_KINDS)
    sink.write_page([RECORD], partition=0, page=0)
    types = {f: declared_types(sink)[sink.column_of(f)] for f in TASK_KINDS}
    if sink.dialect == "postgres":
        assert types == {"ID": "text", "lastUpdateDate": "timestamp with time zone", "name": "text",
                         "plannedCompletionDate": "timestamp with time zone", "priority": "bigint",
                         "workHours": "numeric", "isCritical": "boolean", "project": "jsonb", "DE:Score": "bigint",
                         "DE:Tags": "jsonb"}
        row = select(sink, "plannedCompletionDate", "project", "DE:Tags")[0]
        assert row == (datetime(2026, 4, 1, 17, tzinfo=UTC), {"ID": "p1"}, ["a", "b"])
    else:
        assert types == {"ID": "TEXT", "lastUpdateDate": "TEXT", "name": "TEXT", "plannedCompletionDate": "TEXT",
                         "priority": "INTEGER", "workHours": "NUMERIC", "isCritical": "BOOLEAN", "project": "TEXT",
                         "DE:Score": "INTEGER", "DE:Tags": "TEXT"}
        assert select(sink, "plannedCompletionDate")[0] == ("2026-04-01T17:00:00.000Z",)
    kinds = dict(sink.hook.get_records(f'SELECT field, kind FROM "{sink.table}_wf_columns"'))
    assert {f: kinds[f] for f in TASK_KINDS} == TASK_KINDS
    assert sink.write_page([RECORD], partition=0, page=0) == 0  # typed values compare equal on a re-run


def test_a_custom_field_new_in_a_later_run_adds_a_typed_column(db):
    open_sink(db, TASK_KINDS).write_page([RECORD], partition=0, page=0)
    later = open_sink(db, {**TASK_KINDS, "DE:Due": "timestamp"})
    later.write_page([{**RECORD, "ID": "b", "DE:Due": "2026-05-01T00:00:00:000+0000"}], partition=0, page=0)
    assert column_map(later)["DE:Due"] == "DE_Due"
    (due,) = select(later, "DE:Due", where="WHERE \"ID\" = 'b'")[0]
    assert due in ("2026-05-01T00:00:00.000Z", datetime(2026, 5, 1, tzinfo=UTC))
    assert select(later, "DE:Due", where="WHERE \"ID\" = 'a'") == [(None,)]  # older rows are kept, empty there


def test_a_type_that_widens_widens_the_column_and_keeps_the_data(db):
    open_sink(db, TASK_KINDS).write_page([RECORD], partition=0, page=0)
    wider = open_sink(db, {**TASK_KINDS, "DE:Score": "number", "isCritical": "text"})
    wider.write_page([{**RECORD, "ID": "b", "DE:Score": 9.25, "isCritical": "maybe"}], partition=0, page=0)
    kinds = dict(wider.hook.get_records(f'SELECT field, kind FROM "{wider.table}_wf_columns"'))
    assert (kinds["DE:Score"], kinds["isCritical"]) == ("number", "text")
    if wider.dialect == "postgres":
        types = declared_types(wider)
        assert (types["DE_Score"], types["isCritical"]) == ("numeric", "text")
    rows = select(wider, "DE:Score", "isCritical")
    assert [(float(s), str(c).lower()) for s, c in rows] in (
        [(9.0, "true"), (9.25, "maybe")], [(9.0, "1"), (9.25, "maybe")])  # SQLite keeps what it held


def test_a_type_that_would_narrow_stops_with_what_to_do(db):
    open_sink(db, TASK_KINDS).write_page([RECORD], partition=0, page=0)
    with pytest.raises(RuntimeError, match=r"column isCritical of table wf_task holds boolean values.*integer.*"
                                           r"never narrows.*ALTER TABLE.*wf_task_wf_columns"):
        open_sink(db, {**TASK_KINDS, "isCritical": "integer"})
    # A column that is already wider (text) simply keeps taking the values.
    open_sink(db, {**TASK_KINDS, "name": "integer"}).write_page([{**RECORD, "name": 5}], partition=0, page=0)
    assert select(open_sink(db, TASK_KINDS), "name") == [("5",)]


def test_a_table_keeps_its_mode(db):
    open_sink(db, mode="soft_delete").write_page([RECORD], partition=0, page=0)
    with pytest.raises(ValueError, match="written in upsert/soft_delete mode and cannot be written in mode 'history'"):
        open_sink(db, mode="history")
    with pytest.raises(ValueError, match="mode must be one of"):
        SqlSink("wf_task", conn_id=db, mode="scd2", column_names="workfront")


def test_a_table_from_before_the_column_map_is_adopted(db):
    hook = SqlSink("wf_old", conn_id=db, column_names="workfront").hook
    hook.run('CREATE TABLE wf_old ("ID" TEXT NOT NULL PRIMARY KEY, "lastUpdateDate" TEXT, "DE_Cost_Center" TEXT)')
    hook.run("INSERT INTO wf_old VALUES ('a', '2026-03-01T00:01:00.000Z', 'old')")
    sink = open_sink(db, table="wf_old")
    sink.write_page([{"ID": "b", "lastUpdateDate": ts(2), "DE:Cost-Center": "x", "DE:Cost Center": "y"}],
                    partition=0, page=0)
    mapping = column_map(sink)
    assert mapping["DE:Cost Center"] == "DE_Cost_Center" and mapping["DE:Cost-Center"].startswith("DE_Cost_Center_")
    assert select(sink, "DE:Cost Center", "DE:Cost-Center") == [("old", None), ("y", "x")]


def test_soft_delete_marks_rows_once_and_history_closes_versions(db):
    soft = open_sink(db, mode="soft_delete", table="wf_soft")
    soft.write_page([RECORD, {**RECORD, "ID": "b"}], partition=0, page=0)
    assert soft.delete(["b", "nope"], batch=0) == 1 and soft.delete(["b"], batch=0) == 0
    assert list(soft.iter_ids()) == ["a"]
    assert soft.write_page([{**RECORD, "ID": "b"}], partition=0, page=0) == 0  # same version: stays deleted
    newer = {**RECORD, "ID": "b", "lastUpdateDate": "2026-03-01T00:50:00:000-0600"}
    assert soft.write_page([newer], partition=0, page=0) == 1  # a newer version (restored): live again
    assert list(soft.iter_ids()) == ["a", "b"]
    hist = open_sink(db, mode="history", table="wf_hist")
    v1, v2 = {**RECORD, "name": "v1"}, {**RECORD, "name": "v2", "lastUpdateDate": "2026-03-01T00:20:00:000-0600"}
    assert hist.write_page([v1], partition=0, page=0) == 1
    assert hist.write_page([v2], partition=0, page=1) == 1
    assert hist.write_page([v1, v2], partition=0, page=2) == 0  # both versions again: nothing added
    assert select(hist, "name", where='WHERE "_wf_current"') == [("v2",)]
    assert hist.delete(["a"], batch=0) == 1 and hist.delete(["a"], batch=0) == 0
    assert hist.hook.get_records('SELECT COUNT(*) FROM wf_hist WHERE "_wf_valid_to" IS NULL') == [(0,)]


def test_a_rerun_that_changes_nothing_keeps_the_synced_time_and_history_keeps_its_mode(db):
    sink = open_sink(db, TASK_KINDS)
    sink.write_page([RECORD], partition=0, page=0)
    before = sink.hook.get_records('SELECT "_wf_synced_at" FROM wf_task')
    assert before[0][0] is not None
    assert sink.write_page([RECORD], partition=0, page=1) == 0
    assert sink.hook.get_records('SELECT "_wf_synced_at" FROM wf_task') == before
    open_sink(db, mode="history", table="wf_versions").write_page([RECORD], partition=0, page=0)
    with pytest.raises(ValueError, match="written in history mode and cannot be written in mode 'upsert'"):
        open_sink(db, table="wf_versions")


def test_any_text_round_trips_exactly(db):
    awkward = ['a "quoted" \\ back,slash {brace}', "NULL", "", "tab\there\nnewline", "ünïcödé ✓", "'single'"]
    sink = open_sink(db, TASK_KINDS)
    page = [{**RECORD, "ID": f"id{i}", "name": text, "project": {"k": text}, "DE:Tags": [text]}
            for i, text in enumerate(awkward)]
    sink.write_page(page, partition=0, page=0)
    rows = select(sink, "name", "project", "DE:Tags")
    decoded = [(n, p if isinstance(p, dict) else json.loads(p), t if isinstance(t, list) else json.loads(t))
               for n, p, t in rows]
    assert decoded == [(text, {"k": text}, [text]) for text in awkward]
    assert sink.write_page(page, partition=0, page=1) == 0


def test_two_runs_adding_the_same_field_at_once_share_one_column(db):
    first, second = open_sink(db, TASK_KINDS), open_sink(db, TASK_KINDS)  # both read the map before
    first.write_page([{**RECORD, "DE:New": "from first"}], partition=0, page=0)
    second.write_page([{**RECORD, "ID": "b", "DE:New": "from second"}], partition=0, page=0)
    assert column_map(second)["DE:New"] == "DE_New"
    assert select(second, "DE:New") == [("from first",), ("from second",)]


def test_history_closes_open_versions_at_their_successor_within_a_page_and_when_one_arrives_late(db):
    hist = open_sink(db, mode="history", table="wf_late")

    def version(name: str, minute: int, obj: str = "a") -> dict:
        return {**RECORD, "ID": obj, "name": name, "lastUpdateDate": f"2026-03-01T00:{minute:02}:00:000-0600"}

    # Two versions of "a" in one page, one of "b"; then a version of "a" between the two, late.
    assert hist.write_page([version("v10", 10), version("v30", 30), version("b10", 10, "b")], partition=0, page=0) == 3
    assert hist.write_page([version("v20", 20)], partition=0, page=1) == 1
    got = hist.hook.get_records(
        f'SELECT "ID", "{hist.column_of("name")}", "_wf_valid_to", "_wf_current" FROM wf_late '
        'ORDER BY "ID", "_wf_valid_from"')
    ends = [(i, n, None if to is None else str(to)[11:16], bool(c)) for i, n, to, c in got]
    # The late version is closed at its successor, and v10, closed by v30 before v20 came, now ends
    # where v20 starts: the spans tile time, so a point-in-time query finds one version.
    assert ends == [("a", "v10", "06:20", False), ("a", "v20", "06:30", False), ("a", "v30", None, True),
                    ("b", "b10", None, True)]


# -- column naming: snake_case for new tables, existing tables keep theirs -------------------

def test_a_new_table_names_its_columns_in_snake_case_and_keeps_them(db):
    sink = SqlSink("wf_snake", conn_id=db)
    sink.open(SyncTarget("TASK", ("*",), "lastUpdateDate", W, {"DE:Cost Center": "text", "projectID": "text"}))
    sink.write_page([{"ID": "a", "lastUpdateDate": ts(1), "projectID": "p1", "DE:Cost Center": "CC"}],
                    partition=0, page=0)
    assert column_map(sink) == {"ID": "id", "lastUpdateDate": "last_update_date", "projectID": "project_id",
                                "DE:Cost Center": "de_cost_center"}
    # plain SQL, no quoting, in both databases
    assert sink.hook.get_records("SELECT id, project_id, de_cost_center FROM wf_snake") == [("a", "p1", "CC")]
    # a later run asking for Workfront's names, and with a new field, keeps the table's style
    again = SqlSink("wf_snake", conn_id=db, column_names="workfront")
    again.open(SyncTarget("TASK", ("*",), "lastUpdateDate", W, None))
    again.write_page([{"ID": "a", "lastUpdateDate": ts(2), "percentComplete": 50}], partition=0, page=0)
    assert column_map(again)["percentComplete"] == "percent_complete"
    assert again.delete(["a"], batch=0) == 1


def test_a_table_made_with_workfront_names_keeps_them_when_snake_case_is_asked(db):
    old = open_sink(db, table="wf_old_names")  # column_names="workfront"
    old.write_page([{"ID": "a", "lastUpdateDate": ts(1), "name": "n"}], partition=0, page=0)
    later = SqlSink("wf_old_names", conn_id=db)  # the default, snake_case
    later.open(SyncTarget("TASK", ("*",), "lastUpdateDate", W, None))
    later.write_page([{"ID": "b", "lastUpdateDate": ts(2), "name": "m", "plannedCost": 1.5}], partition=0, page=0)
    assert column_map(later) == {"ID": "ID", "lastUpdateDate": "lastUpdateDate", "name": "name",
                                 "plannedCost": "plannedCost"}
    assert list(later.iter_ids()) == ["a", "b"] and later.live_count() == 2


@pytest.mark.parametrize("mode", ["upsert", "soft_delete", "history"])
def test_holds_no_objects_counts_only_live_rows(db, mode):
    sink = open_sink(db, mode=mode, table=f"wf_empty_{mode}")
    assert sink.holds_no_objects()
    sink.write_page([RECORD], partition=0, page=0)
    assert not sink.holds_no_objects()
    sink.delete([RECORD["ID"]], batch=0)
    # Soft-deleted rows and closed versions hold no live object; upsert mode removed the row.
    assert sink.holds_no_objects()
