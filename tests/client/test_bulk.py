"""Bulk create, update and delete: chunks of 100, atomic, input order, per-record failures,
and chunks sent concurrently under the in-flight cap."""

from __future__ import annotations

import json
import threading
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
import requests
import requests_mock

from airflow_workfront.client import BulkFailure, BulkResult, WorkfrontClient
from airflow_workfront.client.bulk import match_created
from airflow_workfront.client.errors import WorkfrontBulkError

from .conftest import API, PeakTracker, make_config


def params(request) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(request.url).query))


class FakeTasks:
    """Bulk create and search like Workfront: an atomic chunk answers only success, a plain one
    the created objects; a record with ``bad`` refuses its whole chunk (nothing written)."""

    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.lock = threading.Lock()

    def create(self, request, context):
        records = json.loads(params(request)["updates"])
        if any(r.get("bad") for r in records):
            return {"error": {"class": "java.lang.IllegalArgumentException", "message": "name is required"}}
        with self.lock:
            made = [{"ID": f"id-{r['n']}", "entryDate": len(self.rows) + k, **r} for k, r in enumerate(records)]
            self.rows.extend(made)
        if params(request).get("atomic") == "true":
            return {"data": {"success": True}}
        return {"data": made}

    def search(self, request, context):
        names = set(parse_qs(urlsplit(request.url).query).get("name", []))
        with self.lock:
            rows = [r for r in self.rows if not names or r["name"] in names]
        return {"data": sorted(rows, key=lambda r: r["entryDate"], reverse=True)}

    def mount(self, mocker) -> tuple:
        return mocker.post(f"{API}/TASK", json=self.create), mocker.get(f"{API}/TASK/search", json=self.search)


def sent_sizes(route) -> list[int]:
    return sorted(len(json.loads(params(r)["updates"])) for r in route.request_history)


def test_250_records_three_atomic_chunks_ids_read_back_in_input_order(requests_mock, sleep):
    create, search = FakeTasks().mount(requests_mock)
    records = [{"name": f"t{n}", "n": n} for n in range(250)]
    with WorkfrontClient(make_config(page_size=50), sleep=sleep) as client:
        result = client.bulk_create("task", records, fields=["ID", "name"])
    assert create.call_count == 3 and search.call_count == 3 and result.requests == 6
    assert sent_sizes(create) == [50, 100, 100]
    # Every chunk is atomic on the wire: a refused one has written nothing.
    assert all(params(r)["fields"] == "ID,name" and params(r)["atomic"] == "true" for r in create.request_history)
    looked_up = parse_qs(urlsplit(search.request_history[0].url).query)
    assert looked_up["name_Mod"] == ["in"] and looked_up["entryDate"] == ["$$NOW-1h"]
    assert looked_up["$$LIMIT"] == ["2000"]  # whatever the connection's page size
    assert result.ok and result.total == 250
    assert [item["n"] for item in result.succeeded] == list(range(250))
    assert result.ids == [f"id-{n}" for n in range(250)]
    assert client.stats.by_operation["bulk_create"] == 3 and client.stats.by_operation["search"] == 3


def test_refused_non_atomic_chunk_is_halved_down_to_the_bad_record(client, requests_mock):
    fake = FakeTasks()
    create, _ = fake.mount(requests_mock)
    records = [{"name": f"t{n}", "n": n, "bad": n == 150} for n in range(250)]
    result = client.bulk_create("TASK", records)
    assert [f.index for f in result.failures] == [150] and result.failures[0].chunk == 1
    assert "name is required" in result.failures[0].error and result.failures[0].record["n"] == 150
    assert result.ids == [f"id-{n}" for n in range(250) if n != 150]
    assert sorted(r["n"] for r in fake.rows) == [n for n in range(250) if n != 150]  # each written once
    summary = result.summary()
    assert (summary["succeeded"], summary["failed"], summary["unidentified"]) == (249, 1, 0)
    # 3 chunks, then two sends per halving of the refused one: 50, 25, 12, 6, 3, 1.
    assert create.call_count == 3 + 12
    json.dumps(summary)


def test_refused_atomic_chunk_reported_whole(client, requests_mock):
    create, _ = FakeTasks().mount(requests_mock)
    result = client.bulk_create("TASK", [{"n": n, "bad": n == 150} for n in range(250)], atomic=True)
    assert [f.index for f in result.failures] == list(range(100, 200))
    assert {f.chunk for f in result.failures} == {1}
    assert all("name is required" in f.error and "bulk_create TASK" in f.error for f in result.failures)
    assert result.succeeded[99]["ID"] == "id-99" and result.succeeded[100] is None and result.succeeded[200]["ID"] == "id-200"
    assert create.call_count == 3


def test_written_records_whose_ids_cannot_be_read_back_count_as_succeeded(client, requests_mock):
    requests_mock.post(f"{API}/TASK", json={"data": {"success": True}})
    requests_mock.get(f"{API}/TASK/search", json={"data": []})
    result = client.bulk_create("TASK", [{"name": "a"}, {"name": "b"}])
    assert result.ok and result.ids == [] and result.unidentified == 2


