"""Object types with no date to window on, read whole every run.

A few Workfront types carry neither ``lastUpdateDate`` nor ``entryDate`` (teams, ``TEAMOB``, are
the one in the mirror's default set), so no window can find what changed. They are small, so each
run reads every object, keyset-paged on ``ID`` (stable under concurrent edits, unlike offsets),
writes the pages, and then removes from the sink every stored ID Workfront no longer has. The
sink's upsert changes only rows whose values differ.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from airflow_workfront.sync.deletes import missing_ids
from airflow_workfront.sync.sinks.base import Sink, SyncTarget
from airflow_workfront.sync.summary import SyncSummary
from airflow_workfront.sync.window import EPOCH, SyncWindow

log = logging.getLogger(__name__)


class SnapshotSync:
    """Copy every object of ``obj_code`` into a sink and delete the ones that are gone.

    :param client: A :class:`~airflow_workfront.client.WorkfrontClient`.
    :param obj_code: The object type (one without a date field).
    :param fields: Fields to read; ``ID`` is always read.
    :param page_size: Rows per request (default: the client's, at most 2000).
    :param field_kinds: Field -> kind for sinks that type columns (``None``: judged from values).
    """

    def __init__(self, client: Any, obj_code: str, fields: list[str], page_size: int | None = None,
                 field_kinds: Mapping[str, str] | None = None) -> None:
        self.client = client
        self.obj_code = obj_code.upper()
        self.fields = list(dict.fromkeys(["ID", *fields]))
        config = getattr(client, "config", None)
        self.page_size = page_size or min(2000, int(getattr(config, "page_size", 2000) or 2000))
        self.field_kinds = field_kinds

    def run(self, sink: Sink) -> SyncSummary:
        """Read everything, write it, delete what Workfront no longer has; return what was done."""
        started, before = time.monotonic(), _requests(self.client)
        window = SyncWindow(EPOCH, datetime.now(timezone.utc))
        summary = SyncSummary(self.obj_code, window, "", deletes_mode="reconcile")
        kinds = self.field_kinds if getattr(sink, "uses_metadata", False) else None
        sink.open(SyncTarget(self.obj_code, tuple(self.fields), "", window, kinds))
        present: list[str] = []
        last: str | None = None
        while True:
            filters = {"ID": last, "ID_Mod": "gt"} if last is not None else {}
            rows = self.client.search_page(self.obj_code, filters=filters, fields=self.fields, sort=[("ID", "asc")],
                                           first=0, limit=self.page_size)
            if rows:
                summary.upserted += sink.write_page(rows, partition=0, page=summary.pages)
                summary.fetched += len(rows)
                summary.pages += 1
                present.extend(str(r["ID"]) for r in rows)
            if len(rows) < self.page_size:
                break
            last = str(rows[-1]["ID"])
        summary.counted = len(present)
        if getattr(sink, "supports_reconcile", False):
            for n, ids in enumerate(missing_ids(sink.iter_ids(), sorted(present), self.page_size)):
                summary.deleted += sink.delete(ids, batch=n)
        summary.requests = _requests(self.client) - before
        summary.extra["duration_s"] = round(time.monotonic() - started, 3)
        summary.extra["read"] = "whole (the type has no date field)"
        sink.close(summary)
        log.info("Synced %s whole (it has no date to window on): %d objects read, %d upserted, %d deleted, "
                 "%d requests", self.obj_code, summary.fetched, summary.upserted, summary.deleted, summary.requests)
        return summary


def _requests(client: Any) -> int:
    stats = getattr(client, "stats", None)
    return int(getattr(stats, "total", 0) or 0)
