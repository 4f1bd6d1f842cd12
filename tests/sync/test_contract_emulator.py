"""The sync contract end to end: the real client against the real emulator.

The emulator and the client are independent readings of the Workfront docs, so these tests check
the keyset filters (inclusive ``between``, ``ID gt`` on strings, OR alternatives, numbered sorts)
as the emulator understands them, not as the engine's authors assumed.
"""

from __future__ import annotations

import math
import os
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from fake_workfront import RecordingSink

from airflow_workfront.sync import SqlSink, SyncEngine, SyncWindow
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


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def warehouse(request, tmp_path, create_connection_without_db, monkeypatch):
    """The warehouse the contract tests sync into: SQLite always, and a real PostgreSQL when
    WF_TEST_POSTGRES_URI names one (tests/conftest.py sets it to the machine's server on 127.0.0.1:5432)."""
    if request.param == "postgres":
        uri = os.environ.get("WF_TEST_POSTGRES_URI")
        if not uri:
            pytest.skip("no PostgreSQL server: none answers on 127.0.0.1:5432 and WF_TEST_POSTGRES_URI is unset")
        pytest.importorskip("airflow.providers.postgres", reason="apache-airflow-providers-postgres is not installed")
        monkeypatch.setenv("AIRFLOW_CONN_WF_CONTRACT_WH", uri)
        SqlSink("wf_task", conn_id="wf_contract_wh").hook.run("DROP TABLE IF EXISTS wf_task")
    else:
        create_connection_without_db("wf_contract_wh", conn_type="sqlite", host=str(tmp_path / "wh.db"))
    return lambda: SqlSink("wf_task", conn_id="wf_contract_wh")


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
    s = SyncEngine(client, "TASK", fields=["name"]).run(W1, sink)
    assert len(sink.rows) == 11 and set(sink.writes.values()) == {1}
    # 11 objects in pages of 5: page 1, count(6), pages of 5 and 2 (asks 6+1 -> 5, then 1+1 -> 1); journal: 1
    assert s.requests == math.ceil(11 / 5) + 1 + 1
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
    assert (s.fetched, s.requests) == (0, 2)  # one search, one journal search


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
        SyncEngine(client, "TASK", fields=["name"]).run(W1, Failing("wf_task", conn_id="wf_contract_wh"))
    sink = warehouse()
    first = SyncEngine(client, "TASK", fields=["name"]).run(W1, sink)
    again = SyncEngine(client, "TASK", fields=["name"]).run(W1, warehouse())
    assert first.fetched == 23 and again.upserted == 0
    assert {r[0] for r in sink.hook.get_records('SELECT "ID" FROM wf_task')} == ctl.ids("TASK")


def test_journal_driven_deletes(ctl, client_for, warehouse):
    ids = make_tasks(ctl, 6, T0, timedelta(minutes=5))
    ctl.clock(W2.start)
    client = client_for()
    sink = warehouse()
    assert SyncEngine(client, "TASK", fields=["name"]).run(W1, sink).upserted == 6
    ctl.clock(W2.start + timedelta(minutes=3))
    ctl.delete("TASK", ids[1])
    ctl.delete("TASK", ids[4])
    ctl.clock(W2.end)
    s = SyncEngine(client, "TASK", fields=["name"]).run(W2, warehouse())
    assert (s.deleted, s.fetched) == (2, 0)
    assert {r[0] for r in sink.hook.get_records('SELECT "ID" FROM wf_task')} == ctl.ids("TASK") == set(ids) - {ids[1], ids[4]}


def test_object_storage_rerun_is_idempotent(ctl, client_for, tmp_path):
    make_tasks(ctl, 9, T0, timedelta(minutes=3))
    ctl.clock(W2.end)
    client = client_for(page_size=4)
    SyncEngine(client, "TASK", fields=["name"]).run(W1, ObjectStorageSink(f"file://{tmp_path}"))
    d = tmp_path / "TASK" / "20260302T090000.000Z_20260302T100000.000Z"
    first = {p.name: p.read_bytes() for p in d.iterdir() if p.name.endswith(".gz")}
    SyncEngine(client, "TASK", fields=["name"]).run(W1, ObjectStorageSink(f"file://{tmp_path}"))
    second = {p.name: p.read_bytes() for p in d.iterdir() if p.name.endswith(".gz")}
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
    # journal: 1
    assert s.requests == math.ceil(45 / 5) + 1 + 1 + 1
    stats = ctl.call("GET", "stats")
    assert stats["total"] == s.requests and stats["max_in_flight"] <= 3
