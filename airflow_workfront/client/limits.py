"""Workfront's limits and this provider's connection defaults, each written once, and their checks.

The limits are Workfront's, as the shared reference outside this repository records them (the
notes, ../shared/reference/workfront-api-notes.md, section 7 "Limits and pitfalls" and, for
concurrency, section 2; ../shared/reference/docs/api-basics.md): at most 2,000 rows a search page
(``$$LIMIT``), 100 records a bulk call, 8,892-byte request URLs (the CDN refuses longer ones), and
about 10 requests in flight per customer. The defaults are what a connection uses when its extras say nothing; the
provider info shows the same values in the connection form.

Each setting is checked once, where it enters (a :class:`~airflow_workfront.client.ClientConfig`,
a search's ``page_size``, a sync's arguments), by the functions below, so that every place
refuses the same values with the same words. Nothing here imports Airflow or does I/O.
"""

from __future__ import annotations

import math
import re

#: Most rows one search returns (``$$LIMIT``).
MAX_PAGE_SIZE = 2000
#: Most records one bulk create, update or delete call takes.
MAX_BULK_SIZE = 100
#: Longest request URL Workfront's CDN accepts, in bytes; longer requests go as POST with ``method=GET``.
MAX_URL_BYTES = 8892
#: Requests Workfront lets one customer have in flight at once.
WORKFRONT_CONCURRENCY = 10

#: Workfront's versioned API paths: ``/attask/api/v21.0``. Anything else would become part of the URL.
API_VERSION_PATTERN = re.compile(r"v[0-9]{1,3}\.[0-9]{1,2}")

#: Adobe IMS's token endpoint, for ``ims`` auth when the connection names none.
DEFAULT_IMS_TOKEN_URL = "https://ims-na1.adobelogin.com/ims/token/v3"
#: The API version a connection pins when it names none.
DEFAULT_API_VERSION = "v21.0"
#: Seconds to wait for one HTTP response.
DEFAULT_TIMEOUT = 60.0
#: Retries on 429, 5xx and connection errors.
DEFAULT_MAX_RETRIES = 5
#: First backoff between retries, in seconds (doubles per retry, with full jitter).
DEFAULT_BACKOFF_BASE = 0.5
#: Longest single backoff, in seconds.
DEFAULT_BACKOFF_MAX = 30.0
#: Requests in flight per process: Workfront's per-customer limit.
DEFAULT_MAX_CONCURRENCY = WORKFRONT_CONCURRENCY
#: Rows per search page: as many as Workfront allows.
DEFAULT_PAGE_SIZE = MAX_PAGE_SIZE


def check_count(value: object, where: str, minimum: int = 1, maximum: int | None = None) -> int:
    """Return ``value`` if it is a whole number in ``minimum..maximum``, else raise.

    :param where: What the value is, as the message should name it (``"max_workers"``,
        ``"sync_tasks: max_workers"``).
    :raises ValueError: for a bool, a non-integer (``2.5``, ``"10"``) or a number out of range.
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum or (
            maximum is not None and value > maximum):
        wanted = f"from {minimum} to {maximum}" if maximum is not None else f"of at least {minimum}"
        raise ValueError(f"{where} must be a whole number {wanted}, got {value!r}")
    return value


def check_page_size(value: object, where: str = "page_size") -> int:
    """Return ``value`` if it is a page size Workfront accepts (1 to :data:`MAX_PAGE_SIZE` rows), else raise.

    :param where: What the value is, as the message should name it.
    :raises ValueError: naming ``where`` and the value.
    """
    return check_count(value, where, 1, MAX_PAGE_SIZE)


def check_seconds(value: object, where: str, positive: bool = False) -> float:
    """Return ``value`` if it is a finite number of seconds, at least 0 (more than 0 when ``positive``).

    NaN and infinity are refused here rather than failing later in the HTTP library.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{where} must be a finite number of seconds, got {value!r}")
    if value < 0 or (positive and value == 0):
        raise ValueError(f"{where} must be {'more than' if positive else 'at least'} 0 seconds, got {value!r}")
    return float(value)


def check_api_version(value: object, where: str = "api_version") -> str:
    """Return ``value`` if it is a Workfront API version such as ``v21.0`` (it becomes part of
    every URL, so a typo would otherwise surface as a 404 or an unknown object type)."""
    if not isinstance(value, str) or not API_VERSION_PATTERN.fullmatch(value):
        raise ValueError(f"{where} must be a Workfront API version such as {DEFAULT_API_VERSION}, got {value!r}")
    return value
