"""One object type read in keyset order: pages, counts and rank probes over a :class:`KeyRange`.

The reader knows how many objects a range held when it was counted and uses that to ask for no
more rows than needed, so a range costs ``ceil(n / page_size)`` searches and no empty trailing page
(an unbounded range adds one 1-row confirmation only when its count is a multiple of the page size).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from airflow_workfront.sync.keyset import Key, KeyRange, build_filters, record_key, sort_spec


class SyncCancelled(Exception):
    """Raised inside a partition worker when another partition failed and the run is stopping."""


class KeysetReader:
    """Read one object type of one window in ``(date, ID)`` order through a Workfront client.

    :param client: A :class:`~airflow_workfront.client.WorkfrontClient` (or anything with the same
        ``search_page``/``count`` methods).
    :param obj_code: Workfront object code, e.g. ``"TASK"``.
    :param fields: Fields to request; must include ``ID`` and ``date_field``.
    :param date_field: The timestamp the window is read on.
    :param user_filters: Validated AND filters repeated in every keyset alternative.
    :param page_size: Rows per search request (at most 2000, Workfront's ``$$LIMIT`` cap).
    :param stop: Set by the engine to make every reader stop before its next request.
    """

    def __init__(
        self,
        client: Any,
        obj_code: str,
        fields: list[str],
        date_field: str,
        user_filters: dict[str, Any],
        page_size: int,
        stop: threading.Event | None = None,
    ) -> None:
        if not 1 <= page_size <= 2000:
            raise ValueError(f"page_size must be between 1 and 2000 (Workfront's $$LIMIT cap), got {page_size}")
        self.client = client
        self.obj_code = obj_code
        self.fields = fields
        self.date_field = date_field
        self.user_filters = user_filters
        self.page_size = page_size
        self.stop = stop or threading.Event()

    def _check_stop(self) -> None:
        if self.stop.is_set():
            raise SyncCancelled(f"{self.obj_code} sync stopped because another partition failed")

    def search(self, key_range: KeyRange, limit: int, first: int = 0, fields: list[str] | None = None) -> list[dict]:
        """One search request over ``key_range``; rows past the range's upper key are dropped."""
        filters = build_filters(key_range, self.date_field, self.user_filters)
        if filters is None or limit <= 0:
            return []
        self._check_stop()
        rows = self.client.search_page(
            self.obj_code,
            filters=filters,
            fields=fields or self.fields,
            sort=sort_spec(self.date_field),
            first=first,
            limit=limit,
        )
        return self._inside(rows, key_range)

    def _inside(self, rows: list[dict], key_range: KeyRange) -> list[dict]:
        """The rows that lie inside ``key_range``.

        Rows come sorted by key, so when the first and the last are inside, every row is; only
        otherwise is each row's key parsed (a date parse per row was most of the client's CPU in a
        100,000-row sync). Every row must still carry its date and ID.
        """
        if not rows:
            return rows
        date_field = self.date_field
        if any(r.get(date_field) is None or r.get("ID") is None for r in rows):
            for r in rows:
                record_key(r, date_field)  # raises, naming the record and the missing field
        if key_range.contains(record_key(rows[0], date_field)) and key_range.contains(record_key(rows[-1], date_field)):
            return rows
        return [r for r in rows if key_range.contains(record_key(r, date_field))]

    def count(self, key_range: KeyRange) -> int:
        """How many objects ``key_range`` holds now (one ``count`` request; none for an empty range)."""
        filters = build_filters(key_range, self.date_field, self.user_filters)
        if filters is None:
            return 0
        self._check_stop()
        return int(self.client.count(self.obj_code, filters=filters))

    def probe(self, key_range: KeyRange, rank: int) -> Key | None:
        """The key of the object at 0-based ``rank`` inside ``key_range`` (one 1-row search), if any."""
        rows = self.search(key_range, limit=1, first=rank, fields=["ID", self.date_field])
        return record_key(rows[0], self.date_field) if rows else None

    def pages(self, key_range: KeyRange, expected: int | None = None, bounded: bool = False) -> Iterator[list[dict]]:
        """Yield the pages of ``key_range`` in order until it is exhausted.

        :param expected: Objects the range held when planned. With it, a page asks for what is
            left plus one (capped at the page size), so a short page proves the end.
        :param bounded: The range ends at a key taken from the data when planning. Its planned
            count is not trusted either: deletes and edits between the planner's rank probes shift
            ranks, so such a range can hold more than planned. The planner cuts bounded ranges one
            object short of whole pages, so the "+1" row costs no extra request.
        """
        remaining = expected
        cursor = key_range
        while True:
            if remaining is None or remaining < 0:
                limit = self.page_size
            else:
                limit = min(self.page_size, remaining + 1)
            filters = build_filters(cursor, self.date_field, self.user_filters)
            if filters is None:
                return
            self._check_stop()
            raw = self.client.search_page(
                self.obj_code,
                filters=filters,
                fields=self.fields,
                sort=sort_spec(self.date_field),
                first=0,
                limit=limit,
            )
            rows = self._inside(raw, cursor)
            if rows:
                yield rows
                cursor = cursor.resume_after(record_key(rows[-1], self.date_field))
            if remaining is not None:
                remaining -= len(rows)
            # A short page, or rows past the range's end, mean the range is exhausted.
            if len(raw) < limit or len(rows) < len(raw):
                return
