"""Shared set-up for the client tests: configs per auth mode, recorded fixtures, a fake sleep."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from airflow_workfront.client import ApiKeyAuth, ClientConfig, WorkfrontClient, concurrency

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
HOST = "https://acme.my.workfront.com"
API = f"{HOST}/attask/api/v21.0"
API_KEY = "apikey-SECRET-0123456789abcdef"


def load_fixture(name: str) -> dict:
    """A recorded Workfront answer from ``tests/fixtures`` (Apache-2.0, see its NOTICE)."""
    return json.loads((FIXTURES / name).read_text())


class FakeSleep:
    """Records the waits the client asks for instead of waiting."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture(autouse=True)
def _fresh_concurrency_registry():
    """Each test gets its own in-flight semaphores (limits differ between tests)."""
    concurrency.reset()
    yield
    concurrency.reset()


@pytest.fixture
def sleep() -> FakeSleep:
    return FakeSleep()


def make_config(auth=None, **overrides) -> ClientConfig:
    """A config for the fake tenant, API key auth unless told otherwise."""
    overrides.setdefault("host", HOST)
    return ClientConfig(auth=auth or ApiKeyAuth(API_KEY), **overrides)


@pytest.fixture
def wf(emulator):
    """An API-key client against the session's emulator (real HTTP on loopback)."""
    with WorkfrontClient(ClientConfig(host=emulator.base_url, auth=ApiKeyAuth(emulator.api_key))) as client:
        yield client


@pytest.fixture
def client(sleep):
    """An API-key client against the fake tenant, with a recorded (not real) sleep."""
    with WorkfrontClient(make_config(), sleep=sleep) as wf:
        yield wf


class PeakTracker:
    """Counts calls that are running at once (for tests of concurrency caps)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = 0
        self.max = 0

    def hold(self, seconds: float) -> None:
        """Count this call as running for ``seconds``."""
        with self.lock:
            self.now += 1
            self.max = max(self.max, self.now)
        time.sleep(seconds)
        with self.lock:
            self.now -= 1

    async def ahold(self, seconds: float) -> None:
        """:meth:`hold` for a coroutine (waits without blocking its event loop)."""
        import asyncio

        with self.lock:
            self.now += 1
            self.max = max(self.max, self.now)
        await asyncio.sleep(seconds)
        with self.lock:
            self.now -= 1
