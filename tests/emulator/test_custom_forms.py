"""Custom forms (CTGY) of custom fields (PARAM) linked by CTGYPA, as Workfront defines them, and the
journal entries every synced object type writes."""

from __future__ import annotations

import pytest

from airflow_workfront.emulator.catalog import catalog
from emulator.wfhttp import data, error

FORM_FIELDS = "categoryParameters:parameter:name,categoryParameters:parameter:dataType"


def _form(wf, code: str) -> dict:
    [form] = data(wf.get("/ctgy/search", params={"catObjCode": code, "fields": f"catObjCode,{FORM_FIELDS}"}))
    return form


def test_the_demo_has_a_form_for_projects_tasks_and_issues(wf):
    def fields(code: str) -> list[tuple[str, str]]:
        return [(link["parameter"]["name"], link["parameter"]["dataType"]) for link in _form(wf, code)["categoryParameters"]]

    assert fields("PROJ") == [("Budget", "CURC"), ("Region", "TEXT")]
    assert fields("TASK") == [("Effort", "TEXT")]
    assert fields("OPTASK") == [("Severity", "TEXT")]
    issue = data(wf.get("/optask/search", params={"$$LIMIT": 1, "fields": "DE:Severity"}))[0]
    assert issue["DE:Severity"] in ("Low", "Medium", "High")


def test_form_field_links_answer_every_field_with_a_star(wf):
    form = _form(wf, "PROJ")
    [full] = data(wf.get(f"/ctgy/{form['ID']}", params={"fields": "categoryParameters:*"}))["categoryParameters"][:1]
    assert full["objCode"] == "CTGYPA" and full["categoryID"] == form["ID"] and full["displayOrder"] == 1
    assert {"parameterID", "isRequired", "customExpression"} <= set(full)


def test_forms_and_links_are_searched_got_counted_created_edited_and_deleted(wf):
    assert data(wf.get("/ctgy/count"))["count"] == 3
    assert data(wf.get("/ctgypa/count"))["count"] == 4
    form = data(wf.post("/ctgy", params={"name": "Risk", "catObjCode": "PROJ", "description": "Risk review"}))
    assert data(wf.get(f"/ctgy/{form['ID']}", params={"fields": "catObjCode,entryDate,enteredByID"}))["catObjCode"] == "PROJ"
    param = data(wf.post("/param", params={"name": "Risk level", "dataType": "NMBR", "displayType": "TEXT"}))
    link = data(wf.post("/ctgypa", params={"categoryID": form["ID"], "parameterID": param["ID"]},))
    assert data(wf.get(f"/ctgypa/{link['ID']}", params={"fields": "displayOrder,parameter:name"})) == {
        "ID": link["ID"], "objCode": "CTGYPA", "displayOrder": 1, "parameter": {"ID": param["ID"], "name": "Risk level",
                                                                                  "objCode": "PARAM"}}
    duplicate = wf.post("/ctgypa", params={"categoryID": form["ID"], "parameterID": param["ID"]})
    assert "already on" in error(duplicate, 422)["message"]
    assert "catObjCode" in error(wf.post("/ctgy", params={"name": "Bad", "catObjCode": "NOPE"}), 422)["message"]
    edited = data(wf.put(f"/ctgy/{form['ID']}", params={"name": "Risk review", "fields": "lastUpdateDate"}))
    assert edited["name"] == "Risk review" and edited["lastUpdateDate"]
    data(wf.delete(f"/ctgy/{form['ID']}"))
    assert data(wf.get("/ctgypa/count", params={"categoryID": form["ID"]}))["count"] == 0  # its links went with it
    data(wf.delete(f"/param/{param['ID']}"))
    assert data(wf.get("/param/count", params={"name": "Risk level"}))["count"] == 0


def test_a_field_linked_to_the_task_form_is_written_and_read_on_tasks_with_its_type(wf):
    form = _form(wf, "TASK")
    param = data(wf.post("/param", params={"name": "Story points", "dataType": "NMBR"}))
    data(wf.post("/ctgypa", params={"categoryID": form["ID"], "parameterID": param["ID"]}))
    task = data(wf.get("/task/search", params={"$$LIMIT": 1}))[0]
    edited = data(wf.put(f"/task/{task['ID']}", params={"DE:Story points": "5.5", "fields": "DE:Story points"}))
    assert edited["DE:Story points"] == 5.5
    assert data(wf.get(f"/task/{task['ID']}", params={"fields": "parameterValues"}))["parameterValues"][
        "DE:Story points"] == 5.5
    assert "DE:Story points" in error(wf.put(f"/task/{task['ID']}", params={"DE:Story points": "many"}), 400)["message"]
    project = data(wf.get("/proj/search", params={"$$LIMIT": 1}))[0]
    refused = error(wf.put(f"/proj/{project['ID']}", params={"DE:Story points": "3"}), 400)
    assert "not a field of any custom form of Project" in refused["message"]
    # A new field starts as a single line of text.
    assert data(wf.post("/param", params={"name": "Notes", "fields": "dataType,displayType"}))["dataType"] == "TEXT"


