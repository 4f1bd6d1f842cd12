"""Turning Workfront values into what a destination stores, by the field's kind.

Only a field whose kind is ``timestamp`` (from ``/metadata``, or the window's date field) is parsed
as a date, and becomes ISO 8601 UTC text (``2020-05-18T23:00:00.000Z``, which sorts correctly as
text and which PostgreSQL reads into ``timestamptz``). Text is never rewritten because of how it
looks. JSON fields become compact JSON text; numbers and booleans stay as they are.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timezone
from typing import Any

from airflow_workfront.sync.sinks.fieldtypes import JSON, TEXT, TIMESTAMP
from airflow_workfront.sync.window import iso_ms

_NONE = type(None)


def to_json_text(value: Any) -> str:
    """Compact, key-sorted JSON (deterministic, so unchanged values compare equal)."""
    return json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))


def as_timestamp(value: Any, field: str) -> str:
    """A date-typed field's value as ISO UTC text; anything that is not a date is a clear error."""
    from airflow_workfront.client.dates import parse_wf_utc

    if isinstance(value, datetime):
        return iso_ms(parse_wf_utc(value))
    if isinstance(value, date):
        return iso_ms(datetime(value.year, value.month, value.day, tzinfo=timezone.utc))
    if isinstance(value, str):
        try:
            return iso_ms(parse_wf_utc(value))
        except ValueError:
            try:  # a date-only value ("2026-03-01") is that day's UTC midnight
                return as_timestamp(date.fromisoformat(value.strip()), field)
            except ValueError:
                pass
    raise ValueError(f"field {field!r} is a date in Workfront's metadata, but its value is {value!r}")


def _fast_timestamp(field: str) -> Callable[[Any], Any]:
    """Workfront's own timestamp form, with its colon before the milliseconds made a dot (PostgreSQL reads it)."""

    def convert(value: Any) -> Any:
        if isinstance(value, str) and len(value) == 28 and value[19] == ":" and value[10] == "T":
            return f"{value[:19]}.{value[20:]}"
        return as_timestamp(value, field)

    return convert


def converter(kind: str, column_kind: str, field: str, server_casts: bool = False) -> Callable[[Any], Any]:
    """A function turning ``field``'s values (of ``kind``) into what a ``column_kind`` column takes.

    Built once per column, so the per-value work is one call. ``server_casts`` is for PostgreSQL,
    which receives text and casts it to the column type itself: Workfront timestamps then go as
    they came (only the colon before the milliseconds made a dot), and nested values stay nested
    until they are written out as JSON.
    """
    if kind == TIMESTAMP:
        fast = server_casts and column_kind == TIMESTAMP
        stamp = _fast_timestamp(field) if fast else lambda v: as_timestamp(v, field)
        return lambda v: None if v is None else stamp(v)
    if kind == JSON:
        if server_casts and column_kind == JSON:
            return lambda v: v
        return lambda v: None if v is None else to_json_text(v)
    to_text = column_kind == TEXT

    def convert(value: Any) -> Any:
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, bool):
            return ("true" if value else "false") if to_text else value
        if isinstance(value, int | float) and not to_text:
            return value
        return str(value) if isinstance(value, int | float) else to_json_text(value)

    return convert


def column_converter(
    kind: str, column_kind: str, field: str, server_casts: bool = False
) -> Callable[[list[Any]], list[Any]]:
    """Like :func:`converter`, for a whole column at once: the same results, with less work per value.

    A column whose values all have types the converter passes through unchanged is returned as
    it is (one pass over the types, in C); Workfront timestamps are rewritten inline.
    """
    one = converter(kind, column_kind, field, server_casts)
    if kind == TIMESTAMP and server_casts and column_kind == TIMESTAMP:
        def stamps(values: list[Any]) -> list[Any]:
            return [
                f"{v[:19]}.{v[20:]}" if v.__class__ is str and len(v) == 28 and v[19] == ":" and v[10] == "T"
                else one(v)
                for v in values
            ]
        return stamps
    if kind == TIMESTAMP:
        return lambda values: [one(v) for v in values]
    if kind == JSON:
        if server_casts and column_kind == JSON:
            return lambda values: values
        return lambda values: [None if v is None else to_json_text(v) for v in values]
    # The types ``converter`` leaves as they are, for this column.
    unchanged = {_NONE, str} if column_kind == TEXT else {_NONE, str, bool, int, float}

    def other(values: list[Any]) -> list[Any]:
        return values if set(map(type, values)) <= unchanged else [one(v) for v in values]

    return other
