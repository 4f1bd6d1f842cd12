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


def run(base, pages, deletes=(), kinds=None, mode="upsert"):
    sink = ObjectStorageSink(f"file://{base}", mode=mode)
    sink.open(SyncTarget(TARGET.obj_code, TARGET.fields, TARGET.date_field, W, kinds))
    for n, page in enumerate(pages):
        sink.write_page(page, partition=0, page=n)
    if deletes:
        sink.delete(list(deletes), batch=0)
    sink.close(SyncSummary("TASK", W, "lastUpdateDate", fetched=sum(map(len, pages))))
    return base / "TASK" / "20260301T000000.000Z_20260301T010000.000Z"


def read(path, synced=False):
    rows = [json.loads(line) for line in gzip.decompress(path.read_bytes()).decode().splitlines()]
    return rows if synced else [{k: v for k, v in r.items() if k != "_wf_synced_at"} for r in rows]


def records(n, offset=0):
    return [{"ID": f"id{i}", "lastUpdateDate": W.start + timedelta(minutes=i), "name": f"n{i}",
             "project": {"ID": "p"}} for i in range(offset, offset + n)]


def test_pages_become_gzip_json_lines_with_a_manifest(tmp_path):
    d = run(tmp_path, [records(3), records(2, 3)], deletes=["gone1"])
    assert sorted(p.name for p in d.iterdir()) == [
        "_manifest.json", "_schema.json", "deleted-00000.jsonl.gz", "part-0000-page-00000.jsonl.gz",
        "part-0000-page-00001.jsonl.gz",
    ]
    rows = read(d / "part-0000-page-00000.jsonl.gz")
    assert rows[0] == {"ID": "id0", "lastUpdateDate": "2026-03-01T00:00:00.000Z", "name": "n0", "project": {"ID": "p"}}
    assert read(d / "deleted-00000.jsonl.gz") == [{"ID": "gone1"}]
    manifest = json.loads((d / "_manifest.json").read_text())
    assert [f["rows"] for f in manifest["files"]] == [1, 3, 2]
    assert manifest["window"] == W.as_dict() and manifest["summary"]["fetched"] == 5
    assert manifest["mode"] == "upsert" and manifest["schema"] == "_schema.json"
    assert all(r["_wf_synced_at"].endswith("Z") for r in read(d / "part-0000-page-00000.jsonl.gz", synced=True))


def test_rerun_of_a_window_overwrites_and_removes_stale_files(tmp_path):
    d = run(tmp_path, [records(3), records(3, 3), records(1, 6)])
    first = {p.name: read(p) for p in d.iterdir() if p.name.endswith(".gz")}
    d = run(tmp_path, [records(3), records(3, 3)])  # the window now has fewer pages
    second = {p.name: read(p) for p in d.iterdir() if p.name.endswith(".gz")}
    assert sorted(second) == ["part-0000-page-00000.jsonl.gz", "part-0000-page-00001.jsonl.gz"]
    assert all(second[k] == first[k] for k in second)  # identical input: identical rows


def test_other_windows_are_left_alone(tmp_path):
    run(tmp_path, [records(2)])
    other = tmp_path / "TASK" / "20260301T010000.000Z_20260301T020000.000Z"
    other.mkdir(parents=True)
    (other / "keep.txt").write_text("x")
    run(tmp_path, [records(1)])
    assert (other / "keep.txt").exists()


def test_only_date_typed_fields_are_converted_and_every_field_keeps_its_own_key(tmp_path):
    looks = "2020-05-18T17:00:00:000-0600"
    rec = {"ID": "a", "lastUpdateDate": "2026-03-01T00:10:00:000-0600", "name": looks, "DE:Cost Center": 1,
           "DE:Cost-Center": 2, "DE:Region": "EMEA", "DE:region": "emea", "plannedCompletionDate": looks}
    kinds = {"name": "text", "plannedCompletionDate": "timestamp", "DE:Cost Center": "number"}
    for types in (kinds, None):  # with metadata, and without (then nothing but the window date is a date)
        d = run(tmp_path, [[rec]], kinds=types)
        (row,) = read(d / "part-0000-page-00000.jsonl.gz")
        assert row["name"] == looks and row["lastUpdateDate"] == "2026-03-01T06:10:00.000Z"
        assert row["plannedCompletionDate"] == ("2020-05-18T23:00:00.000Z" if types else looks)
        assert (row["DE:Cost Center"], row["DE:Cost-Center"], row["DE:Region"], row["DE:region"]) == (1, 2, "EMEA", "emea")


def test_a_schema_next_to_the_files_and_the_mode_in_the_manifest(tmp_path):
    d = run(tmp_path, [records(2)], kinds={"name": "text", "project": "json"}, mode="history")
    schema = json.loads((d / "_schema.json").read_text())
    assert schema["types_from"] == "metadata"
    assert schema["fields"] == [
        {"column": "ID", "field": "ID", "type": "text"},
        {"column": "lastUpdateDate", "field": "lastUpdateDate", "type": "timestamp"},
        {"column": "name", "field": "name", "type": "text"},
        {"column": "project", "field": "project", "type": "json"},
        {"column": "_wf_synced_at", "field": None, "type": "timestamp"},
    ]
    assert json.loads((d / "_manifest.json").read_text())["mode"] == "history"
