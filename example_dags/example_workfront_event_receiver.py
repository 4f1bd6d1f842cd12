"""Run a DAG within seconds of a Workfront change, with no polling: the event receiver.

Workfront delivers each project change to this Airflow's API server at
``/workfront/events/projects`` (subscribe it with
``example_workfront_event_receiver_setup``). The provider's receiver checks the delivery's
token and records an asset event on ``workfront_project_changes`` that carries the object code,
the ID, the event type and the names of the changed fields. Each such event runs this DAG, which
reads the changes from ``triggering_asset_events`` and fetches the changed projects' current
state.

The API server needs the receiver configured (see docs/event-receiver.md)::

    AIRFLOW__WORKFRONT_EVENTS__RECEIVERS='{"projects": {"asset": "workfront_project_changes"}}'
    AIRFLOW_CONN_WORKFRONT_EVENTS_PROJECTS='{"conn_type": "generic", "password": "<a long random token>"}'
"""

from __future__ import annotations

from datetime import datetime, timezone

from airflow.sdk import DAG, Asset, task

from airflow_workfront.operators.crud import WorkfrontGetOperator

# [START howto_workfront_event_receiver]
# The asset the "projects" receiver updates ([workfront_events] receivers).
project_changes = Asset("workfront_project_changes")

with DAG(
    dag_id="example_workfront_event_receiver",
    description="Runs on each Workfront project change the event receiver records",
    schedule=[project_changes],
    start_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    render_template_as_native_obj=True,
    default_args={"pool": "workfront_api"},
    tags=["workfront", "example"],
    doc_md=__doc__,
) as dag:

    @task(pool="default_pool")
    def changed_projects(triggering_asset_events=None) -> dict:
        """The changes that started this run (several deliveries may share a run)."""
        from airflow.sdk.exceptions import AirflowSkipException

        keys = ("obj_code", "obj_id", "event_type", "changed_fields")
        changes = [
            {key: event.extra.get(key) for key in keys}
            for event in (triggering_asset_events or {}).get(project_changes, [])
        ]
        ids = sorted({c["obj_id"] for c in changes if c["event_type"] != "DELETE"})
        print(f"{len(changes)} Workfront change(s): {changes[:20]}")
        if not ids:
            raise AirflowSkipException("only deletions: nothing to fetch")
        return {"ids": ids, "changes": changes}

    fetch = WorkfrontGetOperator(
        task_id="fetch_projects",
        obj_code="PROJ",
        obj_id="{{ ti.xcom_pull(task_ids='changed_projects')['ids'] }}",
        fields=["name", "status", "lastUpdateDate"],
    )
    changed_projects() >> fetch
# [END howto_workfront_event_receiver]
