"""AsyncWorkfrontClient: the asyncio twin of WorkfrontClient (httpx), used by triggers.

It shares request building, response reading, auth and retry rules with the sync client, so
the two can only differ in how bytes move.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any

import httpx

from airflow_workfront.client import concurrency
from airflow_workfront.client import operations as ops
from airflow_workfront.client.attempts import CallAttempts
from airflow_workfront.client.auth import TokenRequest
from airflow_workfront.client.config import ClientConfig
from airflow_workfront.client.errors import (
    WorkfrontError,
    WorkfrontTransportError,
    describe_request,
    error_from_response,
    redact,
)
from airflow_workfront.client.limits import MAX_PAGE_SIZE
from airflow_workfront.client.paging import PagePlan
from airflow_workfront.client.query import stable_sort
from airflow_workfront.client.request import RequestSpec, read_response
from airflow_workfront.client.retry import parse_retry_after
from airflow_workfront.client.server_clock import ServerClock, clock_probe, unknown_clock_error
from airflow_workfront.client.stats import RequestStats

log = logging.getLogger("airflow_workfront.client")



class AsyncWorkfrontClient:
    """Async Workfront client with the same rules as :class:`~airflow_workfront.client.WorkfrontClient`.

    :param config: Where and how to connect.
    :param transport: An ``httpx`` async transport (tests pass a mock one).
    :param sleep: The coroutine function used to wait between retries (tests pass a fake).
    """

    def __init__(self, config: ClientConfig, transport: httpx.AsyncBaseTransport | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.config = config
        self._sleep = sleep
        self.stats = RequestStats()
        self.server_clock = ServerClock()
        self._http = httpx.AsyncClient(
            timeout=config.timeout, verify=config.verify_ssl, transport=transport,
            headers={"User-Agent": config.user_agent},
        )
        self._auth_lock = asyncio.Lock()
        # Its own cap, and the strictest cap of every client of this host in the process.
        self._slots = asyncio.Semaphore(config.max_concurrency)
        self._host, self._leave_host = concurrency.join(self, config.base_url, config.max_concurrency)
        self._rng = random.Random()

    async def _call(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async with self._slots, self._host.aslot():
            response = await self._http.request(method, url, **kwargs)
        self.server_clock.observe(response.headers.get("Date"))  # every answer, errors included
        return response

    def _transport_error(self, operation: str, obj_code: str | None, target: str | None,
                         exc: Exception) -> WorkfrontTransportError:
        asked = describe_request(operation, obj_code, target)
        return WorkfrontTransportError(
            f"{asked} failed: could not get an answer from {self.config.base_url} ({type(exc).__name__})",
            operation=operation, obj_code=obj_code,
        )

    async def _authenticate(self) -> None:
        auth = self.config.auth
        if not auth.needs_token():
            return
        async with self._auth_lock:
            if auth.needs_token():
                await self._token_call(auth.token_request(self.config), auth.accept_token)

    async def _token_call(self, request: TokenRequest, accept: Any) -> None:
        attempts = CallAttempts(self.config, request.operation, rng=self._rng)
        while True:
            self.stats.record(request.operation, retry=attempts.is_retry)
            try:
                response = await self._call(request.method, request.url, data=request.data, headers=request.headers)
            except httpx.HTTPError as exc:
                error: WorkfrontError = self._transport_error(request.operation, None, None, exc)
            else:
                if response.status_code < 500 and response.status_code != 429:
                    if accept is not None:
                        try:
                            body = response.json()
                        except ValueError:
                            body = None
                        try:
                            accept(response.status_code, body)
                        except WorkfrontError as err:
                            raise redact(err, self.config.auth.secrets()) from None
                    return
                error = error_from_response(response.status_code, None, operation=request.operation,
                                            text=response.text)
            delay = attempts.token_retry_delay(error)
            if delay is None:
                raise redact(error, self.config.auth.secrets())
            await self._sleep(delay)

    async def send(self, spec: RequestSpec) -> Any:
        """Send one request with auth, retries and renewal; return its ``data`` (or raise)."""
        auth = self.config.auth
        attempts = CallAttempts(self.config, spec.operation, spec.idempotent, self._rng)
        while True:
            await self._authenticate()
            # Read the token before the headers: if another thread renews in between, the call
            # carries the newer token and a refusal forgets at most the older one.
            token_used = getattr(auth, "token", None)
            headers = auth.event_subscription_headers() if "/eventsubscription/" in spec.url else auth.headers()
            self.stats.record(spec.operation, retry=attempts.is_retry)
            log.debug("Workfront %s (%s)", spec.describe(), spec.operation)
            before_send = False
            try:
                response = await self._call(
                    spec.method, spec.url, params=spec.params or None, data=dict(spec.data) if spec.data else None,
                    files=spec.files, json=spec.json_body, headers=headers,
                )
            except httpx.HTTPError as exc:
                before_send = isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))
                error: WorkfrontError = self._transport_error(spec.operation, spec.obj_code, spec.target, exc)
            else:
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                try:
                    return read_response(spec, response.status_code, response.content, retry_after)
                except WorkfrontError as exc:
                    error = exc
            self.stats.record_error(type(error).__name__)
            if attempts.renew(error, token_used):
                continue
            delay = attempts.retry_delay(error, before_send)
            if delay is None:
                raise redact(error, auth.secrets())
            await self._sleep(delay)

    async def request(self, method: str, path: str, params: Mapping[str, Any] | None = None,
                      data: Mapping[str, Any] | None = None, operation: str | None = None) -> Any:
        """Send any API request: ``path`` is relative to ``/attask/api/<version>/``.

        :param params: Query parameters (values encoded like filters).
        :param data: Form body parameters.
        """
        return await self.send(ops.generic(self.config, method, path, params, data, operation))

    async def server_time(self, obj_code: str = "USER", refresh: bool = False) -> datetime:
        """Workfront's current time (UTC); see :meth:`WorkfrontClient.server_time`."""
        if refresh or self.server_clock.offset is None:
            await self.send(clock_probe(self.config, obj_code))
        now = self.server_clock.now()
        if now is None:
            raise unknown_clock_error(self.config.base_url)
        return now

    async def get(self, obj_code: str, obj_id: str, fields: Any = None) -> dict:
        """One object by ID."""
        return await self.send(ops.get(self.config, obj_code, obj_id, fields))

    async def search_page(self, obj_code: str, filters: Mapping[str, Any] | None = None, fields: Any = None,
                          sort: Any = None, first: int = 0, limit: int = MAX_PAGE_SIZE) -> list[dict]:
        """One page of a search (one request)."""
        return await self.send(ops.search_page(self.config, obj_code, filters, fields, sort, first, limit))

    async def search(self, obj_code: str, filters: Mapping[str, Any] | None = None, fields: Any = None,
                     sort: Any = None, page_size: int | None = None,
                     max_results: int | None = None) -> AsyncIterator[dict]:
        """Every matching object, page by page (same paging rules as the sync client)."""
        plan = PagePlan(self.config.page_size if page_size is None else page_size, max_results)
        order = stable_sort(sort)
        while (page := plan.next_page()) is not None:
            rows = await self.search_page(obj_code, filters, fields, order, *page)
            plan.got(len(rows))
            for row in rows:
                yield row

    async def count(self, obj_code: str, filters: Mapping[str, Any] | None = None) -> int:
        """How many objects match ``filters``."""
        return await self.send(ops.count(self.config, obj_code, filters))

    async def aclose(self) -> None:
        """Log out a session (if any) and close the HTTP client."""
        logout = self.config.auth.logout_request(self.config)
        if logout is not None:
            try:
                await self._token_call(logout, None)
            except WorkfrontError as err:
                log.warning("Workfront logout failed: %s", err)
            self.config.auth.invalidate()
        await self._http.aclose()
        self._leave_host()

    async def __aenter__(self) -> AsyncWorkfrontClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return f"AsyncWorkfrontClient({self.config!r})"
