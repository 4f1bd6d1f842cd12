"""Async triggers: the deferred half of the Workfront sensors, and an event trigger for AssetWatcher."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from typing import Any

from airflow.triggers.base import BaseEventTrigger, BaseTrigger, TriggerEvent

from airflow_workfront.changes import change_query, judge
from airflow_workfront.client.objects import date_field_for


class WorkfrontSearchTrigger(BaseTrigger):
    """Poll one Workfront search until the sensor's condition holds, then fire once.

    :param workfront_conn_id: The Workfront connection.
    :param kind: ``"change"`` or ``"journal"`` (how to judge the answer).
    :param query: The search, as built by :mod:`airflow_workfront.changes`.
    :param poke_interval: Seconds between polls.
    """

    def __init__(self, workfront_conn_id: str, kind: str, query: dict[str, Any], poke_interval: float = 60.0) -> None:
        super().__init__()
        self.workfront_conn_id, self.kind, self.query, self.poke_interval = workfront_conn_id, kind, query, poke_interval

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (f"{type(self).__module__}.{type(self).__qualname__}",
                {"workfront_conn_id": self.workfront_conn_id, "kind": self.kind, "query": self.query,
                 "poke_interval": self.poke_interval})

    async def run(self) -> AsyncIterator[TriggerEvent]:
        from airflow_workfront.hooks.workfront import WorkfrontHook

        query = {**self.query, "sort": [tuple(s) for s in self.query["sort"]]}
        try:
            async with await WorkfrontHook(self.workfront_conn_id).aget_conn() as client:
                while True:
                    rows = await client.search_page(**query)
                    done, value = judge(self.kind, rows, self.query)
                    if done:
                        yield TriggerEvent({"status": "success", "value": value})
                        return
                    self.log.info("Nothing yet in %s; next poll in %ss", self.query["obj_code"], self.poke_interval)
                    await asyncio.sleep(self.poke_interval)
        except Exception as err:  # the sensor turns this into a task failure (or a skip with soft_fail)
            yield TriggerEvent({"status": "error", "message": f"{type(err).__name__}: {err}"})


class WorkfrontChangeEventTrigger(BaseEventTrigger):
    """Fire an asset event whenever objects of a type change: for ``AssetWatcher`` scheduling.

    It polls for objects changed after its watermark ``(date, ID)`` and fires one event per batch
    with their IDs. The watermark lives in the asset state store when Airflow provides one (3.3+),
    so a restarted triggerer resumes where it stopped; otherwise in memory. An object is never
    reported twice for the same change.

    :param workfront_conn_id: The Workfront connection.
    :param obj_code: Object code to watch.
    :param filters: Workfront filters the objects must match.
    :param poll_interval: Seconds between polls.
    :param start_from: ISO time to watch from on first start (default: now).
    :param max_results: Most IDs per event.
    """

    WATERMARK_KEY = "workfront_watermark"

    def __init__(self, workfront_conn_id: str = "workfront_default", obj_code: str = "TASK",
                 filters: dict[str, Any] | None = None, poll_interval: float = 60.0, start_from: str | None = None,
                 max_results: int = 100) -> None:
        super().__init__()
        self.workfront_conn_id, self.obj_code, self.filters = workfront_conn_id, obj_code, filters or {}
        self.poll_interval, self.start_from, self.max_results = poll_interval, start_from, max_results
        self._watermark: list[str] | None = None

    def serialize(self) -> tuple[str, dict[str, Any]]:
        return (f"{type(self).__module__}.{type(self).__qualname__}",
                {"workfront_conn_id": self.workfront_conn_id, "obj_code": self.obj_code, "filters": self.filters,
                 "poll_interval": self.poll_interval, "start_from": self.start_from,
                 "max_results": self.max_results})

    async def load_watermark(self) -> list[str]:
        """``[date ISO, ID]`` of the last change reported."""
        store = getattr(self, "asset_state_store", None)
        if store is not None:
            saved = await store.aget(self.WATERMARK_KEY)
            if saved:
                return list(saved)
        if self._watermark is None:
            start = self.start_from or datetime.now(timezone.utc).isoformat()
            self._watermark = [start, ""]
        return self._watermark

    async def save_watermark(self, watermark: list[str]) -> None:
        self._watermark = watermark
        store = getattr(self, "asset_state_store", None)
        if store is not None:
            await store.aset(self.WATERMARK_KEY, watermark)

    async def poll_once(self, client: Any) -> dict[str, Any] | None:
        """One poll: the changes after the watermark, as an event payload (or None)."""
        from airflow_workfront.client.dates import format_wf_datetime, parse_wf_datetime

        mark_date, mark_id = await self.load_watermark()
        mark = parse_wf_datetime(mark_date)
        field = date_field_for(self.obj_code)
        query = change_query(self.obj_code, format_wf_datetime(mark), self.filters, self.max_results + 50)
        rows = await client.search_page(**query)
        fresh = [r for r in rows if (parse_wf_datetime(r[field]), r["ID"]) > (mark, mark_id)][: self.max_results]
        done, value = judge("change", fresh, {**query, "limit": self.max_results})
        if not done or value is None:
            return None
        last = fresh[-1]
        await self.save_watermark([parse_wf_datetime(last[field]).isoformat(), last["ID"]])
        return {"obj_code": self.obj_code, **value}

    async def run(self) -> AsyncIterator[TriggerEvent]:
        from airflow_workfront.hooks.workfront import WorkfrontHook

        async with await WorkfrontHook(self.workfront_conn_id).aget_conn() as client:
            while True:
                try:
                    payload = await self.poll_once(client)
                except Exception as err:  # a failed poll is retried at the next interval
                    self.log.warning("Workfront poll of %s failed: %s", self.obj_code, err)
                    payload = None
                if payload:
                    yield TriggerEvent(payload)
                await asyncio.sleep(self.poll_interval)
