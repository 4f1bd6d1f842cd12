"""The sync engine against an in-memory Workfront: paging, partitions, exact requests, deletes."""

from __future__ import annotations

import math
import threading
from datetime import datetime, timedelta, timezone

import pytest
from fake_workfront import FakeWorkfront, RecordingSink

from airflow_workfront.sync import SyncEngine, SyncWindow

UTC = timezone.utc
T0 = datetime(2026, 3, 1, 0, tzinfo=UTC)
W1 = SyncWindow(T0, T0 + timedelta(hours=1))
W2 = SyncWindow(T0 + timedelta(hours=1), T0 + timedelta(hours=2))


def seed(wf: FakeWorkfront, n: int, obj_code: str = "TASK", start: datetime = T0, step_ms: int = 1000, **fields):
    """``n`` objects, one every ``step_ms`` from ``start`` (all at ``start`` when step is 0)."""
    return [
        wf.add(obj_code, date=start + timedelta(milliseconds=i * step_ms), name=f"{obj_code} {i}", **fields)
        for i in range(n)
    ]


def ops(wf: FakeWorkfront) -> list[tuple[str, str, int]]:
    return [(op, code, limit) for op, code, _f, _first, limit in wf.calls]


def test_small_window_costs_one_search_plus_the_journal_check():
    wf = FakeWorkfront()
    seed(wf, 7)
    sink = RecordingSink()
    s = SyncEngine(wf, "TASK", fields=["name"]).run(W1, sink)
    assert ops(wf) == [("search", "TASK", 2000), ("search", "JRNLE", 2000)]
    assert s.requests == 2 and s.planning_requests == 0 and s.pages == 1
    assert s.fetched == s.upserted == 7 and len(sink.rows) == 7
    assert s.high_water_mark.date == T0 + timedelta(seconds=6)
    assert sink.opened.fields == ("ID", "lastUpdateDate", "name")


def test_window_with_nothing_in_it():
    wf = FakeWorkfront()
    seed(wf, 3, start=W2.start)
    s = SyncEngine(wf, "TASK", deletes="none").run(W1, RecordingSink())
    assert (s.fetched, s.pages, s.requests, s.high_water_mark) == (0, 0, 1, None)
    assert s.as_dict()["high_water_mark"] is None


def test_zero_width_window_makes_no_object_request():
    wf = FakeWorkfront()
    seed(wf, 3)
    s = SyncEngine(wf, "TASK", deletes="none").run(SyncWindow(T0, T0), RecordingSink())
    assert s.requests == 0 and wf.calls == []


def test_half_open_window_excludes_its_end_and_includes_its_start():
    wf = FakeWorkfront()
    inside = wf.add("TASK", date=W1.start)
    last = wf.add("TASK", date=W1.end - timedelta(milliseconds=1))
    wf.add("TASK", date=W1.end)
    wf.add("TASK", date=W1.start - timedelta(milliseconds=1))
    sink = RecordingSink()
    SyncEngine(wf, "TASK", deletes="none", overlap=timedelta(0)).run(W1, sink)
    assert set(sink.rows) == {inside["ID"], last["ID"]}


def test_more_ties_at_one_timestamp_than_a_page_holds_are_all_read_once():
    wf = FakeWorkfront(page_size=5)
    objs = seed(wf, 23, step_ms=0, start=T0 + timedelta(minutes=10))
    seed(wf, 4, start=T0 + timedelta(minutes=20))
    sink = RecordingSink()
    s = SyncEngine(wf, "TASK", deletes="none").run(W1, sink)
    assert len(sink.rows) == 27 and set(sink.writes.values()) == {1}
    assert {o["ID"] for o in objs} <= set(sink.rows)
    # 27 objects in pages of 5: the first page, one count, then five partitions of one page (each
    # later one's page starts with its cut, so it holds 4 new objects) and the last with the 5
    # left: 7 searches, one more than ceil(27/5), and no probe request.
    assert s.requests == math.ceil(27 / 5) + 1 + 1 and s.planning_requests == 1 and s.partitions == 5


