"""Search Workfront: return a small result, or stream a large one to object storage."""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow_workfront.operators.base import WorkfrontBaseOperator
from airflow_workfront.operators.links import WorkfrontObjectLink

if TYPE_CHECKING:
    from airflow.sdk import Context

DEFAULT_MAX_RETURN = 1000


class WorkfrontResultTooLargeError(ValueError):
    """A search matched more objects than may travel through XCom."""


class WorkfrontSearchOperator(WorkfrontBaseOperator):
    """Search one object type, paging through every match.

    With ``output_path`` the results stream, page by page, to JSON Lines (gzip when the path ends in
    ``.gz``) at an ``ObjectStoragePath`` (``file:///...``, ``s3://conn@bucket/...``) and the task
    returns ``{"path", "count"}``. Without it, the task returns the IDs (or the records with
    ``return_records=True``) and fails with a clear error when more than ``max_return`` match, so
    large results never go through XCom.

    :param obj_code: Object code. Templated.
    :param filters: Workfront filters, e.g. ``{"status": "CUR", "name": "x", "name_Mod": "contains"}``. Templated.
    :param fields: Fields to return (nested ``project:name``, ``DE:`` custom fields, ``*``). Templated.
    :param sort: ``[(field, "asc"|"desc")]``; ``ID`` is appended so pages are stable.
    :param max_results: Stop after this many objects.
    :param output_path: Where to write JSON Lines. Templated.
    :param return_records: Return records rather than IDs (small results only).
    :param max_return: Most objects returned through XCom (default 1000).
    :param page_size: Rows per request (at most 2000).
    """

    template_fields: Sequence[str] = (*WorkfrontBaseOperator.template_fields, "obj_code", "filters", "fields",
                                      "output_path")
    template_fields_renderers = {"filters": "json"}
    operator_extra_links = (WorkfrontObjectLink(),)

    def __init__(self, *, obj_code: str, filters: dict[str, Any] | None = None, fields: list[str] | str | None = None,
                 sort: list | None = None, max_results: int | None = None, output_path: str | None = None,
                 return_records: bool = False, max_return: int = DEFAULT_MAX_RETURN, page_size: int | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.obj_code, self.filters, self.fields, self.sort = obj_code, filters, fields, sort
        self.max_results, self.output_path, self.return_records = max_results, output_path, return_records
        self.max_return, self.page_size = max_return, page_size

    def _rows(self):
        return self.client.search(self.obj_code, self.filters, self.fields, self.sort, self.page_size, self.max_results)

    def execute(self, context: Context) -> Any:
        if self.output_path:
            return self._write(self.output_path)
        rows: list[dict] = []
        for row in self._rows():
            rows.append(row if self.return_records else row["ID"])
            if len(rows) > self.max_return:
                raise WorkfrontResultTooLargeError(
                    f"{self.task_id}: more than {self.max_return} {self.obj_code} objects match; pass output_path to "
                    "stream them to object storage, or narrow the filters"
                )
        self.log_requests()
        self.log.info("%s: %d %s objects", self.task_id, len(rows), self.obj_code)
        if rows:  # for the "Workfront" button
            self.workfront_touched = (self.obj_code, str(rows[0]["ID"] if self.return_records else rows[0]))
        return rows

    def _write(self, path: str) -> dict[str, Any]:
        from airflow.sdk import ObjectStoragePath

        target = ObjectStoragePath(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        count = 0
        with target.open("wb") as raw:
            stream = gzip.GzipFile(fileobj=raw, mode="wb") if path.endswith(".gz") else raw
            try:
                for row in self._rows():
                    stream.write(json.dumps(row, separators=(",", ":")).encode() + b"\n")
                    count += 1
                    if count % 10000 == 0:
                        self.log.info("%s: %d objects written", self.task_id, count)
            finally:
                if stream is not raw:
                    stream.close()
        self.log_requests()
        self.log.info("%s: wrote %d %s objects to %s", self.task_id, count, self.obj_code, path)
        return {"path": str(path), "count": count}

    def get_openlineage_facets_on_complete(self, task_instance: Any) -> Any:
        """Lineage: the Workfront object type in, the JSON Lines file out (OpenLineage is optional)."""
        try:
            from airflow.providers.common.compat.openlineage.facet import Dataset
            from airflow.providers.openlineage.extractors import OperatorLineage
        except ImportError:
            return None
        from airflow_workfront.operators.lineage import storage_dataset, workfront_namespace

        outputs = [Dataset(*storage_dataset(str(self.output_path)))] if self.output_path else []
        return OperatorLineage(inputs=[Dataset(namespace=workfront_namespace(self.workfront_conn_id),
                                               name=self.obj_code.upper())], outputs=outputs)
