"""Which window one sync run reads, and why.

Every run of a sync task reads one half-open window ``[start, end)`` of its date field. Where the
window comes from depends on how the run was started:

* **explicit** ``window_start`` / ``window_end``: as given (a backfill of a chosen stretch);
* a run with a **data interval** (a scheduled run, or a manual run with ``--logical-date``): the
  interval, started earlier when the task's coverage watermark is earlier (skipped or failed runs)
  or when the task has never succeeded (its first run loads what came before), see
  :mod:`~airflow_workfront.sync.coverage`;
* a run **without** a data interval (``airflow dags trigger`` without ``--logical-date``, or a run
  started by asset events): from the watermark up to Workfront's own clock minus the margin, so
  that the window is closed the moment it is chosen.

The lookback and the wait for Workfront's clock to pass the end are the engine's
(:class:`~airflow_workfront.sync.engine.SyncEngine`): this module picks the window once, and the
engine applies each of them once. Nothing here does I/O except through the callables it is given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Protocol

from airflow_workfront.sync.closing import DEFAULT_MARGIN
from airflow_workfront.sync.coverage import first_start, read_start
from airflow_workfront.sync.window import SyncWindow, iso_ms


class WatermarkStore(Protocol):
    """Where a task's coverage watermark is kept (:class:`~airflow_workfront.sync.watermark.SyncWatermark`)."""

    key: str

    def get(self) -> datetime | None:
        """The end of the task's gap-free reading, or ``None`` before its first success."""


@dataclass(frozen=True)
class RunWindow:
    """The window a run reads, and one sentence on why (logged by the operator)."""

    window: SyncWindow
    why: str


class WindowError(ValueError):
    """No window can be chosen; the message says what to do."""


def choose_window(
    *,
    task: str,
    obj_code: str,
    interval_start: datetime | None,
    interval_end: datetime | None,
    explicit_start: datetime | None = None,
    explicit_end: datetime | None = None,
    watermark: WatermarkStore | None = None,
    fill_gaps: bool = True,
    initial_start: datetime | None = None,
    workfront_now: Callable[[], datetime] | None = None,
    margin: timedelta | None = None,
    not_before: datetime | None = None,
) -> RunWindow:
    """The window of one run; see this module's docstring for the rules.

    :param task: Names the task in messages.
    :param interval_start: The run's data interval start (``None``: the run has none).
    :param interval_end: The run's data interval end.
    :param explicit_start: ``window_start`` given to the task; wins over the interval.
    :param explicit_end: ``window_end`` given to the task; wins over the interval.
    :param watermark: The task's coverage watermark (``None`` outside a task run).
    :param fill_gaps: Start earlier than the interval when the watermark says time was not read.
    :param initial_start: Where a first run starts (``None``: the beginning, i.e. everything).
    :param workfront_now: Workfront's clock, asked only for a run without an interval end (``None``:
        this machine's clock).
    :param margin: How far behind Workfront's clock such a run ends (default 5 s).
    :param not_before: Such a run ends no earlier than this (a run started by events: just after
        the latest change they name, which may be newer than the clock minus the margin).
    :raises WindowError: for an empty interval, or a run that cannot know where to start.
    """
    start = explicit_start or interval_start
    end = explicit_end or interval_end
    if start is None or end is None:
        return _without_interval(task, obj_code, start, end, watermark, fill_gaps, initial_start, workfront_now,
                                 margin, explicit_start is not None, not_before)
    window = SyncWindow(start, end)
    if window.is_empty:
        raise WindowError(
            f"{task}: the sync window {window} is empty. The DAG's data interval has zero width, as with "
            "schedule='@hourly' (CronTriggerTimetable); use CronDataIntervalTimetable('@hourly', timezone='UTC') "
            "from airflow.sdk"
        )
    source = "window_start/window_end" if explicit_start or explicit_end else "the data interval"
    if explicit_start is not None or not fill_gaps or watermark is None:
        return RunWindow(window, f"Syncing {obj_code} {window}: {source}")
    begin, reason = read_start(window.start, watermark.get(), initial_start)
    if begin >= window.start:
        return RunWindow(window, f"Syncing {obj_code} {window}: {source}; no gap before it "
                                 f"(watermark {watermark.key!r})")
    widened = SyncWindow(begin, window.end)
    return RunWindow(widened, f"Syncing {obj_code} {widened}, from {iso_ms(begin)} and not from the data "
                              f"interval's start {iso_ms(window.start)}: {reason}")


def _without_interval(task: str, obj_code: str, start: datetime | None, end: datetime | None,
                      watermark: WatermarkStore | None, fill_gaps: bool, initial_start: datetime | None,
                      workfront_now: Callable[[], datetime] | None, margin: timedelta | None,
                      explicit: bool, not_before: datetime | None = None) -> RunWindow:
    """A run without a data interval: watermark (or the beginning) -> Workfront's now - margin."""
    if start is not None:
        start_source = "window_start" if explicit else "the data interval's start"
    else:
        known = watermark.get() if watermark is not None else None
        if known is not None and watermark is not None:
            start, start_source = known, f"where this task's gap-free reading ends (Variable {watermark.key!r})"
        elif watermark is not None and fill_gaps:
            start = first_start(initial_start)
            start_source = ("initial_start" if initial_start is not None else "the beginning") + (
                f": no earlier successful run of this task left a watermark in Variable {watermark.key!r}, "
                "so this first run loads everything before now")
        else:
            where = f"in Airflow Variable {watermark.key!r}" if watermark is not None else "(no task instance)"
            raise WindowError(
                f"{task}: this run has no data interval (a manual run without --logical-date, or a run started "
                f"by asset events) and no earlier successful run of this task left a watermark {where}. Trigger "
                "it with --logical-date, pass window_start, set that Variable to the ISO instant to start from, "
                "or leave fill_gaps=True so that a first run loads everything"
            )
    if end is None:
        margin = DEFAULT_MARGIN if margin is None else margin
        clock = "Workfront's clock" if workfront_now is not None else "this machine's clock (the client cannot tell Workfront's)"
        now = workfront_now() if workfront_now is not None else datetime.now(timezone.utc)
        end = max(now - margin, start)
        end_source = f"{clock} {iso_ms(now)} minus the {margin.total_seconds():g} s margin"
        if not_before is not None and not_before > end:
            end = not_before
            end_source = (f"just after the latest change the run's events name ({iso_ms(now)} minus the margin "
                          "would end before it; the read waits for Workfront's clock to pass it)")
    else:
        end_source = "window_end"
    window = SyncWindow(start, end)
    nothing = " (nothing new: the window is empty)" if window.is_empty else ""
    return RunWindow(window, f"Run without a data interval: syncing {obj_code} {window}, from {start_source} "
                             f"to {end_source}{nothing}")
