"""One tenant time zone, with DST, for the offsets in answers and for ``$$TODAY``."""

from __future__ import annotations

import httpx
import pytest

from airflow_workfront.emulator import timefmt
from airflow_workfront.emulator.testing import EmulatorServer
from emulator.wfhttp import data, error

HOUR_MS = 3_600_000


def stamp_at(wf, emulator, instant: str) -> tuple[str, str]:
    """Edit one task with the clock frozen at ``instant``: (its ID, its answered lastUpdateDate)."""
    emulator.control.set_clock(instant)
    task = data(wf.get("/task/search", params={"$$LIMIT": 1, "ID_Sort": "asc"}))[0]
    edited = data(wf.put(f"/task/{task['ID']}", params={"name": "stamped", "fields": "lastUpdateDate"}))
    return task["ID"], edited["lastUpdateDate"]


def test_answers_follow_daylight_saving_time(wf, emulator):
    assert stamp_at(wf, emulator, "2030-07-01T18:00:00Z")[1] == "2030-07-01T12:00:00:001-0600"  # MDT
    assert stamp_at(wf, emulator, "2030-01-15T18:00:00Z")[1] == "2030-01-15T11:00:00:001-0700"  # MST


def test_today_starts_at_the_tenants_midnight(wf, emulator):
    # 23:00 UTC on 9 July is 17:00 in Denver; at 05:00 UTC on 10 July it is still 9 July there.
    task_id, _ = stamp_at(wf, emulator, "2030-07-09T23:00:00Z")
    emulator.control.set_clock("2030-07-10T05:00:00Z")
    today = data(wf.get("/task/search", params={"lastUpdateDate": "$$TODAY", "lastUpdateDate_Mod": "gte",
                                                "fields": "ID"}))
    assert [t["ID"] for t in today] == [task_id]
    emulator.control.set_clock("2030-07-10T07:00:00Z")  # 01:00 on 10 July in Denver: a new day
    assert data(wf.get("/task/count", params={"lastUpdateDate": "$$TODAY", "lastUpdateDate_Mod": "gte"}))["count"] == 0


def test_days_count_on_the_tenants_calendar_across_a_dst_change():
    now = timefmt.parse_time("2030-03-09T19:00:00Z", 0)  # noon on 9 March in Denver; DST starts on the 10th
    with timefmt.using_zone(timefmt.tenant_zone("America/Denver")):
        today = timefmt.parse_time("$$TODAY", now)
        assert timefmt.format_wf(today) == "2030-03-09T00:00:00:000-0700"
        assert timefmt.parse_time("$$TODAY+2d", now) - today == 47 * HOUR_MS  # the 10th has 23 hours
        assert timefmt.format_wf(timefmt.parse_time("$$TODAY+2d", now)) == "2030-03-11T00:00:00:000-0600"
        assert timefmt.parse_time("$$NOW+24h", now) - now == 24 * HOUR_MS  # hours are elapsed time


def test_another_zone_for_answers_today_and_login(emulator):
    emulator.control.set_time_zone("Europe/Paris")
    emulator.control.set_clock("2030-07-09T22:30:00Z")  # 00:30 on 10 July in Paris
    emulator.control.reset("demo")
    with httpx.Client(base_url=f"{emulator.base_url}/attask/api/v21.0", headers={"apiKey": emulator.api_key}) as wf:
        task = data(wf.get("/task/search", params={"$$LIMIT": 1, "fields": "entryDate"}))[0]
        assert task["entryDate"].endswith("+0200")
        edited = data(wf.put(f"/task/{task['ID']}", params={"name": "paris", "fields": "lastUpdateDate"}))
        assert edited["lastUpdateDate"].startswith("2030-07-10T00:30:00:")
        today = data(wf.get("/task/search", params={"lastUpdateDate": "$$TODAY", "lastUpdateDate_Mod": "gte"}))
        assert [t["ID"] for t in today] == [task["ID"]]  # the seeded tasks were stamped before midnight in Paris
        login = data(wf.post("/login", params={"username": "admin@example.com", "password": "password"}))
        assert (login["timeZone"], login["timeZoneName"]) == ("Europe/Paris", "CEST")


def test_an_unknown_zone_is_refused_naming_it(emulator):
    with httpx.Client(base_url=f"{emulator.base_url}/_emulator") as http:
        refused = error(http.post("/time-zone", json={"time_zone": "Mars/Olympus"}), 400)
        assert "Mars/Olympus" in refused["message"]
        assert http.get("/time-zone").json() == {"time_zone": "America/Denver"}
    with pytest.raises(Exception, match="Mars/Olympus"):
        EmulatorServer(time_zone="Mars/Olympus").start()
