"""One object type read in keyset order: pages and counts over a :class:`KeyRange`.

The reader knows how many objects a range held when it was counted and uses that to ask for no
more rows than needed, so a range costs ``ceil(n / page_size)`` searches and no empty trailing page
(an unbounded range adds one 1-row confirmation only when its count is a multiple of the page size).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from airflow_workfront.sync.keyset import KeyRange, build_filters, record_key, sort_spec


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
    :param page_size: Rows per search request, as the engine checked it (at most 2000, Workfront's
        ``$$LIMIT`` cap).
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

    def search(self, key_range: KeyRange, limit: int, first: int = 0) -> list[dict]:
        """One search request over ``key_range``; rows outside the range are dropped."""
        rows, _ = self.read_page(key_range, limit, first)
        return self.inside(rows, key_range)

    def inside(self, rows: list[dict], key_range: KeyRange) -> list[dict]:
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

    def read_page(self, key_range: KeyRange, limit: int, first: int = 0) -> tuple[list[dict], int]:
        """One search over ``key_range`` from rank ``first``: ``(rows, rows the server sent)``.

        Nothing is dropped: a partition's offset page is cut to its range by the caller, once the
        range is known.
        """
        filters = build_filters(key_range, self.date_field, self.user_filters)
        if filters is None or limit <= 0:
            return [], 0
        self._check_stop()
        rows = self.client.search_page(
            self.obj_code, filters=filters, fields=self.fields, sort=sort_spec(self.date_field), first=first,
            limit=limit,
        )
        return rows, len(rows)

    def pages(
        self, key_range: KeyRange, expected: int | None = None, first_page: tuple[list[dict], int, int] | None = None
    ) -> Iterator[list[dict]]:
        """Yield the pages of ``key_range`` in order until it is exhausted.

        A range is exhausted by a short page, by rows past its end, or by reading its upper key
        (``upto``: the next partition's cut), so a bounded range of whole pages needs no extra
        request to prove its end.

        :param expected: Objects the range held when planned. A page asks for what is left (plus
            one for a range without an upper key, so a short page proves the end), at most a page.
            Ranks shift while data changes, so a range can hold more than planned: past the plan,
            pages are full-size until an end shows.
        :param first_page: ``(rows, asked, sent)`` of a first search already made for this range
            (``rows`` already cut to it); paging goes on from there.
        """
        left = expected
        cursor = key_range
        pending, first_page = first_page, None
        while True:
            if pending is not None:
                (rows, limit, sent), pending = pending, None
            else:
                limit = self._limit(left, bounded=cursor.upto is not None)
                raw, sent = self.read_page(cursor, limit)
                rows = self.inside(raw, cursor)
                del raw
            kept = len(rows)
            last_key = None
            if rows:
                last_key = record_key(rows[-1], self.date_field)
                yield rows
                cursor = cursor.resume_after(last_key)
            # Let the page go before the next request: holding it while the next one arrives
            # doubled the memory of a 10-worker sync.
            del rows
            if left is not None:
                left -= kept
            if sent < limit or kept < sent or (last_key is not None and last_key == key_range.upto):
                return

    def _limit(self, left: int | None, bounded: bool) -> int:
        """Rows to ask for when ``left`` objects are still expected (``None``: unknown)."""
        if left is None or left < 0 or (bounded and left == 0):
            return self.page_size
        return min(self.page_size, left + (0 if bounded else 1))
