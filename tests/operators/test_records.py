"""Bulk operators read records from a list, JSON text, or JSON/JSONL/CSV files (local or object storage)."""

from __future__ import annotations

import json

import pytest

from airflow_workfront.operators.records import load_records


def test_lists_and_json_text(tmp_path):
    assert load_records([{"name": "a"}]) == [{"name": "a"}]
    assert load_records(' [{"name": "b"}] ') == [{"name": "b"}]
    with pytest.raises(ValueError, match="do not parse"):
        load_records("[{broken")


def test_files_by_extension(tmp_path):
    (tmp_path / "r.json").write_text(json.dumps([{"name": "j"}]))
    (tmp_path / "r.jsonl").write_text('{"name": "l1"}\n\n{"name": "l2"}\n')
    (tmp_path / "r.csv").write_text("name,priority,description\nc1,2,\nc2,,text\n")
    assert load_records(str(tmp_path / "r.json")) == [{"name": "j"}]
    assert load_records(str(tmp_path / "r.jsonl")) == [{"name": "l1"}, {"name": "l2"}]
    assert load_records(str(tmp_path / "r.csv")) == [{"name": "c1", "priority": "2"}, {"name": "c2", "description": "text"}]
    assert load_records(f"file://{tmp_path / 'r.jsonl'}") == [{"name": "l1"}, {"name": "l2"}]


def test_bad_sources_are_named(tmp_path):
    (tmp_path / "obj.json").write_text('{"name": "not a list"}')
    with pytest.raises(ValueError, match="JSON array"):
        load_records(str(tmp_path / "obj.json"))
    with pytest.raises(ValueError, match=r"\.json, \.jsonl or \.csv"):
        load_records(str(tmp_path / "records.txt"))
    with pytest.raises(TypeError, match="records must be"):
        load_records(42)
