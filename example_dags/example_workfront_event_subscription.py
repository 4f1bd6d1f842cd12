"""Create a Workfront event subscription, use it, and delete it again.

``subscribe`` registers the ``webhook_url`` param for UPDATE events of projects. Its token comes
from the ``workfront_webhook`` connection's password (``{{ conn.workfront_webhook.password }}``),
so it never appears in the DAG file, logs or XCom. ``check`` lists the subscriptions to confirm
it is there, ``touch_project`` makes a change that Workfront delivers to the URL, and
``unsubscribe`` is a teardown task: it deletes the subscription even when something before it
failed.

To have Airflow itself receive the events (and run DAGs on them), point the subscription at the
provider's event receiver instead: see ``example_workfront_event_receiver_setup`` and
docs/event-receiver.md.
"""

from __future__ import annotations

from datetime import datetime, timezone

from airflow.sdk import DAG, Param

from airflow_workfront.operators.crud import WorkfrontUpdateOperator
from airflow_workfront.operators.event_subscriptions import (
    WorkfrontCreateEventSubscriptionOperator,
    WorkfrontDeleteEventSubscriptionOperator,
    WorkfrontListEventSubscriptionsOperator,
)
from airflow_workfront.operators.search import WorkfrontSearchOperator

with DAG(
    dag_id="example_workfront_event_subscription",
    description="Create, use and delete a Workfront event subscription",
    schedule=None,
    start_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    params={"webhook_url": Param("https://airflow.example.com/workfront/events/projects", type="string"),
            "project_name": Param("Project A", type="string")},
    default_args={"pool": "workfront_api"},
    tags=["workfront", "example"],
    doc_md=__doc__,
) as dag:
    # [START howto_workfront_event_subscription]
    subscribe = WorkfrontCreateEventSubscriptionOperator(
        task_id="subscribe",
        obj_code="PROJ",
        event_type="UPDATE",
        url="{{ params.webhook_url }}",
        auth_token="{{ conn.workfront_webhook.password }}",
        filters=[{"fieldName": "status", "comparison": "changed"}],
    )
    # [END howto_workfront_event_subscription]
    check = WorkfrontListEventSubscriptionsOperator(task_id="check", obj_code="PROJ")
    find_project = WorkfrontSearchOperator(task_id="find_project", obj_code="PROJ",
                                           filters={"name": "{{ params.project_name }}"}, max_return=1)
    touch_project = WorkfrontUpdateOperator(
        task_id="touch_project",
        obj_code="PROJ",
        obj_id="{{ ti.xcom_pull(task_ids='find_project')[0] }}",
        data={"status": "ONH"},
    )
    unsubscribe = WorkfrontDeleteEventSubscriptionOperator(
        task_id="unsubscribe",
        subscription_id="{{ ti.xcom_pull(task_ids='subscribe') }}",
    ).as_teardown(setups=subscribe)

    subscribe >> check >> find_project >> touch_project >> unsubscribe


if __name__ == "__main__":
    dag.test()
