"""When to retry, and how long to wait: capped exponential backoff with full jitter.

A ``Retry-After`` that Workfront (or a proxy in front of it) sends is honoured: the client never
retries sooner than asked, even past ``backoff_max``. It waits at most :data:`MAX_RETRY_AFTER`
seconds, though. A longer wait would hold a worker and its pool slots idle, so such an answer is
not retried at all: the call fails at once with the
:class:`~airflow_workfront.client.errors.WorkfrontRateLimitError`, whose ``retry_after`` says how
long Workfront asked for, and the task's own Airflow retries take over.
"""

from __future__ import annotations

import logging
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

# The longest Retry-After the client waits for (seconds); a longer one ends the call at once.
MAX_RETRY_AFTER = 300.0

log = logging.getLogger(__name__)


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

    429 is safe to repeat (Workfront refused before doing anything), unless its ``Retry-After``
    asks for more than :data:`MAX_RETRY_AFTER` seconds. 5xx and dropped connections are repeated
    only for idempotent requests, or when the connection failed before sending.
    """
    if isinstance(error, WorkfrontRateLimitError):
        if error.retry_after is not None and error.retry_after > MAX_RETRY_AFTER:
            log.warning("Workfront asked to wait %.0f s before retrying, more than the %.0f s the client "
                        "waits: giving up now", error.retry_after, MAX_RETRY_AFTER)
            return False
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

    Full jitter over ``min(cap, base * 2**attempt)``, but never less than ``Retry-After``, which
    may exceed ``cap``. A ``Retry-After`` above :data:`MAX_RETRY_AFTER` counts as that ceiling
    (:func:`should_retry` does not retry those at all).
    """
    ceiling = min(cap, base * (2**attempt))
    delay = (rng or random).uniform(0, ceiling)
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
    return delay
