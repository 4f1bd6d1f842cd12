"""The control API under /_emulator/: reset, clock, stats, objects; absent when turned off."""

from __future__ import annotations

import httpx

from airflow_workfront.emulator.testing import EmulatorServer
from emulator.wfhttp import data


def test_reset_restores_the_seed_and_empty_seed(wf, emulator):
    task = data(wf.get("/task/search", params={"$$LIMIT": 1}))[0]
    data(wf.delete(f"/task/{task['ID']}", params={"force": "true"}))
    assert data(wf.get("/task/count"))["count"] == 59
    emulator.control.reset("demo")
    assert data(wf.get("/task/count"))["count"] == 60
    assert data(wf.get(f"/task/{task['ID']}"))["ID"] == task["ID"]  # same seed, same IDs
    emulator.control.reset("empty")
    assert data(wf.get("/task/count"))["count"] == 0
    assert data(wf.get("/user/count"))["count"] == 1  # the admin behind the API key
    emulator.control.reset("empty", seed_size=500, random_seed=4)
    assert data(wf.get("/task/count"))["count"] == 500


def test_clock_set_and_advance_stamp_writes(wf, emulator):
    now = emulator.control.set_clock("2030-01-01T00:00:00Z")
    assert now.startswith("2030-01-01T00:00:00")
    task = data(wf.get("/task/search", params={"$$LIMIT": 1}))[0]
    first = data(wf.put(f"/task/{task['ID']}", params={"name": "one", "fields": "lastUpdateDate"}))
    assert first["lastUpdateDate"].startswith("2029-12-31T17:00:00:")  # America/Denver, -0700 in winter
    emulator.control.advance_clock(3600)
    second = data(wf.put(f"/task/{task['ID']}", params={"name": "two", "fields": "lastUpdateDate"}))
    assert second["lastUpdateDate"].startswith("2029-12-31T18:00:00:")
    assert emulator.control.clock_now().startswith("2030-01-01T01:00:00")


def test_stats_count_by_route(wf, emulator):
    emulator.control.reset_stats()
    task = data(wf.get("/task/search", params={"$$LIMIT": 1}))[0]
    wf.get(f"/task/{task['ID']}")
    wf.get("/task/count")
    stats = emulator.control.stats()
    assert stats["total"] == 3
    assert stats["by_route"] == {"GET /attask/api/v21.0/task/search": 1, "GET /attask/api/v21.0/task/{id}": 1,
                                 "GET /attask/api/v21.0/task/count": 1}
    assert stats["max_in_flight"] == 1 and stats["rejected_429"] == 0


def test_objects_create_edit_delete_list(wf, emulator):
    control = emulator.control
    project = data(wf.get("/proj/search", params={"$$LIMIT": 1}))[0]
    made = control.create_object("TASK", {"name": "from outside", "projectID": project["ID"]})
    assert data(wf.get(f"/task/{made['ID']}"))["name"] == "from outside"
    edited = control.edit_object("TASK", made["ID"], {"status": "CPL"})
    assert edited["status"] == "CPL" and edited["lastUpdateDate"] >= made["lastUpdateDate"]
    journal = data(wf.get("/journalentry/search", params={"objID": made["ID"], "fields": "changeType,fieldName"}))
    assert ("E", "status") in [(j["changeType"], j.get("fieldName")) for j in journal]
    listed = control.list_objects("TASK")
    assert made["ID"] in {t["ID"] for t in listed} and len(listed) == 61
    control.delete_object("TASK", made["ID"])
    assert wf.get(f"/task/{made['ID']}").status_code == 404
    deleted = data(wf.get("/journalentry/search", params={"objID": made["ID"], "changeType": "D"}))
    assert len(deleted) == 1


def test_control_api_absent_when_off():
    with EmulatorServer(control_api=False) as server:
        with httpx.Client(base_url=server.base_url) as http:
            assert http.post("/_emulator/reset", json={}).status_code == 404
            assert http.get("/_emulator/stats").status_code == 404
            assert http.get("/attask/api/v21.0/task/count", headers={"apiKey": server.api_key}).status_code == 200
