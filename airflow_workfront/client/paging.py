"""The paging plan of a search, shared by the sync and async clients (pure: no I/O).

Offset paging with ``$$FIRST``/``$$LIMIT``: pages of at most 2,000 rows, stop on a short page
(so a result that is an exact multiple of the page size costs one extra, empty request), and
never ask for more than ``max_results`` rows in all.
"""

from __future__ import annotations

from airflow_workfront.client.limits import check_page_size


class PagePlan:
    """Which page to ask for next, and when to stop.

    :param page_size: Rows per request (1 to 2000).
    :param max_results: Stop after this many rows (``None``: all of them).

    Use: ``while (page := plan.next_page()) is not None: rows = fetch(*page); plan.got(len(rows))``.
    """

    def __init__(self, page_size: int, max_results: int | None = None) -> None:
        check_page_size(page_size)  # where a search's own page_size enters
        if max_results is not None and max_results < 0:
            raise ValueError(f"max_results must not be negative, got {max_results}")
        self.page_size = page_size
        self.max_results = max_results
        self.first = 0
        self.done = False
        self._asked = 0

    def next_page(self) -> tuple[int, int] | None:
        """``(first, limit)`` of the next request, or ``None`` when the search is complete."""
        if self.done:
            return None
        limit = self.page_size if self.max_results is None else min(self.page_size, self.max_results - self.first)
        if limit <= 0:
            self.done = True
            return None
        self._asked = limit
        return self.first, limit

    def got(self, rows: int) -> None:
        """Record how many rows the last page returned."""
        if rows < self._asked:
            self.done = True
        self.first += rows
