"""Workfront's clock from the Date header: the estimate, and ``server_time()`` on both clients."""

from __future__ import annotations

import time
from datetime import datetime, timezone

import httpx
import pytest
import respx

from airflow_workfront.client import ApiKeyAuth, AsyncWorkfrontClient, ClientConfig, WorkfrontClient
from airflow_workfront.client.errors import WorkfrontNotFoundError, WorkfrontResponseError
from airflow_workfront.client.server_clock import NO_SUCH_ID, ServerClock, parse_http_date
from client.conftest import API, make_config

UTC = timezone.utc
DATE = "Mon, 02 Mar 2026 09:00:00 GMT"
DATE_TS = datetime(2026, 3, 2, 9, tzinfo=UTC).timestamp()


class FakeTime:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_the_estimate_is_a_lower_bound_that_moves_with_the_local_clock():
    local = FakeTime(DATE_TS + 30.4)  # Workfront 30 s behind; the header lost its .6 s
    clock = ServerClock(local)
    assert clock.offset is None and clock.now() is None
    clock.observe(DATE)
    assert clock.offset == pytest.approx(-30.4)
    local.now += 10
    assert clock.now() == datetime.fromtimestamp(DATE_TS + 10, tz=UTC)


def test_the_latest_answer_wins_and_unreadable_dates_are_ignored():
    local = FakeTime(DATE_TS)
    clock = ServerClock(local)
    clock.observe(DATE, received_at=DATE_TS)
    clock.observe("Mon, 02 Mar 2026 09:05:00 GMT", received_at=DATE_TS + 1)  # Workfront's clock corrected
    clock.observe(DATE, received_at=DATE_TS - 5)  # an older answer arriving late changes nothing
    for junk in (None, "", "yesterday", "Mon, 99 Foo 2026"):
        clock.observe(junk)
    assert clock.offset == pytest.approx(299)


def test_http_dates_parse_in_all_three_forms():
    for form in (DATE, "Monday, 02-Mar-26 09:00:00 GMT", "Mon Mar  2 09:00:00 2026"):
        assert parse_http_date(form) == DATE_TS, form


def test_server_time_sends_one_cheap_request_only_when_no_answer_showed_the_clock(requests_mock):
    route = requests_mock.get(f"{API}/user/count", json={"data": {"count": 0}}, headers={"Date": DATE})
    with WorkfrontClient(make_config()) as wf:
        first = wf.server_time()
        again = wf.server_time()
        assert wf.stats.by_operation["server_time"] == 1 and wf.stats.total == 1
        wf.server_time(refresh=True)
        assert wf.stats.total == 2
    assert abs(first.timestamp() - DATE_TS) < 5 and again >= first
    assert route.last_request.qs["id"] == [NO_SUCH_ID.lower()] and "limit" not in route.last_request.url.lower()


def test_server_time_without_a_date_header_says_why(requests_mock):
    requests_mock.get(f"{API}/task/count", json={"data": {"count": 0}})
    with WorkfrontClient(make_config()) as wf, pytest.raises(WorkfrontResponseError) as err:
        wf.server_time("TASK")
    assert "no readable Date header" in str(err.value) and "acme.my.workfront.com" in str(err.value)


def test_every_answer_updates_the_clock_even_a_refusal(requests_mock):
    requests_mock.get(f"{API}/task/search", status_code=404, headers={"Date": DATE},
                      json={"error": {"class": "com.attask.common.NotFoundException", "message": "no"}})
    with WorkfrontClient(make_config(max_retries=0)) as wf:
        with pytest.raises(WorkfrontNotFoundError):
            wf.search_page("TASK")
        assert wf.server_clock.offset is not None
        wf.server_time("TASK")
        assert wf.stats.total == 1  # no probe: the refusal showed the clock


@respx.mock
async def test_async_server_time_probes_once():
    route = respx.get(f"{API}/TASK/count").mock(
        return_value=httpx.Response(200, json={"data": {"count": 0}}, headers={"Date": DATE}))
    async with AsyncWorkfrontClient(make_config()) as wf:
        first = await wf.server_time("TASK")
        await wf.server_time("TASK")
    assert route.call_count == 1 and abs(first.timestamp() - DATE_TS) < 5


@pytest.mark.emulator
def test_server_time_follows_a_skewed_emulator(emulator):
    for offset in (-30, 300):
        emulator.control.set_clock_offset(offset)
        config = ClientConfig(host=emulator.base_url, auth=ApiKeyAuth(emulator.api_key))
        with WorkfrontClient(config) as wf:
            skew = wf.server_time().timestamp() - time.time()
        assert offset - 2 < skew <= offset, offset

