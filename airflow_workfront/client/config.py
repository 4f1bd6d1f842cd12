"""Client settings: where Workfront is, how to authenticate, and how hard to try."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from airflow_workfront import __version__
from airflow_workfront.client.limits import (
    DEFAULT_API_VERSION,
    DEFAULT_BACKOFF_BASE,
    DEFAULT_BACKOFF_MAX,
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_MAX_RETRIES,
    DEFAULT_PAGE_SIZE,
    DEFAULT_TIMEOUT,
    check_api_version,
    check_count,
    check_page_size,
    check_seconds,
)


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
    :param page_size: Rows per search page (at most :data:`~airflow_workfront.client.limits.MAX_PAGE_SIZE`).
    :param max_parsing: Answers read and parsed at once, per client. Parsing holds the GIL, so
        more than a couple is no faster, but each holds a page in memory (about 4 MB for 2000
        rows); the other requests in flight wait with their bodies still on the socket.
    :param user_agent: The ``User-Agent`` header.
    """

    host: str
    auth: Any
    api_version: str = DEFAULT_API_VERSION
    timeout: float = DEFAULT_TIMEOUT
    max_retries: int = DEFAULT_MAX_RETRIES
    backoff_base: float = DEFAULT_BACKOFF_BASE
    backoff_max: float = DEFAULT_BACKOFF_MAX
    max_concurrency: int = DEFAULT_MAX_CONCURRENCY
    verify_ssl: bool = True
    page_size: int = DEFAULT_PAGE_SIZE
    max_parsing: int = 2
    user_agent: str = field(default=f"airflow-provider-workfront/{__version__}")

    def __post_init__(self) -> None:
        self.host = self.host.rstrip("/")
        if "://" not in self.host:
            self.host = f"https://{self.host}"
        # Every setting is checked here, where it enters; the connection only converts its text.
        check_api_version(self.api_version)
        check_seconds(self.timeout, "timeout", positive=True)
        check_seconds(self.backoff_base, "backoff_base")
        check_seconds(self.backoff_max, "backoff_max")
        check_page_size(self.page_size)
        check_count(self.max_concurrency, "max_concurrency")
        check_count(self.max_parsing, "max_parsing")
        check_count(self.max_retries, "max_retries", minimum=0)

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

