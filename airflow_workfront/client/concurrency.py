"""The per-process cap on requests in flight to one Workfront base URL.

Workfront limits concurrent requests per customer (about 10). Every client of a base URL in a
process registers its ``max_concurrency`` with that URL's :class:`HostLimit`, and a request
needs a slot under the smallest limit registered: a ``max_concurrency=3`` client holds its
whole process to 3 requests at that host, whichever client was made first. Each client also
keeps its own cap, so a client never has more than its own ``max_concurrency`` in flight.
A client's limit is forgotten when it is closed or garbage collected.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import weakref
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

_lock = threading.Lock()
_hosts: dict[str, HostLimit] = {}
_tokens = itertools.count()


class HostLimit:
    """Requests in flight to one base URL, under the strictest limit of its live clients.

    Threads share one count. Async clients count per event loop (an asyncio primitive belongs to
    one loop) under the same limit.
    """

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._limits: dict[int, int] = {}
        self._cond = threading.Condition()
        self._in_flight = 0
        # Held weakly by loop: a closed loop's waiters cannot be used by the next one.
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopCount] = weakref.WeakKeyDictionary()

    @property
    def limit(self) -> int:
        """The smallest ``max_concurrency`` among the registered clients."""
        with self._cond:
            return min(self._limits.values(), default=1)

    @property
    def in_flight(self) -> int:
        """Synchronous requests in flight now."""
        with self._cond:
            return self._in_flight

    def register(self, limit: int) -> int:
        """Add a client's limit; returns the token that :meth:`unregister` takes."""
        if limit < 1:
            raise ValueError(f"max_concurrency must be at least 1, got {limit}")
        token = next(_tokens)
        with self._cond:
            self._limits[token] = limit
        return token

    def unregister(self, token: int) -> None:
        """Forget a client's limit; waiting requests may go if the limit grew."""
        with self._cond:
            self._limits.pop(token, None)
            self._cond.notify_all()

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one of the base URL's slots while the block runs (a thread waits for one)."""
        with self._cond:
            while self._in_flight >= min(self._limits.values(), default=1):
                self._cond.wait()
            self._in_flight += 1
        try:
            yield
        finally:
            with self._cond:
                self._in_flight -= 1
                self._cond.notify_all()

    @asynccontextmanager
    async def aslot(self) -> AsyncIterator[None]:
        """The async twin of :meth:`slot`, counted per running event loop."""
        loop = asyncio.get_running_loop()
        with _lock:
            count = self._loops.get(loop)
            if count is None:
                count = self._loops[loop] = _LoopCount()
        async with count.cond:
            await count.cond.wait_for(lambda: count.in_flight < self.limit)
            count.in_flight += 1
        try:
            yield
        finally:
            async with count.cond:
                count.in_flight -= 1
                count.cond.notify_all()


class _LoopCount:
    def __init__(self) -> None:
        self.cond = asyncio.Condition()
        self.in_flight = 0


def host_limit(base_url: str) -> HostLimit:
    """The :class:`HostLimit` of ``base_url`` in this process."""
    with _lock:
        host = _hosts.get(base_url)
        if host is None:
            host = _hosts[base_url] = HostLimit(base_url)
        return host


def join(owner: object, base_url: str, limit: int) -> tuple[HostLimit, weakref.finalize]:
    """Register ``owner``'s limit with its base URL until ``owner`` is garbage collected.

    Returns the :class:`HostLimit` and a finaliser that forgets the limit at once when called
    (a closed client calls it; calling it twice does nothing).
    """
    host = host_limit(base_url)
    token = host.register(limit)
    return host, weakref.finalize(owner, host.unregister, token)


def reset() -> None:
    """Forget every base URL's state (tests that change limits use this)."""
    with _lock:
        _hosts.clear()
