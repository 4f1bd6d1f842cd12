"""The "Workfront" button on task instances: Workfront's UI page of the object the task touched."""

from __future__ import annotations

import json

import pytest

from airflow_workfront.operators.links import WorkfrontObjectLink, ui_url
from airflow_workfront.operators.search import WorkfrontSearchOperator


def test_ui_url_uses_workfronts_view_pages():
    base = "https://acme.my.workfront.com"
    assert ui_url(base, "OPTASK", "abc") == f"{base}/issue/view?ID=abc"
    assert ui_url(base + "/", "proj", "p1") == f"{base}/project/view?ID=p1"
    assert ui_url(base, "HOUR", "h1") is None  # hours have no page of their own
    assert ui_url(base, "TASK", "") is None


def test_the_provider_registers_the_link_for_the_api_server():
    from airflow.providers_manager import ProvidersManager

    assert "airflow_workfront.operators.links.WorkfrontObjectLink" in ProvidersManager().extra_links_class_names
    assert [link.name for link in WorkfrontSearchOperator.operator_extra_links] == ["Workfront"]


@pytest.mark.emulator
@pytest.mark.dag
def test_a_search_task_instance_links_to_the_first_object_it_found(run_dag, emulator_conn):
    from datetime import datetime, timezone

    from airflow.sdk import DAG

    with DAG("wf_link_test", schedule=None, start_date=datetime(2026, 1, 1, tzinfo=timezone.utc)) as dag:
        WorkfrontSearchOperator(task_id="find", obj_code="PROJ", filters={"name": "Project B"}, max_return=5)
        WorkfrontSearchOperator(task_id="none", obj_code="PROJ", filters={"name": "no such project"})
    dag_run = run_dag(dag)
    assert str(dag_run.state).endswith("success")
    (project,) = [p["ID"] for p in emulator_conn.control.list_objects("PROJ") if p["name"] == "Project B"]
    links = _links(dag_run)
    assert links["find"] == f"{emulator_conn.base_url}/project/view?ID={project}"
    assert links["none"] in ("", None)


@pytest.mark.emulator
@pytest.mark.dag
def test_get_create_update_and_copy_link_to_the_object_they_touched(run_dag, emulator_conn):
    from datetime import datetime, timezone

    from airflow.sdk import DAG

    from airflow_workfront.operators.crud import (
        WorkfrontCopyOperator,
        WorkfrontCreateOperator,
        WorkfrontGetOperator,
        WorkfrontUpdateOperator,
    )

    (project,) = [p["ID"] for p in emulator_conn.control.list_objects("PROJ") if p["name"] == "Project B"]
    with DAG("wf_crud_link_test", schedule=None, start_date=datetime(2026, 1, 1, tzinfo=timezone.utc)) as dag:
        create = WorkfrontCreateOperator(task_id="create", obj_code="OPTASK",
                                         data={"name": "linked issue", "projectID": project})
        update = WorkfrontUpdateOperator(task_id="update", obj_code="OPTASK", obj_id="{{ ti.xcom_pull('create')['ID'] }}",
                                         data={"description": "seen"})
        get = WorkfrontGetOperator(task_id="get", obj_code="PROJ", obj_id=[project])
        copy = WorkfrontCopyOperator(task_id="copy", obj_code="PROJ", source_id=project, data={"name": "Copy of B"})
        create >> update >> get >> copy
    dag_run = run_dag(dag)
    assert str(dag_run.state).endswith("success")
    (issue,) = [i["ID"] for i in emulator_conn.control.list_objects("OPTASK") if i["name"] == "linked issue"]
    (copied,) = [p["ID"] for p in emulator_conn.control.list_objects("PROJ") if p["name"] == "Copy of B"]
    base = emulator_conn.base_url
    assert _links(dag_run) == {"create": f"{base}/issue/view?ID={issue}", "update": f"{base}/issue/view?ID={issue}",
                               "get": f"{base}/project/view?ID={project}", "copy": f"{base}/project/view?ID={copied}"}


def _links(dag_run) -> dict:
    """Each task's "Workfront" link of ``dag_run``, as Airflow stored it."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    key = WorkfrontObjectLink().xcom_key
    with create_session() as session:
        links = {x.task_id: x.value for x in session.query(XComModel).filter(
            XComModel.run_id == dag_run.run_id, XComModel.key == key)}
    return {task: json.loads(v) if isinstance(v, str) and v.startswith('"') else v for task, v in links.items()}
