"""One Workfront request as data: build it, and read its answer. No I/O happens here.

The sync and async clients both turn a :class:`RequestSpec` into an HTTP call and hand the
answer to :func:`read_response`, so URL building, the long-URL switch and the error envelope
check exist once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlencode

from airflow_workfront.client.errors import WorkfrontResponseError, describe_request, error_from_response
from airflow_workfront.client.limits import MAX_URL_BYTES
from airflow_workfront.client.query import Params

# Operations that create something: a retry after the request may have reached Workfront could
# create it twice, so they retry only failures that certainly happened before (429, connect).
NON_IDEMPOTENT_OPERATIONS = frozenset({"create", "copy", "bulk_create", "upload", "create_document", "action"})


@dataclass
class RequestSpec:
    """Everything needed to send one request.

    :param method: The HTTP verb actually sent.
    :param url: URL without the query string.
    :param params: Query-string parameters.
    :param data: Form body parameters (the long-URL switch moves ``params`` here).
    :param files: Multipart files, for uploads.
    :param json_body: A JSON body (event subscription API).
    :param operation: Client operation name, for stats and errors.
    :param obj_code: Object code, for errors.
    :param target: What the request addresses (an ID...), for errors.
    :param transform: Applied to the answer's ``data`` member.
    :param expect_json: False when success may come with an empty body (204).
    :param raw: Return ``(status, headers, body)`` instead of the ``data`` member.
    """

    method: str
    url: str
    params: Params = field(default_factory=list)
    data: Params | None = None
    files: dict[str, Any] | None = None
    json_body: Any = None
    operation: str = "request"
    obj_code: str | None = None
    target: str | None = None
    transform: Callable[[Any], Any] | None = None
    expect_json: bool = True
    raw: bool = False

    @property
    def idempotent(self) -> bool:
        """Whether repeating the request after it may have been processed is harmless.

        A POST creates something (a generic ``request("POST", ...)``, an event subscription), so
        it is not, unless it is a long-URL switch carrying ``method=GET|PUT|DELETE``.
        """
        overridden = dict(self.data or []).get("method")
        return self.operation not in NON_IDEMPOTENT_OPERATIONS and (overridden or self.method) != "POST"

    def describe(self) -> str:
        """Method and path for logs: never a query string, so never a parameter value."""
        return f"{self.method} {self.url}"


def quote_segment(value: Any) -> str:
    """Quote an ID or name for use as one URL path segment (``/``, ``?``, ``#`` included)."""
    return quote(str(value), safe="")


def build_request(
    method: str,
    url: str,
    params: Params | None = None,
    *,
    operation: str,
    obj_code: str | None = None,
    target: str | None = None,
    files: dict[str, Any] | None = None,
    transform: Callable[[Any], Any] | None = None,
) -> RequestSpec:
    """Build a request, switching to ``POST`` with ``method=`` and a form body when the URL
    would pass Workfront's 8,892-byte limit."""
    params = list(params or [])
    spec = RequestSpec(method, url, params, operation=operation, obj_code=obj_code, target=target,
                       files=files, transform=transform)
    if files is None and url_length(url, params) > MAX_URL_BYTES:
        body = list(params)
        if method != "POST":
            body.append(("method", method))
        spec.method, spec.params, spec.data = "POST", [], body
    return spec


def url_length(url: str, params: Params) -> int:
    """Bytes of the request URI as it goes on the wire."""
    query = urlencode(params)
    return len(url.encode()) + (1 + len(query) if query else 0)


def _decode_json(content: str | bytes) -> Any:
    """Parse a JSON answer: with msgspec when it is installed (Airflow ships it; it parses a
    2000-row page about twice as fast), else, or when msgspec refuses the text, with :mod:`json`.

    :raises ValueError: when the text is not JSON.
    """
    decode = _fast_decoder()
    if decode is not None:
        try:
            return decode(content)
        except Exception:  # msgspec's DecodeError is not a ValueError; json says what is wrong
            pass
    return json.loads(content)


@lru_cache(maxsize=1)
def _fast_decoder() -> Callable[[str | bytes], Any] | None:
    """msgspec's JSON decoder, imported on first use (not at DAG parse), or None without it."""
    try:
        import msgspec
    except ImportError:  # pragma: no cover - Airflow installs it; the plain client may not have it
        return None
    return msgspec.json.decode


def read_response(spec: RequestSpec, status: int, content: str | bytes, retry_after: float | None = None) -> Any:
    """Return the answer's ``data`` (transformed), or raise the matching typed error.

    The ``error`` member is checked on every answer, HTTP 200 included. ``content`` may be bytes
    (parsed without decoding first, which is faster for large pages).
    """
    def failure(body: Any) -> Exception:
        text = content.decode("utf-8", errors="replace") if isinstance(content, bytes) else content
        return error_from_response(status, body, operation=spec.operation, obj_code=spec.obj_code,
                                   target=spec.target, text=text, retry_after=retry_after)

    if not content.strip():
        if 200 <= status < 300 and not spec.expect_json:
            return None
        raise failure(None)
    try:
        body = _decode_json(content)
    except ValueError:
        raise failure(None) from None
    if status >= 400 or (isinstance(body, dict) and "error" in body):
        raise failure(body)
    if not spec.expect_json:
        data = body
    elif isinstance(body, dict) and "data" in body:
        data = body["data"]
    else:
        raise WorkfrontResponseError(
            f"{describe_request(spec.operation, spec.obj_code, spec.target)} failed: "
            f"HTTP {status} JSON without a data member",
            operation=spec.operation, obj_code=spec.obj_code, status_code=status,
        )
    return spec.transform(data) if spec.transform else data
