"""The documented examples of api-basics.md, sent as plain HTTP to the emulator."""

from __future__ import annotations

import json

from emulator.wfhttp import data, error


def _project(wf, name="Project A"):
    return data(wf.get("/proj/search", params={"name": name, "fields": "ID,name"}))[0]


def _task(wf, **filters):
    return data(wf.get("/task/search", params={"$$LIMIT": 1, **filters}))[0]


# -- search modifiers ------------------------------------------------------------------------

def _names(wf, code, **params):
    return sorted(r["name"] for r in data(wf.get(f"/{code}/search", params={"$$LIMIT": 2000, **params})))


def test_search_modifiers_select_what_the_docs_say(wf):
    everything = data(wf.get("/task/search", params={"$$LIMIT": 2000, "fields": "priority,name,DE:Effort"}))
    assert len(everything) == 60
    by = lambda pred: sorted(r["name"] for r in everything if pred(r))  # noqa: E731
    assert _names(wf, "task", priority=2) == by(lambda r: r["priority"] == 2)
    assert _names(wf, "task", priority=2, priority_Mod="ne") == by(lambda r: r["priority"] != 2)
    assert _names(wf, "task", priority=2, priority_Mod="gt") == by(lambda r: r["priority"] > 2)
    assert _names(wf, "task", priority=2, priority_Mod="gte") == by(lambda r: r["priority"] >= 2)
    assert _names(wf, "task", priority=2, priority_Mod="lt") == by(lambda r: r["priority"] < 2)
    assert _names(wf, "task", priority=2, priority_Mod="lte") == by(lambda r: r["priority"] <= 2)
    assert _names(wf, "task", priority=1, priority_Range=2, priority_Mod="between") == \
        by(lambda r: 1 <= r["priority"] <= 2)
    assert _names(wf, "task", name="task 1", name_Mod="contains") == by(lambda r: "task 1" in r["name"])
    assert _names(wf, "task", name="TASK 1", name_Mod="contains") == []
    assert _names(wf, "task", name="TASK 1", name_Mod="cicontains") == by(lambda r: "task 1" in r["name"])
    assert _names(wf, "task", name="Project A", name_Mod="notcontains") == \
        by(lambda r: "Project A" not in r["name"])
    assert _names(wf, "task", priority=[0, 3], priority_Mod="in") == by(lambda r: r["priority"] in (0, 3))
    assert _names(wf, "task", **{"DE:Effort": "L"}) == by(lambda r: r["DE:Effort"] == "L")
    assert len(_names(wf, "task", description_Mod="isnull")) == 60
    assert _names(wf, "task", description_Mod="notnull") == []


def test_modifiers_are_case_sensitive(wf):
    err = error(wf.get("/task/search", params={"name": "x", "name_mod": "contains"}), 400)
    assert "_Mod" in err["message"]
    err = error(wf.get("/task/search", params={"name": "x", "name_Mod": "CONTAINS"}), 400)
    assert "CONTAINS" in err["message"]


def test_or_statements_example(wf):
    project_b = _project(wf, "Project B")
    first = _task(wf, projectID=project_b["ID"], fields="assignedTo:name")
    steve = first["assignedTo"]["name"].split()[0].upper()
    params = {
        "name": "Project A", "name_Mod": "contains",
        "OR:1:project:name": "Project B", "OR:1:project:name_Mod": "eq",
        "OR:1:assignedTo:name": steve, "OR:1:assignedTo:name_Mod": "cicontains",
        "OR:2:parent:name": "Final Task", "OR:2:parent:name_Mod": "eq",
        "fields": "project:name,assignedTo:name", "$$LIMIT": 2000,
    }
    rows = data(wf.get("/task/search", params=params))
    everything = data(wf.get("/task/search", params={"fields": "project:name,assignedTo:name", "$$LIMIT": 2000}))
    expected = sorted(r["ID"] for r in everything if "Project A" in r["name"] or (
        r["project"]["name"] == "Project B" and steve.lower() in r["assignedTo"]["name"].lower()))
    assert sorted(r["ID"] for r in rows) == expected
    assert any(r["project"]["name"] == "Project B" for r in rows)
    assert any("Project A" in r["name"] for r in rows)


