"""Errors answered the way Workfront answers them (fixtures/exception.json's body)."""

from __future__ import annotations

from emulator.wfhttp import error


def test_unknown_field_in_fields(wf):
    err = error(wf.get("/task/search", params={"fields": "notAField"}), 400)
    assert err["message"] == "APIModel V21_0 does not support field notAField (Task)"


def test_unknown_field_in_a_filter_and_a_write(wf):
    err = error(wf.get("/task/search", params={"bogus": "1"}), 400)
    assert err["message"] == "APIModel V21_0 does not support field bogus (Task)"
    project = wf.get("/proj/search", params={"$$LIMIT": 1}).json()["data"][0]
    err = error(wf.post("/task", params={"name": "x", "projectID": project["ID"], "bogus": "1"}), 400)
    assert "does not support field bogus" in err["message"]


def test_unknown_object_code(wf):
    err = error(wf.get("/NOPE/search"), 400)
    assert "NOPE" in err["message"]


def test_object_codes_and_names_in_any_case(wf):
    for name in ("task", "TASK", "Task", "tAsK"):
        assert wf.get(f"/{name}/count").json()["data"]["count"] == 60
    assert wf.get("/issue/count").json() == wf.get("/OPTASK/count").json()


def test_lowercase_mod_refused(wf):
    err = error(wf.get("/task/search", params={"name": "x", "name_mod": "contains"}), 400)
    assert err["class"] == "java.lang.IllegalArgumentException"


def test_unknown_id_is_404(wf):
    err = error(wf.get(f"/task/{'f' * 32}"), 404)
    assert err["class"] == "com.attask.common.NotFoundException"
    error(wf.put(f"/task/{'f' * 32}", params={"name": "x"}), 404)
    error(wf.delete(f"/task/{'f' * 32}"), 404)


def test_error_body_has_the_recorded_keys(wf):
    body = wf.get(f"/task/{'f' * 32}").json()
    assert set(body["error"]) >= {"class", "message", "title", "msgKey", "attributes", "code"}


def test_unknown_and_unemulated_actions_are_clear_errors(wf):
    task = wf.get("/task/search", params={"$$LIMIT": 1}).json()["data"][0]
    err = error(wf.put(f"/task/{task['ID']}/frobnicate"), 400)
    assert err["message"] == "frobnicate is not an action of Task"
    project = wf.get("/proj/search", params={"$$LIMIT": 1}).json()["data"][0]
    err = error(wf.put(f"/proj/{project['ID']}/setBudgetToSchedule"), 400)  # a Workfront action the emulator lacks
    assert err["message"].endswith("not supported by the emulator")
