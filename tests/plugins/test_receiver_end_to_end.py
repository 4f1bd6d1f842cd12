"""End to end, in real processes: the emulator delivers to ``airflow api-server`` (two workers,
with the provider's plugin), the scheduler runs the example DAG scheduled on the receiver's asset.

The emulator, the API server and the scheduler are separate programs started once for this
module (the DAG is parsed by ``airflow dags reserialize``); the database is a fresh PostgreSQL database when one answers on
127.0.0.1:5432 (SQLite otherwise, or with ``WF_E2E_DATABASE=sqlite``).
"""

from __future__ import annotations

import json
import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from airflow_workfront.emulator.testing import EmulatorProcess
from tests.airflow_stack import AirflowStack
from tests.plugins.deliveries import body, update_delivery

pytestmark = [pytest.mark.slow, pytest.mark.emulator]

EXAMPLE = Path(__file__).resolve().parents[2] / "example_dags" / "example_workfront_event_receiver.py"
DAG_ID = "example_workfront_event_receiver"
ASSET = "workfront_project_changes"
TOKEN = "e2e-receiver-token-" + os.urandom(12).hex()
API_KEY = "e2e-api-key"


@pytest.fixture(scope="module")
def emulator():
    with EmulatorProcess("--seed", "demo", api_key=API_KEY) as emu:
        yield emu


@pytest.fixture(scope="module")
def airflow(emulator, tmp_path_factory):
    dags = tmp_path_factory.mktemp("dags")
    shutil.copy(EXAMPLE, dags / EXAMPLE.name)
    connections = {
        "workfront_events_projects": {"conn_type": "generic", "password": TOKEN},
        "workfront_default": {"conn_type": "workfront", "host": emulator.base_url, "password": API_KEY},
    }
    stack = AirflowStack(tmp_path_factory.mktemp("airflow-home"), dags, receivers={"projects": {"asset": ASSET}},
                         connections=connections, api_workers=2,
                         pools={"workfront_api": 10}, database=os.environ.get("WF_E2E_DATABASE", "auto"))
    with stack:
        stack.wait_for(lambda: stack.scalar("select count(*) from asset where name = :n", n=ASSET),
                       "the example's asset", timeout=30)
        stack.wait_for(lambda: stack.scalar("select count(*) from dag where dag_id = :d and not is_paused", d=DAG_ID),
                       "the example DAG to be active", timeout=60)
        yield stack


@pytest.fixture
def env_connections(emulator, monkeypatch):
    """The test process's own view of the connections, for running the subscribe operators here."""
    monkeypatch.setenv("AIRFLOW_CONN_WORKFRONT_DEFAULT", json.dumps(
        {"conn_type": "workfront", "host": emulator.base_url, "password": API_KEY}))
    monkeypatch.setenv("AIRFLOW_CONN_WORKFRONT_EVENTS_PROJECTS", json.dumps({"conn_type": "generic", "password": TOKEN}))


def subscriptions(emulator: EmulatorProcess) -> list[dict]:
    answer = httpx.get(f"{emulator.base_url}/attask/eventsubscription/api/v1/subscriptions",
                       headers={"apiKey": API_KEY}, timeout=10)
    return answer.json()["subscriptions"]


def asset_event_count(stack: AirflowStack) -> int:
    return stack.scalar("select count(*) from asset_event e join asset a on a.id = e.asset_id where a.name = :n",
                        n=ASSET)


def xcom(stack: AirflowStack, run_id: str, task_id: str):
    value = stack.scalar("select value from xcom where dag_id = :d and run_id = :r and task_id = :t "
                         "and key = 'return_value'", d=DAG_ID, r=run_id, t=task_id)
    return json.loads(value) if isinstance(value, str) else value


def test_a_workfront_change_runs_the_dag_scheduled_on_the_receivers_asset(airflow, emulator, env_connections):
    from airflow_workfront.operators.event_receiver import (
        WorkfrontSubscribeReceiverOperator,
        WorkfrontUnsubscribeReceiverOperator,
    )

    control = emulator.control
    sub_id = WorkfrontSubscribeReceiverOperator(task_id="subscribe", receiver="projects", obj_code="PROJ",
                                                airflow_url=airflow.base_url).execute({})
    assert [(s["id"], s["url"]) for s in subscriptions(emulator)] == [(sub_id, airflow.receiver_url("projects"))]
    project = next(p for p in control.list_objects("PROJ") if p["status"] != "ONH")
    events_before = asset_event_count(airflow)
    runs_before = airflow.scalar("select count(*) from dag_run where dag_id = :d", d=DAG_ID)

    changed_at = time.monotonic()
    control.edit_object("PROJ", project["ID"], {"status": "ONH"})
    airflow.wait_for(lambda: asset_event_count(airflow) > events_before, "the delivery's asset event", timeout=30)
    latency = time.monotonic() - changed_at
    run_id = airflow.wait_for(
        lambda: airflow.scalar("select run_id from dag_run where dag_id = :d and state = 'success' "
                               "order by id desc limit 1", d=DAG_ID)
        if airflow.scalar("select count(*) from dag_run where dag_id = :d", d=DAG_ID) > runs_before else None,
        "a successful run of the example DAG", timeout=120)

    extra = airflow.scalar("select extra from asset_event order by id desc limit 1")
    extra = json.loads(extra) if isinstance(extra, str) else extra
    assert (extra["obj_code"], extra["obj_id"], extra["event_type"]) == ("PROJ", project["ID"], "UPDATE")
    assert "status" in extra["changed_fields"] and "ONH" not in json.dumps(extra)
    changes = xcom(airflow, run_id, "changed_projects")
    assert changes["ids"] == [project["ID"]]
    assert "status" in changes["changes"][0]["changed_fields"]
    fetched = xcom(airflow, run_id, "fetch_projects")
    assert [(p["ID"], p["status"]) for p in fetched] == [(project["ID"], "ONH")]
    assert latency < 30  # the figure itself is in the benchmark

    # Unsubscribing removes the subscription: a later change is not delivered any more.
    deleted = WorkfrontUnsubscribeReceiverOperator(task_id="unsubscribe", receiver="projects",
                                                   airflow_url=airflow.base_url).execute({})
    assert deleted == [sub_id]
    attempts = len(control.event_deliveries())
    control.edit_object("PROJ", project["ID"], {"status": "CUR"})
    time.sleep(1.0)
    assert len(control.event_deliveries()) == attempts
    assert subscriptions(emulator) == []


