"""A page's shape built once per page is the same as building it record by record."""

from __future__ import annotations

import pytest

from airflow_workfront.emulator.app import Emulator, EmulatorConfig
from airflow_workfront.emulator.catalog import resolve
from airflow_workfront.emulator.projection import build_tree, project, project_many


@pytest.fixture(scope="module")
def store():
    return Emulator(EmulatorConfig(seed="demo")).store


@pytest.mark.parametrize("code, fields", [
    ("TASK", ["ID", "lastUpdateDate", "name", "status", "projectID"]),
    ("TASK", ["objCode", "percentComplete", "DE:Cost Center"]),
    ("TASK", []),
    ("TASK", ["*"]),
    ("TASK", ["project:name", "ID"]),
    ("TASK", ["parameterValues"]),
    ("PROJ", ["name", "tasks:name"]),
    ("HOUR", ["hours", "entryDate"]),
])
def test_page_projection_matches_per_record_projection(store, code, fields):
    obj_type = resolve(code)
    records = list(store.objects[code].values())
    assert records, f"the demo seed has no {code}"
    tree = build_tree(obj_type, fields)
    one_by_one = [project(store, obj_type, r, tree) for r in records]
    paged = project_many(store, obj_type, records, tree)
    assert paged == one_by_one
    assert [list(row) for row in paged] == [list(row) for row in one_by_one]  # same key order
