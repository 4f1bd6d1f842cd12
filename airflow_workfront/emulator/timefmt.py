"""Workfront timestamps: out as ``2020-05-18T17:00:00:000-0600``, in as ISO or Workfront's form.

Internally every time is an integer of milliseconds since the epoch (UTC), which sorts and
compares exactly the way Workfront's millisecond timestamps do.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

_IN = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2})?)(?:[:.](?P<frac>\d{1,6}))?)?"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?$"
)
_WILDCARD = re.compile(r"^\$\$(?P<base>NOW|TODAY)(?:(?P<sign>[+-])(?P<n>\d+)(?P<unit>[hdwmy]))?$", re.I)
# Responses carry the tenant's offset; the emulator's tenant lives at UTC-6 like the docs' examples.
TENANT_TZ = timezone(timedelta(hours=-6))


def to_ms(dt: datetime) -> int:
    """Milliseconds since the epoch."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return int(dt.timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    """A UTC datetime."""
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


def format_wf(ms: int | None) -> str | None:
    """``2020-05-18T17:00:00:000-0600``: Workfront's response format (colon before milliseconds)."""
    if ms is None:
        return None
    local = from_ms(ms).astimezone(TENANT_TZ)
    return local.strftime("%Y-%m-%dT%H:%M:%S:") + f"{ms % 1000:03d}" + local.strftime("%z")


def parse_time(text: str, now_ms: int) -> int:
    """Parse a filter or update value into milliseconds.

    Accepts ISO 8601 (``Z``, offsets, ``.SSS``), Workfront's colon form, a plain date, and the
    wildcards ``$$NOW`` / ``$$TODAY`` with ``+/-N`` ``h/d/w/m/y``.
    """
    text = str(text).strip()
    wildcard = _WILDCARD.match(text)
    if wildcard:
        base = from_ms(now_ms)
        if wildcard["base"].upper() == "TODAY":
            base = base.replace(hour=0, minute=0, second=0, microsecond=0)
        if wildcard["n"]:
            n = int(wildcard["n"]) * (-1 if wildcard["sign"] == "-" else 1)
            unit = wildcard["unit"].lower()
            days = {"h": n / 24, "d": n, "w": 7 * n, "m": 30 * n, "y": 365 * n}[unit]
            base = base + timedelta(days=days)
        return to_ms(base)
    match = _IN.match(text)
    if not match:
        raise ValueError(f"not a date: {text!r}")
    clock = match["time"] or "00:00:00"
    if clock.count(":") == 1:
        clock += ":00"
    frac = (match["frac"] or "0").ljust(6, "0")[:6]
    tz = match["tz"] or "Z"
    tz = "+0000" if tz == "Z" else tz.replace(":", "")
    parsed = datetime.strptime(f"{match['date']}T{clock}.{frac}{tz}", "%Y-%m-%dT%H:%M:%S.%f%z")
    return to_ms(parsed)
