"""Event subscriptions (webhooks): the API at ``/attask/eventsubscription/api/v1/subscriptions``
and delivery of CREATE/UPDATE/DELETE events to subscriber URLs, with retries and backoff.

Deliveries go out in parallel (``DELIVERY_WORKERS`` at once), as Workfront's do, so a burst of a
thousand edits reaches the subscriber within seconds. A fault for tests drops a share of them
(``drop_rate``): a dropped delivery is never sent, as when Workfront gives up after its retries.

Deliveries are POSTed with the registered ``authToken`` as ``Authorization: Bearer <token>`` (the
docs call it a bearer token without naming the header) and the documented payload: eventType,
subscriptionId, eventTime, eventVersion, subscriptionVersion, newState, oldState.
"""

from __future__ import annotations

import json
import queue
import random
import re
import threading
import time
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from airflow_workfront.emulator.auth import CUSTOMER_ID, AuthState
from airflow_workfront.emulator.catalog import catalog
from airflow_workfront.emulator.errors import ApiError, bad_request
from airflow_workfront.emulator.responses import json_response

if TYPE_CHECKING:
    from airflow_workfront.emulator.store import Store

BASE = "/attask/eventsubscription/api/v1"
FIELDS = {"objCode", "eventType", "url", "authToken", "objId", "filters", "filterConnector", "base64Encoding"}
# What list and get answer (the docs' examples, and the payload version that creation answers and
# PUT .../version switches), plus the optional fields a subscription was created with.
SHOWN = ("id", "customerId", "objId", "objCode", "url", "eventType", "authToken", "version")
SHOWN_IF_SET = ("filters", "filterConnector", "base64Encoding")
EVENT_TYPES = ("CREATE", "UPDATE", "DELETE", "SHARE")
COMPARISONS = ("eq", "ne", "gt", "gte", "lt", "lte", "contains", "notContains", "containsOnly", "changed")
# The docs' list of supported objects (Report is PTLSEC, Dashboard PTLTAB, Timesheet TSHET), and the
# codes the notes add. Journal entries, among others, are not supported.
SUPPORTED_CODES = frozenset({"ASSGN", "CMPY", "PTLTAB", "DOCU", "EXPNS", "HOUR", "OPTASK", "NOTE", "PORT", "PRGM",
                             "PROJ", "PTLSEC", "TASK", "TMPL", "TSHET", "USER"})
EXTRA_CODES = {"approval", "approval_stage", "approval_stage_participant", "RECORD", "RECORD_TYPE", "WORKSPACE", "FIELD"}
MAX_ATTEMPTS = 11
DELIVERY_WORKERS = 16  # deliveries in flight at once
IDLE_SECONDS = 30.0  # a delivery worker with nothing to send for this long stops (a new event starts it again)
_WF_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}):(\d{3})([+-]\d{4})$")


def _plain(message: str, status: int) -> Response:
    return json_response({"error": {"message": message}}, status)


