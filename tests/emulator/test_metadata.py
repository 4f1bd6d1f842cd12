"""``/metadata``: field types, labels and enumerations, and answers that agree with them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emulator.wfhttp import data, error

RECORDED = Path("/work/shared/reference/fixtures/metadata.json")
WF_TIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}:\d{3}[+-]\d{4}$"
SERVED = ("PROJ", "TASK", "OPTASK", "USER", "HOUR", "ASSGN", "DOCU", "NOTE", "JRNLE", "PORT", "PRGM", "TMPL", "CMPY",
          "TEAMOB", "GROUP", "ROLE", "TSHET", "EXPNS", "PARAM", "WRKITM")


def _matches(field_type: str, value) -> bool:
    import re

    if value is None:
        return True
    return {
        "string": isinstance(value, str),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "double": isinstance(value, (int, float)) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        "dateTime": isinstance(value, str) and re.match(WF_TIME, value) is not None,
    }[field_type]


def test_role_metadata_types_and_labels_match_the_recording(wf):
    recorded = json.loads(RECORDED.read_text())["data"]["fields"]
    answered = data(wf.get("/role/metadata"))["fields"]
    for name, entry in recorded.items():
        got = answered[name]
        assert (got["fieldType"], got["label"]) == (entry["fieldType"], entry["label"]), name
        assert got["enumType"] == entry["enumType"], name
        assert got.get("possibleValues") == entry.get("possibleValues"), name


def test_metadata_says_which_fields_are_dates_numbers_and_booleans(wf):
    fields = data(wf.get("/task/metadata"))["fields"]
    kinds = {name: entry["fieldType"] for name, entry in fields.items()}
    assert kinds["plannedStartDate"] == kinds["lastUpdateDate"] == kinds["entryDate"] == "dateTime"
    assert kinds["percentComplete"] == kinds["work"] == kinds["actualCost"] == "double"
    assert kinds["priority"] == kinds["taskNumber"] == kinds["durationMinutes"] == "int"
    assert kinds["isCritical"] == kinds["hasDocuments"] == "boolean"
    assert kinds["name"] == kinds["projectID"] == kinds["wbs"] == "string"
    assert fields["plannedStartDate"]["label"] == "Planned Start Date"
    status = fields["status"]
    assert status["enumTargetObjCode"] == "CSTEM"
    assert {"value": "INP", "label": "In Progress"} in status["possibleValues"]
    references = data(wf.get("/task/metadata"))["references"]
    assert (references["project"]["fieldType"], references["project"]["typeObjCode"]) == ("Project", "PROJ")


def test_api_metadata_labels_every_object(wf):
    objects = data(wf.get("/metadata"))["objects"]
    assert objects["Issue"] == {"objCode": "OPTASK", "name": "Issue", "label": "Issue"}
    assert set(SERVED) <= {entry["objCode"] for entry in objects.values()}


def test_api_metadata_is_keyed_by_object_name_and_keeps_the_code(wf):
    objects = data(wf.get("/metadata"))["objects"]
    assert objects["Project"]["objCode"] == "PROJ" and objects["Task"]["objCode"] == "TASK"
    assert all(name == entry["name"] for name, entry in objects.items())


def test_action_arguments_carry_their_types(wf):
    actions = data(wf.get("/task/metadata"))["actions"]
    assert {"name": "projectID", "type": "string"} in actions["move"]["arguments"]
    assert {"name": "sendNoteAsEmail", "type": "boolean"} in actions["approveApproval"]["arguments"]


@pytest.mark.parametrize("code", SERVED)
def test_every_answered_value_has_its_metadata_type(wf, code):
    kinds = {n: e["fieldType"] for n, e in data(wf.get(f"/{code}/metadata"))["fields"].items()}
    rows = data(wf.get(f"/{code}/search", params={"fields": "*", "$$LIMIT": 2000}))
    assert rows or code in ("PARAM",), code
    for row in rows:
        for name, value in row.items():
            if name in kinds:
                assert _matches(kinds[name], value), (code, name, kinds[name], value)


def test_text_parameters_are_stored_with_the_field_type(wf):
    task = data(wf.get("/task/search", params={"$$LIMIT": 1}))[0]
    edited = data(wf.put(f"/task/{task['ID']}", params={"priority": "3", "percentComplete": "12.5",
                                                         "isCritical": "true",
                                                         "fields": "priority,percentComplete,isCritical"}))
    assert (edited["priority"], edited["percentComplete"], edited["isCritical"]) == (3, 12.5, True)
    err = error(wf.put(f"/task/{task['ID']}", params={"priority": "high"}), 400)
    assert "priority" in err["message"] and "high" in err["message"]
    err = error(wf.put(f"/task/{task['ID']}", params={"priority": "1.5"}), 400)
    assert "whole number" in err["message"]
    edited = data(wf.put(f"/task/{task['ID']}", json={"description": 5, "isCritical": 0, "fields": "description,isCritical"}))
    assert (edited["description"], edited["isCritical"]) == ("5", False)
    err = error(wf.put(f"/task/{task['ID']}", json={"priority": True}), 400)
    assert "priority" in err["message"] and "int" in err["message"]


def test_custom_fields_are_typed_by_their_parameter(wf):
    params = {p["name"]: p for p in data(wf.get("/param/search", params={"fields": "dataType,displayType"}))}
    assert params["Budget"]["dataType"] == "CURC" and params["Region"]["dataType"] == "TEXT"
    kinds = data(wf.get("/param/metadata"))["fields"]["dataType"]
    assert {"label": "Number", "value": "NMBR"} in kinds["possibleValues"]
    project = data(wf.get("/proj/search", params={"$$LIMIT": 1}))[0]
    edited = data(wf.put(f"/proj/{project['ID']}", params={"DE:Budget": "12500.5", "DE:Region": "42",
                                                           "fields": "DE:Budget,DE:Region"}))
    assert (edited["DE:Budget"], edited["DE:Region"]) == (12500.5, "42")
    err = error(wf.put(f"/proj/{project['ID']}", params={"DE:Budget": "lots"}), 400)
    assert "DE:Budget" in err["message"]
    data(wf.post("/param", params={"name": "Kick-off", "dataType": "DATE"}))
    dated = data(wf.put(f"/proj/{project['ID']}", params={"DE:Kick-off": "2026-03-01T10:00:00Z",
                                                          "fields": "DE:Kick-off"}))
    assert _matches("dateTime", dated["DE:Kick-off"]), dated
