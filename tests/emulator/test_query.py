"""The query language as the sync uses it: keyset windows, numbered sorts, OR groups, method override."""

from __future__ import annotations

from datetime import datetime, timedelta

from emulator.wfhttp import data, error

ONE_MS = timedelta(milliseconds=1)


def _ms(value: str) -> datetime:
    return datetime.strptime(f"{value[:19]}.{value[20:23]}000{value[23:]}", "%Y-%m-%dT%H:%M:%S.%f%z")


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def test_keyset_pages_read_every_object_once_in_order(wf, emulator):
    emulator.control.reset("empty", seed_size=1500, random_seed=2)
    order = {"lastUpdateDate_1_Sort": "asc", "ID_2_Sort": "asc", "fields": "lastUpdateDate"}
    everything = data(wf.get("/task/search", params={**order, "$$LIMIT": 2000}))
    assert len(everything) == 1500
    start = _ms(everything[0]["lastUpdateDate"])
    end = _ms(everything[-1]["lastUpdateDate"]) + ONE_MS  # half-open [start, end)
    seen, cursor = [], None
    while True:
        if cursor is None:
            window = {"lastUpdateDate": _iso(start), "lastUpdateDate_Mod": "between",
                      "lastUpdateDate_Range": _iso(end - ONE_MS)}
        else:
            date = _ms(cursor["lastUpdateDate"])
            window = {"lastUpdateDate": _iso(date + ONE_MS), "lastUpdateDate_Mod": "between",
                      "lastUpdateDate_Range": _iso(end - ONE_MS),
                      "OR:1:lastUpdateDate": _iso(date), "OR:1:lastUpdateDate_Mod": "eq",
                      "OR:1:ID": cursor["ID"], "OR:1:ID_Mod": "gt"}
        page = data(wf.get("/task/search", params={**order, **window, "$$LIMIT": 200}))
        seen.extend(page)
        if len(page) < 200:
            break
        cursor = page[-1]
    assert [t["ID"] for t in seen] == [t["ID"] for t in everything]


def test_id_comparisons_are_lexicographic(wf):
    ids = sorted(t["ID"] for t in data(wf.get("/task/search", params={"$$LIMIT": 2000})))
    middle = ids[30]
    above = data(wf.get("/task/search", params={"ID": middle, "ID_Mod": "gt", "$$LIMIT": 2000, "ID_Sort": "asc"}))
    assert [t["ID"] for t in above] == ids[31:]


def test_between_is_inclusive_at_both_ends(wf):
    rows = data(wf.get("/task/search", params={"lastUpdateDate_1_Sort": "asc", "fields": "lastUpdateDate",
                                               "$$LIMIT": 2000}))
    lo, hi = rows[5]["lastUpdateDate"], rows[9]["lastUpdateDate"]
    inside = data(wf.get("/task/search", params={"lastUpdateDate": lo, "lastUpdateDate_Mod": "between",
                                                 "lastUpdateDate_Range": hi, "$$LIMIT": 2000}))
    assert {r["ID"] for r in inside} == {r["ID"] for r in rows if lo <= r["lastUpdateDate"] <= hi}
    error(wf.get("/task/search", params={"lastUpdateDate": lo, "lastUpdateDate_Mod": "between"}), 400)


def test_method_override_on_post_searches(wf):
    got = data(wf.post("/task/search", data={"method": "GET", "status": "CPL", "$$LIMIT": "2000"}))
    assert got and {t["status"] for t in got} == {"CPL"}
    assert len(got) == data(wf.get("/task/count", params={"status": "CPL"}))["count"]


def test_a_sort_or_grouping_without_a_field_is_a_clear_400(wf):
    assert "name_Sort" in error(wf.get("/task/search", params={"_Sort": "asc"}), 400)["message"]
    assert "status_GroupBy" in error(wf.get("/task/report", params={"_GroupBy": "true"}), 400)["message"]
