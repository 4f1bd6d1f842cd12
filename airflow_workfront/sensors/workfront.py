"""Sensors that wait for Workfront changes: objects updated, or journal entries written.

Each poke is one request. With ``deferrable=True`` the wait moves to the triggerer, which asks
the same question through the async client; both paths build the request and judge the answer
with the same functions (:mod:`airflow_workfront.changes`), so they return the same
value for the same data, and time out or soft-fail the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseSensorOperator, PokeReturnValue

from airflow_workfront.changes import DEFAULT_MAX_RESULTS, change_query, journal_query, judge

if TYPE_CHECKING:
    from airflow.sdk import Context

    from airflow_workfront.hooks.workfront import WorkfrontHook


def _default_deferrable() -> bool:
    from airflow.sdk import conf

    return conf.getboolean("operators", "default_deferrable", fallback=False)


class _WorkfrontWaitSensor(BaseSensorOperator):
    """Shared poke/defer logic of the Workfront sensors.

    :param workfront_conn_id: The Workfront connection. Templated.
    :param since: Only changes at or after this time (datetime or ISO text). Default: the run's
        ``data_interval_start``. Templated.
    :param max_results: Most IDs or entries returned (the answer says when it was truncated).
    :param deferrable: Wait in the triggerer instead of a worker slot.
    """

    kind = "change"
    template_fields: Sequence[str] = ("workfront_conn_id", "since")

    def __init__(self, *, workfront_conn_id: str = "workfront_default", since: datetime | str | None = None,
                 max_results: int = DEFAULT_MAX_RESULTS, deferrable: bool | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.workfront_conn_id = workfront_conn_id
        self.since = since
        self.max_results = max_results
        self.deferrable = _default_deferrable() if deferrable is None else deferrable

    @cached_property
    def hook(self) -> WorkfrontHook:
        from airflow_workfront.hooks.workfront import WorkfrontHook

        return WorkfrontHook(workfront_conn_id=self.workfront_conn_id)

    def resolve_since(self, context: Context) -> datetime | str:
        since = self.since or context.get("data_interval_start") or context.get("logical_date")
        if not since:
            raise ValueError(f"{self.task_id}: pass since=..., or run with a data interval")
        return since

    def build_query(self, context: Context) -> dict[str, Any]:
        raise NotImplementedError

    def poke(self, context: Context) -> PokeReturnValue:
        query = self.build_query(context)
        rows = self.hook.get_conn().search_page(**query)
        done, value = judge(self.kind, rows, query)
        if not done:
            self.log.info("%s: nothing yet in %s since %s", self.task_id, query["obj_code"], self.resolve_since(context))
        return PokeReturnValue(is_done=done, xcom_value=value)

    def execute(self, context: Context) -> Any:
        """Wait (poking, or deferring after a first poke); the hook's client is closed when this
        returns, raises or defers (the triggerer opens its own)."""
        try:
            if not self.deferrable:
                return super().execute(context)
            first = self.poke(context)
            if first.is_done:
                return first.xcom_value
            from airflow_workfront.triggers.workfront import WorkfrontSearchTrigger

            self.defer(
                trigger=WorkfrontSearchTrigger(workfront_conn_id=self.workfront_conn_id, kind=self.kind,
                                               query=self.build_query(context), poke_interval=self.poke_interval),
                method_name="execute_complete",
                timeout=timedelta(seconds=self.timeout),
            )
        finally:
            hook = self.__dict__.get("hook")  # a cached property: None if no poke made one
            if hook is not None:
                hook.close()

    def execute_complete(self, context: Context, event: dict[str, Any]) -> Any:
        """Resume after the trigger fired: return its value, or fail with its error."""
        if event.get("status") != "success":
            from airflow_workfront.client.errors import WorkfrontError

            # Not an AirflowException: soft_fail skips those, and a broken trigger must fail the task.
            raise WorkfrontError(f"{self.task_id}: the Workfront trigger failed: {event.get('message')}")
        return event["value"]


class WorkfrontChangeSensor(_WorkfrontWaitSensor):
    """Wait until objects of a type that match filters have changed since a time.

    Each poke is one search for up to ``max_results`` IDs with ``lastUpdateDate`` (``entryDate``
    for objects without it) at or after ``since``. Returns ``{ids, count, truncated, first_change,
    last_change}``.

    :param obj_code: Object code. Templated.
    :param filters: Workfront filters the objects must match (no ``OR:`` groups). Templated.
    """

    kind = "change"
    template_fields: Sequence[str] = (*_WorkfrontWaitSensor.template_fields, "obj_code", "filters")

    def __init__(self, *, obj_code: str, filters: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.obj_code, self.filters = obj_code, filters

    def build_query(self, context: Context) -> dict[str, Any]:
        return change_query(self.obj_code, self.resolve_since(context), self.filters, self.max_results)


class WorkfrontJournalSensor(_WorkfrontWaitSensor):
    """Wait for journal entries (JRNLE) about an object type, e.g. an issue's status becoming ``CPL``.

    Returns ``{entries, count, truncated}``; each entry has the object, field, change type and
    old/new values.

    :param obj_code: Code of the changed objects (``OPTASK``...). Templated.
    :param obj_id: Only this object. Templated.
    :param field_name: Only changes of this field (``status``...). Templated.
    :param new_value: Only changes to this value (compared with ``newTextVal``). Templated.
    :param change_type: ``A`` (added), ``E`` (edited) or ``D`` (deleted). Templated.
    """

    kind = "journal"
    template_fields: Sequence[str] = (*_WorkfrontWaitSensor.template_fields, "obj_code", "obj_id", "field_name",
                                      "new_value", "change_type")

    def __init__(self, *, obj_code: str, obj_id: str | None = None, field_name: str | None = None,
                 new_value: Any = None, change_type: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.obj_code, self.obj_id, self.field_name = obj_code, obj_id, field_name
        self.new_value, self.change_type = new_value, change_type

    def build_query(self, context: Context) -> dict[str, Any]:
        return journal_query(self.obj_code, self.resolve_since(context), self.obj_id, self.field_name,
                             self.new_value, self.change_type, self.max_results)
