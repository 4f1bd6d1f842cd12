"""The sync contract end to end: the real client against the real emulator.

The emulator and the client are independent readings of the Workfront docs, so these tests check
the keyset filters (inclusive ``between``, ``ID gt`` on strings, OR alternatives, numbered sorts)
as the emulator understands them, not as the engine's authors assumed.
"""

from __future__ import annotations

import gzip
import json
import math
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from fake_workfront import RecordingSink

from airflow_workfront.sync import SqlSink, SyncEngine, SyncTarget, SyncWindow
from airflow_workfront.sync.sinks.object_storage import ObjectStorageSink

pytestmark = pytest.mark.emulator

UTC = timezone.utc
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
W1 = SyncWindow(T0, T0 + timedelta(hours=1))
W2 = SyncWindow(W1.end, W1.end + timedelta(hours=1))


class Control:
    """The emulator's control API over plain HTTP (only the documented routes)."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.Client(base_url=f"{base_url}/_emulator", timeout=30)

    def call(self, method: str, path: str, body: dict | None = None):
        r = self.http.request(method, path, json=body)
        assert r.status_code < 400, f"{method} {path}: {r.status_code} {r.text[:300]}"
        return r.json() if r.content else None

    def clock(self, moment: datetime) -> None:
        self.call("POST", "clock", {"now": moment.isoformat().replace("+00:00", "Z")})

    def reset_empty(self) -> None:
        self.call("POST", "reset", {"seed": "empty"})

    def create(self, obj_code: str, **fields) -> dict:
        return self.call("POST", f"objects/{obj_code}", fields)

    def edit(self, obj_code: str, obj_id: str, **fields) -> None:
        self.call("PATCH", f"objects/{obj_code}/{obj_id}", fields)

    def delete(self, obj_code: str, obj_id: str) -> None:
        self.call("DELETE", f"objects/{obj_code}/{obj_id}")

    def ids(self, obj_code: str) -> set[str]:
        data = self.call("GET", f"objects/{obj_code}")
        data = data["data"] if isinstance(data, dict) and "data" in data else data
        return {o["ID"] for o in data}

    def requests(self) -> int:
        return self.call("GET", "stats")["total"]

    def faults(self, **body) -> None:
        self.call("POST", "faults", body)


@pytest.fixture
def ctl(emulator):
    control = Control(emulator.base_url)
    control.reset_empty()
    yield control
    control.faults(rate=0.0)
    control.http.close()


@pytest.fixture
def client_for(emulator):
    from airflow_workfront.client import ApiKeyAuth, ClientConfig, WorkfrontClient

    made = []

    def make(**overrides):
        config = ClientConfig(host=emulator.base_url, auth=ApiKeyAuth(api_key=emulator.api_key), max_retries=0,
                              **overrides)
        made.append(WorkfrontClient(config))
        return made[-1]

    yield make
    for c in made:
        c.close()


@pytest.fixture(params=["sqlite", "postgres"])
def warehouse(request, tmp_path, create_connection_without_db):
    """The warehouse the contract tests sync into: SQLite, and a real PostgreSQL (tests/sync/conftest.py)."""
    if request.param == "postgres":
        conn_id = request.getfixturevalue("postgres_conn_id")
    else:
        conn_id = "wf_contract_wh"
        create_connection_without_db(conn_id, conn_type="sqlite", host=str(tmp_path / "wh.db"))
    return lambda **kw: SqlSink("wf_task", conn_id=conn_id, **kw, column_names="workfront")


def make_tasks(ctl: Control, n: int, start: datetime, step: timedelta) -> list[str]:
    ids = []
    for i in range(n):
        ctl.clock(start + i * step)
        ids.append(ctl.create("TASK", name=f"task {i}")["ID"])
    return ids


def test_window_is_read_exactly_with_the_minimum_of_requests(ctl, client_for):
    make_tasks(ctl, 12, T0 - timedelta(minutes=1), timedelta(minutes=1))  # first one before W1
    ctl.clock(W2.end)
    client = client_for(page_size=5)
    before = ctl.requests()
    sink = RecordingSink()
    s = SyncEngine(client, "TASK", fields=["name"], overlap=timedelta(0)).run(W1, sink)
    assert len(sink.rows) == 11 and set(sink.writes.values()) == {1}
    # 11 objects in pages of 5: page 1, count(6), pages of 5 and 2 (asks 6+1 -> 5, then 1+1 -> 1); journal: 1;
    # and no clock request: the first page's own answer showed that it ran after the window closed
    assert s.requests == math.ceil(11 / 5) + 1 + 1 and s.extra["clock"]["requests"] == 0
    assert ctl.requests() - before == s.requests == client.stats.total


def test_more_ties_at_one_timestamp_than_a_page_holds(ctl, client_for):
    tie = T0 + timedelta(minutes=7)
    ctl.clock(tie)
    tied = {ctl.create("TASK", name=f"tie {i}")["ID"] for i in range(13)}
    others = set(make_tasks(ctl, 3, tie + timedelta(seconds=1), timedelta(seconds=1)))
    ctl.clock(W2.end)
    sink = RecordingSink()
    s = SyncEngine(client_for(page_size=5), "TASK", deletes="none").run(W1, sink)
    assert set(sink.rows) == tied | others and set(sink.writes.values()) == {1}
    assert s.pages == math.ceil(16 / 5)


def test_an_empty_window(ctl, client_for):
    make_tasks(ctl, 2, W2.start, timedelta(minutes=1))
    s = SyncEngine(client_for(), "TASK").run(W1, RecordingSink())
    assert (s.fetched, s.requests) == (0, 2)  # one search (its answer shows the clock), one journal search


def test_edits_and_deletes_while_paging(ctl, client_for):
    ids = make_tasks(ctl, 40, T0, timedelta(seconds=80))
    ctl.clock(W2.start + timedelta(minutes=10))  # churn edits land in window 2
    ctl.faults(rate=0.0, random_seed=3, churn={"every_n_searches": 1, "edits": 2, "deletes": 1})
    sink = RecordingSink()
    SyncEngine(client_for(page_size=5, max_concurrency=3), "TASK", fields=["name"]).run(W1, sink)
    ctl.faults(rate=0.0)
    assert set(sink.writes.values()) == {1}, "an object was read twice"
    still = ctl.ids("TASK")
    assert len(still) < 40, "the churn fault did not delete anything: the test would prove nothing"
    ctl.clock(W2.end + timedelta(minutes=1))
    SyncEngine(client_for(page_size=5), "TASK", fields=["name"]).run(W2, sink)
    assert set(sink.rows) == still, "after the next window the sink must equal Workfront"
    assert set(ids) >= still


def test_rerun_changes_nothing_and_a_killed_run_converges(ctl, client_for, warehouse):
    make_tasks(ctl, 23, T0, timedelta(seconds=90))
    ctl.clock(W2.end)
    client = client_for(page_size=5, max_concurrency=2)

    class Failing(SqlSink):
        pages = 0

        def write_page(self, records, **kw):
            Failing.pages += 1
            if Failing.pages == 3:
                raise RuntimeError("killed mid-run by the test")
            return super().write_page(records, **kw)

    with pytest.raises(RuntimeError, match="killed"):
        SyncEngine(client, "TASK", fields=["name"]).run(W1, Failing("wf_task", hook=warehouse().hook, column_names="workfront"))
    sink = warehouse()
    first = SyncEngine(client, "TASK", fields=["name"]).run(W1, sink)
    again = SyncEngine(client, "TASK", fields=["name"]).run(W1, warehouse())
    assert first.fetched == 23 and again.upserted == 0
    assert {r[0] for r in sink.hook.get_records('SELECT "ID" FROM wf_task')} == ctl.ids("TASK")


def test_journal_driven_deletes(ctl, client_for, warehouse):
    ids = make_tasks(ctl, 6, T0, timedelta(minutes=5))
    ctl.clock(W2.start + timedelta(seconds=10))  # W1 has closed (by more than the sync's margin)
    client = client_for()
    sink = warehouse()
    assert SyncEngine(client, "TASK", fields=["name"]).run(W1, sink).upserted == 6
    ctl.clock(W2.start + timedelta(minutes=3))
    ctl.delete("TASK", ids[1])
    ctl.delete("TASK", ids[4])
    ctl.clock(W2.end + timedelta(seconds=10))
    s = SyncEngine(client, "TASK", fields=["name"]).run(W2, warehouse())
    assert (s.deleted, s.fetched) == (2, 0)
    assert {r[0] for r in sink.hook.get_records('SELECT "ID" FROM wf_task')} == ctl.ids("TASK") == set(ids) - {ids[1], ids[4]}


def test_object_storage_rerun_is_idempotent(ctl, client_for, tmp_path):
    make_tasks(ctl, 9, T0, timedelta(minutes=3))
    ctl.clock(W2.end)
    client = client_for(page_size=4)
    SyncEngine(client, "TASK", fields=["name"]).run(W1, ObjectStorageSink(f"file://{tmp_path}"))
    d = tmp_path / "TASK" / "20260302T085500.000Z_20260302T100000.000Z"  # W1 and its 5-minute lookback

    def rows_by_file():  # every row but the time it was written
        return {p.name: [{k: v for k, v in json.loads(line).items() if k != "_wf_synced_at"}
                         for line in gzip.decompress(p.read_bytes()).splitlines()]
                for p in d.iterdir() if p.name.endswith(".gz")}

    first = rows_by_file()
    SyncEngine(client, "TASK", fields=["name"]).run(W1, ObjectStorageSink(f"file://{tmp_path}"))
    second = rows_by_file()
    assert first == second and len(first) == math.ceil(9 / 4)


def test_partitions_read_in_parallel_with_exact_requests_and_the_concurrency_cap(ctl, client_for):
    make_tasks(ctl, 45, T0, timedelta(seconds=60))
    ctl.clock(W2.end)
    ctl.call("POST", "stats/reset")
    client = client_for(page_size=5, max_concurrency=3)
    sink = RecordingSink()
    s = SyncEngine(client, "TASK", fields=["name"]).run(W1, sink)
    assert len(sink.rows) == 45 and set(sink.writes.values()) == {1}
    assert s.partitions == 3 and s.planning_requests == 1  # one count; offset pages find the cuts
    # 45 = 5 (first page) + 15 + 14 + 11 in pages of 5: 1 + 3 + 3 + 3 searches, one more than
    # ceil(45/5) because the last two partitions' objects do not fill whole pages; count: 1;
    # journal: 1; Workfront's clock: 0 (the first page's answer shows it)
    assert s.requests == math.ceil(45 / 5) + 1 + 1 + 1
    stats = ctl.call("GET", "stats")
    assert stats["total"] == s.requests and stats["max_in_flight"] <= 3


@pytest.mark.parametrize("mode", ["upsert", "soft_delete", "history"])
def test_three_windows_of_edits_and_deletes_in_every_mode(ctl, client_for, warehouse, mode):
    w3 = SyncWindow(W2.end, W2.end + timedelta(hours=1))
    client = client_for(page_size=2)
    a, b, c, d = make_tasks(ctl, 4, T0, timedelta(minutes=10))

    def sync(window):
        ctl.clock(window.end + timedelta(minutes=10))
        return SyncEngine(client, "TASK", fields=["name"]).run(window, warehouse(mode=mode))

    assert sync(W1).upserted == 4
    ctl.clock(W2.start + timedelta(minutes=15))
    ctl.edit("TASK", a, name="a v2")
    ctl.delete("TASK", b)
    first, again = sync(W2), sync(W2)
    assert (first.upserted, first.deleted, again.upserted, again.deleted) == (1, 1, 0, 0)
    ctl.clock(w3.start + timedelta(minutes=15))
    ctl.edit("TASK", a, name="a v3")
    ctl.delete("TASK", c)
    sync(w3)
    for window in (W1, W2, w3):  # re-running any window changes nothing, in every mode
        again = sync(window)
        assert (again.upserted, again.deleted) == (0, 0), window
    sink = warehouse(mode=mode)
    sink.open(SyncTarget("TASK", ("ID",), "lastUpdateDate", W1))
    rows = sink.hook.get_records('SELECT "ID", name, "_wf_synced_at" FROM wf_task ORDER BY "ID"')
    assert all(r[2] is not None for r in rows)
    if mode == "upsert":
        assert {(r[0], r[1]) for r in rows} == {(a, "a v3"), (d, "task 3")}
    elif mode == "soft_delete":
        flags = dict(sink.hook.get_records('SELECT "ID", "_wf_deleted" FROM wf_task'))
        assert {k: bool(v) for k, v in flags.items()} == {a: False, b: True, c: True, d: False}
        assert sink.hook.get_records('SELECT COUNT(*) FROM wf_task WHERE "_wf_deleted_at" IS NOT NULL') == [(2,)]
        assert set(sink.iter_ids()) == {a, d}
    else:
        versions = sink.hook.get_records(
            'SELECT "ID", name, "_wf_valid_from", "_wf_valid_to", "_wf_current", "_wf_deleted", "lastUpdateDate" '
            'FROM wf_task ORDER BY "ID", "_wf_valid_from"')
        by_id: dict[str, list] = {}
        for v in versions:
            by_id.setdefault(v[0], []).append(v)
        assert [v[1] for v in by_id[a]] == ["task 0", "a v2", "a v3"]
        assert all(v[2] == v[6] for v in versions)  # a version starts at its lastUpdateDate
        assert [v[3] for v in by_id[a]] == [by_id[a][1][2], by_id[a][2][2], None]  # each closed by the next
        assert [bool(v[4]) for v in by_id[a]] == [False, False, True]
        for gone in (b, c):  # a delete closes the current version
            ((_, _, _, valid_to, current, deleted, _),) = by_id[gone]
            assert valid_to is not None and not current and deleted
        assert [bool(v[4]) for v in by_id[d]] == [True] and set(sink.iter_ids()) == {a, d}


def test_a_name_that_looks_like_a_timestamp_arrives_unchanged_in_both_sinks(ctl, client_for, warehouse, tmp_path):
    looks = "2020-05-18T17:00:00:000-0600"
    ctl.clock(T0 + timedelta(minutes=5))
    ctl.create("TASK", name=looks)
    ctl.clock(W1.end + timedelta(minutes=10))
    sink = warehouse()
    SyncEngine(client_for(), "TASK", fields=["name"]).run(W1, sink)
    ((name, stamp),) = sink.hook.get_records('SELECT name, "lastUpdateDate" FROM wf_task')
    stamp = stamp if isinstance(stamp, str) else stamp.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    assert name == looks and stamp.startswith("2026-03-02T09:05:00.")  # the date field alone is converted
    SyncEngine(client_for(), "TASK", fields=["name"]).run(W1, ObjectStorageSink(f"file://{tmp_path}"))
    (page,) = (tmp_path / "TASK").glob("*/part-*.jsonl.gz")
    (row,) = [json.loads(line) for line in gzip.decompress(page.read_bytes()).splitlines()]
    assert row["name"] == looks and row["lastUpdateDate"] == stamp
