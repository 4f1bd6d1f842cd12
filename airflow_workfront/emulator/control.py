"""The control API under ``/_emulator/`` (never a Workfront path): reset, clock, stats, faults,
result order, invented rules, time zone, and object edits from outside the API, for tests and demos. Off unless asked for."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from airflow_workfront.emulator import timefmt
from airflow_workfront.emulator.catalog import resolve
from airflow_workfront.emulator.errors import ApiError, bad_request
from airflow_workfront.emulator.protocols import Tenant
from airflow_workfront.emulator.responses import error_response, json_response
from airflow_workfront.emulator.rules import INVENTED_RULES


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError:
        raise bad_request("control API bodies are JSON objects") from None
    if not isinstance(body, dict):
        raise bad_request("control API bodies are JSON objects")
    return body


def _seconds(value: Any, name: str) -> float:
    """A finite number of seconds from a control body, or a 400 naming the setting."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or abs(value) == float("inf"):
        raise bad_request(f"{name} must be a finite number of seconds, got {value!r}")
    return float(value)


def routes(emulator: Tenant) -> list[Route]:
    """Control routes bound to one emulator."""

    def guarded(handler):
        async def endpoint(request: Request) -> Response:
            try:
                return await handler(request)
            except ApiError as err:
                return error_response(err)
        return endpoint

    async def reset(request: Request) -> Response:
        body = await _body(request)
        emulator.reset(body.get("seed", "demo"), int(body.get("seed_size") or 0), int(body.get("random_seed") or 0))
        emulator.stats.reset()
        return json_response({"ok": True, "now": timefmt.format_wf(emulator.clock.now_ms())})

    async def clock(request: Request) -> Response:
        if request.method == "POST":
            body = await _body(request)
            if body.get("real"):
                emulator.clock.unfreeze()
            if "now" in body:
                emulator.clock.set(timefmt.parse_time(body["now"], 0))
            if "offset_seconds" in body:
                emulator.clock.set_offset(_seconds(body["offset_seconds"], "offset_seconds"))
            if "advance_seconds" in body:
                emulator.clock.advance(float(body["advance_seconds"]))
        now = emulator.clock.now_ms()
        return json_response({"now": timefmt.from_ms(now).isoformat().replace("+00:00", "Z"), "now_ms": now,
                              "workfront": timefmt.format_wf(now), "frozen": emulator.clock.frozen,
                              "offset_seconds": None if emulator.clock.frozen else emulator.clock.offset_seconds})

    async def stats(request: Request) -> Response:
        return json_response(emulator.stats.snapshot())

    async def stats_reset(request: Request) -> Response:
        emulator.stats.reset()
        return json_response({"ok": True})

    async def objects(request: Request) -> Response:
        obj_type = resolve(request.path_params["obj"])
        store = emulator.store
        if request.method == "GET":
            with store.lock:
                rows = [{k: v for k, v in r.items() if not k.startswith("_")} for r in store.objects[obj_type.code].values()]
            return json_response({"data": rows})
        record = store.create(obj_type, await _body(request), check_required=False)
        return json_response(record)

    async def one_object(request: Request) -> Response:
        obj_type = resolve(request.path_params["obj"])
        obj_id = request.path_params["obj_id"]
        if request.method == "DELETE":
            emulator.store.delete(obj_type, obj_id, force=True)
            return json_response({"data": {"success": True}})
        if request.method == "GET":
            return json_response(emulator.store.get(obj_type, obj_id))
        return json_response(emulator.store.update(obj_type, obj_id, await _body(request)))

    async def faults(request: Request) -> Response:
        body = await _body(request)
        emulator.faults.configure(float(body.get("rate", 0.0)), tuple(body.get("kinds", ("429", "500", "drop"))),
                                  float(body.get("latency_ms", 0.0)), int(body.get("random_seed", 0)))
        emulator.churn.configure(body.get("churn"), int(body.get("random_seed", 0)))
        emulator.faults.set_cost(float(body.get("base_cost_ms", 0.0)), float(body.get("row_cost_ms", 0.0)))
        if emulator.event_subscriptions is not None:
            emulator.event_subscriptions.configure_drops(body.get("event_drop_rate", 0.0), int(body.get("random_seed", 0)))
        if "concurrency_limit" in body:
            emulator.config.concurrency_limit = int(body["concurrency_limit"])
        return json_response({"ok": True})

    async def order(request: Request) -> Response:
        if request.method == "POST":
            seed = (await _body(request)).get("shuffle_seed")
            if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
                raise bad_request(f"shuffle_seed must be a whole number or null, got {seed!r}")
            emulator.order.configure(seed)
        return json_response({"shuffle_seed": emulator.order.seed})

    async def time_zone(request: Request) -> Response:
        if request.method == "POST":
            name = (await _body(request)).get("time_zone")
            try:
                emulator.zone = timefmt.tenant_zone(str(name))
            except ValueError as err:
                raise bad_request(str(err)) from None
        return json_response({"time_zone": emulator.zone.key})

    async def rules(request: Request) -> Response:
        if request.method == "POST":
            enabled = (await _body(request)).get("enabled", [])
            if not isinstance(enabled, list):
                raise bad_request(f"enabled must be a list of rule names, got {enabled!r}")
            emulator.rules.set(enabled)
        return json_response({"enabled": sorted(emulator.rules.enabled), "known": INVENTED_RULES})

    async def expire(request: Request) -> Response:
        return json_response({"expired": emulator.auth.expire_all()})

    async def deliveries(request: Request) -> Response:
        subs = emulator.event_subscriptions
        return json_response({"data": subs.delivery_log() if subs else [], "dropped": subs.dropped_log() if subs else [],
                              "drop_rate": subs.drop_rate if subs else 0.0})

    return [
        Route("/_emulator/reset", guarded(reset), methods=["POST"]),
        Route("/_emulator/clock", guarded(clock), methods=["GET", "POST"]),
        Route("/_emulator/stats", guarded(stats), methods=["GET"]),
        Route("/_emulator/stats/reset", guarded(stats_reset), methods=["POST"]),
        Route("/_emulator/objects/{obj}", guarded(objects), methods=["GET", "POST"]),
        Route("/_emulator/objects/{obj}/{obj_id}", guarded(one_object), methods=["GET", "PATCH", "PUT", "DELETE"]),
        Route("/_emulator/faults", guarded(faults), methods=["POST"]),
        Route("/_emulator/time-zone", guarded(time_zone), methods=["GET", "POST"]),
        Route("/_emulator/rules", guarded(rules), methods=["GET", "POST"]),
        Route("/_emulator/order", guarded(order), methods=["GET", "POST"]),
        Route("/_emulator/sessions/expire", guarded(expire), methods=["POST"]),
        Route("/_emulator/event-deliveries", guarded(deliveries), methods=["GET"]),
    ]
