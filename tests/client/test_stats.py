"""RequestStats counts requests by operation, safely across threads."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from airflow_workfront.client import RequestStats


def test_counts_across_threads():
    stats = RequestStats()
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda n: stats.record("search" if n % 2 else "get", retry=n % 10 == 0), range(1000)))
    assert stats.total == 1000
    assert stats.by_operation == {"search": 500, "get": 500}
    assert stats.retries == 100
    stats.record_error("WorkfrontServerError")
    assert stats.snapshot()["errors"] == {"WorkfrontServerError": 1}
