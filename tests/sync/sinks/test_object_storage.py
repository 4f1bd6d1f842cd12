"""ObjectStorageSink on the local filesystem through ObjectStoragePath."""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timedelta, timezone

from airflow_workfront.sync.sinks.base import SyncTarget
from airflow_workfront.sync.sinks.object_storage import ObjectStorageSink
from airflow_workfront.sync.summary import SyncSummary
from airflow_workfront.sync.window import SyncWindow

UTC = timezone.utc
W = SyncWindow(datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 1, 1, tzinfo=UTC))
TARGET = SyncTarget("TASK", ("ID", "lastUpdateDate", "name"), "lastUpdateDate", W)


def run(base, pages, deletes=()):
    sink = ObjectStorageSink(f"file://{base}")
    sink.open(TARGET)
    for n, page in enumerate(pages):
        sink.write_page(page, partition=0, page=n)
    if deletes:
        sink.delete(list(deletes), batch=0)
    sink.close(SyncSummary("TASK", W, "lastUpdateDate", fetched=sum(map(len, pages))))
    return base / "TASK" / "20260301T000000.000Z_20260301T010000.000Z"


def read(path):
    return [json.loads(line) for line in gzip.decompress(path.read_bytes()).decode().splitlines()]


def records(n, offset=0):
    return [{"ID": f"id{i}", "lastUpdateDate": W.start + timedelta(minutes=i), "name": f"n{i}",
             "project": {"ID": "p"}} for i in range(offset, offset + n)]


def test_pages_become_gzip_json_lines_with_a_manifest(tmp_path):
    d = run(tmp_path, [records(3), records(2, 3)], deletes=["gone1"])
    assert sorted(p.name for p in d.iterdir()) == [
        "_manifest.json", "deleted-00000.jsonl.gz", "part-0000-page-00000.jsonl.gz", "part-0000-page-00001.jsonl.gz",
    ]
    rows = read(d / "part-0000-page-00000.jsonl.gz")
    assert rows[0] == {"ID": "id0", "lastUpdateDate": "2026-03-01T00:00:00.000Z", "name": "n0", "project": {"ID": "p"}}
    assert read(d / "deleted-00000.jsonl.gz") == [{"ID": "gone1"}]
    manifest = json.loads((d / "_manifest.json").read_text())
    assert [f["rows"] for f in manifest["files"]] == [1, 3, 2]
    assert manifest["window"] == W.as_dict() and manifest["summary"]["fetched"] == 5


def test_rerun_of_a_window_overwrites_and_removes_stale_files(tmp_path):
    d = run(tmp_path, [records(3), records(3, 3), records(1, 6)])
    first = {p.name: p.read_bytes() for p in d.iterdir() if p.name != "_manifest.json"}
    d = run(tmp_path, [records(3), records(3, 3)])  # the window now has fewer pages
    second = {p.name: p.read_bytes() for p in d.iterdir() if p.name != "_manifest.json"}
    assert sorted(second) == ["part-0000-page-00000.jsonl.gz", "part-0000-page-00001.jsonl.gz"]
    assert all(second[k] == first[k] for k in second)  # identical input: byte-identical files


def test_other_windows_are_left_alone(tmp_path):
    run(tmp_path, [records(2)])
    other = tmp_path / "TASK" / "20260301T010000.000Z_20260301T020000.000Z"
    other.mkdir(parents=True)
    (other / "keep.txt").write_text("x")
    run(tmp_path, [records(1)])
    assert (other / "keep.txt").exists()