def test_filters_json_by_username(wf):
    rows = data(wf.get("/user/search", params={"filters": json.dumps({"username": "admin@example.com"}),
                                               "fields": "username"}))
    assert [r["username"] for r in rows] == ["admin@example.com"]


def test_map_true_indexes_by_id(wf):
    answer = data(wf.get("/task/search", params={"map": "true", "$$LIMIT": 5}))
    assert isinstance(answer, dict) and len(answer) == 5
    for key, record in answer.items():
        assert record["ID"] == key and record["objCode"] == "TASK"


def test_nested_reference_fields(wf):
    rows = data(wf.get("/issue/search", params={"fields": "owner:title,owner:phoneNumber"}))
    assert len(rows) == 20
    for row in rows:
        assert set(row["owner"]) >= {"ID", "name", "objCode", "title", "phoneNumber"}
        assert row["owner"]["objCode"] == "USER"
        assert row["owner"]["title"]


def test_fields_deeper_than_four_levels_refused(wf):
    ok = data(wf.get("/assignment/search", params={"fields": "task:project:owner:company:name", "$$LIMIT": 1}))
    assert ok[0]["task"]["project"]["owner"]["company"]["name"]
    error(wf.get("/assignment/search", params={"fields": "task:project:owner:company:enteredBy:name"}), 400)


def test_collections_project_tasks_and_task_assignments(wf):
    project = _project(wf)
    full = data(wf.get(f"/proj/{project['ID']}", params={"fields": "tasks"}))
    assert len(full["tasks"]) == 10
    assert {t["objCode"] for t in full["tasks"]} == {"TASK"}
    task = data(wf.get("/task/search", params={"fields": "assignments", "$$LIMIT": 1}))[0]
    assert [a["objCode"] for a in task["assignments"]] == ["ASSGN"]
    star = data(wf.get("/task/search", params={"fields": "assignments:*", "$$LIMIT": 1}))[0]
    assignment = star["assignments"][0]
    assert {"assignedToID", "taskID", "assignmentPercent"} <= set(assignment)
    assert assignment["taskID"] == star["ID"]


def test_custom_data_and_parameter_values(wf):
    one = data(wf.get("/project/search", params={"fields": "DE:Budget", "name": "Project B"}))[0]
    assert one["DE:Budget"] == 12500
    pv = data(wf.get("/project/search", params={"fields": "parameterValues", "name": "Project B"}))[0]
    assert pv["parameterValues"] == {"DE:Budget": 12500, "DE:Region": "AMER"}


def test_named_query_my_work(wf, emulator):
    user = data(wf.get("/user/search", params={"filters": '{"username": "ada@example.com"}', "fields": "ID"}))
    assert len(user) == 1, "the demo seed has ada"
    mine = data(wf.get("/work/myWork", params={"fields": "assignedToID"}))
    [admin] = data(wf.get("/user/search", params={"filters": '{"username": "admin@example.com"}'}))
    assert all(r["assignedToID"] == admin["ID"] for r in mine)
    task = _task(wf, status="NEW")
    data(wf.put(f"/task/{task['ID']}", params={"assignedToID": admin["ID"]}))
    mine = data(wf.get("/work/myWork", params={"fields": "assignedToID"}))
    assert task["ID"] in [r["ID"] for r in mine]


def test_count(wf):
    assert data(wf.get("/task/count")) == {"count": 60}
    assert data(wf.get("/task/count", params={"status": "CPL"}))["count"] == \
        len(data(wf.get("/task/search", params={"status": "CPL", "$$LIMIT": 2000})))