def test_metadata_lists_built_in_fields_only_and_describes_forms(wf):
    task_fields = data(wf.get("/task/metadata"))["fields"]
    assert not [name for name in task_fields if name.startswith("DE:")]
    param = data(wf.get("/param/metadata"))["fields"]
    assert {"name", "dataType", "displayType", "description", "lastUpdateDate", "entryDate"} <= set(param)
    form = data(wf.get("/ctgy/metadata"))
    assert {"name", "catObjCode", "description", "entryDate", "lastUpdateDate", "enteredByID",
            "lastUpdatedByID"} <= set(form["fields"])
    assert form["collections"]["categoryParameters"]["typeObjCode"] == "CTGYPA"
    link = data(wf.get("/ctgypa/metadata"))
    assert {"categoryID", "parameterID", "displayOrder"} <= set(link["fields"])
    assert link["references"]["parameter"]["typeObjCode"] == "PARAM"


@pytest.mark.parametrize("code", sorted(catalog()))
def test_metadata_advertises_last_update_date_exactly_where_the_type_has_it(wf, code):
    fields = data(wf.get(f"/{code.lower()}/metadata"))["fields"]
    assert ("lastUpdateDate" in fields) == catalog()[code].has_last_update
    if code in ("JRNLE", "NOTE"):
        assert "lastUpdateDate" not in fields and "entryDate" in fields


# The field each journaled type's edit changes, and a value to write.
JOURNAL_EDITS = {"PROJ": ("name", "renamed"), "TASK": ("name", "renamed"), "OPTASK": ("name", "renamed"),
                 "HOUR": ("hours", 7.5), "ASSGN": ("assignmentPercent", 50.0), "PORT": ("name", "renamed"),
                 "PRGM": ("name", "renamed"), "USER": ("name", "Renamed User"), "DOCU": ("name", "renamed.pdf"),
                 "NOTE": ("noteText", "rewritten"), "CTGY": ("name", "renamed"), "PARAM": ("description", "rewritten")}


def _entries(wf, obj_id: str, change: str) -> list[dict]:
    return data(wf.get("/jrnle/search", params={
        "objID": obj_id, "changeType": change,
        "fields": "objObjCode,fieldName,oldTextVal,newTextVal,oldNumberVal,newNumberVal"}))


@pytest.mark.parametrize("code", sorted(JOURNAL_EDITS))
def test_the_journal_records_creates_edits_and_deletes(wf, code):
    rows = data(wf.get(f"/{code.lower()}/search", params={"ID_Sort": "desc", "$$LIMIT": 1}))
    target = rows[0]
    assert [e["objObjCode"] for e in _entries(wf, target["ID"], "A")] == [code]
    field, value = JOURNAL_EDITS[code]
    before = data(wf.get(f"/{code.lower()}/{target['ID']}", params={"fields": field}))[field]
    data(wf.put(f"/{code.lower()}/{target['ID']}", json={field: value}))
    [entry] = [e for e in _entries(wf, target["ID"], "E") if e["fieldName"] == field]
    if isinstance(value, float):
        assert (entry["oldNumberVal"], entry["newNumberVal"]) == (before, value)
    else:
        assert (entry["oldTextVal"], entry["newTextVal"]) == (before, value)
    data(wf.delete(f"/{code.lower()}/{target['ID']}", params={"force": "true"}))
    assert [e["objObjCode"] for e in _entries(wf, target["ID"], "D")] == [code]


def test_custom_field_edits_are_journaled_under_their_de_name(wf):
    task = data(wf.get("/task/search", params={"$$LIMIT": 1, "fields": "DE:Effort", "DE:Effort": "S"}))[0]
    data(wf.put(f"/task/{task['ID']}", params={"DE:Effort": "XL"}))
    [entry] = [e for e in _entries(wf, task["ID"], "E") if e["fieldName"] == "DE:Effort"]
    assert (entry["oldTextVal"], entry["newTextVal"]) == ("S", "XL")
    project = data(wf.get("/proj/search", params={"$$LIMIT": 1, "fields": "DE:Budget"}))[0]
    data(wf.put(f"/proj/{project['ID']}", params={"DE:Budget": "42"}))
    [entry] = [e for e in _entries(wf, project["ID"], "E") if e["fieldName"] == "DE:Budget"]
    assert (entry["oldNumberVal"], entry["newNumberVal"]) == (project["DE:Budget"], 42)
