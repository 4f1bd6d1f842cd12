"""Every Workfront operator and sensor, run inside ``dag.test()`` against the emulator."""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timezone

import pytest

pytestmark = [pytest.mark.emulator, pytest.mark.dag]

START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def _xcoms(dag_run) -> dict:
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = session.query(XComModel).filter(XComModel.run_id == dag_run.run_id, XComModel.key == "return_value")
        return {x.task_id: _decode(x.value) for x in rows}


def _decode(value):
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def test_every_operator_and_sensor_runs_in_a_dag(run_dag, emulator_conn, tmp_path):
    from airflow.sdk import DAG

    from airflow_workfront.operators.actions import WorkfrontActionOperator
    from airflow_workfront.operators.bulk import WorkfrontBulkCreateOperator
    from airflow_workfront.operators.crud import (
        WorkfrontCopyOperator,
        WorkfrontCreateOperator,
        WorkfrontDeleteOperator,
        WorkfrontGetOperator,
        WorkfrontUpdateOperator,
    )
    from airflow_workfront.operators.documents import WorkfrontUploadDocumentOperator
    from airflow_workfront.operators.event_subscriptions import (
        WorkfrontCreateEventSubscriptionOperator,
        WorkfrontDeleteEventSubscriptionOperator,
        WorkfrontListEventSubscriptionsOperator,
    )
    from airflow_workfront.operators.reporting import WorkfrontCountOperator, WorkfrontReportOperator
    from airflow_workfront.operators.search import WorkfrontSearchOperator
    from airflow_workfront.sensors.workfront import WorkfrontChangeSensor, WorkfrontJournalSensor

    emulator = emulator_conn
    before = {code: len(emulator.control.list_objects(code)) for code in ("PROJ", "TASK")}
    attachment = tmp_path / "brief.txt"
    attachment.write_text("launch brief")
    out = tmp_path / "out" / "tasks.jsonl.gz"
    project_id = "{{ ti.xcom_pull(task_ids='create')['ID'] }}"
    since = "2000-01-01T00:00:00Z"

    with DAG("wf_all_operators", schedule=None, start_date=START, catchup=False) as dag:
        count = WorkfrontCountOperator(task_id="count", obj_code="PROJ")
        search_ids = WorkfrontSearchOperator(task_id="search_ids", obj_code="TASK", filters={"status": "NEW"})
        search_file = WorkfrontSearchOperator(task_id="search_file", obj_code="TASK", fields=["name", "project:name"],
                                              output_path=f"file://{out}", page_size=25)
        create = WorkfrontCreateOperator(task_id="create", obj_code="PROJ", data={"name": "Airflow launch"})
        get = WorkfrontGetOperator(task_id="get", obj_code="PROJ", obj_id=project_id, fields=["status"])
        update = WorkfrontUpdateOperator(task_id="update", obj_code="PROJ", obj_id=project_id, data={"status": "CUR"})
        bulk = WorkfrontBulkCreateOperator(
            task_id="bulk", obj_code="TASK",
            records=[{"name": f"Step {n}", "projectID": project_id} for n in range(150)])
        timeline = WorkfrontActionOperator(task_id="timeline", obj_code="PROJ", action="calculateTimeline",
                                           obj_id=project_id)
        copy = WorkfrontCopyOperator(task_id="copy", obj_code="PROJ", source_id=project_id,
                                     data={"name": "Airflow launch (copy)"})
        upload = WorkfrontUploadDocumentOperator(task_id="upload", obj_code="PROJ", obj_id=project_id,
                                                 file_path=str(attachment))
        report = WorkfrontReportOperator(task_id="report", obj_code="HOUR", group_by=["project:name"],
                                         aggregates={"hours": "sum"}, rollup=True)
        subscribe = WorkfrontCreateEventSubscriptionOperator(
            task_id="subscribe", obj_code="PROJ", event_type="UPDATE", url="http://127.0.0.1:9/hook",
            auth_token="webhook-secret-token-1234")
        listed = WorkfrontListEventSubscriptionsOperator(task_id="listed", obj_code="PROJ")
        unsubscribe = WorkfrontDeleteEventSubscriptionOperator(
            task_id="unsubscribe", subscription_id="{{ ti.xcom_pull(task_ids='subscribe') }}")
        changed = WorkfrontChangeSensor(task_id="changed", obj_code="PROJ", filters={"name": "Airflow launch"},
                                        since=since, poke_interval=1, timeout=30)
        journal = WorkfrontJournalSensor(task_id="journal", obj_code="PROJ", field_name="status", new_value="CUR",
                                         obj_id=project_id, since=since, poke_interval=1, timeout=30, deferrable=True)
        remove = WorkfrontDeleteOperator(task_id="remove", obj_code="PROJ",
                                         obj_id="{{ ti.xcom_pull(task_ids='copy')['ID'] }}", force=True)

        count >> search_ids >> search_file >> create >> get >> update >> bulk >> timeline >> copy >> upload
        upload >> report >> subscribe >> listed >> unsubscribe >> changed >> journal >> remove

    dag_run = run_dag(dag)
    assert str(dag_run.state).endswith("success")
    x = _xcoms(dag_run)

    assert x["count"] == before["PROJ"]
    assert x["search_ids"] and all(len(i) == 32 for i in x["search_ids"])
    with gzip.open(out, "rt") as handle:
        lines = [json.loads(line) for line in handle]
    assert x["search_file"]["count"] == len(lines) == before["TASK"]
    assert {"name", "project"} <= set(lines[0])
    new_project = x["create"]["ID"]
    assert x["get"]["ID"] == new_project
    assert x["update"]["status"] == "CUR"
    assert x["bulk"]["succeeded"] == 150 and x["bulk"]["requests"] == 4 and len(x["bulk"]["ids"]) == 150  # 2 atomic chunks + 2 searches for their IDs
    assert x["timeline"]["action"] == "calculateTimeline"
    assert x["copy"]["ID"] != new_project
    assert x["upload"]["bytes"] == len("launch brief")
    assert x["report"]["$$ROLLUP"]["sum_hours"] > 0
    assert [s["id"] for s in x["listed"]] == [x["subscribe"]]
    assert all("authToken" not in s for s in x["listed"])
    assert x["unsubscribe"]["deleted"] is True
    assert new_project in x["changed"]["ids"]
    assert any(e["newTextVal"] == "CUR" and e["objID"] == new_project for e in x["journal"]["entries"])
    tasks = [t for t in emulator.control.list_objects("TASK") if t.get("projectID") == new_project]
    assert len(tasks) == 150
    assert x["remove"] == {"ID": x["copy"]["ID"], "deleted": True}
    docs = [d for d in emulator.control.list_objects("DOCU") if d.get("objID") == new_project]
    assert [d["ID"] for d in docs] == [x["upload"]["document_id"]]
    assert "webhook-secret-token-1234" not in json.dumps(x)
