"""The small, JSON-able result of one sync run (what the operators push to XCom)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from airflow_workfront.sync.keyset import Key
from airflow_workfront.sync.window import SyncWindow, iso_ms


@dataclass
class SyncSummary:
    """What a sync run did.

    :param obj_code: Object type synced.
    :param window: The window read (after any overlap was applied).
    :param date_field: The timestamp the window is on.
    :param fetched: Objects read from Workfront.
    :param upserted: Rows the sink inserted or changed (a re-run of an unchanged window gives 0
        for the SQL sink; file sinks count every row written).
    :param deleted: Rows removed from the sink (journal ``D`` entries or ID reconciliation).
    :param requests: Workfront API requests made, read from the client's statistics.
    :param planning_requests: Of those, the count that sized the partitions (0 or 1).
    :param pages: Search pages that returned objects.
    :param partitions: Partitions read in parallel after the first page.
    :param high_water_mark: The largest ``(date, ID)`` read, or ``None`` for an empty window.
    :param counted: Objects in the window according to the planning count.
    """

    obj_code: str
    window: SyncWindow
    date_field: str
    fetched: int = 0
    upserted: int = 0
    deleted: int = 0
    requests: int = 0
    planning_requests: int = 0
    pages: int = 0
    partitions: int = 0
    counted: int = 0
    high_water_mark: Key | None = None
    deletes_mode: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def note_key(self, key: Key) -> None:
        """Raise the high-water mark to ``key`` if it is later."""
        if self.high_water_mark is None or key > self.high_water_mark:
            self.high_water_mark = key

    def as_dict(self) -> dict[str, Any]:
        """The summary as plain JSON types (safe for XCom)."""
        hwm = self.high_water_mark
        return {
            "obj_code": self.obj_code,
            "window": self.window.as_dict(),
            "date_field": self.date_field,
            "fetched": self.fetched,
            "upserted": self.upserted,
            "deleted": self.deleted,
            "requests": self.requests,
            "planning_requests": self.planning_requests,
            "pages": self.pages,
            "partitions": self.partitions,
            "counted": self.counted,
            "deletes_mode": self.deletes_mode,
            "high_water_mark": None if hwm is None else {"date": iso_ms(hwm.date), "ID": hwm.id},
            **self.extra,
        }
