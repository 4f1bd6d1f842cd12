"""Run a DAG whenever Workfront tasks change: event-driven scheduling with ``AssetWatcher``.

``WorkfrontChangeEventTrigger`` runs in the triggerer and polls Workfront every minute for tasks
changed after its watermark (kept in the asset state store, so a restart resumes where it
stopped). Each batch of changes becomes an asset event, and each asset event runs this DAG,
which reads the changed IDs from the triggering event.

The triggerer must be running (``airflow triggerer``, or ``airflow standalone``).
"""

from __future__ import annotations

from datetime import datetime, timezone

from airflow.sdk import DAG, Asset, AssetWatcher, task

from airflow_workfront.triggers.workfront import WorkfrontChangeEventTrigger

# [START howto_workfront_asset_watcher]
workfront_tasks = Asset(
    "workfront_tasks",
    watchers=[
        AssetWatcher(
            name="workfront_task_changes",
            trigger=WorkfrontChangeEventTrigger(
                workfront_conn_id="workfront_default",
                obj_code="TASK",
                filters={"status": "CPL", "status_Mod": "ne"},
                poll_interval=60,
            ),
        )
    ],
)
# [END howto_workfront_asset_watcher]

with DAG(
    dag_id="example_workfront_asset_watcher",
    description="Triggered by changes to Workfront tasks",
    schedule=[workfront_tasks],
    start_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    tags=["workfront", "example"],
    doc_md=__doc__,
) as dag:

    @task
    def react(triggering_asset_events=None) -> list[str]:
        """Collect the changed task IDs carried by the events that started this run."""
        ids: list[str] = []
        for events in (triggering_asset_events or {}).values():
            for event in events:
                ids.extend(event.extra.get("payload", event.extra).get("ids", []))
        print(f"{len(ids)} Workfront task(s) changed: {ids[:20]}")
        return ids

    react()


if __name__ == "__main__":
    dag.test()
