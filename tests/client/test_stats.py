"""Request counters by operation, safe across threads."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from airflow_workfront.client import RequestStats


def test_counts_by_operation_and_retries():
    stats = RequestStats()
    stats.record("search")
    stats.record("search", retry=True)
    stats.record("count")
    stats.record_error("WorkfrontRateLimitError")
    snap = stats.snapshot()
    assert snap == {"total": 3, "retries": 1, "by_operation": {"search": 2, "count": 1},
                    "errors": {"WorkfrontRateLimitError": 1}}
    json.dumps(snap)
    assert "search" in repr(stats)


def test_thread_safe():
    stats = RequestStats()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: stats.record("get", retry=n % 2 == 0), range(4000)))
    assert (stats.total, stats.retries, stats.by_operation["get"]) == (4000, 2000, 4000)
