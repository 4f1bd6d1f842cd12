"""One rule for the date an object's changes are found by, used alike by sensors, triggers and syncs.

The object types and their timestamp fields come from the reference metadata of 2016
(``data/object_timestamps.json``, see ``data/NOTICE``), brought up to date with the changes the
reference notes (../shared/reference/workfront-api-notes.md, outside this repository, section 6)
record for later versions.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from airflow_workfront.client.objects import (
    ENTRY_DATE_OBJECTS,
    date_field_for,
    fallback_date_field,
    reads_entry_date,
)

_DATA = json.loads((Path(__file__).parent / "data" / "object_timestamps.json").read_text())
METADATA_2016: dict[str, list[str]] = _DATA["objects"]

#: Fields the reference notes, section 6, say these objects gained after 2016.
ADDED_SINCE_2016 = {
    "ROLE": {"lastUpdateDate"},  # v19
    "BILL": {"entryDate"},  # v20
    "RISK": {"lastUpdateDate", "entryDate"},  # v11
    "EXRATE": {"lastUpdateDate", "entryDate"},  # v19
    "CTGY": {"entryDate"},  # v22
    "PARAM": {"entryDate"},  # v22
    "ASSGN": {"lastUpdateDate"},  # in the current event field list
}


def current_fields(obj_code: str) -> list[str]:
    """An object's timestamp fields today: the 2016 metadata plus what was added since."""
    return sorted({*METADATA_2016[obj_code], *ADDED_SINCE_2016.get(obj_code, ())})


# -- the choosers: each takes (object code, its /metadata field names) and returns the date field
# the real code path asks Workfront for. One that cannot read /metadata ignores the names.


def sensor_chooser(obj_code: str, field_names: Iterable[str]) -> str:
    """The field a WorkfrontChangeSensor's poke searches and sorts on."""
    from airflow_workfront.sensors.workfront import WorkfrontChangeSensor

    sensor = WorkfrontChangeSensor(task_id="wait", obj_code=obj_code, since="2026-01-01T00:00:00Z")
    query = sensor.build_query({})  # type: ignore[arg-type]
    (field,) = {query["fields"][1], query["sort"][0][0], *(k[:-4] for k in query["filters"] if k.endswith("_Mod"))}
    return field


class _RecordingAsyncClient:
    """Answers one search with a row carrying only the date field the search asked for."""

    def __init__(self) -> None:
        self.queries: list[dict[str, Any]] = []

    async def search_page(self, **query: Any) -> list[dict]:
        self.queries.append(query)
        return [{"ID": "a1", query["sort"][0][0]: "2026-01-02T00:00:00.000+0000"}]


def trigger_chooser(obj_code: str, field_names: Iterable[str]) -> str:
    """The field a WorkfrontChangeEventTrigger polls on, and advances its watermark by."""
    from airflow_workfront.triggers.workfront import WorkfrontChangeEventTrigger

    trigger = WorkfrontChangeEventTrigger(obj_code=obj_code, start_from="2026-01-01T00:00:00+00:00")
    client = _RecordingAsyncClient()
    payload = asyncio.run(trigger.poll_once(client))  # reads the row's date: a KeyError if it reads another
    assert payload is not None and payload["ids"] == ["a1"]
    (query,) = client.queries
    return query["sort"][0][0]


def sync_chooser(obj_code: str, field_names: Iterable[str]) -> str:
    """The field a SyncEngine windows on."""
    from airflow_workfront.sync.engine import SyncEngine

    return SyncEngine(SimpleNamespace(), obj_code).date_field


def mirror_chooser(obj_code: str, field_names: Iterable[str]) -> str | None:
    """The field a mirror task (``fields="all"``) windows on, from the type's /metadata; ``None``
    when the type has neither date, which the mirror then reads whole (sync/snapshot.py)."""
    from airflow_workfront.sync.discovery import plan_from_metadata

    metadata = {"data": {"objCode": obj_code, "fields": {name: {} for name in field_names}}}
    return plan_from_metadata(obj_code, metadata, []).date_field


