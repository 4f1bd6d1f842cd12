"""The decision after a failed attempt, shared by the sync and async clients."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from airflow_workfront.client.attempts import MAX_RENEWALS_PER_CALL, CallAttempts
from airflow_workfront.client.errors import (
    WorkfrontAuthenticationError,
    WorkfrontBadRequestError,
    WorkfrontRateLimitError,
    WorkfrontServerError,
    WorkfrontTransportError,
)


@dataclass
class RenewableAuth:
    renewable: bool = True
    invalidated: list = field(default_factory=list)

    def invalidate(self, token=None):
        self.invalidated.append(token)


@dataclass
class Config:
    auth: RenewableAuth = field(default_factory=RenewableAuth)
    max_retries: int = 2
    backoff_base: float = 0.5
    backoff_max: float = 30.0


def test_each_refused_token_is_renewed_once_and_at_most_three_in_all():
    config = Config()
    attempts = CallAttempts(config, "search")
    refused = WorkfrontAuthenticationError("refused", status_code=401)
    assert attempts.renew(refused, "t1") is True
    assert attempts.renew(refused, "t1") is False  # the same token again: a bad credential
    assert attempts.renew(refused, "t2") and attempts.renew(refused, "t3")
    assert attempts.renew(refused, "t4") is False
    assert config.auth.invalidated == ["t1", "t2", "t3"] and MAX_RENEWALS_PER_CALL == 3


def test_api_keys_are_never_renewed():
    attempts = CallAttempts(Config(auth=RenewableAuth(renewable=False)), "search")
    assert attempts.renew(WorkfrontAuthenticationError("refused", status_code=401), None) is False


def test_retries_stop_at_max_retries_and_honour_retry_after():
    attempts = CallAttempts(Config(max_retries=2), "search", rng=random.Random(1))
    limited = WorkfrontRateLimitError("slow down", retry_after=7.0, status_code=429)
    assert attempts.retry_delay(limited) >= 7.0 and attempts.is_retry
    assert attempts.retry_delay(limited) >= 7.0
    assert attempts.retry_delay(limited) is None


def test_a_create_is_not_repeated_after_a_server_error_unless_it_was_never_sent():
    error, dropped = WorkfrontServerError("boom", status_code=500), WorkfrontTransportError("reset")
    create = CallAttempts(Config(), "create", idempotent=False)
    assert create.retry_delay(error) is None
    assert create.retry_delay(dropped) is None
    assert create.retry_delay(dropped, before_send=True) is not None
    assert CallAttempts(Config(), "search").retry_delay(error) is not None


def test_bad_requests_are_final():
    assert CallAttempts(Config(), "search").retry_delay(WorkfrontBadRequestError("bad", status_code=400)) is None
