"""Timeouts and soft_fail behave the same on the poke path and the deferred path."""

from __future__ import annotations

import pytest

from airflow_workfront.sensors.workfront import WorkfrontJournalSensor

pytestmark = pytest.mark.emulator


def _sensor(**kwargs) -> WorkfrontJournalSensor:
    # Nothing matches: no issue ever gets this status.
    return WorkfrontJournalSensor(task_id="wait", obj_code="OPTASK", field_name="status", new_value="NEVER",
                                  since="2000-01-01T00:00:00Z", poke_interval=0.1, timeout=0.5, **kwargs)


@pytest.mark.parametrize("soft_fail", [False, True])
def test_timeout_on_both_paths(emulator_conn, soft_fail):
    from airflow.sdk.bases.operator import TRIGGER_FAIL_REPR, TriggerFailureReason
    from airflow.sdk.exceptions import AirflowSensorTimeout, AirflowSkipException, TaskDeferred

    expected = AirflowSkipException if soft_fail else AirflowSensorTimeout
    with pytest.raises(expected):  # poke path: the sensor's own timeout
        _sensor(soft_fail=soft_fail).execute({})
    deferring = _sensor(soft_fail=soft_fail, deferrable=True)
    with pytest.raises(TaskDeferred) as deferred:
        deferring.execute({})
    assert deferred.value.timeout.total_seconds() == 0.5
    with pytest.raises(expected):  # deferred path: Airflow resumes the task with a trigger timeout
        deferring.resume_execution(TRIGGER_FAIL_REPR, {"error": TriggerFailureReason.TRIGGER_TIMEOUT}, {})
