"""Counts of requests a client made, by operation: for logs, sync summaries and benchmarks."""

from __future__ import annotations

import threading
from collections import Counter


class RequestStats:
    """Thread-safe request counters.

    ``total`` counts HTTP requests sent (retries and token requests included); ``retries`` the
    repeated attempts; ``by_operation`` the requests per client operation.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.total = 0
        self.retries = 0
        self.by_operation: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()

    def record(self, operation: str, retry: bool = False) -> None:
        """Count one request sent for ``operation``."""
        with self._lock:
            self.total += 1
            self.by_operation[operation] += 1
            if retry:
                self.retries += 1

    def record_error(self, kind: str) -> None:
        """Count one failed attempt by error class name."""
        with self._lock:
            self.errors[kind] += 1

    def snapshot(self) -> dict:
        """A JSON-able copy."""
        with self._lock:
            return {
                "total": self.total,
                "retries": self.retries,
                "by_operation": dict(self.by_operation),
                "errors": dict(self.errors),
            }

    def __repr__(self) -> str:
        return f"RequestStats({self.snapshot()})"
