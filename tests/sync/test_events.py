"""Which object types the asset events behind a run name (sync/events.py)."""

from __future__ import annotations

from types import SimpleNamespace

from airflow_workfront.sync.events import named_object_codes


def event(**extra):
    return SimpleNamespace(extra=extra)


def test_the_codes_the_receivers_events_name():
    events = {"asset": [event(obj_code="TASK"), event(obj_code="proj")], "other": [event(obj_code="TASK")]}
    assert named_object_codes(events) == {"TASK", "PROJ"}


def test_an_event_from_elsewhere_names_everything():
    assert named_object_codes({"asset": [event(obj_code="TASK"), event(source="s3")]}) is None
    assert named_object_codes({}) == set()


def test_the_deletions_a_runs_events_name_for_one_type():
    events = {"wf": [event(obj_code="ASSGN", event_type="DELETE", obj_id="a1"),
                     event(obj_code="ASSGN", event_type="UPDATE", obj_id="a2"),
                     event(obj_code="TASK", event_type="DELETE", obj_id="t1"),
                     event(obj_code="assgn", event_type="DELETE", obj_id="a3"),
                     event(obj_code="ASSGN", event_type="DELETE", obj_id="a1")]}
    from airflow_workfront.sync.events import deleted_ids

    assert deleted_ids(events, "ASSGN") == ["a1", "a3"]
