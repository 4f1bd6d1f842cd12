"""Which fields an answer carries; a page's shape built once per page is the same as building it
record by record."""

from __future__ import annotations

import pytest

from airflow_workfront.emulator.app import Emulator, EmulatorConfig
from airflow_workfront.emulator.catalog import resolve
from airflow_workfront.emulator.projection import build_tree, project, project_many
from emulator.wfhttp import data


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
    ("TASK", ["ID", "*", "objCode"]),
    ("TASK", ["project:name", "*", "DE:Effort"]),
    ("ASSGN", ["*"]),  # objCode is not one of ASSGN's fields: * adds it
    ("ASSGN", ["task:name", "assignedTo:name", "ID"]),
    ("OPTASK", ["parent:ID", "project:owner:name", "name"]),
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


def test_fields_answer_what_was_asked_and_the_identity(wf):
    # api-basics.md: task/search?fields=plannedStartDate,priority answers ID, name, plannedStartDate, priority.
    task = data(wf.get("/task/search", params={"fields": "plannedStartDate,priority", "$$LIMIT": 1}))[0]
    assert set(task) == {"ID", "name", "objCode", "plannedStartDate", "priority"}


def test_without_fields_the_defaults_answer(wf):
    task = data(wf.get("/task/search", params={"$$LIMIT": 1}))[0]
    assert {"status", "percentComplete", "plannedCompletionDate", "taskNumber"} <= set(task)


def test_fields_on_get_create_and_edit_leave_the_other_defaults_out(wf):
    task = data(wf.get("/task/search", params={"$$LIMIT": 1}))[0]
    got = data(wf.get(f"/task/{task['ID']}", params={"fields": "DE:Effort"}))
    assert set(got) == {"ID", "name", "objCode", "DE:Effort"}
    edited = data(wf.put(f"/task/{task['ID']}", params={"name": "renamed", "fields": "priority"}))
    assert set(edited) == {"ID", "name", "objCode", "priority"} and edited["name"] == "renamed"


def test_nested_fields_keep_the_identity_of_each_level(wf):
    issue = data(wf.get("/optask/search", params={"fields": "owner:title", "$$LIMIT": 1}))[0]
    assert set(issue) == {"ID", "name", "objCode", "owner"}
    assert set(issue["owner"]) == {"ID", "name", "objCode", "title"}
