"""An asset the metadata database knows, for receiver tests: a DAG scheduled on it, written there."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path


def scheduled_dag(dag_id: str, asset: str, folder: Path, unpaused: bool = False) -> str:
    """Write a DAG scheduled on ``asset`` to the metadata DB (so the asset row exists); with
    ``unpaused`` its asset events also queue runs. Returns the asset's name."""
    from airflow.dag_processing.bundles.manager import DagBundlesManager
    from airflow.dag_processing.dagbag import DagBag, sync_bag_to_db
    from airflow.models.dag import DagModel
    from airflow.sdk import DAG, Asset
    from airflow.utils.session import create_session
    from sqlalchemy import update

    DagBundlesManager().sync_bundles_to_db()
    bag = DagBag(dag_folder=str(folder))
    with DAG(dag_id, schedule=[Asset(asset)], start_date=datetime(2026, 1, 1)) as dag:
        pass
    bag.bag_dag(dag)
    sync_bag_to_db(bag, "dags-folder", None)
    if unpaused:
        with create_session() as session:
            session.execute(update(DagModel).where(DagModel.dag_id == dag_id).values(is_paused=False))
    return asset
