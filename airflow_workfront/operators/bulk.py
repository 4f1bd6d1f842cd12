"""Bulk operators: create, update or delete many objects, 100 per request."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow_workfront.client.limits import MAX_BULK_SIZE
from airflow_workfront.operators.base import WorkfrontBaseOperator
from airflow_workfront.operators.records import load_records

if TYPE_CHECKING:
    from airflow.sdk import Context

    from airflow_workfront.client import BulkResult


class _WorkfrontBulkOperator(WorkfrontBaseOperator):
    """Shared part of the bulk operators.

    :param obj_code: Object code. Templated.
    :param records: A list, JSON text (e.g. a templated XCom), or a path to a JSON/JSONL/CSV file,
        local or ``ObjectStoragePath``. Templated.
    :param atomic: Write each chunk of 100 entirely or not at all. Without it (the default) every
        record Workfront accepts is written and only the refused ones are reported failed.
    :param fail_on_error: Fail the task when any record failed (default True); the summary is
        logged either way. Reported failures were not written, so re-sending them cannot
        duplicate anything.
    """

    template_fields: Sequence[str] = (*WorkfrontBaseOperator.template_fields, "obj_code", "records")
    verb = "processed"

    def __init__(self, *, obj_code: str, records: Any, atomic: bool = False, fail_on_error: bool = True,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.obj_code, self.records, self.atomic, self.fail_on_error = obj_code, records, atomic, fail_on_error

    def run_bulk(self, items: list[Any]) -> BulkResult:
        raise NotImplementedError

    def execute(self, context: Context) -> dict[str, Any]:
        items = load_records(self.records)
        self.log.info("%s: %d %s records to send in %d request(s) of at most %d", self.task_id, len(items),
                      self.obj_code, -(-len(items) // MAX_BULK_SIZE), MAX_BULK_SIZE)
        result = self.run_bulk(items)
        summary = result.summary()
        summary["obj_code"] = self.obj_code
        self.log.info("%s %d of %d %s records in %d requests", self.verb, summary["succeeded"], summary["total"],
                      self.obj_code, result.requests)
        if summary["unidentified"]:
            self.log.warning("%d written records could not be found again, so their IDs are not in the result",
                             summary["unidentified"])
        for failure in result.failures[:20]:
            self.log.error("record %d (chunk %d) failed: %s", failure.index, failure.chunk, failure.error)
        if result.failures and self.fail_on_error:
            first = result.failures[0]
            raise RuntimeError(
                f"{self.task_id}: {len(result.failures)} of {result.total} {self.obj_code} records failed; first: "
                f"record {first.index} (chunk {first.chunk}): {first.error}"
            )
        return summary


class WorkfrontBulkCreateOperator(_WorkfrontBulkOperator):
    """Create many objects; returns ``{total, succeeded, failed, ids, unidentified, failures, requests}``.

    ``ids`` names every created object, in input order, ``atomic`` or not.
    """

    verb = "created"

    def run_bulk(self, items: list[Any]) -> BulkResult:
        return self.client.bulk_create(self.obj_code, items, atomic=self.atomic, fields=["ID"])


class WorkfrontBulkUpdateOperator(_WorkfrontBulkOperator):
    """Update many objects; every record carries its ``ID``."""

    verb = "updated"

    def run_bulk(self, items: list[Any]) -> BulkResult:
        return self.client.bulk_update(self.obj_code, items, atomic=self.atomic, fields=["ID"])


class WorkfrontBulkDeleteOperator(_WorkfrontBulkOperator):
    """Delete many objects; ``records`` are IDs (or records with an ``ID``).

    :param force: Also delete what depends on each object.
    """

    verb = "deleted"

    def __init__(self, *, force: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.force = force

    def run_bulk(self, items: list[Any]) -> BulkResult:
        ids = [item["ID"] if isinstance(item, dict) else str(item) for item in items]
        return self.client.bulk_delete(self.obj_code, ids, force=self.force, atomic=self.atomic)
