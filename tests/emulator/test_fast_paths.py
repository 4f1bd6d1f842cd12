"""The emulator's fast paths answer exactly what a plain scan would, and see every write at once.

Searches filtered only on ``ID`` (the sync's ID reconciliation: ``ID_Mod=gt&ID_Sort=asc``) are
answered from a sorted list of each type's IDs that is kept until an object is created or
deleted; a page's rows are built from a template per page; filters are compiled once per query;
and a JSON answer tells the cost model its rows instead of having its body parsed again. These
tests compare each with a scan written here, and check that a create, an edit, a custom-field
change and a delete show in the very next answer.
"""

from __future__ import annotations

import asyncio
import json
import random

import pytest
from starlette.responses import Response

from airflow_workfront.emulator import cost
from airflow_workfront.emulator.app import Emulator, EmulatorConfig
from airflow_workfront.emulator.catalog import resolve
from airflow_workfront.emulator.errors import ApiError
from airflow_workfront.emulator.query import parse_query
from airflow_workfront.emulator.responses import encode, json_response
from emulator.wfhttp import data, error

TASK = resolve("TASK")
_TESTS = {"gt": lambda i, v: i > v[0], "gte": lambda i, v: i >= v[0], "lt": lambda i, v: i < v[0],
          "lte": lambda i, v: i <= v[0], "eq": lambda i, v: i in v, "in": lambda i, v: i in v,
          "ne": lambda i, v: i not in v, "notin": lambda i, v: i not in v}


@pytest.fixture(scope="module")
def tenant():
    return Emulator(EmulatorConfig(seed="empty", seed_size=500, clock="2026-03-02T10:00:00Z"))


def _id_alternative(rng: random.Random, ids: list[str]) -> tuple[list[tuple[str, str]], callable]:
    mod = rng.choice(sorted(_TESTS))
    values = rng.sample(ids, rng.randint(1, 3)) if mod in ("eq", "in", "ne", "notin") else [rng.choice(ids)]
    if rng.random() < 0.2:  # an ID no object has, between two that exist
        values[0] = values[0][:-1] + ("0" if values[0][-1] != "0" else "1")
    pairs = [("ID", v) for v in values] + [("ID_Mod", mod)]
    return pairs, lambda i: _TESTS[mod](i, values)


@pytest.mark.parametrize("seed", range(40))
def test_id_filters_match_a_scan(tenant, seed):
    rng = random.Random(seed)
    store = tenant.store
    ids = list(store.objects["TASK"])
    pairs, predicates = [], []
    for n in range(rng.randint(1, 3)):
        alt, predicate = _id_alternative(rng, ids)
        pairs += [(f"OR:{n}:{k}" if n else k, v) for k, v in alt]
        predicates.append(predicate)
    sorted_by_id = seed % 3 != 0
    first, limit = rng.randint(0, 30), rng.randint(1, 600)
    pairs += [("$$FIRST", str(first)), ("$$LIMIT", str(limit)), ("fields", "ID")]
    if sorted_by_id:
        pairs.append(("ID_Sort", "asc"))
    order = sorted(ids) if sorted_by_id else ids  # no sort: the store's order, as a scan reads it
    expected = [i for i in order if any(p(i) for p in predicates)]

    query = parse_query(TASK, pairs)
    evaluator = tenant.api.evaluator
    assert evaluator.count(TASK, query) == len(expected)
    assert [r["ID"] for r in evaluator.page(TASK, query)] == expected[first:first + limit]


