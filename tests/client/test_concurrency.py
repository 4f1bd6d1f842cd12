"""The per-process in-flight cap: never more than max_concurrency requests at once, shared by
every client of the same base URL, under the strictest limit among them."""

from __future__ import annotations

import asyncio
import gc
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import requests
from requests.adapters import BaseAdapter

from airflow_workfront.client import ApiKeyAuth, ClientConfig, WorkfrontClient, concurrency

from .conftest import PeakTracker, make_config


class SlowTransport(BaseAdapter):
    """A requests adapter that answers every call after a pause and counts calls in flight."""

    def __init__(self, delay: float = 0.03) -> None:
        super().__init__()
        self.delay = delay
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.calls = 0

    def send(self, request, **kwargs):
        with self.lock:
            self.calls += 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            time.sleep(self.delay)
        finally:
            with self.lock:
                self.in_flight -= 1
        response = requests.Response()
        response.status_code = 200
        response._content = json.dumps({"data": {"count": 1}}).encode()
        response.request = request
        response.url = request.url
        return response

    def close(self) -> None:
        pass


def session_with(transport: SlowTransport) -> requests.Session:
    session = requests.Session()
    session.mount("https://", transport)
    session.mount("http://", transport)
    return session


def hammer(clients: list[WorkfrontClient], calls: int) -> None:
    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(lambda n: clients[n % len(clients)].count("TASK"), range(calls)))


def test_never_more_than_max_concurrency_in_flight(sleep):
    transport = SlowTransport()
    with WorkfrontClient(make_config(max_concurrency=3), session=session_with(transport), sleep=sleep) as wf:
        hammer([wf], 24)
        assert wf.stats.total == 24
    assert transport.calls == 24
    assert transport.max_in_flight == 3  # the cap is reached, and never passed


def test_cap_shared_by_clients_of_the_same_base_url(sleep):
    transport = SlowTransport()
    clients = [WorkfrontClient(make_config(max_concurrency=3), session=session_with(transport), sleep=sleep)
               for _ in range(3)]
    hammer(clients, 24)
    assert transport.max_in_flight == 3
    assert clients[0]._host is clients[2]._host


def test_a_stricter_client_made_later_holds_the_whole_host_to_its_limit(sleep):
    # Issue 12.6: a default client first, then a max_concurrency=3 one, both busy at once.
    transport = SlowTransport()
    loose = WorkfrontClient(make_config(), session=session_with(transport), sleep=sleep)
    strict = WorkfrontClient(make_config(max_concurrency=3), session=session_with(transport), sleep=sleep)
    hammer([loose, strict], 36)
    assert transport.max_in_flight == 3
    strict.close()  # gone: the host goes back to the default client's own limit
    transport.max_in_flight = 0
    hammer([loose], 36)
    assert transport.max_in_flight == 10
    loose.close()


def test_different_base_urls_have_their_own_cap(sleep):
    transport = SlowTransport()
    one = WorkfrontClient(make_config(max_concurrency=2), session=session_with(transport), sleep=sleep)
    other = WorkfrontClient(ClientConfig(host="https://other.my.workfront.com", auth=ApiKeyAuth("k"), max_concurrency=2),
                            session=session_with(transport), sleep=sleep)
    hammer([one, other], 24)
    assert transport.max_in_flight == 4


def test_async_clients_keep_the_strictest_limit_of_the_host():
    from airflow_workfront.client import AsyncWorkfrontClient

    peak = PeakTracker()

    async def slow(request):
        await peak.ahold(0.02)
        return httpx.Response(200, json={"data": {"count": 1}})

    async def main() -> None:
        transport = httpx.MockTransport(slow)
        async with AsyncWorkfrontClient(make_config(), transport=transport) as loose, \
                AsyncWorkfrontClient(make_config(max_concurrency=3), transport=transport) as strict:
            await asyncio.gather(*(client.count("TASK") for _ in range(12) for client in (loose, strict)))

    asyncio.run(main())
    asyncio.run(main())  # a second event loop gets its own count, under the same rule
    assert peak.max == 3


def test_limit_is_forgotten_when_a_client_is_garbage_collected():
    host = concurrency.host_limit("https://gc.example")
    assert host.limit == 1  # nobody registered
    client = WorkfrontClient(ClientConfig(host="https://gc.example", auth=ApiKeyAuth("k"), max_concurrency=4))
    other = WorkfrontClient(ClientConfig(host="https://gc.example", auth=ApiKeyAuth("k"), max_concurrency=2))
    assert host.limit == 2
    del other
    gc.collect()
    assert host.limit == 4
    client.close()


def test_reset_forgets_hosts():
    host = concurrency.host_limit("https://a")
    concurrency.reset()
    assert concurrency.host_limit("https://a") is not host


def test_answers_are_parsed_at_most_max_parsing_at_once(sleep, monkeypatch):
    """Requests stay in flight up to max_concurrency; reading and parsing bodies is capped lower."""
    from airflow_workfront.client import client as client_module

    parsing = PeakTracker()
    real = client_module.read_response

    def slow_read_response(*args, **kwargs):
        parsing.hold(0.01)
        return real(*args, **kwargs)

    monkeypatch.setattr(client_module, "read_response", slow_read_response)
    transport = SlowTransport()
    with WorkfrontClient(make_config(max_concurrency=6, max_parsing=2), session=session_with(transport),
                         sleep=sleep) as wf:
        hammer([wf], 24)
    assert transport.max_in_flight == 6
    assert parsing.max == 2