def test_exact_multiple_of_the_page_size_costs_one_tiny_confirmation():
    wf = FakeWorkfront(page_size=5)
    seed(wf, 20)
    s = SyncEngine(wf, "TASK", deletes="none", pages_per_partition=10).run(W1, RecordingSink())
    # first page, count(15), three pages of what is left, then a 1-row check that nothing arrived.
    assert ops(wf) == [("search", "TASK", 5), ("count", "TASK", 0)] + [("search", "TASK", 5)] * 3 + [
        ("search", "TASK", 1)
    ]
    assert s.requests == math.ceil(20 / 5) + 2 and s.fetched == 20


def test_remainder_asks_for_what_is_left_plus_one_so_no_empty_trailing_page():
    wf = FakeWorkfront(page_size=5)
    seed(wf, 12)
    s = SyncEngine(wf, "TASK", deletes="none", max_workers=1).run(W1, RecordingSink())
    assert ops(wf) == [("search", "TASK", 5), ("count", "TASK", 0), ("search", "TASK", 5), ("search", "TASK", 3)]
    assert s.requests == math.ceil(12 / 5) + 1


@pytest.mark.parametrize(("n", "page", "workers"), [(1000, 10, 4), (997, 10, 10), (2000, 7, 3), (101, 10, 10)])
def test_large_window_is_split_into_partitions_with_near_minimal_requests(n, page, workers):
    wf = FakeWorkfront(page_size=page, max_concurrency=workers, latency=0.001)
    seed(wf, n, step_ms=500)
    sink = RecordingSink()
    s = SyncEngine(wf, "TASK", deletes="none").run(W1, sink)
    assert len(sink.rows) == n and set(sink.writes.values()) == {1}
    # Bounded partitions end at the next partition's cut, which they read as their last row, so
    # their whole pages prove their end; only the last partition may need one search more than
    # the minimum to see a short page. Planning is the one count.
    assert s.planning_requests == 1
    assert math.ceil(n / page) <= s.requests - s.planning_requests <= math.ceil(n / page) + 1
    assert math.ceil(n / page) <= s.pages <= math.ceil(n / page) + 1
    assert 1 < s.partitions <= workers
    assert wf.max_in_flight <= workers
    assert s.high_water_mark.date == T0 + timedelta(milliseconds=(n - 1) * 500)


def test_concurrency_cap_comes_from_the_client_and_max_workers_can_only_lower_it():
    wf = FakeWorkfront(max_concurrency=3)
    assert SyncEngine(wf, "TASK", max_workers=50).max_workers == 3
    assert SyncEngine(wf, "TASK", max_workers=2).max_workers == 2


def test_edits_and_deletes_while_paging_lose_nothing_and_read_nothing_twice():
    """Objects edited mid-run move past the window end: the next window picks them up."""
    wf = FakeWorkfront(page_size=5, max_concurrency=3)
    objs = seed(wf, 60, step_ms=30_000)
    wf.now = W2.start + timedelta(minutes=5)  # edits happen during the next window
    victims = iter(objs[::7])

    def churn(fake, n):
        if n > 1:  # after the first page: edit one object and delete another between requests
            for _ in range(2):
                o = next(victims, None)
                if o and o["ID"] in fake.objects["TASK"]:
                    fake.edit("TASK", o["ID"], name="edited")
            o = next(victims, None)
            if o and o["ID"] in fake.objects["TASK"]:
                fake.delete("TASK", o["ID"])

    wf.before_search = churn
    sink = RecordingSink()
    s1 = SyncEngine(wf, "TASK").run(W1, sink)
    assert set(sink.writes.values()) == {1}, "an object was read twice"
    untouched = {o["ID"] for o in objs if o["ID"] in wf.objects["TASK"] and wf.objects["TASK"][o["ID"]]["lastUpdateDate"] < W1.end}
    assert untouched <= set(sink.rows), "an object that stayed in the window was lost"
    wf.before_search = None
    s2 = SyncEngine(wf, "TASK").run(W2, sink)
    assert set(sink.rows) == set(wf.objects["TASK"]), "warehouse and Workfront disagree after the next window"
    assert all(sink.rows[i]["name"] == wf.objects["TASK"][i]["name"] for i in sink.rows)
    assert s1.fetched + s2.fetched >= len(wf.objects["TASK"])