def test_the_sorted_ids_follow_creates_deletes_and_undone_writes(tenant):
    store, evaluator = tenant.store, tenant.api.evaluator
    project_id = next(iter(store.objects["PROJ"]))

    def ids_after(low: str) -> list[str]:
        query = parse_query(TASK, [("ID", low), ("ID_Mod", "gt"), ("ID_Sort", "asc"), ("$$LIMIT", "2000")])
        return [r["ID"] for r in evaluator.page(TASK, query)]

    before = ids_after("0")
    assert before == sorted(store.objects["TASK"])
    created = store.create(TASK, {"name": "new", "projectID": project_id}, object_id="0" * 31 + "5")
    assert ids_after("0") == sorted([*before, created["ID"]])
    store.update(TASK, created["ID"], {"name": "renamed"})  # an edit keeps the IDs
    assert ids_after("0") == sorted([*before, created["ID"]])
    store.delete(TASK, created["ID"])
    assert ids_after("0") == before
    with pytest.raises(ApiError), store.transaction():  # an atomic write undone takes its ID back out
        store.create(TASK, {"name": "gone", "projectID": project_id}, object_id="0" * 31 + "6")
        raise ApiError(422, "x", "undo")
    assert ids_after("0") == before
    victim = before[len(before) // 2]
    with pytest.raises(ApiError), store.transaction():  # ... and a delete undone puts it back
        store.delete(TASK, victim)
        raise ApiError(422, "x", "undo")
    assert ids_after("0") == before


def test_id_pages_over_http_see_a_create_and_a_delete_at_once(wf):
    project = data(wf.get("/proj/search", params={"$$LIMIT": 1}))[0]

    def every_id() -> list[str]:
        found, last = [], None
        while True:
            params = {"fields": "ID", "ID_Sort": "asc", "$$LIMIT": 3, **({"ID": last, "ID_Mod": "gt"} if last else {})}
            page = data(wf.get("/task/search", params=params))
            found += [row["ID"] for row in page]
            if len(page) < 3:
                return found
            last = page[-1]["ID"]

    before = every_id()
    assert before == sorted(before) and data(wf.get("/task/count"))["count"] == len(before)
    created = data(wf.post("/task", params={"name": "fresh", "projectID": project["ID"]}))
    assert every_id() == sorted([*before, created["ID"]])
    assert data(wf.get("/task/count"))["count"] == len(before) + 1
    wf.delete(f"/task/{created['ID']}")
    assert every_id() == before
    assert data(wf.get("/task/count"))["count"] == len(before)


def test_a_page_shows_an_edit_a_custom_field_and_a_renamed_reference_at_once(wf):
    fields = "ID,name,status,DE:Effort,project:name,parent:ID,lastUpdateDate"
    params = {"fields": fields, "ID_Sort": "asc", "$$LIMIT": 2000}
    task = data(wf.get("/task/search", params=params))[0]
    wf.put(f"/task/{task['ID']}", params={"updates": json.dumps({"status": "CPL", "DE:Effort": "Large"})})
    wf.put(f"/proj/{task['projectID'] if 'projectID' in task else _project_of(wf, task['ID'])}",
           params={"name": "Renamed project"})
    again = next(r for r in data(wf.get("/task/search", params=params)) if r["ID"] == task["ID"])
    assert again["status"] == "CPL" and again["DE:Effort"] == "Large"
    assert again["project"]["name"] == "Renamed project"
    assert list(again) == list(task)  # the same fields in the same order


def _project_of(wf, task_id: str) -> str:
    return data(wf.get(f"/task/{task_id}", params={"fields": "projectID"}))["projectID"]


def test_a_bad_filter_value_still_fails_the_search(wf):
    answer = wf.get("/task/search", params={"priority": "abc", "priority_Mod": "gt"})
    assert error(answer, 400)["message"] == "priority: 'abc' is not a number"
    answer = wf.get("/task/search", params={"plannedStartDate": "not a date"})
    assert error(answer, 400)["message"] == "plannedStartDate: 'not a date' is not a valid value"


@pytest.mark.parametrize("payload", [
    {"data": []}, {"data": [{"ID": "a"}, {"ID": "b", "tasks": [{"ID": "c"}]}]}, {"data": ({"ID": "a"},)},
    {"data": {"ID": "a"}}, {"data": {"a": {"ID": "a"}, "b": {"ID": "b"}}}, {"data": {"CPL": {"dcount_ID": 1}}},
    {"data": {}}, {"data": {"count": 3}}, {"data": None}, {"data": 5}, {"data": "x"},
    {"error": {"class": "x", "message": "y"}}, [], [{"ID": "a"}], {"ok": True}, "text",
])
def test_an_answer_counts_its_rows_as_its_body_would(payload):
    assert cost.rows_of(payload) == cost.rows_in(encode(payload))


def test_a_map_with_keys_that_are_not_text_is_counted_from_its_body():
    assert cost.rows_of({"data": {1: {"ID": "a"}, "1": {"ID": "b"}}}) is None


def _run(app) -> list[dict]:
    """The messages ``app`` sends through the cost model (a row costs a microsecond)."""
    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = {"type": "http", "method": "GET", "path": "/", "headers": []}
    asyncio.run(cost.send_when_due(cost.CostModel(0, 0.001), 0.0, app, scope, receive, send))
    return sent


def test_the_cost_model_takes_a_json_answers_own_count(monkeypatch):
    parsed: list[bytes] = []
    monkeypatch.setattr(cost, "rows_in", lambda body: parsed.append(body) or 0)
    seen: list[int] = []

    async def app(scope, receive, send):
        await json_response({"data": [{"ID": "a"}, {"ID": "b"}]})(scope, receive, send)
        seen.extend(scope[cost.ROWS_KEY])

    sent = _run(app)
    assert seen == [2] and parsed == []  # counted without parsing the body
    assert json.loads(b"".join(m.get("body", b"") for m in sent))["data"][1]["ID"] == "b"

    async def plain(scope, receive, send):  # anything else is still counted from its body
        await Response(b'{"data": [1, 2, 3]}', media_type="application/json")(scope, receive, send)

    _run(plain)
    assert parsed == [b'{"data": [1, 2, 3]}']
