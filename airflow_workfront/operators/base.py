"""The shared base of every Workfront operator: the connection, and a hook built on first use.

Workfront allows about 10 requests in flight per customer, across every worker process. Airflow
pools count slots across processes, so a Workfront task keeps at most as many requests in flight
as the ``pool_slots`` it holds: with every Workfront task in one 10-slot pool, all workers
together never have more than 10 requests in flight.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseOperator

if TYPE_CHECKING:
    from airflow_workfront.client import WorkfrontClient
    from airflow_workfront.hooks.workfront import WorkfrontHook

# Workfront calls are bounded by the customer's concurrency limit; route them through one pool.
DEFAULT_POOL_HINT = "workfront_api"


class WorkfrontBaseOperator(BaseOperator):
    """Base of the Workfront operators.

    :param workfront_conn_id: The Workfront connection (default ``workfront_default``). Templated.

    The task's client keeps at most ``pool_slots`` (Airflow's own argument, default 1) requests
    in flight, or the connection's ``max_concurrency`` if that is lower. Give an operator that
    works in parallel (bulk, sync) more slots to let it send more at once.
    """

    template_fields: Sequence[str] = ("workfront_conn_id",)
    ui_color = "#fa0f00"
    ui_fgcolor = "#ffffff"

    def __init__(self, *, workfront_conn_id: str = "workfront_default", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.workfront_conn_id = workfront_conn_id

    @cached_property
    def hook(self) -> WorkfrontHook:
        """The hook, created on first use (never at DAG parse time)."""
        return hook_for_slots(self.workfront_conn_id, self.pool_slots)

    @property
    def client(self) -> WorkfrontClient:
        """The hook's client."""
        return self.hook.get_conn()

    def _touched(self, record: Any) -> Any:
        """Remember ``record`` (a Workfront object) as what the task's "Workfront" link opens, and
        return it. A record without an ``ID`` leaves the link empty."""
        obj_id = record.get("ID") if isinstance(record, dict) else None
        if obj_id:
            self.workfront_touched = (str(record.get("objCode") or getattr(self, "obj_code", "")), str(obj_id))
        return record

    def log_requests(self) -> None:
        """Log how many API requests the task made, by operation."""
        stats = self.client.stats
        self.log.info("Workfront requests: %d (%s)", stats.total, dict(stats.by_operation))


def require(value: Any, name: str, task_id: str) -> Any:
    """Refuse an empty required argument with a message naming the task and the argument."""
    if value in (None, "", [], {}):
        raise ValueError(f"{task_id}: {name} is required")
    return value


def hook_for_slots(workfront_conn_id: str, pool_slots: int) -> WorkfrontHook:
    """A hook whose client keeps at most ``pool_slots`` requests in flight (or the connection's
    ``max_concurrency``, if lower), so that a pool's slots bound Workfront requests across every
    worker process. The connection is read on first use, not here."""
    from airflow_workfront.hooks.workfront import WorkfrontHook

    return WorkfrontHook(workfront_conn_id=workfront_conn_id, pool_slots=pool_slots)
