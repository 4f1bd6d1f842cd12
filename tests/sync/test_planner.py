"""Partition plans (pure arithmetic) and the board where partitions agree on their cuts."""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import pytest

from airflow_workfront.sync.keyset import Key
from airflow_workfront.sync.planner import CutBoard, Partition, plan_partitions


def test_a_100k_window_is_ten_partitions_of_five_pages():
    plan = plan_partitions(98_000, 2000, 10)
    assert len(plan) == 10
    assert plan[0] == Partition(1, None, 10_000, last=False)  # read by key: five whole pages
    assert plan[1] == Partition(2, 9_999, 9_999, last=False)  # its first page repeats rank 9,999
    assert [p.cut_rank for p in plan[1:]] == [9_999 + 9_999 * k for k in range(9)]
    assert plan[-1] == Partition(10, 89_991, 8_008, last=True)
    assert [p.first_limit(2000) for p in plan] == [2000] * 10


def test_small_remainders_are_one_partition():
    assert plan_partitions(0, 2000, 10) == []
    assert plan_partitions(2_000, 2000, 10) == [Partition(1, None, 2_000, last=True)]
    assert plan_partitions(50, 10, 1) == [Partition(1, None, 50, last=True)]
    assert plan_partitions(3_999, 2000, 10, pages_per_partition=2) == [Partition(1, None, 3_999, last=True)]


def test_two_pages_are_two_partitions_read_at_once():
    assert plan_partitions(3_999, 2000, 10) == [Partition(1, None, 2_000, last=False),
                                                Partition(2, 1_999, 1_999, last=True)]


def test_no_more_partitions_than_rows_in_a_page():
    assert len(plan_partitions(1_000, 3, 10)) == 3


@pytest.mark.parametrize("seed", range(300))
def test_plans_cover_the_remainder_exactly(seed):
    rng = random.Random(seed)
    page = rng.choice([1, 2, 5, 10, 2000])
    remaining = rng.randint(1, 60 * page)
    workers, per = rng.randint(1, 12), rng.randint(1, 4)
    plan = plan_partitions(remaining, page, workers, per)
    assert 1 <= len(plan) <= min(workers, page)
    assert sum(p.expected for p in plan) == remaining
    assert [p.index for p in plan] == list(range(1, len(plan) + 1))
    assert [p.last for p in plan] == [False] * (len(plan) - 1) + [True]
    assert all(p.expected >= 1 for p in plan)
    if len(plan) > 1:
        whole = plan[0].expected
        assert whole % page == 0  # the first partition is whole pages...
        assert all(p.expected == whole - 1 for p in plan[1:-1])  # ...later ones repeat one row
        ranks = [p.cut_rank for p in plan[1:]]
        assert ranks[0] == whole - 1 and all(b - a == whole - 1 for a, b in zip(ranks, ranks[1:], strict=False))


def _key(minute: int) -> Key:
    return Key(datetime(2026, 3, 2, 9, minute, tzinfo=timezone.utc), f"{minute:032x}")


def _settle_all(cuts: dict[int, Key | None]) -> dict[int, tuple | None]:
    board = CutBoard(len(cuts))
    with ThreadPoolExecutor(len(cuts)) as pool:
        futures = {i: pool.submit(board.settle, i, cut) for i, cut in cuts.items()}
        return {i: f.result(timeout=10) for i, f in futures.items()}


def test_each_partition_learns_its_bounds():
    bounds = _settle_all({1: None, 2: _key(10), 3: _key(20)})
    assert bounds == {1: (None, _key(10)), 2: (_key(10), _key(20)), 3: (_key(20), None)}


def test_empty_and_out_of_order_cuts_are_dropped_and_the_partition_before_reads_on():
    bounds = _settle_all({1: None, 2: _key(30), 3: _key(20), 4: None, 5: _key(40)})
    assert bounds == {1: (None, _key(30)), 2: (_key(30), _key(40)), 3: None, 4: None, 5: (_key(40), None)}


def test_an_abort_releases_the_waiting_partitions():
    board = CutBoard(3)
    waiting = threading.Thread(target=lambda: pytest.raises(threading.BrokenBarrierError, board.settle, 1, None))
    waiting.start()
    board.abort()
    waiting.join(timeout=10)
    assert not waiting.is_alive()
    with pytest.raises(threading.BrokenBarrierError):
        board.settle(2, _key(1))


# Edges found by `make mutation` (docs/reliability.md): each assertion fails on a one-character change.

def test_a_single_object_is_still_planned():
    assert plan_partitions(1, 2000, 10) == [Partition(1, None, 1, last=True)]
    assert plan_partitions(-1, 2000, 10) == []


@pytest.mark.parametrize("partition, limit", [
    (Partition(1, None, 10, last=False), 10),  # read by key from the first page: its objects
    (Partition(1, None, 10, last=True), 11),  # one more row proves the window's end
    (Partition(2, 99, 10, last=False), 11),  # its first page repeats the cut
    (Partition(3, 99, 10, last=True), 12),  # the cut, and the row that proves the end
    (Partition(3, 99, 5_000, last=True), 2000),  # never more than a page
    (Partition(1, None, 0, last=False), 1),  # never less than one row
])
def test_a_partitions_first_request_asks_for_exactly_what_it_needs(partition, limit):
    assert partition.first_limit(2000) == limit


def test_partitions_of_several_pages_round_the_page_count_down():
    # 5 pages, at least 2 per partition: 2 partitions (5 // 2), of 3 pages and then the rest.
    assert plan_partitions(500, 100, 10, pages_per_partition=2) == [
        Partition(1, None, 300, last=False), Partition(2, 299, 200, last=True)]


def test_two_row_pages_still_split_into_partitions():
    assert plan_partitions(6, 2, 10) == [Partition(1, None, 4, last=False), Partition(2, 3, 2, last=True)]


def test_a_cut_equal_to_the_previous_one_is_dropped():
    bounds = _settle_all({1: None, 2: _key(10), 3: _key(10), 4: _key(20)})
    assert bounds == {1: (None, _key(10)), 2: (_key(10), _key(20)), 3: None, 4: (_key(20), None)}


def test_pages_of_two_rows_with_one_page_per_partition_still_split():
    # The smallest split: a partition of one 2-row page, then one whose first page repeats the cut.
    assert plan_partitions(4, 2, 10) == [Partition(1, None, 2, last=False), Partition(2, 1, 2, last=True)]
