"""Your whole Workfront in your warehouse, fresh within seconds: the mirror run by Workfront events.

The same ``WorkfrontMirror`` as ``example_workfront_mirror.py``, on two schedules at once
(``AssetOrTimeSchedule``):

- **Events.** Workfront delivers each change to the API server's event receiver
  (``/workfront/events/mirror``), which records an asset event on ``workfront_mirror_changes``
  naming the object type. A run started by such events syncs only the types they name, each from
  where its table's last run ended up to Workfront's clock; every other task skips without a
  request. With ``max_active_runs=1`` the events that arrive during a run start the next one, so a
  burst of changes makes a few runs, not one per change.
- **The hourly timetable.** Each hour a run syncs every type, whatever the events did: a delivery
  Workfront gave up on, an object type Workfront sends no events for (teams, groups, job roles,
  journal entries, custom forms...), a receiver that was down. After it, every table is exact.

The API server needs the receiver (docs/event-receiver.md)::

    AIRFLOW__WORKFRONT_EVENTS__RECEIVERS='{"mirror": {"asset": "workfront_mirror_changes"}}'
    AIRFLOW_CONN_WORKFRONT_EVENTS_MIRROR='{"conn_type": "generic", "password": "<a long random token>"}'

and Workfront needs a subscription per object type that sends events, to
``https://<your airflow>/workfront/events/mirror`` (docs/event-receiver.md, "From an hourly mirror
to a mirror fresh within seconds").

Settings, through environment variables of the scheduler and workers:

- ``WORKFRONT_CONN_ID`` (``workfront_default``) and ``WORKFRONT_WAREHOUSE_CONN_ID``
  (``workfront_warehouse``): the tenant and the warehouse, as in ``example_workfront_mirror.py``;
- ``WORKFRONT_MIRROR_OBJECTS``: comma-separated object codes to copy (default: all 21 types);
- ``WORKFRONT_MIRROR_CRON``: the timetable that makes every table exact (default ``@hourly``).
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

from airflow.sdk import DAG, Asset, AssetOrTimeSchedule, CronDataIntervalTimetable

from airflow_workfront.mirror import WorkfrontMirror

WORKFRONT_CONN_ID = os.environ.get("WORKFRONT_CONN_ID", "workfront_default")
WAREHOUSE_CONN_ID = os.environ.get("WORKFRONT_WAREHOUSE_CONN_ID", "workfront_warehouse")
OBJECTS = [code for code in os.environ.get("WORKFRONT_MIRROR_OBJECTS", "").split(",") if code.strip()] or None
CRON = os.environ.get("WORKFRONT_MIRROR_CRON", "@hourly")

# [START howto_workfront_mirror_events]
# The asset the "mirror" receiver updates ([workfront_events] receivers).
mirror_changes = Asset("workfront_mirror_changes")

with DAG(
    dag_id="example_workfront_mirror_events",
    description="Workfront in the warehouse: in seconds on events, exact hourly",
    doc_md=__doc__,
    schedule=AssetOrTimeSchedule(
        timetable=CronDataIntervalTimetable(CRON, timezone="UTC"),
        assets=mirror_changes,
    ),
    start_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,  # events that arrive during a run start the next one
    tags=["workfront", "example", "mirror", "events"],
) as dag:
    # route_events: a run started by events runs only the tasks of the types
    # they name; the others are skipped before they start, taking no worker.
    # Any other run syncs every type.
    WorkfrontMirror(
        group_id="workfront",
        sql_conn_id=WAREHOUSE_CONN_ID,
        workfront_conn_id=WORKFRONT_CONN_ID,
        objects=OBJECTS,
        route_events=True,
    )
# [END howto_workfront_mirror_events]
