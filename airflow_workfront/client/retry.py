"""When to retry, and how long to wait: capped exponential backoff with full jitter."""

from __future__ import annotations

import random
from email.utils import parsedate_to_datetime
from time import time

from airflow_workfront.client.errors import (
    WorkfrontError,
    WorkfrontRateLimitError,
    WorkfrontServerError,
    WorkfrontTransportError,
)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time())
    except (TypeError, ValueError):
        return None


def should_retry(error: WorkfrontError, idempotent: bool, before_send: bool) -> bool:
    """Whether a failed attempt may be repeated.

    429 is always safe (Workfront refused before doing anything). 5xx and dropped connections
    are repeated only for idempotent requests, or when the connection failed before sending.
    """
    if isinstance(error, WorkfrontRateLimitError):
        return True
    if isinstance(error, WorkfrontTransportError):
        return idempotent or before_send
    if isinstance(error, WorkfrontServerError):
        return idempotent and (error.status_code in RETRY_STATUSES or error.status_code is None)
    return False


def backoff_delay(
    attempt: int, base: float, cap: float, retry_after: float | None = None, rng: random.Random | None = None
) -> float:
    """Seconds to wait before retry number ``attempt`` (0-based).

    Full jitter over ``min(cap, base * 2**attempt)``, but never less than ``Retry-After``.
    """
    ceiling = min(cap, base * (2**attempt))
    delay = (rng or random).uniform(0, ceiling)
    if retry_after is not None:
        delay = max(delay, min(retry_after, max(cap, retry_after)))
    return delay
