"""Result order: with shuffling on, only what a sort fixes stays fixed (Workfront promises no more)."""

from __future__ import annotations

import itertools

import pytest

from emulator.wfhttp import data, error


def ids(wf, **params) -> list[str]:
    return [row["ID"] for row in data(wf.get("/task/search", params={"$$LIMIT": 2000, **params}))]


@pytest.fixture
def shuffled(emulator):
    emulator.control.set_order(7)
    yield emulator
    emulator.control.set_order(None)


def test_unsorted_searches_come_in_a_fresh_order_each_time(wf, shuffled):
    orders = [ids(wf) for _ in range(3)]
    assert len({tuple(o) for o in orders}) == 3
    assert all(sorted(o) == sorted(orders[0]) for o in orders)
    assert orders[0] != sorted(orders[0])


def test_unsorted_filtered_searches_on_the_date_index_are_shuffled_too(wf, shuffled):
    window = {"lastUpdateDate": "$$NOW-2h", "lastUpdateDate_Mod": "gte"}
    first, second = ids(wf, **window), ids(wf, **window)
    assert len(first) == 60 and first != second and set(first) == set(second)


def test_offset_paging_without_a_sort_loses_and_repeats_records(wf, shuffled):
    pages = [ids(wf, **{"$$FIRST": start, "$$LIMIT": 20}) for start in (0, 20, 40)]
    seen = list(itertools.chain(*pages))
    assert len(seen) == 60 and len(set(seen)) < 60  # why clients must sort when paging


def test_ties_within_a_sort_are_shuffled_but_the_sort_holds(wf, shuffled):
    def by_status():
        return data(wf.get("/task/search", params={"$$LIMIT": 2000, "fields": "status", "status_Sort": "asc"}))

    first, second = by_status(), by_status()
    for rows in (first, second):
        statuses = [r["status"] for r in rows]
        assert statuses == sorted(statuses)
    assert [r["ID"] for r in first] != [r["ID"] for r in second]


def test_a_sort_ending_in_id_is_total_and_never_shuffled(wf, shuffled):
    params = {"status_Sort": "asc", "ID_Sort": "asc"}
    assert ids(wf, **params) == ids(wf, **params)
    keyset = {"lastUpdateDate_1_Sort": "asc", "ID_2_Sort": "asc", "$$LIMIT": 25, "$$FIRST": 10}
    everything = ids(wf, lastUpdateDate_1_Sort="asc", ID_2_Sort="asc")
    assert ids(wf, **keyset) == everything[10:35]


def test_the_same_seed_gives_the_same_orders(wf, emulator):
    emulator.control.set_order(11)
    run = [ids(wf), ids(wf, priority_Sort="desc")]
    emulator.control.set_order(11)
    assert [ids(wf), ids(wf, priority_Sort="desc")] == run
    emulator.control.set_order(None)


def test_without_shuffling_the_store_order_is_kept(wf, emulator):
    emulator.control.set_order(None)
    assert ids(wf) == ids(wf)


def test_the_control_route_reports_and_validates_the_seed(emulator):
    import httpx

    with httpx.Client(base_url=f"{emulator.base_url}/_emulator") as http:
        assert http.post("/order", json={"shuffle_seed": 3}).json() == {"shuffle_seed": 3}
        assert http.get("/order").json() == {"shuffle_seed": 3}
        assert "shuffle_seed" in error(http.post("/order", json={"shuffle_seed": "x"}), 400)["message"]
        assert http.post("/order", json={"shuffle_seed": None}).json() == {"shuffle_seed": None}


def test_counts_do_not_depend_on_the_order(wf, shuffled):
    assert data(wf.get("/task/count", params={"status": "NEW"}))["count"] == len(ids(wf, status="NEW"))


def test_nested_collections_come_in_no_promised_order(wf, shuffled):
    def tasks_of_projects():
        rows = data(wf.get("/project/search", params={"fields": "tasks", "ID_Sort": "asc"}))
        return [[t["ID"] for t in p["tasks"]] for p in rows]

    first, second = tasks_of_projects(), tasks_of_projects()
    assert [sorted(ids) for ids in first] == [sorted(ids) for ids in second]
    assert first != second
