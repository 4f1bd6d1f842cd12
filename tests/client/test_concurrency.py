"""The per-process, per-base-URL cap on requests in flight."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import requests
from requests.adapters import BaseAdapter

from airflow_workfront.client import AsyncWorkfrontClient, WorkfrontClient, concurrency
from client.conftest import make_config


class SlowAdapter(BaseAdapter):
    """A transport that holds each request a while and records the most seen at once."""

    def __init__(self, hold: float = 0.1) -> None:
        super().__init__()
        self.hold = hold
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.count = 0

    def send(self, request, **kwargs):
        with self.lock:
            self.in_flight += 1
            self.count += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        time.sleep(self.hold)
        with self.lock:
            self.in_flight -= 1
        response = requests.Response()
        response.status_code = 200
        response._content = json.dumps({"data": {"ID": "t1"}}).encode()
        response.request = request
        return response

    def close(self) -> None:
        """Nothing to release."""


def _session(adapter: SlowAdapter) -> requests.Session:
    session = requests.Session()
    session.mount("https://", adapter)
    return session


def test_at_most_n_requests_in_flight_across_clients_of_one_host(sleep):
    adapter = SlowAdapter()
    clients = [WorkfrontClient(make_config(max_concurrency=3), session=_session(adapter), sleep=sleep)
               for _ in range(2)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        list(pool.map(lambda n: clients[n % 2].get("TASK", "t1"), range(24)))
    assert adapter.count == 24
    assert adapter.max_in_flight == 3  # 12 threads wanted to go at once
    assert clients[0].stats.total + clients[1].stats.total == 24


def test_other_hosts_have_their_own_cap(sleep):
    adapter = SlowAdapter()
    a = WorkfrontClient(make_config(max_concurrency=2), session=_session(adapter), sleep=sleep)
    b = WorkfrontClient(make_config(max_concurrency=2, host="https://other.my.workfront.com"),
                        session=_session(adapter), sleep=sleep)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda n: (a if n % 2 else b).get("TASK", "t1"), range(16)))
    assert adapter.max_in_flight == 4


def test_registry_shares_one_semaphore_per_base_url():
    assert concurrency.sync_slots("https://a", 3) is concurrency.sync_slots("https://a", 5)
    assert concurrency.sync_slots("https://a", 3) is not concurrency.sync_slots("https://b", 3)


async def test_async_cap_per_loop_and_host():
    state = {"now": 0, "max": 0, "count": 0}

    async def handler(request: httpx.Request) -> httpx.Response:
        state["now"] += 1
        state["count"] += 1
        state["max"] = max(state["max"], state["now"])
        await asyncio.sleep(0.02)
        state["now"] -= 1
        return httpx.Response(200, json={"data": {"ID": "t1"}})

    async with AsyncWorkfrontClient(make_config(max_concurrency=4), transport=httpx.MockTransport(handler)) as wf:
        await asyncio.gather(*(wf.get("TASK", "t1") for _ in range(20)))
    assert state["count"] == 20
    assert state["max"] == 4
