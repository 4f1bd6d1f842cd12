"""Counting ahead: a wide window is counted while its first page is read, and its partitions are
planned over the whole window at once (exact request counts, the rule, and the overlap itself)."""

from __future__ import annotations

import math
import threading
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from fake_workfront import FakeWorkfront, RecordingSink

from airflow_workfront.sync import SyncEngine, SyncWindow
from airflow_workfront.sync.engine import COUNT_AHEAD_WIDTH

UTC = timezone.utc
T0 = datetime(2026, 3, 1, 0, tzinfo=UTC)
HOURLY = SyncWindow(T0, T0 + timedelta(hours=1))
DAILY = SyncWindow(T0, T0 + timedelta(days=1))
WIDE = SyncWindow(T0, T0 + timedelta(days=2))  # a first load, a catch-up, a backfill


def seed(wf: FakeWorkfront, n: int, step_ms: int = 500) -> None:
    for i in range(n):
        wf.add("TASK", date=T0 + timedelta(milliseconds=i * step_ms), name=f"task {i}")


def requests(wf: FakeWorkfront) -> Counter:
    """Requests by kind and ``$$LIMIT``; the order between partitions is the threads' own."""
    return Counter((op, limit) for op, _code, _filters, _first, limit in wf.calls)


def test_the_rule_counts_ahead_only_windows_wider_than_a_day_and_only_with_two_requests_in_flight():
    wf = FakeWorkfront()
    assert COUNT_AHEAD_WIDTH == timedelta(days=1)
    engine = SyncEngine(wf, "TASK")
    assert [engine.counts_ahead(w) for w in (HOURLY, DAILY, WIDE)] == [False, False, True]
    assert not engine.counts_ahead(SyncWindow(T0, T0))
    assert SyncEngine(wf, "TASK", count_ahead=True).counts_ahead(HOURLY)
    assert not SyncEngine(wf, "TASK", count_ahead=False).counts_ahead(WIDE)
    assert not SyncEngine(wf, "TASK", count_ahead=True, max_workers=1).counts_ahead(WIDE)
    with pytest.raises(ValueError, match="count_ahead"):
        SyncEngine(wf, "TASK", count_ahead="yes")


def test_a_wide_window_costs_the_same_requests_as_before_with_the_count_sent_first():
    # 100 objects, pages of 10, 4 workers: one count of the whole window, then four partitions of
    # 30, 29, 29 and 12 objects (later ones repeat their cut): 3 + 3 + 3 + 2 searches, the first
    # partition's first page being the one sent with the count. ceil(100/10) + 1 searches, 1 count.
    wf = FakeWorkfront(page_size=10, max_concurrency=4)
    seed(wf, 100)
    sink = RecordingSink()
    s = SyncEngine(wf, "TASK", deletes="none").run(WIDE, sink)
    assert wf.calls[0][0] == "count" or wf.calls[1][0] == "count"  # sent together with the first page
    assert requests(wf) == Counter({("search", 10): 10, ("search", 4): 1, ("count", 0): 1})
    assert s.requests == math.ceil(100 / 10) + 2 and s.planning_requests == 1
    assert (s.counted, s.fetched, s.partitions) == (100, 100, 4)
    assert len(sink.rows) == 100 and set(sink.writes.values()) == {1}
    assert s.as_dict()["counted_ahead"] is True
    # The same window without counting ahead: the same number of requests, one round trip later.
    wf2 = FakeWorkfront(page_size=10, max_concurrency=4)
    seed(wf2, 100)
    s2 = SyncEngine(wf2, "TASK", deletes="none", count_ahead=False).run(WIDE, RecordingSink())
    assert s2.requests == s.requests and [c[0] for c in wf2.calls[:2]] == ["search", "count"]


def test_the_first_page_is_counted_as_sent_whole_window_and_holds_the_start():
    wf = FakeWorkfront(page_size=10, max_concurrency=4)
    seed(wf, 100)
    SyncEngine(wf, "TASK", deletes="none").run(WIDE, RecordingSink())
    firsts = [c for c in wf.calls if c[0] == "search" and c[3] == 0 and "ID_Mod" not in str(c[2])]
    counts = [c for c in wf.calls if c[0] == "count"]
    # One keyed read from the window's start and one count, both over the same filters: the whole window.
    assert len(firsts) == 1 and len(counts) == 1 and firsts[0][2] == counts[0][2]


def test_a_wide_window_that_fits_in_a_page_costs_one_count_more_and_no_round_trip():
    wf = FakeWorkfront(page_size=10, max_concurrency=4)
    seed(wf, 7)
    s = SyncEngine(wf, "TASK", deletes="none").run(WIDE, RecordingSink())
    assert requests(wf) == Counter({("search", 10): 1, ("count", 0): 1})
    assert (s.requests, s.planning_requests, s.fetched, s.partitions) == (2, 1, 7, 1)


@pytest.mark.parametrize(("n", "expected"), [(0, 1), (10, 2), (12, 2)])
def test_one_reader_after_a_small_count_reads_on_by_key_and_proves_the_end(n, expected):
    # 10 objects fill the first page: a 1-row search shows nothing follows; 12: the other 2 plus the one
    # that proves the end (what is left, plus one).
    wf = FakeWorkfront(page_size=10, max_concurrency=2)
    seed(wf, n)
    s = SyncEngine(wf, "TASK", deletes="none", pages_per_partition=5).run(WIDE, RecordingSink())
    assert s.requests - s.planning_requests == expected and s.fetched == n


