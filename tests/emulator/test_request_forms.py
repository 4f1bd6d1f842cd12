"""The forms of request that clients other than ours send (issue 22): the official Node client's
relative batch URIs, ``$$USER`` IDs and ``api-internal`` paths, and the OpenAPI description's JSON
``fields``/``listOptions`` and actions on the collection path; and the answers the fixtures record."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from airflow_workfront.emulator.actions import ACTIONS
from emulator.wfhttp import data, error

# The recorded fixtures, as copied into the repo (tests/fixtures, with their licence), or the shared reference.
FIXTURES = next((p for p in (Path(__file__).resolve().parents[1] / "fixtures",
                             Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "fixtures",
                             Path("/work/shared/reference/fixtures")) if (p / "search.json").exists()),
                Path("/work/shared/reference/fixtures"))
# One object type each emulated action belongs to (the action's owner in Workfront's metadata).
ACTION_OWNERS = {"calculateTimeline": "project", "move": "task", "markDone": "task", "approveApproval": "task",
                 "rejectApproval": "task", "recallApproval": "task", "calculateFinance": "project",
                 "calculateDataExtension": "task", "markViewed": "workitem", "share": "task"}


def _task(wf, **filters) -> dict:
    return data(wf.get("/task/search", params={**filters, "ID_Sort": "asc", "$$LIMIT": 1}))[0]


def _recorded_keys(name: str) -> list[str]:
    if not FIXTURES.is_dir():
        pytest.skip(f"the recorded fixtures are not at {FIXTURES}")
    recorded = json.loads((FIXTURES / name).read_text())["data"]
    return list((recorded[0] if isinstance(recorded, list) else recorded).keys())


# -- batch ------------------------------------------------------------------------------------


def test_batch_uris_relative_to_the_api_root_as_the_official_client_sends_them(wf):
    task = _task(wf)
    answer = data(wf.post("/batch", data={"uri": ["PROJ/count?method=GET", f"task/{task['ID']}?fields=name&method=GET",
                                                  "/task/count?method=GET"], "atomic": "false", "concurrent": "false"}))
    assert answer[0]["data"]["count"] == 6
    assert answer[1]["data"]["name"] == task["name"]
    assert answer[2]["data"]["count"] == 60


def test_atomic_batch_with_relative_uris_applies_every_call_or_none(wf):
    task = _task(wf, status="NEW")
    ok = data(wf.post("/batch", data={"uri": [f"TASK/{task['ID']}/markDone?method=PUT", "PROJ/count?method=GET"],
                                      "atomic": "true"}))
    assert ok == {"success": True}
    assert data(wf.get(f"/task/{task['ID']}"))["status"] == "CPL"
    other = _task(wf, status="NEW")
    refused = wf.post("/batch", data={"uri": [f"TASK/{other['ID']}/markDone?method=PUT", "TASK/0123/markDone?method=PUT"],
                                      "atomic": "true"})
    assert "batch call 1" in error(refused, 404)["message"]
    assert data(wf.get(f"/task/{other['ID']}"))["status"] == "NEW"


# -- fields and listOptions as JSON -----------------------------------------------------------


def test_fields_as_a_json_array_on_search_get_and_report(wf):
    fields = json.dumps(["ID", "name", "project:name"])
    [row] = data(wf.get("/task/search", params={"fields": fields, "ID_Sort": "asc", "$$LIMIT": 1}))
    assert set(row) == {"ID", "name", "objCode", "project"} and row["project"]["name"].startswith("Project")
    one = data(wf.get(f"/task/{row['ID']}", params={"fields": json.dumps(["status", "DE:Effort"])}))
    assert set(one) == {"ID", "name", "objCode", "status", "DE:Effort"}
    many = data(wf.get("/task", params={"id": f"{row['ID']},{row['ID']}", "fields": '["priority"]'}))
    assert [set(r) for r in many] == [{"ID", "name", "objCode", "priority"}] * 2
    report = data(wf.get("/task/report", params={"status_GroupBy": "true", "ID_AggFunc": "dcount",
                                                 "fields": '["status"]'}))
    assert sum(group["dcount_ID"] for group in report.values() if isinstance(group, dict)) == 60
    assert "fields" in error(wf.get("/task/search", params={"fields": '["ID", 3]'}), 400)["message"]
    assert "Task" in error(wf.get("/task/search", params={"fields": '["nope"]'}), 400)["message"]


def test_list_options_as_a_json_object(wf):
    first_two = data(wf.get("/task/search", params={"ID_Sort": "asc", "listOptions": '{"$$LIMIT": 2, "$$FIRST": 0}'}))
    second = data(wf.get("/task/search", params={"ID_Sort": "asc", "listOptions": '{"$$LIMIT": 1, "$$FIRST": 1}'}))
    assert len(first_two) == 2 and second == first_two[1:]
    too_many = wf.get("/task/search", params={"listOptions": '{"$$LIMIT": 2001}'})
    assert "2000" in error(too_many, 400)["message"]
    assert "listOptions" in error(wf.get("/task/search", params={"listOptions": "[1]"}), 400)["message"]


# -- actions on the collection path -------------------------------------------------------------


def test_actions_on_the_collection_path_with_the_object_id_as_a_parameter(wf):
    task = _task(wf, status="NEW")
    assert data(wf.put("/task/markDone", params={"ID": task["ID"]})) == {"result": None}
    assert data(wf.get(f"/task/{task['ID']}"))["status"] == "CPL"
    project_id = data(wf.get(f"/task/{task['ID']}", params={"fields": "projectID"}))["projectID"]
    data(wf.put(f"/task/{task['ID']}", params={"plannedCompletionDate": "2031-01-01T10:00:00Z"}))
    data(wf.put("/project/calculateTimeline", params={"ID": project_id}))
    assert data(wf.get(f"/proj/{project_id}"))["plannedCompletionDate"].startswith("2031-01-01")
    assert "ID=" in error(wf.put("/task/markDone"), 400)["message"]


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_emulated_action_answers_on_the_collection_path(wf, action):
    # A missing object is looked for by the action itself: 404, not "not supported".
    owner = ACTION_OWNERS[action]
    collection = wf.put(f"/{owner}/{action}", params={"ID": "0" * 32})
    by_path = wf.put(f"/{owner}/{'0' * 32}/{action}")
    assert error(collection, 404) == error(by_path, 404)


# -- $$USER and the other API roots -------------------------------------------------------------


def test_user_wildcard_where_an_id_goes(wf):
    [admin] = data(wf.get("/user/search", params={"filters": '{"username": "admin@example.com"}'}))
    assert data(wf.get("/USER/$$USER"))["ID"] == admin["ID"]
    assert data(wf.get("/USER", params={"id": "$$USER"}))["ID"] == admin["ID"]


@pytest.mark.parametrize("root", ["/attask/api-internal", "/attask/api-unsupported"])
def test_internal_and_unsupported_api_roots_answer_like_the_versioned_api(emulator, root):
    with httpx.Client(base_url=emulator.base_url, headers={"apiKey": emulator.api_key}, timeout=30) as http:
        assert data(http.get(f"{root}/PROJ/count")) == {"count": 6}
        assert len(data(http.get(f"{root}/task/search", params={"fields": "ID"}))) == 60
        assert error(http.get(f"{root}/nothing/search"), 400)["class"] == "java.lang.IllegalArgumentException"


def test_paths_and_verbs_no_route_serves_answer_a_json_error(emulator):
    with httpx.Client(base_url=emulator.base_url, headers={"apiKey": emulator.api_key}, timeout=30) as http:
        assert error(http.get("/attask/api-asp/project/search"), 404)["class"] == "com.attask.common.NotFoundException"
        assert "not a Workfront API path" in error(http.get("/elsewhere"), 404)["message"]
        assert "PATCH" in error(http.patch("/attask/api/v21.0/task/search"), 405)["message"]


# -- answers ------------------------------------------------------------------------------------


def test_default_fields_are_exactly_those_the_fixtures_record(wf):
    project = data(wf.get("/proj/search", params={"name": "Project A"}))[0]
    assert list(data(wf.get(f"/proj/{project['ID']}"))) == _recorded_keys("get.json")
    assert list(data(wf.put(f"/proj/{project['ID']}", params={"name": "renamed"}))) == _recorded_keys("edit.json")
    created = data(wf.post("/task", params={"name": "test", "projectID": project["ID"]}))
    assert list(created) == _recorded_keys("create.json")
    assert list(data(wf.post("/task", params={"copySourceID": created["ID"]}))) == _recorded_keys("copy.json")
    assert [list(row) for row in data(wf.get("/role/search"))] == [_recorded_keys("search.json")] * 4


def test_objects_without_last_update_date_keep_their_entry_date_by_default(wf):
    note = data(wf.get("/note/search", params={"$$LIMIT": 1}))[0]
    assert "entryDate" in note
    assert "entryDate" not in data(wf.get("/optask/search", params={"$$LIMIT": 1}))[0]


def test_within_the_last_seven_days_finds_what_was_created_today(wf, emulator):
    emulator.control.set_clock("2026-07-15T18:00:00Z")  # noon in Denver: today began 12 hours ago
    emulator.control.reset("demo")  # the seed falls in the hour before the clock: today too
    project = data(wf.get("/proj/search", params={"name": "Project A"}))[0]
    created = data(wf.post("/task", params={"name": "made today", "projectID": project["ID"]}))
    window = {"entryDate": "$$TODAY-7d", "entryDate_Mod": "between", "entryDate_Range": "$$TODAY"}
    assert [t["ID"] for t in data(wf.get("/task/search", params={**window, "name": "made today"}))] == [created["ID"]]
    assert data(wf.get("/task/count", params=window))["count"] == 61
    until_yesterday = {**window, "entryDate_Range": "$$TODAY-1d"}
    assert data(wf.get("/task/count", params=until_yesterday))["count"] == 0
    assert data(wf.get("/task/count", params={"entryDate": "$$TODAY", "entryDate_Mod": "lte"}))["count"] == 61
    assert data(wf.get("/task/count", params={"entryDate": "$$TODAY", "entryDate_Mod": "lt"}))["count"] == 0


def test_username_on_a_user_search_is_not_a_filter(wf):
    everyone = data(wf.get("/user/search", params={"ID_Sort": "asc"}))
    assert len(everyone) == 6
    assert data(wf.get("/user/search", params={"username": "ada@example.com", "ID_Sort": "asc"})) == everyone
    assert len(data(wf.get("/user/search", params={"filters": '{"username": "ada@example.com"}'}))) == 1


def test_an_unknown_id_or_name_on_an_object_path_is_not_found(wf):
    for path in ("/project/0", "/project/helpDeskQueues"):
        err = error(wf.get(path), 404)
        assert err["class"] == "com.attask.common.NotFoundException" and "named query" in err["message"]
    assert "not found" in error(wf.put("/project/0", json={"name": "x"}), 404)["message"]
    project = data(wf.get("/proj/search", params={"$$LIMIT": 1}))[0]
    named = error(wf.put("/project/somethingElse", params={"ID": project["ID"]}), 400)
    assert named["message"] == "somethingElse is not an action of Project"


def test_session_and_info_describe_the_caller_and_the_api(wf, anon):
    session = data(anon.post("/login", params={"username": "admin@example.com", "password": "password"}))["sessionID"]
    about = data(anon.get("/session", headers={"sessionID": session}))
    assert about["sessionID"] == session and about["isAdmin"] is True and len(about["userID"]) == 32
    assert data(wf.get("/session"))["sessionID"] is None  # an API key is no session
    assert "v21.0" in data(anon.get("/info"))["versions"]


def test_a_report_without_an_aggregate_counts_distinct_ids(wf):
    assert data(wf.get("/task/report")) == {"dcount_ID": 60}
    assert data(wf.get("/task/report", params={"status_GroupBy": "true"}))["NEW"]["dcount_ID"] > 0


def test_actions_the_openapi_description_gives_that_the_fuzz_found_refused(wf):
    issue = data(wf.get("/optask/search", params={"status": "NEW", "$$LIMIT": 1}))[0]
    data(wf.put("/optask/markDone", params={"ID": issue["ID"]}))  # an issue has no percentComplete
    assert data(wf.get(f"/optask/{issue['ID']}", params={"fields": "status"}))["status"] == "CPL"
    task = data(wf.get("/task/search", params={"$$LIMIT": 1}))[0]
    [ada] = data(wf.get("/user/search", params={"filters": '{"username": "ada@example.com"}'}))
    shared = data(wf.put(f"/task/{task['ID']}/share", params={"accessorID": ada["ID"], "accessorObjCode": "USER",
                                                             "coreAction": "LIMITED_EDIT"}))
    assert shared["coreAction"] == "LIMITED_EDIT"
    group = data(wf.get("/group/search", params={"$$LIMIT": 1}))[0]
    assert data(wf.put("/group/calculateDataExtension", params={"ID": group["ID"]})) == {"result": None}
    template = data(wf.get("/tmpl/search", params={"$$LIMIT": 1}))[0]
    assert data(wf.put(f"/template/{template['ID']}/calculateTimeline")) == {"result": None}
