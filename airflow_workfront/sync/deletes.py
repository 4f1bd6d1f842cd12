"""Finding objects deleted in Workfront: from journal entries, or by reconciling IDs.

``lastUpdateDate`` never reports a deletion. Workfront journals a deletion as a ``JRNLE`` with
``changeType=D`` (always for hours; for other types when the field tracking is configured), so
a window's deletions are the journal's ``D`` entries for that object type in the same window.
Where deletions are not journaled, an opt-in reconciliation compares every ID in Workfront with
every ID in the sink, both in ascending order.

**Reconciling in ranges.** The stored IDs are cut into ranges of whole pages (one pass over them
keeps only every page's last ID), and each range's Workfront IDs are read by key on ``ID`` (the
``ID_Mod=gt`` and ``ID_Sort=asc`` the one-at-a-time reading always used, no offsets), several
ranges at once; a range stops at the first page that reaches past its last stored ID, and
nothing past the last stored ID is read (an ID there cannot name a deleted row). Ranges are
compared with the table in order, at most ``workers`` of them held at once, so memory stays
bounded by ``workers`` ranges of at most :data:`MAX_RANGE_PAGES` pages. A page out of ascending
order stops the run before anything is deleted: the ranges rely on Workfront sorting IDs as
this code compares them.
"""

from __future__ import annotations

import itertools
import math
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from airflow_workfront.sync.keyset import KeyRange
from airflow_workfront.sync.paging import KeysetReader
from airflow_workfront.sync.window import SyncWindow

#: The longest range one reader takes, in pages: bounds the IDs held while ranges are compared.
MAX_RANGE_PAGES = 25


def journal_deleted_ids(
    client: Any,
    obj_code: str,
    window: SyncWindow,
    page_size: int,
    stop: threading.Event | None = None,
) -> Iterator[list[str]]:
    """Yield, page by page, the IDs of ``obj_code`` objects whose deletion was journaled in ``window``.

    Reads ``JRNLE`` with ``objObjCode=<obj_code>&changeType=D`` on ``entryDate`` in keyset order
    (``objObjCode`` stays filterable in every API version; ``subObjCode`` does not since v13).
    """
    reader = KeysetReader(
        client,
        "JRNLE",
        fields=["ID", "entryDate", "objID", "objObjCode", "changeType"],
        date_field="entryDate",
        user_filters={"objObjCode": obj_code, "changeType": "D"},
        page_size=page_size,
        stop=stop,
    )
    for rows in reader.pages(KeyRange(window.start, window.end)):
        ids = [str(r["objID"]) for r in rows if r.get("objID")]
        if ids:
            yield ids


def workfront_ids(
    client: Any,
    obj_code: str,
    filters: dict[str, Any],
    page_size: int,
    after: str | None = None,
    through: str | None = None,
    stop: threading.Event | None = None,
) -> Iterator[str]:
    """Yield every ID of ``obj_code`` matching ``filters``, ascending, keyset-paged on ``ID``.

    :param after: Only IDs greater than this one.
    :param through: Only IDs up to this one; paging stops at the first page that reaches past it.
    :raises ValueError: when Workfront's IDs do not come in ascending order (a range would be cut wrong).
    """
    last = after
    while True:
        if stop is not None and stop.is_set():
            return
        page_filters = dict(filters)
        if last is not None:
            page_filters.update({"ID": last, "ID_Mod": "gt"})
        rows = client.search_page(
            obj_code, filters=page_filters, fields=["ID"], sort=[("ID", "asc")], first=0, limit=page_size
        )
        ids = [str(row["ID"]) for row in rows]
        previous = last
        for current in ids:
            if previous is not None and current <= previous:
                raise ValueError(f"Workfront IDs are not in ascending order ({previous!r} then {current!r})")
            previous = current
        for obj_id in ids:
            if through is not None and obj_id > through:
                return
            yield obj_id
        if len(rows) < page_size or (through is not None and ids[-1] >= through):
            return
        last = ids[-1]


