"""The sensors' poke and deferred paths give the same answer for the same emulator state."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest
from airflow.sdk import PokeReturnValue

from airflow_workfront.sensors.workfront import WorkfrontChangeSensor, WorkfrontJournalSensor
from airflow_workfront.triggers.workfront import WorkfrontSearchTrigger

pytestmark = pytest.mark.emulator


def _context(start: datetime | None = None) -> dict:
    return {"data_interval_start": start, "logical_date": start}


async def _trigger_answer(trigger: WorkfrontSearchTrigger) -> dict:
    return (await trigger.run().__anext__()).payload


def _both_paths(sensor, context):
    from airflow.sdk.exceptions import TaskDeferred

    poked = sensor.poke(context)
    sensor.deferrable = True
    try:
        value = sensor.execute(context)
    except TaskDeferred as deferred:
        event = asyncio.run(_trigger_answer(deferred.trigger))
        value = sensor.execute_complete(context, event)
        return poked, value, deferred
    return poked, value, None


def test_change_sensor_paths_agree_when_objects_changed(emulator_conn):
    sensor = WorkfrontChangeSensor(task_id="changed", obj_code="TASK", filters={"status": "NEW"}, max_results=5)
    context = _context(datetime(2000, 1, 1, tzinfo=timezone.utc))
    poked, value, deferred = _both_paths(sensor, context)
    assert isinstance(poked, PokeReturnValue) and poked.is_done
    assert deferred is None  # the first poke of execute() already succeeded
    assert value == poked.xcom_value and value["count"] == 5 and value["truncated"]


def test_nothing_changed_defers_and_the_trigger_fires_when_data_arrives(emulator_conn):
    emulator = emulator_conn
    now = emulator.control.clock_now()
    sensor = WorkfrontJournalSensor(task_id="journal", obj_code="OPTASK", field_name="status", new_value="CPL",
                                    since=now, poke_interval=0.2, timeout=30, deferrable=True)
    assert not sensor.poke({}).is_done
    from airflow.sdk.exceptions import TaskDeferred

    with pytest.raises(TaskDeferred) as deferred:
        sensor.execute({})
    assert deferred.value.method_name == "execute_complete"
    assert deferred.value.timeout.total_seconds() == 30
    issue = next(i for i in emulator.control.list_objects("OPTASK") if i["status"] != "CPL")

    async def scenario():
        task = asyncio.create_task(_trigger_answer(deferred.value.trigger))
        await asyncio.sleep(0.5)
        assert not task.done()  # still polling: nothing matches yet
        await asyncio.to_thread(emulator.control.advance_clock, 1)
        await asyncio.to_thread(emulator.control.edit_object, "OPTASK", issue["ID"], {"status": "CPL"})
        return await asyncio.wait_for(task, 20)

    event = asyncio.run(scenario())
    value = sensor.execute_complete({}, event)
    assert [e["objID"] for e in value["entries"]] == [issue["ID"]]
    poked = sensor.poke({})  # the poke path now sees exactly the same
    assert poked.is_done and poked.xcom_value == value


def test_trigger_errors_fail_the_task_like_the_poke_path(create_connection_without_db):
    create_connection_without_db("workfront_default", conn_type="workfront", host="http://127.0.0.1:9",
                                 password="k", extra={"max_retries": 0})
    sensor = WorkfrontChangeSensor(task_id="changed", obj_code="TASK", since="2026-01-01T00:00:00Z")
    from airflow_workfront.client.errors import WorkfrontTransportError

    with pytest.raises(WorkfrontTransportError):
        sensor.poke({})
    trigger = WorkfrontSearchTrigger("workfront_default", "change", sensor.build_query({}), 1)
    event = asyncio.run(_trigger_answer(trigger))
    assert event["status"] == "error" and "WorkfrontTransportError" in event["message"]
    from airflow_workfront.client.errors import WorkfrontError

    with pytest.raises(WorkfrontError, match="trigger failed"):
        sensor.execute_complete({}, event)
    # soft_fail skips a timeout, never a broken trigger (Airflow skips any AirflowException)
    sensor.soft_fail = True
    with pytest.raises(WorkfrontError, match="trigger failed"):
        sensor.resume_execution("execute_complete", {"event": event}, {})


def test_trigger_serializes_round_trip():
    trigger = WorkfrontSearchTrigger("wf", "journal", {"obj_code": "JRNLE", "sort": [["entryDate", "asc"]],
                                                       "filters": {}, "fields": ["ID"], "first": 0, "limit": 1}, 5)
    path, kwargs = trigger.serialize()
    assert path == "airflow_workfront.triggers.workfront.WorkfrontSearchTrigger"
    assert WorkfrontSearchTrigger(**kwargs).serialize() == (path, kwargs)


def test_sensor_needs_a_time_to_start_from():
    sensor = WorkfrontChangeSensor(task_id="changed", obj_code="TASK")
    with pytest.raises(ValueError, match="since"):
        sensor.build_query({})
