"""Counts that check themselves: Workfront's count of an object type next to the table's.

After a run, the table should hold as many live rows as Workfront has objects. Edits made after
the run's window closed can make the two differ for a moment: an object created after the
window's end is in Workfront and not yet in the table; one deleted after it is still in the table.
So when the counts differ, two more counts ask whether anything changed after the window's end
(objects changed since, and journaled deletions since). If something did, the difference is the
next run's to settle and is reported as such; if nothing did, the table is wrong, and that is a
mismatch (a warning, or a failed task with ``on_count_mismatch="fail"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from airflow_workfront.sync.choices import check_choice
from airflow_workfront.sync.window import iso_ms

ON_MISMATCH = ("warn", "fail")


class CountMismatchError(RuntimeError):
    """The table's live rows differ from Workfront's count with nothing changed since the window."""


def check_on_mismatch(value: str) -> str:
    """``value`` if it is one of :data:`ON_MISMATCH`, else a clear error."""
    return check_choice(value, ON_MISMATCH, "on_count_mismatch")


@dataclass(frozen=True)
class CountCheck:
    """Workfront's count, the table's live rows, and whether a difference is explained."""

    obj_code: str
    workfront: int
    table: int
    changed_since: int | None = None
    deleted_since: int | None = None
    requests: int = 1

    @property
    def matches(self) -> bool:
        """The two counts agree."""
        return self.workfront == self.table

    @property
    def settled_later(self) -> bool:
        """They differ, but objects changed or were deleted after the window: the next run settles it."""
        return not self.matches and bool((self.changed_since or 0) + (self.deleted_since or 0))

    def as_dict(self) -> dict[str, Any]:
        """JSON form, for the run's summary (XCom)."""
        out: dict[str, Any] = {"workfront": self.workfront, "table": self.table, "matches": self.matches}
        if not self.matches:
            out.update(changed_since_window=self.changed_since, deleted_since_window=self.deleted_since,
                       settled_by_next_run=self.settled_later)
        return out

    def describe(self) -> str:
        """One sentence for the log."""
        if self.matches:
            return f"{self.obj_code}: Workfront counts {self.workfront} objects and the table holds {self.table}: they match"
        gap = f"{self.obj_code}: Workfront counts {self.workfront} objects but the table holds {self.table}"
        if self.settled_later:
            return (f"{gap}; {self.changed_since} changed and {self.deleted_since} were deleted after this run's "
                    "window, which the next run reads")
        return f"{gap}, and nothing changed after this run's window to explain it"


def count_check(client: Any, obj_code: str, table_rows: int, date_field: str | None, window_end: datetime | None,
                filters: dict[str, Any] | None = None, journaled_deletes: bool = True) -> CountCheck:
    """Compare ``table_rows`` with Workfront's count of ``obj_code`` (matching ``filters``).

    One request when they match; up to two more when they differ (see the module docstring).
    """
    workfront = int(client.count(obj_code, dict(filters or {})))
    if workfront == table_rows or not date_field or window_end is None:
        return CountCheck(obj_code, workfront, table_rows)
    since = iso_ms(window_end)
    changed = int(client.count(obj_code, {**(filters or {}), date_field: since, f"{date_field}_Mod": "gte"}))
    deleted = 0
    if journaled_deletes:
        deleted = int(client.count("JRNLE", {"objObjCode": obj_code, "changeType": "D", "entryDate": since,
                                             "entryDate_Mod": "gte"}))
    return CountCheck(obj_code, workfront, table_rows, changed, deleted, 3 if journaled_deletes else 2)
