"""Split what is left of a window into partitions, fetched in parallel.

After the first page, one ``count`` says how many objects remain. The remainder is cut at ranks
one short of whole pages: the key at each rank is read with a 1-row search at that offset. Each
bounded partition's last page asks for one row more than planned, so a short answer proves its
end without another request, and a full one shows it grew and is read on. A partition can grow:
the probes run while data changes, and a delete before one cut shifts the ranks of the next. In
all, a run costs at most one search more than ``ceil(N / page_size)``, plus the planning requests
(one count and one probe per cut). Offsets only find cut points; the data is read by key.
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
    if count == 1:
        return [Partition(1, remainder, remaining, bounded=False)], 0
    # Objects per bounded partition: whole pages less one, so its last page asks for what is left
    # plus one and a short answer proves the partition's end without another request.
    per = math.ceil(pages / count) * page - 1
    count = min(max_partitions, math.ceil(remaining / per))
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
