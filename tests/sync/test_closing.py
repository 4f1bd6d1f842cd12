"""Closing a window on Workfront's clock: waits and refusals, with fake clocks (no real waiting)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from airflow_workfront.sync.closing import (
    DEFAULT_LOOKBACK,
    DEFAULT_MARGIN,
    DEFAULT_MAX_WAIT,
    SKEW_BOUND,
    ClosingReport,
    WindowNotClosedError,
    read_after_close,
    wait_until_closed,
)

UTC = timezone.utc
NOW = datetime(2026, 3, 2, 10, tzinfo=UTC)  # the scheduler's clock when the run starts


class Clocks:
    """This machine's clock and Workfront's (``offset`` seconds ahead); sleeping moves both."""

    def __init__(self, offset_s: float, frozen: bool = False) -> None:
        self.local = NOW
        self.offset = timedelta(seconds=offset_s)
        self.frozen_at = NOW + self.offset if frozen else None
        self.sleeps: list[float] = []
        self.measurements = 0

    def server_now(self, refresh: bool) -> datetime:
        self.measurements += refresh
        return self.frozen_at or self.local + self.offset

    def local_now(self) -> datetime:
        return self.local

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.local += timedelta(seconds=seconds)

    def close(self, window_end: datetime, **kw):
        return wait_until_closed("TASK window [a, b)", window_end, self.server_now, self.local_now,
                                 sleep=self.sleep, **kw)


def test_the_defaults_cover_five_minutes_of_skew_either_way():
    assert SKEW_BOUND == timedelta(minutes=5) and DEFAULT_LOOKBACK == SKEW_BOUND
    assert DEFAULT_MAX_WAIT >= SKEW_BOUND + DEFAULT_MARGIN + timedelta(seconds=1)
    assert timedelta(seconds=1) < DEFAULT_MARGIN < timedelta(seconds=30)


def test_a_window_workfront_has_closed_is_read_at_once_without_a_request():
    clocks = Clocks(offset_s=0)
    report = clocks.close(NOW - timedelta(minutes=1))
    assert clocks.sleeps == [] and clocks.measurements == 0
    assert (report.waited_s, report.clock_requests, report.offset_s) == (0, 0, 0)


@pytest.mark.parametrize("offset_s", [-30, -300])
def test_workfront_behind_the_scheduler_is_waited_for(offset_s):
    """The run starts as the window ends by the scheduler's clock; Workfront's is behind."""
    clocks = Clocks(offset_s)
    report = clocks.close(NOW)
    needed = -offset_s + DEFAULT_MARGIN.total_seconds()
    assert clocks.sleeps == [needed + 1.0]  # one sleep, with a second for Date's resolution
    assert clocks.server_now(False) >= NOW + DEFAULT_MARGIN
    assert report.clock_requests == clocks.measurements == 2  # measured afresh before and after waiting
    assert report.offset_s == offset_s and report.waited_s == needed + 1.0


@pytest.mark.parametrize("offset_s", [30, 300])
def test_workfront_ahead_of_the_scheduler_closes_windows_sooner(offset_s):
    """A window that ends in the scheduler's future but in Workfront's past is already closed."""
    clocks = Clocks(offset_s)
    clocks.close(NOW + timedelta(seconds=offset_s) - DEFAULT_MARGIN)
    assert clocks.sleeps == []


def test_a_window_ending_20_s_in_the_future_is_waited_for_never_read_early():
    clocks = Clocks(offset_s=0)
    clocks.close(NOW + timedelta(seconds=20))
    assert clocks.sleeps == [20 + DEFAULT_MARGIN.total_seconds() + 1.0]


def test_a_window_ending_far_in_the_future_is_refused_at_once_with_what_to_do():
    clocks = Clocks(offset_s=-12)
    with pytest.raises(WindowNotClosedError) as err:
        clocks.close(NOW + timedelta(hours=1))
    message = str(err.value)
    assert clocks.sleeps == []
    assert "TASK window [a, b) cannot be read yet" in message
    assert "Workfront's clock says 2026-03-02T09:59:48.000Z" in message
    assert "this machine's says 2026-03-02T10:00:00.000Z" in message
    assert "Workfront is 12 s behind this machine's" in message
    assert "passes 2026-03-02T11:00:05.000Z" in message
    assert "Run this window after it has ended" in message and "NTP" in message
    assert err.value.window_end == NOW + timedelta(hours=1)


def test_skew_beyond_the_bound_is_refused_instead_of_waited_for():
    clocks = Clocks(offset_s=-400)
    with pytest.raises(WindowNotClosedError, match="400 s behind"):
        clocks.close(NOW)
    assert clocks.sleeps == []
    clocks.close(NOW, max_wait=timedelta(minutes=10))  # a user who knows their skew may wait longer
    assert clocks.sleeps == [405 + 1.0]


def test_a_clock_that_does_not_move_is_reported_instead_of_waited_on_for_minutes():
    clocks = Clocks(offset_s=-3, frozen=True)
    with pytest.raises(WindowNotClosedError, match="did not advance while the sync waited"):
        clocks.close(NOW)
    assert len(clocks.sleeps) == 1


def test_a_read_counts_as_closed_only_if_it_was_sent_after_end_plus_margin():
    end, margin = NOW, timedelta(seconds=5)
    # Workfront said end + 5.3 s when the answer was in hand, 0.2 s after sending: sent at >= end + 5.1 s.
    assert read_after_close(end, margin, end + timedelta(seconds=5.3), 0.2)
    assert read_after_close(end, margin, end + timedelta(seconds=5.3), 0.3)  # sent at >= end + 5 s exactly
    # A slow answer: the clock passed end + margin, but the read may have run before it did.
    assert not read_after_close(end, margin, end + timedelta(seconds=5.3), 0.31)
    assert not read_after_close(end, margin, end + timedelta(seconds=4.9), 0.0)
    assert read_after_close(end, margin, end + timedelta(seconds=5), -0.1)  # a monotonic clock cannot run back


def test_a_fresh_estimate_is_not_measured_again_before_waiting_or_refusing():
    clocks = Clocks(0)
    report = clocks.close(NOW + timedelta(seconds=20), fresh=True)
    assert clocks.sleeps == [26.0] and report.clock_requests == clocks.measurements == 1  # only after the wait
    with pytest.raises(WindowNotClosedError, match="cannot be read yet"):
        Clocks(0).close(NOW + timedelta(minutes=20), fresh=True)


def test_negative_settings_are_refused():
    with pytest.raises(ValueError, match="must not be negative"):
        Clocks(0).close(NOW, margin=timedelta(seconds=-1))


def test_the_engine_refuses_a_future_window_even_with_a_client_that_cannot_tell_workfronts_time():
    from fake_workfront import FakeWorkfront, RecordingSink

    from airflow_workfront.sync import SyncEngine, SyncWindow

    wf = FakeWorkfront()  # no server_time(): the engine falls back to this machine's clock
    end = datetime.now(UTC) + timedelta(hours=1)
    with pytest.raises(WindowNotClosedError, match="cannot be read yet"):
        SyncEngine(wf, "TASK").run(SyncWindow(end - timedelta(hours=1), end), RecordingSink())
    assert wf.calls == []


def test_the_engine_refuses_negative_timings():
    from fake_workfront import FakeWorkfront

    from airflow_workfront.sync import SyncEngine

    for name in ("overlap", "margin", "max_wait"):
        with pytest.raises(ValueError, match=f"{name} must be a timedelta of zero or more"):
            SyncEngine(FakeWorkfront(), "TASK", **{name: timedelta(seconds=-1)})


# Edges found by `make mutation` (docs/reliability.md): each assertion fails on a one-character change.

class StretchedClocks(Clocks):
    """Workfront's clock runs ``rate`` times as fast as this machine's while the sync sleeps."""

    def __init__(self, offset_s: float, rate: float) -> None:
        super().__init__(offset_s)
        self.rate = rate

    def server_now(self, refresh: bool) -> datetime:
        self.measurements += refresh
        return NOW + self.offset + (self.local - NOW) * self.rate


def test_less_than_a_second_short_of_closed_is_still_waited_for():
    clocks = Clocks(offset_s=0)
    report = clocks.close(NOW - DEFAULT_MARGIN + timedelta(seconds=0.5))
    assert clocks.sleeps == [1.5] and report.waited_s == 1.5


def test_a_zero_margin_and_a_zero_wait_are_allowed():
    clocks = Clocks(offset_s=0)
    report = clocks.close(NOW, margin=timedelta(0), max_wait=timedelta(0))
    assert report.waited_s == 0 and clocks.sleeps == []


def test_a_wait_of_exactly_max_wait_is_made_and_a_longer_one_refused():
    assert Clocks(offset_s=-10).close(NOW, max_wait=timedelta(seconds=15)).waited_s == 16.0
    with pytest.raises(WindowNotClosedError):
        Clocks(offset_s=-10).close(NOW, max_wait=timedelta(seconds=14.9))


def test_the_waiting_is_logged_with_both_clocks(caplog):
    with caplog.at_level("INFO", logger="airflow_workfront.sync.closing"):
        Clocks(offset_s=-10).close(NOW)
    assert [r.getMessage() for r in caplog.records] == [
        "TASK window [a, b): waiting 15.0 s for Workfront's clock (now 2026-03-02T09:59:50.000Z) to pass the "
        "window's end 2026-03-02T10:00:00.000Z by 0:00:05"]


def test_waits_add_up_against_max_wait_and_the_refusal_says_how_long_it_waited():
    clocks = StretchedClocks(offset_s=-10, rate=0.5)  # 16 s asleep move Workfront's clock 8 s
    with pytest.raises(WindowNotClosedError) as err:
        clocks.close(NOW, max_wait=timedelta(seconds=22))  # 16 s, then 7 s more would pass 22 s in all
    assert clocks.sleeps == [16.0]
    assert "(it already waited 16 s)" in str(err.value)
    assert err.value.window_end == NOW
    assert err.value.workfront_now == NOW - timedelta(seconds=2) and err.value.local_now == NOW + timedelta(seconds=16)
    report = StretchedClocks(offset_s=-10, rate=0.5).close(NOW)
    assert report.waited_s == 16.0 + 8.0 + 4.0 + 2.0  # every round counts, not only the last


def test_a_refusal_at_once_says_nothing_of_waiting_and_names_a_zero_skew():
    clocks = Clocks(offset_s=0)
    with pytest.raises(WindowNotClosedError) as err:
        clocks.close(NOW + timedelta(hours=1))
    assert "Workfront is 0 s ahead of this machine's" in str(err.value) and "already waited" not in str(err.value)
    assert err.value.workfront_now == NOW and err.value.local_now == NOW


@pytest.mark.parametrize("rate, stalled", [(7 / 16, False), (6.5 / 16, True)])
def test_a_clock_counts_as_stalled_below_half_the_time_waited_with_a_second_of_slack(rate, stalled):
    # 16 s asleep: a clock that moved 7 s (+1 s of Date's resolution = half of 16) is running.
    clocks = StretchedClocks(offset_s=-10, rate=rate)
    if stalled:
        with pytest.raises(WindowNotClosedError, match="did not advance while the sync waited 16.0 s") as err:
            clocks.close(NOW)
        assert err.value.workfront_now == NOW - timedelta(seconds=3.5) and err.value.local_now == NOW + timedelta(seconds=16)
        assert err.value.window_end == NOW
    else:
        assert clocks.close(NOW).waited_s > 16.0


def test_the_refusals_say_what_to_do_word_for_word():
    with pytest.raises(WindowNotClosedError) as err:
        Clocks(offset_s=0).close(NOW + timedelta(hours=1))
    assert str(err.value) == (
        "TASK window [a, b) cannot be read yet: Workfront's clock says 2026-03-02T10:00:00.000Z, this machine's "
        "says 2026-03-02T10:00:00.000Z (Workfront is 0 s ahead of this machine's), and the window ends at "
        "2026-03-02T11:00:00.000Z. Workfront stamps changes with its own clock, so the window is complete only "
        "once that clock passes 2026-03-02T11:00:05.000Z (the end plus a 5 s margin), which is more than the "
        "360 s this run may wait. Run this window after it has ended (a data interval that is over, or a "
        "window_end in the past); if the clocks disagree by more than a few minutes, fix the clock that is "
        "wrong (NTP), or raise max_wait.")
    with pytest.raises(WindowNotClosedError) as err:
        Clocks(offset_s=-10, frozen=True).close(NOW)
    assert str(err.value) == (
        "TASK window [a, b): Workfront's clock did not advance while the sync waited 16.0 s (it went from "
        "2026-03-02T09:59:50.000Z to 2026-03-02T09:59:50.000Z), so the window cannot close. Check the Workfront "
        "host's clock (a frozen test emulator needs its clock set past the window end).")


def test_the_closing_report_for_the_run_summary():
    report = Clocks(offset_s=-10).close(NOW)
    assert report.as_dict() == {"workfront_now": "2026-03-02T10:00:06.000Z", "offset_s": -10.0, "waited_s": 16.0,
                                "requests": 2}
    fractions = ClosingReport(NOW + timedelta(seconds=0.0012345), NOW, waited_s=1.23456, clock_requests=1)
    assert fractions.as_dict() == {"workfront_now": "2026-03-02T10:00:00.001Z", "offset_s": 0.001, "waited_s": 1.235,
                                   "requests": 1}  # to the millisecond
