"""Your whole Workfront in your warehouse, every hour, from one declaration.

``WorkfrontMirror`` makes one sync task per Workfront object type (21 by default: projects, tasks,
issues, hours, assignments, users, teams, portfolios, programs, notes, documents and their
versions, journal entries, companies, groups, job roles, timesheets, expenses, templates, custom
forms and custom fields) and one table each: ``wf_proj``, ``wf_task``, ``wf_optask``...

- **Every field.** Each table has a column for every field Workfront's ``/metadata`` lists for
  its type, each reference's ID, and every custom field of the type (``de_cost_center``), typed
  from its definition. The fields are asked of Workfront at each run, so a custom field created
  today is a column after the next run, with no change here.
- **Column names analysts expect**: snake_case (``last_update_date``, ``project_id``), recorded
  in each table's column map ``<table>_wf_columns``.
- **Exact.** Each run reads what changed since the table's last gap-free run (its first run loads
  everything), pages by key so concurrent edits lose nothing, applies deletes, and then compares
  Workfront's count with the table's rows (a warning when they differ for no reason).
- **The change table.** ``wf_jrnle`` holds every journaled change, field by field, with old and
  new values: "what changed on project X last week" is one query (docs/mirror.md).
- **Within Workfront's limit.** Every task runs in the ``workfront_api`` pool (10 slots, create it
  with ``airflow pools set workfront_api 10 "Workfront API"``): together they never have more
  than 10 requests in flight, whatever the number of workers.

Connections (names configurable through environment variables):

- ``workfront_default`` (``WORKFRONT_CONN_ID``), type ``workfront``: the tenant, or the local emulator
  ``{"conn_type": "workfront", "host": "http://127.0.0.1:8765", "password": "demo-key"}``.
- ``workfront_warehouse`` (``WORKFRONT_MIRROR_WAREHOUSE_CONN_ID``, else ``WORKFRONT_WAREHOUSE_CONN_ID``):
  any common-sql database with upserts,
  e.g. ``{"conn_type": "sqlite", "host": "/path/to/warehouse.db"}`` or a ``postgres`` connection.

For tables fresh within seconds instead of within the hour, see
``example_workfront_mirror_events.py`` and docs/event-receiver.md.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

from airflow.sdk import DAG, CronDataIntervalTimetable

from airflow_workfront.mirror import WorkfrontMirror

WORKFRONT_CONN_ID = os.environ.get("WORKFRONT_CONN_ID", "workfront_default")
WAREHOUSE_CONN_ID = os.environ.get("WORKFRONT_MIRROR_WAREHOUSE_CONN_ID",
                                   os.environ.get("WORKFRONT_WAREHOUSE_CONN_ID", "workfront_warehouse"))

# [START howto_workfront_mirror]
with DAG(
    dag_id="example_workfront_mirror",
    description="Every Workfront object type, every field, in the warehouse, hourly",
    doc_md=__doc__,
    schedule=CronDataIntervalTimetable("@hourly", timezone="UTC"),
    start_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    tags=["workfront", "example", "mirror"],
) as dag:
    WorkfrontMirror(
        group_id="workfront",
        sql_conn_id=WAREHOUSE_CONN_ID,
        workfront_conn_id=WORKFRONT_CONN_ID,
    )
# [END howto_workfront_mirror]
