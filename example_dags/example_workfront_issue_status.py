"""Wait for issues to be completed (through journal entries), then raise related tasks' priority.

``wait_for_completed_issues`` is a deferrable ``WorkfrontJournalSensor``: it waits, without
holding a worker slot, for journal entries that record an issue's ``status`` becoming ``CPL``
since the start of the run's data interval. ``plan_updates`` then lists the open tasks of the
projects those issues belong to, and ``raise_priority`` updates them in bulk.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from airflow.sdk import DAG, CronDataIntervalTimetable, task

from airflow_workfront.operators.bulk import WorkfrontBulkUpdateOperator
from airflow_workfront.sensors.workfront import WorkfrontJournalSensor

with DAG(
    dag_id="example_workfront_issue_status",
    description="Wait for an issue's status to change through journal entries, then update related tasks",
    schedule=CronDataIntervalTimetable("@hourly", timezone="UTC"),
    start_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args={"pool": "workfront_api"},
    tags=["workfront", "example"],
    doc_md=__doc__,
) as dag:
    # [START howto_workfront_journal_sensor]
    wait_for_completed_issues = WorkfrontJournalSensor(
        task_id="wait_for_completed_issues",
        obj_code="OPTASK",
        field_name="status",
        new_value="CPL",
        # since defaults to the run's data_interval_start
        deferrable=True,
        poke_interval=60,
        timeout=timedelta(hours=6).total_seconds(),
        soft_fail=True,  # no completed issue in 6 hours: skip instead of failing
    )
    # [END howto_workfront_journal_sensor]

    @task
    def plan_updates(found: dict) -> list[dict]:
        """Open tasks of the completed issues' projects, with their new priority."""
        from airflow_workfront.hooks.workfront import WorkfrontHook

        client = WorkfrontHook().get_conn()
        issue_ids = sorted({entry["objID"] for entry in found["entries"]})
        projects = sorted({issue["projectID"] for issue in client.get_many("OPTASK", issue_ids, ["projectID"])
                           if issue.get("projectID")})
        tasks = client.search("TASK", {"projectID": projects, "projectID_Mod": "in", "status": "CPL",
                                       "status_Mod": "ne"}, ["ID"]) if projects else []
        return [{"ID": t["ID"], "priority": 4} for t in tasks]

    raise_priority = WorkfrontBulkUpdateOperator(
        task_id="raise_priority",
        obj_code="TASK",
        records=plan_updates(wait_for_completed_issues.output),
    )


if __name__ == "__main__":
    dag.test()
