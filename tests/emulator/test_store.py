"""The journal Workfront keeps (JRNLE): A on create, E per tracked field edited, D on delete."""

from __future__ import annotations

from emulator.wfhttp import data


def _journal(wf, obj_id, **params):
    return data(wf.get("/journalentry/search", params={
        "objID": obj_id, "fields": "*", "$$LIMIT": 2000, "entryDate_1_Sort": "asc", "fieldName_2_Sort": "asc", **params}))


def test_create_writes_an_a_entry(wf):
    project = data(wf.get("/proj/search", params={"$$LIMIT": 1}))[0]
    task = data(wf.post("/task", params={"name": "Journaled", "projectID": project["ID"]}))
    entries = _journal(wf, task["ID"])
    assert [(e["changeType"], e["objObjCode"]) for e in entries] == [("A", "TASK")]
    assert entries[0]["entryDate"] == data(wf.get(f"/task/{task['ID']}", params={"fields": "entryDate"}))["entryDate"]


def test_edits_of_tracked_fields_write_typed_e_entries(wf):
    task = data(wf.get("/task/search", params={"status": "NEW", "$$LIMIT": 1,
                                               "fields": "percentComplete,plannedCompletionDate"}))[0]
    new_date = "2030-02-01T10:00:00:000-0700"  # tenant time (America/Denver in February)
    data(wf.put(f"/task/{task['ID']}", json={"name": "Renamed", "percentComplete": 40, "status": "INP",
                                             "plannedCompletionDate": new_date, "description": "untracked"}))
    entries = {e["fieldName"]: e for e in _journal(wf, task["ID"], changeType="E")}
    assert set(entries) == {"name", "percentComplete", "status", "plannedCompletionDate"}
    assert (entries["name"]["oldTextVal"], entries["name"]["newTextVal"]) == (task["name"], "Renamed")
    assert (entries["status"]["oldTextVal"], entries["status"]["newTextVal"]) == ("NEW", "INP")
    assert (entries["percentComplete"]["oldNumberVal"], entries["percentComplete"]["newNumberVal"]) == (0, 40)
    dates = entries["plannedCompletionDate"]
    assert (dates["oldDateVal"], dates["newDateVal"]) == (task["plannedCompletionDate"], new_date)
    assert all(e["objObjCode"] == "TASK" and e["objID"] == task["ID"] for e in entries.values())


def test_unchanged_values_write_nothing(wf):
    task = data(wf.get("/task/search", params={"$$LIMIT": 1}))[0]
    data(wf.put(f"/task/{task['ID']}", params={"name": task["name"]}))
    assert _journal(wf, task["ID"], changeType="E") == []


def test_delete_writes_a_d_entry(wf):
    issue = data(wf.get("/optask/search", params={"$$LIMIT": 1}))[0]
    data(wf.delete(f"/optask/{issue['ID']}", params={"force": "true"}))
    entries = _journal(wf, issue["ID"], changeType="D")
    assert [(e["changeType"], e["objObjCode"]) for e in entries] == [("D", "OPTASK")]


def test_journal_entries_are_searchable_by_entry_date(wf, emulator):
    emulator.control.set_clock("2031-05-01T12:00:00Z")
    task = data(wf.get("/task/search", params={"$$LIMIT": 1}))[0]
    data(wf.put(f"/task/{task['ID']}", params={"status": "CPL"}))
    recent = data(wf.get("/journalentry/search", params={
        "entryDate": "2031-05-01T00:00:00Z", "entryDate_Mod": "gte", "fields": "objID,fieldName"}))
    assert [(e["objID"], e["fieldName"]) for e in recent] == [(task["ID"], "status")]
