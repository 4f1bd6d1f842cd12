"""The sync engine: read one object type's window from Workfront and stream it into a sink.

A run reads the window's first page; when it is full, one ``count`` sizes the rest, which is split
into partitions of whole pages (:mod:`~airflow_workfront.sync.planner`) and read in parallel by at
most ``max_concurrency`` workers: each finds its cut with its first page, read by offset, then
pages by key (:mod:`~airflow_workfront.sync.paging`) up to the next partition's cut. Pages
go to the sink one at a time as they arrive, so memory holds at most one page per worker. Then the
window's deletions are applied (journal entries or ID reconciliation).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from datetime import datetime, timedelta, timezone
from threading import BrokenBarrierError
from typing import Any

from airflow_workfront.client.limits import (
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_PAGE_SIZE,
    check_count,
    check_page_size,
)
from airflow_workfront.client.objects import date_field_for, reads_entry_date
from airflow_workfront.sync.closing import (
    DEFAULT_LOOKBACK,
    DEFAULT_MARGIN,
    DEFAULT_MAX_WAIT,
    ClosingReport,
    read_after_close,
    wait_until_closed,
)
from airflow_workfront.sync.deletes import journal_deleted_ids, missing_ids, workfront_ids
from airflow_workfront.sync.keyset import KeyRange, check_user_filters, record_key
from airflow_workfront.sync.paging import KeysetReader, SyncCancelled
from airflow_workfront.sync.planner import CutBoard, Partition, plan_partitions
from airflow_workfront.sync.sinks.base import Sink, SyncTarget
from airflow_workfront.sync.sinks.fieldtypes import read_field_kinds
from airflow_workfront.sync.summary import SyncSummary
from airflow_workfront.sync.window import SyncWindow, iso_ms

log = logging.getLogger(__name__)

DELETE_MODES = ("auto", "journal", "reconcile", "none")
#: ``Date`` is whole seconds: this machine's clock must be this much past the close before a first
#: page is read as its own clock check (a guess that only saves a wasted page when it is wrong).
_DATE_RESOLUTION = timedelta(seconds=1)


def check_sync_settings(page_size: int | None, max_workers: int | None) -> None:
    """Refuse a ``page_size`` Workfront does not accept or a ``max_workers`` below 1 (``None`` means
    the client's); 0 is refused too rather than read as "the default"."""
    if page_size is not None:
        check_page_size(page_size)
    if max_workers is not None:
        check_count(max_workers, "max_workers")


class SyncEngine:
    """Incremental sync of one Workfront object type into a :class:`~airflow_workfront.sync.sinks.base.Sink`.

    :param client: A :class:`~airflow_workfront.client.WorkfrontClient` (e.g. ``WorkfrontHook().get_conn()``).
    :param obj_code: Workfront object code (``"TASK"``, ``"PROJ"``, ``"HOUR"``...).
    :param fields: Fields to read (default ``["*"]``); ``ID`` and the window date are always added.
    :param filters: Extra Workfront filters, ANDed with the window (no ``OR:`` groups).
    :param date_field: Timestamp the window is on; default ``lastUpdateDate``, or ``entryDate`` for
        objects without one (:func:`~airflow_workfront.client.objects.date_field_for`).
    :param overlap: Lookback: re-read this much before the window start (default 5 minutes, the
        clock-skew bound; see :mod:`~airflow_workfront.sync.closing` and ``docs/sync.md``).
    :param margin: Read a window only once Workfront's clock (from its ``Date`` header) has passed
        its end by this much (default 5 s).
    :param max_wait: Longest wait for that (default 6 minutes); a window that would need longer,
        such as one ending in the future, is refused with
        :class:`~airflow_workfront.sync.closing.WindowNotClosedError`.
    :param page_size: Rows per search (default: the client's ``page_size``; at most 2000).
    :param max_workers: Partitions read at once (default and cap: the client's ``max_concurrency``).
    :param deletes: ``"journal"`` (delete what ``JRNLE`` ``changeType=D`` entries in the window
        name), ``"reconcile"`` (delete stored IDs missing from Workfront; reads every ID),
        ``"none"``, or ``"auto"``: journal, except for journal-like objects (JRNLE, NOTE...).
    :param field_kinds: Field -> kind, when the caller has read ``/metadata`` already (the engine
        then reads it no more); ``None``: the engine reads it for sinks that type columns.
    :param flatten_references: Store each requested ``<ref>:<field>`` (``defaultBaseline:ID``) in
        its own column instead of the nested ``<ref>`` object Workfront answers with.
    :param pages_per_partition: Smallest partition in pages. Partitions cost no extra request, so
        the default, 1, reads a window of up to ``max_workers`` pages in one round trip after the count.
    """

    def __init__(
        self,
        client: Any,
        obj_code: str,
        fields: list[str] | str | None = None,
        filters: dict[str, Any] | None = None,
        date_field: str | None = None,
        overlap: timedelta = DEFAULT_LOOKBACK,
        page_size: int | None = None,
        max_workers: int | None = None,
        deletes: str = "auto",
        pages_per_partition: int = 1,
        margin: timedelta = DEFAULT_MARGIN,
        max_wait: timedelta = DEFAULT_MAX_WAIT,
        field_kinds: Mapping[str, str] | None = None,
        flatten_references: bool = False,
    ) -> None:
        self.client = client
        self.obj_code = obj_code.upper()
        self.known_kinds = field_kinds
        # "<ref>:ID" fields arrive nested ({"ref": {"ID": ...}}); stored flat, each in its own column.
        self.flattened = [f.split(":", 1) for f in (fields or []) if isinstance(fields, list)
                          and ":" in f and not f.startswith("DE:")] if flatten_references else []
        self.date_field = date_field or date_field_for(self.obj_code)
        self.filters = check_user_filters(filters, self.date_field)
        self.fields = _with_required(fields, self.date_field)
        for name, value in (("overlap", overlap), ("margin", margin), ("max_wait", max_wait)):
            if not isinstance(value, timedelta) or value < timedelta(0):
                raise ValueError(f"{name} must be a timedelta of zero or more, got {value!r}")
        self.overlap = overlap
        self.margin = margin
        self.max_wait = max_wait
        self._sleep: Callable[[float], None] = time.sleep  # tests replace it
        config = getattr(client, "config", None)
        check_sync_settings(page_size, max_workers)
        # A client's settings were checked when its ClientConfig was made.
        self.page_size = page_size if page_size is not None else getattr(config, "page_size", DEFAULT_PAGE_SIZE)
        cap = int(getattr(config, "max_concurrency", DEFAULT_MAX_CONCURRENCY))
        self.max_workers = min(cap, max_workers if max_workers is not None else cap)
        if deletes not in DELETE_MODES:
            raise ValueError(f"deletes must be one of {DELETE_MODES}, got {deletes!r}")
        if deletes == "auto":
            deletes = "none" if reads_entry_date(self.obj_code) else "journal"
        self.deletes = deletes
        self.pages_per_partition = pages_per_partition
        self._lock = threading.Lock()
        self._requests_before = 0

    def run(self, window: SyncWindow, sink: Sink) -> SyncSummary:
        """Sync ``window`` into ``sink`` and return what was done.

        Exceptions from Workfront or the sink propagate after the other workers stop; pages already
        written stay written, and re-running the window converges.
        """
        started = time.monotonic()
        requests_before = self._requests_before = _requests(self.client)
        if self.deletes == "reconcile" and not sink.supports_reconcile:
            raise ValueError(f"{type(sink).__name__} cannot list stored IDs, so deletes='reconcile' is not possible")
        stop = threading.Event()
        reader = KeysetReader(
            self.client, self.obj_code, self.fields, self.date_field, self.filters, self.page_size, stop
        )
        if window.is_empty:  # nothing to read, so nothing to wait for or to look back on
            read_window, closing, first = window, None, None
        else:
            read_window = window.with_overlap(self.overlap)
            closing, first = self._close_and_read_first(window, reader, KeyRange(read_window.start, read_window.end))
        summary = SyncSummary(self.obj_code, read_window, self.date_field, deletes_mode=self.deletes)
        if closing is not None:
            summary.extra["clock"] = closing.as_dict()
        sink.open(SyncTarget(self.obj_code, tuple(self.fields), self.date_field, read_window,
                             self._kinds_for(sink)))
        log.info("Syncing %s %s on %s into %s", self.obj_code, read_window, self.date_field, type(sink).__name__)

        if first is not None:
            whole = KeyRange(read_window.start, read_window.end)
            summary.counted = len(first)
            self._write(sink, first, 0, 0, summary)
            rest = whole.resume_after(record_key(first[-1], self.date_field)) if len(first) == self.page_size else None
            del first  # not held while the rest is read
            if rest is not None:
                self._read_rest(reader, rest, sink, summary, stop)

        if self.deletes == "journal":
            for n, ids in enumerate(journal_deleted_ids(self.client, self.obj_code, read_window, self.page_size, stop)):
                summary.deleted += sink.delete(ids, batch=n)
        elif self.deletes == "reconcile":
            present = workfront_ids(self.client, self.obj_code, self.filters, self.page_size)
            for n, ids in enumerate(missing_ids(sink.iter_ids(), present, self.page_size)):
                summary.deleted += sink.delete(ids, batch=n)

        summary.requests = _requests(self.client) - requests_before
        summary.extra["duration_s"] = round(time.monotonic() - started, 3)
        sink.close(summary)
        log.info(
            "Synced %s %s: %d objects read, %d upserted, %d deleted, %d pages, %d partitions, %d requests "
            "(%d for planning)",
            self.obj_code, read_window, summary.fetched, summary.upserted, summary.deleted,
            summary.pages, summary.partitions, summary.requests, summary.planning_requests,
        )
        return summary

    def _close_and_read_first(
        self, window: SyncWindow, reader: KeysetReader, whole: KeyRange
    ) -> tuple[ClosingReport, list[dict]]:
        """Close ``window`` and read the first page of ``whole``; the page is read only after the close.

        When Workfront's clock is not known yet (no answer seen) but this machine's says the window
        has closed, the first page is read at once and its own answer is the clock reading: it is
        kept if it provably ran on Workfront after ``window.end + margin``
        (:func:`~airflow_workfront.sync.closing.read_after_close`), which saves the clock request.
        Otherwise it is discarded and read again after :meth:`close_window`, as without the shortcut.
        """
        clock = getattr(self.client, "server_clock", None)
        server_time = getattr(self.client, "server_time", None)
        hint = _local_now() >= window.end + self.margin + _DATE_RESOLUTION  # a guess, checked below
        if clock is None or server_time is None or clock.offset is not None or not hint:
            closing = self.close_window(window)  # known clock: free unless a wait is needed
            return closing, reader.search(whole, limit=self.page_size)
        sent = time.monotonic()
        first = reader.search(whole, limit=self.page_size)
        workfront = server_time(self.obj_code)  # no request: the page's answer showed the clock
        elapsed = time.monotonic() - sent
        if read_after_close(window.end, self.margin, workfront, elapsed):
            report = ClosingReport(workfront, _local_now(), 0.0, 0)
            log.info("%s: Workfront's clock %s is %+.1f s from this machine's; window %s was closed when its "
                     "first page was read", self.obj_code, report.as_dict()["workfront_now"], report.offset_s, window)
            return report, first
        log.info("%s: the first page of window %s may have been read before Workfront's clock passed its end by %s "
                 "(Workfront said %s, %.3f s after sending); discarding it and reading it again once closed",
                 self.obj_code, window, self.margin, iso_ms(workfront), elapsed)
        del first
        closing = self.close_window(window, fresh=True)
        closing.clock_requests += 1  # the discarded page was the first clock reading
        return closing, reader.search(whole, limit=self.page_size)

    def close_window(self, window: SyncWindow, fresh: bool = False) -> ClosingReport:
        """Wait until Workfront's clock has passed ``window.end`` by the margin (bounded by ``max_wait``).

        :param fresh: The client's estimate of Workfront's clock was just measured (by an answer
            received a moment ago), so it is not measured again before a wait or a refusal.
        :raises ~airflow_workfront.sync.closing.WindowNotClosedError: when that would take too long.
        """
        server_time = getattr(self.client, "server_time", None)
        if server_time is None:  # a client without Workfront's clock: only this machine's is known
            log.warning("%s: the client cannot tell Workfront's time; using this machine's clock", self.obj_code)

            def server_now(refresh: bool) -> datetime:
                return _local_now()
        else:
            def server_now(refresh: bool) -> datetime:
                return server_time(self.obj_code, refresh=refresh)

        report = wait_until_closed(f"{self.obj_code} window {window}", window.end, server_now, _local_now,
                                   self.margin, self.max_wait, self._sleep, fresh=fresh)
        log.info("%s: Workfront's clock %s is %+.1f s from this machine's; window %s closed after %.1f s of waiting",
                 self.obj_code, report.as_dict()["workfront_now"], report.offset_s, window, report.waited_s)
        return report

    def _kinds_for(self, sink: Sink) -> Mapping[str, str] | None:
        """Field kinds for a sink that types columns: those given, else read from ``/metadata``."""
        if not getattr(sink, "uses_metadata", False):
            return None
        return self.known_kinds if self.known_kinds is not None else self._field_kinds()

    def _field_kinds(self) -> dict[str, str] | None:
        """Field kinds from the object's ``/metadata`` (one request per run), or ``None`` if unreadable."""
        read = getattr(self.client, "metadata", None)
        if read is None:
            log.info("%s: the client cannot read /metadata; fields are stored as their values look", self.obj_code)
            return None
        try:
            return read_field_kinds(self.client, self.obj_code, self.fields)
        except Exception as exc:  # types are a nicety: the sync goes on, as before metadata was read
            log.warning("%s: could not read /metadata (%s); fields are stored as their values look", self.obj_code, exc)
            return None

    def _read_rest(
        self, reader: KeysetReader, remainder: KeyRange, sink: Sink, summary: SyncSummary, stop: threading.Event
    ) -> None:
        """Count what follows a full first page, plan partitions and read them in parallel."""
        remaining = reader.count(remainder)
        summary.planning_requests += 1
        summary.counted += remaining
        partitions = plan_partitions(remaining, self.page_size, self.max_workers, self.pages_per_partition)
        if not partitions:
            return
        if len(partitions) == 1:
            summary.partitions = 1
            for page, rows in enumerate(reader.pages(remainder, remaining)):
                self._write(sink, rows, 1, page, summary)
                del rows  # not held while the next page is read
            return
        log.info("%s: %d more objects counted, reading them in %d partition(s)", self.obj_code, remaining, len(partitions))
        board = CutBoard(len(partitions))
        with ThreadPoolExecutor(max_workers=len(partitions), thread_name_prefix="wf-sync") as pool:
            futures = [pool.submit(self._read_partition, reader, remainder, p, board, sink, summary) for p in partitions]
            done, _ = wait(futures, return_when=FIRST_EXCEPTION)
            failed = [f for f in done if f.exception() is not None]
            if failed:
                stop.set()  # the other workers stop before their next request
                board.abort()  # and none waits for a cut that will not come
                wait(futures)
                errors: list[BaseException] = [e for f in futures if (e := f.exception()) is not None]
                raise next((e for e in errors if not isinstance(e, SyncCancelled)), errors[0])
        summary.partitions = len(board.kept())

    def _read_partition(
        self, reader: KeysetReader, remainder: KeyRange, partition: Partition, board: CutBoard, sink: Sink,
        summary: SyncSummary,
    ) -> None:
        """Read one partition: its first page (by key, or by offset to find its cut), then by key."""
        limit = partition.first_limit(self.page_size)
        try:
            if partition.cut_rank is None:
                raw, sent = reader.read_page(remainder, limit)
                cut = None
            else:
                raw, sent = reader.read_page(remainder, limit, first=partition.cut_rank)
                cut = record_key(raw[0], self.date_field) if raw else None
            bounds = board.settle(partition.index, cut)
        except BrokenBarrierError:
            raise SyncCancelled(f"{self.obj_code} sync stopped because another partition failed") from None
        except BaseException:
            board.abort()
            raise
        if bounds is None:
            log.info("%s: partition %d dropped, its cut moved while the run read (data changed)",
                     self.obj_code, partition.index)
            return
        after, upto = bounds
        key_range = remainder if after is None else remainder.resume_after(after)
        if upto is not None:
            key_range = key_range.bounded_by(upto)
        if cut is not None:  # the cut row belongs to the partition before
            raw, sent, limit = raw[1:], sent - 1, limit - 1
        pages = reader.pages(key_range, partition.expected, first_page=(reader.inside(raw, key_range), limit, sent))
        del raw  # the reader holds the first page now, and lets it go once written
        for page, rows in enumerate(pages):
            self._write(sink, rows, partition.index, page, summary)
            del rows  # not held while the next page is read

    def _write(self, sink: Sink, rows: list[dict], partition: int, page: int, summary: SyncSummary) -> None:
        """Hand one page to the sink (one at a time) and log progress."""
        if not rows:
            return
        for ref, sub in self.flattened:
            for row in rows:
                nested = row.pop(ref, None)
                row[f"{ref}:{sub}"] = nested.get(sub) if isinstance(nested, dict) else None
        with self._lock:
            summary.upserted += sink.write_page(rows, partition=partition, page=page)
            summary.fetched += len(rows)
            summary.pages += 1
            for row in (rows[0], rows[-1]):
                summary.note_key(record_key(row, self.date_field))
            percent = f"{100 * summary.fetched / summary.counted:.0f}%" if summary.counted else "?"
            log.info(
                "%s: page %d of partition %d, %d/%d objects (%s), %d requests",
                self.obj_code, page, partition, summary.fetched, summary.counted, percent,
                _requests(self.client) - self._requests_before,
            )


def _with_required(fields: list[str] | str | None, date_field: str) -> list[str]:
    """The requested fields with ``ID`` and the window date first, without duplicates."""
    if fields is None:
        fields = ["*"]
    elif isinstance(fields, str):
        fields = [f.strip() for f in fields.split(",") if f.strip()]
    ordered = ["ID", date_field, *fields]
    return list(dict.fromkeys(ordered))


def _local_now() -> datetime:
    """This machine's clock (the scheduler's), UTC."""
    return datetime.now(timezone.utc)


def _requests(client: Any) -> int:
    """Total requests the client has made so far (0 when it keeps no statistics)."""
    stats = getattr(client, "stats", None)
    return int(getattr(stats, "total", 0) or 0)
