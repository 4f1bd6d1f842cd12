"""Turning Workfront values into what a destination stores, by the field's kind.

Only a field whose kind is ``timestamp`` (from ``/metadata``, or the window's date field) is parsed
as a date, and becomes ISO 8601 UTC text (``2020-05-18T23:00:00.000Z``, which sorts correctly as
text and which PostgreSQL reads into ``timestamptz``). Text is never rewritten because of how it
looks. JSON fields become compact JSON text; numbers and booleans stay as they are.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from typing import Any

from airflow_workfront.sync.sinks.fieldtypes import BOOLEAN, INTEGER, JSON, NUMBER, TIMESTAMP
from airflow_workfront.sync.window import iso_ms


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


def storable(value: Any, kind: str, field: str) -> Any:
    """One value ready for a column of ``kind`` (``None`` stays ``None``)."""
    if value is None:
        return None
    if kind == TIMESTAMP:
        return as_timestamp(value, field)
    if kind == JSON:
        return to_json_text(value)
    if kind in (INTEGER, NUMBER, BOOLEAN) and isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return value
    # Text (or a number field holding something else): numbers as their JSON text, structures as JSON.
    return to_json_text(value)
