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

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from airflow_workfront.sync.engine import SyncEngine
    from airflow_workfront.sync.keyset import Key, KeyRange
    from airflow_workfront.sync.sinks.base import Sink, SyncTarget
    from airflow_workfront.sync.sinks.object_storage import ObjectStorageSink
    from airflow_workfront.sync.sinks.sql import SqlSink
    from airflow_workfront.sync.summary import SyncSummary
    from airflow_workfront.sync.window import SyncWindow, date_field_for

# Loaded on first use: DAG files import operators, whose __init__ reads small modules of this
# package (modes, column styles) at parse time; the engine, the sinks and fsspec wait for a run.
_HOMES = {
    "SyncEngine": "engine", "Key": "keyset", "KeyRange": "keyset", "Sink": "sinks.base", "SyncTarget": "sinks.base",
    "SqlSink": "sinks.sql", "ObjectStorageSink": "sinks.object_storage", "SyncSummary": "summary",
    "SyncWindow": "window", "date_field_for": "window",
}

__all__ = [
    "Key", "KeyRange", "ObjectStorageSink", "Sink", "SqlSink", "SyncEngine", "SyncSummary", "SyncTarget",
    "SyncWindow", "date_field_for",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
