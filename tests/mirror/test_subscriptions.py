"""One step to event-driven freshness (mirror/subscriptions.py), against the emulator."""

from __future__ import annotations

import json

import pytest

from airflow_workfront.mirror.subscriptions import main, split_by_events, subscribe_mirror

URL = "https://airflow.example.com/workfront/events/mirror"


def test_types_workfront_sends_no_events_for_stay_on_the_timetable():
    subscribable, timetable_only = split_by_events(["PROJ", "task", "TEAMOB", "JRNLE", "CTGY", "DOCU"])
    assert subscribable == ["PROJ", "TASK", "DOCU"]
    assert timetable_only == ["TEAMOB", "JRNLE", "CTGY"]


@pytest.mark.emulator
def test_subscribing_twice_creates_each_subscription_once(emulator_conn):
    from airflow_workfront.hooks.workfront import WorkfrontHook

    hook = WorkfrontHook()
    client = hook.get_conn()
    try:
        first = subscribe_mirror(client, ["PROJ", "TASK", "TEAMOB"], URL, "a-long-receiver-token-1234")
        assert first["created"] == [f"{c} {e}" for c in ("PROJ", "TASK") for e in ("CREATE", "UPDATE", "DELETE")]
        assert first["timetable_only"] == ["TEAMOB"] and "a-long-receiver-token" not in json.dumps(first)
        again = subscribe_mirror(client, ["PROJ", "TASK", "TEAMOB"], URL, "a-long-receiver-token-1234")
        assert again["created"] == [] and sorted(again["existing"]) == sorted(first["created"])
        mine = [s for s in client.list_event_subscriptions() if s.get("url") == URL]
        assert len(mine) == 6
    finally:
        for sub in client.list_event_subscriptions():
            if sub.get("url") == URL:
                client.delete_event_subscription(sub["id"])
        hook.close()


@pytest.mark.emulator
def test_the_command_reads_the_token_from_a_connection(emulator_conn, monkeypatch, capsys):
    monkeypatch.setenv("AIRFLOW_CONN_WORKFRONT_EVENTS_MIRROR", json.dumps(
        {"conn_type": "generic", "password": "another-long-receiver-token"}))
    assert main(["--url", URL, "--token-conn", "workfront_events_mirror", "--objects", "OPTASK,ROLE"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["created"] == ["OPTASK CREATE", "OPTASK UPDATE", "OPTASK DELETE"]
    assert printed["timetable_only"] == ["ROLE"] and "another-long" not in json.dumps(printed)
    from airflow_workfront.hooks.workfront import WorkfrontHook

    hook = WorkfrontHook()
    try:
        for sub in hook.get_conn().list_event_subscriptions():
            if sub.get("url") == URL:
                hook.get_conn().delete_event_subscription(sub["id"])
    finally:
        hook.close()
