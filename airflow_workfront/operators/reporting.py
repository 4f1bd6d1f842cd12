"""Count and report operators: aggregates computed by Workfront, returned as small XComs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow_workfront.operators.base import WorkfrontBaseOperator

if TYPE_CHECKING:
    from airflow.sdk import Context


class WorkfrontCountOperator(WorkfrontBaseOperator):
    """Count the objects matching filters (one request); returns the number.

    :param obj_code: Object code. Templated.
    :param filters: Workfront filters. Templated.
    """

    template_fields: Sequence[str] = (*WorkfrontBaseOperator.template_fields, "obj_code", "filters")
    template_fields_renderers = {"filters": "json"}

    def __init__(self, *, obj_code: str, filters: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.obj_code, self.filters = obj_code, filters

    def execute(self, context: Context) -> int:
        count = self.client.count(self.obj_code, self.filters)
        self.log.info("%s: %d %s objects match", self.task_id, count, self.obj_code)
        return count


class WorkfrontReportOperator(WorkfrontBaseOperator):
    """Group and aggregate in Workfront (``/report``); returns Workfront's answer.

    :param obj_code: Object code. Templated.
    :param group_by: Fields to group by, outermost first (e.g. ``["project:name"]``). Templated.
    :param aggregates: ``{field: function}`` with sum, avg, min, max, count or dcount. Templated.
    :param filters: Workfront filters. Templated.
    :param rollup: Add ``$$ROLLUP`` totals.
    """

    template_fields: Sequence[str] = (*WorkfrontBaseOperator.template_fields, "obj_code", "group_by", "aggregates",
                                      "filters")

    def __init__(self, *, obj_code: str, aggregates: dict[str, str], group_by: list[str] | str | None = None,
                 filters: dict[str, Any] | None = None, rollup: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.obj_code, self.aggregates, self.group_by = obj_code, aggregates, group_by
        self.filters, self.rollup = filters, rollup

    def execute(self, context: Context) -> dict:
        return self.client.report(self.obj_code, self.filters, self.group_by, self.aggregates, self.rollup)
