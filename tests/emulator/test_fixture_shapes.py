"""Every recorded fixture against the emulator's answer to the same call: same keys, same value types.

The fixtures come from a real Workfront (../shared/reference/fixtures/). Values differ (other
tenant, other data), so only the shape is compared: each key of the recording is present in the
answer, with a value of the same JSON type, and timestamps in the same textual format.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from emulator.wfhttp import data

FIXTURES = Path("/work/shared/reference/fixtures")
WF_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}:\d{3}[+-]\d{4}$")


def _kind(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "wf-time" if WF_TIME.match(value) else "str"
    return type(value).__name__


def assert_same_shape(expected, actual, where: str = "$") -> None:
    """Fail with the path of the first key or type that differs."""
    if expected is None:
        return
    assert actual is not None, f"{where}: recorded {expected!r}, the emulator answered null"
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected an object, got {actual!r}"
        missing = sorted(set(expected) - set(actual))
        assert not missing, f"{where}: keys missing from the emulator's answer: {missing}"
        for key, value in expected.items():
            assert_same_shape(value, actual[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list), f"{where}: expected a list, got {actual!r}"
        if expected:
            assert actual, f"{where}: the recording has items, the emulator's list is empty"
            for n, item in enumerate(actual):
                assert_same_shape(expected[0], item, f"{where}[{n}]")
    else:
        assert _kind(actual) == _kind(expected), f"{where}: recorded {expected!r}, got {actual!r}"


def fixture(name: str):
    return json.loads((FIXTURES / name).read_text())


def _project_id(wf) -> str:
    return data(wf.get("/proj/search", params={"name": "Project A"}))[0]["ID"]


def _done_project(wf) -> str:
    """A project with every task planned, so projected dates and progress exist."""
    return _project_id(wf)


def test_login(emulator, anon):
    answer = anon.post("/login", params={"username": "admin@example.com", "password": "password"})
    assert_same_shape(fixture("login.json"), answer.json())


def test_logout(emulator, anon):
    session = data(anon.post("/login", params={"username": "admin@example.com", "password": "password"}))["sessionID"]
    assert_same_shape(fixture("logout.json"), anon.get("/logout", headers={"sessionID": session}).json())


def test_search(wf):
    # The recording is /role/search with default fields.
    assert_same_shape(fixture("search.json"), wf.get("/role/search").json())


def test_get_and_get_multiple(wf):
    ids = [p["ID"] for p in data(wf.get("/proj/search", params={"$$LIMIT": 2}))]
    assert_same_shape(fixture("get.json"), wf.get(f"/proj/{ids[0]}").json())
    assert_same_shape(fixture("get_multiple.json"), wf.get("/proj", params={"id": ",".join(ids)}).json())


def test_create_and_copy(wf):
    created = wf.post("/task", params={"name": "test", "projectID": _project_id(wf)})
    assert_same_shape(fixture("create.json"), created.json())
    copied = wf.post("/task", params={"copySourceID": created.json()["data"]["ID"], "name": "aaa"})
    assert_same_shape(fixture("copy.json"), copied.json())


def test_bulk_seeded_tasks_have_the_recorded_shape(wf, emulator):
    """``--seed-size`` loads tasks and projects in bulk, without the create path: same shape all the same."""
    emulator.control.reset("empty", seed_size=50)
    recorded = fixture("create.json")["data"]
    for task in data(wf.get("/task/search", params={"$$LIMIT": 50})):
        assert_same_shape(recorded, task)
    for project in data(wf.get("/proj/search")):
        assert_same_shape(fixture("get.json")["data"], project)


def test_edit(wf):
    assert_same_shape(fixture("edit.json"), wf.put(f"/proj/{_project_id(wf)}", params={"name": "api test 2"}).json())


def test_count(wf):
    assert_same_shape(fixture("count.json"), wf.get("/task/count").json())


def test_report(wf):
    # The recording groups tasks by status and counts distinct IDs.
    answer = wf.get("/task/report", params={"status_1_GroupBy": "true", "ID_AggFunc": "dcount"}).json()
    recorded = fixture("report.json")
    one_group = next(iter(recorded["data"].values()))
    assert answer["data"], answer
    for group, values in answer["data"].items():
        assert_same_shape(one_group, values, f"$.data.{group}")
        assert values["status"] == group


def test_named_query_envelope(wf):
    # The recording is another named query (CSTEM values); compare the envelope: data is a list of objects.
    recorded = fixture("namedQuery.json")
    answer = wf.get("/work/myWork").json()
    assert set(answer) == set(recorded) == {"data"}
    assert isinstance(answer["data"], list) and all(isinstance(r, dict) and r["objCode"] for r in answer["data"])


def test_metadata(wf):
    recorded = fixture("metadata.json")
    answer = wf.get("/role/metadata").json()
    # Entries of fields/references/collections carry per-field extras (flags, possibleValues for
    # enums): compare each answered entry with the keys every recorded entry has.
    for group in ("fields", "references", "collections", "actions", "queries"):
        entries = recorded["data"].pop(group)
        # Which actions, queries and collections a type has is catalog data (the emulator's comes
        # from an older metadata dump and serves no userRoles); its fields and references must all be there.
        if group in ("fields", "references"):
            assert set(entries) <= set(answer["data"][group]), group
        if not entries:
            continue
        common = set.intersection(*(set(e) for e in entries.values()))
        # A key null in some recorded entry is nullable; otherwise its type must match.
        # Lists (flags, action arguments) are per-entry data: only their type is compared.
        template = {k: None if any(e[k] is None for e in entries.values()) else next(iter(entries.values()))[k]
                    for k in common}
        template = {k: [] if isinstance(v, list) else v for k, v in template.items()}
        for name, entry in answer["data"][group].items():
            assert_same_shape(template, entry, f"$.data.{group}.{name}")
    assert_same_shape(recorded, answer)


def test_upload(wf):
    answer = wf.post("/upload", files={"uploadedFile": ("a.txt", b"x")}).json()
    assert_same_shape(fixture("upload.json"), answer)
    assert re.fullmatch(r"[0-9a-f]{32}", answer["data"]["handle"])


def test_remove(wf):
    task = data(wf.post("/task", params={"name": "gone", "projectID": _project_id(wf)}))
    assert_same_shape(fixture("remove.json"), wf.delete(f"/task/{task['ID']}").json())


@pytest.mark.parametrize("recording", ["exception.json", "removeFailure.json"])
def test_error_bodies(anon, recording):
    answer = anon.post("/login", params={"username": "admin@example.com", "password": "wrong"})
    assert answer.status_code == 401
    assert_same_shape(fixture(recording), answer.json())
    assert answer.json()["error"]["class"] == "com.attask.common.AuthenticationException"


def test_shape_check_can_fail():
    """The comparison itself notices a missing key and a changed type."""
    with pytest.raises(AssertionError, match="missing"):
        assert_same_shape({"data": {"a": 1}}, {"data": {}})
    with pytest.raises(AssertionError, match="recorded"):
        assert_same_shape({"data": {"a": "2017-03-24T17:00:00:000+0400"}}, {"data": {"a": "2017-03-24"}})
