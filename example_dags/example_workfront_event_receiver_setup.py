"""Subscribe this Airflow's event receiver to Workfront project updates, or unsubscribe it.

Trigger with ``{"action": "subscribe"}`` once, after the receiver is configured on the API
server; ``{"action": "unsubscribe"}`` deletes every subscription that delivers to it. The URL is
``<airflow_url>/workfront/events/<receiver>`` (``airflow_url`` defaults to ``[api] base_url``
and must be https), and the token is the password of ``workfront_events_<receiver>``: the same
connection the receiver checks deliveries against, so the token never appears in the DAG.
"""

from __future__ import annotations

from datetime import datetime, timezone

from airflow.sdk import DAG, Param, task

from airflow_workfront.operators.event_receiver import (
    WorkfrontSubscribeReceiverOperator,
    WorkfrontUnsubscribeReceiverOperator,
)

with DAG(
    dag_id="example_workfront_event_receiver_setup",
    description="Point Workfront event subscriptions at the Airflow event receiver, or remove them",
    schedule=None,
    start_date=datetime(2026, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    params={
        "action": Param("subscribe", enum=["subscribe", "unsubscribe"]),
        "receiver": Param("projects", type="string"),
        "airflow_url": Param("", type="string", description="public https URL of the API server; empty: [api] base_url"),
    },
    default_args={"pool": "workfront_api"},
    tags=["workfront", "example"],
    doc_md=__doc__,
) as dag:

    @task.branch(pool="default_pool")
    def choose(params=None) -> str:
        """Subscribe or unsubscribe, as the run's ``action`` says."""
        return params["action"]

    # [START howto_workfront_subscribe_receiver]
    subscribe = WorkfrontSubscribeReceiverOperator(
        task_id="subscribe",
        receiver="{{ params.receiver }}",
        airflow_url="{{ params.airflow_url }}",
        obj_code="PROJ",
        event_type="UPDATE",
        filters=[{"fieldName": "status", "comparison": "changed"}],
    )
    # [END howto_workfront_subscribe_receiver]
    unsubscribe = WorkfrontUnsubscribeReceiverOperator(
        task_id="unsubscribe",
        receiver="{{ params.receiver }}",
        airflow_url="{{ params.airflow_url }}",
    )
    choose() >> [subscribe, unsubscribe]
