"""BulkResult bookkeeping: input order, holes, per-record failures."""

from __future__ import annotations

from airflow_workfront.client import BulkResult
from airflow_workfront.client.operations import bulk_chunks, pages_needed


def test_chunks_of_at_most_100():
    chunks = bulk_chunks(list(range(250)))
    assert [(start, len(chunk)) for start, chunk in chunks] == [(0, 100), (100, 100), (200, 50)]
    assert bulk_chunks([]) == []


def test_result_in_input_order_with_failures():
    result = BulkResult(total=4)
    result.record_chunk(2, 1, [{"name": "c"}, {"name": "d"}], [{"ID": "3"}, {"ID": "4"}])
    result.record_failure(0, 0, [{"name": "a"}, {"name": "b"}], ValueError("refused"))
    assert result.succeeded == [None, None, {"ID": "3"}, {"ID": "4"}]
    assert [(f.index, f.chunk, f.record["name"], f.error) for f in result.failures] == [
        (0, 0, "a", "refused"), (1, 0, "b", "refused")]
    assert not result.ok
    assert result.ids == ["3", "4"]
    assert result.summary()["failed"] == 2 and result.summary()["succeeded"] == 2


def test_atomic_answer_keeps_known_ids():
    result = BulkResult(total=2)
    result.record_chunk(0, 0, ["a", {"ID": "b", "name": "x"}], {"success": True})
    assert result.ok and result.ids == ["a", "b"]


def test_pages_needed():
    assert [pages_needed(n, 2000) for n in (0, 1, 1999, 2000, 2001, 4500)] == [1, 1, 1, 2, 2, 3]
