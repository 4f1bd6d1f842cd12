"""Turn a checked delivery into an Airflow asset event, at most once, in the metadata database.

The API server owns the metadata database, so the receiver records the event the way Airflow's
own ``POST /api/v2/assets/events`` does: through ``asset_manager.register_asset_change``, which
writes the event, queues the DAG runs scheduled on the asset and notifies listeners.

Workfront delivers at least once and retries for about 48 hours, to whichever API-server worker
its request lands on. Each delivery's ID is therefore claimed in the asset's state store (a row
keyed ``(asset_id, "workfront_delivery:<sha256>")``) in the same transaction as the event: the
primary key lets only one worker or retry win, and a failed transaction claims nothing. Claims
older than ``dedup_hours`` are deleted now and then.

In the same transaction, the asset's queued-run rows (``asset_dag_run_queue``, one per DAG
scheduled on the asset) are dated to the new event, see :func:`keep_queue_current`.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from airflow_workfront.plugins.payload import Delivery
    from airflow_workfront.plugins.receivers import Receiver

log = logging.getLogger(__name__)

CLAIM_PREFIX = "workfront_delivery:"
PRUNE_EVERY_SECONDS = 600.0


class AssetNotFound(LookupError):
    """No asset with the receiver's name or URI is known to Airflow (no DAG uses it yet)."""


@dataclass(frozen=True)
class Recorded:
    """What happened to one delivery: a new asset event (its ID) or a duplicate (``None``)."""

    asset_event_id: int | None

    @property
    def duplicate(self) -> bool:
        return self.asset_event_id is None


def claim_key(delivery: Delivery) -> str:
    """The state-store key that marks a delivery as recorded."""
    return CLAIM_PREFIX + delivery.delivery_id


def find_asset(session: Session, name_or_uri: str):
    """The asset's row, by name first and then by URI."""
    from airflow.models.asset import AssetModel
    from sqlalchemy import select

    for column in (AssetModel.name, AssetModel.uri):
        model = session.scalar(select(AssetModel).where(column == name_or_uri).order_by(AssetModel.id).limit(1))
        if model is not None:
            return model
    raise AssetNotFound(name_or_uri)


def record_delivery(receiver: Receiver, delivery: Delivery) -> Recorded:
    """Claim the delivery and record its asset event in one transaction; a claimed one is skipped."""
    from airflow.assets.manager import asset_manager
    from airflow.models.asset_state_store import AssetStateStoreModel
    from airflow.utils.session import create_session
    from sqlalchemy.exc import IntegrityError

    now = datetime.now(timezone.utc)
    with create_session(scoped=False) as session:
        asset = find_asset(session, receiver.asset)
        session.add(AssetStateStoreModel(
            asset_id=asset.id, key=claim_key(delivery), updated_at=now,
            value=json.dumps({"receiver": receiver.name, "event_time": delivery.event_time.isoformat()}),
        ))
        try:
            session.flush()
        except IntegrityError:
            session.rollback()
            return Recorded(None)
        event = asset_manager.register_asset_change(
            asset=asset, extra=delivery.asset_event_extra(receiver.name), source_is_api=True,
            api_user_teams=set(), session=session,
        )
        if event is None:  # the asset vanished between the lookup and the write
            session.rollback()
            raise AssetNotFound(receiver.asset)
        keep_queue_current(session, asset.id, event.timestamp)
        event_id = event.id
    return Recorded(event_id)


def keep_queue_current(session: Session, asset_id: int, event_time: datetime) -> int:
    """Date the asset's queued-run rows to ``event_time`` when they are older; returns how many.

    Airflow queues one row per DAG and asset, dated by the *first* event since the DAG's last
    asset-triggered run, and a new run takes only the events up to that date. Events that arrive
    while the row waits (a DAG at ``max_active_runs``, or a scheduler loop away) would then start
    no run and be in none: at the end of a burst, their changes would wait for the next event or
    the timetable. Dated to the latest event instead, the row starts a run that takes them all.
    """
    from airflow.models.asset import AssetDagRunQueue
    from sqlalchemy import update

    result = session.execute(
        update(AssetDagRunQueue)
        .where(AssetDagRunQueue.asset_id == asset_id, AssetDagRunQueue.created_at < event_time)
        .values(created_at=event_time)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


class ClaimPruner:
    """Deletes claims older than the retry window, at most once per interval per process."""

    def __init__(self, dedup_hours: float, every_seconds: float = PRUNE_EVERY_SECONDS) -> None:
        self.dedup_hours, self.every_seconds = dedup_hours, every_seconds
        self._last = 0.0
        self._lock = threading.Lock()

    def due(self) -> bool:
        with self._lock:
            if time.monotonic() - self._last < self.every_seconds and self._last:
                return False
            self._last = time.monotonic()
            return True

    def prune(self, asset_name_or_uri: str) -> int:
        """Delete this asset's old claims now; returns how many."""
        from airflow.models.asset_state_store import AssetStateStoreModel
        from airflow.utils.session import create_session
        from sqlalchemy import delete

        cutoff = datetime.now(timezone.utc) - timedelta(hours=self.dedup_hours)
        with create_session(scoped=False) as session:
            asset = find_asset(session, asset_name_or_uri)
            result = session.execute(
                delete(AssetStateStoreModel)
                .where(AssetStateStoreModel.asset_id == asset.id,
                       AssetStateStoreModel.key.startswith(CLAIM_PREFIX, autoescape=True),
                       AssetStateStoreModel.updated_at < cutoff)
                .execution_options(synchronize_session=False)
            )
            return int(getattr(result, "rowcount", 0) or 0)
