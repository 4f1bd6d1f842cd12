"""Pure translation of filters, fields and sorts into Workfront parameters."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from airflow_workfront.client.query import (
    encode_value,
    fields_param,
    filter_params,
    normalize_obj_code,
    sort_params,
    stable_sort,
)


def test_filters_pass_through_unchanged():
    filters = {"name": "x", "name_Mod": "contains", "OR:1:status": "NEW", "OR:1:status_Mod": "eq",
               "assignedTo:name": "Ann", "DE:Region": "EU", "status": ["CUR", "NEW"], "status_Mod": "in",
               "skipped": None}
    assert filter_params(filters) == [
        ("name", "x"), ("name_Mod", "contains"), ("OR:1:status", "NEW"), ("OR:1:status_Mod", "eq"),
        ("assignedTo:name", "Ann"), ("DE:Region", "EU"), ("status", "CUR"), ("status", "NEW"), ("status_Mod", "in"),
    ]


def test_auth_parameter_names_travel_as_filters_json():
    params = filter_params({"username": "ann", "owner:password": "x", "name": "n"})
    assert params[0] == ("name", "n")
    assert params[1][0] == "filters"
    assert json.loads(params[1][1]) == {"username": "ann", "owner:password": "x"}


def test_value_encoding():
    assert encode_value(True) == "true" and encode_value(False) == "false"
    assert encode_value(datetime(2024, 1, 2, 3, 4, 5, 6000, tzinfo=timezone.utc)) == "2024-01-02T03:04:05.006Z"
    assert encode_value({"a": [1, datetime(2024, 1, 1, tzinfo=timezone.utc)]}) == '{"a":[1,"2024-01-01T00:00:00.000Z"]}'
    assert encode_value(5) == "5"


def test_fields():
    assert fields_param(["ID", "name", "project:name", "DE:Cost", "*"]) == [("fields", "ID,name,project:name,DE:Cost,*")]
    assert fields_param("name,status") == [("fields", "name,status")]
    assert fields_param(None) == [] and fields_param([]) == []


def test_sorts_are_numbered_and_stable():
    assert sort_params([("lastUpdateDate", "asc"), ("ID", "desc")]) == [
        ("lastUpdateDate_1_Sort", "asc"), ("ID_2_Sort", "desc")]
    assert stable_sort(None) == [("ID", "asc")]
    assert stable_sort(["name"]) == [("name", "asc"), ("ID", "asc")]
    assert stable_sort([("name", "desc"), ("ID", "desc")]) == [("name", "desc"), ("ID", "desc")]
    with pytest.raises(ValueError, match="asc"):
        sort_params([("name", "up")])


def test_object_codes():
    assert normalize_obj_code(" task ") == "TASK"
    for bad in ("", "TASK/1", "a?b"):
        with pytest.raises(ValueError):
            normalize_obj_code(bad)
