"""Workfront's clock, as learned from the ``Date`` header of its answers.

Workfront stamps ``lastUpdateDate`` with its own clock, which may differ from the machine the
client runs on. Every answer carries an HTTP ``Date`` header (whole seconds) taken from that clock;
the clients hand each one to :class:`ServerClock`, which keeps the offset between the two clocks.

The estimate is a lower bound: ``Date`` is truncated to the second and was stamped before the
answer travelled, so Workfront's clock is at or ahead of :meth:`ServerClock.now`, by less than one
second plus the answer's transit time. Callers that must not act before Workfront's clock has
passed an instant (the sync closing a window) can therefore trust it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from airflow_workfront.client import operations as ops
from airflow_workfront.client.errors import WorkfrontResponseError

if TYPE_CHECKING:
    from airflow_workfront.client.config import ClientConfig
    from airflow_workfront.client.request import RequestSpec

#: An ID no object has (Workfront IDs are 32 hex digits; none is all zeros): a count filtered on
#: it is the cheapest request whose answer carries Workfront's ``Date``.
NO_SUCH_ID = "0" * 32


class ServerClock:
    """Thread-safe estimate of Workfront's clock relative to this machine's.

    :param local_time: This machine's clock in epoch seconds (tests pass a fake).
    """

    def __init__(self, local_time: Callable[[], float] = time.time) -> None:
        self._local_time = local_time
        self._lock = threading.Lock()
        self._offset: float | None = None
        self._observed_at: float | None = None

    def observe(self, date_header: str | None, received_at: float | None = None) -> None:
        """Take the ``Date`` of an answer received at local time ``received_at`` (default now).

        A missing or unreadable header is ignored. The latest answer wins, so a clock that is
        corrected (or an emulator whose offset a test changes) is followed at once.
        """
        server = parse_http_date(date_header)
        if server is None:
            return
        received = self._local_time() if received_at is None else received_at
        with self._lock:
            if self._observed_at is None or received >= self._observed_at:
                self._offset, self._observed_at = server - received, received

    @property
    def offset(self) -> float | None:
        """Seconds Workfront's clock is ahead of this machine's (negative: behind), a lower bound
        with 1-second resolution; ``None`` before any answer carried a ``Date``."""
        with self._lock:
            return self._offset

    def now(self) -> datetime | None:
        """Workfront's current time (a lower bound, UTC), or ``None`` before any ``Date`` was seen."""
        offset = self.offset
        if offset is None:
            return None
        return datetime.fromtimestamp(self._local_time() + offset, tz=timezone.utc)

    def local_now(self) -> datetime:
        """This machine's current time (UTC), for messages that compare the two clocks."""
        return datetime.fromtimestamp(self._local_time(), tz=timezone.utc)

    def __repr__(self) -> str:
        offset = self.offset
        return "ServerClock(unknown)" if offset is None else f"ServerClock(offset={offset:+.3f}s)"


def parse_http_date(value: str | None) -> float | None:
    """Epoch seconds of an HTTP ``Date`` header, or ``None`` when it is missing or unreadable."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:  # RFC 9110 dates are GMT; the obsolete forms parse as naive
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp()


def clock_probe(config: ClientConfig, obj_code: str) -> RequestSpec:
    """The request sent when Workfront's clock is needed and no answer has shown it yet: a count
    of ``obj_code`` on an ID that does not exist (any user who syncs ``obj_code`` may count it)."""
    spec = ops.count(config, obj_code, {"ID": NO_SUCH_ID})
    spec.operation = "server_time"
    return spec


def unknown_clock_error(base_url: str) -> WorkfrontResponseError:
    """Raised when Workfront's answers carry no readable ``Date`` header."""
    return WorkfrontResponseError(
        f"server_time failed: the answers from {base_url} carry no readable Date header, so Workfront's "
        "clock is unknown (a proxy in between may strip it; let it pass the Date header through)",
        operation="server_time",
    )