def test_offset_paging_would_have_lost_objects_in_the_same_scenario():
    """Guard that the churn scenario is meaningful: plain $$FIRST paging skips rows under it."""
    wf = FakeWorkfront()
    objs = seed(wf, 20, step_ms=1000)
    wf.now = W2.start
    seen = []
    for first in range(0, 20, 5):
        page = wf.search_page("TASK", {"lastUpdateDate": W1.start, "lastUpdateDate_Mod": "between",
                                       "lastUpdateDate_Range": W1.last_ms},
                              sort=[("lastUpdateDate", "asc"), ("ID", "asc")], first=first, limit=5)
        seen += [r["ID"] for r in page]
        if first == 0:
            wf.edit("TASK", objs[1]["ID"])  # already read; moves out of the window
    # every object was in the window when paging began; the shifted offsets skipped objs[5]
    assert objs[5]["ID"] not in seen and len(set(seen)) == 19


def test_user_filters_are_anded_with_every_page():
    wf = FakeWorkfront(page_size=4)
    seed(wf, 9, status="CUR")
    seed(wf, 9, status="NEW", start=T0 + timedelta(milliseconds=1))
    sink = RecordingSink()
    SyncEngine(wf, "TASK", filters={"status": "CUR"}, deletes="none").run(W1, sink)
    assert len(sink.rows) == 9 and {r["status"] for r in sink.rows.values()} == {"CUR"}


def test_or_groups_in_user_filters_are_refused_clearly():
    with pytest.raises(ValueError, match="OR group"):
        SyncEngine(FakeWorkfront(), "TASK", filters={"status": "CUR", "OR:1:status": "NEW"})


def test_journal_deletes_remove_rows_deleted_in_the_window():
    wf = FakeWorkfront()
    objs = seed(wf, 10)
    sink = RecordingSink()
    SyncEngine(wf, "TASK").run(W1, sink)
    wf.now = W2.start + timedelta(minutes=1)
    wf.delete("TASK", objs[2]["ID"])
    wf.delete("TASK", objs[5]["ID"])
    wf.add("JRNLE", changeType="D", objObjCode="PROJ", objID=objs[7]["ID"])  # another type: ignored
    s = SyncEngine(wf, "TASK").run(W2, sink)
    assert s.deleted == 2 and set(sink.rows) == set(wf.objects["TASK"])
    assert wf.calls[-1][2]["objObjCode"] == "TASK" and wf.calls[-1][2]["changeType"] == "D"


def test_journal_objects_do_not_look_for_their_own_deletes():
    wf = FakeWorkfront()
    wf.add("JRNLE", changeType="E", objObjCode="TASK", objID="x")
    s = SyncEngine(wf, "JRNLE").run(W1, RecordingSink())
    assert s.date_field == "entryDate" and s.fetched == 1 and s.requests == 1 and s.deletes_mode == "none"


