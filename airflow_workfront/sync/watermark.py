"""Where a sync task's gap-free reading ends, kept in an Airflow Variable.

The watermark is the end of the contiguous stretch of time the task's successful runs have read
(see :mod:`~airflow_workfront.sync.coverage`). A scheduled run whose interval starts later reads
from it, so skipped and failed runs leave no gap; a manual run (``airflow dags trigger`` without
``--logical-date``) syncs from it up to Workfront's "now". A successful run moves it forward to its
window's end when the window joins on to it (never back: a backfill of an old window leaves it
where it is).

Why a Variable: it lives in Airflow's metadata database (or a secrets backend), so every worker
sees it; it survives clearing and re-running old runs, whose XComs Airflow deletes; it is found
by key, not by ordering runs, which for runs without a logical date differs between databases;
and users can read, set or delete it in the UI or with ``airflow variables``.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from airflow_workfront.sync.window import iso_ms, to_utc_ms

log = logging.getLogger(__name__)

KEY_PREFIX = "workfront_sync_watermark"


def watermark_key(dag_id: str, task_id: str, map_index: int | None = None) -> str:
    """The Variable key of one sync task (one per mapped instance)."""
    key = f"{KEY_PREFIX}__{dag_id}__{task_id}"
    return key if map_index is None or map_index < 0 else f"{key}__{map_index}"


class SyncWatermark:
    """Read and advance one task's watermark (an Airflow Variable holding JSON).

    :param key: The Variable key (see :func:`watermark_key`).
    """

    def __init__(self, key: str) -> None:
        self.key = key

    def get(self) -> datetime | None:
        """The end of the task's last successful window, or ``None`` when there is none yet.

        :raises ValueError: when the Variable holds something that is not a watermark.
        """
        from airflow.sdk import Variable

        raw = Variable.get(self.key, default=None)
        return None if raw in (None, "") else parse_watermark(self.key, raw)

    def advance(self, end: datetime, run_id: str | None = None, start: datetime | None = None) -> datetime:
        """Move the watermark to ``end`` unless it already is later, or unless a window starting at
        ``start`` leaves a gap after it; return the value kept.

        :param start: Where the successful read began (``None``: treated as joining on).
        """
        from airflow.sdk import Variable

        from airflow_workfront.sync.coverage import joins

        current = self.get()
        if current is not None and current >= to_utc_ms(end):
            return current
        if start is not None and current is not None and not joins(start, current):
            log.warning("Watermark %r stays at %s: this run read from %s, so the time between was not read. "
                        "The next run that fills gaps reads it.", self.key, iso_ms(current), iso_ms(start))
            return current
        Variable.set(self.key, json.dumps({"end": iso_ms(end), "run_id": run_id}),
                     description="Workfront sync: end of what this task has read without a gap (the next runs start here)")
        return to_utc_ms(end)


def parse_watermark(key: str, raw: Any) -> datetime:
    """A watermark from its stored form: ``{"end": iso, ...}`` JSON, or a bare ISO instant (as a
    user may set it by hand to choose where the next manual run starts)."""
    text = raw if isinstance(raw, str) else json.dumps(raw)
    try:
        value = json.loads(text)
    except ValueError:
        value = text
    end = value.get("end") if isinstance(value, dict) else value
    try:
        parsed = datetime.fromisoformat(str(end).strip().replace("Z", "+00:00"))
        return to_utc_ms(parsed)
    except (TypeError, ValueError):
        raise ValueError(
            f"Airflow Variable {key!r} should hold a sync watermark (an ISO 8601 instant with a time zone, "
            f'or {{"end": "<ISO instant>"}}), but holds {str(raw)[:100]!r}'
        ) from None
