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


#: The ASGI scope key under which :func:`send_when_due` hands the app a list; a JSON answer
#: (responses.JsonResponse) appends the rows it returns, so they need not be parsed back out of its body.
ROWS_KEY = "workfront.answer_rows"


def rows_of(payload: Any) -> int | None:
    """Rows an answer's payload returns, by :func:`rows_in`'s rule, read off the object before it is
    encoded; ``None`` when its JSON form cannot be told without encoding it (a type other than the
    plain dicts, lists and tuples the emulator answers with)."""
    if not isinstance(payload, dict):
        return 0 if isinstance(payload, (list, tuple, str, int, float, bool)) or payload is None else None
    data = payload.get("data")
    if isinstance(data, (list, tuple)):
        return len(data)
    if isinstance(data, dict):
        if data and all(isinstance(v, dict) and "ID" in v for v in data.values()):  # map=true: objects keyed by ID
            # Keys other than text become text once encoded, where two could collide: count those from the body.
            return len(data) if all(isinstance(k, str) for k in data) else None
        return 1
    return 0 if data is None or isinstance(data, (str, int, float, bool)) else None


def rows_in(body: bytes) -> int:
    """Rows an API answer returns: the length of a ``data`` list or ``map=true`` object, 1 for one
    object (or a count or report), 0 for an error."""
    try:
        payload = json.loads(body)
    except ValueError:
        return 0
    return rows_of(payload) or 0  # parsed JSON holds only text keys and plain types: never None


async def send_when_due(model: CostModel, started: float, app: Any, scope: dict, receive: Any, send: Any) -> None:
    """Run ``app`` and pass its answer on once the model's time since ``started`` (monotonic) has passed."""
    held: list[dict] = []
    counted: list[int] = []  # filled by a JSON answer with its rows (see ROWS_KEY)

    async def hold(message: dict) -> None:
        held.append(message)

    await app({**scope, ROWS_KEY: counted}, receive, hold)
    rows = 0
    if model.row_ms:  # rows cost something: take the answer's own count, else parse its body
        if counted:
            rows = counted[-1]
        else:
            rows = rows_in(b"".join(m.get("body", b"") for m in held if m["type"] == "http.response.body"))
    delay = model.seconds(rows) - (time.monotonic() - started)
    if delay > 0:
        await asyncio.sleep(delay)
    for message in held:
        await send(message)
