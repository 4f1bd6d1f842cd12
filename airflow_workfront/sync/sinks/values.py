"""Turning Workfront records into flat rows any destination can store.

Scalars stay as they are, Workfront timestamps become ISO 8601 UTC text
(``2020-05-18T23:00:00.000Z``, which also sorts correctly as text), and nested objects,
collections and anything else structured become JSON text.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from airflow_workfront.sync.window import iso_ms

# Workfront's response form has a colon before the milliseconds; filters and events use a dot.
_WF_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[:.]\d{3}(Z|[+-]\d{2}:?\d{2})$")
_NON_IDENT = re.compile(r"[^0-9A-Za-z_]+")


def column_name(key: str) -> str:
    """A safe column name for a record key: ``DE:Cost Center`` -> ``DE_Cost_Center``."""
    name = _NON_IDENT.sub("_", key).strip("_")
    if not name:
        raise ValueError(f"record key {key!r} gives an empty column name")
    return name


def normalise_value(value: Any) -> Any:
    """One record value as a storable scalar (see module docstring)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, datetime):
        return iso_ms(value)
    if isinstance(value, str):
        if _WF_TIMESTAMP.match(value):
            from airflow_workfront.client.dates import parse_wf_utc

            return iso_ms(parse_wf_utc(value))
        return value
    return json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))


def normalise_record(record: dict[str, Any]) -> dict[str, Any]:
    """A record keyed by column name with every value normalised."""
    return {column_name(k): normalise_value(v) for k, v in record.items()}


def sql_type(value: Any) -> str:
    """Column type for a first-seen value: numbers NUMERIC, booleans BOOLEAN, the rest TEXT."""
    if isinstance(value, bool):
        return "BOOLEAN"
    if isinstance(value, int | float):
        return "NUMERIC"
    return "TEXT"
