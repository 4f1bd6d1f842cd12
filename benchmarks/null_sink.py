"""A sink that keeps nothing, for benchmarks that time the read alone."""

from __future__ import annotations

from airflow_workfront.sync.sinks.base import Sink


class NullSink(Sink):
    """Counts the rows it is given and keeps none (no ``/metadata`` read, no reconciliation)."""

    supports_reconcile = False

    def __init__(self) -> None:
        self.rows = 0

    def open(self, target):
        """Nothing to prepare."""

    def write_page(self, rows, partition=0, page=0):
        """Count the page's rows."""
        self.rows += len(rows)
        return len(rows)

    def delete(self, ids, batch=0):
        """Nothing is kept, so nothing is deleted."""
        return 0

    def close(self, summary):
        """Nothing to close."""
