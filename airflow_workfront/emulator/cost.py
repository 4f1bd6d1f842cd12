"""What an answer costs Workfront: a base time per request plus a time per row returned.

On a real tenant a 2000-row page takes far longer than a 1-row answer: Workfront reads and
serialises every row. With a cost model set, every API answer is held back until at least
``base_ms + row_ms * rows`` have passed since the request arrived (the emulator's own work counts
towards it), so benchmarks can show what page size and concurrency buy when the server's work
dominates. The request stays in flight, and counts against the concurrency limit, while it waits.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

from airflow_workfront.emulator.errors import bad_request


@dataclass(frozen=True)
class CostModel:
    """Minimum time an answer takes: ``base_ms`` plus ``row_ms`` for each row it returns."""

    base_ms: float = 0.0
    row_ms: float = 0.0

    def __post_init__(self) -> None:
        if self.base_ms < 0 or self.row_ms < 0:
            raise bad_request(f"cost model times must not be negative, got base {self.base_ms} ms, "
                              f"{self.row_ms} ms a row")

    @property
    def active(self) -> bool:
        """True when answers are held back at all."""
        return self.base_ms > 0 or self.row_ms > 0

    def seconds(self, rows: int) -> float:
        """How long an answer of ``rows`` rows takes, in seconds."""
        return (self.base_ms + self.row_ms * rows) / 1000


def rows_in(body: bytes) -> int:
    """Rows an API answer returns: the length of a ``data`` list or ``map=true`` object, 1 for one
    object (or a count or report), 0 for an error."""
    try:
        payload = json.loads(body)
    except ValueError:
        return 0
    data = payload.get("data") if isinstance(payload, dict) else None
    if isinstance(data, list):
        return len(data)
    if isinstance(data, dict) and data and all(isinstance(v, dict) and "ID" in v for v in data.values()):
        return len(data)  # map=true: objects keyed by ID
    return 1 if isinstance(data, dict) else 0


async def send_when_due(model: CostModel, started: float, app: Any, scope: dict, receive: Any, send: Any) -> None:
    """Run ``app`` and pass its answer on once the model's time since ``started`` (monotonic) has passed."""
    held: list[dict] = []

    async def hold(message: dict) -> None:
        held.append(message)

    await app(scope, receive, hold)
    body = b"".join(m.get("body", b"") for m in held if m["type"] == "http.response.body")
    rows = rows_in(body) if model.row_ms else 0  # parse the answer only when rows cost something
    delay = model.seconds(rows) - (time.monotonic() - started)
    if delay > 0:
        await asyncio.sleep(delay)
    for message in held:
        await send(message)