def test_report_group_by_project_with_rollup(wf):
    hours = data(wf.get("/hour/search", params={"fields": "hours,project:name", "$$LIMIT": 2000}))
    expected: dict[str, float] = {}
    for h in hours:
        expected[h["project"]["name"]] = expected.get(h["project"]["name"], 0) + h["hours"]
    report = data(wf.get("/hour/report", params={"project:name_1_GroupBy": "true", "hours_AggFunc": "sum"}))
    assert {k: v["sum_hours"] for k, v in report.items()} == expected
    rolled = data(wf.get("/hour/report", params={"project:name_1_GroupBy": "true", "hours_AggFunc": "sum",
                                                 "$$ROLLUP": "true"}))
    assert rolled["$$ROLLUP"]["sum_hours"] == sum(expected.values())


def test_sort_on_several_fields(wf):
    rows = data(wf.get("/task/search", params={"priority_1_Sort": "desc", "name_2_Sort": "asc",
                                               "fields": "priority", "$$LIMIT": 2000}))
    assert [(r["priority"], r["name"]) for r in rows] == sorted(((r["priority"], r["name"]) for r in rows),
                                                              key=lambda t: (-t[0], t[1]))
    plain = data(wf.get("/task/search", params={"name_Sort": "desc", "$$LIMIT": 2000}))
    assert [r["name"] for r in plain] == sorted((r["name"] for r in plain), reverse=True)


def test_paging_first_limit_and_defaults(wf):
    assert len(data(wf.get("/journalentry/search"))) == 100  # the default limit
    all_ids = [r["ID"] for r in data(wf.get("/task/search", params={"ID_Sort": "asc", "$$LIMIT": 2000}))]
    page = data(wf.get("/task/search", params={"ID_Sort": "asc", "$$FIRST": 10, "$$LIMIT": 5}))
    assert [r["ID"] for r in page] == all_ids[10:15]
    err = error(wf.get("/task/search", params={"$$LIMIT": 2001}), 400)
    assert err["class"].endswith("IllegalArgumentException")


def test_get_one_and_many(wf):
    a, b = data(wf.get("/task/search", params={"$$LIMIT": 2}))
    assert data(wf.get(f"/task/{a['ID']}"))["ID"] == a["ID"]
    many = data(wf.get("/task", params={"id": f"{a['ID']},{b['ID']}"}))
    assert [r["ID"] for r in many] == [a["ID"], b["ID"]]


# -- writes ----------------------------------------------------------------------------------

def test_create_from_parameters_and_json_body(wf):
    project = _project(wf)
    made = data(wf.post("/task", params={"name": "From params", "projectID": project["ID"]}))
    assert made["objCode"] == "TASK" and len(made["ID"]) == 32 and made["name"] == "From params"
    body = data(wf.post("/task", json={"name": "From JSON", "projectID": project["ID"], "priority": 3},
                        params={"fields": "priority,projectID"}))
    assert (body["name"], body["priority"], body["projectID"]) == ("From JSON", 3, project["ID"])
    form = data(wf.post("/task", data={"name": "From form", "projectID": project["ID"]}))
    assert form["name"] == "From form"
    err = error(wf.post("/task", params={"name": "no project"}), 422)
    assert "projectID" in err["message"]


def test_number_fields_from_the_query_string_are_numbers(wf):
    task = data(wf.get("/task/search", params={"$$LIMIT": 1}))[0]
    edited = data(wf.put(f"/task/{task['ID']}", params={"percentComplete": "100", "priority": "3",
                                                        "fields": "percentComplete,priority"}))
    assert (edited["percentComplete"], edited["priority"]) == (100, 3)
    hour = data(wf.post("/hour", params={"hours": "2.5", "taskID": task["ID"], "fields": "hours"}))
    assert hour["hours"] == 2.5
    # 100 > 50 as numbers (as text, "100" < "50").
    above = data(wf.get("/task/search", params={"percentComplete": "50", "percentComplete_Mod": "gt",
                                                "$$LIMIT": 2000}))
    assert task["ID"] in {t["ID"] for t in above}
    error(wf.put(f"/task/{task['ID']}", params={"priority": "high"}), 400)


