"""The per-process in-flight cap: never more than max_concurrency requests at once, shared by
every client of the same base URL."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

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
    assert concurrency.sync_slots(clients[0].config.base_url, 99) is clients[1]._slots  # first client set the size


def test_different_base_urls_have_their_own_cap(sleep):
    transport = SlowTransport()
    one = WorkfrontClient(make_config(max_concurrency=2), session=session_with(transport), sleep=sleep)
    other = WorkfrontClient(ClientConfig(host="https://other.my.workfront.com", auth=ApiKeyAuth("k"), max_concurrency=2),
                            session=session_with(transport), sleep=sleep)
    hammer([one, other], 24)
    assert transport.max_in_flight == 4


def test_async_slots_per_loop_and_base_url():
    async def grab():
        first = concurrency.async_slots("https://a", 3)
        assert concurrency.async_slots("https://a", 5) is first
        assert concurrency.async_slots("https://b", 3) is not first
        return first

    assert asyncio.run(grab()) is not asyncio.run(grab())  # a semaphore belongs to one event loop


def test_reset_forgets_semaphores():
    slot = concurrency.sync_slots("https://a", 3)
    concurrency.reset()
    assert concurrency.sync_slots("https://a", 3) is not slot


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
