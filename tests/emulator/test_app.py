"""Limits and faults around the API: concurrency 429s, long URLs, seeded random faults, drops, churn."""

from __future__ import annotations

import threading

import httpx
import pytest

from airflow_workfront.emulator.testing import EmulatorServer
from emulator.conftest import API
from emulator.wfhttp import data, error


def test_concurrency_limit_answers_429_like_workfront():
    with EmulatorServer(concurrency_limit=2, latency_ms=200) as server:
        statuses: list[int] = []
        bodies: list[dict] = []
        lock = threading.Lock()
        start = threading.Barrier(5)

        def call() -> None:
            with httpx.Client(base_url=f"{server.base_url}{API}", headers={"apiKey": server.api_key}) as http:
                start.wait()
                answer = http.get("/task/count")
            with lock:
                statuses.append(answer.status_code)
                bodies.append(answer.json())

        threads = [threading.Thread(target=call) for _ in range(5)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert statuses.count(200) >= 2 and 429 in statuses, statuses
        refused = [b for s, b in zip(statuses, bodies, strict=True) if s == 429]
        assert refused[0]["error"]["class"] == "com.attask.common.TooManyRequestsException"
        assert refused[0]["error"]["message"] == "Too many concurrent API requests for the given customer."
        stats = server.control.stats()
        assert stats["max_in_flight"] == 2
        assert stats["rejected_429"] == statuses.count(429)
        assert stats["total"] == 5


def test_url_over_8892_bytes_is_414(wf, emulator):
    path = f"{API}/task/search"
    pad = 8892 - len(path) - len("?name=")
    assert wf.get("/task/search", params={"name": "x" * pad}).status_code == 200  # exactly at the limit
    answer = wf.get("/task/search", params={"name": "x" * (pad + 1)})
    assert answer.status_code == 414
    assert answer.headers["content-type"].startswith("text/html")


def _statuses(wf, n: int = 30) -> list[int]:
    return [wf.get("/task/count").status_code for _ in range(n)]


def test_faults_are_reproducible_from_the_seed(wf, emulator):
    emulator.control.set_faults(rate=0.4, kinds=("429", "500"), random_seed=7)
    first = _statuses(wf)
    emulator.control.set_faults(rate=0.4, kinds=("429", "500"), random_seed=7)
    assert _statuses(wf) == first
    assert {200, 429, 500} <= set(first)
    emulator.control.set_faults(rate=0.4, kinds=("429", "500"), random_seed=8)
    assert _statuses(wf) != first
    emulator.control.set_faults()
    assert set(_statuses(wf, 5)) == {200}
    assert emulator.control.stats()["faults"]["429"] >= 1


def test_injected_500_has_a_workfront_error_body(wf, emulator):
    emulator.control.set_faults(rate=1.0, kinds=("500",))
    err = error(wf.get("/task/count"), 500)
    assert "emulator fault" in err["message"]


def test_dropped_connection_is_a_transport_error(wf, emulator):
    emulator.control.set_faults(rate=1.0, kinds=("drop",))
    with pytest.raises(httpx.TransportError):
        wf.get("/task/count")
    emulator.control.set_faults()
    assert data(wf.get("/task/count"))["count"] == 60


def test_latency_is_injected(wf, emulator):
    emulator.control.set_faults(latency_ms=150)
    answer = wf.get("/task/count")
    assert answer.status_code == 200 and answer.elapsed.total_seconds() >= 0.15


def test_churn_edits_between_searches(wf, emulator):
    before = {t["ID"]: t["name"] for t in data(wf.get("/task/search", params={"$$LIMIT": 2000}))}
    emulator.control.set_faults(churn={"every_n_searches": 1, "edits": 3, "deletes": 1}, random_seed=3)
    after = {t["ID"]: t["name"] for t in data(wf.get("/task/search", params={"$$LIMIT": 2000}))}
    assert len(after) == 59
    assert sum(1 for i, name in after.items() if before[i] != name) == 3
    edits = data(wf.get("/journalentry/count", params={"objObjCode": "TASK", "changeType": "E"}))["count"]
    assert edits >= 3
    assert data(wf.get("/task/count"))["count"] == 59  # count is not a search: no churn


def test_churn_never_touches_journal_entries(wf, emulator):
    emulator.control.set_faults(churn={"every_n_searches": 1, "edits": 3, "deletes": 1}, random_seed=3)
    data(wf.get("/task/search"))  # one delete, journaled
    query = {"$$LIMIT": 2000, "fields": "changeType", "ID_Sort": "asc"}
    journal = data(wf.get("/journalentry/search", params=query))
    again = data(wf.get("/journalentry/search", params=query))
    assert again == journal  # searching the journal neither edits nor deletes its entries
    assert any(e["changeType"] == "D" for e in again)


def test_error200_answers_an_error_body_with_http_200(wf, emulator):
    emulator.control.set_faults(rate=1.0, kinds=("error200",))
    err = error(wf.get("/task/search"), 200)
    assert err["class"] == "java.lang.UnsupportedOperationException" and "emulator fault" in err["message"]
    assert emulator.control.stats()["faults"] == {"error200": 1}


def test_an_unknown_fault_kind_is_refused_with_the_known_ones(emulator):
    with pytest.raises(RuntimeError, match="error200"):
        emulator.control.set_faults(rate=1.0, kinds=("teapot",))
