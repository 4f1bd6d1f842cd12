"""The shared base of every Workfront operator: the connection, and a hook built on first use."""

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
        from airflow_workfront.hooks.workfront import WorkfrontHook

        return WorkfrontHook(workfront_conn_id=self.workfront_conn_id)

    @property
    def client(self) -> WorkfrontClient:
        """The hook's client."""
        return self.hook.get_conn()

    def log_requests(self) -> None:
        """Log how many API requests the task made, by operation."""
        stats = self.client.stats
        self.log.info("Workfront requests: %d (%s)", stats.total, dict(stats.by_operation))


def require(value: Any, name: str, task_id: str) -> Any:
    """Refuse an empty required argument with a message naming the task and the argument."""
    if value in (None, "", [], {}):
        raise ValueError(f"{task_id}: {name} is required")
    return value
