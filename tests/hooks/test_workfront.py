"""WorkfrontHook: builds and caches a client from a connection; test_connection; async client."""

from __future__ import annotations

import json

import pytest

from airflow_workfront.client import AsyncWorkfrontClient, WorkfrontClient
from airflow_workfront.hooks.workfront import WorkfrontHook

API_KEY = "hook-test-key-123"
URL = "https://acme.my.workfront.com/attask/api/v21.0"


@pytest.fixture
def wf_conn(create_connection_without_db):
    create_connection_without_db(
        "workfront_default", conn_type="workfront", host="https://acme.my.workfront.com", password=API_KEY
    )


def test_get_conn_builds_one_cached_client(wf_conn):
    hook = WorkfrontHook()
    client = hook.get_conn()
    assert isinstance(client, WorkfrontClient)
    assert hook.get_conn() is client
    assert hook.client is client
    assert client.config.api_url == URL


def test_overrides_win_over_connection_extras(wf_conn):
    hook = WorkfrontHook(max_concurrency=3, timeout=7)
    assert (hook.config.max_concurrency, hook.config.timeout) == (3, 7.0)


def test_test_connection_success_makes_one_cheap_call(wf_conn, requests_mock):
    requests_mock.get(f"{URL}/USER/search", json={"data": [{"ID": "u1", "objCode": "USER"}]})
    ok, message = WorkfrontHook().test_connection()
    assert ok, message
    assert requests_mock.call_count == 1
    assert requests_mock.last_request.headers["apiKey"] == API_KEY
    assert "$$LIMIT=1" in requests_mock.last_request.url or "%24%24LIMIT=1" in requests_mock.last_request.url


def test_test_connection_failure_reports_workfront_answer_without_the_key(wf_conn, requests_mock):
    body = {"error": {"class": "com.attask.common.AuthenticationException", "message": "Invalid apiKey"}}
    requests_mock.get(f"{URL}/USER/search", status_code=401, json=body)
    ok, message = WorkfrontHook().test_connection()
    assert not ok
    assert "Authentication" in message
    assert API_KEY not in message


def test_test_connection_reports_misconfiguration(create_connection_without_db):
    create_connection_without_db("workfront_default", conn_type="workfront", host="https://x.my.workfront.com")
    ok, message = WorkfrontHook().test_connection()
    assert not ok and "needs api_key" in message


def test_close_drops_the_cached_client(wf_conn):
    hook = WorkfrontHook()
    first = hook.get_conn()
    hook.close()
    assert hook.get_conn() is not first


async def test_aget_conn_returns_an_async_client(wf_conn):
    client = await WorkfrontHook().aget_conn()
    try:
        assert isinstance(client, AsyncWorkfrontClient)
        assert client.config.api_url == URL
    finally:
        await client.aclose()


def test_hook_is_registered_with_the_declared_connection_type():
    assert (WorkfrontHook.conn_type, WorkfrontHook.default_conn_name) == ("workfront", "workfront_default")
    assert json.loads(json.dumps({"hook": repr(WorkfrontHook("x"))}))["hook"] == "WorkfrontHook(workfront_conn_id='x')"
