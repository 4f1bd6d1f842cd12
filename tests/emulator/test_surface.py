"""Documented surface: batch, several IDs, the actions the docs name, $$USER, API versions."""

from __future__ import annotations

import json

import httpx
import pytest

from emulator.wfhttp import data, error


def _project(wf, name="Project A"):
    return data(wf.get("/proj/search", params={"name": name}))[0]


def _tasks(wf, n=2):
    return data(wf.get("/task/search", params={"$$LIMIT": n, "ID_Sort": "asc"}))


# -- batch ------------------------------------------------------------------------------------

def test_batch_answers_each_call_in_order(wf):
    first, second = _tasks(wf)
    answer = wf.post("/batch", params=[("uri", f"/task/{first['ID']}?fields=name"),
                                       ("uri", f"/task/{second['ID']}?method=PUT&name=batched")])
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body) == {"data"} and [set(item) for item in body["data"]] == [{"data"}, {"data"}]
    assert body["data"][0]["data"]["ID"] == first["ID"]
    assert body["data"][1]["data"]["name"] == "batched"
    assert data(wf.get(f"/task/{second['ID']}"))["name"] == "batched"


def test_batch_calls_as_a_json_array_and_errors_per_call(wf):
    task = _tasks(wf, 1)[0]
    uris = json.dumps([f"/task/{task['ID']}?method=PUT&name=kept", f"/task/{'0' * 32}"])
    body = wf.post("/batch", data={"uri": uris}).json()
    assert body["data"][0]["data"]["name"] == "kept"
    assert "not found" in body["data"][1]["error"]["message"]
    assert data(wf.get(f"/task/{task['ID']}"))["name"] == "kept"  # not atomic: the first call stays


def test_atomic_batch_is_all_or_nothing(wf):
    first, second = _tasks(wf)
    calls = [("uri", f"/task/{first['ID']}?method=PUT&name=one"), ("uri", f"/task/{second['ID']}?method=PUT&name=two")]
    assert data(wf.post("/batch", params=[*calls, ("atomic", "true")])) == {"success": True}
    assert data(wf.get(f"/task/{second['ID']}"))["name"] == "two"
    failing = [("uri", f"/task/{first['ID']}?method=PUT&name=never"), ("uri", f"/task/{second['ID']}?method=PUT&priority=x")]
    err = error(wf.post("/batch", params=[*failing, ("atomic", "true")]), 400)
    assert "batch call 1" in err["message"] and "priority" in err["message"]
    assert data(wf.get(f"/task/{first['ID']}"))["name"] == "one"


def test_batch_is_authenticated_and_refuses_what_it_cannot_run(wf, anon):
    task = _tasks(wf, 1)[0]
    error(anon.post("/batch", params={"uri": f"/task/{task['ID']}"}), 401)
    assert "at least one uri" in error(wf.post("/batch"), 400)["message"]
    assert "another batch" in error(wf.post("/batch", params={"uri": "/batch?uri=/task/search"}), 400)["message"]
    assert "path below the API root" in error(wf.post("/batch", params={"uri": "http://evil/x"}), 400)["message"]
    assert "POST" in error(wf.get("/batch", params={"uri": "/task/search"}), 400)["message"]


# -- several IDs ------------------------------------------------------------------------------

def test_repeated_id_parameters_answer_a_list(wf):
    first, second = _tasks(wf)
    rows = data(wf.get("/task", params=[("id", first["ID"]), ("id", second["ID"])]))
    assert [r["ID"] for r in rows] == [first["ID"], second["ID"]]
    rows = data(wf.get("/task", params=[("id", first["ID"]), ("id", first["ID"])]))  # as get_multiple.json
    assert [r["ID"] for r in rows] == [first["ID"], first["ID"]]
    rows = data(wf.get("/task", params={"id": f"{first['ID']},{second['ID']}"}))
    assert len(rows) == 2
    assert data(wf.get("/task", params={"id": first["ID"]}))["ID"] == first["ID"]


# -- actions ----------------------------------------------------------------------------------

def test_calculate_finance_totals_hours_and_expenses(wf):
    project = _project(wf)
    expenses = data(wf.get("/expns/search", params={"projectID": project["ID"], "fields": "actualAmount"}))
    role = data(wf.get("/role/search", params={"$$LIMIT": 1}))[0]
    data(wf.put(f"/role/{role['ID']}", params={"costPerHour": "40"}))
    hours = data(wf.get("/hour/search", params={"projectID": project["ID"], "$$LIMIT": 2000,
                                                "fields": "hours,owner:roleID"}))
    labor = sum(h["hours"] * 40 for h in hours if h["owner"]["roleID"] == role["ID"])
    expense = sum(e["actualAmount"] for e in expenses)
    data(wf.put(f"/project/{project['ID']}/calculateFinance"))
    got = data(wf.get(f"/project/{project['ID']}", params={"fields": "actualLaborCost,actualExpenseCost,actualCost"}))
    assert (got["actualLaborCost"], got["actualExpenseCost"], got["actualCost"]) == (labor, expense, labor + expense)
    assert labor > 0 and expense > 0


