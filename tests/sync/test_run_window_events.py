"""A run started by events reads at least up to the latest change its events name (sync/run_window.py,
sync/events.py): a change newer than Workfront's clock minus the margin is not left for a run
that may never come."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from airflow_workfront.sync.events import latest_change
from airflow_workfront.sync.run_window import choose_window

UTC = timezone.utc
MARK = datetime(2026, 3, 2, 9, tzinfo=UTC)
NOW = datetime(2026, 3, 2, 10, tzinfo=UTC)


class Mark:
    key = "workfront_sync_watermark__d__t"

    def get(self) -> datetime:
        return MARK


def choose(not_before=None):
    return choose_window(task="t", obj_code="TASK", interval_start=None, interval_end=None, watermark=Mark(),
                         workfront_now=lambda: NOW, margin=timedelta(seconds=5), not_before=not_before)


def test_a_change_newer_than_the_clock_minus_the_margin_is_inside_the_window():
    change = NOW - timedelta(seconds=2)
    choice = choose(change)
    assert (choice.window.start, choice.window.end) == (MARK, change)
    assert "latest change the run's events name" in choice.why


def test_an_older_change_leaves_the_window_at_the_clock_minus_the_margin():
    choice = choose(NOW - timedelta(seconds=30))
    assert choice.window.end == NOW - timedelta(seconds=5)
    assert "latest change" not in choice.why
    assert choose().window.end == NOW - timedelta(seconds=5)


def event(**extra):
    return SimpleNamespace(extra=extra)


def test_the_latest_change_among_the_events_about_the_tasks_types():
    events = {"a": [event(obj_code="TASK", event_time="2026-03-02T09:59:58+00:00"),
                    event(obj_code="PROJ", event_time="2026-03-02T09:59:59.500000+00:00")],
              "b": [{"extra": {"obj_code": "task", "event_time": "2026-03-02T09:59:59"}},
                    event(obj_code="TASK", event_time="not a date"), event(source="elsewhere")]}
    assert latest_change(events, ["TASK"]) == datetime(2026, 3, 2, 9, 59, 59, tzinfo=UTC)
    assert latest_change(events, ["PROJ", "TASK"]) == datetime(2026, 3, 2, 9, 59, 59, 500000, tzinfo=UTC)
    assert latest_change(events, ["OPTASK"]) is None
