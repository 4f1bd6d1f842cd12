"""Operators for single objects: get, create, update, delete, copy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow_workfront.operators.base import WorkfrontBaseOperator, require
from airflow_workfront.operators.links import WorkfrontObjectLink

if TYPE_CHECKING:
    from airflow.sdk import Context


class WorkfrontGetOperator(WorkfrontBaseOperator):
    """Read one object, or several by ID, and return them.

    :param obj_code: Object code (``TASK``, ``PROJ``...). Templated.
    :param obj_id: One ID, or a list of IDs (fetched in as few requests as the URL limit allows). Templated.
    :param fields: Fields to return (list or comma string; nested ``project:name``, ``DE:`` fields). Templated.
    """

    template_fields: Sequence[str] = (*WorkfrontBaseOperator.template_fields, "obj_code", "obj_id", "fields")

    def __init__(self, *, obj_code: str, obj_id: str | list[str], fields: list[str] | str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.obj_code, self.obj_id, self.fields = obj_code, obj_id, fields

    operator_extra_links = (WorkfrontObjectLink(),)

    def execute(self, context: Context) -> dict | list[dict]:
        require(self.obj_id, "obj_id", self.task_id)
        if isinstance(self.obj_id, (list, tuple)):
            found = self.client.get_many(self.obj_code, list(self.obj_id), self.fields)
            self._touched(found[0] if found else None)
            return found
        return self._touched(self.client.get(self.obj_code, self.obj_id, self.fields))


class WorkfrontCreateOperator(WorkfrontBaseOperator):
    """Create one object and return it (with its new ``ID``).

    :param obj_code: Object code. Templated.
    :param data: Field values, e.g. ``{"name": "Launch", "projectID": "..."}``. Templated.
    :param fields: Extra fields to return. Templated.
    """

    template_fields: Sequence[str] = (*WorkfrontBaseOperator.template_fields, "obj_code", "data", "fields")
    template_fields_renderers = {"data": "json"}

    def __init__(self, *, obj_code: str, data: dict[str, Any], fields: list[str] | str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.obj_code, self.data, self.fields = obj_code, data, fields

    operator_extra_links = (WorkfrontObjectLink(),)

    def execute(self, context: Context) -> dict:
        created = self.client.create(self.obj_code, require(self.data, "data", self.task_id), self.fields)
        self.log.info("Created %s %s", self.obj_code, created.get("ID"))
        return self._touched(created)


class WorkfrontUpdateOperator(WorkfrontBaseOperator):
    """Update one object (top-level fields are sparse; nested collections are replaced).

    :param obj_code: Object code. Templated.
    :param obj_id: The object's ID. Templated.
    :param data: Field values to set. Templated.
    :param fields: Extra fields to return. Templated.
    """

    template_fields: Sequence[str] = (*WorkfrontBaseOperator.template_fields, "obj_code", "obj_id", "data", "fields")
    template_fields_renderers = {"data": "json"}

    def __init__(self, *, obj_code: str, obj_id: str, data: dict[str, Any], fields: list[str] | str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.obj_code, self.obj_id, self.data, self.fields = obj_code, obj_id, data, fields

    operator_extra_links = (WorkfrontObjectLink(),)

    def execute(self, context: Context) -> dict:
        return self._touched(self.client.update(self.obj_code, require(self.obj_id, "obj_id", self.task_id),
                                                require(self.data, "data", self.task_id), self.fields))


class WorkfrontDeleteOperator(WorkfrontBaseOperator):
    """Delete one object.

    :param obj_code: Object code. Templated.
    :param obj_id: The object's ID. Templated.
    :param force: Also delete what depends on it (``force=true``).
    """

    template_fields: Sequence[str] = (*WorkfrontBaseOperator.template_fields, "obj_code", "obj_id")

    def __init__(self, *, obj_code: str, obj_id: str, force: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.obj_code, self.obj_id, self.force = obj_code, obj_id, force

    def execute(self, context: Context) -> dict:
        self.client.delete(self.obj_code, require(self.obj_id, "obj_id", self.task_id), force=self.force)
        return {"ID": self.obj_id, "deleted": True}


class WorkfrontCopyOperator(WorkfrontBaseOperator):
    """Copy an object (``copySourceID``), optionally changing fields of the copy.

    :param obj_code: Object code. Templated.
    :param source_id: ID of the object to copy. Templated.
    :param data: Fields to set on the copy, e.g. ``{"name": "Copy of X"}``. Templated.
    :param options: Workfront copy options. Templated.
    :param fields: Extra fields to return. Templated.
    """

    template_fields: Sequence[str] = (*WorkfrontBaseOperator.template_fields, "obj_code", "source_id", "data",
                                      "options", "fields")

    def __init__(self, *, obj_code: str, source_id: str, data: dict[str, Any] | None = None,
                 options: list[str] | None = None, fields: list[str] | str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.obj_code, self.source_id, self.data, self.options, self.fields = obj_code, source_id, data, options, fields

    operator_extra_links = (WorkfrontObjectLink(),)

    def execute(self, context: Context) -> dict:
        return self._touched(self.client.copy(self.obj_code, require(self.source_id, "source_id", self.task_id),
                                              self.data, self.options, self.fields))
