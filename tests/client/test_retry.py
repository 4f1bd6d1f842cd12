"""Retries: which failures repeat, how long the client waits, and when it gives up."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
import requests

from airflow_workfront.client import WorkfrontClient
from airflow_workfront.client.errors import (
    WorkfrontBadRequestError,
    WorkfrontRateLimitError,
    WorkfrontServerError,
    WorkfrontTransportError,
)
from airflow_workfront.client.retry import MAX_RETRY_AFTER, backoff_delay, parse_retry_after, should_retry

from .conftest import API, make_config

RATE_LIMITED = {"status_code": 429, "json": {"error": {"message": "Too many concurrent API requests for the given customer."}}}
OK = {"json": {"data": {"ID": "t1"}}}


@pytest.fixture
def wf(sleep):
    with WorkfrontClient(make_config(max_retries=3, backoff_base=0.5, backoff_max=4.0), sleep=sleep) as client:
        yield client


def test_429_then_success(wf, requests_mock, sleep):
    requests_mock.get(f"{API}/TASK/t1", [RATE_LIMITED, OK])
    assert wf.get("TASK", "t1") == {"ID": "t1"}
    assert requests_mock.call_count == 2
    assert len(sleep.calls) == 1 and 0 <= sleep.calls[0] <= 0.5
    assert (wf.stats.total, wf.stats.retries, wf.stats.by_operation["get"]) == (2, 1, 2)
    assert wf.stats.errors["WorkfrontRateLimitError"] == 1


@pytest.mark.parametrize("header, at_least", [("7", 7.0), ("120", 120.0), ("0", 0.0)])
def test_retry_after_seconds_honoured(wf, requests_mock, sleep, header, at_least):
    requests_mock.get(f"{API}/TASK/t1", [{**RATE_LIMITED, "headers": {"Retry-After": header}}, OK])
    wf.get("TASK", "t1")
    assert len(sleep.calls) == 1 and sleep.calls[0] >= at_least
    assert requests_mock.call_count == 2


def test_retry_after_up_to_the_ceiling_is_waited_in_full(wf, requests_mock, sleep):
    requests_mock.get(f"{API}/TASK/t1", [{**RATE_LIMITED, "headers": {"Retry-After": "300"}}, OK])
    assert wf.get("TASK", "t1") == {"ID": "t1"}
    assert sleep.calls == [300.0]  # far above backoff_max (4 s), still what Workfront asked for


def test_retry_after_beyond_the_ceiling_ends_the_call_at_once(wf, requests_mock, sleep, caplog):
    requests_mock.get(f"{API}/TASK/t1", [{**RATE_LIMITED, "headers": {"Retry-After": "301"}}, OK])
    with pytest.raises(WorkfrontRateLimitError) as caught:
        wf.get("TASK", "t1")
    assert caught.value.retry_after == 301.0  # the caller (or Airflow's retry) learns how long
    assert requests_mock.call_count == 1 and sleep.calls == [] and wf.stats.retries == 0
    assert [r.getMessage() for r in caplog.records if r.name == "airflow_workfront.client.retry"] == [
        "Workfront asked to wait 301 s before retrying, more than the 300 s the client waits: giving up now"]


def test_retry_after_http_date(wf, requests_mock, sleep):
    when = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True)
    requests_mock.get(f"{API}/TASK/t1", [{**RATE_LIMITED, "headers": {"Retry-After": when}}, OK])
    wf.get("TASK", "t1")
    assert 25 <= sleep.calls[0] <= 31


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_retried_for_idempotent_requests(wf, requests_mock, sleep, status):
    requests_mock.get(f"{API}/TASK/search", [{"status_code": status, "text": "oops"}, {"json": {"data": []}}])
    assert wf.search_page("TASK") == []
    assert requests_mock.call_count == 2 and wf.stats.retries == 1


def test_5xx_not_retried_for_create(wf, requests_mock, sleep):
    requests_mock.post(f"{API}/TASK", status_code=500, json={"error": {"class": "java.lang.RuntimeException", "message": "boom"}})
    with pytest.raises(WorkfrontServerError, match="create TASK failed.*boom"):
        wf.create("TASK", {"name": "x"})
    assert requests_mock.call_count == 1 and sleep.calls == [] and wf.stats.retries == 0


def test_429_retried_even_for_create(wf, requests_mock, sleep):
    requests_mock.post(f"{API}/TASK", [RATE_LIMITED, OK])
    assert wf.create("TASK", {"name": "x"}) == {"ID": "t1"}
    assert requests_mock.call_count == 2


def test_5xx_retried_for_update_and_delete(wf, requests_mock):
    requests_mock.put(f"{API}/TASK/t1", [{"status_code": 503, "text": ""}, OK])
    requests_mock.delete(f"{API}/TASK/t1", [{"status_code": 502, "text": "<html>bad gateway</html>"}, {"json": {"data": {"success": True}}}])
    wf.update("TASK", "t1", {"name": "y"})
    wf.delete("TASK", "t1")
    assert requests_mock.call_count == 4


def test_connection_errors_retried_for_reads(wf, requests_mock, sleep):
    requests_mock.get(f"{API}/TASK/t1", [{"exc": requests.ConnectionError("reset by peer")},
                                         {"exc": requests.ReadTimeout("slow")}, OK])
    assert wf.get("TASK", "t1") == {"ID": "t1"}
    assert requests_mock.call_count == 3 and len(sleep.calls) == 2 and wf.stats.retries == 2


def test_connection_dropped_after_sending_a_create_is_not_repeated(wf, requests_mock):
    requests_mock.post(f"{API}/TASK", [{"exc": requests.ReadTimeout("slow")}, OK])
    with pytest.raises(WorkfrontTransportError, match="create TASK failed: could not get an answer"):
        wf.create("TASK", {"name": "x"})
    assert requests_mock.call_count == 1


def test_connect_timeout_before_sending_a_create_is_repeated(wf, requests_mock):
    requests_mock.post(f"{API}/TASK", [{"exc": requests.ConnectTimeout("no route")}, OK])
    assert wf.create("TASK", {"name": "x"}) == {"ID": "t1"}
    assert requests_mock.call_count == 2


@pytest.mark.parametrize(
    "response, kind",
    [(RATE_LIMITED, WorkfrontRateLimitError), ({"status_code": 503, "text": "down"}, WorkfrontServerError),
     ({"exc": requests.ConnectionError("refused")}, WorkfrontTransportError)],
)
def test_give_up_after_max_retries_with_the_typed_error(wf, requests_mock, sleep, response, kind):
    requests_mock.get(f"{API}/TASK/count", [response] * 10)
    with pytest.raises(kind) as caught:
        wf.count("TASK")
    assert requests_mock.call_count == 4  # 1 + max_retries
    assert len(sleep.calls) == 3 and wf.stats.retries == 3 and wf.stats.total == 4
    assert "count TASK failed" in str(caught.value)
    assert all(delay <= 4.0 for delay in sleep.calls)  # capped at backoff_max


def test_no_retries_when_disabled(requests_mock, sleep):
    with WorkfrontClient(make_config(max_retries=0), sleep=sleep) as wf:
        requests_mock.get(f"{API}/TASK/count", [RATE_LIMITED, OK])
        with pytest.raises(WorkfrontRateLimitError):
            wf.count("TASK")
    assert requests_mock.call_count == 1 and sleep.calls == []


def test_client_errors_are_not_retried(wf, requests_mock, sleep):
    requests_mock.get(f"{API}/TASK/search", status_code=400, json={"error": {"message": "bad filter"}})
    with pytest.raises(WorkfrontBadRequestError):
        wf.search_page("TASK")
    assert requests_mock.call_count == 1 and sleep.calls == []


def test_backoff_is_capped_exponential_with_full_jitter():
    rng = random.Random(1)
    for attempt in range(8):
        ceiling = min(4.0, 0.5 * 2**attempt)
        delays = [backoff_delay(attempt, 0.5, 4.0, rng=rng) for _ in range(200)]
        assert all(0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling * 0.8  # jitter spans the whole range
    assert backoff_delay(0, 0.5, 4.0, retry_after=10.0, rng=rng) == 10.0


def test_retry_after_is_a_floor_up_to_the_ceiling():
    rng = random.Random(2)
    assert MAX_RETRY_AFTER == 300.0  # the figure docs/reliability.md states
    # Above the backoff cap, Retry-After wins; under the jittered backoff, the backoff wins.
    assert backoff_delay(3, 0.5, 4.0, retry_after=299.5, rng=rng) == 299.5
    assert backoff_delay(0, 0.5, 4.0, retry_after=MAX_RETRY_AFTER, rng=rng) == MAX_RETRY_AFTER
    assert backoff_delay(0, 0.5, 4.0, retry_after=1000.0, rng=rng) == MAX_RETRY_AFTER
    delays = [backoff_delay(6, 0.5, 4.0, retry_after=1.0, rng=rng) for _ in range(200)]
    assert min(delays) >= 1.0 and max(delays) > 3.0  # jitter above the floor still spans to the cap
    assert 0.0 <= backoff_delay(0, 0.5, 4.0, retry_after=0.0, rng=rng) <= 0.5


def test_the_jitter_comes_from_the_given_random_source():
    expected = random.Random(5)
    rng = random.Random(5)
    assert [backoff_delay(n, 0.5, 4.0, rng=rng) for n in range(4)] == [expected.uniform(0, c) for c in (0.5, 1, 2, 4)]


def test_parse_retry_after():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after("-4") == 0.0
    assert parse_retry_after(None) is None and parse_retry_after("") is None and parse_retry_after("soon") is None
    past = format_datetime(datetime(2000, 1, 1, tzinfo=timezone.utc), usegmt=True)
    assert parse_retry_after(past) == 0.0


def test_should_retry_rules():
    assert should_retry(WorkfrontRateLimitError("x"), idempotent=False, before_send=False)
    assert should_retry(WorkfrontRateLimitError("x", retry_after=MAX_RETRY_AFTER), idempotent=True, before_send=False)
    assert not should_retry(WorkfrontRateLimitError("x", retry_after=MAX_RETRY_AFTER + 0.5), idempotent=True,
                            before_send=True)
    assert should_retry(WorkfrontServerError("x", status_code=503), idempotent=True, before_send=False)
    assert not should_retry(WorkfrontServerError("x", status_code=501), idempotent=True, before_send=False)
    assert not should_retry(WorkfrontServerError("x", status_code=500), idempotent=False, before_send=False)
    assert should_retry(WorkfrontTransportError("x"), idempotent=False, before_send=True)
    assert not should_retry(WorkfrontTransportError("x"), idempotent=False, before_send=False)
    assert not should_retry(WorkfrontBadRequestError("x"), idempotent=True, before_send=True)


def test_posts_that_create_are_not_repeated_after_a_5xx(wf, requests_mock, sleep):
    subs = "https://acme.my.workfront.com/attask/eventsubscription/api/v1/subscriptions"
    requests_mock.post(subs, status_code=503, text="")
    requests_mock.post(f"{API}/TASK/t1/custom", status_code=500, text="")
    with pytest.raises(WorkfrontServerError):
        wf.create_event_subscription("TASK", "CREATE", "https://hooks.example.com", "tok")
    with pytest.raises(WorkfrontServerError):
        wf.request("POST", "TASK/t1/custom", {"x": 1})
    assert requests_mock.call_count == 2 and sleep.calls == []


def test_long_search_sent_as_post_is_still_retried(wf, requests_mock):
    requests_mock.post(f"{API}/TASK/search", [{"status_code": 503, "text": ""}, {"json": {"data": []}}])
    assert wf.search_page("TASK", {"name": "n" * 9000}) == []
    assert requests_mock.call_count == 2
    assert all(r.method == "POST" for r in requests_mock.request_history)