def test_objects_added_between_the_count_and_the_first_page_are_read_all_the_same():
    wf = FakeWorkfront(page_size=10, max_concurrency=4)
    seed(wf, 5)
    counted = threading.Event()
    late: list[str] = []
    count = wf.count

    def count_then_let_the_page_go(obj_code, filters=None):
        n = count(obj_code, filters)
        counted.set()
        return n

    def add_after_the_count(client, call):  # the window holds 5 when counted and 25 when paged
        assert counted.wait(10)
        if not late:
            late.extend(client.add("TASK", date=T0 + timedelta(hours=1, seconds=i))["ID"] for i in range(20))

    wf.count = count_then_let_the_page_go
    wf.before_search = add_after_the_count
    sink = RecordingSink()
    s = SyncEngine(wf, "TASK", deletes="none").run(WIDE, sink)
    assert len(sink.rows) == 25 and set(late) <= set(sink.rows) and set(sink.writes.values()) == {1}
    assert s.counted == 5 and s.fetched == 25


def test_the_partitions_first_pages_leave_before_the_window_first_page_is_answered():
    """The round trip taken off: the offset pages do not wait for the first page's answer."""
    wf = FakeWorkfront(page_size=10, max_concurrency=4)
    seed(wf, 100)
    offsets_sent = threading.Event()
    seen: list[int] = []

    def hold_the_first_page(client, call):
        last = client.calls[-1]
        if last[3] > 0:
            seen.append(last[3])
            if len(seen) == 3:
                offsets_sent.set()
        elif not seen and "ID_Mod" not in str(last[2]):  # the window's first page, keyed from its start
            assert offsets_sent.wait(10), "the offset pages waited for the first page"

    wf.before_search = hold_the_first_page
    sink = RecordingSink()
    SyncEngine(wf, "TASK", deletes="none").run(WIDE, sink)
    assert sorted(seen) == [29, 58, 87] and len(sink.rows) == 100


def test_a_failed_count_waits_for_the_first_page_and_writes_nothing():
    wf = FakeWorkfront(page_size=10, max_concurrency=4, latency=0.05)
    seed(wf, 30)

    def count(obj_code, filters=None):
        raise RuntimeError("Workfront answered 500 to the count (injected by the test)")

    wf.count = count
    sink = RecordingSink()
    with pytest.raises(RuntimeError, match="injected"):
        SyncEngine(wf, "TASK", deletes="none").run(WIDE, sink)
    assert wf.in_flight == 0 and not sink.rows and sink.closed is None


def test_a_failed_first_page_fails_the_run_after_the_partitions_stop():
    wf = FakeWorkfront(page_size=10, max_concurrency=4)
    seed(wf, 100)

    def fail_the_first_page(client, call):
        last = client.calls[-1]
        if last[3] == 0 and "ID_Mod" not in str(last[2]):
            raise RuntimeError("Workfront answered 500 to the first page (injected by the test)")

    wf.before_search = fail_the_first_page
    outcome: list = []

    def run():
        try:
            SyncEngine(wf, "TASK", deletes="none").run(WIDE, RecordingSink())
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            outcome.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "the partitions waited for a first page that had failed"
    assert len(outcome) == 1 and "injected" in str(outcome[0]) and wf.in_flight == 0


def test_journal_deletes_still_follow_a_window_counted_ahead():
    wf = FakeWorkfront(page_size=10, max_concurrency=4)
    seed(wf, 30)
    sink = RecordingSink()
    SyncEngine(wf, "TASK").run(WIDE, sink)
    gone = next(iter(wf.objects["TASK"]))
    wf.now = WIDE.end + timedelta(minutes=1)
    wf.delete("TASK", gone)
    SyncEngine(wf, "TASK").run(SyncWindow(WIDE.end, WIDE.end + timedelta(days=2)), sink)
    assert gone not in sink.rows and len(sink.rows) == 29


def test_the_sink_opens_while_the_window_is_counted_and_the_partitions_do_not_wait_for_it():
    """Its /metadata and its table are the sink's business: the offset pages leave before the open
    ends, and no page is written before it has."""
    wf = FakeWorkfront(page_size=10, max_concurrency=4)
    seed(wf, 100)
    offsets: list[int] = []
    order: list[str] = []

    class SlowOpen(RecordingSink):
        def open(self, target):
            for _ in range(500):  # until the three offset pages have been sent
                if len(offsets) == 3:
                    break
                threading.Event().wait(0.01)
            order.append(f"open after {len(offsets)} offset pages")
            super().open(target)

        def write_page(self, records, *, partition, page):
            order.append("write")
            return super().write_page(records, partition=partition, page=page)

    wf.before_search = lambda client, call: offsets.append(1) if client.calls[-1][3] > 0 else None
    sink = SlowOpen()
    s = SyncEngine(wf, "TASK", deletes="none").run(WIDE, sink)
    assert order[0] == "open after 3 offset pages" and set(order[1:]) == {"write"}
    assert len(sink.rows) == 100 and s.requests == 12


def test_a_sink_that_cannot_open_fails_the_run_counted_ahead():
    wf = FakeWorkfront(page_size=10, max_concurrency=4)
    seed(wf, 100)

    class Broken(RecordingSink):
        def open(self, target):
            raise RuntimeError("no such database (injected)")

    sink = Broken()
    with pytest.raises(RuntimeError, match="injected"):
        SyncEngine(wf, "TASK", deletes="none").run(WIDE, sink)
    assert not sink.rows and wf.in_flight == 0
    empty = FakeWorkfront(page_size=10, max_concurrency=4)  # no page to write: the open's error all the same
    with pytest.raises(RuntimeError, match="injected"):
        SyncEngine(empty, "TASK", deletes="none").run(WIDE, Broken())
