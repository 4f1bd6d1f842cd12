"""The pure paging plan: page sizes, the short-page stop, max_results."""

from __future__ import annotations

import pytest

from airflow_workfront.client.paging import PagePlan


def run(plan: PagePlan, total: int) -> list[tuple[int, int]]:
    """Drive a plan over ``total`` stored rows; return the (first, limit) pairs it asked for."""
    asked = []
    while (page := plan.next_page()) is not None:
        asked.append(page)
        first, limit = page
        plan.got(max(0, min(limit, total - first)))
    return asked


@pytest.mark.parametrize(
    ("total", "pages"),
    [(0, [(0, 2000)]), (1, [(0, 2000)]), (1999, [(0, 2000)]), (2000, [(0, 2000), (2000, 2000)]),
     (2001, [(0, 2000), (2000, 2000)]), (4500, [(0, 2000), (2000, 2000), (4000, 2000)])],
)
def test_pages_at_the_edges(total, pages):
    assert run(PagePlan(2000), total) == pages


def test_max_results_trims_the_last_page_and_needs_no_extra_request():
    assert run(PagePlan(1000, max_results=2500), 10_000) == [(0, 1000), (1000, 1000), (2000, 500)]
    assert run(PagePlan(1000, max_results=2000), 10_000) == [(0, 1000), (1000, 1000)]
    assert run(PagePlan(1000, max_results=0), 10_000) == []


@pytest.mark.parametrize("size", [0, 2001])
def test_page_size_bounds(size):
    with pytest.raises(ValueError, match="page_size"):
        PagePlan(size)
