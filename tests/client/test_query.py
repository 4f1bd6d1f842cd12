"""Python arguments to Workfront parameters: filters pass through, values are encoded."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from airflow_workfront.client.query import (
    encode_value,
    fields_param,
    filter_params,
    normalize_obj_code,
    paging_params,
    sort_params,
    sorts_on_id,
    stable_sort,
)


def test_normalize_obj_code():
    assert normalize_obj_code(" task ") == "TASK"
    for bad in ("", "TASK/1", "TASK?x", None):
        with pytest.raises(ValueError):
            normalize_obj_code(bad)


def test_encode_value():
    assert encode_value(True) == "true" and encode_value(False) == "false"
    assert encode_value(3) == "3"
    assert encode_value(datetime(2020, 5, 18, 23, tzinfo=timezone.utc)) == "2020-05-18T23:00:00.000Z"
    assert encode_value(date(2020, 5, 18)) == "2020-05-18T00:00:00.000Z"
    assert encode_value({"a": [1, datetime(2020, 1, 1, tzinfo=timezone.utc)]}) == '{"a":[1,"2020-01-01T00:00:00.000Z"]}'
    with pytest.raises(TypeError):
        encode_value({"a": object()})


def test_filter_params_pass_through():
    assert filter_params({
        "name": "x", "name_Mod": "cicontains", "OR:1:status": "NEW", "OR:1:status_Mod": "eq",
        "project:owner:name": "Ann", "plannedStartDate_Range": "$$TODAY+1w", "status": ("A", "B"), "gone": None,
    }) == [
        ("name", "x"), ("name_Mod", "cicontains"), ("OR:1:status", "NEW"), ("OR:1:status_Mod", "eq"),
        ("project:owner:name", "Ann"), ("plannedStartDate_Range", "$$TODAY+1w"), ("status", "A"), ("status", "B"),
    ]
    assert filter_params(None) == []


def test_filters_named_like_auth_parameters_go_in_filters_json():
    assert filter_params({"sessionID": "s", "OR:1:apiKey": "k", "owner:username": "joe", "name": "n"}) == [
        ("name", "n"), ("filters", '{"sessionID":"s","OR:1:apiKey":"k","owner:username":"joe"}'),
    ]


def test_fields_param():
    assert fields_param(["ID", " name ", "", "project:name", "DE:Cost Center", "*"]) == [
        ("fields", "ID,name,project:name,DE:Cost Center,*")]
    assert fields_param("a,b") == [("fields", "a,b")]
    assert fields_param(None) == [] and fields_param([]) == [] and fields_param(["", " "]) == []


def test_sort_params_and_stable_sort():
    assert sort_params([("lastUpdateDate", "ASC"), "ID"]) == [("lastUpdateDate_1_Sort", "asc"), ("ID_2_Sort", "asc")]
    assert sort_params("name") == [("name_1_Sort", "asc")]
    with pytest.raises(ValueError, match="asc"):
        sort_params([("name", "up")])
    assert stable_sort(None) == [("ID", "asc")]
    assert stable_sort("name") == [("name", "asc"), ("ID", "asc")]
    assert stable_sort([("lastUpdateDate", "desc"), ("ID", "desc")]) == [("lastUpdateDate", "desc"), ("ID", "desc")]
    assert sorts_on_id([("x", "asc"), ("ID", "asc")]) and not sorts_on_id("name") and not sorts_on_id(None)


def test_paging_params():
    assert paging_params(4000, 2000) == [("$$FIRST", "4000"), ("$$LIMIT", "2000")]