class EventSubscriptions:
    """Subscriptions of one tenant and their delivery worker."""

    def __init__(self, auth: AuthState, retry_base_seconds: float = 0.2, workers: int = DELIVERY_WORKERS) -> None:
        self.auth = auth
        self.subscriptions: dict[str, dict] = {}
        self.lock = threading.Lock()
        self.retry_base_seconds = retry_base_seconds
        self.workers = workers
        self._queue: queue.Queue = queue.Queue()
        self._log: list[dict] = []
        self._dropped: list[dict] = []
        self._workers: list[threading.Thread] = []
        self.drop_rate = 0.0
        self._drop_rng = random.Random(0)

    def configure_drops(self, rate: float, random_seed: int = 0) -> None:
        """Never send a share ``rate`` of deliveries (0 to 1), drawn reproducibly from ``random_seed``."""
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
            raise bad_request(f"event_drop_rate must be a number from 0 to 1, got {rate!r}")
        with self.lock:
            self.drop_rate = float(rate)
            self._drop_rng = random.Random(random_seed)

    # -- wiring -------------------------------------------------------------------------------

    def attach(self, store: Store) -> None:
        """Listen to a store's changes (called again after a reset)."""
        store.listeners[:] = [listener for listener in store.listeners if getattr(listener, "__self__", None) is not self]
        store.listeners.append(self.on_change)

    def delivery_log(self) -> list[dict]:
        """Every delivery attempt: URL, subscription, event type, attempt number, HTTP status (0: no answer)."""
        with self.lock:
            return list(self._log)

    def dropped_log(self) -> list[dict]:
        """The deliveries the drop fault kept from being sent: URL, subscription, event type, object ID."""
        with self.lock:
            return list(self._dropped)

    def routes(self) -> list[Route]:
        return [
            Route(f"{BASE}/subscriptions", self._collection, methods=["GET", "POST"]),
            Route(f"{BASE}/subscriptions/list", self._list_all, methods=["GET"]),
            Route(f"{BASE}/subscriptions/version", self._bulk_version, methods=["PUT"]),
            Route(f"{BASE}/subscriptions/{{sub_id}}", self._one, methods=["GET", "DELETE"]),
            Route(f"{BASE}/subscriptions/{{sub_id}}/version", self._version, methods=["PUT"]),
        ]

    # -- API ----------------------------------------------------------------------------------

    def _authenticate(self, request: Request) -> Response | None:
        headers = {k.lower(): v for k, v in request.headers.items()}
        if not headers.get("apikey") and headers.get("authorization") and not headers["authorization"].lower().startswith("bearer "):
            headers["apikey"] = headers["authorization"]  # the docs put the apiKey in Authorization
        try:
            caller = self.auth.caller(headers, {}, {}, write=request.method != "GET")
        except ApiError:
            return _plain("The apiKey or sessionID was empty or invalid", 401)
        if caller.user_id != self.auth.admin_id:
            return _plain("Only a System Administrator may manage event subscriptions", 403)
        return None

    def _public(self, sub: dict) -> dict:
        """A subscription as list and get show it: documented fields only, the token masked."""
        shown = {key: sub.get(key) for key in SHOWN}
        shown["authToken"] = "****" + sub["authToken"][-4:]
        shown.update({key: sub[key] for key in SHOWN_IF_SET if key in sub})
        return shown

    async def _collection(self, request: Request) -> Response:
        refused = self._authenticate(request)
        if refused:
            return refused
        if request.method == "GET":
            page = max(1, int(request.query_params.get("page", 1)))
            limit = min(1000, max(1, int(request.query_params.get("limit", 100))))
            with self.lock:
                subs = sorted(self.subscriptions.values(), key=lambda s: s["createdAt"])
            total = len(subs)
            chunk = subs[(page - 1) * limit: page * limit]
            return json_response({"subscriptions": [self._public(s) for s in chunk], "page": page, "limit": limit,
                                  "page_count": max(1, -(-total // limit)), "total_count": total})
        try:
            body = json.loads(await request.body() or b"null")
        except ValueError:
            return _plain("The body is not valid JSON", 400)
        problem = self._validate(body)
        if problem:
            return _plain(problem, 400)
        key = json.dumps({k: body.get(k) for k in ("objCode", "eventType", "url", "objId", "filters")}, sort_keys=True)
        with self.lock:
            if any(s["_key"] == key for s in self.subscriptions.values()):
                return _plain("An identical subscription already exists", 409)
            sub_id = str(uuid.uuid4())
            self.subscriptions[sub_id] = {
                "id": sub_id, "customerId": CUSTOMER_ID, "version": "v2", "createdAt": time.time(), "_key": key,
                **{k: body.get(k) for k in FIELDS if k in body},
            }
        location = f"{str(request.base_url).rstrip('/')}{BASE}/subscriptions/{sub_id}"
        return json_response({"id": sub_id, "version": "v2"}, 201, headers={"Location": location})

    def _validate(self, body: Any) -> str | None:
        if not isinstance(body, dict):
            return "The subscription must be a JSON object"
        extra = sorted(set(body) - FIELDS)
        if extra:
            return f"Unknown fields in the subscription: {', '.join(extra)}"
        missing = [f for f in ("objCode", "eventType", "url", "authToken") if not body.get(f)]
        if missing:
            return f"Missing required fields: {', '.join(missing)}"
        if body["objCode"] not in SUPPORTED_CODES and body["objCode"] not in EXTRA_CODES:
            return (f"objCode {body['objCode']!r} does not support event subscriptions; supported: "
                    f"{', '.join(sorted(SUPPORTED_CODES))}")
        if body["eventType"] not in EVENT_TYPES:
            return f"eventType must be one of {', '.join(EVENT_TYPES)}"
        parts = urlsplit(str(body["url"]))
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return "The URL field of the subscription resource is invalid"
        if len(str(body["authToken"])) > 255:
            return "authToken must be 255 characters or fewer"
        if body.get("filterConnector", "AND") not in ("AND", "OR"):
            return "filterConnector must be AND or OR"
        return None

    async def _list_all(self, request: Request) -> Response:
        refused = self._authenticate(request)
        if refused:
            return refused
        with self.lock:
            return json_response([self._public(s) for s in self.subscriptions.values()])

    async def _one(self, request: Request) -> Response:
        refused = self._authenticate(request)
        if refused:
            return refused
        sub_id = request.path_params["sub_id"]
        with self.lock:
            sub = self.subscriptions.get(sub_id)
            if sub is None:
                return _plain(f"No subscription {sub_id}", 404)
            if request.method == "DELETE":
                del self.subscriptions[sub_id]
                return Response(status_code=204)
            return json_response(self._public(sub))

    async def _version(self, request: Request) -> Response:
        refused = self._authenticate(request)
        if refused:
            return refused
        body = json.loads(await request.body() or b"{}")
        if body.get("version") not in ("v1", "v2"):
            return _plain("version must be v1 or v2", 400)
        with self.lock:
            sub = self.subscriptions.get(request.path_params["sub_id"])
            if sub is None:
                return _plain("No such subscription", 404)
            sub["version"] = body["version"]
        return Response(status_code=200)

    async def _bulk_version(self, request: Request) -> Response:
        refused = self._authenticate(request)
        if refused:
            return refused
        body = json.loads(await request.body() or b"{}")
        with self.lock:
            ids = list(self.subscriptions) if body.get("allCustomerSubscriptions") else body.get("subscriptionIds", [])
            for sub_id in ids:
                if sub_id in self.subscriptions:
                    self.subscriptions[sub_id]["version"] = body.get("version", "v2")
        return Response(status_code=200)

    # -- delivery -----------------------------------------------------------------------------

    def on_change(self, event: str, code: str, new: dict, old: dict) -> None:
        with self.lock:
            subs = list(self.subscriptions.values())
        subject = new or old
        queued = False
        for sub in subs:
            if sub["objCode"] != code or sub["eventType"] != event:
                continue
            if sub.get("objId") and sub["objId"] != subject.get("ID"):
                continue
            if not _filters_match(sub.get("filters") or [], sub.get("filterConnector", "AND"), new, old):
                continue
            now = time.time()
            payload = {"eventType": event, "subscriptionId": sub["id"],
                       "eventTime": {"epochSecond": int(now), "nano": int((now % 1) * 1e9)},
                       "eventVersion": sub.get("version", "v2"), "subscriptionVersion": sub.get("version", "v2"),
                       "customerId": CUSTOMER_ID, "userId": new.get("lastUpdatedByID") or self.auth.admin_id,
                       "newState": event_state(code, new), "oldState": event_state(code, old)}
            if str(sub.get("base64Encoding", "")).lower() == "true":
                import base64

                for key in ("newState", "oldState"):
                    payload[key] = base64.b64encode(json.dumps(payload[key]).encode()).decode()
            if self._drawn_for_drop():
                with self.lock:
                    self._dropped.append({"url": sub["url"], "subscriptionId": sub["id"], "eventType": event,
                                          "objID": subject.get("ID")})
                continue
            self._queue.put((sub["url"], sub["authToken"], payload, 0))
            queued = True
        if queued:  # a worker's HTTP client costs tens of ms of CPU: none for a write nobody hears of
            self._ensure_workers()

    def _drawn_for_drop(self) -> bool:
        with self.lock:
            return self.drop_rate > 0 and self._drop_rng.random() < self.drop_rate

    def _ensure_workers(self) -> None:
        """Start delivery workers up to ``workers`` (they stop when idle)."""
        with self.lock:
            while len(self._workers) < self.workers:
                worker = threading.Thread(target=self._deliver_loop, name="wf-emulator-webhooks", daemon=True)
                self._workers.append(worker)
                worker.start()

    def _requeue(self, item: tuple) -> None:
        self._queue.put(item)
        self._ensure_workers()

    def _deliver_loop(self) -> None:
        import httpx

        with httpx.Client(timeout=5.0) as client:
            while True:
                try:
                    url, token, payload, attempt = self._queue.get(timeout=IDLE_SECONDS)
                except queue.Empty:
                    with self.lock:  # stop only if nothing arrived meanwhile (a put is followed by _ensure_workers)
                        if self._queue.empty():
                            self._workers.remove(threading.current_thread())
                            return
                    continue
                try:
                    status = client.post(url, json=payload, headers={"Authorization": f"Bearer {token}"}).status_code
                except httpx.HTTPError:
                    status = 0
                with self.lock:
                    self._log.append({"url": url, "subscriptionId": payload["subscriptionId"],
                                      "eventType": payload["eventType"], "attempt": attempt + 1, "status": status})
                if not 200 <= status < 300 and attempt + 1 < MAX_ATTEMPTS:
                    # Workfront waits ((2^attempt) - 1) * 84.8 s; the emulator scales that down.
                    delay = ((2 ** (attempt + 1)) - 1) * self.retry_base_seconds
                    timer = threading.Timer(delay, self._requeue, ((url, token, payload, attempt + 1),))
                    timer.daemon = True
                    timer.start()


def event_state(code: str, record: dict) -> dict:
    """An object as event payloads carry it: every field of its type (null when unset), custom data
    under ``parameterValues``, dates with a dot before the milliseconds; ``{}`` for no object."""
    if not record:
        return {}
    obj_type = catalog().get(code)
    names = sorted(obj_type.fields) if obj_type else []
    state: dict[str, Any] = {"ID": record.get("ID"), "objCode": code, **{name: None for name in names}}
    if "customerID" in state:
        state["customerID"] = CUSTOMER_ID
    custom = {}
    for key, value in record.items():
        if key.startswith("_"):
            continue
        if isinstance(value, str):
            match = _WF_DATE.match(value)
            if match:
                value = f"{match[1]}.{match[2]}{match[3]}"
        if key.startswith("DE:"):
            custom[key] = value
        else:
            state[key] = value
    state["parameterValues"] = custom
    return state


def _filters_match(filters: list, connector: str, new: dict, old: dict) -> bool:
    if not filters:
        return True
    results = [_filter_matches(f, new, old) for f in filters]
    return any(results) if connector == "OR" else all(results)


def _filter_matches(spec: dict, new: dict, old: dict) -> bool:
    if spec.get("type") == "group":
        return _filters_match(spec.get("filters", []), spec.get("connector", "AND"), new, old)
    name = spec.get("fieldName")
    comparison = spec.get("comparison", "eq")
    if comparison == "changed":
        return (new or {}).get(name) != (old or {}).get(name)
    state = old if spec.get("state") == "oldState" else new
    value = (state or {}).get(name)
    wanted = spec.get("fieldValue")
    try:
        if comparison == "eq":
            return value == wanted or str(value) == str(wanted)
        if comparison == "ne":
            return str(value) != str(wanted)
        if comparison in ("gt", "gte", "lt", "lte"):
            if value is None or wanted is None:  # nothing to compare: the filter does not match
                return False
            a, b = float(value), float(wanted)
            return {"gt": a > b, "gte": a >= b, "lt": a < b, "lte": a <= b}[comparison]
        if comparison == "contains":
            return str(wanted) in str(value)
        if comparison == "notContains":
            return str(wanted) not in str(value)
        if comparison == "containsOnly":
            return isinstance(value, list) and set(map(str, value)) == {str(wanted)}
    except (TypeError, ValueError):
        return False
    return False  # an unknown comparison matches nothing, as Workfront's bad filters do
