"""Sessions and OAuth2 tokens that expire in the middle of a long sync are renewed; nothing fails."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest

from airflow_workfront.client import ClientConfig, OAuth2RefreshTokenAuth, SessionAuth, WorkfrontClient
from airflow_workfront.emulator.testing import EmulatorServer
from airflow_workfront.sync import SyncEngine, SyncWindow
from airflow_workfront.sync.sinks.base import Sink

pytestmark = pytest.mark.emulator


class CountingSink(Sink):
    """Counts what it is given, and expires every session after each page."""

    supports_reconcile = False

    def __init__(self, expire) -> None:
        self.rows: set[str] = set()
        self.expire = expire

    def open(self, target) -> None:
        pass

    def write_page(self, rows, partition=0, page=0) -> int:
        self.rows.update(r["ID"] for r in rows)
        self.expire()
        return len(rows)

    def delete(self, ids, batch=0) -> int:
        return 0

    def close(self, summary) -> None:
        pass


@pytest.fixture(scope="module")
def tenant():
    with EmulatorServer(api_key="k", seed="empty", seed_size=3000, oauth_clients={"cid": "secret"},
                        refresh_tokens=["rt-1"], rotate_refresh_tokens=False, clock="2026-03-02T10:00:00Z") as server:
        server.control.advance_clock(10)  # the synced window (ending at the seed's clock) has closed
        yield server


@pytest.mark.parametrize("auth", [SessionAuth("admin@example.com", "password"),
                                  OAuth2RefreshTokenAuth("cid", "secret", "rt-1")], ids=["session", "oauth2"])
def test_tokens_expiring_after_every_page_are_renewed(tenant, auth, figures):
    client = WorkfrontClient(ClientConfig(host=tenant.base_url, auth=auth, max_retries=0))
    lock = threading.Lock()
    expired = []

    def expire():
        with lock:
            expired.append(tenant.control.expire_sessions())

    clock = datetime(2026, 3, 2, 10, tzinfo=timezone.utc)
    sink = CountingSink(expire)
    # One worker: each expiry then hits exactly the next request (parallel renewal is covered by
    # tests/client/test_auth.py); expiring after every page from many threads at once can chain
    # more expiries into one call than a real tenant ever would.
    engine = SyncEngine(client, "TASK", ["ID"], page_size=200, max_workers=1)
    summary = engine.run(SyncWindow(clock - timedelta(hours=2), clock), sink)
    assert len(sink.rows) == summary.fetched == 3000
    assert len(expired) == summary.pages >= 15
    assert client.stats.by_operation["login"] >= 2  # renewed after expiries, once per expiry at most
    assert client.stats.by_operation["login"] <= len(expired) + 1
    figures.update(pages=summary.pages, fetched=summary.fetched, expiries=len(expired),
                   logins=client.stats.by_operation["login"])
    client.close()
