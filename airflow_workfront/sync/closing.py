"""Closing a window: read it only once Workfront's own clock has passed its end, with a margin.

Workfront stamps ``lastUpdateDate`` with its clock, not the scheduler's. If a window ``[start, end)``
is read while Workfront's clock is still before ``end``, an edit made after the read gets a date
inside the window, behind the reader, and no later window covers it: it is lost. So before reading,
the sync asks Workfront's time (the ``Date`` header of its answers, see
:mod:`airflow_workfront.client.server_clock`) and waits until it is at least ``end + margin``.

A read may also be checked after the fact (:func:`read_after_close`): a request sent at local
time ``s`` ran on Workfront at or after Workfront's time at ``s``, which is at least the clock
estimate taken when its answer is in hand minus the local time elapsed since ``s``. If that is
already ``end + margin``, the read is exactly as safe as one sent after waiting, and costs no
request of its own.

The margin covers what the ``Date`` header cannot show: a write stamped just before ``end`` that
becomes visible to searches a little later (its commit). The wait is bounded: a window that would
need more than ``max_wait`` (it ends in the future, or the clocks differ by more than the bound)
is refused at once with an error that says which clocks disagree and what to do.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from airflow_workfront.sync.window import iso_ms

log = logging.getLogger(__name__)

#: How far Workfront's clock may be from the scheduler's, either way, with the defaults exact.
SKEW_BOUND = timedelta(minutes=5)
#: Time after a window's end (by Workfront's clock) before it is read: commit latency of a write
#: stamped just before the end. ``Date``'s one-second resolution is already accounted for, because
#: the client's estimate of Workfront's clock is a lower bound.
DEFAULT_MARGIN = timedelta(seconds=5)
#: The longest wait for a window to close: enough for a window that has just ended by the
#: scheduler's clock while Workfront's runs the whole skew bound behind, plus the margin.
DEFAULT_MAX_WAIT = SKEW_BOUND + timedelta(minutes=1)
#: Re-read before each window's start: with it, a window read too early (a clock estimate that was
#: wrong, e.g. a proxy's ``Date``) is repaired by the next run, for skews up to the bound.
DEFAULT_LOOKBACK = SKEW_BOUND

#: A server clock that advanced less than this share of the time waited is not running.
_STALLED_SHARE = 0.5


class WindowNotClosedError(RuntimeError):
    """The window cannot be read yet: Workfront's clock has not passed its end by the margin.

    :param window_end: The window's end.
    :param workfront_now: Workfront's clock when the error was raised.
    :param local_now: This machine's clock then.
    """

    def __init__(self, message: str, *, window_end: datetime, workfront_now: datetime, local_now: datetime) -> None:
        super().__init__(message)
        self.window_end = window_end
        self.workfront_now = workfront_now
        self.local_now = local_now


@dataclass
class ClosingReport:
    """How a window was closed: what the clocks said and how long the sync waited."""

    workfront_now: datetime
    local_now: datetime
    waited_s: float
    clock_requests: int

    @property
    def offset_s(self) -> float:
        """Seconds Workfront's clock is ahead of this machine's (negative: behind), lower bound."""
        return (self.workfront_now - self.local_now).total_seconds()

    def as_dict(self) -> dict[str, object]:
        """JSON-able form for the run summary."""
        return {"workfront_now": iso_ms(self.workfront_now), "offset_s": round(self.offset_s, 3),
                "waited_s": round(self.waited_s, 3), "requests": self.clock_requests}


def wait_until_closed(
    what: str,
    window_end: datetime,
    server_now: Callable[[bool], datetime],
    local_now: Callable[[], datetime],
    margin: timedelta = DEFAULT_MARGIN,
    max_wait: timedelta = DEFAULT_MAX_WAIT,
    sleep: Callable[[float], None] = time.sleep,
    fresh: bool = False,
) -> ClosingReport:
    """Return once Workfront's clock is at least ``window_end + margin``, waiting if needed.

    :param what: What is being synced, for messages (``"TASK window [a, b)"``).
    :param server_now: Workfront's time; called with ``True`` to measure it afresh (one request).
    :param local_now: This machine's time, for messages and the report.
    :param fresh: The estimate ``server_now(False)`` gives was just measured (by an answer the
        caller has received), so it is not measured again before waiting or refusing.
    :raises WindowNotClosedError: when closing would take longer than ``max_wait`` in all, or
        Workfront's clock does not advance while the sync waits.
    """
    if margin < timedelta(0) or max_wait < timedelta(0):
        raise ValueError(f"margin and max_wait must not be negative, got {margin} and {max_wait}")
    close_at = window_end + margin
    workfront, requests, waited = server_now(False), 0, 0.0
    while True:
        needed = (close_at - workfront).total_seconds()
        if needed <= 0:
            return ClosingReport(workfront, local_now(), waited, requests)
        if not fresh:  # the estimate may come from an older answer: measure before waiting or refusing
            workfront, requests, fresh = server_now(True), requests + 1, True
            continue
        if waited + needed > max_wait.total_seconds():
            raise _not_closed(what, window_end, margin, max_wait, workfront, local_now(), waited)
        log.info("%s: waiting %.1f s for Workfront's clock (now %s) to pass the window's end %s by %s",
                 what, needed, iso_ms(workfront), iso_ms(window_end), margin)
        # The estimate has 1-second resolution: sleeping that much longer closes in one round.
        sleep(needed + 1.0)
        waited += needed + 1.0
        before, workfront = workfront, server_now(True)
        requests += 1
        # Both readings are lower bounds with 1-second resolution, hence the second of slack.
        if (workfront - before).total_seconds() + 1.0 < _STALLED_SHARE * (needed + 1.0):
            raise WindowNotClosedError(
                f"{what}: Workfront's clock did not advance while the sync waited {needed + 1.0:.1f} s "
                f"(it went from {iso_ms(before)} to {iso_ms(workfront)}), so the window cannot close. "
                "Check the Workfront host's clock (a frozen test emulator needs its clock set past the window end).",
                window_end=window_end, workfront_now=workfront, local_now=local_now(),
            )


def read_after_close(window_end: datetime, margin: timedelta, workfront_after: datetime, elapsed_s: float) -> bool:
    """Whether a read ran on Workfront at or after ``window_end + margin``.

    :param workfront_after: Workfront's time (a lower bound) estimated once the read's answer was in hand.
    :param elapsed_s: This machine's seconds (monotonic) from sending the read to that estimate.
        Workfront's clock ran as long in that time, so at the send it was at least
        ``workfront_after - elapsed_s``, and the read ran no earlier.
    """
    return workfront_after - timedelta(seconds=max(elapsed_s, 0.0)) >= window_end + margin


def _not_closed(what: str, window_end: datetime, margin: timedelta, max_wait: timedelta, workfront: datetime,
                local: datetime, waited: float) -> WindowNotClosedError:
    """The refusal for a window that would take too long to close, with the clocks and the remedy."""
    ahead = (workfront - local).total_seconds()
    skew = f"{abs(ahead):.0f} s {'ahead of' if ahead >= 0 else 'behind'}"
    message = (
        f"{what} cannot be read yet: Workfront's clock says {iso_ms(workfront)}, this machine's says "
        f"{iso_ms(local)} (Workfront is {skew} this machine's), and the window ends at {iso_ms(window_end)}. "
        f"Workfront stamps changes with its own clock, so the window is complete only once that clock "
        f"passes {iso_ms(window_end + margin)} (the end plus a {margin.total_seconds():g} s margin), which is "
        f"more than the {max_wait.total_seconds():g} s this run may wait"
        + (f" (it already waited {waited:.0f} s)" if waited else "")
        + ". Run this window after it has ended (a data interval that is over, or a window_end in the past); "
        "if the clocks disagree by more than a few minutes, fix the clock that is wrong (NTP), or raise max_wait."
    )
    return WindowNotClosedError(message, window_end=window_end, workfront_now=workfront, local_now=local)