def test_copy_with_copy_source_id(wf):
    project = _project(wf)
    copied = data(wf.post("/project", params={"copySourceID": project["ID"], "name": "Copied Project",
                                              "fields": "tasks,DE:Budget"}))
    assert copied["name"] == "Copied Project" and copied["ID"] != project["ID"]
    assert len(copied["tasks"]) == 10 and copied["DE:Budget"] == 10000


def test_edit_with_updates_json_is_sparse(wf):
    project = _project(wf)
    before = data(wf.get(f"/proj/{project['ID']}", params={"fields": "DE:Region,priority"}))
    edited = data(wf.put(f"/project/{project['ID']}", params={
        "updates": json.dumps({"name": "New Project Name", "status": "CUR"}), "fields": "DE:Region,priority,status"}))
    assert edited["name"] == "New Project Name" and edited["status"] == "CUR"
    assert (edited["DE:Region"], edited["priority"]) == (before["DE:Region"], before["priority"])


def test_method_override_on_get(wf):
    project = _project(wf)
    data(wf.get(f"/project/{project['ID']}", params={"method": "put", "updates": json.dumps({"name": "Via GET"})}))
    assert data(wf.get(f"/project/{project['ID']}"))["name"] == "Via GET"


def test_nested_assignment_update_replaces_the_collection(wf):
    task = data(wf.get("/task/search", params={"fields": "assignments", "$$LIMIT": 1}))[0]
    users = data(wf.get("/user/search", params={"$$LIMIT": 3}))
    role = data(wf.get("/role/search", params={"$$LIMIT": 1}))[0]
    old_ids = {a["ID"] for a in task["assignments"]}
    edited = data(wf.put(f"/task/{task['ID']}", params={"updates": json.dumps({"assignments": [
        {"assignedToID": users[2]["ID"], "assignmentPercent": 50.0}, {"roleID": role["ID"]}]}),
        "fields": "assignments:*"}))
    assignments = edited["assignments"]
    assert len(assignments) == 2 and not old_ids & {a["ID"] for a in assignments}
    assert {a.get("assignedToID") for a in assignments} == {users[2]["ID"], None}
    assert {a.get("roleID") for a in assignments} >= {role["ID"]}
    gone = next(iter(old_ids))
    error(wf.get(f"/assignment/{gone}"), 404)


def test_calculate_timeline_recomputes_project_dates(wf):
    project = _project(wf)
    tasks = data(wf.get("/task/search", params={"projectID": project["ID"], "$$LIMIT": 2000,
                                                "fields": "plannedStartDate,plannedCompletionDate"}))
    late = "2031-01-15T16:00:00:000-0700"  # tenant time (America/Denver in January), as answers carry it
    data(wf.put(f"/task/{tasks[0]['ID']}", params={"plannedCompletionDate": late}))
    data(wf.put(f"/project/{project['ID']}/calculateTimeline"))
    after = data(wf.get(f"/project/{project['ID']}"))
    assert after["plannedCompletionDate"] == late
    starts = data(wf.get("/task/search", params={"projectID": project["ID"], "plannedStartDate_Sort": "asc",
                                                 "fields": "plannedStartDate", "$$LIMIT": 1}))
    assert after["plannedStartDate"] == starts[0]["plannedStartDate"]
    data(wf.put(f"/project/{project['ID']}", params={"action": "calculateTimeline"}))


def test_move_task_to_another_project(wf):
    target = _project(wf, "Project C")
    task = _task(wf, fields="assignments:projectID,projectID")
    data(wf.put(f"/task/{task['ID']}/move", params={"projectID": target["ID"]}))
    moved = data(wf.get(f"/task/{task['ID']}", params={"fields": "projectID,assignments:projectID,project:name"}))
    assert moved["projectID"] == target["ID"] and moved["project"]["name"] == "Project C"
    assert all(a["projectID"] == target["ID"] for a in moved["assignments"])
    error(wf.put(f"/task/{task['ID']}/move"), 400)