def test_raise_on_failure(client, requests_mock):
    def answer(request, context):
        # Chunks go out concurrently, so the answer depends on the chunk, not on arrival order.
        updates = json.loads(params(request)["updates"])
        if len(updates) == 50:
            context.status_code = 422
            return {"error": {"message": "bad status"}}
        return {"data": {"success": True}}

    requests_mock.put(f"{API}/TASK", json=answer)
    records = [{"ID": f"x{n}", "status": "CPL"} for n in range(150)]
    with pytest.raises(WorkfrontBulkError) as caught:
        client.bulk_update("TASK", records, raise_on_failure=True, atomic=True)
    err = caught.value
    assert "50 of 150 records" in str(err) and "bad status" in str(err)
    assert len(err.result.failures) == 50 and err.result.requests == 2
    assert requests_mock.call_count == 2
    assert err.result.ids == [f"x{n}" for n in range(100)]


def test_bulk_update_requires_ids(client, requests_mock):
    with pytest.raises(ValueError, match=r"missing in records \[1, 3\]"):
        client.bulk_update("TASK", [{"ID": "a"}, {"name": "x"}, {"ID": "b"}, {"ID": ""}])
    assert requests_mock.call_count == 0


def test_bulk_update_sends_put_with_ids(client, requests_mock):
    route = requests_mock.put(f"{API}/PROJ", json=lambda req, ctx: {"data": json.loads(params(req)["updates"])})
    result = client.bulk_update("PROJ", [{"ID": "p1", "name": "a"}, {"ID": "p2", "name": "b"}], atomic=True)
    assert route.call_count == 1 and params(route.last_request)["atomic"] == "true"
    assert result.ids == ["p1", "p2"]


def test_bulk_delete(client, requests_mock):
    route = requests_mock.delete(f"{API}/TASK", json={"data": {"success": True}})
    ids = [f"{n:032x}" for n in range(230)]
    result = client.bulk_delete("TASK", ids, force=True)
    assert route.call_count == 3
    sent = sorted((params(r)["ID"].split(",") for r in route.request_history), key=len, reverse=True)
    assert [len(chunk) for chunk in sent] == [100, 100, 30]
    assert sorted(i for chunk in sent for i in chunk) == ids
    assert all(params(r)["force"] == "true" for r in route.request_history)
    assert result.ok and result.ids == ids


def test_empty_input_sends_nothing(client, requests_mock):
    assert client.bulk_create("TASK", []).ok
    assert requests_mock.call_count == 0


def test_transport_failure_of_a_chunk_stops_the_rest(requests_mock, sleep):
    # A create is not repeated after a dropped connection (it may have been written), and the
    # chunks after it are not sent: every record is reported, none is silently lost.
    requests_mock.post(f"{API}/TASK", exc=requests.ConnectionError("down"))
    with WorkfrontClient(make_config(max_retries=1, max_concurrency=1), sleep=sleep) as wf:
        result = wf.bulk_create("TASK", [{"n": n} for n in range(150)])
    assert requests_mock.call_count == 1 and result.requests == 1
    assert [f.index for f in result.failures] == list(range(150))
    assert "could not get an answer" in result.failures[0].error
    assert result.failures[100].error == "not sent: chunk 0 failed with WorkfrontTransportError"


@pytest.mark.parametrize("limit, chunks", [(3, 8), (1, 3)])
def test_chunks_sent_concurrently_under_the_cap(sleep, limit, chunks):
    peak = PeakTracker()

    fake = FakeTasks()

    def slow(request, context):
        peak.hold(0.05)
        return fake.create(request, context)

    # The Mocker serialises requests behind a global lock; an Adapter mounted on the session does not.
    adapter = requests_mock.Adapter()
    route = adapter.register_uri("POST", f"{API}/TASK", json=slow)
    adapter.register_uri("GET", f"{API}/TASK/search", json=fake.search)
    session = requests.Session()
    session.mount("https://", adapter)
    with WorkfrontClient(make_config(max_concurrency=limit), session=session, sleep=sleep) as wf:
        result = wf.bulk_create("TASK", [{"name": f"t{n}", "n": n} for n in range(chunks * 100)])
    assert route.call_count == chunks
    assert peak.max == limit  # concurrent, and never more than max_concurrency in flight
    assert [item["n"] for item in result.succeeded] == list(range(chunks * 100))


def test_bulk_result_helpers():
    result = BulkResult(total=2)
    result.record_chunk(0, 0, ["a", {"ID": "b"}], {"success": True})
    assert result.succeeded == [{"ID": "a"}, {"ID": "b"}] and result.ok
    result.record_failure(0, 0, ["a"], ValueError("no"))
    assert result.failures == [BulkFailure(0, 0, "a", "no")] and not result.ok


def test_match_created_pairs_newest_objects_and_ignores_dates():
    records = [{"name": "x", "n": 1, "plannedStartDate": "2024-01-01"}, {"name": "x", "n": 1}, {"name": "y", "done": True}]
    candidates = [  # newest first; the oldest "x" existed before the call
        {"ID": "c", "name": "y", "done": "true"},
        {"ID": "b", "name": "x", "n": 1.0},
        {"ID": "a", "name": "x", "n": 1, "plannedStartDate": "2024-01-01T09:00:00:000-0600"},
        {"ID": "old", "name": "x", "n": 1},
    ]
    assert [m["ID"] if m else None for m in match_created(records, candidates)] == ["a", "b", "c"]
    assert match_created([{"name": "z"}], candidates) == [None]
