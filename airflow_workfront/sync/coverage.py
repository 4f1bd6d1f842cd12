"""Where a run starts reading so that consecutive runs leave no gap.

A data interval says which changes a run is *for*; it does not say what earlier runs read. Three
things a recurring DAG meets in production leave changes that no run reads, when a run reads only
its own interval:

* the **first run**: objects last changed before the DAG's first interval are never read (a DAG
  started today never loads the tasks nobody touched this year);
* a **skipped interval**: with ``catchup=False``, a DAG that was paused, or a scheduler that was
  down, resumes at the latest interval, and the ones in between never run;
* a **failed run** whose retries ran out while the next runs succeeded.

So each sync task keeps a *coverage watermark*: the end of the contiguous stretch of time its
successful runs have read (an Airflow Variable, see
:mod:`~airflow_workfront.sync.watermark`). A run reads from that watermark when it is
earlier than its interval's start, and a task's first run reads from ``initial_start``
(everything, by default). A run moves the watermark only when what it read joins on to it, so a
watermark never claims time that was not read.
"""

from __future__ import annotations

from datetime import datetime

from airflow_workfront.sync.window import EPOCH, iso_ms, to_utc_ms

#: Where a first run starts by default: before any Workfront object's ``lastUpdateDate``.
BEGINNING = EPOCH


def first_start(initial_start: datetime | None = None) -> datetime:
    """Where a task's first run starts reading: ``initial_start``, or :data:`BEGINNING` (everything)."""
    return to_utc_ms(initial_start) if initial_start is not None else BEGINNING


def read_start(interval_start: datetime, watermark: datetime | None,
               initial_start: datetime | None = None) -> tuple[datetime, str]:
    """Where a run of the interval starting at ``interval_start`` should start reading, and why.

    :param watermark: End of what this task's earlier runs read without a gap (``None``: no run
        has succeeded yet).
    :param initial_start: Where a first run starts (``None``: :data:`BEGINNING`, i.e. everything).
    :returns: ``(start, reason)``; ``start`` is never later than ``interval_start``.
    """
    interval_start = to_utc_ms(interval_start)
    if watermark is None:
        first = first_start(initial_start)
        if first >= interval_start:
            return interval_start, "the data interval (first run; initial_start is not earlier)"
        where = "the beginning" if initial_start is None else f"initial_start {iso_ms(first)}"
        return first, f"{where}: this task has no successful run yet, so its first run loads what came before"
    watermark = to_utc_ms(watermark)
    if watermark < interval_start:
        return watermark, (f"the end of this task's last gap-free read, {iso_ms(watermark)}: the runs between "
                           "were skipped or failed (a paused DAG, catchup=False, retries exhausted)")
    return interval_start, "the data interval"


def joins(start: datetime, watermark: datetime | None) -> bool:
    """Whether a read starting at ``start`` joins on to ``watermark``, so that its end may become
    the new watermark (no watermark yet: a first read always starts the stretch)."""
    return watermark is None or to_utc_ms(start) <= to_utc_ms(watermark)
