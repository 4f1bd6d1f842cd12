"""Field kinds from Workfront's /metadata answer (the recorded fixture's shape)."""

from __future__ import annotations

import json
from pathlib import Path

from airflow_workfront.sync.sinks.fieldtypes import (
    FieldKinds,
    kind_of_field_type,
    kinds_from_metadata,
    sql_type,
)

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "metadata.json"


def recorded_metadata() -> dict:
    return json.loads(FIXTURE.read_text())


def test_kinds_follow_the_field_types_of_a_recorded_answer():
    kinds = kinds_from_metadata(recorded_metadata())
    assert (kinds["ID"], kinds["entryDate"], kinds["billingPerHour"], kinds["defaultInterface"]) == (
        "text", "timestamp", "number", "integer")
    assert kinds["customer"] == "json" and kinds["userRoles"] == "json"  # a reference and a collection


def test_custom_fields_are_typed_like_the_others_and_unknown_types_are_left_out():
    answer = {"data": {"fields": {"DE:Due": {"fieldType": "date"}, "odd": {"fieldType": "blob"}},
                       "custom": {"DE:Score": {"fieldType": "int"}, "DE:Tags": {"fieldType": "string[]"},
                                  "DE:Approved": {"fieldType": "boolean"}, "DE:Extra": {"fieldType": "map"}}}}
    assert kinds_from_metadata(answer) == {"DE:Due": "timestamp", "DE:Score": "integer", "DE:Tags": "json",
                                           "DE:Approved": "boolean", "DE:Extra": "json"}
    assert kind_of_field_type(None) is None and kinds_from_metadata(None) == {}


def test_the_window_date_is_a_date_even_when_metadata_says_string():
    kinds = FieldKinds({"lastUpdateDate": "text", "name": "text"}, "lastUpdateDate", "t")
    assert kinds.for_page(["ID", "lastUpdateDate", "name", "n", "flag", "nested", "empty"],
                          [{"n": 1.5, "flag": True, "nested": {"a": 1}, "empty": None}]) == {
        "ID": "text", "lastUpdateDate": "timestamp", "name": "text", "n": "number", "flag": "boolean",
        "nested": "json", "empty": "text"}
    assert (sql_type("timestamp", "postgres"), sql_type("json", "postgres"), sql_type("json", "sqlite")) == (
        "TIMESTAMPTZ", "JSONB", "TEXT")
