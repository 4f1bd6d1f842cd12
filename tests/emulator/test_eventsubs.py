"""Event subscriptions: the documented API and deliveries to a local HTTP receiver."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from emulator.wfhttp import data

SUBS = "/attask/eventsubscription/api/v1/subscriptions"


class Receiver:
    """An HTTP server on 127.0.0.1 that records POSTs (and fails the first ``fail_first`` of them)."""

    def __init__(self, fail_first: int = 0) -> None:
        self.received: list[dict] = []
        self.fail_first = fail_first
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                failing = receiver.fail_first > 0
                receiver.fail_first -= 1 if failing else 0
                receiver.received.append({"headers": dict(self.headers), "body": json.loads(body), "failed": failing})
                self.send_response(500 if failing else 200)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.received


@pytest.fixture
def subs(emulator):
    """A client of the subscription API, authenticated with the API key in Authorization (as documented)."""
    with httpx.Client(base_url=emulator.base_url, headers={"Authorization": emulator.api_key}, timeout=30) as http:
        yield http
        for sub in http.get(SUBS, params={"limit": 1000}).json()["subscriptions"]:
            http.delete(f"{SUBS}/{sub['id']}")


def _body(url: str, **extra) -> dict:
    return {"objCode": "TASK", "eventType": "UPDATE", "url": url, "authToken": "token-abcd1234", **extra}


def test_create_get_list_delete(subs, emulator):
    created = subs.post(SUBS, json=_body("https://example.com/hook"))
    assert created.status_code == 201
    sub_id = created.json()["id"]
    assert created.headers["Location"].endswith(f"{SUBS}/{sub_id}")
    one = subs.get(f"{SUBS}/{sub_id}").json()
    assert one["objCode"] == "TASK" and one["url"] == "https://example.com/hook"
    assert one["authToken"] != "token-abcd1234" and "token-ab" not in one["authToken"]
    for n in range(3):
        assert subs.post(SUBS, json=_body(f"https://example.com/hook{n}")).status_code == 201
    page = subs.get(SUBS, params={"page": 2, "limit": 3}).json()
    assert (page["page"], page["limit"], page["page_count"], page["total_count"]) == (2, 3, 2, 4)
    assert len(page["subscriptions"]) == 1
    assert subs.delete(f"{SUBS}/{sub_id}").status_code == 204
    assert subs.get(f"{SUBS}/{sub_id}").status_code == 404


def test_bad_requests(subs, emulator):
    assert subs.post(SUBS, json=_body("not a url")).status_code == 400
    assert subs.post(SUBS, json=_body("https://example.com/x", colour="red")).status_code == 400
    assert subs.post(SUBS, json={"objCode": "TASK"}).status_code == 400
    assert subs.post(SUBS, json=_body("https://example.com/x", eventType="TOUCH")).status_code == 400
    assert subs.post(SUBS, json=_body("https://example.com/dup")).status_code == 201
    assert subs.post(SUBS, json=_body("https://example.com/dup")).status_code == 409
    with httpx.Client(base_url=emulator.base_url) as nobody:
        assert nobody.get(SUBS).status_code == 401
        assert nobody.post(SUBS, json=_body("https://example.com/y")).status_code == 401
        assert nobody.get(SUBS, headers={"Authorization": "wrong-key"}).status_code == 401


def test_delivery_with_payload_and_authorization(subs, emulator, wf):
    with Receiver() as receiver:
        sub_id = subs.post(SUBS, json=_body(receiver.url)).json()["id"]
        task = data(wf.get("/task/search", params={"$$LIMIT": 1}))[0]
        data(wf.put(f"/task/{task['ID']}", params={"name": "Webhooked"}))
        (delivery,) = receiver.wait_for(1)
        assert delivery["headers"]["Authorization"] == "Bearer token-abcd1234"
        body = delivery["body"]
        assert {"eventType", "subscriptionId", "eventTime", "newState", "oldState"} <= set(body)
        assert (body["eventType"], body["subscriptionId"]) == ("UPDATE", sub_id)
        assert body["newState"]["ID"] == task["ID"] and body["newState"]["name"] == "Webhooked"
        assert body["oldState"]["name"] == task["name"]


def test_changed_filter_and_create_events(subs, emulator, wf):
    with Receiver() as receiver:
        subs.post(SUBS, json=_body(receiver.url, filters=[{"fieldName": "status", "comparison": "changed"}]))
        subs.post(SUBS, json=_body(receiver.url, eventType="CREATE", objCode="OPTASK"))
        task = data(wf.get("/task/search", params={"status": "NEW", "$$LIMIT": 1}))[0]
        data(wf.put(f"/task/{task['ID']}", params={"name": "no status change"}))
        data(wf.put(f"/task/{task['ID']}", params={"status": "INP"}))
        project = data(wf.get("/proj/search", params={"$$LIMIT": 1}))[0]
        issue = data(wf.post("/issue", params={"name": "new issue", "projectID": project["ID"]}))
        data(wf.put(f"/task/{task['ID']}", params={"status": "CPL"}))
        # Deliveries go out several at once, so they may arrive in any order; a wrongly matched
        # name-only edit would be a fourth delivery, given a moment to arrive.
        receiver.wait_for(3)
        received = receiver.wait_for(4, timeout=1.5)
        events = sorted((r["body"]["eventType"], r["body"]["newState"].get("status")) for r in received)
        assert events == [("CREATE", "NEW"), ("UPDATE", "CPL"), ("UPDATE", "INP")]
        assert any(r["body"]["newState"]["ID"] == issue["ID"] for r in received)


def test_failed_delivery_is_retried(subs, emulator, wf):
    with Receiver(fail_first=1) as receiver:
        subs.post(SUBS, json=_body(receiver.url))
        task = data(wf.get("/task/search", params={"$$LIMIT": 1}))[0]
        data(wf.put(f"/task/{task['ID']}", params={"name": "retry me"}))
        first, second = receiver.wait_for(2)
        assert first["failed"] and not second["failed"]
        assert first["body"] == second["body"]
    log = emulator.control.event_deliveries()
    assert [(d["attempt"], d["status"]) for d in log[-2:]] == [(1, 500), (2, 200)]


DOCUMENTED_CODES = ("ASSGN", "CMPY", "PTLTAB", "DOCU", "EXPNS", "HOUR", "OPTASK", "NOTE", "PORT", "PRGM", "PROJ",
                    "PTLSEC", "TASK", "TMPL", "TSHET", "USER")


def test_list_and_get_show_only_documented_fields(subs, emulator):
    sub_id = subs.post(SUBS, json=_body("https://example.com/plain")).json()["id"]
    filtered = subs.post(SUBS, json=_body("https://example.com/f", filters=[{"fieldName": "status", "comparison": "changed"}]))
    documented = {"id", "customerId", "objId", "objCode", "url", "eventType", "authToken", "version"}
    one = subs.get(f"{SUBS}/{sub_id}").json()
    assert set(one) == documented, one
    assert one["objId"] is None and len(one["customerId"]) == 32 and one["authToken"] == "****1234"
    listed = {s["id"]: s for s in subs.get(f"{SUBS}/list").json()}
    assert set(listed[sub_id]) == documented
    assert set(listed[filtered.json()["id"]]) == documented | {"filters"}
    for sub in subs.get(SUBS).json()["subscriptions"]:
        assert not any(key.startswith("_") or key == "createdAt" for key in sub), sub


def test_supported_objects_follow_the_docs(subs, emulator):
    for code in DOCUMENTED_CODES:
        assert subs.post(SUBS, json=_body(f"https://example.com/{code}", objCode=code)).status_code == 201, code
    refused = subs.post(SUBS, json=_body("https://example.com/jrnle", objCode="JRNLE"))
    assert refused.status_code == 400 and "JRNLE" in refused.json()["error"]["message"]
    assert subs.post(SUBS, json=_body("https://example.com/role", objCode="ROLE")).status_code == 400


def test_delivery_carries_every_field_and_custom_data_under_parameter_values(subs, emulator, wf):
    with Receiver() as receiver:
        subs.post(SUBS, json=_body(receiver.url))
        task = data(wf.get("/task/search", params={"$$LIMIT": 1, "fields": "DE:Effort"}))[0]
        data(wf.put(f"/task/{task['ID']}", params={"name": "Payload"}))
        (delivery,) = receiver.wait_for(1)
    body = delivery["body"]
    assert {"eventType", "subscriptionId", "eventTime", "eventVersion", "subscriptionVersion", "newState",
            "oldState"} <= set(body)
    fields = set(data(wf.get("/task/metadata"))["fields"])
    for state in (body["newState"], body["oldState"]):
        assert fields <= set(state), sorted(fields - set(state))
        assert state["description"] is None  # present even when null
        assert state["parameterValues"] == {"DE:Effort": task["DE:Effort"]}
        assert not any(key.startswith(("DE:", "_")) for key in state), state
        assert "." in state["lastUpdateDate"] and state["lastUpdateDate"].count(":") == 2


def test_create_event_has_an_empty_old_state(subs, emulator, wf):
    with Receiver() as receiver:
        subs.post(SUBS, json=_body(receiver.url, eventType="CREATE", objCode="PROJ"))
        data(wf.post("/project", params={"name": "Fresh"}))
        (delivery,) = receiver.wait_for(1)
    assert delivery["body"]["oldState"] == {}
    assert delivery["body"]["newState"]["name"] == "Fresh" and delivery["body"]["newState"]["parameterValues"] == {}


def test_obj_id_limits_events_and_share_and_delete_events_arrive(subs, emulator, wf):
    first, second = data(wf.get("/task/search", params={"$$LIMIT": 2, "ID_Sort": "asc"}))
    user = data(wf.get("/user/search", params={"$$LIMIT": 1}))[0]
    with Receiver() as receiver:
        subs.post(SUBS, json=_body(receiver.url, objId=second["ID"]))
        subs.post(SUBS, json=_body(receiver.url, eventType="SHARE"))
        subs.post(SUBS, json=_body(receiver.url, eventType="DELETE"))
        data(wf.put(f"/task/{first['ID']}", params={"name": "not watched"}))
        data(wf.put(f"/task/{second['ID']}", params={"name": "watched"}))
        data(wf.put(f"/task/{first['ID']}/share", params={"accessorID": user["ID"], "accessorObjCode": "USER"}))
        data(wf.delete(f"/task/{first['ID']}", params={"force": "true"}))
        received = receiver.wait_for(3)
    # Deliveries go out several at once, as Workfront's do: they may arrive in any order.
    got = {r["body"]["eventType"]: r for r in received}
    assert sorted((t, (r["body"]["newState"] or r["body"]["oldState"])["ID"]) for t, r in got.items()) == sorted([
        ("UPDATE", second["ID"]), ("SHARE", first["ID"]), ("DELETE", first["ID"])])
    assert len(received) == 3 and got["DELETE"]["body"]["newState"] == {}


def _edit_tasks(wf, count: int, name: str) -> list[str]:
    """Edit ``count`` tasks (bulk edits of at most 100, as the docs allow); their IDs in edit order."""
    ids = [t["ID"] for t in data(wf.get("/task/search", params={"ID_Sort": "asc", "$$LIMIT": count, "fields": "ID"}))]
    for start in range(0, len(ids), 100):
        chunk = ids[start:start + 100]
        data(wf.put("/task", data={"updates": json.dumps([{"ID": i, "name": name} for i in chunk])}))
    return ids


def _dropped_run(subs, emulator, wf, receiver, seed: int) -> tuple[list[str], list[str]]:
    """Edit every demo task with half the deliveries dropped: (task IDs delivered, task IDs dropped)."""
    emulator.control.set_faults(event_drop_rate=0.5, random_seed=seed)
    before = len(emulator.control.dropped_events())
    ids = _edit_tasks(wf, 60, f"drop run {seed}")
    dropped = [d["objID"] for d in emulator.control.dropped_events()[before:]]
    arrived = receiver.wait_for(60 - len(dropped))
    delivered = [r["body"]["newState"]["ID"] for r in arrived if r["body"]["newState"]["name"] == f"drop run {seed}"]
    assert sorted(delivered + dropped) == sorted(ids)  # each event is either sent or dropped, never both
    return delivered, dropped


def test_the_drop_fault_never_sends_a_share_of_deliveries_reproducibly(subs, emulator, wf):
    with Receiver() as receiver:
        sub_id = subs.post(SUBS, json=_body(receiver.url)).json()["id"]
        delivered, dropped = _dropped_run(subs, emulator, wf, receiver, seed=7)
        assert 15 <= len(dropped) <= 45 and len(delivered) == 60 - len(dropped)
        time.sleep(0.5)  # nothing dropped arrives late
        assert not {r["body"]["newState"]["ID"] for r in receiver.received} & set(dropped)
        receiver.received.clear()
        again_delivered, again = _dropped_run(subs, emulator, wf, receiver, seed=7)
        assert again == dropped  # the same seed drops the same deliveries
        receiver.received.clear()
        other_delivered, other = _dropped_run(subs, emulator, wf, receiver, seed=8)
        assert other != dropped
    answered = [d for d in emulator.control.event_deliveries() if d["subscriptionId"] == sub_id and d["status"] == 200]
    assert len(answered) == len(delivered) + len(again_delivered) + len(other_delivered)  # a dropped one is never tried


def test_a_drop_rate_of_one_sends_nothing_and_a_bad_rate_is_refused(subs, emulator, wf):
    with Receiver() as receiver:
        subs.post(SUBS, json=_body(receiver.url))
        emulator.control.set_faults(event_drop_rate=1.0)
        _edit_tasks(wf, 5, "all dropped")
        time.sleep(0.5)
        assert receiver.received == []
        assert len(emulator.control.dropped_events()) >= 5
    with pytest.raises(RuntimeError, match="event_drop_rate"):
        emulator.control.set_faults(event_drop_rate=1.5)


class SlowReceiver(Receiver):
    """A receiver that takes ``delay`` seconds per delivery and records how many were in flight at once."""

    def __init__(self, delay: float, fail_every: int = 0) -> None:
        super().__init__()
        self.in_flight = 0
        self.max_in_flight = 0
        self.seen = 0
        lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with lock:
                    receiver.in_flight += 1
                    receiver.max_in_flight = max(receiver.max_in_flight, receiver.in_flight)
                    receiver.seen += 1
                    failing = bool(fail_every) and receiver.seen % fail_every == 0
                time.sleep(delay)
                with lock:
                    receiver.in_flight -= 1
                    receiver.received.append({"body": body, "failed": failing})
                self.send_response(503 if failing else 200)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server.server_close()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)


def test_a_burst_of_a_thousand_edits_is_delivered_in_parallel_and_failures_are_retried(subs, emulator, wf):
    # 1,000 tasks (the demo's 60 and 940 more), edited in ten bulk calls of 100.
    project = data(wf.get("/proj/search", params={"$$LIMIT": 1}))[0]
    for _ in range(10):
        data(wf.post("/task", data={"updates": json.dumps([{"name": "burst", "projectID": project["ID"]}] * 94)}))
    with SlowReceiver(delay=0.05, fail_every=50) as receiver:  # one delivery in 50 answers 503 and is retried
        sub_id = subs.post(SUBS, json=_body(receiver.url)).json()["id"]
        started = time.monotonic()
        ids = _edit_tasks(wf, 1000, "burst edit")
        assert len(ids) == 1000
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # every task delivered, and every attempt logged by the emulator
            received = list(receiver.received)
            delivered = {r["body"]["newState"]["ID"] for r in received if not r["failed"]}
            log = [d for d in emulator.control.event_deliveries() if d["subscriptionId"] == sub_id]
            if delivered == set(ids) and len(log) == len(received):
                break
            time.sleep(0.1)
        elapsed = time.monotonic() - started
    assert delivered == set(ids), f"{len(delivered)} of 1000 delivered in {elapsed:.1f} s"
    # Sent one after another, 1,000 deliveries of 50 ms would take 50 s; in parallel they overlap.
    assert receiver.max_in_flight >= 8, receiver.max_in_flight
    failed = sum(1 for r in received if r["failed"])
    assert failed >= 1000 // 50 and sum(1 for d in log if d["status"] == 503) == failed
    assert sum(1 for d in log if d["attempt"] > 1) >= failed  # each refused delivery was tried again
    print(f"1,000 deliveries (and {failed} retries) in {elapsed:.1f} s, {receiver.max_in_flight} at once")


def test_a_write_no_subscription_hears_of_starts_no_delivery_worker():
    # A worker's HTTP client costs tens of ms of CPU to make: a bulk edit with no subscriber
    # (a benchmark's churn) must not start sixteen of them.
    from airflow_workfront.emulator.app import Emulator, EmulatorConfig
    from airflow_workfront.emulator.catalog import resolve

    emu = Emulator(EmulatorConfig(seed="demo"))
    emu.asgi()  # attaches the subscriptions to the store
    task = next(iter(emu.store.objects["TASK"].values()))
    emu.store.update(resolve("TASK"), task["ID"], {"name": "heard by nobody"})
    assert emu.event_subscriptions is not None and emu.event_subscriptions._workers == []
