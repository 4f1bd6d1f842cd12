"""Which object types the Workfront events behind a run name.

The event receiver (``plugins/``) records each delivery as an asset event whose ``extra`` holds the
changed object's ``obj_code`` (never its values). A run started by such events syncs only the
object types they name; the other sync tasks of the DAG skip without a request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
