"""Where a run starts reading so that consecutive runs leave no gap (sync/coverage.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from airflow_workfront.sync.coverage import BEGINNING, joins, read_start
from airflow_workfront.sync.window import SyncWindow

UTC = timezone.utc
NINE = datetime(2026, 3, 2, 9, tzinfo=UTC)
ELEVEN = NINE + timedelta(hours=2)


def test_a_first_run_starts_at_the_beginning():
    start, reason = read_start(ELEVEN, None)
    assert start == BEGINNING == datetime(1970, 1, 1, tzinfo=UTC)
    assert "no successful run yet" in reason


def test_a_first_run_starts_at_initial_start_when_given_and_earlier():
    assert read_start(ELEVEN, None, NINE)[0] == NINE
    # An initial_start after the interval's start never shortens the interval.
    assert read_start(NINE, None, ELEVEN)[0] == NINE


def test_a_run_after_skipped_intervals_starts_at_the_watermark():
    start, reason = read_start(ELEVEN, NINE)
    assert start == NINE
    assert "2026-03-02T09:00:00.000Z" in reason and "catchup=False" in reason


@pytest.mark.parametrize("watermark", [ELEVEN, ELEVEN + timedelta(days=3)])
def test_a_run_that_joins_on_or_is_a_backfill_reads_its_interval(watermark):
    assert read_start(ELEVEN, watermark) == (ELEVEN, "the data interval")


def test_a_read_joins_when_it_starts_at_or_before_the_watermark():
    assert joins(NINE, None)
    assert joins(NINE, NINE) and joins(NINE, ELEVEN)
    assert not joins(ELEVEN, NINE)
    assert not joins(NINE + timedelta(milliseconds=1), NINE)


def test_a_lookback_never_reaches_before_the_beginning():
    window = SyncWindow(BEGINNING, ELEVEN).with_overlap(timedelta(minutes=5))
    assert window.start == BEGINNING
    assert SyncWindow(BEGINNING + timedelta(minutes=1), ELEVEN).with_overlap(timedelta(minutes=5)).start == BEGINNING
    assert SyncWindow(NINE, ELEVEN).with_overlap(timedelta(minutes=5)).start == NINE - timedelta(minutes=5)


# Edges found by `make mutation` (docs/reliability.md): the reason is what the run's log says.

def test_each_start_says_why_word_for_word():
    first_run = "this task has no successful run yet, so its first run loads what came before"
    assert read_start(ELEVEN, None) == (BEGINNING, f"the beginning: {first_run}")
    assert read_start(ELEVEN, None, NINE) == (NINE, f"initial_start 2026-03-02T09:00:00.000Z: {first_run}")
    # initial_start on the interval's start: the interval, said as such
    assert read_start(NINE, None, NINE) == (NINE, "the data interval (first run; initial_start is not earlier)")
    assert read_start(ELEVEN, NINE) == (NINE, "the end of this task's last gap-free read, 2026-03-02T09:00:00.000Z: "
                                              "the runs between were skipped or failed (a paused DAG, catchup=False, "
                                              "retries exhausted)")
