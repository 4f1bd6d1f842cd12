"""The window's first page is its own clock check: no probe when its answer shows the window closed,
and a page answered too early is discarded and read again after the wait (exact request tables)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from fake_workfront import RecordingSink

from airflow_workfront.client import ApiKeyAuth, ClientConfig, WorkfrontClient
from airflow_workfront.client.dates import parse_wf_datetime
from airflow_workfront.sync import SyncEngine, SyncWindow

pytestmark = pytest.mark.emulator

UTC = timezone.utc
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)
WINDOW = SyncWindow(T0, T0 + timedelta(hours=1))
SEARCHES = "GET /attask/api/v21.0/TASK/search"
COUNTS = "GET /attask/api/v21.0/TASK/count"
JOURNAL = "GET /attask/api/v21.0/JRNLE/search"


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@pytest.fixture
def tenant(emulator):
    """An empty tenant with 11 tasks in the window, one a minute from its start, on a frozen clock."""
    control = emulator.control
    control.reset("empty")
    for i in range(11):
        control.set_clock(iso(T0 + timedelta(minutes=i)))
        control.create_object("TASK", {"name": f"task {i}"})
    client = WorkfrontClient(ClientConfig(host=emulator.base_url, auth=ApiKeyAuth(api_key=emulator.api_key),
                                          max_retries=0, page_size=5))
    yield control, client
    client.close()


def test_an_undisturbed_run_sends_no_clock_probe(tenant):
    control, client = tenant
    control.set_clock(iso(WINDOW.end + timedelta(minutes=1)))  # Workfront closed the window a minute ago
    control.reset_stats()
    sink = RecordingSink()
    summary = SyncEngine(client, "TASK", ["name"], overlap=timedelta(0)).run(WINDOW, sink)
    assert len(sink.rows) == 11 and set(sink.writes.values()) == {1}
    # 11 tasks in pages of 5: first page, count, two partitions (5 and 1); the journal; no server_time
    assert dict(client.stats.by_operation) == {"search": 4, "count": 1}
    assert control.stats()["by_route"] == {SEARCHES: 3, COUNTS: 1, JOURNAL: 1}
    assert summary.requests == 5
    clock = summary.extra["clock"]
    assert (clock["workfront_now"][:19], clock["waited_s"], clock["requests"]) == ("2026-03-02T10:01:00", 0, 0)


def test_a_first_page_answered_before_the_close_is_discarded_and_read_again_after_the_wait(tenant):
    control, client = tenant
    control.set_clock(iso(WINDOW.end - timedelta(seconds=1)))  # still open on Workfront's clock
    control.reset_stats()
    engine = SyncEngine(client, "TASK", ["name"], overlap=timedelta(0))
    slept: list[float] = []
    late: list[str] = []

    def sleep(seconds: float) -> None:  # the wait: a last edit inside the window, then Workfront's time goes on
        slept.append(seconds)
        late.append(control.create_object("TASK", {"name": "stamped in the last second"})["ID"])
        control.advance_clock(seconds)

    engine._sleep = sleep
    sink = RecordingSink()
    summary = engine.run(WINDOW, sink)
    assert len(slept) == 1 and 6.0 <= slept[0] <= 7.5  # the second left, the 5 s margin and 1 s of resolution
    stamp = parse_wf_datetime(next(o for o in control.list_objects("TASK") if o["ID"] == late[0])["lastUpdateDate"])
    assert WINDOW.contains(stamp)
    # The re-read page holds the task stamped after the discarded one was answered; nothing is written twice.
    assert len(sink.rows) == 12 and late[0] in sink.rows and set(sink.writes.values()) == {1}
    # Discarded first page, one clock reading after the wait, the first page again, count, two partitions
    # (5 and 2), the journal.
    assert dict(client.stats.by_operation) == {"search": 5, "server_time": 1, "count": 1}
    assert control.stats()["by_route"] == {SEARCHES: 4, COUNTS: 2, JOURNAL: 1}
    assert summary.requests == 7
    clock = summary.extra["clock"]
    assert clock["requests"] == 2 and clock["waited_s"] == pytest.approx(slept[0], abs=0.01)
    assert parse_wf_datetime(clock["workfront_now"]) >= WINDOW.end + timedelta(seconds=5)


def test_counted_ahead_the_count_is_the_clock_reading_and_no_probe_is_sent(tenant):
    control, client = tenant
    control.set_clock(iso(WINDOW.end + timedelta(minutes=1)))
    control.reset_stats()
    sink = RecordingSink()
    summary = SyncEngine(client, "TASK", ["name"], overlap=timedelta(0), count_ahead=True).run(WINDOW, sink)
    assert len(sink.rows) == 11 and set(sink.writes.values()) == {1}
    # The count and the first page at once, then the second and third partitions (cuts at ranks 4
    # and 8 of the window); the journal; no server_time.
    assert dict(client.stats.by_operation) == {"search": 4, "count": 1}
    assert control.stats()["by_route"] == {SEARCHES: 3, COUNTS: 1, JOURNAL: 1}
    assert summary.requests == 5 and summary.extra["counted_ahead"] is True
    assert summary.extra["clock"]["requests"] == 0


def test_counted_ahead_before_the_close_both_are_discarded_and_sent_again_after_the_wait(tenant):
    control, client = tenant
    control.set_clock(iso(WINDOW.end - timedelta(seconds=1)))  # still open on Workfront's clock
    control.reset_stats()
    engine = SyncEngine(client, "TASK", ["name"], overlap=timedelta(0), count_ahead=True)
    late: list[str] = []

    def sleep(seconds: float) -> None:  # a last edit inside the window during the wait
        late.append(control.create_object("TASK", {"name": "stamped in the last second"})["ID"])
        control.advance_clock(seconds)

    engine._sleep = sleep
    sink = RecordingSink()
    summary = engine.run(WINDOW, sink)
    assert len(sink.rows) == 12 and late[0] in sink.rows and set(sink.writes.values()) == {1}
    # Discarded: a count and a first page; one clock reading after the wait; then the count and the
    # first page again and two more partitions (cuts at ranks 4 and 8 of 12); the journal.
    assert dict(client.stats.by_operation) == {"search": 5, "count": 2, "server_time": 1}
    assert control.stats()["by_route"] == {SEARCHES: 4, COUNTS: 3, JOURNAL: 1}
    assert summary.requests == 8 and summary.counted == 12
    assert summary.extra["clock"]["requests"] == 2
