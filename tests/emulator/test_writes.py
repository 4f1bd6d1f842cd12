"""Writes as api-basics.md shows them: relaxed JSON, nested owned objects, access rules, custom data.

Whatever the docs show works; whatever the emulator cannot write is a clear error, never a 200.
"""

from __future__ import annotations

from emulator.wfhttp import data, error


def _project(wf, name="Project A"):
    return data(wf.get("/proj/search", params={"name": name}))[0]


def _user(wf, name="Grace Hopper"):
    return data(wf.get("/user/search", params={"name": name}))[0]


def test_relaxed_json_updates_from_the_docs(wf):
    project = _project(wf)
    edited = data(wf.put(f"/project/{project['ID']}", params={"updates": '{ name: "New Project Name", status: "CUR" }'}))
    assert (edited["name"], edited["status"]) == ("New Project Name", "CUR")
    edited = data(wf.put(f"/project/{project['ID']}", params={"updates": "{name: 'single quoted', priority: 3}"}))
    assert (edited["name"], edited["priority"]) == ("single quoted", 3)
    # The bulk example is printed with typographic quotes.
    created = data(wf.put("/proj", params={"updates": "[{\u201cname\u201d:\u201dTest_Project_1\u201d},"
                                                      "{\u201cname\u201d:\u201dTest_Project_2\u201d}]",
                                           "method": "POST"}))
    assert [p["name"] for p in created] == ["Test_Project_1", "Test_Project_2"]


def test_broken_updates_say_where(wf):
    project = _project(wf)
    err = error(wf.put(f"/project/{project['ID']}", params={"updates": '{ name: "x"'}), 400)
    assert "JSON parsing error" in err["message"] and "character" in err["message"]
    assert data(wf.get(f"/project/{project['ID']}"))["name"] == "Project A"


def test_queue_def_update_is_stored_and_replaced(wf):
    project = _project(wf)
    data(wf.put(f"/project/{project['ID']}", params={"updates": "{ queueDef: { isPublic: 1 } }"}))
    got = data(wf.get(f"/project/{project['ID']}", params={"fields": "queueDef:isPublic,queueDefID"}))
    assert got["queueDef"]["isPublic"] == 1
    first = got["queueDefID"]
    data(wf.put(f"/project/{project['ID']}", params={"updates": '{"queueDef": {"isPublic": 0}}'}))
    got = data(wf.get(f"/project/{project['ID']}", params={"fields": "queueDef:isPublic,queueDefID"}))
    # "The existing queue properties are replaced": a new queue definition, the old one gone.
    assert got["queueDef"]["isPublic"] == 0 and got["queueDefID"] != first
    queues = data(wf.get("/qued/search", params={"projectID": project["ID"], "fields": "isPublic"}))
    assert [q["isPublic"] for q in queues] == [0]


def test_access_rules_through_updates_replace_the_rules(wf):
    project, grace = _project(wf), _user(wf)
    team = data(wf.get("/team/search"))[0]
    # The docs' exact request: a GET with method=put and relaxed JSON.
    data(wf.get(f"/project/{project['ID']}", params={
        "method": "put",
        "updates": f"{{ accessRules: [ {{accessorID: '{grace['ID']}', accessorObjCode: 'USER', coreAction: 'VIEW'}} ] }}"}))
    rules = data(wf.get(f"/project/{project['ID']}", params={"fields": "accessRules:*"}))["accessRules"]
    assert [(r["accessorID"], r["accessorObjCode"], r["coreAction"]) for r in rules] == [(grace["ID"], "USER", "VIEW")]
    data(wf.put(f"/project/{project['ID']}", params={
        "method": "PUT", "updates": f"{{accessRules:[{{accessorID:'{team['ID']}',accessorObjCode:'TEAMOB',coreAction:'VIEW'}}]}}"}))
    rules = data(wf.get(f"/project/{project['ID']}", params={"fields": "accessRules:*"}))["accessRules"]
    assert [r["accessorObjCode"] for r in rules] == ["TEAMOB"]
    # share adds one accessor and keeps the others.
    data(wf.put(f"/project/{project['ID']}/share", params={"accessorID": grace["ID"], "accessorObjCode": "USER",
                                                          "coreAction": "EDIT"}))
    rules = data(wf.get(f"/project/{project['ID']}", params={"fields": "accessRules:*"}))["accessRules"]
    assert sorted(r["accessorObjCode"] for r in rules) == ["TEAMOB", "USER"]


def test_bad_access_rules_are_refused_and_change_nothing(wf):
    project = _project(wf)
    missing = "0" * 32
    err = error(wf.put(f"/project/{project['ID']}", params={
        "updates": f"{{name: 'renamed', accessRules: [{{accessorID: '{missing}', accessorObjCode: 'USER'}}]}}"}), 404)
    assert missing in err["message"]
    err = error(wf.put(f"/project/{project['ID']}", params={
        "updates": f"{{accessRules: [{{accessorID: '{_user(wf)['ID']}', coreAction: 'OWN'}}]}}"}), 400)
    assert "OWN" in err["message"]
    assert data(wf.get(f"/project/{project['ID']}"))["name"] == "Project A"


def test_document_from_the_docs_upload_example(wf):
    project = _project(wf)
    handle = data(wf.post("/upload", files={"uploadedFile": ("aFileName", b"hello")}))["handle"]
    document = data(wf.post("/document", params={"updates": (
        f"{{name: aFileName, handle: {handle}, docObjCode: PROJ, objID: {project['ID']}, "
        "currentVersion:{version:v1.0,fileName:aFileName}}")}))
    got = data(wf.get(f"/document/{document['ID']}", params={"fields": "currentVersion:version,currentVersion:fileName"}))
    assert got["currentVersion"]["version"] == "v1.0" and got["currentVersion"]["fileName"] == "aFileName"


def test_nested_objects_the_emulator_cannot_write_are_refused(wf):
    task = data(wf.get("/task/search", params={"$$LIMIT": 1}))[0]
    err = error(wf.put(f"/task/{task['ID']}", params={"updates": '{"project": {"name": "x"}}'}), 400)
    assert "project" in err["message"] and "not supported by the emulator" in err["message"]


def test_parameter_values_write_custom_data(wf):
    project = _project(wf)
    edited = data(wf.put(f"/project/{project['ID']}", params={
        "updates": '{"parameterValues": {"DE:Region": "LATAM", "DE:Budget": "99"}}', "fields": "parameterValues"}))
    assert edited["parameterValues"]["DE:Region"] == "LATAM" and edited["parameterValues"]["DE:Budget"] == 99
    err = error(wf.put(f"/project/{project['ID']}", params={"updates": '{"parameterValues": {"Region": "x"}}'}), 400)
    assert "DE:" in err["message"]


def test_copy_options_the_emulator_cannot_honour_are_refused(wf):
    project = _project(wf)
    before = data(wf.get("/proj/count"))["count"]
    err = error(wf.post("/project", params={"copySourceID": project["ID"], "name": "copy",
                                            "options": '["clearProgress"]'}), 400)
    assert "clearProgress" in err["message"] and "not supported by the emulator" in err["message"]
    assert data(wf.get("/proj/count"))["count"] == before
    assert data(wf.post("/project", params={"copySourceID": project["ID"], "name": "copy", "options": "[]"}))
