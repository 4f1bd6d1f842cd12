"""A sensor closes its hook's client when execute ends: done, timed out, or deferred."""

from __future__ import annotations

from unittest import mock

import pytest

from airflow_workfront.sensors.workfront import WorkfrontChangeSensor


def _sensor(client: mock.Mock, **kwargs) -> WorkfrontChangeSensor:
    sensor = WorkfrontChangeSensor(task_id="wait", obj_code="TASK", since="2026-01-01T00:00:00Z",
                                   poke_interval=0.01, timeout=0.05, **kwargs)
    sensor.hook._client = client  # the client get_conn made (no connection is read)
    return sensor


def _answering(rows: list[dict]) -> mock.Mock:
    client = mock.Mock()
    client.search_page.return_value = rows
    return client


@pytest.mark.parametrize("deferrable", [False, True])
def test_closed_after_a_change_is_found(deferrable):
    client = _answering([{"ID": "t1", "lastUpdateDate": "2026-01-02T00:00:00.000+0000"}])
    sensor = _sensor(client, deferrable=deferrable)
    assert sensor.execute({})["ids"] == ["t1"]
    client.close.assert_called_once_with()
    assert sensor.hook._client is None


def test_closed_when_the_wait_times_out():
    from airflow.sdk.exceptions import AirflowSensorTimeout

    client = _answering([])
    with pytest.raises(AirflowSensorTimeout):
        _sensor(client).execute({})
    assert client.search_page.call_count >= 2 and client.close.call_count == 1  # one client for every poke


def test_closed_before_deferring_the_triggerer_opens_its_own():
    from airflow.sdk.exceptions import TaskDeferred

    client = _answering([])
    with pytest.raises(TaskDeferred):
        _sensor(client, deferrable=True).execute({})
    client.close.assert_called_once_with()


def test_closed_when_workfront_fails():
    client = mock.Mock()
    client.search_page.side_effect = RuntimeError("Workfront said no")
    with pytest.raises(RuntimeError, match="Workfront said no"):
        _sensor(client).execute({})
    client.close.assert_called_once_with()