@pytest.mark.parametrize(("workers", "id_pages"), [
    # 10 stored IDs make 4 ranges of one page with 10 workers: each range's reader stops at its
    # first page that reaches its last stored ID (tests/sync/test_deletes.py has the rest).
    (None, 4),
    # One worker reads the fewest: 7 IDs left in pages of 3, stopping on the short one.
    (1, math.ceil(8 / 3)),
])
def test_reconcile_removes_ids_workfront_no_longer_has(workers, id_pages):
    wf = FakeWorkfront(page_size=3)
    objs = seed(wf, 10)
    sink = RecordingSink()
    SyncEngine(wf, "TASK", deletes="none").run(W1, sink)
    for o in objs[3:6]:
        wf.delete("TASK", o["ID"], journal=False)
    wf.calls.clear()
    s = SyncEngine(wf, "TASK", deletes="reconcile", max_workers=workers).run(W2, sink)
    assert s.deleted == 3 and set(sink.rows) == set(wf.objects["TASK"])
    assert len([c for c in wf.calls if c[2].get("ID_Mod") == "gt" or c[2] == {}]) == id_pages


def test_a_run_killed_mid_way_then_rerun_converges():
    wf = FakeWorkfront(page_size=5, max_concurrency=2)
    seed(wf, 40)
    broken = RecordingSink(fail_on_page=3)
    with pytest.raises(RuntimeError, match="injected"):
        SyncEngine(wf, "TASK").run(W1, broken)
    assert 0 < len(broken.rows) < 40 and broken.closed is None
    broken.fail_on_page = None
    s = SyncEngine(wf, "TASK").run(W1, broken)
    assert set(broken.rows) == set(wf.objects["TASK"]) and s.fetched == 40


def test_overlap_rereads_the_end_of_the_previous_window():
    wf = FakeWorkfront()
    wf.add("TASK", date=W2.start - timedelta(minutes=2))
    s = SyncEngine(wf, "TASK", overlap=timedelta(minutes=5), deletes="none").run(W2, RecordingSink())
    assert s.fetched == 1 and s.window.start == W2.start - timedelta(minutes=5)


def test_summary_is_json_able():
    import json

    wf = FakeWorkfront()
    seed(wf, 2)
    d = SyncEngine(wf, "task").run(W1, RecordingSink()).as_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["obj_code"] == "TASK" and d["high_water_mark"]["ID"]
    assert d["window"] == W1.with_overlap(timedelta(minutes=5)).as_dict()  # the window read: W1 and its lookback


def test_invalid_settings_fail_early():
    with pytest.raises(ValueError, match="deletes"):
        SyncEngine(FakeWorkfront(), "TASK", deletes="sometimes")
    with pytest.raises(ValueError, match="page_size"):
        SyncEngine(FakeWorkfront(page_size=0), "TASK", page_size=-1).run(W1, RecordingSink())


@pytest.mark.parametrize(("setting", "value"), [("page_size", 0), ("page_size", -5), ("page_size", 2001),
                                                ("page_size", 2.5), ("max_workers", 0), ("max_workers", -1)])
def test_paging_settings_are_refused_when_the_engine_is_made(setting, value):
    # Issue 12.7: page_size=0 used to mean "the default" while -5 was refused.
    with pytest.raises(ValueError, match=f"{setting} must be a whole number .* got {value}"):
        SyncEngine(FakeWorkfront(), "TASK", **{setting: value})


def test_into_sqlite_a_rerun_of_the_same_window_changes_nothing(tmp_path, monkeypatch):
    import json

    from airflow.providers.sqlite.hooks.sqlite import SqliteHook

    from airflow_workfront.sync import SqlSink

    monkeypatch.setenv("AIRFLOW_CONN_WF_ENGINE_WH", json.dumps({"conn_type": "sqlite", "host": f"{tmp_path}/wh.db"}))
    wf = FakeWorkfront(page_size=5, max_concurrency=3)
    seed(wf, 33, status="CUR")
    hook = SqliteHook(sqlite_conn_id="wf_engine_wh")
    first = SyncEngine(wf, "TASK", fields=["name", "status"]).run(W1, SqlSink("wf_task", hook=hook, column_names="workfront"))
    again = SyncEngine(wf, "TASK", fields=["name", "status"]).run(W1, SqlSink("wf_task", hook=hook, column_names="workfront"))
    assert (first.upserted, again.upserted, again.fetched) == (33, 0, 33)
    assert hook.get_records("SELECT COUNT(*), COUNT(DISTINCT ID) FROM wf_task") == [(33, 33)]


