"""Operator rules checked without a server: bounded XComs, bulk failure handling, required arguments."""

from __future__ import annotations

from unittest import mock

import pytest

from airflow_workfront.client import BulkResult, RequestStats
from airflow_workfront.operators.bulk import WorkfrontBulkCreateOperator
from airflow_workfront.operators.crud import WorkfrontUpdateOperator
from airflow_workfront.operators.search import WorkfrontResultTooLargeError, WorkfrontSearchOperator


def with_client(operator, client):
    client.stats = RequestStats()
    operator.hook.get_conn = mock.Mock(return_value=client)
    return operator


def test_search_refuses_to_push_a_large_result_through_xcom():
    client = mock.Mock()
    client.search.return_value = iter({"ID": f"{n:032x}"} for n in range(11))
    op = with_client(WorkfrontSearchOperator(task_id="s", obj_code="TASK", max_return=10), client)
    with pytest.raises(WorkfrontResultTooLargeError, match="more than 10 TASK objects match; pass output_path"):
        op.execute({})


def test_search_returns_ids_by_default_and_records_when_asked():
    rows = [{"ID": "a", "name": "x"}, {"ID": "b", "name": "y"}]
    client = mock.Mock()
    client.search.side_effect = lambda *a, **k: iter(rows)
    assert with_client(WorkfrontSearchOperator(task_id="s", obj_code="TASK"), client).execute({}) == ["a", "b"]
    op = WorkfrontSearchOperator(task_id="r", obj_code="TASK", return_records=True)
    assert with_client(op, client).execute({}) == rows


def _bulk_result(failed: bool) -> BulkResult:
    result = BulkResult(total=2)
    result.record_chunk(0, 0, [{"name": "a"}, {"name": "b"}], [{"ID": "1"}, {"ID": "2"}])
    if failed:
        result.failures.clear()
        result.record_failure(1, 0, [{"name": "b"}], RuntimeError("item 1: bad field"))
    result.requests = 1
    return result


def test_bulk_fails_the_task_on_any_failed_record_unless_told_otherwise():
    client = mock.Mock()
    client.bulk_create.return_value = _bulk_result(failed=True)
    op = with_client(WorkfrontBulkCreateOperator(task_id="b", obj_code="TASK", records=[{}, {}]), client)
    with pytest.raises(RuntimeError, match="1 of 2 TASK records failed; first: record 1 .*bad field"):
        op.execute({})
    lenient = WorkfrontBulkCreateOperator(task_id="b", obj_code="TASK", records=[{}, {}], fail_on_error=False)
    summary = with_client(lenient, client).execute({})
    assert summary["failed"] == 1 and summary["failures"] == [{"index": 1, "chunk": 0, "error": "item 1: bad field"}]


def test_required_arguments_are_named():
    op = with_client(WorkfrontUpdateOperator(task_id="u", obj_code="TASK", obj_id="", data={"a": 1}), mock.Mock())
    with pytest.raises(ValueError, match="u: obj_id is required"):
        op.execute({})


def test_operators_import_no_client_at_parse_time():
    import subprocess
    import sys

    # The client's small fact modules (limits, object rules) are welcome; its HTTP machinery is not.
    code = ("import sys; import airflow_workfront.operators.search, airflow_workfront.operators.bulk, "
            "airflow_workfront.sensors.workfront; print('requests' in sys.modules, "
            "*sorted(m for m in sys.modules if m.startswith('airflow_workfront.client')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    requests_loaded, *client_modules = out.stdout.split()
    assert requests_loaded == "False", out.stderr[-500:]
    assert set(client_modules) <= {"airflow_workfront.client", "airflow_workfront.client.limits",
                                   "airflow_workfront.client.objects"}, client_modules
