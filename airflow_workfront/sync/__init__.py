"""Incremental sync of Workfront objects into a warehouse or object storage.

The contract (``docs/architecture.md``, "sync/"): a run covers a half-open window ``[start, end)``
of ``lastUpdateDate`` (``entryDate`` for objects without one), pages by key on ``(date, ID)`` so
concurrent edits lose and duplicate nothing, streams page by page to a sink, applies deletions from
journal entries or an ID reconciliation, and returns a small :class:`SyncSummary`.

    from airflow_workfront.sync import SyncEngine, SyncWindow, SqlSink
    engine = SyncEngine(client, obj_code="TASK", fields=["ID", "name", "status"])
    summary = engine.run(SyncWindow(start, end), SqlSink("wf_task", conn_id="warehouse"))
"""

from __future__ import annotations

from airflow_workfront.sync.engine import SyncEngine
from airflow_workfront.sync.keyset import Key, KeyRange
from airflow_workfront.sync.sinks.base import Sink, SyncTarget
from airflow_workfront.sync.sinks.sql import SqlSink
from airflow_workfront.sync.summary import SyncSummary
from airflow_workfront.sync.window import SyncWindow, date_field_for

__all__ = [
    "Key",
    "KeyRange",
    "ObjectStorageSink",
    "Sink",
    "SqlSink",
    "SyncEngine",
    "SyncSummary",
    "SyncTarget",
    "SyncWindow",
    "date_field_for",
]


def __getattr__(name: str):
    # The object-storage sink pulls in fsspec through ObjectStoragePath: import it on first use.
    if name == "ObjectStorageSink":
        from airflow_workfront.sync.sinks.object_storage import ObjectStorageSink

        return ObjectStorageSink
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