def test_reconcile_against_a_sqlite_table_streams_ids_in_chunks(tmp_path, monkeypatch):
    import json

    import airflow_workfront.sync.sinks.sql as sql_module
    from airflow_workfront.sync import SqlSink

    monkeypatch.setattr(sql_module, "_ID_CHUNK", 4)
    monkeypatch.setenv("AIRFLOW_CONN_WF_RECON_WH", json.dumps({"conn_type": "sqlite", "host": f"{tmp_path}/wh.db"}))
    wf = FakeWorkfront(page_size=3)
    objs = seed(wf, 17)
    SyncEngine(wf, "TASK", fields=["name"], deletes="none").run(W1, SqlSink("wf_task", conn_id="wf_recon_wh", column_names="workfront"))
    gone = {objs[0]["ID"], objs[8]["ID"], objs[16]["ID"]}
    for i in gone:
        wf.delete("TASK", i, journal=False)
    sink = SqlSink("wf_task", conn_id="wf_recon_wh", column_names="workfront")
    s = SyncEngine(wf, "TASK", fields=["name"], deletes="reconcile").run(W2, sink)
    assert s.deleted == 3
    assert {r[0] for r in sink.hook.get_records("SELECT ID FROM wf_task")} == set(wf.objects["TASK"])


def test_deletes_between_offset_pages_cannot_hide_objects_in_a_partition():
    """Regression: partitions find their cuts with offset pages read while data changes, so a
    delete before a cut shifts the ranks of the next; a partition must then read on to its cut."""
    wf = FakeWorkfront(page_size=10, max_concurrency=4)
    seed(wf, 100, step_ms=500)
    early = sorted(wf.objects["TASK"])[10:14]  # after the first page, before every cut

    def delete_once_offset_pages_began(client, call):
        if early and any(c[0] == "search" and c[3] > 0 for c in client.calls):
            client.delete("TASK", early.pop(0), journal=False)

    wf.before_search = delete_once_offset_pages_began
    sink = RecordingSink()
    s = SyncEngine(wf, "TASK", deletes="none").run(W1, sink)
    assert not early, "the test deleted nothing between offset pages: it would prove nothing"
    assert set(wf.objects["TASK"]) <= set(sink.rows)  # every object still there was read
    assert set(sink.writes.values()) == {1} and s.partitions > 1


def test_cuts_lost_when_data_shrinks_are_dropped_and_nothing_is_missed():
    """Deleting most of a window after the count leaves later offset pages empty: their
    partitions are dropped and the partitions before them read on to the window's end."""
    wf = FakeWorkfront(page_size=10, max_concurrency=4)
    seed(wf, 100, step_ms=500)
    doomed = sorted(wf.objects["TASK"])[40:95]

    def shrink_at_the_first_offset_page(client, call):
        if doomed and any(c[0] == "search" and c[3] > 0 for c in client.calls):
            for obj_id in doomed:
                client.delete("TASK", obj_id, journal=False)
            doomed.clear()

    wf.before_search = shrink_at_the_first_offset_page
    sink = RecordingSink()
    s = SyncEngine(wf, "TASK", deletes="none").run(W1, sink)
    assert not doomed
    assert set(wf.objects["TASK"]) <= set(sink.rows)
    assert set(sink.writes.values()) == {1}
    assert s.partitions < 4  # the plan had four; the empty cuts were dropped


