"""``WorkfrontMirror``: the whole of Workfront in a warehouse, from one declaration.

A :class:`~airflow.sdk.TaskGroup` with one sync task per object type (the way astronomer-cosmos's
``DbtTaskGroup`` turns a dbt project into tasks). Task IDs are fixed when the DAG is parsed, and
parsing asks Workfront nothing: each task finds its type's fields, custom fields included, when it
runs (:mod:`~airflow_workfront.sync.discovery`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from airflow.sdk import TaskGroup

from airflow_workfront.mirror.objects import (
    DEFAULT_OBJECTS,
    JOURNALED,
    MirrorObject,
    mirror_object,
    table_name,
)

#: Pool slots of a task by the size of its type: a big type reads partitions with half of a
#: 10-slot pool, so two big types keep every slot busy and no one type ever holds more than half;
#: a small type reads one request at a time. Big types also start first (``MirrorObject.weight``):
#: the longest reads begin early and the short ones fill the slots they leave (docs/mirror.md).
BIG_SLOTS, SMALL_SLOTS = 5, 1


class WorkfrontMirror(TaskGroup):
    """Every object type of a Workfront tenant, each in its own table (or folder), kept exact.

    Each task is a :class:`~airflow_workfront.operators.sync.WorkfrontToSqlOperator` (or
    ``WorkfrontToObjectStorageOperator`` with ``path``) with ``fields="all"``: every field of the
    type's ``/metadata``, each reference's ID, and every custom field as a typed column, found at
    run time. Tables are named ``f"{table_prefix}{obj_code.lower()}"`` with snake_case columns.

    :param group_id: The group's ID; task IDs are ``<group_id>.<obj_code lower>`` (``workfront.task``).
    :param sql_conn_id: A common-sql connection to write tables into. Give this or ``path``.
    :param path: An object-storage base path (``ObjectStoragePath`` or ``"s3://conn@bucket/prefix"``)
        to write files under instead of tables.
    :param objects: Object codes to copy (default: :data:`~airflow_workfront.mirror.objects.DEFAULT_OBJECTS`).
    :param table_prefix: Table name prefix (default ``wf_``).
    :param mode: ``"upsert"`` (default), ``"soft_delete"`` or ``"history"``. Types without a date
        field (teams) cannot be dated per version and keep ``soft_delete`` in history mode.
    :param workfront_conn_id: The Workfront connection (default ``workfront_default``).
    :param column_names: ``"snake_case"`` (default) or ``"workfront"`` for new tables.
    :param on_count_mismatch: After each type, Workfront's count and the table's live rows are
        compared; ``"warn"`` (default) logs a difference nothing explains, ``"fail"`` fails the task.
    :param pool: The pool every task runs in (default ``workfront_api``): with 10 slots, the
        group never has more than 10 requests in flight, whatever the number of workers.
    :param pool_slots: Slots per task, by object code (default 5 for big types, 1 for the rest). Big
        types also carry a higher ``priority_weight`` (absolute), largest first, so that they start
        first; ``task_kwargs`` can set both otherwise.
    :param initial_start: Where each table's first run starts (default: the beginning: everything).
    :param storage_conn_id: Connection for ``path`` when it names none.
    :param route_events: Add a ``route_events`` branch task ahead of the syncs: a run started by
        Workfront events (the receiver's asset events) then runs only the tasks of the types they
        name, and the others are skipped before they start, taking no worker slot; any other run
        syncs every type. For a mirror scheduled on the receiver's asset (default False: each
        sync task skips itself in such runs, after starting).
    :param task_kwargs: Extra arguments for every task (``retries``, ``max_wait``...).
    :param kwargs: Passed to ``TaskGroup`` (``tooltip``, ``default_args``...).
    """

    def __init__(
        self,
        *,
        group_id: str = "workfront",
        sql_conn_id: str | None = None,
        path: Any = None,
        objects: Sequence[str] | None = None,
        table_prefix: str = "wf_",
        mode: str = "upsert",
        workfront_conn_id: str = "workfront_default",
        column_names: str = "snake_case",
        on_count_mismatch: str = "warn",
        pool: str = "workfront_api",
        pool_slots: Mapping[str, int] | None = None,
        initial_start: datetime | str | None = None,
        storage_conn_id: str | None = None,
        route_events: bool = False,
        task_kwargs: Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        if (sql_conn_id is None) == (path is None):
            raise ValueError(f"WorkfrontMirror {group_id!r}: give exactly one of sql_conn_id= (tables) or path= (files)")
        codes = _object_codes(group_id, objects)
        kwargs.setdefault("tooltip", f"Workfront mirror: {len(codes)} object types")
        super().__init__(group_id=group_id, **kwargs)
        self.object_codes = codes
        self.table_prefix = table_prefix
        self.sql_conn_id = sql_conn_id
        self.path = path
        slots = {k.upper(): v for k, v in (pool_slots or {}).items()}
        with self:
            syncs = [self._add_task(mirror_object(code), codes, slots, mode, workfront_conn_id, column_names,
                                    on_count_mismatch, pool, initial_start, storage_conn_id, dict(task_kwargs or {}))
                     for code in codes]
            if route_events:
                self._add_router(syncs)

    def _add_router(self, syncs: list[Any]) -> None:
        """The ``route_events`` branch task ahead of every sync task."""
        from airflow.sdk import task

        reads_on = {op.task_id: list(op.event_obj_codes) for op in syncs}

        @task.branch(task_id="route_events")
        def route_events(triggering_asset_events: Any = None, dag_run: Any = None) -> list[str]:
            """Run the sync tasks of the types this run's Workfront events name (all, for other runs)."""
            return tasks_for_run(reads_on, triggering_asset_events or {}, getattr(dag_run, "run_type", ""))

        route_events() >> syncs

    def _add_task(self, obj: MirrorObject, codes: Sequence[str], slots: Mapping[str, int], mode: str,
                  workfront_conn_id: str, column_names: str, on_count_mismatch: str, pool: str,
                  initial_start: Any, storage_conn_id: str | None, extra: dict[str, Any]) -> Any:
        """One sync task for ``obj``."""
        from airflow_workfront.operators.sync import (
            ALL_FIELDS,
            WorkfrontToObjectStorageOperator,
            WorkfrontToSqlOperator,
        )

        common: dict[str, Any] = dict(
            task_id=obj.code.lower(), obj_code=obj.code, fields=ALL_FIELDS, workfront_conn_id=workfront_conn_id,
            pool=pool, pool_slots=slots.get(obj.code, BIG_SLOTS if obj.big else SMALL_SLOTS),
            priority_weight=obj.weight, weight_rule="absolute",
            initial_start=initial_start, event_obj_codes=self.event_codes_for(obj.code, codes),
            mode=_mode_for(obj.code, mode), doc_md=f"Copies Workfront **{obj.name}** (`{obj.code}`).",
        )
        common.update(extra)
        if self.sql_conn_id is not None:
            deletes = "journal" if obj.journaled_deletes else ("none" if obj.code == "JRNLE" else "reconcile")
            return WorkfrontToSqlOperator(table=table_name(self.table_prefix, obj.code), sql_conn_id=self.sql_conn_id,
                                          column_names=column_names, deletes=deletes, check_counts=True,
                                          on_count_mismatch=on_count_mismatch, **common)
        deletes = "journal" if obj.journaled_deletes else "none"
        return WorkfrontToObjectStorageOperator(path=self.path, storage_conn_id=storage_conn_id, deletes=deletes,
                                                **common)

    @staticmethod
    def event_codes_for(code: str, codes: Sequence[str]) -> list[str]:
        """The object codes whose Workfront events make ``code``'s task read in an event-started run:
        its own, and for the journal every journaled type of the mirror (their changes add entries)."""
        if code == "JRNLE":
            return sorted({c for c in codes if c in JOURNALED} | {"JRNLE"})
        return [code]

    def tables(self) -> dict[str, str]:
        """Object code -> the table (or folder name) it is copied into."""
        return {code: table_name(self.table_prefix, code) for code in self.object_codes}


