"""Workfront timestamps: out as ``2020-05-18T17:00:00:000-0600``, in as ISO or Workfront's form.

Internally every time is an integer of milliseconds since the epoch (UTC), which sorts and
compares exactly the way Workfront's millisecond timestamps do.

Answers carry the tenant's time zone, and ``$$TODAY`` starts at the tenant's midnight: one IANA
zone per emulator (``America/Denver`` unless configured), with its daylight-saving changes, so an
answer in July says ``-0600`` and one in January ``-0700``. The emulator makes its zone current
for everything it does (requests, control calls, seeding) with :func:`using_zone`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import overload
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_IN = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2})?)(?:[:.](?P<frac>\d{1,6}))?)?"
    r"(?P<tz>Z|[+-]\d{2}:?\d{2})?$"
)
_WILDCARD = re.compile(r"^\$\$(?P<base>NOW|TODAY)(?:(?P<sign>[+-])(?P<n>\d+)(?P<unit>[hdwmy]))?$", re.I)
# The zone the emulator's login answer has always reported; the docs' August example is at -0600 (MDT).
DEFAULT_ZONE = "America/Denver"
_EPOCH_NAIVE = datetime(1970, 1, 1)
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_ONE_MS = timedelta(milliseconds=1)


def tenant_zone(name: str) -> ZoneInfo:
    """The IANA zone ``name`` (``Europe/Paris``...); ``ValueError`` naming it when unknown."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"unknown time zone {name!r}: use an IANA name such as America/Denver") from None


_ZONE: ContextVar[ZoneInfo] = ContextVar("workfront_tenant_zone", default=tenant_zone(DEFAULT_ZONE))  # noqa: B039 (immutable)


def current_zone() -> ZoneInfo:
    """The tenant zone in effect (the emulator's own while it works)."""
    return _ZONE.get()


@contextmanager
def using_zone(zone: ZoneInfo) -> Iterator[None]:
    """Make ``zone`` the tenant zone for the code inside the block (this thread or task only)."""
    token = _ZONE.set(zone)
    try:
        yield
    finally:
        _ZONE.reset(token)


def zone_names(now_ms: int) -> dict[str, str]:
    """The login answer's ``timeZone`` (IANA name) and ``timeZoneName`` (its abbreviation at ``now_ms``)."""
    zone = _ZONE.get()
    return {"timeZone": zone.key, "timeZoneName": datetime.fromtimestamp(now_ms / 1000, tz=zone).tzname() or zone.key}


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
    clock, offset = _local_second(ms // 1000, _ZONE.get())
    return f"{clock}{ms % 1000:03d}{offset}"


@lru_cache(maxsize=1 << 16)
def _local_second(seconds: int, zone: ZoneInfo) -> tuple[str, str]:
    """``("2020-05-18T17:00:00:", "-0600")`` for one epoch second in a zone (cached: seeds and pages
    reuse seconds a lot)."""
    local = datetime.fromtimestamp(seconds, tz=zone)
    minutes = int(local.utcoffset().total_seconds()) // 60  # type: ignore[union-attr]
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return (f"{local.year:04d}-{local.month:02d}-{local.day:02d}T{local.hour:02d}:{local.minute:02d}:"
            f"{local.second:02d}:", f"{sign}{hours:02d}{rest:02d}")


def parse_time(text: str, now_ms: int) -> int:
    """Parse a filter or update value into milliseconds.

    Accepts ISO 8601 (``Z``, offsets, ``.SSS``), Workfront's colon form, a plain date, and the
    wildcards ``$$NOW`` / ``$$TODAY`` with ``+/-N`` ``h/d/w/m/y``.
    """
    text = str(text).strip()
    wildcard = _WILDCARD.match(text)
    if wildcard:
        return _wildcard(wildcard, now_ms)
    if len(text) == 28 and text[10] == "T" and text[19] == ":" and text[23] in "+-":
        # Workfront's own form, as stored and answered: the second is cached, the milliseconds added.
        return _wf_second(text[:19], text[23:]) * 1000 + int(text[20:23])
    return _parse_fixed(text)


def parse_end(text: str, now_ms: int) -> int:
    """Like :func:`parse_time`, for the upper end of a range (``_Range``, ``lte``): a ``$$TODAY``
    wildcard counted in days names a whole day and ends at its last millisecond, so the docs'
    ``between $$TODAY-7d and $$TODAY`` ("within the last 7 days") holds what was created today."""
    wildcard = _WILDCARD.match(str(text).strip())
    if wildcard and wildcard["base"].upper() == "TODAY" and (wildcard["unit"] or "d").lower() != "h":
        midnight = datetime.fromtimestamp(_wildcard(wildcard, now_ms) / 1000, tz=_ZONE.get())
        following = (midnight.replace(tzinfo=None) + timedelta(days=1)).replace(tzinfo=_ZONE.get())
        return to_ms(following) - 1
    return parse_time(text, now_ms)


def _wildcard(wildcard: re.Match[str], now_ms: int) -> int:
    """``$$NOW``/``$$TODAY`` plus or minus hours, days, weeks, months (30 days) or years (365 days).

    Days and longer count on the tenant's calendar (``$$TODAY+1d`` is the next local midnight,
    23 or 25 hours away across a DST change); hours are elapsed time.
    """
    zone = _ZONE.get()
    local = datetime.fromtimestamp(now_ms / 1000, tz=zone)
    if wildcard["base"].upper() == "TODAY":
        local = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if not wildcard["n"]:
        return to_ms(local)
    n = int(wildcard["n"]) * (-1 if wildcard["sign"] == "-" else 1)
    unit = wildcard["unit"].lower()
    if unit == "h":
        return to_ms(local) + n * 3_600_000
    days = {"d": n, "w": 7 * n, "m": 30 * n, "y": 365 * n}[unit]
    wall = (local.replace(tzinfo=None) + timedelta(days=days)).replace(tzinfo=zone)  # same wall time, that day
    return to_ms(wall)


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