#: Every code path that chooses a date field.
CHOOSERS: list[Callable[[str, Iterable[str]], str | None]] = [sensor_chooser, trigger_chooser, sync_chooser,
                                                              mirror_chooser]


@pytest.mark.parametrize("chooser", CHOOSERS, ids=lambda chooser: chooser.__name__)
def test_every_path_chooses_the_rules_field_for_every_object_type(chooser):
    differ = {}
    for obj_code in METADATA_2016:
        fields = current_fields(obj_code)
        expected = date_field_for(obj_code, fields)
        chosen = chooser(obj_code, fields)
        if chosen is None and not {"lastUpdateDate", "entryDate"} & set(fields):
            continue  # the mirror reads a type with neither date whole; nothing else may choose None
        if chosen != expected:
            differ[obj_code] = (chosen, expected)
    assert not differ, f"{chooser.__name__} differs from the rule (chosen, expected): {differ}"


def test_the_fallback_agrees_with_the_metadata_for_every_object_type():
    differ = {code: (fallback_date_field(code), date_field_for(code, current_fields(code)))
              for code in METADATA_2016 if fallback_date_field(code) != date_field_for(code, current_fields(code))}
    assert not differ


def test_the_2016_metadata_alone_differs_only_where_the_notes_record_a_change():
    changed = {code for code in METADATA_2016 if date_field_for(code, METADATA_2016[code]) != date_field_for(code)}
    assert changed == {"ROLE"}  # lastUpdateDate since v19 (BILL, with neither field in 2016, falls back)


@pytest.mark.parametrize(("obj_code", "fields", "expected"), [
    ("TASK", ["ID", "name", "entryDate", "lastUpdateDate"], "lastUpdateDate"),
    ("JRNLE", ["ID", "entryDate", "changeType"], "entryDate"),
    # /metadata wins over the fallback, both ways
    ("ROLE", ["ID", "entryDate"], "entryDate"),
    ("NOTE", ["ID", "entryDate", "lastUpdateDate"], "lastUpdateDate"),
    # neither field: the fallback decides
    ("ACSLVL", ["ID", "lastUpdatedDate"], "lastUpdatedDate"),
    ("TEAMOB", ["ID", "name"], "lastUpdateDate"),
    ("GROUP", ("ID", "name"), "entryDate"),
])
def test_metadata_field_names_decide_when_given(obj_code, fields, expected):
    assert date_field_for(obj_code, fields) == expected
    assert date_field_for(obj_code, iter(fields)) == expected  # any iterable, read once


@pytest.mark.parametrize(("obj_code", "expected"), [
    ("TASK", "lastUpdateDate"), ("proj", "lastUpdateDate"), ("JRNLE", "entryDate"), ("note", "entryDate"),
    ("UPDATE", "entryDate"), ("GROUP", "entryDate"), ("DOCV", "entryDate"), ("SCHED", "entryDate"),
    ("BILL", "entryDate"), ("ROLE", "lastUpdateDate"), ("TEAMOB", "lastUpdateDate"), ("ACSLVL", "lastUpdatedDate"),
])
def test_fallback_without_metadata(obj_code, expected):
    assert date_field_for(obj_code) == expected
    assert reads_entry_date(obj_code) is (expected == "entryDate")


def test_old_import_paths_name_the_same_rule():
    from airflow_workfront.sync import window

    sys.modules.pop("airflow_workfront.sensors.conditions", None)  # so that its import runs (and warns) here
    with pytest.warns(DeprecationWarning, match="moved to airflow_workfront.changes"):
        conditions = importlib.import_module("airflow_workfront.sensors.conditions")

    assert conditions.date_field_for is window.date_field_for is date_field_for
    assert conditions.ENTRY_DATE_OBJECTS is window.ENTRY_DATE_OBJECTS is ENTRY_DATE_OBJECTS
