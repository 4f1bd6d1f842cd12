"""The receiver app in-process, on the test session's Airflow metadata database.

Each refusal is checked twice: by its status, and by the asset events that exist afterwards
(none). The end-to-end run through real processes is in ``test_receiver_end_to_end.py``.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import time
from datetime import datetime, timezone

import pytest
from fastapi.testclient import TestClient

from airflow_workfront.plugins import receiver_app
from airflow_workfront.plugins.receivers import Receiver, ReceiverSettings
from airflow_workfront.plugins.tokens import TokenSource
from tests.plugins.assets import scheduled_dag
from tests.plugins.deliveries import body, update_delivery

TOKEN = "receiver-test-token-0123456789abcdef"
OTHER_TOKEN = "another-receiver-token-9876543210"
ASSET = "workfront_receiver_test_asset"


@pytest.fixture(scope="module")
def asset_in_db(airflow_db, tmp_path_factory):
    """A DAG scheduled on the asset, written to the metadata DB (so the asset row exists)."""
    return scheduled_dag("receiver_app_test_consumer", ASSET, tmp_path_factory.mktemp("receiver-dags"))


@pytest.fixture
def client(asset_in_db, monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_WF_EVENTS_TEST", json.dumps({"conn_type": "generic", "password": TOKEN}))
    monkeypatch.setenv("AIRFLOW_CONN_WF_EVENTS_OTHER", json.dumps({"conn_type": "generic", "password": OTHER_TOKEN}))
    monkeypatch.setenv("AIRFLOW_CONN_WF_EVENTS_WEAK", json.dumps({"conn_type": "generic", "password": "short"}))
    settings = ReceiverSettings({
        "projects": Receiver("projects", "wf_events_test", asset_in_db),
        "other": Receiver("other", "wf_events_other", asset_in_db),
        "weak": Receiver("weak", "wf_events_weak", asset_in_db),
        "nowhere": Receiver("nowhere", "wf_events_test", "an_asset_no_dag_uses"),
    }, max_body_bytes=64 * 1024)
    with TestClient(receiver_app.create_app(settings, TokenSource(ttl=0))) as test_client:
        yield test_client


def asset_events() -> list[dict]:
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        rows = session.scalars(select(AssetEvent).join(AssetModel, AssetEvent.asset_id == AssetModel.id)
                               .where(AssetModel.name == ASSET).order_by(AssetEvent.id))
        return [dict(row.extra) for row in rows]


def post(client, name="projects", payload=None, token=TOKEN, raw=None, headers=None):
    sent = {"Content-Type": "application/json", **(headers or {})}
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    content = raw if raw is not None else body(payload or update_delivery())
    return client.post(f"/events/{name}", content=content, headers=sent)


def test_a_delivery_becomes_an_asset_event_with_the_change_and_no_values(client):
    before = len(asset_events())
    payload = update_delivery(status="ONH", **{"parameterValues": {"DE:Budget code": "B-17"}})
    answer = post(client, payload=payload)
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "recorded"
    events = asset_events()
    assert len(events) == before + 1
    extra = events[-1]
    assert extra["obj_code"] == "PROJ" and extra["obj_id"] == payload["newState"]["ID"]
    assert extra["event_type"] == "UPDATE" and extra["receiver"] == "projects"
    assert extra["changed_fields"] == ["DE:Budget code", "lastUpdateDate", "status"]
    assert extra["event_time"] == datetime.fromtimestamp(payload["eventTime"]["epochSecond"], timezone.utc).replace(
        microsecond=payload["eventTime"]["nano"] // 1000).isoformat()
    assert answer.json()["asset_event_id"] and extra["delivery_id"] == answer.json()["delivery_id"]
    flat = json.dumps(extra)
    assert "B-17" not in flat and "ONH" not in flat and "EventSub Test" not in flat, "field values leaked"
    assert TOKEN not in flat


def test_a_retried_delivery_is_recorded_once(client):
    payload = update_delivery()
    before = len(asset_events())
    first, second = post(client, payload=payload), post(client, payload=payload)
    assert (first.status_code, second.status_code) == (200, 200)
    assert (first.json()["status"], second.json()["status"]) == ("recorded", "duplicate")
    assert len(asset_events()) == before + 1


def test_the_v1_copy_sent_after_a_version_switch_counts_as_the_same_change(client):
    payload = update_delivery()
    before = len(asset_events())
    post(client, payload=payload)
    again = post(client, payload={**payload, "eventVersion": "v1", "subscriptionVersion": "v1"})
    assert again.json()["status"] == "duplicate"
    assert len(asset_events()) == before + 1


def test_the_same_change_through_two_receivers_of_one_asset_is_recorded_once(client):
    payload = update_delivery()
    before = len(asset_events())
    assert post(client, payload=payload).json()["status"] == "recorded"
    assert post(client, "other", payload=payload, token=OTHER_TOKEN).json()["status"] == "duplicate"
    assert len(asset_events()) == before + 1


@pytest.mark.parametrize("name, token, headers", [
    ("projects", None, None),
    ("projects", "wrong-token-of-the-same-length-xxx", None),
    ("projects", TOKEN[:-1], None),
    ("projects", TOKEN + "x", None),
    ("projects", "", None),
    ("projects", None, {"Authorization": f"Basic {TOKEN}"}),
    ("projects", None, {"Authorization": TOKEN}),
    ("projects", OTHER_TOKEN, None),  # another receiver's token
    ("no-such-receiver", TOKEN, None),  # unknown names answer exactly like wrong tokens
    ("no-such-receiver", None, None),
    ("weak", "short", None),  # a receiver whose configured token is too short accepts nothing
], ids=["none", "wrong", "prefix", "longer", "empty", "basic-scheme", "no-scheme", "other-receivers",
        "unknown-name", "unknown-name-no-token", "weak-configured-token"])
def test_without_the_receivers_token_the_answer_is_401_and_nothing_is_recorded(client, name, token, headers):
    before = len(asset_events())
    answer = post(client, name, token=token, headers=headers)
    assert answer.status_code == 401
    assert answer.json() == {"detail": "Unauthorized"}
    assert answer.headers["WWW-Authenticate"] == "Bearer"
    assert len(asset_events()) == before


def test_a_refused_token_is_checked_before_the_body_is_read(client):
    answer = post(client, token="wrong-token-of-the-same-length-xxx", raw=b"x" * (1024 * 1024))
    assert answer.status_code == 401


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "streamed-without-length"])
def test_a_body_over_the_limit_is_refused_with_413(client, chunked):
    before = len(asset_events())
    payload = update_delivery(description="x" * (70 * 1024))
    data = body(payload)
    content = iter([data[i:i + 8192] for i in range(0, len(data), 8192)]) if chunked else data
    answer = post(client, raw=content)
    assert answer.status_code == 413
    assert len(asset_events()) == before


@pytest.mark.parametrize("raw, says", [
    (b"{not json", "not JSON"),
    (b"", "not JSON"),
    (b"[1, 2]", "JSON object"),
    (json.dumps({k: v for k, v in update_delivery().items() if k != "eventTime"}).encode(), "eventTime"),
    (json.dumps({**update_delivery(), "eventType": "EXPLODE"}).encode(), "eventType"),
    (json.dumps({**update_delivery(), "eventTime": {"epochSecond": "soon"}}).encode(), "epochSecond"),
    (json.dumps({**update_delivery(), "newState": {}, "oldState": {}}).encode(), "both empty"),
    (json.dumps({**update_delivery(), "newState": {"name": "no id"}}).encode(), "objCode"),
    (json.dumps({**update_delivery(), "newState": "bm90IGpzb24="}).encode(), "base64"),
], ids=["broken", "empty", "array", "no-eventTime", "bad-eventType", "bad-eventTime", "empty-states",
        "no-objCode", "base64-not-json"])
def test_a_malformed_delivery_is_refused_with_400_naming_the_problem(client, raw, says):
    before = len(asset_events())
    answer = post(client, raw=raw)
    assert answer.status_code == 400
    assert says in answer.json()["detail"]
    assert len(asset_events()) == before


def test_base64_encoded_states_are_decoded(client):
    payload = update_delivery(status="DED")
    for key in ("newState", "oldState"):
        payload[key] = base64.b64encode(json.dumps(payload[key]).encode()).decode()
    answer = post(client, payload=payload)
    assert answer.status_code == 200, answer.text
    assert asset_events()[-1]["changed_fields"] == ["lastUpdateDate", "status"]


def test_an_asset_no_dag_uses_yet_answers_503_so_workfront_retries(client):
    answer = post(client, "nowhere")
    assert answer.status_code == 503
    assert "not known" in answer.json()["detail"]


def test_recording_that_would_miss_workfronts_5_second_window_answers_503_in_time(asset_in_db, monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_WF_EVENTS_TEST", json.dumps({"conn_type": "generic", "password": TOKEN}))
    monkeypatch.setattr(receiver_app, "record_delivery", lambda receiver, delivery: time.sleep(1.0))
    settings = ReceiverSettings({"projects": Receiver("projects", "wf_events_test", asset_in_db)})
    with TestClient(receiver_app.create_app(settings, answer_within=0.2)) as slow:
        started = time.monotonic()
        answer = post(slow)
        took = time.monotonic() - started
    assert answer.status_code == 503
    assert took < 1.0
    assert receiver_app.ANSWER_WITHIN_SECONDS == 4.0  # the default, under Workfront's 5 s


def test_a_failed_recording_claims_nothing_so_the_retry_is_recorded(client, monkeypatch):
    from airflow.assets.manager import asset_manager

    payload = update_delivery()
    before = len(asset_events())
    with monkeypatch.context() as patched:
        patched.setattr(asset_manager, "register_asset_change", lambda **kwargs: 1 / 0)
        failed = post(client, payload=payload)
    assert failed.status_code == 500 and len(asset_events()) == before
    retried = post(client, payload=payload)
    assert retried.json()["status"] == "recorded" and len(asset_events()) == before + 1


def test_the_token_is_never_logged(client, caplog):
    caplog.set_level(logging.DEBUG)
    post(client)
    post(client, token="wrong-token-of-the-same-length-xxx")
    post(client, token=TOKEN, raw=b"{broken")
    post(client, "no-such-receiver", token=TOKEN)
    refusals = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING and "refused" in r.getMessage()]
    assert any("'projects'" in m and "wrong token" in m and "testclient" in m for m in refusals), refusals
    assert any("'no-such-receiver'" in m and "unknown receiver" in m for m in refusals), refusals
    assert any("malformed" in m and "not JSON" in m for m in refusals), refusals
    recorded = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO and "-> asset" in r.getMessage()]
    assert recorded and "UPDATE PROJ" in recorded[0] and "event " in recorded[0], recorded
    assert TOKEN not in caplog.text and "wrong-token-of-the-same-length" not in caplog.text


def test_other_methods_and_paths_are_not_deliveries(client):
    assert client.get("/events/projects").status_code == 405
    assert client.get("/docs").status_code == 404


def test_old_delivery_claims_are_pruned_and_recent_ones_kept(client):
    from datetime import timedelta

    from airflow.models.asset_state_store import AssetStateStoreModel
    from airflow.utils.session import create_session
    from sqlalchemy import select, update

    from airflow_workfront.plugins.payload import parse_delivery
    from airflow_workfront.plugins.recording import ClaimPruner, claim_key

    old, recent = update_delivery(), update_delivery()
    assert [post(client, payload=p).json()["status"] for p in (old, recent)] == ["recorded", "recorded"]
    old_key, recent_key = (claim_key(parse_delivery(body(p))) for p in (old, recent))
    with create_session() as session:
        session.execute(update(AssetStateStoreModel).where(AssetStateStoreModel.key == old_key)
                        .values(updated_at=datetime.now(timezone.utc) - timedelta(hours=73)))
    assert ClaimPruner(dedup_hours=72).prune(ASSET) >= 1
    with create_session() as session:
        keys = set(session.scalars(select(AssetStateStoreModel.key)))
    assert old_key not in keys
    assert recent_key in keys
    assert post(client, payload=old).json()["status"] == "recorded"  # forgotten: a very late retry counts again


def test_a_changed_token_is_used_once_the_cache_expires(monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_WF_ROTATE", json.dumps({"conn_type": "generic", "password": TOKEN}))
    tokens = TokenSource(ttl=0.3)
    assert tokens.get("wf_rotate") == TOKEN
    monkeypatch.setenv("AIRFLOW_CONN_WF_ROTATE", json.dumps({"conn_type": "generic", "password": OTHER_TOKEN}))
    assert tokens.get("wf_rotate") == TOKEN
    time.sleep(0.35)
    assert tokens.get("wf_rotate") == OTHER_TOKEN


def test_the_token_cache_lasts_10_seconds():
    from airflow_workfront.plugins.tokens import TOKEN_CACHE_SECONDS

    assert TokenSource().ttl == TOKEN_CACHE_SECONDS == 10.0


def test_a_broken_configuration_disables_the_receiver_loudly(monkeypatch, caplog):
    monkeypatch.setenv("AIRFLOW__WORKFRONT_EVENTS__RECEIVERS", '{"projects": {"conn_id": "wf_events_test"}}')
    monkeypatch.setenv("AIRFLOW_CONN_WF_EVENTS_TEST", json.dumps({"conn_type": "generic", "password": TOKEN}))
    with TestClient(receiver_app.create_app()) as broken:
        assert post(broken).status_code == 401
    assert "receivers['projects']: 'asset'" in caplog.text and "disabled" in caplog.text


def test_a_recording_still_queued_at_its_deadline_never_runs_and_answers_busy():
    ran: list[int] = []

    async def burst():
        threads = receiver_app.Threads()
        first = asyncio.ensure_future(threads.run("recordings", 1, time.monotonic() + 5, time.sleep, 0.5))
        await asyncio.sleep(0.05)
        started = time.monotonic()
        with pytest.raises(receiver_app.Busy):
            await threads.run("recordings", 1, time.monotonic() + 0.1, ran.append, 1)
        assert time.monotonic() - started < 0.4
        await first
        await asyncio.sleep(0.1)

    asyncio.run(burst())
    assert ran == []


def test_token_lookups_are_not_held_up_by_recordings():
    async def burst():
        threads = receiver_app.Threads()
        busy = [asyncio.ensure_future(threads.run("recordings", 2, time.monotonic() + 5, time.sleep, 0.5))
                for _ in range(4)]
        await asyncio.sleep(0.05)
        started = time.monotonic()
        token = await threads.run("tokens", 1, time.monotonic() + 0.2, str, "token")
        took = time.monotonic() - started
        await asyncio.gather(*busy)
        return token, took

    token, took = asyncio.run(burst())
    assert token == "token" and took < 0.2
