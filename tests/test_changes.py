"""Change detection: the pure query/judge functions the sensors' two paths and the triggers share."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from airflow_workfront.changes import change_query, journal_query, judge
from airflow_workfront.client.objects import date_field_for


def test_change_query_bounds_the_time_and_sorts_oldest_first():
    query = change_query("task", datetime(2026, 3, 2, 9, tzinfo=timezone.utc), {"status": "CUR"}, max_results=5)
    assert query["filters"] == {"status": "CUR", "lastUpdateDate": "2026-03-02T09:00:00.000Z",
                                "lastUpdateDate_Mod": "gte"}
    assert query["sort"] == [("lastUpdateDate", "asc"), ("ID", "asc")]
    assert query["limit"] == 5 and query["fields"] == ["ID", "lastUpdateDate"]


def test_objects_without_last_update_date_use_entry_date():
    assert date_field_for("JRNLE") == "entryDate" and date_field_for("note") == "entryDate"
    assert change_query("NOTE", "2026-01-01T00:00:00Z")["filters"]["entryDate_Mod"] == "gte"


def test_change_query_refuses_or_groups():
    with pytest.raises(ValueError, match="OR: groups"):
        change_query("TASK", "2026-01-01T00:00:00Z", {"OR:1:status": "CPL"})


def test_journal_query_filters_object_field_and_value():
    query = journal_query("optask", "2026-01-01T00:00:00Z", obj_id="abc", field_name="status", new_value="CPL",
                          change_type="E")
    assert query["obj_code"] == "JRNLE"
    assert query["filters"] == {"objObjCode": "OPTASK", "entryDate": "2026-01-01T00:00:00Z", "entryDate_Mod": "gte",
                                "objID": "abc", "fieldName": "status", "changeType": "E", "newTextVal": "CPL"}


def test_judge_returns_bounded_ids_or_entries():
    query = change_query("TASK", "2026-01-01T00:00:00Z", max_results=2)
    assert judge("change", [], query) == (False, None)
    rows = [{"ID": "a", "lastUpdateDate": "d1"}, {"ID": "b", "lastUpdateDate": "d2"}]
    assert judge("change", rows, query) == (True, {"ids": ["a", "b"], "count": 2, "truncated": True,
                                                   "first_change": "d1", "last_change": "d2"})
    done, value = judge("journal", rows[:1], {**query, "limit": 10})
    assert done and value == {"entries": rows[:1], "count": 1, "truncated": False}
