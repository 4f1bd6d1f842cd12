"""The shared base of every Workfront operator: the connection, and a hook built on first use.

Workfront allows about 10 requests in flight per customer, across every worker process. Airflow
pools count slots across processes, so a Workfront task keeps at most as many requests in flight
as the ``pool_slots`` it holds: with every Workfront task in one 10-slot pool, all workers
together never have more than 10 requests in flight.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property, wraps
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

    The client is closed when ``execute`` ends, whether it returns or raises (a session login is
    logged out, connections are released): every subclass's ``execute`` is wrapped to do so.
    """

    template_fields: Sequence[str] = ("workfront_conn_id",)
    ui_color = "#fa0f00"
    ui_fgcolor = "#ffffff"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        execute = cls.__dict__.get("execute")
        if execute is not None:
            cls.execute = _closing_the_hook(execute)  # type: ignore[method-assign]

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


def close_hook(task: Any) -> None:
    """Close the client of ``task``'s hook, if the task made one (its ``hook`` is a cached property);
    a later use opens a new client."""
    hook = task.__dict__.get("hook")
    if hook is not None:
        hook.close()


def _closing_the_hook(execute: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap an operator's ``execute`` so that the hook's client is closed when the outermost call ends
    (an ``execute`` that calls its parent's closes it once, at the end)."""

    @wraps(execute)
    def execute_then_close(self: Any, *args: Any, **kwargs: Any) -> Any:
        depth = self.__dict__.get("_workfront_execute_depth", 0)
        self.__dict__["_workfront_execute_depth"] = depth + 1
        try:
            return execute(self, *args, **kwargs)
        finally:
            self.__dict__["_workfront_execute_depth"] = depth
            if depth == 0:
                close_hook(self)

    execute_then_close.closes_workfront_hook = True  # type: ignore[attr-defined]
    return execute_then_close


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
