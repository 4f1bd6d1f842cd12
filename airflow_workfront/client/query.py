"""Pure translation of Python arguments into Workfront query parameters.

Filters are Workfront's own parameter names and pass through unchanged (``name_Mod``,
``_Range``, ``OR:1:...``, nested paths such as ``project:name``); only values are encoded.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from airflow_workfront.client.dates import format_wf_datetime

Params = list[tuple[str, str]]
SortSpec = list[tuple[str, str]] | list[str] | str | None

# Workfront consumes these before filtering (docs: "Using Filter Parameters"); as filters they
# must travel inside ``filters=`` JSON.
AUTH_PARAMETER_NAMES = frozenset({"username", "password", "apikey", "sessionid"})


def normalize_obj_code(obj_code: str) -> str:
    """Object codes are case-insensitive for Workfront; use the canonical upper case."""
    code = (obj_code or "").strip()
    if not code or "/" in code or "?" in code:
        raise ValueError(f"invalid Workfront object code: {obj_code!r}")
    return code.upper()


def encode_value(value: Any) -> str:
    """One parameter value as Workfront expects it in a query string or form body."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (datetime, date)):
        return format_wf_datetime(value)
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, default=_json_default, separators=(",", ":"))
    return str(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return format_wf_datetime(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def filter_params(filters: Mapping[str, Any] | None) -> Params:
    """Workfront filter parameters from a dict; a list value repeats the key (for ``_Mod=in``)."""
    params: Params = []
    json_filters: dict[str, Any] = {}
    for key, value in (filters or {}).items():
        if value is None:
            continue
        if key.split(":")[-1].lower() in AUTH_PARAMETER_NAMES:
            json_filters[key] = value
        elif isinstance(value, (list, tuple, set)) and not key.endswith("_Range"):
            params.extend((key, encode_value(v)) for v in value)
        else:
            params.append((key, encode_value(value)))
    if json_filters:
        params.append(("filters", encode_value(json_filters)))
    return params


def fields_param(fields: Iterable[str] | str | None) -> Params:
    """``fields=a,b:c,DE:x`` from a list or a comma string."""
    if not fields:
        return []
    text = fields if isinstance(fields, str) else ",".join(f.strip() for f in fields if f and f.strip())
    return [("fields", text)] if text else []


def sort_params(sort: SortSpec) -> Params:
    """Numbered sort keys (``lastUpdateDate_1_Sort=asc&ID_2_Sort=asc``) from ``[(field, dir)]``."""
    if not sort:
        return []
    if isinstance(sort, str):
        sort = [sort]
    params: Params = []
    for n, item in enumerate(sort, start=1):
        field, direction = (item, "asc") if isinstance(item, str) else item
        direction = direction.lower()
        if direction not in ("asc", "desc"):
            raise ValueError(f"sort direction for {field!r} must be 'asc' or 'desc', got {direction!r}")
        params.append((f"{field}_{n}_Sort", direction))
    return params


def sorts_on_id(sort: SortSpec) -> bool:
    """Whether a sort ends on ``ID``, which makes offset paging order deterministic."""
    if not sort:
        return False
    last = sort if isinstance(sort, str) else sort[-1]
    return (last if isinstance(last, str) else last[0]) == "ID"


def stable_sort(sort: SortSpec) -> list[tuple[str, str]]:
    """The caller's sort with ``ID asc`` appended when it does not already end on ID."""
    items: list[tuple[str, str]] = []
    if isinstance(sort, str):
        sort = [sort]
    for item in sort or []:
        items.append((item, "asc") if isinstance(item, str) else (item[0], item[1]))
    if not items or items[-1][0] != "ID":
        items.append(("ID", "asc"))
    return items


def paging_params(first: int, limit: int) -> Params:
    """``$$FIRST`` / ``$$LIMIT``."""
    return [("$$FIRST", str(int(first))), ("$$LIMIT", str(int(limit)))]
