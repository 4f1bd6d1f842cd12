"""Client settings: where Workfront is, how to authenticate, and how hard to try."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from airflow_workfront import __version__

MAX_PAGE_SIZE = 2000
MAX_BULK_SIZE = 100
MAX_URL_BYTES = 8892  # Workfront's CDN refuses longer request URIs
# Workfront's versioned API paths: /attask/api/v21.0. Anything else becomes part of the URL.
API_VERSION_PATTERN = re.compile(r"v[0-9]{1,3}\.[0-9]{1,2}")


@dataclass
class ClientConfig:
    """Everything a :class:`~airflow_workfront.client.WorkfrontClient` needs.

    :param host: ``scheme://host[:port]`` of the Workfront tenant (or the local emulator).
    :param auth: One of the auth objects in :mod:`airflow_workfront.client.auth`.
    :param api_version: Pinned API version, e.g. ``v21.0``.
    :param timeout: Seconds to wait for one HTTP response.
    :param max_retries: Retries on 429, 5xx and connection errors (0 disables them).
    :param backoff_base: First backoff in seconds; doubles per retry, with full jitter.
    :param backoff_max: Upper bound of one backoff, in seconds.
    :param max_concurrency: Requests in flight at once, per process and base URL.
    :param verify_ssl: Verify TLS certificates.
    :param page_size: Rows per search page (at most 2000).
    :param max_parsing: Answers read and parsed at once, per client. Parsing holds the GIL, so
        more than a couple is no faster, but each holds a page in memory (about 4 MB for 2000
        rows); the other requests in flight wait with their bodies still on the socket.
    :param user_agent: The ``User-Agent`` header.
    """

    host: str
    auth: Any
    api_version: str = "v21.0"
    timeout: float = 60.0
    max_retries: int = 5
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    max_concurrency: int = 10
    verify_ssl: bool = True
    page_size: int = MAX_PAGE_SIZE
    max_parsing: int = 2
    user_agent: str = field(default=f"airflow-provider-workfront/{__version__}")

    def __post_init__(self) -> None:
        self.host = self.host.rstrip("/")
        if "://" not in self.host:
            self.host = f"https://{self.host}"
        if not isinstance(self.api_version, str) or not API_VERSION_PATTERN.fullmatch(self.api_version):
            raise ValueError(f"api_version must be a Workfront API version such as v21.0, got {self.api_version!r}")
        _seconds("timeout", self.timeout, positive=True)
        _seconds("backoff_base", self.backoff_base)
        _seconds("backoff_max", self.backoff_max)
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {self.page_size}")
        if self.max_concurrency < 1:
            raise ValueError(f"max_concurrency must be at least 1, got {self.max_concurrency}")
        if self.max_parsing < 1:
            raise ValueError(f"max_parsing must be at least 1, got {self.max_parsing}")
        if self.max_retries < 0:
            raise ValueError(f"max_retries must not be negative, got {self.max_retries}")

    @property
    def base_url(self) -> str:
        """``scheme://host[:port]``."""
        return self.host

    @property
    def api_url(self) -> str:
        """``{base_url}/attask/api/{api_version}``."""
        return f"{self.host}/attask/api/{self.api_version}"

    @property
    def event_subscription_url(self) -> str:
        """Base of the event subscription API."""
        return f"{self.host}/attask/eventsubscription/api/v1"

    def __repr__(self) -> str:
        return (
            f"ClientConfig(host={self.host!r}, api_version={self.api_version!r}, auth={self.auth!r}, "
            f"max_concurrency={self.max_concurrency})"
        )


def _seconds(name: str, value: object, positive: bool = False) -> None:
    """Refuse a duration that is not a finite number (NaN and infinity fail only later, in the
    HTTP library, with a bare ValueError or OverflowError)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number of seconds, got {value!r}")
    if value < 0 or (positive and value == 0):
        raise ValueError(f"{name} must be {'more than' if positive else 'at least'} 0 seconds, got {value!r}")
