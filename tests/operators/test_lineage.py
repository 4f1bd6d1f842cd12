"""OpenLineage datasets of the search and sync operators, with the OpenLineage provider installed."""

from __future__ import annotations

import pytest
from airflow.providers.openlineage.extractors.base import DefaultExtractor
from airflow.providers.openlineage.extractors.manager import ExtractorManager

from airflow_workfront.operators.lineage import sql_dataset, storage_dataset
from airflow_workfront.operators.search import WorkfrontSearchOperator
from airflow_workfront.operators.sync import WorkfrontToObjectStorageOperator, WorkfrontToSqlOperator


def _datasets(lineage) -> tuple[list, list]:
    return ([(d.namespace, d.name) for d in lineage.inputs], [(d.namespace, d.name) for d in lineage.outputs])


def _extract(operator):
    """What the OpenLineage provider itself reports for the task when it completes."""
    assert ExtractorManager().get_extractor_class(operator) is DefaultExtractor
    return DefaultExtractor(operator).extract_on_complete(None)


@pytest.mark.emulator
def test_search_reads_the_object_type_and_writes_the_file(emulator_conn, tmp_path):
    target = tmp_path / "tasks.jsonl"
    op = WorkfrontSearchOperator(task_id="find", obj_code="task", output_path=f"file://{target}")
    assert op.execute({})["count"] > 0
    assert _datasets(_extract(op)) == ([(f"workfront://127.0.0.1:{emulator_conn.port}", "TASK")],
                                       [("file", str(target))])


@pytest.mark.emulator
def test_search_into_xcom_has_no_output_dataset(emulator_conn):
    op = WorkfrontSearchOperator(task_id="find", obj_code="PROJ", max_return=100)
    op.execute({})
    assert _datasets(_extract(op)) == ([(f"workfront://127.0.0.1:{emulator_conn.port}", "PROJ")], [])


def test_sql_sync_writes_the_warehouse_table(create_connection_without_db):
    create_connection_without_db("workfront_default", conn_type="workfront", host="https://acme.my.workfront.com",
                                 password="k")
    create_connection_without_db("wh", conn_type="postgres", host="db.internal", port=5433, schema="analytics",
                                 login="etl", password="secret-pw")
    op = WorkfrontToSqlOperator(task_id="sync", obj_code="OPTASK", table="wf_optask", sql_conn_id="wh")
    inputs, outputs = _datasets(_extract(op))
    assert inputs == [("workfront://acme.my.workfront.com", "OPTASK")]
    assert outputs == [("postgres://db.internal:5433", "analytics.public.wf_optask")]
    assert "secret-pw" not in repr(outputs) and "etl" not in repr(outputs)


def test_object_storage_sync_writes_the_bucket_prefix(create_connection_without_db):
    create_connection_without_db("workfront_default", conn_type="workfront", host="https://acme.my.workfront.com",
                                 password="k")
    op = WorkfrontToObjectStorageOperator(task_id="sync", obj_code="TASK", path="s3://aws_default@lake/workfront")
    assert _datasets(_extract(op)) == ([("workfront://acme.my.workfront.com", "TASK")], [("s3://lake", "workfront")])


@pytest.mark.parametrize(
    ("path", "dataset"),
    [
        ("file:///data/wf/tasks.jsonl.gz", ("file", "/data/wf/tasks.jsonl.gz")),
        ("/data/wf/tasks.jsonl", ("file", "/data/wf/tasks.jsonl")),
        ("gs://bucket/a/b.jsonl", ("gs://bucket", "a/b.jsonl")),
        ("s3://conn@bucket", ("s3://bucket", "/")),
    ],
)
def test_storage_dataset_names(path, dataset):
    assert storage_dataset(path) == dataset


def test_lineage_never_fails_the_task_when_a_connection_is_missing():
    assert sql_dataset("no_such_conn", "t") == ("sql://no_such_conn", "t")