def id_ranges(stored: Iterable[str], page_size: int, ranges: int) -> list[tuple[str | None, str]]:
    """Cut ``stored`` IDs (ascending) into at least ``ranges`` ranges of whole pages, each of at most
    :data:`MAX_RANGE_PAGES` pages: ``(after, through)`` pairs, the first with ``after=None``, the
    last ending at the last stored ID. No IDs, no ranges."""
    marks: list[str] = []  # the last ID of every page of stored IDs, and the very last
    count, last = 0, None
    for last in stored:
        count += 1
        if count % page_size == 0:
            marks.append(last)
    if last is None:
        return []
    if not marks or marks[-1] != last:
        marks.append(last)
    per = max(1, min(MAX_RANGE_PAGES, math.ceil(len(marks) / max(1, ranges))))
    ends = marks[per - 1::per]
    if not ends or ends[-1] != last:
        ends.append(last)
    return list(zip([None, *ends[:-1]], ends, strict=True))


def reconcile_missing(
    client: Any,
    obj_code: str,
    filters: dict[str, Any],
    page_size: int,
    stored_ids: Callable[[], Iterator[str]],
    workers: int,
    stop: threading.Event | None = None,
) -> Iterator[list[str]]:
    """Yield batches of stored IDs that Workfront no longer has, reading ID ranges in parallel.

    ``stored_ids`` streams the sink's IDs ascending; it is called twice (once to cut the ranges,
    once to compare), and deletions of earlier batches may happen between the two and while the
    second runs. Requests: the pages of each range, read by key with ``workers`` in flight.
    """
    ranges = id_ranges(stored_ids(), page_size, workers)
    if not ranges:
        return
    halt = threading.Event()

    def read(after: str | None, through: str) -> list[str]:
        return list(workfront_ids(client, obj_code, filters, page_size, after, through, halt))

    stored = _Peekable(stored_ids())
    pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix=f"wf-reconcile-{obj_code}")
    pending: deque[tuple[str, Future[list[str]]]] = deque()
    upcoming = iter(ranges)

    def read_next() -> None:
        for after, through in itertools.islice(upcoming, 1):
            pending.append((through, pool.submit(read, after, through)))

    try:
        for _ in range(max(1, workers)):
            read_next()
        while pending:
            through, future = pending.popleft()
            present = future.result()
            if stop is not None and stop.is_set():
                return
            read_next()
            yield from missing_ids(stored.take_through(through), present, page_size)
    finally:
        halt.set()
        for _, future in pending:
            future.cancel()
        pool.shutdown(wait=True)


class _Peekable:
    """An ascending ID stream read range by range."""

    def __init__(self, ids: Iterator[str]) -> None:
        self._ids = ids
        self._head: str | None = next(ids, None)

    def take_through(self, through: str) -> Iterator[str]:
        """Yield the next IDs up to and including ``through``."""
        while self._head is not None and self._head <= through:
            yield self._head
            self._head = next(self._ids, None)


def missing_ids(stored: Iterable[str], present: Iterable[str], batch_size: int) -> Iterator[list[str]]:
    """Yield batches of the IDs in ``stored`` that are absent from ``present`` (both ascending).

    :raises ValueError: when either side is not in ascending order (a merge would be wrong).
    """
    present_it = iter(present)
    current = next(present_it, None)
    previous_stored: str | None = None
    batch: list[str] = []
    for sid in stored:
        if previous_stored is not None and sid <= previous_stored:
            raise ValueError(f"stored IDs are not in ascending order ({previous_stored!r} then {sid!r})")
        previous_stored = sid
        while current is not None and current < sid:
            nxt = next(present_it, None)
            if nxt is not None and nxt <= current:
                raise ValueError(f"Workfront IDs are not in ascending order ({current!r} then {nxt!r})")
            current = nxt
        if current != sid:
            batch.append(sid)
            if len(batch) >= batch_size:
                yield batch
                batch = []
    if batch:
        yield batch
