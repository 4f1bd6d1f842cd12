"""A Workfront task keeps at most as many requests in flight as the pool slots it holds, so a
pool bounds Workfront requests across every worker process (issue 14.4)."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest

from airflow_workfront.client import WorkfrontClient
from airflow_workfront.client.dates import parse_wf_datetime
from airflow_workfront.operators.base import WorkfrontBaseOperator, hook_for_slots
from airflow_workfront.operators.bulk import WorkfrontBulkCreateOperator
from airflow_workfront.operators.crud import WorkfrontGetOperator
from airflow_workfront.operators.reporting import WorkfrontCountOperator
from airflow_workfront.operators.search import WorkfrontSearchOperator
from airflow_workfront.operators.sync import WorkfrontToSqlOperator


@pytest.mark.parametrize(("conn_limit", "slots", "expected"), [(10, 3, 3), (2, 5, 2), (None, 1, 1), (None, 10, 10)])
def test_the_client_is_capped_to_the_slots_held(create_connection_without_db, conn_limit, slots, expected):
    extra = {"max_concurrency": conn_limit} if conn_limit else {}
    create_connection_without_db("wf_slots", conn_type="workfront", host="https://acme.my.workfront.com",
                                 password="k", extra=extra)
    hook = hook_for_slots("wf_slots", slots)
    assert hook.get_conn().config.max_concurrency == expected


def test_operators_use_their_pool_slots(create_connection_without_db):
    create_connection_without_db("workfront_default", conn_type="workfront", host="https://acme.my.workfront.com",
                                 password="k")
    bulk = WorkfrontBulkCreateOperator(task_id="b", obj_code="TASK", records=[], pool_slots=4)
    assert bulk.client.config.max_concurrency == 4
    assert WorkfrontBulkCreateOperator(task_id="c", obj_code="TASK", records=[]).client.config.max_concurrency == 1


def test_a_sync_task_never_has_more_requests_in_flight_than_its_slots(emulator, monkeypatch, tmp_path,
                                                                    create_connection_without_db):
    # Many pages, slow answers: without the cap the partitions would go 10 at once.
    emulator.control.reset("demo", seed_size=3000)
    emulator.control.set_faults(latency_ms=20)
    create_connection_without_db("workfront_default", conn_type="workfront", host=emulator.base_url,
                                 password=emulator.api_key, extra={"page_size": 100})
    create_connection_without_db("wh", conn_type="sqlite", host=str(tmp_path / "wh.db"))
    end = parse_wf_datetime(emulator.control.clock_now()) + timedelta(seconds=1)
    emulator.control.advance_clock(900)  # the window is well closed on Workfront's clock
    op = WorkfrontToSqlOperator(task_id="sync_task", obj_code="TASK", fields=["name"], table="wf_task",
                                sql_conn_id="wh", pool_slots=3, deletes="none",
                                window_start=end - timedelta(hours=2), window_end=end)
    emulator.control.reset_stats()
    built: list[WorkfrontClient] = []
    real_init = WorkfrontClient.__init__

    def spy(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        built.append(self)

    monkeypatch.setattr(WorkfrontClient, "__init__", spy)
    summary = op.execute({})
    assert summary["fetched"] >= 3000 and summary["pages"] >= 30
    assert [client.config.max_concurrency for client in built] == [3]
    # At most the slots held; exactly 3 on an idle machine, but a loaded one may overlap fewer.
    assert 1 <= emulator.control.stats()["max_in_flight"] <= 3


# -- the hook's client is closed when execute ends (issue 23) --------------------------------------


class _Client(mock.Mock):
    """A client mock whose stats the operators can log."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        from airflow_workfront.client import RequestStats

        self.stats = RequestStats()


def _with_open_client(operator, client):
    """Give ``operator``'s hook ``client`` as the one its get_conn made (no connection is read)."""
    operator.hook._client = client
    return operator


@pytest.mark.parametrize(("make", "method"), [
    (lambda: WorkfrontGetOperator(task_id="get", obj_code="TASK", obj_id="t1"), "get"),
    (lambda: WorkfrontSearchOperator(task_id="search", obj_code="TASK"), "search"),
    (lambda: WorkfrontBulkCreateOperator(task_id="bulk", obj_code="TASK", records=[{"name": "a"}]), "bulk_create"),
    (lambda: WorkfrontCountOperator(task_id="count", obj_code="TASK"), "count"),
])
def test_an_operator_closes_its_client_when_execute_returns_or_raises(make, method):
    from airflow_workfront.client import BulkResult

    answers = {"get": {"ID": "t1"}, "search": iter([{"ID": "t1"}]), "count": 3,
               "bulk_create": BulkResult(total=1, succeeded=[{"ID": "n1"}], requests=1)}
    ok = _Client()
    getattr(ok, method).return_value = answers[method]
    operator = _with_open_client(make(), ok)
    operator.execute({})
    ok.close.assert_called_once_with()
    assert operator.hook._client is None  # a later use opens a new client

    failing = _Client()
    getattr(failing, method).side_effect = RuntimeError("Workfront said no")
    operator = _with_open_client(make(), failing)
    with pytest.raises(RuntimeError, match="Workfront said no"):
        operator.execute({})
    failing.close.assert_called_once_with()


def test_an_execute_that_calls_its_parents_closes_the_client_once_at_the_end():
    calls = []

    class Outer(WorkfrontCountOperator):
        def execute(self, context):
            first = super().execute(context)  # the inner, wrapped execute must not close the client
            calls.append(self.hook._client)
            return first + self.client.count(self.obj_code, self.filters)

    client = _Client()
    client.count.return_value = 2
    operator = _with_open_client(Outer(task_id="outer", obj_code="TASK"), client)
    assert operator.execute({}) == 4
    assert calls == [client] and client.close.call_count == 1


def test_every_operator_execute_closes_the_client():
    import importlib
    import inspect
    import pkgutil

    import airflow_workfront.operators as package

    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for cls in vars(module).values():
            if inspect.isclass(cls) and issubclass(cls, WorkfrontBaseOperator) and "execute" in vars(cls):
                assert getattr(vars(cls)["execute"], "closes_workfront_hook", False), cls
