"""The client's main operations against the local Workfront emulator (real HTTP on loopback).

The emulator is only imported by tests (through the ``emulator`` fixture), never by client code.
"""

from __future__ import annotations

import pytest

from airflow_workfront.client import (
    ApiKeyAuth,
    AsyncWorkfrontClient,
    ClientConfig,
    SessionAuth,
    WorkfrontClient,
)
from airflow_workfront.client.errors import WorkfrontBadRequestError, WorkfrontNotFoundError


def test_search_pages_and_count_agree(wf, emulator):
    total = wf.count("TASK")
    assert total > 3
    emulator.control.reset_stats()
    rows = list(wf.search("TASK", fields=["name", "status"], page_size=3))
    assert len(rows) == total
    assert len({r["ID"] for r in rows}) == total
    assert [r["ID"] for r in rows] == sorted(r["ID"] for r in rows)  # default sort ends on ID asc
    expected = total // 3 + 1 if total % 3 == 0 else -(-total // 3)
    assert wf.stats.by_operation["search"] == expected
    assert emulator.control.stats()["total"] == expected


def test_filters_get_and_get_many(wf):
    rows = list(wf.search("TASK", {"name": "a", "name_Mod": "cicontains"}, fields=["name"]))
    assert rows and all("a" in r["name"].lower() for r in rows)
    first = wf.get("TASK", rows[0]["ID"], fields=["name"])
    assert first["name"] == rows[0]["name"]
    ids = [r["ID"] for r in rows][::-1]
    assert [r["ID"] for r in wf.get_many("TASK", ids)] == ids


def test_get_many_with_an_id_that_does_not_exist_names_the_request(wf):
    from airflow_workfront.client.errors import WorkfrontNotFoundError

    known = next(iter(wf.search("TASK", max_results=1)))["ID"]
    with pytest.raises(WorkfrontNotFoundError, match="TASK"):
        wf.get_many("TASK", [known, "f" * 32])


def test_create_update_delete_round_trip(wf):
    project = next(iter(wf.search("PROJ", max_results=1)))
    task = wf.create("TASK", {"name": "client round trip", "projectID": project["ID"]}, fields=["projectID"])
    assert task["projectID"] == project["ID"]
    updated = wf.update("TASK", task["ID"], {"name": "renamed by client"})
    assert updated["name"] == "renamed by client"
    wf.delete("TASK", task["ID"])
    with pytest.raises(WorkfrontNotFoundError):
        wf.get("TASK", task["ID"])


def test_bulk_create_and_delete_in_chunks(wf):
    project = next(iter(wf.search("PROJ", max_results=1)))
    records = [{"name": f"bulk {n}", "projectID": project["ID"]} for n in range(130)]
    before = wf.stats.by_operation["bulk_create"]
    result = wf.bulk_create("TASK", records)
    assert result.ok and result.requests == 4  # two atomic chunks, each with one search for its IDs
    assert wf.stats.by_operation["bulk_create"] - before == 2
    assert [r["name"] for r in result.succeeded] == [f"bulk {n}" for n in range(130)]
    deleted = wf.bulk_delete("TASK", result.ids)
    assert deleted.ok and deleted.requests == 2
    assert wf.count("TASK", {"name": "bulk", "name_Mod": "contains"}) == 0


def test_unknown_field_is_a_bad_request(wf):
    with pytest.raises(WorkfrontBadRequestError):
        wf.search_page("TASK", fields=["noSuchField"])


def test_session_login_renewal_after_expiry(emulator):
    config = ClientConfig(host=emulator.base_url, auth=SessionAuth("admin@example.com", "password"))
    with WorkfrontClient(config) as wf:
        assert wf.count("PROJ") >= 1
        emulator.control.expire_sessions()
        assert wf.count("PROJ") >= 1  # renewed once, then repeated
        assert wf.stats.by_operation["login"] == 2


def test_event_subscription_lifecycle(wf):
    sub_id = wf.create_event_subscription("TASK", "UPDATE", "http://127.0.0.1:9/hook", "hook-token")
    assert any(s.get("id") == sub_id for s in wf.list_event_subscriptions())
    assert wf.get_event_subscription(sub_id)["id"] == sub_id
    wf.delete_event_subscription(sub_id)
    assert all(s.get("id") != sub_id for s in wf.list_event_subscriptions())


async def test_async_client_against_emulator(emulator):
    config = ClientConfig(host=emulator.base_url, auth=ApiKeyAuth(emulator.api_key))
    async with AsyncWorkfrontClient(config) as wf:
        total = await wf.count("TASK")
        rows = [row async for row in wf.search("TASK", page_size=5)]
    assert len(rows) == total


def test_sequential_calls_reuse_one_connection(wf):
    """Bodies are read outside requests' own reader; the connection must still go back to the pool."""
    for _ in range(5):
        wf.search_page("TASK", fields=["name"], limit=50)
    manager = wf._session.get_adapter(wf.config.api_url).poolmanager
    pools = [manager.pools[key] for key in manager.pools.keys()]
    assert [(p.num_connections, p.num_requests) for p in pools] == [(1, 5)]


@pytest.mark.parametrize("call", ["count", "search", "get"])
def test_an_error_answered_with_http_200_raises_instead_of_returning_data(wf, emulator, call):
    task_id = next(iter(wf.search("TASK", max_results=1)))["ID"]
    emulator.control.set_faults(rate=1.0, kinds=("error200",))
    emulator.control.reset_stats()
    with pytest.raises(WorkfrontBadRequestError) as caught:
        {"count": lambda: wf.count("TASK"), "search": lambda: list(wf.search("TASK")),
         "get": lambda: wf.get("TASK", task_id)}[call]()
    assert caught.value.status_code == 200
    assert caught.value.error_class == "java.lang.UnsupportedOperationException"
    assert "emulator fault" in (caught.value.wf_message or "")
    assert emulator.control.stats()["faults"] == {"error200": 1}  # answered once, not retried as success
    emulator.control.set_faults()
    assert wf.count("TASK") == 60


async def test_the_async_client_raises_on_an_error_answered_with_http_200(emulator):
    emulator.control.set_faults(rate=1.0, kinds=("error200",))
    async with AsyncWorkfrontClient(ClientConfig(host=emulator.base_url, auth=ApiKeyAuth(emulator.api_key))) as client:
        with pytest.raises(WorkfrontBadRequestError) as caught:
            await client.count("TASK")
    assert caught.value.status_code == 200


def test_a_later_stricter_connection_keeps_the_process_under_its_limit(emulator):
    """Issue 12.6: a default client, then a max_concurrency=3 one, to an emulator limited to 3."""
    from concurrent.futures import ThreadPoolExecutor

    emulator.control.set_faults(latency_ms=20, concurrency_limit=3)
    emulator.control.reset_stats()
    loose = WorkfrontClient(ClientConfig(host=emulator.base_url, auth=ApiKeyAuth(emulator.api_key), max_retries=0))
    strict = WorkfrontClient(ClientConfig(host=emulator.base_url, auth=ApiKeyAuth(emulator.api_key), max_retries=0,
                                          max_concurrency=3))
    with loose, strict, ThreadPoolExecutor(max_workers=16) as pool:
        counts = list(pool.map(lambda n: (loose, strict)[n % 2].count("TASK"), range(48)))
    stats = emulator.control.stats()
    assert len(counts) == 48 and stats["rejected_429"] == 0
    assert stats["max_in_flight"] == 3
