"""Rules the docs do not state are off by default and can be switched on by name."""

from __future__ import annotations

import httpx
import pytest

from airflow_workfront.emulator.rules import INVENTED_RULES, InventedRules
from emulator.wfhttp import data, error


def task_with_hours(wf) -> str:
    return data(wf.get("/hour/search", params={"fields": "taskID", "$$LIMIT": 1, "ID_Sort": "asc"}))[0]["taskID"]


def test_by_default_a_task_with_hours_is_deleted_with_its_hours(wf):
    busy = task_with_hours(wf)
    assert data(wf.delete(f"/task/{busy}")) == {"success": True}  # the docs state no refusal
    error(wf.get(f"/task/{busy}"), 404)
    assert data(wf.get("/hour/count", params={"taskID": busy}))["count"] == 0
    deleted = data(wf.get("/journalentry/search", params={"objID": busy, "changeType": "D", "fields": "objID"}))
    assert [e["objID"] for e in deleted] == [busy]


def test_delete_needs_force_refuses_and_force_still_deletes(wf, emulator):
    emulator.control.set_invented_rules("delete_needs_force")
    busy = task_with_hours(wf)
    err = error(wf.delete(f"/task/{busy}"), 422)
    assert "force=true" in err["message"] and busy in err["message"]
    assert data(wf.get(f"/task/{busy}", params={"fields": "name"}))["ID"] == busy
    assert data(wf.delete("/task", params={"id": busy, "force": "true"})) == {"success": True}
    assert data(wf.get("/hour/count", params={"taskID": busy}))["count"] == 0


def test_rules_survive_a_reset_and_the_fixture_turns_them_off(wf, emulator):
    emulator.control.set_invented_rules("delete_needs_force")
    emulator.control.reset("demo")
    error(wf.delete(f"/task/{task_with_hours(wf)}"), 422)
    emulator.control.set_invented_rules()
    assert data(wf.delete(f"/task/{task_with_hours(wf)}")) == {"success": True}


def test_the_control_route_lists_rules_and_refuses_unknown_ones(emulator):
    with httpx.Client(base_url=f"{emulator.base_url}/_emulator") as http:
        listed = http.get("/rules").json()
        assert listed == {"enabled": [], "known": INVENTED_RULES}
        refused = error(http.post("/rules", json={"enabled": ["no_such_rule"]}), 400)
        assert "no_such_rule" in refused["message"] and "delete_needs_force" in refused["message"]


def test_unknown_rules_are_refused_in_code_too():
    with pytest.raises(Exception, match="no_such_rule"):
        InventedRules(["no_such_rule"])
    assert "delete_needs_force" in InventedRules(["delete_needs_force"])
    assert "delete_needs_force" not in InventedRules()
