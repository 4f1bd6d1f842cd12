"""Subscribing the event receiver: its URL, its token, and replacing or removing subscriptions."""

from __future__ import annotations

import json

import pytest

from airflow_workfront.operators.event_receiver import (
    WorkfrontSubscribeReceiverOperator,
    WorkfrontUnsubscribeReceiverOperator,
    receiver_url,
)

TOKEN = "operator-test-token-abcdefghijkl"
BASE = "https://airflow.example.com"


@pytest.mark.parametrize("base, url", [
    ("https://airflow.example.com", "https://airflow.example.com/workfront/events/projects"),
    ("https://airflow.example.com/", "https://airflow.example.com/workfront/events/projects"),
    ("https://example.com/airflow", "https://example.com/airflow/workfront/events/projects"),
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080/workfront/events/projects"),
    ("http://localhost:8080", "http://localhost:8080/workfront/events/projects"),
])
def test_receiver_url(base, url):
    assert receiver_url(base, "projects") == url


@pytest.mark.parametrize("base, name, says", [
    ("http://airflow.example.com", "projects", "clear text"),
    ("", "projects", "not an http"),
    ("ftp://x", "projects", "not an http"),
    (BASE, "../admin", "letters, digits"),
])
def test_receiver_url_refusals(base, name, says):
    with pytest.raises(ValueError, match=says):
        receiver_url(base, name)


@pytest.fixture
def conns(emulator_conn, monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_WORKFRONT_EVENTS_PROJECTS", json.dumps({"conn_type": "generic", "password": TOKEN}))
    return emulator_conn


@pytest.fixture(autouse=True)
def no_subscriptions(request):
    """The session emulator's reset keeps subscriptions; start each test without any."""
    if "emulator_conn" in request.fixturenames or "conns" in request.fixturenames:
        request.getfixturevalue("emulator_conn").emulator.event_subscriptions.subscriptions.clear()


def subscriptions(emulator):
    return list(emulator.emulator.event_subscriptions.subscriptions.values())


@pytest.mark.emulator
def test_subscribe_registers_the_receivers_url_and_token_and_a_rerun_replaces_it(conns):
    op = WorkfrontSubscribeReceiverOperator(task_id="s", receiver="projects", obj_code="PROJ", airflow_url=BASE)
    first = op.execute({})
    (sub,) = subscriptions(conns)
    assert (sub["id"], sub["url"], sub["authToken"], sub["eventType"]) == (
        first, f"{BASE}/workfront/events/projects", TOKEN, "UPDATE")
    second = op.execute({})  # Workfront answers 409 to an identical one: it is replaced
    assert second != first and [s["id"] for s in subscriptions(conns)] == [second]


@pytest.mark.emulator
def test_unsubscribe_removes_only_the_receivers_subscriptions(conns):
    for code in ("PROJ", "TASK"):
        WorkfrontSubscribeReceiverOperator(task_id="s", receiver="projects", obj_code=code, airflow_url=BASE).execute({})
    WorkfrontSubscribeReceiverOperator(task_id="s", receiver="projects", obj_code="PROJ",
                                       airflow_url="https://other.example.com").execute({})
    gone = WorkfrontUnsubscribeReceiverOperator(task_id="u", receiver="projects", airflow_url=BASE).execute({})
    assert len(gone) == 2
    assert [s["url"] for s in subscriptions(conns)] == ["https://other.example.com/workfront/events/projects"]
    assert WorkfrontUnsubscribeReceiverOperator(task_id="u", receiver="projects", airflow_url=BASE).execute({}) == []


@pytest.mark.emulator
def test_a_missing_or_weak_token_is_refused_before_workfront_is_called(emulator_conn, monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_WORKFRONT_EVENTS_PROJECTS", json.dumps({"conn_type": "generic", "password": "short"}))
    op = WorkfrontSubscribeReceiverOperator(task_id="s", receiver="projects", obj_code="PROJ", airflow_url=BASE)
    with pytest.raises(ValueError, match="workfront_events_projects.*16-255 characters \\(it has 5\\)"):
        op.execute({})
    assert subscriptions(emulator_conn) == []


def test_the_url_defaults_to_the_api_servers_base_url(monkeypatch):
    monkeypatch.setenv("AIRFLOW__API__BASE_URL", "https://airflow.example.org/")
    op = WorkfrontUnsubscribeReceiverOperator(task_id="u", receiver="projects")
    assert op.url() == "https://airflow.example.org/workfront/events/projects"
    monkeypatch.setenv("AIRFLOW__API__BASE_URL", "")
    with pytest.raises(ValueError, match=r"\[api\] base_url"):
        op.url()
