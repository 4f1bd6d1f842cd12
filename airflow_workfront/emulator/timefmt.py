"""Workfront timestamps: out as ``2020-05-18T17:00:00:000-0600``, in as ISO or Workfront's form.

Internally every time is an integer of milliseconds since the epoch (UTC), which sorts and
compares exactly the way Workfront's millisecond timestamps do.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import overload

_IN = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2})?)(?:[:.](?P<frac>\d{1,6}))?)?"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?$"
)
_WILDCARD = re.compile(r"^\$\$(?P<base>NOW|TODAY)(?:(?P<sign>[+-])(?P<n>\d+)(?P<unit>[hdwmy]))?$", re.I)
# Responses carry the tenant's offset; the emulator's tenant lives at UTC-6 like the docs' examples.
TENANT_TZ = timezone(timedelta(hours=-6))
_TENANT_OFFSET_MS = -6 * 3600 * 1000
_TENANT_SUFFIX = "-0600"
_EPOCH_NAIVE = datetime(1970, 1, 1)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_ONE_MS = timedelta(milliseconds=1)


def to_ms(dt: datetime) -> int:
    """Milliseconds since the epoch."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return (dt - _EPOCH) // _ONE_MS  # exact: float timestamps can lose the last millisecond


def from_ms(ms: int) -> datetime:
    """A UTC datetime."""
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


@overload
def format_wf(ms: int) -> str: ...
@overload
def format_wf(ms: None) -> None: ...
def format_wf(ms: int | None) -> str | None:
    """``2020-05-18T17:00:00:000-0600``: Workfront's response format (colon before milliseconds)."""
    if ms is None:
        return None
    return f"{_local_second(ms // 1000)}{ms % 1000:03d}{_TENANT_SUFFIX}"


@lru_cache(maxsize=1 << 16)
def _local_second(seconds: int) -> str:
    """``2020-05-18T17:00:00:`` for one epoch second (cached: seeds and pages reuse seconds a lot)."""
    local = _EPOCH_NAIVE + timedelta(seconds=seconds + _TENANT_OFFSET_MS // 1000)
    return f"{local.year:04d}-{local.month:02d}-{local.day:02d}T{local.hour:02d}:{local.minute:02d}:{local.second:02d}:"


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
    if len(text) == 28 and text[10] == "T" and text[19] == ":" and text[23] in "+-":
        # Workfront's own form, as stored and answered: the second is cached, the milliseconds added.
        return _wf_second(text[:19], text[23:]) * 1000 + int(text[20:23])
    return _parse_fixed(text)


@lru_cache(maxsize=1 << 16)
def _wf_second(clock: str, tz: str) -> int:
    """Epoch seconds of ``2020-05-18T17:00:00`` at offset ``-0600``."""
    return _parse_fixed(f"{clock}.000{tz}") // 1000


@lru_cache(maxsize=1 << 18)
def _parse_fixed(text: str) -> int:
    """A timestamp without wildcards, in milliseconds (cached: filters compare it once per object)."""
    match = _IN.match(text)
    if not match:
        raise ValueError(f"not a date: {text!r}")
    year, month, day = (int(p) for p in match["date"].split("-"))
    clock = [int(p) for p in (match["time"] or "00:00:00").split(":")] + [0]
    micro = int((match["frac"] or "0").ljust(6, "0")[:6])
    tz = match["tz"] or "Z"
    offset = 0
    if tz != "Z":
        digits = tz[1:].replace(":", "")
        offset = (int(digits[:2]) * 60 + int(digits[2:])) * (-1 if tz[0] == "-" else 1)
    moment = datetime(year, month, day, clock[0], clock[1], clock[2], micro)  # ValueError on impossible dates
    return (moment - _EPOCH_NAIVE) // _ONE_MS - offset * 60_000