def tasks_for_run(reads_on: Mapping[str, Sequence[str]], triggering_asset_events: Mapping[Any, Any],
                  run_type: Any) -> list[str]:
    """The sync task IDs a run should run: for a run started by events, those whose object codes
    (``reads_on``: task ID -> codes) an event names; for any other run, or events that name no
    type, all of them."""
    from airflow_workfront.sync.events import named_object_codes

    kind = str(getattr(run_type, "value", run_type)).lower()
    named = named_object_codes(triggering_asset_events)
    if kind != "asset_triggered" or named is None:
        return list(reads_on)
    return [task_id for task_id, codes in reads_on.items() if named & {c.upper() for c in codes}]


def _object_codes(group_id: str, objects: Sequence[str] | None) -> list[str]:
    """The object codes to copy, upper-case, each once, in the given order."""
    if objects is None:
        return list(DEFAULT_OBJECTS)
    if isinstance(objects, str):
        raise ValueError(f"WorkfrontMirror {group_id!r}: objects must be a list of object codes, got the string "
                         f"{objects!r}")
    codes = list(dict.fromkeys(str(o).strip().upper() for o in objects))
    if not codes or not all(c.isalnum() for c in codes):
        raise ValueError(f"WorkfrontMirror {group_id!r}: objects must be Workfront object codes such as "
                         f"['PROJ', 'TASK'], got {list(objects)!r}")
    return codes


def _mode_for(code: str, mode: str) -> str:
    """History mode dates versions by their date field; teams have none and keep soft deletes."""
    return "soft_delete" if mode == "history" and code == "TEAMOB" else mode
