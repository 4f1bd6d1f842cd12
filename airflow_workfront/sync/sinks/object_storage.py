"""Object-storage sink: gzip JSON Lines files under an ``ObjectStoragePath`` (local, S3, GCS...).

Layout, one directory per object type and window, ``<base>/<OBJ>/<start>_<end>/``::

    part-0000-page-00000.jsonl.gz   # one file per page read
    deleted-00000.jsonl.gz          # {"ID": ...} per deleted object
    _schema.json                    # field, column and type of every key
    _manifest.json                  # written last: the run is complete

Each line is one object keyed by its Workfront field names, verbatim (``DE:Cost Center`` and
``DE:Cost-Center`` stay two keys), plus ``_wf_synced_at``. Values are converted by the field's type
from ``/metadata``: only date fields become ISO 8601 UTC text, text is never rewritten. The
``_schema.json`` next to the files gives each key's type and the column it maps to (the key
itself); the manifest names the ``mode`` the loader should apply (``upsert``, ``soft_delete`` or
``history``), since files hold versions and tombstones the same way in every mode.

File names depend only on the window, the partition and the page, so a re-run of a window
overwrites; files a previous run of the same window left behind are removed when the run opens.
Readers should take a window as complete only once its ``_manifest.json`` exists.
"""

from __future__ import annotations

import gzip
import json
import logging
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from airflow_workfront.sync.sinks.base import SYNCED_AT, Sink, SyncTarget, check_mode
from airflow_workfront.sync.sinks.fieldtypes import TIMESTAMP, FieldKinds
from airflow_workfront.sync.sinks.values import as_timestamp
from airflow_workfront.sync.window import iso_ms

if TYPE_CHECKING:
    from airflow.sdk import ObjectStoragePath

    from airflow_workfront.sync.summary import SyncSummary

log = logging.getLogger(__name__)

MANIFEST = "_manifest.json"
SCHEMA = "_schema.json"


def _compact(moment: datetime) -> str:
    """A path-safe UTC timestamp: ``20260301T000000.000Z``."""
    return moment.strftime("%Y%m%dT%H%M%S.") + f"{moment.microsecond // 1000:03d}Z"


def _jsonable(value: Any, kind: str, field: str) -> Any:
    """Date fields to ISO UTC text; everything else as Workfront sent it (JSON Lines holds nesting)."""
    if kind == TIMESTAMP and value is not None:
        return as_timestamp(value, field)
    return value


class ObjectStorageSink(Sink):
    """Write each synced page as a gzip JSON Lines file.

    :param base_path: Root directory, as a string (``"s3://aws_default@bucket/workfront"``,
        ``"file:///data/workfront"``) or an ``airflow.sdk.ObjectStoragePath``.
    :param conn_id: Airflow connection for the storage, when not given in the URL.
    :param mode: ``"upsert"`` (default), ``"soft_delete"`` or ``"history"``: recorded in the
        manifest for the loader; the files are the same in every mode.
    """

    uses_metadata = True

    def __init__(self, base_path: str | ObjectStoragePath, conn_id: str | None = None, mode: str = "upsert") -> None:
        from airflow.sdk import ObjectStoragePath

        if isinstance(base_path, ObjectStoragePath):
            self.base = base_path
        else:
            self.base = ObjectStoragePath(base_path, conn_id=conn_id) if conn_id else ObjectStoragePath(base_path)
        self.directory: ObjectStoragePath | None = None
        self.files: list[dict[str, Any]] = []
        self.mode = check_mode(mode)
        self._target: SyncTarget | None = None
        self._kinds: FieldKinds | None = None
        self._schema: dict[str, str] = {}  # field -> kind, for every key written

    def window_directory(self, target: SyncTarget) -> ObjectStoragePath:
        """Where the files of ``target``'s window go."""
        w = target.window
        return self.base / target.obj_code / f"{_compact(w.start)}_{_compact(w.end)}"

    def open(self, target: SyncTarget) -> None:
        """Create the window directory and clear what an earlier run of the same window wrote."""
        self._target = target
        self.files = []
        self._kinds = FieldKinds(target.field_kinds, target.date_field, f"files under {self.base}")
        self._schema = {}
        self.directory = self.window_directory(target)
        if self.directory.exists():
            stale = [p for p in self.directory.iterdir() if p.is_file()]
            # The manifest goes first, so readers never see a complete-looking, half-cleared window.
            for path in sorted(stale, key=lambda p: p.name != MANIFEST):
                path.unlink()
            if stale:
                log.info("Removed %d file(s) of a previous run from %s", len(stale), self.directory)
        else:
            self.directory.mkdir(parents=True, exist_ok=True)

    def _write(self, name: str, lines: list[dict[str, Any]]) -> None:
        assert self.directory is not None, "open() first"
        body = "".join(json.dumps(r, sort_keys=True, default=str, separators=(",", ":")) + "\n" for r in lines)
        # mtime=0: the bytes depend only on the rows (each carries its _wf_synced_at).
        data = gzip.compress(body.encode("utf-8"), mtime=0)
        (self.directory / name).write_bytes(data)
        self.files.append({"name": name, "rows": len(lines), "bytes": len(data)})

    def write_page(self, records: list[dict[str, Any]], *, partition: int, page: int) -> int:
        """Write one page file; every row counts as upserted."""
        assert self._kinds is not None, "open() first"
        fields = list(dict.fromkeys(k for r in records for k in r))
        new = [f for f in fields if f not in self._schema]
        if new:
            self._schema.update(self._kinds.for_page(new, records))
        synced = iso_ms(datetime.now(timezone.utc))
        lines = [
            {**{k: _jsonable(v, self._schema[k], k) for k, v in r.items()}, SYNCED_AT: synced} for r in records
        ]
        self._write(f"part-{partition:04d}-page-{page:05d}.jsonl.gz", lines)
        return len(records)

    def delete(self, ids: Sequence[str], *, batch: int) -> int:
        """Record deletions as a tombstone file (``{"ID": ...}`` per line) for the loader to apply."""
        if not ids:
            return 0
        self._write(f"deleted-{batch:05d}.jsonl.gz", [{"ID": i} for i in ids])
        return len(ids)

    def close(self, summary: SyncSummary) -> None:
        """Write the schema, then the manifest: the file list, row counts, mode and the run summary."""
        assert self.directory is not None and self._target is not None, "open() first"
        schema = {
            "fields": [{"field": f, "column": f, "type": k} for f, k in sorted(self._schema.items())]
            + [{"field": None, "column": SYNCED_AT, "type": "timestamp"}],
            "types_from": "metadata" if self._target.field_kinds is not None else "values",
        }
        (self.directory / SCHEMA).write_text(json.dumps(schema, indent=2, sort_keys=True))
        manifest = {
            "mode": self.mode,
            "schema": SCHEMA,
            "obj_code": self._target.obj_code,
            "fields": list(self._target.fields),
            "date_field": self._target.date_field,
            "window": self._target.window.as_dict(),
            "files": sorted(self.files, key=lambda f: f["name"]),
            "summary": {k: v for k, v in summary.as_dict().items() if k != "duration_s"},
        }
        (self.directory / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
