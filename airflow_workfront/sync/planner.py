"""Split what is left of a window into partitions, read in parallel, without probe requests.

After the first page, one ``count`` says how many objects remain. Partitions are planned as
whole pages of ranks, and each one's first request does double duty:

* the first partition reads by key from where the first page stopped;
* every later partition reads a page by offset (``$$FIRST``), starting at the rank of the
  previous partition's last object. That row is the *cut*: the previous partition ends at it
  (inclusive) and this one starts after it, so the page holds the cut and this partition's
  first objects.

Once every partition has its first page, the cuts are known and each partition carries on by key
up to the next cut, stopping when it reads it. Offsets only locate cuts: data is always bounded by
keys, so an edit or delete while the run pages moves a cut (a partition reads a little more or
less) but cannot hide an object. Cuts that come back empty or out of order (data shrank between
the reads) are dropped, and the partition before them reads on to the next good cut.

The first partition holds ``m`` whole pages and every later bounded one ``m`` pages less one
object (its first page repeats the cut), so each costs exactly ``m`` searches; the last one asks
for one row more than it expects and knows its end from a short page. A run costs about
``ceil(N / page_size)`` searches plus one count.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

from airflow_workfront.sync.keyset import Key


@dataclass(frozen=True)
class Partition:
    """One slice of a window's remainder, read by one worker.

    :param index: 1-based position (0 is the window's first page, read before planning).
    :param cut_rank: Rank in the remainder of the previous partition's last object, where this
        partition's first page starts; ``None`` for the first partition, which reads by key.
    :param expected: Objects it held at planning time, the cut excluded.
    :param last: It runs to the window's end (no next cut).
    """

    index: int
    cut_rank: int | None
    expected: int
    last: bool

    def first_limit(self, page_size: int) -> int:
        """Rows its first request asks for: its objects, plus the cut, plus one to prove the
        window's end when it is the last partition (at most a page)."""
        wanted = self.expected + (self.cut_rank is not None) + self.last
        return max(1, min(page_size, wanted))


def plan_partitions(remaining: int, page_size: int, max_partitions: int, pages_per_partition: int = 1) -> list[Partition]:
    """Plan the partitions of a remainder that held ``remaining`` objects when counted.

    :param max_partitions: Upper bound on partitions (the worker pool size).
    :param pages_per_partition: Smallest partition, in pages: fewer pages than this each and the
        remainder is read by one worker.
    """
    if remaining <= 0:
        return []
    # Each later partition repeats one row (its cut); with no more partitions than rows in a page,
    # those repeats cost at most one search in all.
    max_partitions = min(max_partitions, page_size)
    pages = math.ceil(remaining / page_size)
    count = max(1, min(max_partitions, pages // max(1, pages_per_partition)))
    per_pages = math.ceil(pages / count)
    first = per_pages * page_size
    if count == 1 or remaining <= first or first < 2:  # 1-row pages leave no room for a cut
        return [Partition(1, None, remaining, last=True)]
    later = first - 1  # a later partition's first page also carries the previous one's last object
    partitions = [Partition(1, None, first, last=False)]
    placed = first
    # More partitions than `count` when they fit: a last partition holding less than a page
    # less two rows ends within its first page.
    while len(partitions) < max_partitions - 1 and remaining - placed > later:
        partitions.append(Partition(len(partitions) + 1, placed - 1, later, last=False))
        placed += later
    partitions.append(Partition(len(partitions) + 1, placed - 1, remaining - placed, last=True))
    return partitions


class CutBoard:
    """Where the partitions of one run meet once each has read its first page.

    Each worker posts its cut (the key of the first row of its offset page, or ``None`` when the
    page came back empty) and waits for the others; then all agree on which cuts hold and each
    learns its bounds. A failing worker calls :meth:`abort` so the others stop waiting.
    """

    def __init__(self, partitions: int) -> None:
        self._cuts: dict[int, Key | None] = {}
        self._lock = threading.Lock()
        self._barrier = threading.Barrier(partitions)

    def settle(self, index: int, cut: Key | None) -> tuple[Key | None, Key | None] | None:
        """Post partition ``index``'s cut, wait for all, and return its ``(after, upto)`` keys.

        ``after`` is ``None`` for the first partition (it starts where the first page stopped),
        ``upto`` ``None`` for the last one that holds. ``None`` means this partition's cut did not
        hold and the partition before it reads its objects instead.

        :raises threading.BrokenBarrierError: when another partition failed (see :meth:`abort`).
        """
        with self._lock:
            self._cuts[index] = cut
        self._barrier.wait()
        kept = self.kept()
        if index not in kept:
            return None
        position = kept.index(index)
        upto = self._cuts[kept[position + 1]] if position + 1 < len(kept) else None
        return self._cuts[index], upto  # the first partition posts None: it starts after the first page

    def kept(self) -> list[int]:
        """The partitions whose cuts hold: the first, then each later one whose cut exists and
        comes after the previous kept cut (posted cuts only; call after every post)."""
        kept, previous = [1], None
        for index in sorted(i for i in self._cuts if i != 1):
            cut = self._cuts[index]
            if cut is not None and (previous is None or cut > previous):
                kept.append(index)
                previous = cut
        return kept

    def abort(self) -> None:
        """Release every waiting partition with :class:`threading.BrokenBarrierError`."""
        self._barrier.abort()
