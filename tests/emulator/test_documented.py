"""api-basics.md and api-sync-data.md examples not covered elsewhere, sent as plain HTTP."""

from __future__ import annotations

from emulator.wfhttp import data, error


def _task(wf, **filters):
    return data(wf.get("/task/search", params={"$$LIMIT": 1, **filters}))[0]


def test_edit_by_id_parameter_and_missing_objects_are_not_inserted(wf):
    task = _task(wf)
    edited = data(wf.put("/task", params={"id": task["ID"], "name": "New Task Name"}))
    assert (edited["ID"], edited["name"]) == (task["ID"], "New Task Name")
    before = data(wf.get("/task/count"))["count"]
    error(wf.put(f"/task/{'0' * 32}", params={"name": "ghost"}), 404)
    assert data(wf.get("/task/count"))["count"] == before


def test_field_names_are_case_sensitive(wf):
    err = error(wf.get("/task/search", params={"fields": "PlannedStartDate"}), 400)
    assert "PlannedStartDate" in err["message"]


def test_approve_and_reject_approval(wf):
    first = _task(wf, status="NEW")
    data(wf.put(f"/task/{first['ID']}", params={"status": "INP:A"}))
    data(wf.put(f"/task/{first['ID']}/approveApproval"))
    assert data(wf.get(f"/task/{first['ID']}"))["status"] == "INP"
    data(wf.put(f"/task/{first['ID']}", params={"status": "CPL:A"}))
    data(wf.put(f"/task/{first['ID']}", params={"action": "rejectApproval"}))
    assert data(wf.get(f"/task/{first['ID']}"))["status"] == "INP"


def test_entry_date_stays_and_last_update_date_moves(wf, emulator):
    task = _task(wf, fields="entryDate,lastUpdateDate")
    emulator.control.advance_clock(60)
    edited = data(wf.put(f"/task/{task['ID']}", params={"name": "touched", "fields": "entryDate,lastUpdateDate"}))
    assert edited["entryDate"] == task["entryDate"]
    assert edited["lastUpdateDate"] != task["lastUpdateDate"]
    since = data(wf.get("/task/search", params={"lastUpdateDate": edited["lastUpdateDate"],
                                                "lastUpdateDate_Mod": "gte", "fields": "ID"}))
    assert [t["ID"] for t in since] == [task["ID"]]
