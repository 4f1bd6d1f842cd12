"""fields="all": every field of a type from its /metadata and custom forms (sync/discovery.py)."""

from __future__ import annotations

from airflow_workfront.sync.discovery import LEFT_OUT, discover_fields, plan_from_metadata

METADATA = {"data": {"objCode": "PROJ", "fields": {
    "ID": {"fieldType": "string"}, "name": {"fieldType": "string"}, "lastUpdateDate": {"fieldType": "dateTime"},
    "ownerID": {"fieldType": "string"}, "priority": {"fieldType": "int"}, "auditTypes": {"fieldType": "string[]"},
    "approversString": {"fieldType": "string"}},
    "references": {"owner": {}, "defaultBaseline": {}}, "collections": {"tasks": {}}}}
FORMS = [{"name": "Finance", "catObjCode": "PROJ", "categoryParameters": [
    {"parameter": {"name": "Budget", "dataType": "CURC", "displayType": "TEXT"}},
    {"parameter": {"name": "Regions", "dataType": "TEXT", "displayType": "CHECKBOX"}}]},
    {"name": "Ops", "catObjCode": "PROJ", "categoryParameters": [
        {"parameter": {"name": "Budget", "dataType": "CURC", "displayType": "TEXT"}}]}]


def test_every_field_each_reference_id_and_each_custom_field_typed():
    plan = plan_from_metadata("PROJ", METADATA, FORMS)
    assert plan.date_field == "lastUpdateDate"
    assert plan.fields[:2] == ("ID", "lastUpdateDate")
    assert set(plan.fields) == {"ID", "lastUpdateDate", "name", "ownerID", "priority", "defaultBaseline:ID",
                                "DE:Budget", "DE:Regions"}
    assert plan.custom_fields == ("DE:Budget", "DE:Regions")
    assert plan.left_out == ("approversString", "auditTypes") and all(f in LEFT_OUT for f in plan.left_out)
    kinds = plan.kinds
    assert (kinds["priority"], kinds["lastUpdateDate"], kinds["defaultBaseline:ID"]) == ("integer", "timestamp", "text")
    assert (kinds["DE:Budget"], kinds["DE:Regions"]) == ("number", "json")
    assert "tasks" not in plan.fields  # collections are tables of their own


def test_entry_date_types_and_types_without_a_date():
    jrnle = {"data": {"fields": {"ID": {}, "entryDate": {"fieldType": "dateTime"}, "fieldName": {}}}}
    assert plan_from_metadata("JRNLE", jrnle, []).date_field == "entryDate"
    team = {"data": {"fields": {"ID": {}, "name": {}}}}
    plan = plan_from_metadata("TEAMOB", team, [])
    assert plan.date_field is None and plan.fields == ("ID", "name")


def test_discovery_costs_two_requests_and_survives_forms_it_cannot_read():
    class Client:
        def __init__(self, forms_fail: bool) -> None:
            self.calls: list[str] = []
            self.forms_fail = forms_fail

        def metadata(self, obj_code):
            self.calls.append(f"metadata {obj_code}")
            return METADATA

        def search(self, obj_code, filters, fields):
            self.calls.append(f"search {obj_code} {filters}")
            if self.forms_fail:
                raise RuntimeError("CTGY is not searchable here")
            return iter(FORMS)

    ok = Client(forms_fail=False)
    assert discover_fields(ok, "PROJ").custom_fields == ("DE:Budget", "DE:Regions")
    assert ok.calls == ["metadata PROJ", "search CTGY {'catObjCode': 'PROJ'}"]
    failing = discover_fields(Client(forms_fail=True), "PROJ")
    assert failing.custom_fields == () and "custom forms could not be read" in failing.notes[0]