def send(stack: AirflowStack, payload: bytes, token: str | None = TOKEN, name: str = "projects",
         headers: dict | None = None) -> httpx.Response:
    sent = {"Content-Type": "application/json", **(headers or {})}
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    return httpx.post(stack.receiver_url(name), content=payload, headers=sent, timeout=10)


@pytest.mark.parametrize("case", ["no-token", "wrong-token", "unknown-receiver", "huge-body", "malformed-json"])
def test_refused_deliveries_record_nothing_on_the_real_api_server(airflow, case):
    before = asset_event_count(airflow)
    payload = body(update_delivery())
    answer = {
        "no-token": lambda: send(airflow, payload, token=None),
        "wrong-token": lambda: send(airflow, payload, token="not-the-token-" + "x" * 24),
        "unknown-receiver": lambda: send(airflow, payload, name="nobody"),
        "huge-body": lambda: send(airflow, body(update_delivery(description="x" * (2 * 1024 * 1024)))),
        "malformed-json": lambda: send(airflow, b'{"eventType": "UPDATE", '),
    }[case]()
    expected = {"no-token": 401, "wrong-token": 401, "unknown-receiver": 401, "huge-body": 413, "malformed-json": 400}
    assert answer.status_code == expected[case], answer.text
    time.sleep(0.3)
    assert asset_event_count(airflow) == before


def test_a_delivery_replayed_at_both_api_server_workers_at_once_is_recorded_once(airflow):
    before = asset_event_count(airflow)
    payload = body(update_delivery())
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: send(airflow, payload), range(16)))
    assert {a.status_code for a in answers} == {200}
    statuses = sorted(a.json()["status"] for a in answers)
    assert statuses == ["duplicate"] * 15 + ["recorded"]
    assert asset_event_count(airflow) == before + 1
    # and replayed later, as Workfront's retries come
    assert send(airflow, payload).json()["status"] == "duplicate"
    assert asset_event_count(airflow) == before + 1


def test_the_token_appears_in_no_log_of_any_process(airflow):
    send(airflow, body(update_delivery()))
    send(airflow, body(update_delivery()), token=TOKEN[:-2] + "zz")
    logs = airflow.logs()
    assert "Workfront event receiver" in logs  # the receiver does log, and in these files
    assert TOKEN not in logs and TOKEN[:-2] not in logs


def test_a_burst_of_a_thousand_deliveries_loses_none_and_records_each_change_once(airflow):
    """A bulk edit of 1,000 objects: Workfront sends 1,000 deliveries within seconds, several at
    once (16 here, as the emulator does), and waits 5 s for each answer. A delivery that gets no
    2xx in time, a 5xx or no answer at all, is retried (here after a second, by Workfront after
    minutes); replays inside the burst are de-duplicated. None is lost, none is recorded twice,
    and no answer is one Workfront would not retry (a 4xx)."""
    import threading

    before = asset_event_count(airflow)
    changes = [body(update_delivery()) for _ in range(1000)]
    pending = changes + changes[:100]  # 100 changes delivered twice within the burst
    local, outcomes = threading.local(), {}
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"}

    def deliver(payload: bytes) -> int:
        client = getattr(local, "client", None) or httpx.Client(timeout=5.0)  # Workfront's 5 s
        local.client = client
        try:
            return client.post(airflow.receiver_url("projects"), content=payload, headers=headers).status_code
        except httpx.TimeoutException:
            return 0

    started = time.monotonic()
    for _ in range(10):
        with ThreadPoolExecutor(max_workers=16) as pool:
            statuses = list(pool.map(deliver, pending))
        for status in statuses:
            outcomes[status] = outcomes.get(status, 0) + 1
        pending = [p for p, status in zip(pending, statuses, strict=True) if status != 200]
        if not pending:
            break
        time.sleep(1)
    took = time.monotonic() - started
    assert not pending, f"{len(pending)} deliveries never recorded; answers {outcomes}"
    assert set(outcomes) <= {200, 500, 503, 0}, outcomes
    airflow.wait_for(lambda: asset_event_count(airflow) >= before + 1000, "1,000 asset events", timeout=30)
    time.sleep(1)  # a late recording of a retried delivery would show now
    assert asset_event_count(airflow) == before + 1000, (outcomes, took)
