"""Recording a delivery keeps the asset's queued run dated no earlier than its latest event (plugins/recording.py).

Airflow dates a DAG's queued asset run by the first event since its last run and gives the run
only the events up to that date; events that come while the run waits (a DAG at
``max_active_runs=1``) would be in no run at all. The receiver moves the date to each new event.
"""

from __future__ import annotations

import pytest

from airflow_workfront.plugins.payload import parse_delivery
from airflow_workfront.plugins.receivers import Receiver
from airflow_workfront.plugins.recording import record_delivery
from tests.plugins.assets import scheduled_dag
from tests.plugins.deliveries import body, update_delivery

ASSET = "workfront_recording_test_asset"
DAG_ID = "recording_test_consumer"


@pytest.fixture(scope="module")
def receiver(airflow_db, tmp_path_factory):
    """A receiver whose asset an unpaused DAG is scheduled on (so its events queue runs)."""
    scheduled_dag(DAG_ID, ASSET, tmp_path_factory.mktemp("recording-dags"), unpaused=True)
    return Receiver("recording", "unused_conn", ASSET)


def queued() -> list[tuple]:
    from airflow.models.asset import AssetDagRunQueue, AssetEvent, AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import func, select

    with create_session() as session:
        asset_id = session.scalar(select(AssetModel.id).where(AssetModel.name == ASSET))
        latest = session.scalar(select(func.max(AssetEvent.timestamp)).where(AssetEvent.asset_id == asset_id))
        rows = session.execute(select(AssetDagRunQueue.target_dag_id, AssetDagRunQueue.created_at)
                               .where(AssetDagRunQueue.asset_id == asset_id)).all()
        return [(dag_id, created_at >= latest) for dag_id, created_at in rows]


def test_each_recorded_event_dates_the_queued_run_to_itself(receiver):
    for _ in range(3):
        assert not record_delivery(receiver, parse_delivery(body(update_delivery()))).duplicate
        assert queued() == [(DAG_ID, True)]


def test_a_duplicate_changes_nothing(receiver):
    payload = body(update_delivery())
    record_delivery(receiver, parse_delivery(payload))
    before = queued()
    assert record_delivery(receiver, parse_delivery(payload)).duplicate
    assert queued() == before == [(DAG_ID, True)]
