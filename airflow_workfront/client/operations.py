"""Request builders for every Workfront operation (pure: config + arguments -> RequestSpec).

Both clients call these, so an operation's URL, parameters and answer shape are defined once.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote_plus

from airflow_workfront.client.config import ClientConfig
from airflow_workfront.client.limits import MAX_BULK_SIZE, MAX_PAGE_SIZE, MAX_URL_BYTES
from airflow_workfront.client.query import (
    encode_value,
    fields_param,
    filter_params,
    normalize_obj_code,
    paging_params,
    sort_params,
)
from airflow_workfront.client.request import RequestSpec, build_request, quote_segment, url_length


def _obj_url(config: ClientConfig, obj_code: str, *segments: Any) -> str:
    parts = [config.api_url, normalize_obj_code(obj_code), *(quote_segment(s) for s in segments)]
    return "/".join(parts)


def _check_limit(limit: int) -> int:
    limit = int(limit)
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValueError(f"limit must be between 1 and {MAX_PAGE_SIZE} (Workfront's $$LIMIT maximum), got {limit}")
    return limit


def get(config: ClientConfig, obj_code: str, obj_id: str, fields: Any = None) -> RequestSpec:
    """``GET /{obj}/{ID}``."""
    if not obj_id:
        raise ValueError("obj_id is empty")
    return build_request("GET", _obj_url(config, obj_code, obj_id), fields_param(fields),
                         operation="get", obj_code=normalize_obj_code(obj_code), target=str(obj_id))


def get_many_chunks(config: ClientConfig, obj_code: str, ids: Sequence[str], fields: Any = None) -> list[list[str]]:
    """Split IDs so each ``GET /{obj}?id=a,b,...`` URL fits under the CDN limit.

    Lengths add up per ID (each costs its encoded bytes plus ``%2C``), so splitting is linear
    in the number of IDs rather than re-encoding the growing URL for each one.
    """
    url = _obj_url(config, obj_code)
    empty = url_length(url, [("id", ""), *fields_param(fields)])
    chunks: list[list[str]] = []
    current: list[str] = []
    length = empty
    for obj_id in map(str, ids):
        cost = len(quote_plus(obj_id))
        if current and length + len(_COMMA) + cost > MAX_URL_BYTES:
            chunks.append(current)
            current, length = [], empty
        length += cost + (len(_COMMA) if current else 0)
        current.append(obj_id)
    if current:
        chunks.append(current)
    return chunks


_COMMA = quote_plus(",")


def get_many(config: ClientConfig, obj_code: str, ids: Sequence[str], fields: Any = None) -> RequestSpec:
    """``GET /{obj}?id=a,b,c`` for one chunk of IDs (see :func:`get_many_chunks`)."""
    return build_request("GET", _obj_url(config, obj_code), [("id", ",".join(ids)), *fields_param(fields)],
                         operation="get", obj_code=normalize_obj_code(obj_code), target=f"{len(ids)} IDs")


def search_page(
    config: ClientConfig,
    obj_code: str,
    filters: Mapping[str, Any] | None = None,
    fields: Any = None,
    sort: Any = None,
    first: int = 0,
    limit: int = MAX_PAGE_SIZE,
) -> RequestSpec:
    """``GET /{obj}/search`` for one page."""
    params = [*filter_params(filters), *fields_param(fields), *sort_params(sort), *paging_params(first, _check_limit(limit))]
    return build_request("GET", _obj_url(config, obj_code, "search"), params,
                         operation="search", obj_code=normalize_obj_code(obj_code), transform=_as_list)


def _as_list(data: Any) -> list:
    if isinstance(data, list):
        return data
    if isinstance(data, dict):  # map=true answers an object keyed by ID
        return list(data.values())
    raise TypeError(f"expected a list of objects, got {type(data).__name__}")


def count(config: ClientConfig, obj_code: str, filters: Mapping[str, Any] | None = None) -> RequestSpec:
    """``GET /{obj}/count``."""
    return build_request("GET", _obj_url(config, obj_code, "count"), filter_params(filters),
                         operation="count", obj_code=normalize_obj_code(obj_code), transform=_count_value)


def _count_value(data: Any) -> int:
    if isinstance(data, dict) and "count" in data:
        return int(data["count"])
    if isinstance(data, int):
        return data
    raise TypeError(f"count answered {type(data).__name__} without a count")


def report(
    config: ClientConfig,
    obj_code: str,
    filters: Mapping[str, Any] | None = None,
    group_by: Iterable[str] | str | None = None,
    aggregates: Mapping[str, str] | None = None,
    rollup: bool = False,
) -> RequestSpec:
    """``GET /{obj}/report`` with ``field_N_GroupBy=true``, ``field_AggFunc=fn`` and ``$$ROLLUP``."""
    params = filter_params(filters)
    if isinstance(group_by, str):
        group_by = [group_by]
    params += [(f"{field}_{n}_GroupBy", "true") for n, field in enumerate(group_by or [], start=1)]
    params += [(f"{field}_AggFunc", fn) for field, fn in (aggregates or {}).items()]
    if rollup:
        params.append(("$$ROLLUP", "true"))
    return build_request("GET", _obj_url(config, obj_code, "report"), params,
                         operation="report", obj_code=normalize_obj_code(obj_code))


def named_query(config: ClientConfig, obj_code: str, name: str, filters: Any = None, fields: Any = None) -> RequestSpec:
    """``GET /{obj}/{namedQuery}`` (e.g. ``work/myWork``)."""
    params = [*filter_params(filters), *fields_param(fields)]
    return build_request("GET", _obj_url(config, obj_code, name), params,
                         operation="named_query", obj_code=normalize_obj_code(obj_code), target=name)


def create(config: ClientConfig, obj_code: str, data: Mapping[str, Any], fields: Any = None) -> RequestSpec:
    """``POST /{obj}?updates={...}``."""
    params = [("updates", encode_value(dict(data))), *fields_param(fields)]
    return build_request("POST", _obj_url(config, obj_code), params, operation="create",
                         obj_code=normalize_obj_code(obj_code))


def update(config: ClientConfig, obj_code: str, obj_id: str, data: Mapping[str, Any], fields: Any = None) -> RequestSpec:
    """``PUT /{obj}/{ID}?updates={...}`` (top level sparse; nested collections replace)."""
    if not obj_id:
        raise ValueError("obj_id is empty")
    params = [("updates", encode_value(dict(data))), *fields_param(fields)]
    return build_request("PUT", _obj_url(config, obj_code, obj_id), params, operation="update",
                         obj_code=normalize_obj_code(obj_code), target=str(obj_id))


def delete(config: ClientConfig, obj_code: str, obj_id: str, force: bool = False) -> RequestSpec:
    """``DELETE /{obj}/{ID}[?force=true]``."""
    if not obj_id:
        raise ValueError("obj_id is empty")
    params = [("force", "true")] if force else []
    return build_request("DELETE", _obj_url(config, obj_code, obj_id), params, operation="delete",
                         obj_code=normalize_obj_code(obj_code), target=str(obj_id))


def copy(config: ClientConfig, obj_code: str, source_id: str, data: Mapping[str, Any] | None = None,
         options: Iterable[str] | None = None, fields: Any = None) -> RequestSpec:
    """``POST /{obj}?copySourceID=...&updates={...}[&options=[...]]``."""
    params = [("copySourceID", str(source_id))]
    if data:
        params.append(("updates", encode_value(dict(data))))
    if options:
        params.append(("options", encode_value(list(options))))
    params += fields_param(fields)
    return build_request("POST", _obj_url(config, obj_code), params, operation="copy",
                         obj_code=normalize_obj_code(obj_code), target=f"copy of {source_id}")


def bulk_chunks(items: Sequence[Any], size: int = MAX_BULK_SIZE) -> list[tuple[int, Sequence[Any]]]:
    """``(start index, chunk)`` pairs of at most ``size`` items."""
    if not 1 <= size <= MAX_BULK_SIZE:
        raise ValueError(f"bulk chunk size must be between 1 and {MAX_BULK_SIZE}, got {size}")
    return [(start, items[start:start + size]) for start in range(0, len(items), size)]


def bulk_write(config: ClientConfig, method: str, obj_code: str, records: Sequence[Mapping[str, Any]],
               atomic: bool, fields: Any = None) -> RequestSpec:
    """``POST|PUT /{obj}?updates=[...]`` for one chunk (create or update)."""
    params = [("updates", encode_value([dict(r) for r in records]))]
    if atomic:
        params.append(("atomic", "true"))
    params += fields_param(fields)
    operation = "bulk_create" if method == "POST" else "bulk_update"
    return build_request(method, _obj_url(config, obj_code), params, operation=operation,
                         obj_code=normalize_obj_code(obj_code), target=f"{len(records)} records")


def bulk_delete(config: ClientConfig, obj_code: str, ids: Sequence[str], force: bool, atomic: bool) -> RequestSpec:
    """``DELETE /{obj}?ID=a,b,c`` for one chunk."""
    params = [("ID", ",".join(str(i) for i in ids))]
    if force:
        params.append(("force", "true"))
    if atomic:
        params.append(("atomic", "true"))
    return build_request("DELETE", _obj_url(config, obj_code), params, operation="bulk_delete",
                         obj_code=normalize_obj_code(obj_code), target=f"{len(ids)} IDs")


def action(config: ClientConfig, obj_code: str, name: str, obj_id: str | None = None,
           arguments: Mapping[str, Any] | None = None) -> RequestSpec:
    """``PUT /{obj}/{ID}/{action}?arg=...`` (or ``PUT /{obj}/{action}`` for a type-level action)."""
    if not name or not name.replace("_", "").isalnum():
        raise ValueError(f"invalid action name: {name!r}")
    url = _obj_url(config, obj_code, obj_id, name) if obj_id else _obj_url(config, obj_code, name)
    params = [(key, encode_value(value)) for key, value in (arguments or {}).items() if value is not None]
    return build_request("PUT", url, params, operation="action", obj_code=normalize_obj_code(obj_code),
                         target=f"{name}{' on ' + str(obj_id) if obj_id else ''}")


def upload(config: ClientConfig, filename: str, content: Any) -> RequestSpec:
    """``POST /upload`` multipart with the file as ``uploadedFile``."""
    spec = build_request("POST", f"{config.api_url}/upload", [], operation="upload", target=filename,
                         files={"uploadedFile": (filename, content)}, transform=_handle)
    return spec


def _handle(data: Any) -> str:
    if isinstance(data, dict) and data.get("handle"):
        return str(data["handle"])
    raise TypeError("upload answered without a handle")


def metadata(config: ClientConfig, obj_code: str | None = None) -> RequestSpec:
    """``GET /metadata`` or ``GET /{obj}/metadata``."""
    url = _obj_url(config, obj_code, "metadata") if obj_code else f"{config.api_url}/metadata"
    return build_request("GET", url, [], operation="metadata", obj_code=normalize_obj_code(obj_code) if obj_code else None)


def _encoded(items: Mapping[str, Any] | Iterable[tuple[str, Any]] | None) -> list[tuple[str, str]]:
    pairs = items.items() if isinstance(items, Mapping) else (items or [])
    return [(key, encode_value(value)) for key, value in pairs if value is not None]


def generic(config: ClientConfig, method: str, path: str,
            params: Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None,
            data: Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None,
            operation: str | None = None) -> RequestSpec:
    """Any API call: ``path`` relative to the versioned API URL, query ``params``, form ``data``."""
    spec = build_request(method.upper(), f"{config.api_url}/{path.lstrip('/')}", _encoded(params),
                         operation=operation or "request")
    body = _encoded(data)
    if body:  # keep what the long-URL switch may already have moved into the body
        spec.data = [*(spec.data or []), *body]
    return spec


# Event subscriptions: a separate JSON API under /attask/eventsubscription/api/v1.

def _subs_url(config: ClientConfig, *segments: Any) -> str:
    return "/".join([config.event_subscription_url, "subscriptions", *(quote_segment(s) for s in segments)])


def create_event_subscription(config: ClientConfig, body: Mapping[str, Any]) -> RequestSpec:
    """``POST /subscriptions`` with a JSON body; answers 201 with ``Location``."""
    spec = RequestSpec("POST", _subs_url(config), json_body=dict(body), operation="create_event_subscription",
                       obj_code=str(body.get("objCode")), expect_json=False, raw=True)
    return spec


def list_event_subscriptions(config: ClientConfig, page: int, limit: int) -> RequestSpec:
    """``GET /subscriptions?page=&limit=``."""
    if not 1 <= limit <= 1000:
        raise ValueError(f"limit must be between 1 and 1000, got {limit}")
    return RequestSpec("GET", _subs_url(config), [("page", str(page)), ("limit", str(limit))],
                       operation="list_event_subscriptions", expect_json=False)


def get_event_subscription(config: ClientConfig, sub_id: str) -> RequestSpec:
    """``GET /subscriptions/{id}``."""
    return RequestSpec("GET", _subs_url(config, sub_id), operation="get_event_subscription", target=sub_id,
                       expect_json=False)


def delete_event_subscription(config: ClientConfig, sub_id: str) -> RequestSpec:
    """``DELETE /subscriptions/{id}`` (204)."""
    return RequestSpec("DELETE", _subs_url(config, sub_id), operation="delete_event_subscription", target=sub_id,
                       expect_json=False)


def set_event_subscription_version(config: ClientConfig, sub_id: str, version: str) -> RequestSpec:
    """``PUT /subscriptions/{id}/version`` with ``{"version": ...}``."""
    return RequestSpec("PUT", _subs_url(config, sub_id, "version"), json_body={"version": version},
                       operation="set_event_subscription_version", target=sub_id, expect_json=False)


def pages_needed(total: int, page_size: int) -> int:
    """Requests a full read of ``total`` objects takes when paging stops on a short page."""
    return total // page_size + 1 if total % page_size == 0 else math.ceil(total / page_size)
