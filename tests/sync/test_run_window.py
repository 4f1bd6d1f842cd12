"""Which window a run reads (sync/run_window.py): pure rules, no Airflow and no requests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from airflow_workfront.sync.coverage import BEGINNING
from airflow_workfront.sync.run_window import WindowError, choose_window

UTC = timezone.utc
START, END = datetime(2026, 3, 2, 9, tzinfo=UTC), datetime(2026, 3, 2, 10, tzinfo=UTC)


class Mark:
    """A watermark store holding one value."""

    key = "workfront_sync_watermark__d__t"

    def __init__(self, value: datetime | None) -> None:
        self.value = value
        self.reads = 0

    def get(self) -> datetime | None:
        self.reads += 1
        return self.value


def choose(**kwargs):
    base = {"task": "t", "obj_code": "TASK", "interval_start": START, "interval_end": END}
    return choose_window(**{**base, **kwargs})


def test_a_scheduled_run_that_joins_on_reads_its_interval():
    choice = choose(watermark=Mark(START))
    assert (choice.window.start, choice.window.end) == (START, END)
    assert "no gap before it" in choice.why


def test_a_run_after_skipped_intervals_starts_at_the_watermark():
    earlier = START - timedelta(hours=5)
    choice = choose(watermark=Mark(earlier))
    assert (choice.window.start, choice.window.end) == (earlier, END)
    assert "skipped or failed" in choice.why


def test_a_first_run_loads_everything_before_its_interval_or_from_initial_start():
    assert choose(watermark=Mark(None)).window.start == BEGINNING
    initial = datetime(2025, 1, 1, tzinfo=UTC)
    assert choose(watermark=Mark(None), initial_start=initial).window.start == initial


def test_without_fill_gaps_or_with_an_explicit_start_the_watermark_is_not_read():
    mark = Mark(START - timedelta(hours=5))
    assert choose(watermark=mark, fill_gaps=False).window.start == START
    explicit = START + timedelta(minutes=10)
    assert choose(watermark=mark, explicit_start=explicit).window.start == explicit
    assert mark.reads == 0


def test_an_empty_interval_names_the_timetable_to_use():
    with pytest.raises(WindowError, match="CronDataIntervalTimetable"):
        choose(interval_end=START)


def test_a_run_without_an_interval_reads_from_the_watermark_to_workfronts_clock_minus_the_margin():
    asked = []

    def workfront_now():
        asked.append(1)
        return END + timedelta(minutes=30)

    choice = choose(interval_start=None, interval_end=None, watermark=Mark(START), workfront_now=workfront_now,
                    margin=timedelta(seconds=5))
    assert (choice.window.start, choice.window.end) == (START, END + timedelta(minutes=30, seconds=-5))
    assert asked == [1]
    assert "Workfront's clock" in choice.why and "5 s margin" in choice.why


def test_a_run_without_an_interval_and_without_a_watermark_loads_everything_or_says_what_to_do():
    now = lambda: END  # noqa: E731
    assert choose(interval_start=None, interval_end=None, watermark=Mark(None), workfront_now=now).window.start == BEGINNING
    with pytest.raises(WindowError, match="no data interval.*workfront_sync_watermark__d__t"):
        choose(interval_start=None, interval_end=None, watermark=Mark(None), workfront_now=now, fill_gaps=False)


def test_a_watermark_ahead_of_workfronts_clock_gives_an_empty_window_not_a_backwards_one():
    choice = choose(interval_start=None, interval_end=None, watermark=Mark(END), workfront_now=lambda: END)
    assert choice.window.is_empty and "nothing new" in choice.why
