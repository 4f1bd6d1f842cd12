"""Split what is left of a window into partitions of whole pages, fetched in parallel.

After the first page, one ``count`` says how many objects remain. The remainder is cut at exact
ranks (multiples of ``pages_per_partition * page_size``): the key at each rank is read with a
1-row search at that offset. Every partition but the last therefore holds a whole number of full
pages, so splitting costs no partial page: the total stays ``ceil(N / page_size)`` searches plus
the planning requests (one count and one probe per cut). Offsets are used only to find cut
points; the data itself is read by key, so concurrent edits can only make a partition smaller.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from airflow_workfront.sync.keyset import Key, KeyRange
from airflow_workfront.sync.paging import KeysetReader


@dataclass(frozen=True)
class Partition:
    """One slice of a window, read sequentially by one worker.

    :param index: 1-based position (0 is the window's first page, read before planning).
    :param key_range: The keys the partition covers.
    :param expected: Objects it held at planning time.
    :param bounded: Its upper end is a key from the data (every partition except the last).
    """

    index: int
    key_range: KeyRange
    expected: int
    bounded: bool


def plan_partitions(
    reader: KeysetReader,
    remainder: KeyRange,
    remaining: int,
    max_partitions: int,
    pages_per_partition: int = 2,
) -> tuple[list[Partition], int]:
    """Plan the partitions of ``remainder`` (which held ``remaining`` objects when counted).

    :param max_partitions: Upper bound on partitions (the worker pool size).
    :param pages_per_partition: Smallest partition, in pages; each extra partition costs one probe
        request, so partitions are only made when they save at least this many sequential pages.
    :returns: ``(partitions, probe_requests)``.
    """
    if remaining <= 0:
        return [], 0
    page = reader.page_size
    pages = math.ceil(remaining / page)
    count = max(1, min(max_partitions, pages // max(1, pages_per_partition)))
    per = math.ceil(pages / count) * page  # objects per bounded partition: whole pages
    count = math.ceil(remaining / per)
    ranks = [j * per - 1 for j in range(1, count)]
    if not ranks:
        return [Partition(1, remainder, remaining, bounded=False)], 0
    with ThreadPoolExecutor(max_workers=min(max_partitions, len(ranks)), thread_name_prefix="wf-plan") as pool:
        keys = list(pool.map(lambda rank: reader.probe(remainder, rank), ranks))
    cuts: list[Key] = []
    for key in keys:
        # A probe past the end (data shrank since the count) or out of order ends the cuts.
        if key is None or (cuts and key <= cuts[-1]):
            break
        cuts.append(key)
    partitions: list[Partition] = []
    lower = remainder
    for n, cut in enumerate(cuts, start=1):
        partitions.append(Partition(n, lower.bounded_by(cut), per, bounded=True))
        lower = remainder.resume_after(cut)
    partitions.append(
        Partition(len(cuts) + 1, lower, max(0, remaining - per * len(cuts)), bounded=False)
    )
    return partitions, len(ranks)
