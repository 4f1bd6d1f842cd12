"""Operators that run the incremental sync for one Workfront object type per task.

Both operators read the window from the DAG run's data interval by default. **Windowed syncs need
a data-interval timetable**: with Airflow 3's default ``[scheduler] create_cron_data_intervals =
False``, ``schedule="@hourly"`` is a ``CronTriggerTimetable`` whose data interval has zero width,
so the sync would read nothing. Use ``schedule=CronDataIntervalTimetable("@hourly", timezone="UTC")``
(or ``DeltaDataIntervalTimetable``) from ``airflow.sdk``; the operators refuse a zero-width window.

Runs leave no gap (``fill_gaps=True``, the default). Each task keeps where its gap-free reading
ends (an Airflow Variable, see :mod:`~airflow_workfront.sync.watermark`). A run whose
interval starts later (runs skipped with ``catchup=False``, or failed) reads from there, and the
task's first run loads everything before its interval (or from ``initial_start``); see
:mod:`~airflow_workfront.sync.coverage`. A **manual run** without a data interval (``airflow dags
trigger`` without ``--logical-date``) syncs from there up to Workfront's clock minus the margin.
Each run logs what it chose and why. Every window is read only once Workfront's own clock has passed its end (see
:mod:`~airflow_workfront.sync.closing`).

Put every Workfront task in a pool (e.g. ``pool="workfront_api"`` with 10 slots) and set
``max_active_runs=1`` on sync DAGs. A sync task keeps at most ``pool_slots`` requests in flight
(its partitions read in parallel up to that), so the pool bounds requests across all workers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseOperator

if TYPE_CHECKING:
    from airflow.sdk import Context

    from airflow_workfront.sync.sinks.base import Sink


#: ``fields=ALL_FIELDS`` reads every field of the type, found at run time (sync/discovery.py).
ALL_FIELDS = "all"


class _WorkfrontSyncOperator(BaseOperator):
    """Shared part of the sync operators: window, hook, engine; subclasses build the sink.

    :param obj_code: Workfront object code to sync (``"TASK"``, ``"PROJ"``, ``"HOUR"``...). Templated.
    :param fields: Fields to read (list or comma string; default ``["*"]``), or ``"all"``: every
        field the object's ``/metadata`` lists, each reference's ID and every custom field of the
        type, asked of Workfront at each run (see :mod:`~airflow_workfront.sync.discovery`). ``ID``
        and the window date are always added. Templated.
    :param filters: Extra Workfront filters ANDed with the window, e.g. ``{"status": "CUR"}``
        (no ``OR:`` groups). Templated.
    :param window_start: Window start (datetime or ISO string); default the data interval start. Templated.
    :param window_end: Window end, excluded; default the data interval end. Templated.
    :param workfront_conn_id: Workfront connection (default ``workfront_default``).
    :param date_field: Timestamp to window on (default ``lastUpdateDate``, ``entryDate`` for JRNLE, NOTE...).
    :param overlap: Lookback re-read before the window start (``timedelta`` or seconds; default
        5 minutes, the clock-skew bound the sync is exact for).
    :param margin: Read a window once Workfront's clock has passed its end by this much
        (``timedelta`` or seconds; default 5 s).
    :param max_wait: Longest wait for that before the task fails with a message that says why
        (``timedelta`` or seconds; default 6 minutes).
    :param watermark_variable: Airflow Variable that keeps where this task's gap-free reading ends,
        where later runs start (default ``workfront_sync_watermark__<dag_id>__<task_id>``).
    :param fill_gaps: Read from that watermark when it is earlier than the run's start, and load
        everything before the first run's interval (default True). ``False`` reads exactly the data
        interval: changes in skipped or failed intervals, and objects unchanged since before the
        first interval, are then never read unless those windows are backfilled.
    :param initial_start: Where the task's first run starts reading (datetime or ISO string;
        default: the beginning, so the first run loads every object). Templated.
    :param deletes: ``"auto"`` (journal ``D`` entries, none for journal-like objects),
        ``"journal"``, ``"reconcile"`` (compare every ID; SQL only) or ``"none"``.
    :param page_size: Rows per request (default the connection's, at most 2000).
    :param max_workers: Partitions read at once (capped by ``pool_slots`` and the connection's
        ``max_concurrency``).
    :param check_counts: After the run, compare Workfront's count of the type with the
        destination's live rows, and put both in the summary (SQL only; see
        :mod:`~airflow_workfront.sync.counts`).
    :param on_count_mismatch: ``"warn"`` (default) logs a difference nothing explains; ``"fail"``
        fails the task.
    :param event_obj_codes: In a run started by Workfront events (asset events from the event
        receiver), the object codes whose events make this task read; others make it skip without
        a request (default: its own ``obj_code``). Runs started otherwise always read.
    """

    template_fields: Sequence[str] = ("obj_code", "fields", "filters", "window_start", "window_end", "initial_start")
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
        overlap: timedelta | float | None = None,
        deletes: str = "auto",
        page_size: int | None = None,
        max_workers: int | None = None,
        margin: timedelta | float | None = None,
        max_wait: timedelta | float | None = None,
        watermark_variable: str | None = None,
        fill_gaps: bool = True,
        initial_start: datetime | str | None = None,
        check_counts: bool = False,
        on_count_mismatch: str = "warn",
        event_obj_codes: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> None:
        from airflow_workfront.sync.counts import check_on_mismatch

        super().__init__(**kwargs)
        self.check_counts = check_counts
        self.on_count_mismatch = check_on_mismatch(on_count_mismatch)
        self.event_obj_codes = list(event_obj_codes) if event_obj_codes is not None else None
        self.obj_code = obj_code
        self.fields = fields
        self.filters = filters
        self.window_start = window_start
        self.window_end = window_end
        self.workfront_conn_id = workfront_conn_id
        self.date_field = date_field
        self.overlap = _as_timedelta(overlap, "overlap")
        self.margin = _as_timedelta(margin, "margin")
        self.max_wait = _as_timedelta(max_wait, "max_wait")
        self.watermark_variable = watermark_variable
        if not isinstance(fill_gaps, bool):
            raise ValueError(f"{self.task_id}: fill_gaps must be True or False, got {fill_gaps!r}")
        self.fill_gaps = fill_gaps
        self.initial_start = initial_start
        if not (isinstance(initial_start, str) and "{{" in initial_start):  # a template is checked once rendered
            _check_instant(self.task_id, initial_start, "initial_start")
        self.deletes = deletes
        self.page_size = page_size
        self.max_workers = max_workers
        _check_settings(self.task_id, workfront_conn_id, page_size, max_workers)

    def make_sink(self, context: Context) -> Sink:
        """Build the destination for this run."""
        raise NotImplementedError

    def resolve_window(self, context: Context, client: Any = None):
        """The run's :class:`~airflow_workfront.sync.window.SyncWindow`, chosen by
        :func:`~airflow_workfront.sync.run_window.choose_window` (which says why, and this logs it).

        :param client: Tells Workfront's clock, for a run without a data interval.
        """
        from airflow_workfront.sync.run_window import choose_window

        server_time = getattr(client, "server_time", None)
        choice = choose_window(
            task=self.task_id,
            obj_code=str(self.obj_code),
            interval_start=context.get("data_interval_start"),
            interval_end=context.get("data_interval_end"),
            explicit_start=_as_datetime(self.window_start, "window_start"),
            explicit_end=_as_datetime(self.window_end, "window_end"),
            watermark=self._watermark(context),
            fill_gaps=self.fill_gaps,
            initial_start=_as_datetime(self.initial_start, "initial_start"),
            workfront_now=(lambda: server_time(str(self.obj_code))) if server_time else None,
            margin=self.margin,
            not_before=self._latest_named_change(context),
        )
        self.log.info("%s", choice.why)
        return choice.window

    def _watermark(self, context: Context):
        """This task's :class:`~airflow_workfront.sync.watermark.SyncWatermark`, or
        ``None`` outside an Airflow task run (no task instance to name it after)."""
        from airflow_workfront.sync.watermark import SyncWatermark, watermark_key

        ti = context.get("ti")
        if self.watermark_variable:
            return SyncWatermark(self.watermark_variable)
        if ti is None:
            return None
        return SyncWatermark(watermark_key(ti.dag_id, ti.task_id, getattr(ti, "map_index", None)))

    def execute(self, context: Context) -> dict[str, Any]:
        from airflow_workfront.operators.base import hook_for_slots
        from airflow_workfront.sync.window import iso_ms

        self._skip_unless_named_by_events(context)
        by_events = _started_by_events(context)
        hook = hook_for_slots(self.workfront_conn_id, self.pool_slots)
        try:
            client = hook.get_conn()
            plan = self._field_plan(client)
            sink = self.make_sink(context)
            if plan is not None and plan.date_field is None:
                summary, window = self._read_whole(client, plan, sink), None
            else:
                window = self.resolve_window(context, client)
                # Reconciling reads every ID: the timetable's runs do it; a run started by events
                # deletes what its DELETE events name (sync/events.py).
                reconcile_by_events = by_events and self.deletes == "reconcile"
                engine = self._engine(client, plan, deletes="none" if reconcile_by_events else self.deletes)
                self._explain_workers(engine.max_workers)
                summary = engine.run(window, sink).as_dict()
                if reconcile_by_events:
                    summary["deleted"] += self._delete_named(context, sink)
            if plan is not None:
                summary["fields"] = {"read": len(plan.fields), "custom": len(plan.custom_fields),
                                     "discovery_requests": plan.requests}
            self._check_counts(client, sink, plan, window, summary)
        finally:
            hook.close()
        watermark = self._watermark(context)
        if watermark is not None and window is not None and not window.is_empty:
            before = watermark.get()
            kept = watermark.advance(window.end, context.get("run_id"), start=window.start)
            summary["watermark"] = iso_ms(kept)
            if kept != before:
                self.log.info("Watermark %r moved to %s", watermark.key, summary["watermark"])
            else:
                self.log.info("Watermark %r stays at %s: this run read nothing after it", watermark.key,
                              summary["watermark"])
        self._summary = summary
        return summary

    def _delete_named(self, context: Context, sink: Sink) -> int:
        """Delete the objects of this type that the run's DELETE events name; return rows removed."""
        from airflow_workfront.sync.events import deleted_ids

        ids = deleted_ids(context.get("triggering_asset_events") or {}, str(self.obj_code))
        removed = sink.delete(ids, batch=0) if ids else 0
        self.log.info("%s: %d deletion(s) named by this run's events, %d row(s) removed; the timetable's runs "
                      "reconcile every ID", self.obj_code, len(ids), removed)
        return removed

    def _engine(self, client: Any, plan: Any, deletes: str) -> Any:
        """The sync engine for this run (with the discovered fields when ``fields="all"``)."""
        from airflow_workfront.sync.closing import DEFAULT_LOOKBACK, DEFAULT_MARGIN, DEFAULT_MAX_WAIT
        from airflow_workfront.sync.engine import SyncEngine

        return SyncEngine(
            client,
            obj_code=self.obj_code,
            fields=list(plan.fields) if plan is not None else self.fields,
            filters=self.filters,
            date_field=self.date_field or (plan.date_field if plan is not None else None),
            page_size=self.page_size,
            max_workers=self.max_workers,
            deletes=deletes,
            overlap=DEFAULT_LOOKBACK if self.overlap is None else self.overlap,
            margin=DEFAULT_MARGIN if self.margin is None else self.margin,
            max_wait=DEFAULT_MAX_WAIT if self.max_wait is None else self.max_wait,
            field_kinds=plan.kinds if plan is not None else None,
            flatten_references=plan is not None,
        )

    def _field_plan(self, client: Any) -> Any:
        """Every field of the object type, asked of Workfront now, when ``fields="all"``; else ``None``."""
        if self.fields != ALL_FIELDS:
            return None
        from airflow_workfront.sync.discovery import discover_fields

        plan = discover_fields(client, str(self.obj_code))
        for note in plan.notes:
            self.log.warning("%s", note)
        self.log.info("%s: reading all %d fields: %d from /metadata and references, %d custom (%s)%s",
                      plan.obj_code, len(plan.fields), len(plan.fields) - len(plan.custom_fields),
                      len(plan.custom_fields), ", ".join(plan.custom_fields) or "none",
                      f"; left out {', '.join(plan.left_out)} (docs/mirror.md says why)" if plan.left_out else "")
        return plan

    def _read_whole(self, client: Any, plan: Any, sink: Sink) -> dict[str, Any]:
        """An object type without a date field: every object, every run (see sync/snapshot.py)."""
        from airflow_workfront.sync.snapshot import SnapshotSync

        if getattr(self, "mode", None) == "history":
            raise ValueError(f"{self.task_id}: {plan.obj_code} has no date field, so no version can be dated; "
                             "history mode cannot keep it. Use mode='upsert' or 'soft_delete'")
        self.log.info("%s has no lastUpdateDate or entryDate: reading it whole, and removing what is gone",
                      plan.obj_code)
        return SnapshotSync(client, plan.obj_code, list(plan.fields), self.page_size, plan.kinds).run(sink).as_dict()

    def _check_counts(self, client: Any, sink: Sink, plan: Any, window: Any, summary: dict[str, Any]) -> None:
        """Compare Workfront's count with the table's live rows (``check_counts=True``)."""
        if not self.check_counts:
            return
        live_count = getattr(sink, "live_count", None)
        if live_count is None:
            self.log.info("%s: this destination cannot count its rows; counts are not checked", self.obj_code)
            return
        from airflow_workfront.client.objects import reads_entry_date
        from airflow_workfront.sync.counts import CountMismatchError, count_check

        date_field = plan.date_field if plan is not None else (self.date_field or summary.get("date_field"))
        check = count_check(client, str(self.obj_code), live_count(), date_field,
                            window.end if window is not None else None, self.filters,
                            journaled_deletes=not reads_entry_date(str(self.obj_code)))
        summary["counts"] = check.as_dict()
        if check.matches or check.settled_later:
            self.log.info("%s", check.describe())
            return
        if self.on_count_mismatch == "fail":
            raise CountMismatchError(check.describe())
        self.log.warning("%s", check.describe())

    def _skip_unless_named_by_events(self, context: Context) -> None:
        """In a run started by Workfront events (asset events from the receiver), skip, without a
        request, unless an event names this task's object type (or one of ``event_obj_codes``)."""
        from airflow_workfront.sync.events import named_object_codes

        if not _started_by_events(context):
            return
        named = named_object_codes(context.get("triggering_asset_events") or {})
        wanted = {c.upper() for c in (self.event_obj_codes or [str(self.obj_code)])}
        if named is None or named & wanted:
            return
        from airflow.sdk.exceptions import AirflowSkipException

        raise AirflowSkipException(f"this run was started by Workfront events about {', '.join(sorted(named))}, "
                                   f"none of them {', '.join(sorted(wanted))}: nothing to read for this table")

    def _latest_named_change(self, context: Context) -> datetime | None:
        """In a run started by Workfront events, just after the latest change they name for this
        task (its window must hold it); ``None`` in other runs."""
        if not _started_by_events(context):
            return None
        from airflow_workfront.sync.events import latest_change

        latest = latest_change(context.get("triggering_asset_events") or {},
                               self.event_obj_codes or [str(self.obj_code)])
        return latest + timedelta(milliseconds=1) if latest is not None else None

    def _explain_workers(self, workers: int) -> None:
        """Say why a run reads with fewer workers than it could: the pool slots the task holds
        bound its requests in flight (see this module's docstring)."""
        if self.max_workers is not None and workers < self.max_workers:
            self.log.warning(
                "max_workers=%d is lowered to %d, the lower of the task's pool_slots (%d) and the connection's "
                "max_concurrency; give the task pool_slots=%d to read %d partitions at once",
                self.max_workers, workers, self.pool_slots, self.max_workers, self.max_workers)
        elif workers == 1 and self.pool_slots == 1:
            self.log.info("Reading one request at a time: the task holds 1 pool slot. Give it more "
                          "(e.g. pool_slots=5 in a 10-slot pool) to read partitions in parallel")

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
    column per field typed from Workfront's ``/metadata`` and a column map ``<table>_wf_columns``;
    each page is one transaction. Returns the run summary (window, upserted, deleted, requests,
    high-water mark) as XCom.

    :param table: Target table (optionally ``schema.table``). Templated.
    :param sql_conn_id: Airflow connection of the database (default ``workfront_warehouse``).
    :param create_table: Create the table and missing columns, and widen columns (default True).
    :param mode: ``"upsert"`` (one row per object, deletes remove it; default), ``"soft_delete"``
        (deletes set ``_wf_deleted``) or ``"history"`` (a row per version; see docs/sync.md).
    :param column_names: How a new table names its columns: ``"snake_case"`` (default:
        ``last_update_date``, ``project_id``, ``de_cost_center``) or ``"workfront"``
        (``lastUpdateDate``, ``projectID``, ``DE_Cost_Center``). An existing table keeps its names;
        the column map ``<table>_wf_columns`` records them.

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
        mode: str = "upsert",
        column_names: str = "snake_case",
        **kwargs: Any,
    ) -> None:
        from airflow_workfront.sync.sinks.base import check_mode
        from airflow_workfront.sync.sinks.columns import check_naming

        super().__init__(**kwargs)
        self.table = table
        self.sql_conn_id = sql_conn_id
        self.create_table = create_table
        self.mode = check_mode(mode)
        self.column_names = check_naming(column_names)

    def make_sink(self, context: Context) -> Sink:
        from airflow_workfront.sync.sinks.sql import SqlSink

        return SqlSink(self.table, conn_id=self.sql_conn_id, create_table=self.create_table, mode=self.mode,
                       column_names=self.column_names)

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
    :param mode: ``"upsert"`` (default), ``"soft_delete"`` or ``"history"``: written into each
        window's manifest, for the loader to apply; the files are the same in every mode.
    """

    template_fields: Sequence[str] = (*_WorkfrontSyncOperator.template_fields, "path")

    def __init__(self, *, path: str, storage_conn_id: str | None = None, mode: str = "upsert", **kwargs: Any) -> None:
        from airflow_workfront.sync.sinks.base import check_mode

        super().__init__(**kwargs)
        self.path = path
        self.storage_conn_id = storage_conn_id
        self.mode = check_mode(mode)
        if kwargs.get("deletes") == "reconcile":
            raise ValueError("WorkfrontToObjectStorageOperator cannot reconcile IDs; use deletes='journal'")

    def make_sink(self, context: Context) -> Sink:
        from airflow_workfront.sync.sinks.object_storage import ObjectStorageSink

        return ObjectStorageSink(self.path, conn_id=self.storage_conn_id, mode=self.mode)

    def _lineage_output(self) -> tuple[str, str] | None:
        from airflow_workfront.operators.lineage import storage_dataset

        return storage_dataset(str(self.path))


def _started_by_events(context: Context) -> bool:
    """Whether the run was started by asset events (Airflow gives such runs no data interval)."""
    run_type = getattr(context.get("dag_run"), "run_type", "")
    return str(run_type).lower().rsplit(".", 1)[-1] == "asset_triggered"


def _as_timedelta(value: timedelta | float | None, name: str) -> timedelta | None:
    """Accept a ``timedelta`` or a number of seconds (``None``: the engine's default)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, timedelta)) or value != value:
        raise ValueError(f"{name} must be a timedelta or a number of seconds, got {value!r}")
    try:
        delta = value if isinstance(value, timedelta) else timedelta(seconds=value)
    except OverflowError:
        raise ValueError(f"{name} must be a timedelta or a number of seconds, got {value!r}") from None
    if delta < timedelta(0):
        raise ValueError(f"{name} must not be negative, got {value!r}")
    return delta


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



def _check_instant(task_id: str, value: datetime | str | None, name: str) -> None:
    """Refuse, when the DAG is parsed, an instant that is not ISO 8601 or has no time zone."""
    parsed = _as_datetime(value, f"{task_id}: {name}")
    if parsed is not None and (parsed.tzinfo is None or parsed.utcoffset() is None):
        raise ValueError(f"{task_id}: {name} must have a time zone (e.g. '2026-01-01T00:00:00Z'), got {value!r}")


def _check_settings(task_id: str, conn_id: str, page_size: Any, max_workers: Any) -> None:
    """Refuse bad paging settings when the DAG is parsed, naming the task and the connection
    (the checks are Workfront's limits' own, in client/limits.py)."""
    from airflow_workfront.client.limits import check_count, check_page_size

    where = f"{task_id} (Workfront connection {conn_id!r})"
    if page_size is not None:
        check_page_size(page_size, f"{where}: page_size")
    if max_workers is not None:
        check_count(max_workers, f"{where}: max_workers")
