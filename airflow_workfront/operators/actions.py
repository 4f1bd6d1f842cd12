"""Run any Workfront action: ``calculateTimeline``, ``move``, approvals, ``markDone``..."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow_workfront.operators.base import WorkfrontBaseOperator, require

if TYPE_CHECKING:
    from airflow.sdk import Context


class WorkfrontActionOperator(WorkfrontBaseOperator):
    """Run a named action on an object (``PUT /{obj}/{ID}/{action}``), or on several objects.

    :param obj_code: Object code. Templated.
    :param action: The action's name, e.g. ``calculateTimeline`` or ``move``. Templated.
    :param obj_id: One ID or a list of IDs (one request each). Templated.
    :param arguments: The action's arguments, e.g. ``{"projectID": "..."}`` for ``move``. Templated.
    """

    template_fields: Sequence[str] = (*WorkfrontBaseOperator.template_fields, "obj_code", "action", "obj_id",
                                      "arguments")
    template_fields_renderers = {"arguments": "json"}

    def __init__(self, *, obj_code: str, action: str, obj_id: str | list[str] | None = None,
                 arguments: dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.obj_code, self.action, self.obj_id, self.arguments = obj_code, action, obj_id, arguments

    def execute(self, context: Context) -> dict[str, Any]:
        require(self.action, "action", self.task_id)
        ids = self.obj_id if isinstance(self.obj_id, (list, tuple)) else [self.obj_id]
        results = {}
        for obj_id in ids:
            results[obj_id or ""] = self.client.action(self.obj_code, self.action, obj_id, self.arguments)
            self.log.info("%s on %s %s: done", self.action, self.obj_code, obj_id or "(type)")
        return {"action": self.action, "obj_code": self.obj_code, "ids": [i for i in ids if i], "results": results}
