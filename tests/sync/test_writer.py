"""Pages written in a thread of their own: order, depth, failures, and readers that do not wait."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
from fake_workfront import FakeWorkfront, RecordingSink

from airflow_workfront.sync import SyncEngine, SyncWindow
from airflow_workfront.sync.paging import SyncCancelled
from airflow_workfront.sync.writer import PageWriter

T0 = datetime(2026, 3, 1, tzinfo=timezone.utc)


def test_pages_are_written_in_the_order_they_were_put_and_close_waits_for_all():
    written: list[int] = []
    writer = PageWriter(lambda n: written.append(n), depth=2, stop=threading.Event())
    for n in range(50):
        writer.put(n)
    writer.close()
    assert written == list(range(50))


def test_a_reader_waits_only_once_depth_pages_wait():
    release = threading.Event()
    writing = threading.Event()

    def slow(n):
        writing.set()
        assert release.wait(10)

    writer = PageWriter(slow, depth=2, stop=threading.Event())
    writer.put(0)  # taken by the writer, which then blocks
    assert writing.wait(10)
    writer.put(1)
    writer.put(2)  # two wait: the depth
    third = threading.Thread(target=writer.put, args=(3,))
    third.start()
    third.join(0.3)
    assert third.is_alive(), "a fourth page was taken while two waited"
    release.set()
    third.join(10)
    writer.close()


def test_a_failed_write_stops_the_readers_drops_waiting_pages_and_is_raised_by_close():
    stop = threading.Event()
    written: list[int] = []

    def write(n):
        if n == 1:
            raise RuntimeError("the warehouse said no (injected)")
        written.append(n)

    writer = PageWriter(write, depth=1, stop=stop, what="TASK")
    writer.put(0)
    writer.put(1)
    assert stop.wait(10)
    with pytest.raises(SyncCancelled, match="TASK sync stopped because writing a page failed"):
        for n in range(2, 100):
            writer.put(n)
    with pytest.raises(RuntimeError, match="injected"):
        writer.close()
    assert written == [0]


def test_the_next_request_leaves_while_a_page_is_being_written():
    """A reader hands its page over and asks for the next one before the sink has written it."""
    wf = FakeWorkfront(page_size=5, max_concurrency=1)
    for i in range(12):
        wf.add("TASK", date=T0 + timedelta(seconds=i))
    searches_while_writing: list[int] = []

    class SlowSink(RecordingSink):
        def write_page(self, records, *, partition, page):
            if not self.pages:  # the first page: wait until the next search has been sent
                before = wf.stats.by_operation["search"]
                for _ in range(200):
                    if wf.stats.by_operation["search"] > before:
                        break
                    threading.Event().wait(0.01)
                searches_while_writing.append(wf.stats.by_operation["search"] - before)
            return super().write_page(records, partition=partition, page=page)

    sink = SlowSink()
    SyncEngine(wf, "TASK", deletes="none").run(SyncWindow(T0, T0 + timedelta(hours=1)), sink)
    assert searches_while_writing == [1] and len(sink.rows) == 12 and set(sink.writes.values()) == {1}


def test_the_summary_times_the_reading_apart_from_the_deletes():
    wf = FakeWorkfront(page_size=5)
    for i in range(12):
        wf.add("TASK", date=T0 + timedelta(seconds=i))
    gone = wf.add("TASK", date=T0 + timedelta(minutes=5))
    window = SyncWindow(T0, T0 + timedelta(hours=1))

    class SlowDeletes(RecordingSink):
        def delete(self, ids, *, batch):
            threading.Event().wait(0.3)
            return super().delete(ids, batch=batch)

    sink = SlowDeletes()
    SyncEngine(wf, "TASK").run(window, sink)
    wf.now = window.end + timedelta(minutes=1)
    wf.delete("TASK", gone["ID"])
    summary = SyncEngine(wf, "TASK").run(SyncWindow(window.end, window.end + timedelta(hours=1)), sink)
    assert gone["ID"] in sink.deleted
    extra = summary.as_dict()
    assert 0 <= extra["read_s"] and extra["duration_s"] - extra["read_s"] >= 0.3
