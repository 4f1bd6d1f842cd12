"""A small in-memory Workfront for unit-testing the sync engine without HTTP.

It honours exactly the filter language the engine sends (plain and ``OR:n:`` alternatives; ``eq``,
``gt``, ``lte``, ``between``... modifiers), sorts, ``first``/``limit``, ``count``, and keeps
request statistics shaped like the real client's. Unknown modifiers raise, so the fake cannot
silently accept a filter the engine should not send. Contract tests against the real emulator
(``test_contract_emulator.py``) check the same behaviour end to end.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

_ALT = re.compile(r"^OR:(\d+):(.*)$")
_MODS = {
    "eq": lambda v, a, r: v == a,
    "ne": lambda v, a, r: v != a,
    "gt": lambda v, a, r: v is not None and v > a,
    "gte": lambda v, a, r: v is not None and v >= a,
    "lt": lambda v, a, r: v is not None and v < a,
    "lte": lambda v, a, r: v is not None and v <= a,
    "between": lambda v, a, r: v is not None and a <= v <= r,
    "in": lambda v, a, r: v in (a if isinstance(a, list | tuple) else [a]),
}


@dataclass
class Stats:
    """Mirror of the client's ``RequestStats``."""

    total: int = 0
    retries: int = 0
    by_operation: Counter = field(default_factory=Counter)


@dataclass
class Config:
    max_concurrency: int = 10
    page_size: int = 2000


def parse_alternatives(filters: dict[str, Any]) -> list[dict[str, dict[str, Any]]]:
    """Group Workfront filter params into alternatives: ``[{field: {value, mod, range}}]``."""
    alts: dict[int, dict[str, dict[str, Any]]] = {}
    for key, value in filters.items():
        m = _ALT.match(key)
        n, name = (int(m.group(1)), m.group(2)) if m else (0, key)
        if name.endswith("_Mod"):
            base, part = name[:-4], "mod"
        elif name.endswith("_Range"):
            base, part = name[:-6], "range"
        else:
            base, part = name, "value"
        alts.setdefault(n, {}).setdefault(base, {})[part] = value
    return [alts[n] for n in sorted(alts)]


def matches(record: dict[str, Any], alternatives: list[dict[str, dict[str, Any]]]) -> bool:
    """Workfront semantics: every condition of at least one alternative holds."""
    if not alternatives:
        return True
    for alt in alternatives:
        ok = True
        for name, cond in alt.items():
            mod = cond.get("mod", "eq")
            if mod not in _MODS:
                raise ValueError(f"fake Workfront does not know modifier {mod!r}")
            if not _MODS[mod](record.get(name), cond.get("value"), cond.get("range")):
                ok = False
                break
        if ok:
            return True
    return False


class FakeWorkfront:
    """In-memory objects plus the client methods the sync uses (``search_page``, ``count``)."""

    def __init__(self, page_size: int = 2000, max_concurrency: int = 10, latency: float = 0.0) -> None:
        self.objects: dict[str, dict[str, dict[str, Any]]] = {}
        self.config = Config(max_concurrency=max_concurrency, page_size=page_size)
        self.stats = Stats()
        self.calls: list[tuple[str, str, dict[str, Any], int, int]] = []
        self.now = datetime(2026, 3, 1, 0, 0, tzinfo=timezone.utc)
        self.latency = latency
        self.in_flight = 0
        self.max_in_flight = 0
        self.before_search: Callable[[FakeWorkfront, int], None] | None = None
        self._lock = threading.RLock()
        self._ids = itertools.count(1)

    # -- data helpers ------------------------------------------------------------------------
    def new_id(self) -> str:
        return f"{next(self._ids):08x}" + uuid.uuid4().hex[:24]

    def add(self, obj_code: str, date: datetime | None = None, **fields: Any) -> dict[str, Any]:
        """Store an object; its ``lastUpdateDate``/``entryDate`` default to ``self.now``."""
        with self._lock:
            date = date or self.now
            rec = {"ID": fields.pop("ID", None) or self.new_id(), "entryDate": date, "lastUpdateDate": date, **fields}
            if obj_code == "JRNLE":
                rec.pop("lastUpdateDate")
            self.objects.setdefault(obj_code, {})[rec["ID"]] = rec
            return rec

    def edit(self, obj_code: str, obj_id: str, **changes: Any) -> None:
        """Change an object the way Workfront does: ``lastUpdateDate`` becomes now."""
        with self._lock:
            self.objects[obj_code][obj_id].update(changes, lastUpdateDate=self.now)

    def delete(self, obj_code: str, obj_id: str, journal: bool = True) -> None:
        """Delete an object, journaling a ``D`` entry unless ``journal=False``."""
        with self._lock:
            del self.objects[obj_code][obj_id]
            if journal:
                self.add("JRNLE", changeType="D", objObjCode=obj_code, objID=obj_id)

    def tick(self, seconds: float = 1) -> None:
        self.now += timedelta(seconds=seconds)

    # -- client API --------------------------------------------------------------------------
    def _enter(self, op: str, obj_code: str, filters: dict[str, Any], first: int, limit: int) -> None:
        with self._lock:
            self.stats.total += 1
            self.stats.by_operation[op] += 1
            self.calls.append((op, obj_code, dict(filters or {}), first, limit))
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        if self.latency:
            time.sleep(self.latency)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _select(self, obj_code: str, filters: dict[str, Any] | None) -> list[dict[str, Any]]:
        alts = parse_alternatives(filters or {})
        return [r for r in self.objects.get(obj_code.upper(), {}).values() if matches(r, alts)]

    def search_page(self, obj_code, filters=None, fields=None, sort=None, first=0, limit=2000):
        if limit > 2000:
            raise ValueError("$$LIMIT above 2000")
        self._enter("search", obj_code, filters, first, limit)
        try:
            if self.before_search is not None:
                self.before_search(self, self.stats.by_operation["search"])
            with self._lock:
                rows = self._select(obj_code, filters)
                for name, direction in reversed(sort or [("ID", "asc")]):
                    rows.sort(key=lambda r, n=name: r.get(n), reverse=direction == "desc")
                rows = rows[first : first + limit]
                if fields and "*" not in fields:
                    rows = [{k: r[k] for k in fields if k in r} for r in rows]
                return [dict(r) for r in rows]
        finally:
            self._leave()

    def count(self, obj_code, filters=None):
        self._enter("count", obj_code, filters, 0, 0)
        try:
            with self._lock:
                return len(self._select(obj_code, filters))
        finally:
            self._leave()


class RecordingSink:
    """A sink that keeps rows in a dict and records every write, to check "once" and page order."""

    supports_reconcile = True

    def __init__(self, fail_on_page: int | None = None) -> None:
        self.rows: dict[str, dict[str, Any]] = {}
        self.writes: Counter = Counter()
        self.pages: list[tuple[int, int, int]] = []
        self.deleted: list[str] = []
        self.fail_on_page = fail_on_page
        self.opened = None
        self.closed = None

    def open(self, target) -> None:
        self.opened = target

    def write_page(self, records, *, partition, page):
        if self.fail_on_page is not None and len(self.pages) == self.fail_on_page:
            raise RuntimeError("sink failure injected by the test")
        self.pages.append((partition, page, len(records)))
        for r in records:
            self.writes[r["ID"]] += 1
            self.rows[r["ID"]] = r
        return len(records)

    def delete(self, ids, *, batch):
        gone = [i for i in ids if self.rows.pop(i, None) is not None]
        self.deleted.extend(ids)
        return len(gone)

    def iter_ids(self):
        return iter(sorted(self.rows))

    def close(self, summary) -> None:
        self.closed = summary
