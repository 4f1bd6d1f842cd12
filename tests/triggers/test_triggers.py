"""WorkfrontChangeEventTrigger keeps its watermark in the asset state store and resumes from it."""

from __future__ import annotations

import asyncio

import pytest

from airflow_workfront.triggers.workfront import WorkfrontChangeEventTrigger

pytestmark = pytest.mark.emulator


class MemoryStateStore:
    """The two methods of Airflow's asset state store accessor the trigger uses."""

    def __init__(self) -> None:
        self.values: dict = {}

    async def aget(self, key, default=None):
        return self.values.get(key, default)

    async def aset(self, key, value) -> None:
        self.values[key] = value


def _poll(trigger: WorkfrontChangeEventTrigger):
    from airflow_workfront.hooks.workfront import WorkfrontHook

    async def once():
        async with await WorkfrontHook().aget_conn() as client:
            return await trigger.poll_once(client)

    return asyncio.run(once())


def test_a_restarted_trigger_resumes_from_the_stored_watermark(emulator_conn):
    store = MemoryStateStore()
    first = WorkfrontChangeEventTrigger(obj_code="PROJ", start_from="2000-01-01T00:00:00Z")
    first.asset_state_store = store
    event = _poll(first)
    assert event["count"] == 6
    assert store.values[WorkfrontChangeEventTrigger.WATERMARK_KEY][1] == event["ids"][-1]

    restarted = WorkfrontChangeEventTrigger(**first.serialize()[1])  # e.g. after a triggerer restart
    restarted.asset_state_store = store
    assert _poll(restarted) is None  # the same changes are not reported again
    project = emulator_conn.control.list_objects("PROJ")[0]
    emulator_conn.control.advance_clock(1)
    emulator_conn.control.edit_object("PROJ", project["ID"], {"name": "renamed"})
    assert _poll(restarted)["ids"] == [project["ID"]]


def test_serialize_round_trip():
    trigger = WorkfrontChangeEventTrigger("wf", "TASK", {"status": "CUR"}, 30, "2026-01-01T00:00:00Z", 50)
    path, kwargs = trigger.serialize()
    assert path == "airflow_workfront.triggers.workfront.WorkfrontChangeEventTrigger"
    assert WorkfrontChangeEventTrigger(**kwargs).serialize() == (path, kwargs)
