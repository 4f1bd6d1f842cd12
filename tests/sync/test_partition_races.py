"""Partitions against edits and deletes injected between chosen requests (issue 12, point 1).

The partitioned read is correct when every object that sits in the window, at the same key, for the
whole run is read (objects edited during the run move to a later window; deleted ones leave it).
Each test here scripts one interleaving the suspects named: deletes between the count and the
offset pages that find the cuts, cuts read in an order that makes them cross, a cut deleted after
the partitions agreed on it, rows moving out of a partition between its pages, ties at one
timestamp across a cut. The order of the offset pages is forced with events keyed by their
``$$FIRST``, so each run takes the same path whatever the thread scheduling.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest
from fake_workfront import FakeWorkfront, RecordingSink

from airflow_workfront.sync import SyncEngine, SyncWindow
from airflow_workfront.sync.planner import plan_partitions

UTC = timezone.utc
T0 = datetime(2026, 3, 1, tzinfo=UTC)
WINDOW = SyncWindow(T0, T0 + timedelta(hours=1))
NEXT = SyncWindow(WINDOW.end, WINDOW.end + timedelta(hours=1))
PAGE = 10
WORKERS = 4
N = 200
# 200 objects, page 10, 4 workers: the first page holds ranks 0-9 of the window, then 190 remain;
# partition 1 reads by key, 2, 3 and 4 find their cuts at these ranks of the remainder.
CUT_RANKS = (49, 98, 147)


class ScriptedWorkfront(FakeWorkfront):
    """The fake Workfront, plus actions run just before or after chosen requests.

    Offset pages are told apart by their ``$$FIRST`` (each partition's is different), so
    ``before_offset[r]``/``after_offset[r]`` run around the page that finds the cut at rank ``r``.
    ``after_count`` runs once the remainder has been counted, before any partition reads.
    """

    def __init__(self) -> None:
        super().__init__(page_size=PAGE, max_concurrency=WORKERS)
        self.before_offset: dict[int, Callable[[], None]] = {}
        self.after_offset: dict[int, Callable[[], None]] = {}
        self.after_count: Callable[[], None] | None = None

    def search_page(self, obj_code, filters=None, fields=None, sort=None, first=0, limit=2000):
        if obj_code == "TASK" and first in self.before_offset:
            self.before_offset.pop(first)()
        rows = super().search_page(obj_code, filters, fields, sort, first, limit)
        if obj_code == "TASK" and first in self.after_offset:
            self.after_offset.pop(first)()
        return rows

    def count(self, obj_code, filters=None):
        n = super().count(obj_code, filters)
        if self.after_count is not None:
            action, self.after_count = self.after_count, None
            action()
        return n


def seeded(step_ms: int = 1000, ties_every: int = 0) -> tuple[ScriptedWorkfront, list[str]]:
    """``N`` tasks in the window, IDs listed in sync order; ``ties_every`` > 0 puts that many at
    each timestamp, so cuts fall inside groups of equal dates."""
    wf = ScriptedWorkfront()
    ids = []
    for i in range(N):
        slot = i // ties_every if ties_every else i
        ids.append(wf.add("TASK", date=T0 + timedelta(milliseconds=slot * step_ms), name=f"task {i}")["ID"])
    wf.now = NEXT.start + timedelta(minutes=1)  # edits land in the next window
    order = sorted(wf.objects["TASK"].values(), key=lambda r: (r["lastUpdateDate"], r["ID"]))
    return wf, [r["ID"] for r in order]


def delete(wf: FakeWorkfront, ids: list[str]) -> Callable[[], None]:
    return lambda: [wf.delete("TASK", i) for i in ids if i in wf.objects["TASK"]]


def edit(wf: FakeWorkfront, ids: list[str]) -> Callable[[], None]:
    def run() -> None:
        for i in ids:
            wf.tick(0.001)
            wf.edit("TASK", i, name="edited")
    return run


def in_order(*steps: tuple[int, Callable[[], None] | None]) -> tuple[dict, dict]:
    """Offset pages read strictly in the order given, each followed by its action:
    ``(before_offset, after_offset)`` maps for :class:`ScriptedWorkfront`."""
    turns = [threading.Event() for _ in steps]
    turns[0].set()
    before, after = {}, {}
    for n, (rank, action) in enumerate(steps):
        before[rank] = lambda e=turns[n]: e.wait(10) or pytest.fail("an offset page never came")

        def done(n=n, action=action) -> None:
            if action is not None:
                action()
            if n + 1 < len(turns):
                turns[n + 1].set()
        after[rank] = done
    return before, after


def stable(wf: FakeWorkfront, before: dict[str, dict], window: SyncWindow) -> set[str]:
    """Objects in ``window`` now that were there, unchanged, before the run."""
    return {
        i for i, r in wf.objects["TASK"].items()
        if i in before and r["lastUpdateDate"] == before[i]["lastUpdateDate"]
        and window.start <= r["lastUpdateDate"] < window.end
    }


def run(wf: ScriptedWorkfront, window: SyncWindow = WINDOW, sink: RecordingSink | None = None, deletes: str = "none",
        count_ahead: bool | None = None):
    sink = sink or RecordingSink()
    summary = SyncEngine(wf, "TASK", page_size=PAGE, max_workers=WORKERS, deletes=deletes,
                         count_ahead=count_ahead).run(window, sink)
    assert not (wf.before_offset or wf.after_offset), "a scripted offset page was never read: the test proved nothing"
    return summary, sink


def test_the_plan_these_tests_script_against():
    partitions = plan_partitions(N - PAGE, PAGE, WORKERS)
    assert [p.cut_rank for p in partitions] == [None, *CUT_RANKS]


def test_deletes_between_the_count_and_the_offset_pages_move_every_cut():
    """The count plans ranks; 30 deletes at the head of the remainder shift every cut 30 objects on."""
    wf, order = seeded()
    before = {i: dict(r) for i, r in wf.objects["TASK"].items()}
    wf.after_count = delete(wf, order[10:40])
    summary, sink = run(wf)
    must = stable(wf, before, WINDOW)
    assert len(must) == N - 30 and must <= set(sink.rows)
    assert set(sink.writes.values()) == {1}
    assert summary.partitions == 4


def test_deletes_that_empty_the_last_offset_pages_leave_the_partition_before_reading_to_the_end():
    wf, order = seeded()
    before = {i: dict(r) for i, r in wf.objects["TASK"].items()}
    wf.after_count = delete(wf, order[10:80])  # 120 left after the first page: the cut at 147 is gone
    summary, sink = run(wf)
    assert stable(wf, before, WINDOW) <= set(sink.rows)
    assert summary.partitions == 3


def test_cuts_read_in_reverse_around_a_mass_delete_cross_and_nothing_is_lost():
    """The last cut is read first, then the third; 60 objects go; the second lands past the third
    (ranks shifted), so the third is dropped and the second reads on to the fourth."""
    wf, order = seeded()
    before = {i: dict(r) for i, r in wf.objects["TASK"].items()}
    wf.before_offset, wf.after_offset = in_order((147, None), (98, delete(wf, order[10:70])), (49, None))
    summary, sink = run(wf)
    assert stable(wf, before, WINDOW) <= set(sink.rows)
    assert summary.partitions == 3  # the crossed cut was dropped
    assert set(sink.writes.values()) == {1}


def test_a_cut_deleted_after_the_partitions_agreed_on_it_is_still_a_bound():
    """The second partition reads by key up to the third's cut, which is gone by then: it must
    not run past it (duplicates) nor stop short of it (loss)."""
    wf, order = seeded()
    before = {i: dict(r) for i, r in wf.objects["TASK"].items()}
    cut_3 = order[PAGE + 98]
    # Every offset page read, then the cut deleted before any partition's second page.
    wf.before_offset, wf.after_offset = in_order((49, None), (98, None), (147, delete(wf, [cut_3])))
    summary, sink = run(wf)
    assert stable(wf, before, WINDOW) <= set(sink.rows)
    assert set(sink.writes.values()) == {1}
    assert summary.partitions == 4


def test_rows_edited_out_of_a_partition_between_its_pages_are_read_in_the_next_window():
    """Edits move objects the partitions have not read yet out of the window; deletes remove
    others. After this window and the next (journal deletes), the sink equals Workfront."""
    wf, order = seeded()
    moved, gone = order[60:75:2], order[130:190:3]
    actions = [edit(wf, moved), delete(wf, gone)]
    wf.before_offset, wf.after_offset = in_order((49, None), (98, None), (147, lambda: [a() for a in actions]))
    sink = RecordingSink()
    run(wf, sink=sink, deletes="journal")
    run(wf, NEXT, sink=sink, deletes="journal")
    truth = {i: r["lastUpdateDate"] for i, r in wf.objects["TASK"].items()}
    assert {i: r["lastUpdateDate"] for i, r in sink.rows.items()} == truth


@pytest.mark.parametrize("ties", [3, 7, 25])
def test_cuts_inside_groups_of_equal_dates_with_deletes_around_them(ties):
    """Many objects share each millisecond, so cuts split tie groups and resume on ``ID gt``."""
    wf, order = seeded(step_ms=1, ties_every=ties)
    before = {i: dict(r) for i, r in wf.objects["TASK"].items()}
    wf.before_offset, wf.after_offset = in_order(
        (98, delete(wf, order[55:62])), (49, delete(wf, order[100:112])), (147, delete(wf, [order[PAGE + 98]])))
    summary, sink = run(wf)
    assert stable(wf, before, WINDOW) <= set(sink.rows)
    assert set(sink.writes.values()) == {1}


@pytest.mark.parametrize("seed", range(40))
def test_random_edits_and_deletes_between_any_two_requests(seed):
    """Up to five random edits or deletes before every search, from every thread: whatever the
    interleaving, nothing that stayed in place is missed, nothing is read twice, and the next
    window with journal deletes leaves the sink equal to Workfront."""
    wf, order = seeded(step_ms=3, ties_every=2)
    before = {i: dict(r) for i, r in wf.objects["TASK"].items()}
    rng = random.Random(seed)
    lock = threading.Lock()

    def churn(client, call):
        with lock:
            for _ in range(rng.randrange(6)):
                alive = sorted(client.objects["TASK"])
                victim = rng.choice(alive)
                if rng.random() < 0.5:
                    client.tick(0.001)
                    client.edit("TASK", victim, name="edited")
                else:
                    client.delete("TASK", victim)

    wf.before_search = churn
    sink = RecordingSink()
    run(wf, sink=sink, deletes="journal")
    assert stable(wf, before, WINDOW) <= set(sink.rows)
    assert set(sink.writes.values()) == {1}
    wf.before_search = None
    run(wf, NEXT, sink=sink, deletes="journal")
    assert {i: r["lastUpdateDate"] for i, r in sink.rows.items()} == {
        i: r["lastUpdateDate"] for i, r in wf.objects["TASK"].items()}


# Counted ahead (issue 20): the whole window is counted while its first page is read, and the
# partitions are planned over all of it. For 200 objects the cuts fall at the same ranks, now ranks of
# the window: 49, 98 and 147, and the first page is the first partition's.

def test_the_plan_counted_ahead_cuts_the_window_at_the_same_ranks():
    assert [p.cut_rank for p in plan_partitions(N, PAGE, WORKERS)] == [None, *CUT_RANKS]


@pytest.mark.parametrize("ahead", [False, True])
def test_counted_ahead_deletes_right_after_the_count_and_between_offset_pages_lose_nothing(ahead):
    """Deletes land after the count (while the first page may be in flight) and between the offset
    pages, read in reverse: every cut moves, some cross, and nothing that stayed is missed."""
    wf, order = seeded()
    before = {i: dict(r) for i, r in wf.objects["TASK"].items()}
    wf.after_count = delete(wf, order[5:35])
    wf.before_offset, wf.after_offset = in_order((147, delete(wf, order[100:110])), (98, delete(wf, order[40:60])),
                                                 (49, None))
    summary, sink = run(wf, count_ahead=ahead)
    assert stable(wf, before, WINDOW) <= set(sink.rows)
    assert set(sink.writes.values()) == {1}
    assert summary.extra.get("counted_ahead", False) is ahead


@pytest.mark.parametrize("seed", range(30))
def test_counted_ahead_random_edits_and_deletes_between_any_two_requests(seed):
    """The random interleavings of the test above, counted ahead: nothing that stayed in place is
    missed, nothing is read twice, and the next window leaves the sink equal to Workfront."""
    wf, order = seeded(step_ms=3, ties_every=2)
    before = {i: dict(r) for i, r in wf.objects["TASK"].items()}
    rng = random.Random(1000 + seed)
    lock = threading.Lock()

    def churn(client, call):
        with lock:
            for _ in range(rng.randrange(6)):
                victim = rng.choice(sorted(client.objects["TASK"]))
                if rng.random() < 0.5:
                    client.tick(0.001)
                    client.edit("TASK", victim, name="edited")
                else:
                    client.delete("TASK", victim)

    wf.before_search = churn
    sink = RecordingSink()
    summary, _ = run(wf, sink=sink, deletes="journal", count_ahead=True)
    assert summary.extra["counted_ahead"] is True
    assert stable(wf, before, WINDOW) <= set(sink.rows)
    assert set(sink.writes.values()) == {1}
    wf.before_search = None
    run(wf, NEXT, sink=sink, deletes="journal", count_ahead=True)
    assert {i: r["lastUpdateDate"] for i, r in sink.rows.items()} == {
        i: r["lastUpdateDate"] for i, r in wf.objects["TASK"].items()}
