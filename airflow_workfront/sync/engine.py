"""The sync engine: read one object type's window from Workfront and stream it into a sink.

A run reads the window's first page; when it is full, one ``count`` sizes the rest, which is split
into partitions of whole pages (:mod:`~airflow_workfront.sync.planner`) and read in parallel by at
most ``max_concurrency`` workers: each finds its cut with its first page, read by offset, then
pages by key (:mod:`~airflow_workfront.sync.paging`) up to the next partition's cut. Pages
go to the sink one at a time as they arrive, written in a thread of their own while the readers
ask for their next pages (:mod:`~airflow_workfront.sync.writer`), so memory holds at most two pages
per worker. Once every page is written, the window's deletions are applied (journal entries or ID
reconciliation).

**Counting ahead.** A window that is likely to hold many pages (see :data:`COUNT_AHEAD_WIDTH`) is
counted *while* its first page is read, not after: the count of the whole window comes back in a
fraction of a page's time, the partitions are planned over the whole window at once, and the
later partitions' offset pages leave while the first page is still in flight. The first page is
then the first partition's first page. That takes one round trip (a page's latency) off the
run's critical path, and costs one request when the window turns out to fit in a page. Exactness
is that of the partitioned read: offsets only locate cuts, every page is bounded by keys.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
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
from airflow_workfront.sync.deletes import journal_deleted_ids, reconcile_missing
from airflow_workfront.sync.keyset import KeyRange, check_user_filters, record_key
from airflow_workfront.sync.paging import KeysetReader, SyncCancelled
from airflow_workfront.sync.planner import CutBoard, Partition, plan_partitions
from airflow_workfront.sync.sinks.base import Sink, SyncTarget
from airflow_workfront.sync.sinks.fieldtypes import read_field_kinds
from airflow_workfront.sync.summary import SyncSummary
from airflow_workfront.sync.window import SyncWindow, iso_ms
from airflow_workfront.sync.writer import PageWriter

log = logging.getLogger(__name__)

#: A page sent ahead: its answer will be ``(rows, rows the server sent)``.
PageFuture = Future[tuple[list[dict], int]]

DELETE_MODES = ("auto", "journal", "reconcile", "none")
#: ``Date`` is whole seconds: this machine's clock must be this much past the close before a first
#: page is read as its own clock check (a guess that only saves a wasted page when it is wrong).
_DATE_RESOLUTION = timedelta(seconds=1)
#: ``count_ahead=None``: count a window while its first page is read when it is wider than this
#: (first loads, catch-ups and backfills), and only after a full first page for windows up to a
#: day (hourly and daily runs, which usually fit in a page: there the count would be a wasted request).
COUNT_AHEAD_WIDTH = timedelta(days=1)


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
        name), ``"reconcile"`` (delete stored IDs missing from Workfront; reads every ID up to
        the last stored one, in ranges, ``max_workers`` at once), ``"none"``, or ``"auto"``:
        journal, except for journal-like objects (JRNLE, NOTE...). Either search is skipped when
        the sink held no live object as the run opened it (``Sink.holds_no_objects``).
    :param field_kinds: Field -> kind, when the caller has read ``/metadata`` already (the engine
        then reads it no more); ``None``: the engine reads it for sinks that type columns.
    :param flatten_references: Store each requested ``<ref>:<field>`` (``defaultBaseline:ID``) in
        its own column instead of the nested ``<ref>`` object Workfront answers with.
    :param pages_per_partition: Smallest partition in pages. Partitions cost no extra request, so
        the default, 1, reads a window of up to ``max_workers`` pages in one round trip after the count.
    :param count_ahead: Count the window together with its first page and plan every partition
        from that count (``True``), or count only what follows a full first page (``False``).
        ``None`` (default) counts ahead when the window is wider than :data:`COUNT_AHEAD_WIDTH`.
        Either way only with ``max_workers`` of 2 or more (with one request at a time there is
        nothing to overlap).
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
        count_ahead: bool | None = None,
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
        if count_ahead not in (None, True, False):
            raise ValueError(f"count_ahead must be True, False or None (by the window's width), got {count_ahead!r}")
        self.count_ahead = count_ahead
        self._lock = threading.Lock()
        self._requests_before = 0
        self._writer: PageWriter | None = None
        self._opened: Future[None] | None = None  # a sink opening in a thread of its own (counted ahead)
        self._held_nothing = False  # the sink held no live object when the run opened it

    def run(self, window: SyncWindow, sink: Sink) -> SyncSummary:
        """Sync ``window`` into ``sink`` and return what was done.

        Exceptions from Workfront or the sink propagate after the other workers stop; pages already
        written stay written, and re-running the window converges.
        """
        started = time.monotonic()
        requests_before = self._requests_before = _requests(self.client)
        self._held_nothing = False
        if self.deletes == "reconcile" and not sink.supports_reconcile:
            raise ValueError(f"{type(sink).__name__} cannot list stored IDs, so deletes='reconcile' is not possible")
        stop = threading.Event()
        reader = KeysetReader(
            self.client, self.obj_code, self.fields, self.date_field, self.filters, self.page_size, stop
        )
        writer = self._writer = PageWriter(self._write_now, self.max_workers, stop, self.obj_code)
        try:
            read_window, summary = self._read_window(window, reader, sink, stop)
        finally:
            self._writer = None
            writer.close()  # every page handed over is written (or the sink's error raised) before any delete
            self._opened = None
        summary.extra["read_s"] = round(time.monotonic() - started, 3)  # every page written; deletes follow

        if self.deletes != "none" and self._held_nothing:
            # Every row was read by this run after the window closed, so no deletion in the window
            # can name one; a deletion since then is after the window, for the next run.
            summary.extra["deletes_skipped"] = "the sink held no object before this run"
            log.info("%s: no deletions to look for: the sink held no object before this run", self.obj_code)
        elif self.deletes == "journal":
            for n, ids in enumerate(journal_deleted_ids(self.client, self.obj_code, read_window, self.page_size, stop)):
                summary.deleted += sink.delete(ids, batch=n)
        elif self.deletes == "reconcile":
            missing = reconcile_missing(self.client, self.obj_code, self.filters, self.page_size, sink.iter_ids,
                                        self.max_workers, stop)
            for n, ids in enumerate(missing):
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

    def _read_window(
        self, window: SyncWindow, reader: KeysetReader, sink: Sink, stop: threading.Event
    ) -> tuple[SyncWindow, SyncSummary]:
        """Close ``window``, open the sink and hand every page of the window to the writer; the
        window read (with the lookback) and the summary so far."""
        ahead: tuple[int, PageFuture] | None = None
        first_reader = ThreadPoolExecutor(max_workers=2, thread_name_prefix="wf-sync-first")
        try:
            if window.is_empty:  # nothing to read, so nothing to wait for or to look back on
                read_window, closing, first = window, None, None
            elif self.counts_ahead(window):
                read_window, first = window.with_overlap(self.overlap), None
                # The sink opens (its /metadata, its table) while the window is counted and its first
                # page read; the writer waits for it before the first write.
                self._opened = first_reader.submit(self._open, sink, read_window, None)
                closing, ahead = self._close_and_count_ahead(
                    window, reader, KeyRange(read_window.start, read_window.end), first_reader)
            else:
                read_window = window.with_overlap(self.overlap)
                closing, first = self._close_and_read_first(window, reader, KeyRange(read_window.start, read_window.end))
            summary = SyncSummary(self.obj_code, read_window, self.date_field, deletes_mode=self.deletes)
            if closing is not None:
                summary.extra["clock"] = closing.as_dict()
            if ahead is None:
                self._open(sink, read_window, ahead)
            else:
                summary.extra["counted_ahead"] = True
                self._read_counted(reader, KeyRange(read_window.start, read_window.end), ahead, sink, summary, stop)
                self._opened.result()  # type: ignore[union-attr]  # a failed open raises here when no page came
        finally:
            first_reader.shutdown(wait=True)

        if first is not None:
            whole = KeyRange(read_window.start, read_window.end)
            summary.counted = len(first)
            self._write(sink, first, 0, 0, summary)
            rest = whole.resume_after(record_key(first[-1], self.date_field)) if len(first) == self.page_size else None
            del first  # not held while the rest is read
            if rest is not None:
                self._read_rest(reader, rest, sink, summary, stop)
        return read_window, summary

    def counts_ahead(self, window: SyncWindow) -> bool:
        """Whether a run of ``window`` counts it together with its first page (see ``count_ahead``)."""
        if self.max_workers < 2 or window.is_empty:
            return False
        if self.count_ahead is not None:
            return self.count_ahead
        return window.end - window.start > COUNT_AHEAD_WIDTH

    def _open(self, sink: Sink, read_window: SyncWindow, ahead: tuple[int, PageFuture] | None) -> None:
        """Open the sink (while a first page counted ahead is still in flight); a failure waits for
        that page, so that no request outlives the run."""
        try:
            sink.open(SyncTarget(self.obj_code, tuple(self.fields), self.date_field, read_window,
                                 self._kinds_for(sink)))
            # A sink that cannot tell (or predates the question) is taken to hold objects: the safe side.
            held_nothing = getattr(sink, "holds_no_objects", None)
            self._held_nothing = self.deletes != "none" and held_nothing is not None and held_nothing()
        except BaseException:
            if ahead is not None:
                wait([ahead[1]])
            raise
        log.info("Syncing %s %s on %s into %s", self.obj_code, read_window, self.date_field, type(sink).__name__)

    def _count_with_first(self, reader: KeysetReader, whole: KeyRange, pool: ThreadPoolExecutor) -> tuple[int, PageFuture]:
        """Send the first page of ``whole`` (in ``pool``) and, at the same time, its count (here).

        :returns: the count and the first page's future, ``(rows, rows sent)``; when the count
            fails, the page is waited for (no request outlives the run) and the error raised.
        """
        first = pool.submit(reader.read_page, whole, self.page_size)
        try:
            return reader.count(whole), first
        except BaseException:
            wait([first])
            raise

    def _close_and_count_ahead(
        self, window: SyncWindow, reader: KeysetReader, whole: KeyRange, pool: ThreadPoolExecutor
    ) -> tuple[ClosingReport, tuple[int, PageFuture]]:
        """Close ``window``, then count it while its first page is read; both are sent after the close.

        As for :meth:`_close_and_read_first`: when Workfront's clock is not known yet and this
        machine's says the window has closed, both are sent at once and the count's answer is the
        clock reading; it proves that both ran after the close when Workfront's time, less the
        time since both were sent, is past ``window.end + margin``. Otherwise the two are
        discarded (the page once it is in) and sent again after :meth:`close_window`.
        """
        clock = getattr(self.client, "server_clock", None)
        server_time = getattr(self.client, "server_time", None)
        hint = _local_now() >= window.end + self.margin + _DATE_RESOLUTION  # a guess, checked below
        if clock is None or server_time is None or clock.offset is not None or not hint:
            closing = self.close_window(window)  # known clock: free unless a wait is needed
            return closing, self._count_with_first(reader, whole, pool)
        sent = time.monotonic()
        count, first = self._count_with_first(reader, whole, pool)
        workfront = server_time(self.obj_code)  # no request: the count's answer showed the clock
        elapsed = time.monotonic() - sent
        if read_after_close(window.end, self.margin, workfront, elapsed):
            report = ClosingReport(workfront, _local_now(), 0.0, 0)
            log.info("%s: Workfront's clock %s is %+.1f s from this machine's; window %s was closed when it was "
                     "counted (%d objects) and its first page sent", self.obj_code,
                     report.as_dict()["workfront_now"], report.offset_s, window, count)
            return report, (count, first)
        log.info("%s: window %s may have been counted before Workfront's clock passed its end by %s (Workfront "
                 "said %s, %.3f s after sending); discarding the count and the first page, and sending both again "
                 "once closed", self.obj_code, window, self.margin, iso_ms(workfront), elapsed)
        wait([first])  # its rows, or its error, are not used
        closing = self.close_window(window, fresh=True)
        closing.clock_requests += 1  # the discarded count was the first clock reading
        return closing, self._count_with_first(reader, whole, pool)

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
        self._read_partitions(reader, remainder, partitions, sink, summary, stop)

    def _read_counted(
        self, reader: KeysetReader, whole: KeyRange, ahead: tuple[int, PageFuture], sink: Sink, summary: SyncSummary,
        stop: threading.Event,
    ) -> None:
        """Read a window counted ahead: partitions planned over all of it, the first page (in
        flight) being the first partition's first page."""
        counted, first = ahead
        summary.planning_requests += 1
        summary.counted = counted
        partitions = plan_partitions(counted, self.page_size, self.max_workers, self.pages_per_partition)
        if len(partitions) < 2:  # one reader: the first page, then by key while pages are full
            raw, sent = first.result()
            summary.partitions = 1
            pages = reader.pages(whole, counted, first_page=(reader.inside(raw, whole), self.page_size, sent))
            del raw  # the reader holds the first page now, and lets it go once written
            for page, rows in enumerate(pages):
                self._write(sink, rows, 0, page, summary)
                del rows  # not held while the next page is read
            return
        log.info("%s: %d objects counted with the first page, reading them in %d partitions", self.obj_code, counted,
                 len(partitions))
        self._read_partitions(reader, whole, partitions, sink, summary, stop, first)

    def _read_partitions(
        self, reader: KeysetReader, remainder: KeyRange, partitions: list[Partition], sink: Sink,
        summary: SyncSummary, stop: threading.Event, first: PageFuture | None = None,
    ) -> None:
        """Read ``partitions`` of ``remainder`` in parallel; ``first``: the first partition's first
        page, already sent (its limit is a whole page)."""
        board = CutBoard(len(partitions))
        with ThreadPoolExecutor(max_workers=len(partitions), thread_name_prefix="wf-sync") as pool:
            futures = [pool.submit(self._read_partition, reader, remainder, p, board, sink, summary, first)
                       for p in partitions]
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
        summary: SyncSummary, first: PageFuture | None = None,
    ) -> None:
        """Read one partition: its first page (by key, or by offset to find its cut), then by key.

        :param first: The first partition's first page, sent already with a whole page's limit.
        """
        limit = partition.first_limit(self.page_size)
        try:
            if partition.cut_rank is None and first is not None:
                limit = self.page_size
                raw, sent = first.result()
                cut = None
            elif partition.cut_rank is None:
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
        """Hand one page to the run's writer (the next request leaves meanwhile), or write it now."""
        if not rows:
            return
        writer = self._writer
        if writer is None:
            self._write_now(sink, rows, partition, page, summary)
        else:
            writer.put(sink, rows, partition, page, summary)

    def _write_now(self, sink: Sink, rows: list[dict], partition: int, page: int, summary: SyncSummary) -> None:
        """Hand one page to the sink (one at a time, once it is open) and log progress."""
        opened = self._opened
        if opened is not None:
            opened.result()  # the sink's open error, if it failed, fails this write and stops the run
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
