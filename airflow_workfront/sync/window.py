"""Sync windows: the half-open ``[start, end)`` slice of time one sync run covers.

A window is read on an object's ``lastUpdateDate``, or on ``entryDate`` for the object types that
have no ``lastUpdateDate`` (journal entries, notes, groups, document versions...), as
:func:`airflow_workfront.client.objects.date_field_for` decides. Workfront stores
timestamps with millisecond precision, so window bounds are truncated to the millisecond.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

# Which timestamp a window is read on has one home, the client's object rules; re-exported here
# for the callers that have always imported it from this module.
from airflow_workfront.client.objects import ENTRY_DATE_OBJECTS, date_field_for

__all__ = ["ENTRY_DATE_OBJECTS", "EPOCH", "ONE_MS", "SyncWindow", "date_field_for", "iso_ms", "to_utc_ms"]

ONE_MS = timedelta(milliseconds=1)
#: The earliest instant a window reaches back to: before any Workfront date, and no lookback goes
#: past it (a first run that loads everything starts here).
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def to_utc_ms(value: datetime) -> datetime:
    """Return ``value`` in UTC, truncated to the millisecond (Workfront's precision).

    :raises ValueError: for a naive datetime, whose meaning would depend on the machine.
    """
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"sync window bounds must be timezone-aware, got naive {value!r}")
    utc = value.astimezone(timezone.utc)
    return utc.replace(microsecond=utc.microsecond - utc.microsecond % 1000)


@dataclass(frozen=True)
class SyncWindow:
    """A half-open window ``[start, end)`` of timestamps, in UTC at millisecond precision.

    :param start: First instant included (timezone-aware).
    :param end: First instant excluded (timezone-aware); must not be before ``start``.
    """

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        start, end = to_utc_ms(self.start), to_utc_ms(self.end)
        if end < start:
            raise ValueError(f"sync window ends before it starts: [{start.isoformat()}, {end.isoformat()})")
        # Frozen dataclass: normalise through object.__setattr__.
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)

    @property
    def is_empty(self) -> bool:
        """True when the window contains no instant (``start == end``)."""
        return self.start >= self.end

    @property
    def last_ms(self) -> datetime:
        """The last instant inside the window (``end - 1 ms``), the upper end of an inclusive ``between``."""
        return self.end - ONE_MS

    def with_overlap(self, overlap: timedelta) -> SyncWindow:
        """Return the window widened backwards by ``overlap`` (re-reads a little of the previous one),
        never past :data:`EPOCH`."""
        if overlap < timedelta(0):
            raise ValueError(f"overlap must not be negative, got {overlap}")
        return SyncWindow(max(min(self.start, EPOCH), self.start - overlap), self.end)

    def contains(self, moment: datetime) -> bool:
        """True when ``moment`` falls in ``[start, end)``."""
        return self.start <= to_utc_ms(moment) < self.end

    def as_dict(self) -> dict[str, str]:
        """JSON-able form: ISO 8601 UTC with milliseconds."""
        return {"start": iso_ms(self.start), "end": iso_ms(self.end)}

    def __str__(self) -> str:
        return f"[{iso_ms(self.start)}, {iso_ms(self.end)})"


def iso_ms(value: datetime) -> str:
    """Format a datetime as ``2020-05-18T23:00:00.000Z`` (UTC, milliseconds)."""
    utc = to_utc_ms(value)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
