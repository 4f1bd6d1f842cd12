"""Workfront timestamps: parse what Workfront sends, format what its filters accept.

REST responses use ``2020-05-18T17:00:00:000-0600`` (a colon before the milliseconds, an offset
without a colon); event payloads use a dot. Filters accept ISO 8601 such as
``2020-05-13T18:18:37.255Z``. Everything is normalised to UTC.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pendulum

_WF_TIMESTAMP = re.compile(
    r"^(?P<base>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})"
    r"(?:[:.](?P<frac>\d{1,6}))?"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?$"
)


def parse_wf_datetime(value: str | datetime) -> pendulum.DateTime:
    """Parse a Workfront timestamp (colon or dot before the milliseconds) into a UTC pendulum time.

    A timestamp without an offset is taken as UTC.

    :raises ValueError: when the text is not a timestamp.
    """
    if isinstance(value, datetime):
        return pendulum.instance(value if value.tzinfo else value.replace(tzinfo=timezone.utc)).in_timezone("UTC")
    match = _WF_TIMESTAMP.match(value.strip())
    if not match:
        raise ValueError(f"not a Workfront timestamp: {value!r}")
    frac = (match["frac"] or "0").ljust(6, "0")
    tz = match["tz"] or "Z"
    if tz == "Z":
        tz = "+0000"
    tz = tz.replace(":", "")
    parsed = datetime.strptime(f"{match['base']}.{frac}{tz}", "%Y-%m-%dT%H:%M:%S.%f%z")
    return pendulum.instance(parsed).in_timezone("UTC")


def format_wf_datetime(value: datetime | date | str) -> str:
    """Format a time as Workfront's filters accept it: ``2020-05-18T23:00:00.000Z`` (UTC, ms).

    Strings are passed through unchanged (they may be wildcards such as ``$$TODAY-7d``); a naive
    datetime is taken as UTC; a date is its UTC midnight.
    """
    if isinstance(value, str):
        return value
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    utc = value.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
