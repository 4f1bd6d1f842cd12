"""Finding deletions: reconciling IDs in ranges read in parallel, and skipping the search when the
sink held nothing before the run."""

from __future__ import annotations

import random
import threading
from datetime import datetime, timedelta, timezone

import pytest
from fake_workfront import FakeWorkfront, RecordingSink

from airflow_workfront.sync import SyncEngine, SyncWindow
from airflow_workfront.sync.deletes import MAX_RANGE_PAGES, id_ranges, reconcile_missing, workfront_ids

T0 = datetime(2026, 3, 1, 0, tzinfo=timezone.utc)
W1 = SyncWindow(T0, T0 + timedelta(hours=1))
W2 = SyncWindow(T0 + timedelta(hours=1), T0 + timedelta(hours=2))


def ids(n: int) -> list[str]:
    return [f"{i:032x}" for i in range(1, n + 1)]


def id_searches(wf: FakeWorkfront) -> list[dict]:
    return [filters for op, code, filters, _first, _limit in wf.calls if op == "search" and code == "TASK"]


def test_no_stored_ids_means_no_ranges_and_no_request():
    wf = FakeWorkfront(page_size=3)
    wf.add("TASK")
    assert id_ranges([], 3, 4) == []
    assert list(reconcile_missing(wf, "TASK", {}, 3, lambda: iter([]), 4)) == []
    assert wf.calls == []


def test_ranges_are_whole_pages_and_end_at_the_last_stored_id():
    stored = ids(10)
    assert id_ranges(stored, 3, 4) == [(None, stored[2]), (stored[2], stored[5]), (stored[5], stored[8]),
                                       (stored[8], stored[9])]
    assert id_ranges(stored, 3, 2) == [(None, stored[5]), (stored[5], stored[9])]
    assert id_ranges(stored, 3, 1) == [(None, stored[9])]
    assert id_ranges(stored[:2], 3, 4) == [(None, stored[1])]


def test_a_range_never_exceeds_the_longest_range():
    stored = ids(3 * MAX_RANGE_PAGES * 4)
    ranges = id_ranges(stored, 3, 1)
    assert len(ranges) == 4 and ranges[-1][1] == stored[-1]
    assert all(sum(1 for s in stored if (a is None or s > a) and s <= b) == 3 * MAX_RANGE_PAGES for a, b in ranges)


def test_one_worker_reads_the_minimum_pages_one_after_another():
    wf = FakeWorkfront(page_size=3)
    stored = [wf.add("TASK")["ID"] for _ in range(10)]
    for gone in stored[3:6]:
        wf.delete("TASK", gone, journal=False)
    missing = [i for batch in reconcile_missing(wf, "TASK", {}, 3, lambda: iter(sorted(stored)), 1) for i in batch]
    assert missing == sorted(stored)[3:6]
    assert len(id_searches(wf)) == 3  # 7 IDs in pages of 3: full, full, short


def test_ranges_in_parallel_find_exactly_the_deleted_ids_and_read_nothing_past_the_last_stored_id():
    wf = FakeWorkfront(page_size=7, latency=0.002)
    stored = sorted(wf.add("TASK")["ID"] for _ in range(400))
    rng = random.Random(5)
    deleted = set(rng.sample(stored, 60))
    for gone in deleted:
        wf.delete("TASK", gone, journal=False)
    later = [wf.add("TASK")["ID"] for _ in range(50)]  # created after every stored ID: never read
    missing = [i for batch in reconcile_missing(wf, "TASK", {}, 7, lambda: iter(stored), 4) for i in batch]
    assert missing == sorted(deleted)
    assert wf.max_in_flight == 4
    seen = {f.get("ID") for f in id_searches(wf)}
    assert not seen & set(later)
    # Each of the 4 ranges of 15 stored pages reads its 340 survivors' pages, and stops within one
    # page past its end: no more than one page a range beyond what a single reader would send.
    assert len(id_searches(wf)) <= -(-340 // 7) + 4


def test_objects_created_and_deleted_while_ranges_are_read():
    wf = FakeWorkfront(page_size=5, latency=0.001)
    stored = sorted(wf.add("TASK")["ID"] for _ in range(120))
    deleted_before = set(stored[10:20]) | set(stored[70:75])
    for gone in deleted_before:
        wf.delete("TASK", gone, journal=False)
    lock, edits = threading.Lock(), iter(range(10**6))

    def churn(workfront, _n):  # every search: a new object and, now and then, a deletion of a new one
        with lock:
            k = next(edits)
            created = workfront.add("TASK")
            if k % 3 == 0:
                workfront.delete("TASK", created["ID"], journal=False)

    wf.before_search = churn
    missing = [i for batch in reconcile_missing(wf, "TASK", {}, 5, lambda: iter(stored), 3) for i in batch]
    assert missing == sorted(deleted_before)


class _Shuffled(FakeWorkfront):
    def search_page(self, *args, **kwargs):
        rows = super().search_page(*args, **kwargs)
        return rows[1:2] + rows[:1] + rows[2:]


def test_ids_out_of_order_stop_the_run_before_any_delete():
    wf = _Shuffled(page_size=4)
    stored = sorted(wf.add("TASK")["ID"] for _ in range(8))
    with pytest.raises(ValueError, match="not in ascending order"):
        list(reconcile_missing(wf, "TASK", {}, 4, lambda: iter(stored), 2))
    with pytest.raises(ValueError, match="not in ascending order"):
        list(workfront_ids(wf, "TASK", {}, 4, through=stored[0]))


class _EmptyAware(RecordingSink):
    def holds_no_objects(self) -> bool:
        return not self.rows


@pytest.mark.parametrize("deletes", ["journal", "reconcile"])
def test_a_sink_that_held_nothing_skips_the_search_for_deletions(deletes):
    wf = FakeWorkfront(page_size=3)
    for _ in range(5):
        wf.add("TASK")
    sink = _EmptyAware()
    first = SyncEngine(wf, "TASK", deletes=deletes).run(W1, sink)
    assert first.extra["deletes_skipped"] and first.fetched == 5
    # Only the window's read: its pages and its count; no journal, no ID pages.
    assert first.requests == len(wf.calls) == 3
    assert all(code == "TASK" and "ID_Mod" not in f for _op, code, f, _a, _b in wf.calls)

    gone = next(iter(sink.rows))
    wf.now = W2.start + timedelta(minutes=1)  # the deletion is journaled in the second window
    wf.delete("TASK", gone, journal=deletes == "journal")
    wf.calls.clear()
    second = SyncEngine(wf, "TASK", deletes=deletes).run(W2, sink)
    assert "deletes_skipped" not in second.extra and second.deleted == 1 and gone not in sink.rows
