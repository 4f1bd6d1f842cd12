"""``/report``: group objects by fields and aggregate others, as Workfront's report call does.

The answer is keyed by the group value (nested one level per ``_GroupBy``); each group carries
``<fn>_<field>`` aggregates and the grouped field's value; ``$$ROLLUP=true`` adds totals.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from airflow_workfront.emulator.catalog import ObjectType
from airflow_workfront.emulator.errors import bad_request
from airflow_workfront.emulator.query import Evaluator, Query, _path

FUNCTIONS = ("sum", "avg", "min", "max", "count", "dcount")


def _aggregate(fn: str, values: list[Any]) -> Any:
    present = [v for v in values if v is not None]
    if fn == "count":
        return len(present)
    if fn == "dcount":
        return len(set(map(str, present)))
    numbers = [float(v) for v in present if isinstance(v, (int, float))]
    if not numbers:
        return 0 if fn == "sum" else None
    if fn == "sum":
        return sum(numbers)
    if fn == "avg":
        return sum(numbers) / len(numbers)
    return min(numbers) if fn == "min" else max(numbers)


def run_report(evaluator: Evaluator, obj_type: ObjectType, query: Query) -> dict:
    """Group and aggregate every matching object."""
    for _, fn in query.aggregates:
        if fn not in FUNCTIONS:
            raise bad_request(f"_AggFunc: {fn!r} is not one of {', '.join(FUNCTIONS)}")
    if not query.aggregates:
        # The docs do not say what a report without an aggregate answers; the recorded report
        # (fixtures/report.json) counts distinct IDs, so that is what the emulator reports.
        query = replace(query, aggregates=[("ID", "dcount")])
    records = evaluator.select(obj_type, query)
    group_paths = [_path(obj_type, g) for g in query.group_by]
    agg_paths = [(_path(obj_type, f), f, fn) for f, fn in query.aggregates]

    def summarise(items: list[dict]) -> dict:
        return {f"{fn}_{name}": _aggregate(fn, [v for r in items for v in evaluator.values_at(obj_type, r, path)])
                for path, name, fn in agg_paths}

    def group(items: list[dict], level: int) -> dict:
        if level == len(group_paths):
            return summarise(items)
        buckets: dict[str, list[dict]] = {}
        for record in items:
            value = (evaluator.values_at(obj_type, record, group_paths[level])[:1] or [None])[0]
            buckets.setdefault("" if value is None else str(value), []).append(record)
        out: dict[str, Any] = {}
        for key in sorted(buckets):
            entry = group(buckets[key], level + 1)
            if level == len(group_paths) - 1:
                entry[query.group_by[level]] = key
            out[key] = entry
        if query.rollup:
            out["$$ROLLUP"] = summarise(items)
        return out

    return group(records, 0)
