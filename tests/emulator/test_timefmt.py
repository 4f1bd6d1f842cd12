"""Timestamps: answered as ``YYYY-MM-DDTHH:MM:SS:mmm-0700`` (the tenant's offset at that instant);
accepted as ISO, Workfront's colon form and ``$$TODAY``/``$$NOW`` wildcards in filters."""

from __future__ import annotations

import re

from emulator.wfhttp import data, error

WF_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}:\d{3}-0[67]00$")  # America/Denver, with DST


def test_answers_use_workfronts_format(wf):
    task = data(wf.get("/task/search", params={"$$LIMIT": 1, "fields": "entryDate,lastUpdateDate,plannedStartDate,plannedCompletionDate"}))[0]
    for name in ("entryDate", "lastUpdateDate", "plannedStartDate", "plannedCompletionDate"):
        assert WF_TIME.match(task[name]), (name, task[name])


def test_writes_are_stamped_with_the_clock_in_tenant_time(wf, emulator):
    emulator.control.set_clock("2030-03-04T05:06:07.089Z")
    task = data(wf.get("/task/search", params={"$$LIMIT": 1}))[0]
    edited = data(wf.put(f"/task/{task['ID']}", params={"name": "clocked", "fields": "lastUpdateDate"}))
    # 05:06:07.089 UTC is 22:06:07.089 the day before in Denver (-07:00 until DST on 10 March 2030);
    # the frozen clock ticks 1 ms per write.
    assert edited["lastUpdateDate"] in ("2030-03-03T22:06:07:089-0700", "2030-03-03T22:06:07:090-0700")


def test_filters_accept_iso_colon_and_offset_forms(wf, emulator):
    emulator.control.set_clock("2030-03-04T05:06:07.000Z")
    task = data(wf.get("/task/search", params={"$$LIMIT": 1}))[0]
    stamp = data(wf.put(f"/task/{task['ID']}", params={"name": "x", "fields": "lastUpdateDate"}))["lastUpdateDate"]
    assert stamp == "2030-03-03T22:06:07:001-0700"  # the frozen clock ticked once, for this write
    for same_instant in (stamp, "2030-03-04T05:06:07.001Z", "2030-03-04T05:06:07.001+00:00",
                         "2030-03-04T07:06:07.001+0200"):
        hits = data(wf.get("/task/search", params={"lastUpdateDate": same_instant}))
        assert [h["ID"] for h in hits] == [task["ID"]], same_instant
    later = data(wf.get("/task/search", params={"lastUpdateDate": "2030-03-04T05:06:07Z",
                                                "lastUpdateDate_Mod": "gte"}))
    assert [h["ID"] for h in later] == [task["ID"]]
    error(wf.get("/task/search", params={"lastUpdateDate": "yesterday-ish"}), 400)


def test_today_wildcard(wf, emulator):
    emulator.control.set_clock("2030-03-04T15:00:00Z")
    task = data(wf.get("/task/search", params={"$$LIMIT": 1}))[0]
    data(wf.put(f"/task/{task['ID']}", params={"name": "today"}))
    today = data(wf.get("/task/search", params={"lastUpdateDate": "$$TODAY", "lastUpdateDate_Mod": "gte"}))
    assert [t["ID"] for t in today] == [task["ID"]]
    week = data(wf.get("/task/count", params={"lastUpdateDate": "$$TODAY-7d", "lastUpdateDate_Mod": "gte"}))
    assert week["count"] >= 1
    tomorrow = data(wf.get("/task/count", params={"lastUpdateDate": "$$TODAY+1d", "lastUpdateDate_Mod": "gte"}))
    assert tomorrow["count"] == 0
