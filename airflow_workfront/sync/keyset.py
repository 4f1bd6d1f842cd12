"""Keyset paging on ``(date, ID)``: the filters that read one slice of a window in a stable order.

Offset paging (``$$FIRST``) skips or repeats objects when an edit moves one of them while a run
pages. Keyset paging instead asks for "everything after the last key read", so an object that moves
away is simply not seen again and nothing else shifts. Workfront has no tuple comparison, so a
key range becomes a few OR alternatives (the architecture contract, "sync/"):

``(date between cursor.date + 1 ms and end - 1 ms) OR:1: (date eq cursor.date AND ID gt cursor.id)``

User filters are ANDed into every alternative by repeating them under each ``OR:n:`` prefix.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from airflow_workfront.client.dates import parse_wf_utc
from airflow_workfront.sync.window import ONE_MS, to_utc_ms

# Parameters the engine owns; a user filter on one of them would clash with the keyset filters.
_RESERVED_SUFFIXES = ("", "_Mod", "_Range", "_Sort")


@dataclass(frozen=True, order=True)
class Key:
    """Position of an object in the sync order: its window date, then its ID (lexicographic)."""

    date: datetime
    id: str


def record_key(record: dict[str, Any], date_field: str) -> Key:
    """Read the :class:`Key` of a Workfront record (its ``date_field`` and ``ID``).

    :raises ValueError: when the record lacks either field, naming the record and the field.
    """
    raw_date, obj_id = record.get(date_field), record.get("ID")
    if raw_date is None or obj_id is None:
        raise ValueError(
            f"record {obj_id or record!r} has no {date_field!r} or 'ID'; the sync needs both to page"
        )
    if isinstance(raw_date, datetime):
        return Key(to_utc_ms(raw_date), str(obj_id))
    date = parse_wf_utc(raw_date)  # already UTC; Workfront sends milliseconds, so this rarely cuts
    if date.microsecond % 1000:
        date = date.replace(microsecond=date.microsecond - date.microsecond % 1000)
    return Key(date, str(obj_id))


@dataclass(frozen=True)
class KeyRange:
    """A slice of the sync order.

    The lower end is either an inclusive date (``start``) or, once paging has begun, an exclusive
    key (``after``). The upper end is either an exclusive date (``end``) or an inclusive key
    (``upto``) chosen when a window is split into partitions.
    """

    start: datetime
    end: datetime
    after: Key | None = None
    upto: Key | None = None

    def resume_after(self, key: Key) -> KeyRange:
        """The rest of this range once ``key`` has been read."""
        return replace(self, after=key)

    def bounded_by(self, key: Key) -> KeyRange:
        """This range cut to end at ``key`` (inclusive)."""
        return replace(self, upto=key)

    def contains(self, key: Key) -> bool:
        """True when ``key`` lies inside the range (used to drop anything a server returns past it)."""
        if self.after is not None:
            if key <= self.after:
                return False
        elif key.date < self.start:
            return False
        if self.upto is not None:
            return key <= self.upto
        return key.date < self.end

    def alternatives(self, date_field: str) -> list[dict[str, Any]]:
        """The range as OR alternatives of Workfront filters (empty list: the range is empty)."""
        alts: list[dict[str, Any]] = []
        if self.after is not None and self.upto is not None and self.after >= self.upto:
            return alts
        lo = self.start if self.after is None else self.after.date + ONE_MS
        # Upper date bound of the open "between" part, inclusive.
        hi = self.end - ONE_MS if self.upto is None else self.upto.date - ONE_MS
        if self.after is not None and self.upto is not None and self.after.date == self.upto.date:
            # One timestamp: "ID gt after.id" here; ``contains`` cuts the rest past ``upto``.
            return [_eq_date_id(date_field, self.after.date, self.after.id, "gt")]
        if lo <= hi:
            alts.append({date_field: lo, f"{date_field}_Mod": "between", f"{date_field}_Range": hi})
        if self.after is not None and (self.upto is not None or self.after.date < self.end):
            alts.append(_eq_date_id(date_field, self.after.date, self.after.id, "gt"))
        if self.upto is not None and (self.after is not None or self.upto.date >= self.start):
            alts.append(_eq_date_id(date_field, self.upto.date, self.upto.id, "lte"))
        return alts


def _eq_date_id(date_field: str, date: datetime, obj_id: str, id_mod: str) -> dict[str, Any]:
    return {date_field: date, f"{date_field}_Mod": "eq", "ID": obj_id, "ID_Mod": id_mod}


def check_user_filters(filters: dict[str, Any] | None, date_field: str) -> dict[str, Any]:
    """Validate user filters for keyset paging and return a copy.

    :raises ValueError: for OR groups (the sync already uses OR alternatives and repeats the user
        filters in each, so a user OR group cannot be combined), for filters on the window date or
        ``ID``, and for paging parameters (``$$FIRST``, ``$$LIMIT``, sorts) the engine sets itself.
    """
    filters = dict(filters or {})
    reserved = {f + s for f in (date_field, "ID") for s in _RESERVED_SUFFIXES}
    problems = []
    for name in filters:
        if name.upper().startswith("OR:"):
            problems.append(f"{name!r} is part of an OR group")
        elif name in reserved:
            problems.append(f"{name!r} filters the window date or ID the sync pages on")
        elif name.startswith("$$") or name.endswith("_Sort"):
            problems.append(f"{name!r} is a paging/sorting parameter the sync sets itself")
    if problems:
        raise ValueError(
            "sync filters cannot be used with keyset paging: "
            + "; ".join(problems)
            + ". Use plain AND filters; express an OR as separate syncs or a named query."
        )
    return filters


def build_filters(key_range: KeyRange, date_field: str, user_filters: dict[str, Any]) -> dict[str, Any] | None:
    """Return the Workfront filter dict reading ``key_range``, or ``None`` when the range is empty.

    The first alternative is sent plain, the next ones as ``OR:1:``, ``OR:2:``...; the user filters
    are repeated in each alternative so they AND with all of them.
    """
    alts = key_range.alternatives(date_field)
    if not alts:
        return None
    params: dict[str, Any] = {}
    for n, alt in enumerate(alts):
        prefix = "" if n == 0 else f"OR:{n}:"
        for name, value in {**user_filters, **alt}.items():
            params[prefix + name] = value
    return params


def sort_spec(date_field: str) -> list[tuple[str, str]]:
    """The sync order: window date ascending, then ID ascending."""
    return [(date_field, "asc"), ("ID", "asc")]