def test_share_and_unsupported_actions(wf):
    project = _project(wf)
    user = data(wf.get("/user/search", params={"$$LIMIT": 1}))[0]
    data(wf.get(f"/project/{project['ID']}/share", params={"method": "put", "accessorID": user["ID"],
                                                          "accessorObjCode": "USER", "coreAction": "VIEW"}))
    rules = data(wf.get(f"/project/{project['ID']}", params={"fields": "accessRules:*"}))["accessRules"]
    assert any(r["accessorID"] == user["ID"] and r["coreAction"] == "VIEW" for r in rules)
    err = error(wf.put(f"/project/{project['ID']}/saveProjectAsTemplate"), 400)
    assert "not supported by the emulator" in err["message"]


def test_delete_and_force(wf):
    logged = {h["taskID"] for h in data(wf.get("/hour/search", params={"fields": "taskID", "$$LIMIT": 2000}))}
    task = next(t for t in data(wf.get("/task/search", params={"$$LIMIT": 2000})) if t["ID"] not in logged)
    assert data(wf.delete(f"/task/{task['ID']}")) == {"success": True}
    error(wf.get(f"/task/{task['ID']}"), 404)
    busy = next(iter(logged))
    assert data(wf.delete("/task", params={"id": busy, "force": "true"})) == {"success": True}
    error(wf.get(f"/task/{busy}"), 404)
    assert not data(wf.get("/hour/search", params={"taskID": busy}))


def test_bulk_create_and_update(wf):
    made = data(wf.put("/proj", params={"method": "POST", "updates": json.dumps(
        [{"name": "Test_Project_1"}, {"name": "Test_Project_2"}])}))
    assert [p["name"] for p in made] == ["Test_Project_1", "Test_Project_2"]
    edits = [{"ID": p["ID"], "name": p["name"] + "_Edit"} for p in made]
    edited = data(wf.put("/proj", params={"method": "PUT", "updates": json.dumps(edits)}))
    assert [p["name"] for p in edited] == ["Test_Project_1_Edit", "Test_Project_2_Edit"]
    assert all(p["objCode"] == "PROJ" for p in edited)


def test_bulk_atomic_answers_success_and_rolls_back(wf):
    ok = data(wf.post("/proj", params={"atomic": "true", "updates": json.dumps([{"name": "Atom1"}, {"name": "Atom2"}])}))
    assert ok == {"success": True}
    assert len(data(wf.get("/proj/search", params={"name": "Atom", "name_Mod": "contains", "$$LIMIT": 2000}))) == 2
    before = data(wf.get("/proj/count"))["count"]
    error(wf.post("/proj", params={"atomic": "true", "updates": json.dumps([{"name": "B1"}, {"nope": 1}])}), 400)
    assert data(wf.get("/proj/count"))["count"] == before


def test_bulk_over_100_refused(wf):
    err = error(wf.post("/proj", json=[{"name": f"P{n}"} for n in range(101)]), 400)
    assert "100" in err["message"]


def test_upload_then_document_from_handle(wf):
    project = _project(wf)
    handle = data(wf.post("/upload", files={"uploadedFile": ("spec.txt", b"hello", "text/plain")}))["handle"]
    assert isinstance(handle, str) and handle
    doc = data(wf.post("/document", params={"updates": json.dumps({
        "name": "spec.txt", "handle": handle, "docObjCode": "PROJ", "objID": project["ID"],
        "currentVersion": {"version": "v1.0", "fileName": "spec.txt"}})}))
    assert doc["objCode"] == "DOCU" and doc["name"] == "spec.txt"
    err = error(wf.post("/document", params={"updates": json.dumps({
        "name": "x", "handle": "0" * 32, "docObjCode": "PROJ", "objID": project["ID"]})}), 422)
    assert "handle" in err["message"]
