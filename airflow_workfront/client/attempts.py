"""What a client does after a failed attempt: renew credentials, wait and retry, or give up.

The sync and async clients send requests differently but decide the same way; this keeps the
decision (and its counters) in one place for both.
"""

from __future__ import annotations

import logging
import random
from typing import Any

from airflow_workfront.client.errors import WorkfrontAuthenticationError, WorkfrontError
from airflow_workfront.client.retry import backoff_delay, should_retry

log = logging.getLogger(__name__)

# Renewals one call may make: one per refused token (another thread may have renewed a token
# that then expired again), but a credential that really is wrong must still fail fast.
MAX_RENEWALS_PER_CALL = 3


class CallAttempts:
    """The attempts of one call: how many were made, and which tokens were refused.

    :param config: The client's :class:`~airflow_workfront.client.config.ClientConfig`.
    :param operation: Operation name, for logs.
    :param idempotent: Whether repeating the request after a server error is safe.
    :param rng: Random source for the backoff jitter.
    """

    def __init__(self, config: Any, operation: str, idempotent: bool = True, rng: random.Random | None = None) -> None:
        self.config = config
        self.operation = operation
        self.idempotent = idempotent
        self.rng = rng
        self.attempt = 0
        self.refused: set = set()

    @property
    def is_retry(self) -> bool:
        """True from the second attempt on (for request statistics)."""
        return self.attempt > 0

    def renew(self, error: WorkfrontError, token_used: Any) -> bool:
        """Invalidate the refused token and return True when the call should be sent again with a
        new one: once per refused token, at most :data:`MAX_RENEWALS_PER_CALL` times."""
        auth = self.config.auth
        if not (isinstance(error, WorkfrontAuthenticationError) and auth.renewable):
            return False
        if token_used in self.refused or len(self.refused) >= MAX_RENEWALS_PER_CALL:
            return False
        log.info("Workfront %s: credentials refused, renewing them", self.operation)
        auth.invalidate(token_used)
        self.refused.add(token_used)
        return True

    def retry_delay(self, error: WorkfrontError, before_send: bool = False) -> float | None:
        """Seconds to wait before retrying, or None when the error is final."""
        if self.attempt >= self.config.max_retries or not should_retry(error, self.idempotent, before_send):
            return None
        delay = backoff_delay(self.attempt, self.config.backoff_base, self.config.backoff_max,
                              getattr(error, "retry_after", None), self.rng)
        log.warning("Workfront %s: %s; retry %d/%d in %.2fs", self.operation, type(error).__name__,
                    self.attempt + 1, self.config.max_retries, delay)
        self.attempt += 1
        return delay

    def token_retry_delay(self, error: WorkfrontError) -> float | None:
        """Like :meth:`retry_delay`, for the calls that obtain a token (retried when retryable)."""
        if self.attempt >= self.config.max_retries or not error.retryable:
            return None
        delay = backoff_delay(self.attempt, self.config.backoff_base, self.config.backoff_max, rng=self.rng)
        self.attempt += 1
        return delay
