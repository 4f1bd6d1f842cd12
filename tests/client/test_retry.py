"""Retry rules: what is retried, how long the client waits, when it gives up."""

from __future__ import annotations

import random

import pytest
import requests

from airflow_workfront.client import WorkfrontClient
from airflow_workfront.client.errors import (
    WorkfrontBadRequestError,
    WorkfrontRateLimitError,
    WorkfrontServerError,
)
from airflow_workfront.client.retry import backoff_delay, parse_retry_after
from tests.client.conftest import API, make_config

OK = {"json": {"data": {"ID": "t1"}}}
BUSY = {"status_code": 429, "json": {"error": {"class": "TooManyRequests", "message": "slow down"}}}


def test_backoff_is_capped_and_jittered():
    rng = random.Random(1)
    delays = [backoff_delay(n, 0.5, 4.0, rng=rng) for n in range(10)]
    assert all(0 <= d <= min(4.0, 0.5 * 2**n) for n, d in enumerate(delays))
    assert len(set(delays)) == len(delays)  # jitter: no two waits alike


def test_retry_after_wins_over_a_shorter_backoff():
    assert backoff_delay(0, 0.5, 30.0, retry_after=12.0, rng=random.Random(0)) == 12.0


def test_parse_retry_after():
    assert parse_retry_after("5") == 5.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date in the past


def test_429_then_success_honours_retry_after(requests_mock, sleep):
    requests_mock.get(f"{API}/TASK/t1", [{**BUSY, "headers": {"Retry-After": "3"}}, OK])
    with WorkfrontClient(make_config(), sleep=sleep) as wf:
        assert wf.get("TASK", "t1") == {"ID": "t1"}
        assert wf.stats.total == 2 and wf.stats.retries == 1
    assert sleep.calls == [3.0]
    assert requests_mock.call_count == 2


def test_5xx_and_connection_errors_are_retried(requests_mock, sleep):
    requests_mock.get(f"{API}/TASK/t1", [{"status_code": 500, "json": {"error": {"message": "x"}}},
                                         {"exc": requests.ConnectionError("reset")},
                                         {"status_code": 503, "text": "<html>unavailable</html>"}, OK])
    with WorkfrontClient(make_config(backoff_base=1.0, backoff_max=2.0), sleep=sleep) as wf:
        assert wf.get("TASK", "t1") == {"ID": "t1"}
    assert requests_mock.call_count == 4
    assert len(sleep.calls) == 3
    assert all(0 <= s <= 2.0 for s in sleep.calls)


def test_gives_up_after_max_retries(requests_mock, sleep):
    requests_mock.get(f"{API}/TASK/search", **BUSY)
    with WorkfrontClient(make_config(max_retries=3), sleep=sleep) as wf:
        with pytest.raises(WorkfrontRateLimitError, match="search TASK failed"):
            wf.search_page("TASK")
        assert wf.stats.retries == 3
    assert requests_mock.call_count == 4
    assert len(sleep.calls) == 3


def test_max_retries_zero_fails_at_once(requests_mock, sleep):
    requests_mock.get(f"{API}/TASK/count", status_code=500, json={"error": {"message": "boom"}})
    with WorkfrontClient(make_config(max_retries=0), sleep=sleep) as wf:
        with pytest.raises(WorkfrontServerError):
            wf.count("TASK")
    assert requests_mock.call_count == 1 and sleep.calls == []


def test_client_errors_are_not_retried(requests_mock, sleep):
    requests_mock.get(f"{API}/TASK/count", status_code=400, json={"error": {"message": "bad filter"}})
    with WorkfrontClient(make_config(), sleep=sleep) as wf:
        with pytest.raises(WorkfrontBadRequestError):
            wf.count("TASK")
    assert requests_mock.call_count == 1 and sleep.calls == []


def test_create_is_not_repeated_after_a_5xx(requests_mock, sleep):
    # The server may have created the object before failing: repeating could create it twice.
    requests_mock.post(f"{API}/TASK", status_code=500, json={"error": {"message": "boom"}})
    with WorkfrontClient(make_config(), sleep=sleep) as wf:
        with pytest.raises(WorkfrontServerError):
            wf.create("TASK", {"name": "x"})
    assert requests_mock.call_count == 1


def test_create_is_repeated_after_a_429(requests_mock, sleep):
    requests_mock.post(f"{API}/TASK", [BUSY, OK])
    with WorkfrontClient(make_config(), sleep=sleep) as wf:
        assert wf.create("TASK", {"name": "x"}) == {"ID": "t1"}
    assert requests_mock.call_count == 2
