"""Change detection: what the sensors and their triggers wait for, as pure functions both share.

The poke path (sync client) and the deferred path (async client in the triggerer) build the same
request with :func:`change_query` / :func:`journal_query` and judge the answer with
:func:`judge`, so the two paths give the same result for the same data. The event trigger for
``AssetWatcher`` builds its polls here too. It sits below ``sensors/`` and ``triggers/`` so that
neither imports the other for it. Nothing here imports Airflow or does I/O.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from airflow_workfront.client.objects import date_field_for

DEFAULT_MAX_RESULTS = 100


def _iso(value: datetime | str) -> str:
    if isinstance(value, str):
        return value
    from airflow_workfront.client.dates import format_wf_datetime

    return format_wf_datetime(value)


def change_query(obj_code: str, since: datetime | str, filters: dict | None = None,
                 max_results: int = DEFAULT_MAX_RESULTS, date_field: str | None = None) -> dict[str, Any]:
    """One search request: objects of ``obj_code`` matching ``filters`` changed at or after ``since``.

    Sorted oldest change first, so the IDs returned are the first ``max_results`` changes.
    """
    field = date_field or date_field_for(obj_code)
    if any(key.startswith("OR:") for key in (filters or {})):
        raise ValueError("change sensors take plain filters; OR: groups cannot be combined with the time bound")
    query_filters = {**(filters or {}), field: _iso(since), f"{field}_Mod": "gte"}
    return {"obj_code": obj_code, "filters": query_filters, "fields": ["ID", field],
            "sort": [(field, "asc"), ("ID", "asc")], "first": 0, "limit": max_results}


def journal_query(obj_code: str, since: datetime | str, obj_id: str | None = None, field_name: str | None = None,
                  new_value: Any = None, change_type: str | None = None,
                  max_results: int = DEFAULT_MAX_RESULTS) -> dict[str, Any]:
    """One JRNLE search: journal entries about ``obj_code`` (optionally one object, field, new value)."""
    filters: dict[str, Any] = {"objObjCode": obj_code.upper(), "entryDate": _iso(since), "entryDate_Mod": "gte"}
    if obj_id:
        filters["objID"] = obj_id
    if field_name:
        filters["fieldName"] = field_name
    if change_type:
        filters["changeType"] = change_type
    if new_value is not None:
        filters["newTextVal"] = str(new_value)
    fields = ["ID", "entryDate", "changeType", "objObjCode", "objID", "fieldName", "oldTextVal", "newTextVal",
              "oldNumberVal", "newNumberVal", "oldDateVal", "newDateVal", "editedByID"]
    return {"obj_code": "JRNLE", "filters": filters, "fields": fields,
            "sort": [("entryDate", "asc"), ("ID", "asc")], "first": 0, "limit": max_results}


def judge(kind: str, rows: list[dict], query: dict[str, Any]) -> tuple[bool, dict[str, Any] | None]:
    """Decide from one answer whether the wait is over, and what the sensor returns.

    :param kind: ``"change"`` (returns IDs) or ``"journal"`` (returns the entries).
    :returns: ``(done, xcom_value)``; the value is bounded by the query's limit.
    """
    if not rows:
        return False, None
    truncated = len(rows) >= query["limit"]
    if kind == "journal":
        return True, {"entries": rows, "count": len(rows), "truncated": truncated}
    date_field = query["fields"][1]
    return True, {
        "ids": [row["ID"] for row in rows],
        "count": len(rows),
        "truncated": truncated,
        "first_change": rows[0].get(date_field),
        "last_change": rows[-1].get(date_field),
    }
