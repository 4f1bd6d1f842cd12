"""The FastAPI app Airflow's API server mounts under ``/workfront``: ``POST /events/{name}``.

One delivery goes through, in this order, stopping at the first refusal:

1. the bearer token, compared in constant time with the receiver's (``401`` otherwise, the same
   answer for an unknown receiver name, so names cannot be probed);
2. the size, from ``Content-Length`` and again while reading (``413``);
3. the documented payload (``400`` saying which field is wrong);
4. the asset event, recorded once per change (``200``; a repeat answers ``200`` too, so
   Workfront stops retrying, and records nothing).

Workfront counts a delivery as failed unless it gets a 2xx within 5 seconds. The clock starts when
the request reaches the handler: a token lookup or a recording that would end later answers
``503`` before then, and the retry is de-duplicated if the first attempt finished after all. Token
lookups and recordings run in threads of their own (a few each, fewer recordings than the
database pool has connections), so a burst of deliveries waiting to be recorded never holds up
the answers, and a delivery still queued when its time is up is dropped and retried, not recorded
late. Tokens and field values are never logged.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import anyio
import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.background import BackgroundTask

from airflow_workfront.plugins.payload import PayloadError, parse_delivery
from airflow_workfront.plugins.receivers import ReceiverConfigError, ReceiverSettings, load_settings
from airflow_workfront.plugins.recording import AssetNotFound, ClaimPruner, record_delivery
from airflow_workfront.plugins.tokens import TokenSource, bearer_matches

if TYPE_CHECKING:
    from airflow_workfront.plugins.receivers import Receiver

log = logging.getLogger("airflow_workfront.plugins.receiver")

# Workfront waits 5 s for a 2xx; answer well before that, whatever the database does.
ANSWER_WITHIN_SECONDS = 4.0
UNAUTHORIZED = {"detail": "Unauthorized"}
# Threads per API-server worker: token lookups (cached, quick), and recordings, fewer than
# Airflow's default database pool (5 connections + 10 overflow) so none waits for a connection.
TOKEN_THREADS, RECORDING_THREADS = 4, 10
T = TypeVar("T")


class Busy(Exception):
    """The delivery cannot be answered in time; Workfront is told to retry."""


class Threads:
    """Thread pools of their own for token lookups and recordings, each with a deadline.

    The limiters are made on first use, inside the API server's event loop.
    """

    def __init__(self) -> None:
        self._limiters: dict[str, anyio.CapacityLimiter] = {}

    async def run(self, pool: str, size: int, deadline: float, func: Callable[..., T], *args: Any) -> T:
        """``func(*args)`` in a thread of ``pool``; :class:`Busy` when it would end after ``deadline``
        (``time.monotonic()``). A call still queued then never runs; one already running finishes
        in the background."""
        limiter = self._limiters.get(pool)
        if limiter is None:
            limiter = self._limiters[pool] = anyio.CapacityLimiter(size)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise Busy(pool)
        try:
            return await asyncio.wait_for(anyio.to_thread.run_sync(func, *args, limiter=limiter), remaining)
        except asyncio.TimeoutError:
            raise Busy(pool) from None


def _refuse(status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


async def _read_body(request: Request, limit: int) -> bytes | None:
    """The body, or None as soon as it is known to pass ``limit`` bytes (nothing more is read)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def create_app(settings: ReceiverSettings | None = None, tokens: TokenSource | None = None,
               answer_within: float = ANSWER_WITHIN_SECONDS) -> FastAPI:
    """Build the receiver app; ``settings`` default to the ``[workfront_events]`` configuration."""
    if settings is None:
        try:
            settings = load_settings()
        except ReceiverConfigError as err:
            log.error("Workfront event receiver disabled, every delivery gets a 401: %s", err)
            settings = ReceiverSettings({})
    tokens = tokens or TokenSource()
    threads = Threads()
    pruners: dict[str, ClaimPruner] = {}
    app = FastAPI(title="Workfront event receiver", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings

    async def authenticate(name: str, request: Request, deadline: float) -> Receiver | None:
        receiver = settings.receivers.get(name)
        # An unknown name takes the same thread hop as a known one, so timing does not tell them apart.
        expected = await (threads.run("tokens", TOKEN_THREADS, deadline, tokens.get, receiver.conn_id) if receiver
                          else threads.run("tokens", TOKEN_THREADS, deadline, _no_token))
        if bearer_matches(request.headers.get("authorization"), expected):
            return receiver
        why = "unknown receiver" if receiver is None else "no usable token configured" if expected is None else (
            "no bearer token" if "authorization" not in request.headers else "wrong token")
        log.warning("Workfront event receiver %r refused a delivery from %s: %s", name, _client(request), why)
        return None

    def prune_later(receiver: Receiver) -> BackgroundTask | None:
        pruner = pruners.setdefault(receiver.asset, ClaimPruner(settings.dedup_hours))
        return BackgroundTask(_prune, pruner, receiver) if pruner.due() else None

    @app.post("/events/{name}")
    async def receive(name: str, request: Request) -> JSONResponse:
        """Receive one Workfront event delivery for the receiver ``name``."""
        deadline = time.monotonic() + answer_within
        try:
            receiver = await authenticate(name, request, deadline)
        except Busy:
            log.error("Workfront event receiver %r: no token lookup within %.1f s; Workfront will retry",
                      name, answer_within)
            return _refuse(503, "the receiver is busy; retry later")
        if receiver is None:
            return _refuse(401, UNAUTHORIZED["detail"], {"WWW-Authenticate": "Bearer"})
        body = await _read_body(request, settings.max_body_bytes)
        if body is None:
            log.warning("Workfront event receiver %r refused a delivery over %d bytes", name, settings.max_body_bytes)
            return _refuse(413, f"a delivery may be at most {settings.max_body_bytes} bytes")
        try:
            delivery = parse_delivery(body)
        except PayloadError as err:
            log.warning("Workfront event receiver %r refused a malformed delivery: %s", name, err)
            return _refuse(400, f"not a Workfront event delivery: {err}")
        try:
            recorded = await threads.run("recordings", RECORDING_THREADS, deadline, record_delivery, receiver, delivery)
        except Busy:
            log.error("Workfront event receiver %r: recording %s %s %s took over %.1f s; Workfront will retry",
                      name, delivery.event_type, delivery.obj_code, delivery.obj_id, answer_within)
            return _refuse(503, "the event could not be recorded in time; retry later")
        except AssetNotFound:
            log.error("Workfront event receiver %r: Airflow knows no asset %r (is a DAG that uses it deployed?); "
                      "Workfront will retry", name, receiver.asset)
            return _refuse(503, "the receiver's asset is not known to Airflow yet; retry later")
        except Exception:  # the transaction rolled back, so the claim went with it: a retry can succeed
            log.exception("Workfront event receiver %r: recording %s %s %s failed; Workfront will retry",
                          name, delivery.event_type, delivery.obj_code, delivery.obj_id)
            return _refuse(500, "the event could not be recorded; retry later")
        outcome: dict[str, Any] = {"status": "duplicate" if recorded.duplicate else "recorded",
                                   "delivery_id": delivery.delivery_id}
        if recorded.duplicate:
            log.info("Workfront event receiver %r: %s %s %s already recorded (delivery %s), skipped",
                     name, delivery.event_type, delivery.obj_code, delivery.obj_id, delivery.delivery_id[:12])
        else:
            outcome["asset_event_id"] = recorded.asset_event_id
            log.info("Workfront event receiver %r: %s %s %s -> asset %r event %s (%d changed fields)",
                     name, delivery.event_type, delivery.obj_code, delivery.obj_id, receiver.asset,
                     recorded.asset_event_id, len(delivery.changed_fields))
        return JSONResponse(outcome, background=prune_later(receiver))

    return app


def _no_token() -> str | None:
    return None


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"


def _prune(pruner: ClaimPruner, receiver: Receiver) -> None:
    try:
        removed = pruner.prune(receiver.asset)
    except Exception as err:  # pruning is housekeeping; the next interval tries again
        log.warning("Workfront event receiver %r: pruning old delivery IDs failed: %s", receiver.name, err)
        return
    if removed:
        log.info("Workfront event receiver %r: forgot %d delivery IDs older than the retry window", receiver.name, removed)
