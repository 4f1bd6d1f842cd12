"""Hourly incremental sync of Workfront into a SQL warehouse (SQLite by default).

Every hour this DAG copies what changed in Workfront during the previous hour into one table per
object type: projects (``wf_proj``), tasks (``wf_task``), issues (``wf_optask``), hours
(``wf_hour``) and journal entries (``wf_jrnle``).

- **Window.** Each run reads the half-open data interval ``[start, end)`` on ``lastUpdateDate``
  (``entryDate`` for journal entries, which are never updated). That needs a data-interval
  timetable, hence ``CronDataIntervalTimetable("@hourly", timezone="UTC")``: plain
  ``schedule="@hourly"`` gives zero-width intervals in Airflow 3 and the operators refuse them.
- **No gaps.** Each task keeps where its gap-free reading ends (an Airflow Variable). Its first
  run loads everything before its interval, and a run after a pause (``catchup=False``) or a
  failed run reads the hours in between, so no history needs a backfill.
- **Manual runs.** Triggered without a logical date, a run has no data interval: each task then
  syncs from that Variable's instant up to Workfront's clock minus a 5 s margin. Every window is
  read only once Workfront's own clock has passed its end.
- **Idempotent.** Rows are upserted by Workfront ``ID``, never downgraded to an older version, so
  re-running an hour (or backfilling one with ``airflow backfill create``) changes nothing twice.
- **Deletes.** Objects whose deletion was journaled in the window (``JRNLE`` ``changeType=D``)
  are removed from their table.
- **Rate limits.** All tasks share the ``workfront_api`` pool (create it with 10 slots:
  ``airflow pools set workfront_api 10 "Workfront API"``) and ``max_active_runs=1``. Each task
  holds 5 slots and keeps at most 5 requests in flight, so two syncs run at once and all
  workers together never send more than the pool's 10 (Workfront's per-customer limit).

Connections (names configurable through environment variables):

- ``workfront_default`` (``WORKFRONT_CONN_ID``), type ``workfront``: a real tenant, e.g.
  ``{"conn_type": "workfront", "host": "https://acme.my.workfront.com", "password": "<api key>"}``,
  or the local emulator ``{"conn_type": "workfront", "host": "http://127.0.0.1:8765", "password": "demo-key"}``.
- ``workfront_warehouse`` (``WORKFRONT_WAREHOUSE_CONN_ID``): any common-sql database with upserts,
  e.g. ``{"conn_type": "sqlite", "host": "/path/to/warehouse.db"}`` or a ``postgres`` connection.

``make demo`` runs two consecutive windows of this DAG against the emulator and checks the result.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

from airflow.sdk import DAG, CronDataIntervalTimetable

from airflow_workfront.operators.sync import WorkfrontToSqlOperator

WORKFRONT_CONN_ID = os.environ.get("WORKFRONT_CONN_ID", "workfront_default")
WAREHOUSE_CONN_ID = os.environ.get("WORKFRONT_WAREHOUSE_CONN_ID", "workfront_warehouse")

# Object code -> fields to copy. ID and the window date are always added by the sync.
SYNCED_OBJECTS: dict[str, list[str]] = {
    "PROJ": ["name", "status", "percentComplete", "plannedStartDate",
             "plannedCompletionDate", "ownerID", "entryDate"],
    "TASK": ["name", "status", "projectID", "percentComplete",
             "plannedCompletionDate", "assignedToID", "entryDate"],
    "OPTASK": ["name", "status", "priority", "projectID", "entryDate"],
    "HOUR": ["hours", "entryDate", "taskID", "projectID", "ownerID", "status"],
    "JRNLE": ["entryDate", "changeType", "objObjCode", "objID", "fieldName",
              "oldTextVal", "newTextVal"],
}

with DAG(
    dag_id="example_workfront_sync",
    description="Hourly sync of projects, tasks, issues, hours and journal entries",
    schedule=CronDataIntervalTimetable("@hourly", timezone="UTC"),
    start_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    tags=["workfront", "sync", "example"],
    doc_md=__doc__,
) as dag:
    for obj_code, fields in SYNCED_OBJECTS.items():
        WorkfrontToSqlOperator(
            task_id=f"sync_{obj_code.lower()}",
            obj_code=obj_code,
            fields=fields,
            table=f"wf_{obj_code.lower()}",
            workfront_conn_id=WORKFRONT_CONN_ID,
            sql_conn_id=WAREHOUSE_CONN_ID,
            pool="workfront_api",
            # = the requests it may have in flight (its partitions read in parallel)
            pool_slots=5,
        )


if __name__ == "__main__":
    dag.test()
