"""What the default lookback costs: it re-reads exactly the objects dated in the last 5 minutes of
the previous window, in the same requests unless they spill onto another page (counted exactly)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from fake_workfront import RecordingSink
from test_contract_emulator import Control

from airflow_workfront.sync import SyncEngine, SyncWindow

pytestmark = pytest.mark.emulator

UTC = timezone.utc
T0 = datetime(2026, 3, 2, 8, tzinfo=UTC)
W1 = SyncWindow(T0, T0 + timedelta(hours=1))
W2 = SyncWindow(W1.end, W1.end + timedelta(hours=1))


@pytest.fixture
def ctl(emulator):
    control = Control(emulator.base_url)
    control.reset_empty()
    yield control
    control.http.close()


@pytest.fixture
def client(emulator):
    from airflow_workfront.client import ApiKeyAuth, ClientConfig, WorkfrontClient

    config = ClientConfig(host=emulator.base_url, auth=ApiKeyAuth(api_key=emulator.api_key), max_retries=0,
                          page_size=10, max_concurrency=1)
    with WorkfrontClient(config) as wf:
        yield wf


def test_a_5_minute_lookback_rereads_the_last_5_minutes_of_the_previous_window(ctl, client):
    # 120 tasks in W1, one every 30 s (10 in its last 5 minutes), and 25 in W2.
    for i in range(120):
        ctl.clock(T0 + timedelta(seconds=30 * i))
        ctl.create("TASK", name=f"w1 {i}")
    for i in range(25):
        ctl.clock(W2.start + timedelta(minutes=2 * i))
        ctl.create("TASK", name=f"w2 {i}")
    ctl.clock(W2.end + timedelta(minutes=1))
    client.server_time("TASK")  # the clock is known, so each run below makes only its own requests

    without = SyncEngine(client, "TASK", ["name"], overlap=timedelta(0)).run(W2, RecordingSink())
    default = SyncEngine(client, "TASK", ["name"]).run(W2, RecordingSink())

    assert (without.fetched, default.fetched) == (25, 25 + 10)
    # 25 objects in pages of 10: first page, one count, then pages of 10 and 5; journal: 1.
    assert without.requests == 1 + 1 + 2 + 1
    # 35 objects: first page, one count, then pages of 10, 10 and 5; journal: 1. One more search.
    assert default.requests == 1 + 1 + 3 + 1
    assert default.extra["clock"]["requests"] == without.extra["clock"]["requests"] == 0
