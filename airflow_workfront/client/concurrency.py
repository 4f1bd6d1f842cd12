"""The per-process cap on requests in flight, one per Workfront base URL.

Workfront limits concurrent requests per customer (about 10). Every client of the same base URL
in a process shares one semaphore, so several hooks or threads together stay under the cap.
The first client of a base URL sets its size.
"""

from __future__ import annotations

import asyncio
import threading
import weakref

_lock = threading.Lock()
_sync_slots: dict[str, threading.BoundedSemaphore] = {}
# Keyed by the loop object itself, held weakly: an ``id()`` can be reused by the next loop once
# the first is gone, and a semaphore from a closed loop cannot be used on another one.
_async_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Semaphore]] = (
    weakref.WeakKeyDictionary()
)


def sync_slots(base_url: str, limit: int) -> threading.BoundedSemaphore:
    """The semaphore shared by synchronous clients of ``base_url``."""
    with _lock:
        slot = _sync_slots.get(base_url)
        if slot is None:
            slot = _sync_slots[base_url] = threading.BoundedSemaphore(limit)
        return slot


def async_slots(base_url: str, limit: int) -> asyncio.Semaphore:
    """The semaphore shared by async clients of ``base_url`` on the running event loop."""
    loop = asyncio.get_running_loop()
    with _lock:
        per_loop = _async_slots.setdefault(loop, {})
        slot = per_loop.get(base_url)
        if slot is None:
            slot = per_loop[base_url] = asyncio.Semaphore(limit)
        return slot


def reset() -> None:
    """Forget every semaphore (tests that change limits use this)."""
    with _lock:
        _sync_slots.clear()
        _async_slots.clear()
