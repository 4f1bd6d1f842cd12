"""``POST /batch``: several API calls in one request, optionally in one transaction.

The request carries the calls as ``uri`` parameters (repeated, or one JSON array), each a path
below the API root with its own query string and ``method=`` (GET when absent), with or without
a leading slash (Workfront's own client sends ``PROJ/count?method=GET``). The answer (fixtures/batch.json) lists each call's answer in order:
``{"data": [{"data": ...}, ...]}``. With ``atomic=true`` every call runs in one transaction and
the answer is only ``{"data": {"success": true}}`` or the first error (the docs: "atomic batch
operations can only return success: true or an error").
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from airflow_workfront.emulator.errors import ApiError, bad_request
from airflow_workfront.emulator.protocols import CallAnswerer
from airflow_workfront.emulator.responses import error_response, json_response

MAX_CALLS = 100  # the docs' limit on batch creates and updates
# Credentials given as parameters of the batch request are passed on to every call.
_CREDENTIALS = ("apiKey", "sessionID")


def batch_uris(pairs: list[tuple[str, str]]) -> list[str]:
    """The calls of a batch: ``uri=`` values, each a path or a JSON array of paths."""
    uris: list[str] = []
    for name, value in pairs:
        if name != "uri":
            continue
        text = value.strip()
        if text.startswith("["):
            try:
                listed = json.loads(text)
            except ValueError:
                raise bad_request("uri: not a valid JSON array of request paths") from None
            if not all(isinstance(u, str) for u in listed):
                raise bad_request("uri: every entry must be a request path such as /task/search?name=x")
            uris.extend(listed)
        else:
            uris.append(text)
    if not uris:
        raise bad_request("batch needs at least one uri=/<obj>/... parameter")
    if len(uris) > MAX_CALLS:
        raise bad_request(f"A batch may hold at most {MAX_CALLS} calls, got {len(uris)}")
    return uris


def _sub_request(outer: Request, uri: str, params: dict[str, str]) -> tuple[Request, str]:
    """A GET request for one call, authenticated like the batch request."""
    parts = urlsplit(uri)
    if parts.scheme or parts.netloc or not parts.path.strip("/"):
        raise bad_request(f"batch uri {uri!r}: give a path below the API root, such as /task/search")
    # The official client sends paths relative to the API root (PROJ/count?method=GET); both forms work.
    path = "/" + parts.path.lstrip("/")
    if path.strip("/").split("/")[-1:] == ["batch"] or path.strip("/") == "batch":
        raise bad_request("a batch may not contain another batch")
    headers = [(k, v) for k, v in outer.headers.raw if k.lower() not in (b"content-type", b"content-length")]
    for name in _CREDENTIALS:
        if params.get(name):
            headers.append((name.lower().encode(), params[name].encode()))
    scope: dict[str, Any] = {**outer.scope, "method": "GET", "path": path, "raw_path": path.encode(),
                             "query_string": parts.query.encode(), "headers": headers}

    async def no_body() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    return Request(scope, no_body), path


async def run_batch(api: CallAnswerer, request: Request, pairs: list[tuple[str, str]], version: str | None) -> Response:
    """Answer a batch: each call's answer in order, or (atomic) success or the first error."""
    params = dict(pairs)
    uris = batch_uris(pairs)
    atomic = params.get("atomic", "").lower() == "true"
    calls = [_sub_request(request, uri, params) for uri in uris]
    if atomic:
        with api.store.lock:
            try:
                with api.store.transaction():
                    for n, (sub, path) in enumerate(calls):
                        try:
                            await api.answer(sub, path.lstrip("/"), version)
                        except ApiError as err:
                            raise ApiError(err.status, err.error_class, f"batch call {n} ({uris[n]}): {err.message}") from None
            except ApiError as err:
                return error_response(err)
        return json_response({"data": {"success": True}})
    answers = []
    for sub, path in calls:
        response = await api.handle(sub, path.lstrip("/"), version)
        answers.append(json.loads(bytes(response.body)))
    return json_response({"data": answers})
