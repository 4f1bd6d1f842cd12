"""The emulator as an ASGI application: the tenant, its limits and faults, and the control API.

``Emulator`` holds one tenant (store, credentials, API); :meth:`Emulator.asgi` wraps it in the
limits Workfront and its CDN apply (URL length, concurrent requests) and in optional faults
(latency, 429/500, dropped connections) that are reproducible from a random seed.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from email.utils import formatdate

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from airflow_workfront.emulator import control, eventsubs, oauth, timefmt
from airflow_workfront.emulator.api import WorkfrontApi
from airflow_workfront.emulator.auth import AuthState
from airflow_workfront.emulator.catalog import resolve
from airflow_workfront.emulator.churn import Churn
from airflow_workfront.emulator.cost import send_when_due
from airflow_workfront.emulator.errors import ApiError, bad_request
from airflow_workfront.emulator.ordering import ResultOrder
from airflow_workfront.emulator.responses import error_response, json_response
from airflow_workfront.emulator.rules import InventedRules
from airflow_workfront.emulator.seed import seed_demo, seed_size
from airflow_workfront.emulator.settings import FAULT_KINDS, EmulatorConfig, Faults, Stats
from airflow_workfront.emulator.store import Clock, Store

__all__ = ["FAULT_KINDS", "DroppedConnection", "Emulator", "EmulatorConfig", "Faults", "QuietDroppedConnections",
           "Stats", "http_date", "route_name"]

MAX_URL_BYTES = 8892
_ID_SEGMENT = re.compile(r"/[0-9a-f]{32}(?=/|$)")
log = logging.getLogger(__name__)


class DroppedConnection(Exception):
    """Raised mid-response to make the server close the connection (an injected fault)."""


def route_name(method: str, path: str) -> str:
    """``GET /attask/api/v21.0/task/{id}``: IDs folded so stats group by route."""
    return f"{method} {_ID_SEGMENT.sub('/{id}', path)}"


class Emulator:
    """One emulated Workfront tenant."""

    def __init__(self, config: EmulatorConfig | None = None) -> None:
        self.config = config or EmulatorConfig()
        self.clock = Clock()
        try:
            self.zone = timefmt.tenant_zone(self.config.time_zone)
        except ValueError as err:
            raise bad_request(str(err)) from None
        if self.config.clock_offset:
            self.clock.set_offset(self.config.clock_offset)
        if self.config.clock:
            self.clock.set(timefmt.parse_time(self.config.clock, 0))
        self.faults = Faults()
        self.faults.configure(self.config.fault_rate, self.config.fault_kinds, self.config.latency_ms,
                              self.config.random_seed)
        self.faults.set_cost(self.config.base_cost_ms, self.config.row_cost_ms)
        self.stats = Stats()
        self.rules = InventedRules(self.config.invented_rules)
        self.order = ResultOrder(self.config.shuffle_seed)
        self.auth = AuthState(self.config.auth)
        self.store = Store(self.clock)
        self.api = WorkfrontApi(self.store, self.auth)
        self.event_subscriptions: eventsubs.EventSubscriptions | None = None
        self.reset(self.config.seed, self.config.seed_size, self.config.random_seed)

    @property
    def churn(self) -> Churn:
        """Edits and deletes between searches (a fault the control API configures)."""
        return self.api.churn

    def reset(self, seed: str = "demo", size: int = 0, random_seed: int = 0) -> None:
        """Replace the tenant's data with a fresh seed (credentials keep working)."""
        if seed not in ("demo", "empty"):
            raise bad_request(f"unknown seed {seed!r}; use demo or empty")
        store = Store(self.clock)
        store.rules, store.order = self.rules, self.order  # settings outlive the data
        with timefmt.using_zone(self.zone):  # seeded dates carry the tenant's offsets
            if seed == "demo":
                admin = seed_demo(store, random_seed, self.config.auth.username)
            else:
                admin = str(store.create(resolve("USER"), {"name": "Admin User", "username": self.config.auth.username,
                                                           "isAdmin": True}, object_id="0" * 31 + "1",
                                         journal=False)["ID"])
                store.default_user_id = admin
            if size:
                seed_size(store, size, random_seed)
        self.store = store
        self.api.store = store
        self.api.evaluator.store = store
        self.auth.bind_admin(admin)
        if self.event_subscriptions is not None:
            self.event_subscriptions.attach(store)

    # -- ASGI -------------------------------------------------------------------------------

    def asgi(self):
        """The full application: limits and faults around the API and control routes."""
        verbs = ["GET", "POST", "PUT", "DELETE"]
        routes = [
            Route("/attask/api/{rest:path}", self._api_endpoint, methods=verbs),
            # The unversioned internal and unsupported APIs (the official client's default is
            # api-internal) answer like the newest version, with every field the emulator knows.
            Route("/attask/api-internal/{rest:path}", self._internal_endpoint, methods=verbs),
            Route("/attask/api-unsupported/{rest:path}", self._unsupported_endpoint, methods=verbs),
            *oauth.routes(self.auth),
        ]
        self.event_subscriptions = eventsubs.EventSubscriptions(self.auth)
        self.event_subscriptions.configure_drops(self.config.event_drop_rate, self.config.random_seed)
        self.event_subscriptions.attach(self.store)
        routes += self.event_subscriptions.routes()
        if self.config.control_api:
            routes += control.routes(self)
        app = Starlette(routes=routes, exception_handlers={HTTPException: _json_http_error})
        return _ClockDate(_Limits(app, self), self.clock)

    async def _api_endpoint(self, request: Request) -> Response:
        return await self.api.handle(request, request.path_params["rest"])

    async def _internal_endpoint(self, request: Request) -> Response:
        return await self.api.handle(request, request.path_params["rest"], "internal")

    async def _unsupported_endpoint(self, request: Request) -> Response:
        return await self.api.handle(request, request.path_params["rest"], "unsupported")