def test_recall_approval_returns_to_the_status_before(wf):
    task = data(wf.get("/task/search", params={"status": "INP", "$$LIMIT": 1}))[0]
    data(wf.put(f"/task/{task['ID']}", params={"status": "CPL:A"}))
    data(wf.put(f"/task/{task['ID']}/recallApproval"))
    assert data(wf.get(f"/task/{task['ID']}"))["status"] == "INP"
    err = error(wf.put(f"/task/{task['ID']}/recallApproval"), 422)
    assert "no pending approval" in err["message"]


def test_calculate_data_extension_and_unsupported_actions(wf):
    project = _project(wf)
    before = data(wf.get(f"/project/{project['ID']}", params={"fields": "lastUpdateDate"}))
    assert data(wf.put(f"/project/{project['ID']}/calculateDataExtension")) == {"result": None}
    assert data(wf.get(f"/project/{project['ID']}", params={"fields": "lastUpdateDate"})) == before
    err = error(wf.put(f"/project/{project['ID']}/saveProjectAsTemplate"), 400)
    assert "not supported by the emulator" in err["message"]
    err = error(wf.put(f"/project/{project['ID']}/fly"), 400)
    assert "not an action of Project" in err["message"]


def test_mark_viewed_on_a_work_item(wf):
    grace = data(wf.get("/user/search", params={"name": "Grace Hopper"}))[0]
    items = data(wf.get("/workitem/search", params={"userID": grace["ID"], "fields": "objID,lastViewedDate"}))
    assert items and all(i["lastViewedDate"] is None for i in items)
    data(wf.put(f"/workitem/{items[0]['ID']}/markViewed"))
    seen = data(wf.get(f"/workitem/{items[0]['ID']}", params={"fields": "lastViewedDate,task:name"}))
    assert seen["lastViewedDate"] is not None and seen["task"]["name"]


# -- $$USER -----------------------------------------------------------------------------------

def test_user_wildcards_are_the_caller(wf):
    me = data(wf.get("/user/search", params={"filters": json.dumps({"username": "admin@example.com"}),
                                             "fields": "homeGroupID"}))[0]
    owned = data(wf.get("/proj/search", params={"ownerID": "$$USER.ID", "fields": "ownerID"}))
    assert owned and {p["ownerID"] for p in owned} == {me["ID"]}
    same_group = data(wf.get("/user/search", params={"homeGroupID": "$$USER.homeGroupID", "fields": "homeGroupID"}))
    assert {u["homeGroupID"] for u in same_group} == {me["homeGroupID"]}
    in_json = data(wf.get("/proj/count", params={"filters": json.dumps({"ownerID": "$$USER.ID"})}))
    assert in_json["count"] == len(owned)
    err = error(wf.get("/proj/search", params={"ownerID": "$$USER.shoeSize"}), 400)
    assert "shoeSize" in err["message"]


# -- API versions -----------------------------------------------------------------------------

@pytest.fixture
def root(emulator):
    with httpx.Client(base_url=f"{emulator.base_url}/attask/api", headers={"apiKey": emulator.api_key}) as client:
        yield client


def test_unknown_field_errors_name_the_version_asked(root):
    err = error(root.get("/v15.0/task/search", params={"fields": "shoeSize"}), 400)
    assert err["message"] == "APIModel V15_0 does not support field shoeSize (Task)"
    err = error(root.get("/task/search", params={"fields": "shoeSize"}), 400)
    assert err["message"] == "APIModel V21_0 does not support field shoeSize (Task)"
    err = error(root.get("/internal/task/search", params={"shoeSize": "x"}), 400)
    assert err["message"] == "APIModel INTERNAL does not support field shoeSize (Task)"


def test_role_last_update_date_exists_from_v19(root):
    assert data(root.get("/v19.0/role/search", params={"fields": "lastUpdateDate"}))
    for params in ({"fields": "lastUpdateDate"}, {"lastUpdateDate": "$$TODAY", "lastUpdateDate_Mod": "lte"},
                   {"lastUpdateDate_Sort": "asc"}):
        err = error(root.get("/v18.0/role/search", params=params), 400)
        assert err["message"] == "APIModel V18_0 does not support field lastUpdateDate (Role)"
    assert "lastUpdateDate" not in data(root.get("/v18.0/role/search", params={"fields": "*"}))[0]
    assert "lastUpdateDate" in data(root.get("/v19.0/role/search", params={"fields": "*"}))[0]
    assert "lastUpdateDate" not in data(root.get("/v18.0/role/metadata"))["fields"]
    assert "lastUpdateDate" in data(root.get("/v19.0/role/metadata"))["fields"]


def test_journal_sub_and_top_codes_are_not_filterable_from_v13(root):
    assert data(root.get("/v12.0/jrnle/search", params={"subObjCode": "HOUR"})) is not None
    for params in ({"subObjCode": "HOUR"}, {"OR:1:topObjID": "x"}, {"filters": json.dumps({"topObjCode": "PROJ"})}):
        err = error(root.get("/v13.0/jrnle/search", params=params), 400)
        assert "NOT_FILTERABLE" in err["message"] and "V13_0" in err["message"]
    assert data(root.get("/v13.0/jrnle/search", params={"fields": "subObjCode", "objObjCode": "TASK"}))
    flags = data(root.get("/v13.0/jrnle/metadata"))["fields"]["subObjCode"]["flags"]
    assert "NOT_FILTERABLE" in flags
    assert "NOT_FILTERABLE" not in data(root.get("/v12.0/jrnle/metadata"))["fields"]["subObjCode"]["flags"]
