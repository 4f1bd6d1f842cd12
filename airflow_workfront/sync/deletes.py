"""Finding objects deleted in Workfront: from journal entries, or by reconciling IDs.

``lastUpdateDate`` never reports a deletion. Workfront journals a deletion as a ``JRNLE`` with
``changeType=D`` (always for hours; for other types when the field tracking is configured), so
a window's deletions are the journal's ``D`` entries for that object type in the same window.
Where deletions are not journaled, an opt-in reconciliation compares every ID in Workfront with
every ID in the sink, both streamed in ascending order, so memory stays flat.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from typing import Any

from airflow_workfront.sync.keyset import KeyRange
from airflow_workfront.sync.paging import KeysetReader
from airflow_workfront.sync.window import SyncWindow


def journal_deleted_ids(
    client: Any,
    obj_code: str,
    window: SyncWindow,
    page_size: int,
    stop: threading.Event | None = None,
) -> Iterator[list[str]]:
    """Yield, page by page, the IDs of ``obj_code`` objects whose deletion was journaled in ``window``.

    Reads ``JRNLE`` with ``objObjCode=<obj_code>&changeType=D`` on ``entryDate`` in keyset order
    (``objObjCode`` stays filterable in every API version; ``subObjCode`` does not since v13).
    """
    reader = KeysetReader(
        client,
        "JRNLE",
        fields=["ID", "entryDate", "objID", "objObjCode", "changeType"],
        date_field="entryDate",
        user_filters={"objObjCode": obj_code, "changeType": "D"},
        page_size=page_size,
        stop=stop,
    )
    for rows in reader.pages(KeyRange(window.start, window.end)):
        ids = [str(r["objID"]) for r in rows if r.get("objID")]
        if ids:
            yield ids


def workfront_ids(client: Any, obj_code: str, filters: dict[str, Any], page_size: int) -> Iterator[str]:
    """Yield every ID of ``obj_code`` matching ``filters``, ascending, keyset-paged on ``ID``."""
    last: str | None = None
    while True:
        page_filters = dict(filters)
        if last is not None:
            page_filters.update({"ID": last, "ID_Mod": "gt"})
        rows = client.search_page(
            obj_code, filters=page_filters, fields=["ID"], sort=[("ID", "asc")], first=0, limit=page_size
        )
        for row in rows:
            yield str(row["ID"])
        if len(rows) < page_size:
            return
        last = str(rows[-1]["ID"])


def missing_ids(stored: Iterable[str], present: Iterable[str], batch_size: int) -> Iterator[list[str]]:
    """Yield batches of the IDs in ``stored`` that are absent from ``present`` (both ascending).

    :raises ValueError: when either side is not in ascending order (a merge would be wrong).
    """
    present_it = iter(present)
    current = next(present_it, None)
    previous_stored: str | None = None
    batch: list[str] = []
    for sid in stored:
        if previous_stored is not None and sid <= previous_stored:
            raise ValueError(f"stored IDs are not in ascending order ({previous_stored!r} then {sid!r})")
        previous_stored = sid
        while current is not None and current < sid:
            nxt = next(present_it, None)
            if nxt is not None and nxt <= current:
                raise ValueError(f"Workfront IDs are not in ascending order ({current!r} then {nxt!r})")
            current = nxt
        if current != sid:
            batch.append(sid)
            if len(batch) >= batch_size:
                yield batch
                batch = []
    if batch:
        yield batch