async def _json_http_error(request: Request, exc: Exception) -> Response:
    """A path or verb no route serves answers Workfront's JSON error body, never a plain-text page."""
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    error_class = {404: "com.attask.common.NotFoundException",
                   405: "java.lang.UnsupportedOperationException"}.get(status, "java.lang.IllegalArgumentException")
    what = "is not a Workfront API path" if status == 404 else f"does not take {request.method}"
    return error_response(ApiError(status, error_class, f"{request.url.path} {what}"))


class _Limits:
    """ASGI middleware: URL length, concurrency limit, latency, faults and stats."""

    def __init__(self, app, emulator: Emulator) -> None:
        self.app = app
        self.emulator = emulator

    async def __call__(self, scope, receive, send) -> None:
        with timefmt.using_zone(self.emulator.zone):  # every date this request reads or writes is in tenant time
            await self._call(scope, receive, send)

    async def _call(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if path.startswith("/_emulator"):
            await self.app(scope, receive, send)
            return
        emulator = self.emulator
        stats = emulator.stats
        arrived = time.monotonic()
        uri = len(scope.get("raw_path") or path.encode()) + (1 + len(scope["query_string"]) if scope["query_string"] else 0)
        with stats.lock:
            stats.total += 1
            stats.by_route[route_name(scope["method"], path)] += 1
        if uri > MAX_URL_BYTES:
            # Workfront's CDN refuses long URIs before Workfront sees them, with an HTML page.
            await Response("<html><body><h1>414 Request-URI Too Large</h1></body></html>", 414,
                           media_type="text/html")(scope, receive, send)
            return
        with stats.lock:
            if stats.in_flight >= emulator.config.concurrency_limit:
                stats.rejected_429 += 1
                refused = True
            else:
                stats.in_flight += 1
                stats.max_in_flight = max(stats.max_in_flight, stats.in_flight)
                refused = False
        if refused:
            await _too_many(scope, receive, send)
            return
        try:
            if emulator.faults.latency_ms:
                await asyncio.sleep(emulator.faults.latency_ms / 1000)
            fault = emulator.faults.draw()
            if fault:
                with stats.lock:
                    stats.faults[fault] += 1
            if fault == "429":
                await _too_many(scope, receive, send)
            elif fault == "500":
                error = ApiError(500, "com.attask.common.InternalServerException", "Injected server error (emulator fault)")
                await error_response(error)(scope, receive, send)
            elif fault == "drop":
                await send({"type": "http.response.start", "status": 200,
                            "headers": [(b"content-type", b"application/json"), (b"content-length", b"1000")]})
                await send({"type": "http.response.body", "body": b'{"data": [', "more_body": True})
                raise DroppedConnection("injected dropped connection")
            elif fault == "error200":
                # The reference notes: clients must check the error key even on 200 (python-workfront's
                # test records a 200 carrying java.lang.UnsupportedOperationException).
                error = ApiError(200, "java.lang.UnsupportedOperationException",
                                 "Injected error answered with HTTP 200 (emulator fault)")
                await json_response(error.body(), 200)(scope, receive, send)
            elif emulator.faults.cost.active:
                await send_when_due(emulator.faults.cost, arrived, self.app, scope, receive, send)
            else:
                await self.app(scope, receive, send)
        finally:
            with stats.lock:
                stats.in_flight -= 1


class _ClockDate:
    """ASGI middleware: every answer's ``Date`` header comes from the emulator's clock.

    Clients read Workfront's clock from that header, so a skewed or frozen emulator clock must show
    there. The server's own real-time ``Date`` is switched off where the emulator starts uvicorn
    (``date_header=False``); one the app set is replaced.
    """

    def __init__(self, app, clock: Clock) -> None:
        self.app = app
        self.clock = clock

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_date(message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"date"]
                headers.append((b"date", http_date(self.clock.now_ms()).encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_date)


def http_date(ms: int) -> str:
    """An HTTP ``Date`` value (IMF-fixdate, whole seconds, truncated) for an instant in ms."""
    return formatdate(ms // 1000, usegmt=True)


async def _too_many(scope, receive, send) -> None:
    error = ApiError(429, "com.attask.common.TooManyRequestsException",
                     "Too many concurrent API requests for the given customer.")
    await error_response(error)(scope, receive, send)


class QuietDroppedConnections(logging.Filter):
    """Keeps injected connection drops out of uvicorn's error log."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, DroppedConnection)

