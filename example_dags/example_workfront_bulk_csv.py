"""Bulk-create Workfront tasks from a CSV file, then recalculate the project's timeline.

1. ``create_project`` creates a project for the import.
2. ``bulk_create_tasks`` reads ``data/new_tasks.csv`` (one task per row; the header names
   Workfront fields) and creates the tasks in chunks of at most 100 per request. The CSV path may
   also be an object-storage URL (``s3://aws_default@bucket/tasks.csv``). Each record gets the new
   project's ID from the ``project_id`` column the ``add_project`` task fills in.
3. ``calculate_timeline`` runs Workfront's ``calculateTimeline`` action, so the project's planned
   dates span its new tasks.

Every Workfront task uses the ``workfront_api`` pool (10 slots), Workfront's concurrency limit.
"""

from __future__ import annotations

import csv
from datetime import datetime, timezone
from pathlib import Path

from airflow.sdk import DAG, task

from airflow_workfront.operators.actions import WorkfrontActionOperator
from airflow_workfront.operators.bulk import WorkfrontBulkCreateOperator
from airflow_workfront.operators.crud import WorkfrontCreateOperator

CSV_FILE = Path(__file__).parent / "data" / "new_tasks.csv"

with DAG(
    dag_id="example_workfront_bulk_csv",
    description="Bulk-create tasks from a CSV, then calculateTimeline",
    schedule=None,
    start_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    default_args={"pool": "workfront_api"},
    tags=["workfront", "example"],
    doc_md=__doc__,
) as dag:
    create_project = WorkfrontCreateOperator(
        task_id="create_project",
        obj_code="PROJ",
        data={"name": "CSV import {{ ds }}", "description": "Tasks loaded from new_tasks.csv"},
    )

    @task
    def add_project(project: dict) -> list[dict]:
        """Read the CSV and point every row at the new project (small: a few hundred rows at most)."""
        with CSV_FILE.open(encoding="utf-8") as handle:
            rows = [{k: v for k, v in row.items() if v} for row in csv.DictReader(handle)]
        return [{**row, "priority": int(row.get("priority", 0)), "projectID": project["ID"]} for row in rows]

    # [START howto_workfront_bulk_create]
    bulk_create_tasks = WorkfrontBulkCreateOperator(
        task_id="bulk_create_tasks",
        obj_code="TASK",
        records=add_project(create_project.output),
        atomic=True,  # each chunk of 100 is written entirely or not at all
    )
    # [END howto_workfront_bulk_create]

    # [START howto_workfront_action]
    calculate_timeline = WorkfrontActionOperator(
        task_id="calculate_timeline",
        obj_code="PROJ",
        action="calculateTimeline",
        obj_id="{{ ti.xcom_pull(task_ids='create_project')['ID'] }}",
    )
    # [END howto_workfront_action]

    bulk_create_tasks >> calculate_timeline


if __name__ == "__main__":
    dag.test()