def test_a_partition_failing_before_the_cut_meeting_releases_the_others():
    """A failed offset page must not leave the other partitions waiting for its cut."""
    wf = FakeWorkfront(page_size=10, max_concurrency=4)
    seed(wf, 100, step_ms=500)

    def fail_an_offset_page(client, call):
        last = client.calls[-1]
        if last[0] == "search" and last[3] > 0:
            raise RuntimeError("Workfront answered 500 (injected by the test)")

    wf.before_search = fail_an_offset_page
    outcome: list = []

    def run():
        try:
            SyncEngine(wf, "TASK", deletes="none").run(W1, RecordingSink())
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)  # a regression must not hang pytest too
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "the sync hung waiting for a cut"
    assert len(outcome) == 1 and "injected by the test" in str(outcome[0])


class TypedSink(RecordingSink):
    """A recording sink that asks for field types, and keeps the targets it is opened with."""

    uses_metadata = True

    def __init__(self, targets: list) -> None:
        super().__init__()
        self.targets = targets

    def open(self, target):
        self.targets.append(target)


def test_metadata_is_read_once_for_sinks_that_type_fields_and_a_failure_falls_back(caplog):
    wf = FakeWorkfront()
    wf.add("TASK", date=wf.now - timedelta(minutes=30), name="x")
    asked = []

    def metadata(obj_code):
        asked.append(obj_code)
        if len(asked) > 1:
            raise RuntimeError("Workfront said no")
        return {"data": {"fields": {"name": {"fieldType": "string"}, "DE:Due": {"fieldType": "date"}},
                         "references": {"project": {"fieldType": "Project"}}}}

    wf.metadata = metadata
    targets: list = []
    window = SyncWindow(wf.now - timedelta(hours=1), wf.now)
    SyncEngine(wf, "TASK").run(window, TypedSink(targets))
    assert asked == ["TASK"]
    assert targets[0].field_kinds == {"name": "text", "DE:Due": "timestamp", "project": "json"}
    SyncEngine(wf, "TASK").run(window, RecordingSink())  # a sink that stores no types: no request
    assert asked == ["TASK"]
    SyncEngine(wf, "TASK").run(window, TypedSink(targets))
    assert targets[1].field_kinds is None and "Workfront said no" in caplog.text


def test_requested_custom_fields_the_metadata_does_not_type_are_typed_by_their_param_definitions():
    wf = FakeWorkfront()
    wf.add("TASK", date=wf.now - timedelta(minutes=30), name="x", **{"DE:Budget": 10.5})
    wf.metadata = lambda obj_code: {"fields": {"name": {"fieldType": "string"}}}
    searched = []

    def search(obj_code, filters=None, fields=None):
        searched.append((obj_code, filters, fields))
        return iter([{"name": "Budget", "dataType": "CURC", "displayType": "TEXT"},
                     {"name": "Due", "dataType": "DATE", "displayType": "DATE"},
                     {"name": "Tags", "dataType": "TEXT", "displayType": "CHECKBOX"}])

    wf.search = search
    targets: list = []
    window = SyncWindow(wf.now - timedelta(hours=1), wf.now)
    SyncEngine(wf, "TASK", fields=["name", "DE:Budget", "DE:Due", "DE:Tags"]).run(window, TypedSink(targets))
    assert searched == [("PARAM", {"name": ["Budget", "Due", "Tags"], "name_Mod": "in"},
                         ["name", "dataType", "displayType"])]
    assert targets[0].field_kinds == {"name": "text", "DE:Budget": "number", "DE:Due": "timestamp", "DE:Tags": "json"}
    SyncEngine(wf, "TASK", fields=["name"]).run(window, TypedSink(targets))  # no custom field asked: no PARAM search
    assert len(searched) == 1


def test_a_failed_param_search_keeps_the_metadata_types(caplog):
    from airflow_workfront.sync.sinks.fieldtypes import read_field_kinds

    class Client:
        def metadata(self, obj_code):
            return {"fields": {"name": {"fieldType": "string"}}}

        def search(self, *args):
            raise RuntimeError("PARAM is not served here")

    assert read_field_kinds(Client(), "TASK", ["name", "DE:Budget"]) == {"name": "text"}
    assert "DE:Budget" in caplog.text and "PARAM is not served here" in caplog.text
