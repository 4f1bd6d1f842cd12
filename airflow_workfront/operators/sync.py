"""Operators that run the incremental sync for one Workfront object type per task.

Both operators read the window from the DAG run's data interval by default. **Windowed syncs need
a data-interval timetable**: with Airflow 3's default ``[scheduler] create_cron_data_intervals =
False``, ``schedule="@hourly"`` is a ``CronTriggerTimetable`` whose data interval has zero width,
so the sync would read nothing. Use ``schedule=CronDataIntervalTimetable("@hourly", timezone="UTC")``
(or ``DeltaDataIntervalTimetable``) from ``airflow.sdk``; the operators refuse a zero-width window.

Put every Workfront task in a pool (e.g. ``pool="workfront_api"`` with 10 slots) and set
``max_active_runs=1`` on sync DAGs; inside a task the client also caps requests in flight.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseOperator

if TYPE_CHECKING:
    from airflow.sdk import Context

    from airflow_workfront.sync.sinks.base import Sink


class _WorkfrontSyncOperator(BaseOperator):
    """Shared part of the sync operators: window, hook, engine; subclasses build the sink.

    :param obj_code: Workfront object code to sync (``"TASK"``, ``"PROJ"``, ``"HOUR"``...). Templated.
    :param fields: Fields to read (list or comma string; default ``["*"]``). ``ID`` and the window
        date are always added. Templated.
    :param filters: Extra Workfront filters ANDed with the window, e.g. ``{"status": "CUR"}``
        (no ``OR:`` groups). Templated.
    :param window_start: Window start (datetime or ISO string); default the data interval start. Templated.
    :param window_end: Window end, excluded; default the data interval end. Templated.
    :param workfront_conn_id: Workfront connection (default ``workfront_default``).
    :param date_field: Timestamp to window on (default ``lastUpdateDate``, ``entryDate`` for JRNLE, NOTE...).
    :param overlap: Extra time re-read before the window start (``timedelta`` or seconds).
    :param deletes: ``"auto"`` (journal ``D`` entries, none for journal-like objects),
        ``"journal"``, ``"reconcile"`` (compare every ID; SQL only) or ``"none"``.
    :param page_size: Rows per request (default the connection's, at most 2000).
    :param max_workers: Partitions read at once (capped by the connection's ``max_concurrency``).
    """

    template_fields: Sequence[str] = ("obj_code", "fields", "filters", "window_start", "window_end")
    template_fields_renderers = {"filters": "json"}
    ui_color = "#f5e6c8"

    def __init__(
        self,
        *,
        obj_code: str,
        fields: list[str] | str | None = None,
        filters: dict[str, Any] | None = None,
        window_start: datetime | str | None = None,
        window_end: datetime | str | None = None,
        workfront_conn_id: str = "workfront_default",
        date_field: str | None = None,
        overlap: timedelta | float = 0,
        deletes: str = "auto",
        page_size: int | None = None,
        max_workers: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.obj_code = obj_code
        self.fields = fields
        self.filters = filters
        self.window_start = window_start
        self.window_end = window_end
        self.workfront_conn_id = workfront_conn_id
        self.date_field = date_field
        self.overlap = overlap if isinstance(overlap, timedelta) else timedelta(seconds=overlap)
        self.deletes = deletes
        self.page_size = page_size
        self.max_workers = max_workers

    def make_sink(self, context: Context) -> Sink:
        """Build the destination for this run."""
        raise NotImplementedError

    def resolve_window(self, context: Context):
        """The run's :class:`~airflow_workfront.sync.window.SyncWindow` (explicit bounds or data interval)."""
        from airflow_workfront.sync.window import SyncWindow

        start = _as_datetime(self.window_start, "window_start") or context.get("data_interval_start")
        end = _as_datetime(self.window_end, "window_end") or context.get("data_interval_end")
        if start is None or end is None:
            raise ValueError(
                f"{self.task_id}: no sync window; pass window_start/window_end or run with a data interval"
            )
        window = SyncWindow(start, end)
        if window.is_empty:
            raise ValueError(
                f"{self.task_id}: the sync window {window} is empty. The DAG's data interval has zero "
                "width, as with schedule='@hourly' (CronTriggerTimetable); use "
                "CronDataIntervalTimetable('@hourly', timezone='UTC') from airflow.sdk"
            )
        return window

    def execute(self, context: Context) -> dict[str, Any]:
        from airflow_workfront.hooks.workfront import WorkfrontHook
        from airflow_workfront.sync.engine import SyncEngine

        window = self.resolve_window(context)
        hook = WorkfrontHook(workfront_conn_id=self.workfront_conn_id)
        engine = SyncEngine(
            hook.get_conn(),
            obj_code=self.obj_code,
            fields=self.fields,
            filters=self.filters,
            date_field=self.date_field,
            overlap=self.overlap,
            page_size=self.page_size,
            max_workers=self.max_workers,
            deletes=self.deletes,
        )
        try:
            summary = engine.run(window, self.make_sink(context)).as_dict()
        finally:
            hook.close()
        self._summary = summary
        return summary

    # -- OpenLineage (optional) ------------------------------------------------------------------
    def _workfront_namespace(self) -> str:
        """``workfront://<host>`` of the connection (no credentials), or the connection id."""
        from airflow_workfront.operators.lineage import workfront_namespace

        return workfront_namespace(self.workfront_conn_id)

    def _lineage_output(self) -> tuple[str, str] | None:
        """``(namespace, name)`` of the destination dataset."""
        return None

    def get_openlineage_facets_on_complete(self, task_instance: Any) -> Any:
        """OpenLineage input (the Workfront object type) and output (the destination).

        Returns ``None`` when the OpenLineage provider is not installed.
        """
        try:
            from airflow.providers.common.compat.openlineage.facet import Dataset
            from airflow.providers.openlineage.extractors import OperatorLineage
        except ImportError:
            return None
        inputs = [Dataset(namespace=self._workfront_namespace(), name=str(self.obj_code).upper())]
        output = self._lineage_output()
        outputs = [Dataset(namespace=output[0], name=output[1])] if output else []
        return OperatorLineage(inputs=inputs, outputs=outputs)


class WorkfrontToSqlOperator(_WorkfrontSyncOperator):
    """Sync one Workfront object type into a SQL table, upserting by ``ID``.

    Works with any common-sql database whose hook is a ``DbApiHook`` and that supports
    ``INSERT ... ON CONFLICT`` (SQLite, PostgreSQL...). The table is created when missing, with a
    column per field (nested objects and custom fields as JSON text, dates as ISO UTC text); each
    page is one transaction. Returns the run summary (window, upserted, deleted, requests,
    high-water mark) as XCom.

    :param table: Target table (optionally ``schema.table``). Templated.
    :param sql_conn_id: Airflow connection of the database (default ``workfront_warehouse``).
    :param create_table: Create the table and missing columns (default True).

    See :class:`_WorkfrontSyncOperator` for the Workfront-side parameters, and this module's
    docstring for the timetable windowed syncs need.
    """

    template_fields: Sequence[str] = (*_WorkfrontSyncOperator.template_fields, "table")

    def __init__(
        self,
        *,
        table: str,
        sql_conn_id: str = "workfront_warehouse",
        create_table: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.table = table
        self.sql_conn_id = sql_conn_id
        self.create_table = create_table

    def make_sink(self, context: Context) -> Sink:
        from airflow_workfront.sync.sinks.sql import SqlSink

        return SqlSink(self.table, conn_id=self.sql_conn_id, create_table=self.create_table)

    def _lineage_output(self) -> tuple[str, str] | None:
        from airflow_workfront.operators.lineage import sql_dataset

        return sql_dataset(self.sql_conn_id, self.table)


class WorkfrontToObjectStorageOperator(_WorkfrontSyncOperator):
    """Sync one Workfront object type to gzip JSON Lines files under an ``ObjectStoragePath``.

    Files are named per window, partition and page (``<path>/<OBJ>/<start>_<end>/part-P-page-N.jsonl.gz``)
    and a ``_manifest.json`` is written last, so a re-run of a window overwrites instead of
    duplicating. Deletions are written as ``deleted-N.jsonl.gz`` tombstones.

    :param path: Base path, e.g. ``"s3://aws_default@bucket/workfront"`` or ``"file:///data/wf"``. Templated.
    :param storage_conn_id: Connection for the storage when the path does not name one.
    """

    template_fields: Sequence[str] = (*_WorkfrontSyncOperator.template_fields, "path")

    def __init__(self, *, path: str, storage_conn_id: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.path = path
        self.storage_conn_id = storage_conn_id
        if kwargs.get("deletes") == "reconcile":
            raise ValueError("WorkfrontToObjectStorageOperator cannot reconcile IDs; use deletes='journal'")

    def make_sink(self, context: Context) -> Sink:
        from airflow_workfront.sync.sinks.object_storage import ObjectStorageSink

        return ObjectStorageSink(self.path, conn_id=self.storage_conn_id)

    def _lineage_output(self) -> tuple[str, str] | None:
        from airflow_workfront.operators.lineage import storage_dataset

        return storage_dataset(str(self.path))


def _as_datetime(value: datetime | str | None, name: str) -> datetime | None:
    """Accept a datetime or a rendered template string (ISO 8601)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{name} must be an ISO 8601 datetime, got {value!r}") from None
