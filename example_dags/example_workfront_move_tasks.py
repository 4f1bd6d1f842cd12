"""Move tasks from one project to another, then recalculate both projects' timelines.

The DAG finds the projects by name (``source_project`` and ``target_project`` params), picks the
source project's tasks that have not started (status ``NEW``), moves each with Workfront's
``move`` action (its assignments and hours follow it), and runs ``calculateTimeline`` on both.
"""

from __future__ import annotations

from datetime import datetime, timezone

from airflow.sdk import DAG, Param

from airflow_workfront.operators.actions import WorkfrontActionOperator
from airflow_workfront.operators.search import WorkfrontSearchOperator

SOURCE_ID = "{{ ti.xcom_pull(task_ids='find_source')[0] }}"
TARGET_ID = "{{ ti.xcom_pull(task_ids='find_target')[0] }}"

with DAG(
    dag_id="example_workfront_move_tasks",
    description="Move tasks between projects, then recalculate both",
    schedule=None,
    start_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    params={"source_project": Param("Project A", type="string"), "target_project": Param("Project B", type="string")},
    default_args={"pool": "workfront_api"},
    tags=["workfront", "example"],
    doc_md=__doc__,
) as dag:
    find_source = WorkfrontSearchOperator(task_id="find_source", obj_code="PROJ",
                                          filters={"name": "{{ params.source_project }}"}, max_return=1)
    find_target = WorkfrontSearchOperator(task_id="find_target", obj_code="PROJ",
                                          filters={"name": "{{ params.target_project }}"}, max_return=1)
    # [START howto_workfront_search]
    find_tasks = WorkfrontSearchOperator(
        task_id="find_tasks",
        obj_code="TASK",
        filters={"projectID": SOURCE_ID, "status": "NEW"},
        sort=[("taskNumber", "asc")],
        max_return=100,  # more than this fails the task instead of flooding XCom
    )
    # [END howto_workfront_search]
    move_tasks = WorkfrontActionOperator(
        task_id="move_tasks",
        obj_code="TASK",
        action="move",
        obj_id=find_tasks.output,
        arguments={"projectID": TARGET_ID},
    )
    recalculate = WorkfrontActionOperator(
        task_id="recalculate_both",
        obj_code="PROJ",
        action="calculateTimeline",
        obj_id=[SOURCE_ID, TARGET_ID],
    )

    [find_source, find_target] >> find_tasks >> move_tasks >> recalculate


if __name__ == "__main__":
    dag.test()
