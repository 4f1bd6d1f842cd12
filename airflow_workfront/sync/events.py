"""Which object types the Workfront events behind a run name.

The event receiver (``plugins/``) records each delivery as an asset event whose ``extra`` holds the
changed object's ``obj_code`` (never its values). A run started by such events syncs only the
object types they name; the other sync tasks of the DAG skip without a request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any


def named_object_codes(triggering_asset_events: Mapping[Any, Iterable[Any]]) -> set[str] | None:
    """The object codes the run's asset events name, or ``None`` when some event names none (an
    event from elsewhere: every table should then be read, as in a run not started by events).

    :param triggering_asset_events: Airflow's ``context["triggering_asset_events"]``: asset ->
        its events, each with an ``extra`` mapping.
    """
    codes: set[str] = set()
    for events in triggering_asset_events.values():
        for event in events:
            extra = getattr(event, "extra", None)
            if extra is None and isinstance(event, Mapping):
                extra = event.get("extra")
            code = extra.get("obj_code") if isinstance(extra, Mapping) else None
            if not code:
                return None
            codes.add(str(code).upper())
    return codes


def latest_change(triggering_asset_events: Mapping[Any, Iterable[Any]], codes: Iterable[str]) -> datetime | None:
    """When Workfront sent the latest of the run's events about ``codes`` (their ``event_time``),
    or ``None`` when none of them says.

    A run started by events must read at least that far: a change is dated no later than the
    event Workfront sends about it, so a window that ends after it holds the change, even when
    the run starts sooner after the change than the margin (the engine then waits for Workfront's
    clock to pass the end).
    """
    wanted = {c.upper() for c in codes}
    latest: datetime | None = None
    for events in triggering_asset_events.values():
        for event in events:
            extra = getattr(event, "extra", None)
            if extra is None and isinstance(event, Mapping):
                extra = event.get("extra")
            if not isinstance(extra, Mapping) or str(extra.get("obj_code", "")).upper() not in wanted:
                continue
            try:
                when = datetime.fromisoformat(str(extra.get("event_time")))
            except ValueError:
                continue
            if when.tzinfo is None:
                when = when.replace(tzinfo=timezone.utc)
            latest = when if latest is None or when > latest else latest
    return latest


def deleted_ids(triggering_asset_events: Mapping[Any, Iterable[Any]], obj_code: str) -> list[str]:
    """The IDs of ``obj_code`` objects whose DELETE events are behind the run, each once, in order.

    A run started by events reads changes by date, which never shows a deletion; for types whose
    deletions Workfront does not journal, these IDs are what the run deletes (the timetable's runs
    reconcile every ID, so a lost DELETE delivery delays a deletion, never loses it).
    """
    wanted, ids = obj_code.upper(), dict[str, None]()
    for events in triggering_asset_events.values():
        for event in events:
            extra = getattr(event, "extra", None)
            if extra is None and isinstance(event, Mapping):
                extra = event.get("extra")
            if (isinstance(extra, Mapping) and str(extra.get("obj_code", "")).upper() == wanted
                    and extra.get("event_type") == "DELETE" and extra.get("obj_id")):
                ids[str(extra["obj_id"])] = None
    return list(ids)
