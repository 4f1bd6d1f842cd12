"""How the emulator writes its answers: JSON bodies (encoded fast) and Workfront's error body.

Every route module (the API, batches, the control API, event subscriptions, token endpoints)
answers through these, so they live apart from all of them, as moto keeps its response helpers
in a module of their own.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.responses import Response

from airflow_workfront.emulator.cost import ROWS_KEY, rows_of
from airflow_workfront.emulator.errors import ApiError


def _encode_with_json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


encode: Callable[[Any], bytes]
try:  # msgspec ships with Airflow and encodes large pages several times faster
    import msgspec

    encode = msgspec.json.encode
except ImportError:  # pragma: no cover
    encode = _encode_with_json


class JsonResponse(Response):
    """A JSON answer that tells the cost model how many rows it returns (cost.ROWS_KEY), so the
    model need not parse a large page back out of its body to count them."""

    def __init__(self, payload: Any, status: int = 200, headers: dict | None = None) -> None:
        super().__init__(encode(payload), status_code=status, media_type="application/json", headers=headers)
        self._payload = payload

    async def __call__(self, scope, receive, send) -> None:
        counted = scope.get(ROWS_KEY)
        if counted is not None:
            rows = rows_of(self._payload)
            if rows is not None:
                counted.append(rows)
        await super().__call__(scope, receive, send)


def json_response(payload: Any, status: int = 200, headers: dict | None = None) -> Response:
    """A JSON response encoded quickly."""
    return JsonResponse(payload, status, headers)


def error_response(error: ApiError) -> Response:
    """Workfront's error body for ``error``, with its HTTP status."""
    return json_response(error.body(), error.status)
