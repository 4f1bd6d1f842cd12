"""Workfront's REST routes under ``/attask/api[/<version>]``: parse HTTP, call the model, answer.

One dispatcher reads the path the way Workfront does: ``/{obj}``, ``/{obj}/{ID}``,
``/{obj}/{ID}/{action}``, ``/{obj}/search|count|report|metadata``, named queries, ``/login``,
``/logout``, ``/upload`` and ``/metadata``. Parameters come from the query string, a form body
or a JSON body; ``method=`` overrides the HTTP verb.
"""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from airflow_workfront.emulator import metadata, relaxedjson, timefmt
from airflow_workfront.emulator.actions import ACTIONS, run_action
from airflow_workfront.emulator.auth import CUSTOMER_ID, AuthState
from airflow_workfront.emulator.batch import run_batch
from airflow_workfront.emulator.catalog import (
    ObjectType,
    catalog,
    reset_api_version,
    resolve,
    use_api_version,
)
from airflow_workfront.emulator.churn import Churn
from airflow_workfront.emulator.errors import ApiError, bad_request, not_found, not_supported
from airflow_workfront.emulator.projection import build_tree, project, project_many
from airflow_workfront.emulator.query import Evaluator, field_names, parse_query
from airflow_workfront.emulator.report import run_report
from airflow_workfront.emulator.responses import error_response, json_response
from airflow_workfront.emulator.store import Store
from airflow_workfront.emulator.wildcards import substitute_user

MAX_BULK = 100
_VERSION = re.compile(r"^v\d+(\.\d+)?$|^unsupported$|^internal$")
_HEX_ID = re.compile(r"^[0-9a-fA-F]{32}$")
API_KEY_ACTIONS = ("getApiKey", "generateApiKey", "clearApiKey")
# JSON-body keys that are request options rather than fields to write.
_BODY_RESERVED = frozenset({"method", "apiKey", "sessionID", "fields", "atomic", "copySourceID", "options", "id", "ID",
                            "action", "force", "map", "filters", "username", "password"})


class WorkfrontApi:
    """The API of one emulated tenant."""

    def __init__(self, store: Store, auth: AuthState) -> None:
        self.store = store
        self.auth = auth
        self.evaluator = Evaluator(store)
        self.churn = Churn()

    # -- request parsing ----------------------------------------------------------------------

    async def params(self, request: Request) -> list[tuple[str, str]]:
        """Query-string, form-body and JSON-body parameters, in that order."""
        pairs = list(request.query_params.multi_items())
        content_type = request.headers.get("content-type", "")
        if request.method in ("POST", "PUT", "DELETE", "PATCH"):
            if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
                form = await request.form()
                pairs.extend((k, v) for k, v in form.multi_items() if isinstance(v, str))
            elif content_type.startswith("application/json"):
                raw = await request.body()
                if raw.strip():
                    try:
                        body = json.loads(raw)
                    except ValueError:
                        raise bad_request("JSON parsing error: the request body is not valid JSON") from None
                    if isinstance(body, dict):
                        pairs.extend((k, v if isinstance(v, str) else json.dumps(v)) for k, v in body.items())
                        fields = {k: v for k, v in body.items() if k not in _BODY_RESERVED and not k.startswith("$$")}
                        if "updates" not in body and fields:
                            # Keep the JSON types (numbers, booleans, nested lists) of the fields to write.
                            pairs.append(("updates", json.dumps(fields)))
                    else:  # a JSON array is a list of updates
                        pairs.append(("updates", json.dumps(body)))
        return pairs

    @staticmethod
    def _updates(params: dict[str, str], pairs: list[tuple[str, str]], reserved: set[str]) -> Any:
        """The fields to write: ``updates=`` JSON, else the plain parameters."""
        if "updates" in params:
            try:
                return relaxedjson.loads(params["updates"])
            except ValueError as err:
                raise bad_request(f"JSON parsing error in updates: {err}") from None
        data: dict[str, Any] = {}
        for key, value in pairs:
            if key not in reserved and not key.startswith("$$"):
                data[key] = value
        return data

    # -- dispatch -----------------------------------------------------------------------------

    async def handle(self, request: Request, rest: str, version: str | None = None) -> Response:
        """Answer one API request; errors become Workfront's error body."""
        try:
            return await self.answer(request, rest, version)
        except ApiError as err:
            return error_response(err)

    async def answer(self, request: Request, rest: str, version: str | None = None) -> Response:
        """Answer one API request, raising :class:`ApiError` (batches need the error itself).

        :param rest: the path below ``/attask/api/``, which may start with a version (``v21.0/task``).
        :param version: the version the route itself names (``internal`` for ``/attask/api-internal/``).
        """
        segments = [s for s in rest.split("/") if s]
        if version is None and segments and _VERSION.match(segments[0]):
            version, segments = segments[0], segments[1:]
        token = use_api_version(version)
        try:
            return await self._dispatch(request, segments, version)
        finally:
            reset_api_version(token)

    async def _dispatch(self, request: Request, segments: list[str], version: str | None) -> Response:
        pairs = await self.params(request)
        params = dict(pairs)
        method = (params.get("method") or request.method).upper()
        if not segments:
            raise not_found("No API object in the request path")
        head = segments[0]
        if head == "login":
            return self._login(params)
        if head == "logout":
            return self._logout(request, params)
        if head == "info":
            return json_response({"data": {"sso": {}, "versions": [f"v{n}.0" for n in range(1, 22)]}})
        if head.lower() == "user" and len(segments) == 2 and segments[1] in API_KEY_ACTIONS:
            return json_response({"data": {"result": self.auth.api_key_action(segments[1], params.get("username"),
                                                                             params.get("password"))}})
        if head.lower() == "user" and len(segments) == 1 and params.get("action") in API_KEY_ACTIONS:
            return json_response({"data": {"result": self.auth.api_key_action(params["action"], params.get("username"),
                                                                             params.get("password"))}})
        write = method in ("POST", "PUT", "DELETE")
        caller = self.auth.caller({k.lower(): v for k, v in request.headers.items()}, params, dict(request.cookies), write)
        user = caller.user_id
        pairs = substitute_user(self.store, user, pairs)
        params = dict(pairs)
        if head == "session":
            session = (request.headers.get("sessionid") or params.get("sessionID") or request.cookies.get("attask")
                       if caller.via in ("session", "cookie") else None)
            return json_response({"data": {**self._tenant_info(caller.user_id), "sessionID": session,
                                           "isAdmin": caller.user_id == self.auth.admin_id}})
        if head == "batch":
            if method != "POST":
                raise bad_request(f"batch is a POST, not {method}")
            return await run_batch(self, request, pairs, version)
        if head == "upload":
            return await self._upload(request)
        if head == "metadata":
            return json_response({"data": metadata.api_metadata()})
        if head.lower() == "work" and len(segments) == 2:
            return self._named_work(segments[1], user, pairs)
        obj_type = resolve(head)
        if len(segments) == 1:
            return self._collection(obj_type, method, params, pairs, user)
        second = user if segments[1] == "$$USER" else segments[1]  # $$USER stands for the caller's ID
        if len(segments) == 2 and second in ("search", "count", "report", "metadata"):
            return self._read(obj_type, second, pairs)
        if len(segments) == 2 and not self._is_id(obj_type, second):
            obj_id = params.get("ID") or params.get("id")
            if second in obj_type.actions or second in ACTIONS or (method == "PUT" and obj_id):
                # The OpenAPI form of an action: the collection path, the object's ID as a parameter.
                if not obj_id:
                    raise bad_request(f"the {second} action of {obj_type.name} needs the object's ID as ID=...")
                return self._action(obj_type, obj_id, second, params, method, user)
            if second == "myWork" and obj_type.code in ("TASK", "OPTASK"):
                return self._named_work(second, user, pairs, codes=(obj_type.code,))
            # Neither an object nor a named query the emulator knows (Workfront's others are not listed
            # in its metadata, so the emulator cannot tell them from a wrong ID).
            if method != "GET":
                raise not_found(f'{obj_type.name} with primary key value(s) "{second}" not found')
            raise not_found(f'{obj_type.name} with primary key value(s) "{second}" not found, '
                            f"nor is {second} a named query the emulator supports")
        if len(segments) == 2:
            return self._one(obj_type, second, method, params, pairs, user)
        if len(segments) == 3:
            return self._action(obj_type, second, segments[2], params, method, user)
        raise not_found(f"Unknown API path /{'/'.join(segments)}")

    def _action(self, obj_type: ObjectType, obj_id: str, name: str, params: dict, method: str, user: str) -> Response:
        """``PUT /{obj}/{ID}/{action}`` or ``PUT /{obj}/{action}?ID=...``: run one action on one object."""
        if method not in ("PUT", "POST"):
            raise bad_request(f"actions are called with PUT, not {method}")
        record = self.store.get(obj_type, obj_id)
        args = {k: v for k, v in params.items() if k not in ("method", "apiKey", "sessionID", "ID", "id")}
        result = run_action(self.store, obj_type, record, name, args, user)
        return json_response({"data": {"result": result} if not isinstance(result, dict) else result})

    def _is_id(self, obj_type: ObjectType, text: str) -> bool:
        return text in self.store.objects[obj_type.code] or bool(_HEX_ID.match(text))

    # -- reads --------------------------------------------------------------------------------

    def _read(self, obj_type: ObjectType, kind: str, pairs: list[tuple[str, str]]) -> Response:
        if kind == "metadata":
            return json_response({"data": metadata.object_metadata(obj_type)})
        _check_version_names(obj_type, pairs)
        if kind == "search":
            self.churn.maybe_apply(self.store, obj_type)
        query = parse_query(obj_type, pairs, paging=kind == "search")
        tree = build_tree(obj_type, query.fields)
        with self.store.lock:
            if kind == "report":
                return json_response({"data": run_report(self.evaluator, obj_type, query)})
            if kind == "count":
                return json_response({"data": {"count": self.evaluator.count(obj_type, query)}})
            rows = project_many(self.store, obj_type, self.evaluator.page(obj_type, query), tree)
        if query.as_map:
            return json_response({"data": {r["ID"]: r for r in rows}})
        return json_response({"data": rows})

    def _named_work(self, name: str, user: str, pairs: list[tuple[str, str]],
                    codes: tuple[str, ...] = ("TASK", "OPTASK")) -> Response:
        """The named query ``myWork``: the caller's open tasks and issues (``work/myWork``), or only
        those of one type (``task/myWork``)."""
        if name != "myWork":
            raise not_supported(f"the named query work/{name}")
        rows = []
        with self.store.lock:
            for code in codes:
                obj_type = catalog()[code]
                tree = build_tree(obj_type, parse_query(obj_type, pairs).fields)
                for record in sorted(self.store.objects[code].values(), key=lambda r: r["ID"]):
                    if record.get("assignedToID") == user and record.get("status") != "CPL":
                        rows.append(project(self.store, obj_type, record, tree))
        return json_response({"data": rows})

    # -- writes -------------------------------------------------------------------------------

    def _collection(self, obj_type: ObjectType, method: str, params: dict, pairs: list, user: str) -> Response:
        """``/{obj}``: get by IDs, create, copy, bulk create/update/delete."""
        tree = build_tree(obj_type, field_names(params.get("fields", "")))
        atomic = params.get("atomic", "").lower() == "true"
        given = [v for k, v in pairs if k in ("id", "ID")]
        ids = [i.strip() for v in given for i in v.split(",") if i.strip()]
        # Several IDs, as a comma-separated list or as repeated id= parameters, answer a list.
        several = len(given) > 1 or any("," in v for v in given)
        if method == "GET":
            if not ids:
                raise bad_request(f"GET /{obj_type.code.lower()} needs id=... (use /search to query)")
            with self.store.lock:
                found = [self.store.get(obj_type, i) for i in ids]
                rows = [project(self.store, obj_type, r, tree) for r in found]
            return json_response({"data": rows if several else rows[0]})
        if method == "DELETE":
            if not ids:
                raise bad_request("DELETE needs ID=... (one ID or a comma-separated list)")
            if len(ids) > MAX_BULK:
                raise bad_request(f"A bulk call may hold at most {MAX_BULK} objects, got {len(ids)}")
            force = params.get("force", "").lower() == "true"
            def delete_one(obj_id: str) -> dict:
                self.store.delete(obj_type, obj_id, user, force)
                return {"ID": obj_id}

            return self._bulk(atomic, ids, delete_one, single=not several)
        reserved = {"method", "apiKey", "sessionID", "fields", "atomic", "copySourceID", "options", "updates", "id", "action"}
        updates = self._updates(params, pairs, reserved)
        if method == "POST" and params.get("copySourceID"):
            if params.get("options", "").strip() not in ("", "[]"):
                # Copy options choose what Workfront leaves out of a copy; ignoring them would
                # answer a copy that differs from the one asked for.
                raise not_supported(f"copy options {params['options']}")
            return self._copy(obj_type, params["copySourceID"], updates, tree, user)
        if isinstance(updates, list):
            if len(updates) > MAX_BULK:
                raise bad_request(f"A bulk call may hold at most {MAX_BULK} objects, got {len(updates)}")
            if method == "POST":
                op = lambda item: self.store.create(obj_type, _as_record(item), user)  # noqa: E731
            elif method == "PUT":
                op = lambda item: self.store.update(obj_type, _record_id(item), _as_record(item), user)  # noqa: E731
            else:
                raise bad_request(f"bulk {method} is not supported")
            return self._bulk(atomic, updates, lambda item: project(self.store, obj_type, op(item), tree))
        if not isinstance(updates, dict):
            raise bad_request("updates must be a JSON object or a list of objects")
        if method == "PUT":
            obj_id = params.get("id") or params.get("ID")
            if not obj_id:
                raise bad_request("PUT needs the object ID in the path or as id=...")
            return self._one(obj_type, obj_id, "PUT", params, pairs, user)
        if method != "POST":
            raise bad_request(f"{method} /{obj_type.code.lower()} is not a Workfront operation")
        with self.store.lock:
            record = self.store.create(obj_type, updates, user)
            return json_response({"data": project(self.store, obj_type, record, tree)})

    def _bulk(self, atomic: bool, items: list, apply, single: bool = False) -> Response:
        with self.store.lock:
            if atomic:
                try:
                    with self.store.transaction():
                        for n, item in enumerate(items):
                            _at_item(n, apply, item)
                except ApiError as err:
                    return error_response(err)
                return json_response({"data": {"success": True}})
            results = []
            for n, item in enumerate(items):
                results.append(_at_item(n, apply, item))
        if single:
            return json_response({"data": {"success": True}})
        return json_response({"data": results})

    def _copy(self, obj_type: ObjectType, source_id: str, updates: Any, tree: dict, user: str) -> Response:
        if not isinstance(updates, dict):
            raise bad_request("updates for a copy must be a JSON object")
        with self.store.lock:
            source = self.store.get(obj_type, source_id)
            skip = {"ID", "objCode", "entryDate", "lastUpdateDate", "enteredByID", "lastUpdatedByID", "taskNumber", "wbs"}
            data = {k: v for k, v in source.items() if k not in skip and not k.startswith("_")}
            data.update(updates)
            with self.store.transaction():
                record = self.store.create(obj_type, data, user)
                if obj_type.code == "PROJ":
                    for task in self.store.members(obj_type, source, "tasks"):
                        copy = {k: v for k, v in task.items() if k not in skip and not k.startswith("_")}
                        self.store.create(catalog()["TASK"], {**copy, "projectID": record["ID"]}, user)
            return json_response({"data": project(self.store, obj_type, record, tree)})

    def _one(self, obj_type: ObjectType, obj_id: str, method: str, params: dict, pairs: list, user: str) -> Response:
        tree = build_tree(obj_type, field_names(params.get("fields", "")))
        if method == "GET":
            with self.store.lock:
                return json_response({"data": project(self.store, obj_type, self.store.get(obj_type, obj_id), tree)})
        if method == "DELETE":
            self.store.delete(obj_type, obj_id, user, force=params.get("force", "").lower() == "true")
            return json_response({"data": {"success": True}})
        if method == "PUT":
            if params.get("action"):
                record = self.store.get(obj_type, obj_id)
                args = {k: v for k, v in params.items() if k not in ("method", "action", "apiKey", "sessionID")}
                result = run_action(self.store, obj_type, record, params["action"], args, user)
                return json_response({"data": {"result": result} if not isinstance(result, dict) else result})
            reserved = {"method", "apiKey", "sessionID", "fields", "updates", "id", "ID", "action"}
            updates = self._updates(params, pairs, reserved)
            if not isinstance(updates, dict):
                raise bad_request("updates must be a JSON object")
            with self.store.lock:
                record = self.store.update(obj_type, obj_id, updates, user)
                return json_response({"data": project(self.store, obj_type, record, tree)})
        raise bad_request(f"{method} /{obj_type.code.lower()}/{{ID}} is not a Workfront operation")

    # -- sessions and uploads ---------------------------------------------------------------------

    def _login(self, params: dict) -> Response:
        session = self.auth.login(params.get("username"), params.get("password"))
        data = {**self._tenant_info(self.auth.admin_id), "sessionID": session}
        response = json_response({"data": data})
        response.set_cookie("attask", session, max_age=int(self.auth.config.session_ttl), httponly=True)
        return response

    def _tenant_info(self, user: str) -> dict:
        """What login and ``/session`` say of the user and the tenant (fixtures/login.json)."""
        versions = {f"v{n}.0": f"/attask/api/v{n}.0/" for n in range(1, 22)}
        return {"userID": user,
                "versionInformation": {"currentAPI": "v21.0", "buildNumber": "emulator", "apiVersions": versions,
                                       "lastUpdated": "2026/01/01 00:00:00", "release": "emulator", "version": "21.0"},
                "locale": "en_US", **timefmt.zone_names(self.store.clock.now_ms()),
                "iso3Country": "USA", "iso3Language": "eng", "customerID": CUSTOMER_ID,
                "currency": {"useNegativeSign": False, "fractionDigits": 2, "symbol": "$", "ID": "USD",
                             "groupingSeparator": ",", "decimalSeparator": "."}}

    def _logout(self, request: Request, params: dict) -> Response:
        session = request.headers.get("sessionid") or params.get("sessionID") or request.cookies.get("attask")
        if not session or not self.auth.end_session(session):
            raise ApiError(401, "com.attask.common.AuthenticationException", "You are not currently logged in")
        return json_response({"data": {"success": True}})

    async def _upload(self, request: Request) -> Response:
        if request.method != "POST":
            raise bad_request("upload is a POST with multipart/form-data")
        form = await request.form()
        upload = form.get("uploadedFile")
        if upload is None or isinstance(upload, str):
            raise bad_request("upload expects a multipart file named uploadedFile")
        handle = secrets.token_hex(16)
        self.store.uploads[handle] = (upload.filename or "upload", await upload.read())
        return json_response({"data": {"handle": handle}})


_SUFFIX = re.compile(r"(_\d+)?_(Mod|Range|Sort|GroupBy|AggFunc)$")


def _check_version_names(obj_type: ObjectType, pairs: list[tuple[str, str]]) -> None:
    """Refuse fields the request's API version does not have yet, and filters on fields it does not
    filter on (the query engine caches paths across versions, so the few dated fields are checked here)."""
    missing, unfilterable = obj_type.missing_in_version(), obj_type.unfilterable_in_version()
    if not missing and not unfilterable:
        return
    for name, value in pairs:
        if name == "fields":
            names, filtering = field_names(value), False
        elif name == "filters":
            try:
                listed = json.loads(value)
            except ValueError:
                continue  # the query engine reports the bad JSON
            names, filtering = list(listed) if isinstance(listed, dict) else [], True
        else:
            names, filtering = [name], not name.endswith(("_Sort", "_GroupBy", "_AggFunc"))
        for text in names:
            base = _SUFFIX.sub("", re.sub(r"^OR:\d+:", "", text)).split(":")[0].strip()
            if base in missing:
                raise obj_type.unknown_field(base)
            if filtering and base in unfilterable:
                raise obj_type.not_filterable(base)


def _as_record(item: Any) -> dict:
    if not isinstance(item, dict):
        raise bad_request("each bulk item must be a JSON object")
    return item


def _record_id(item: Any) -> str:
    record = _as_record(item)
    if not record.get("ID"):
        raise bad_request("each bulk update item needs an ID")
    return record["ID"]


def _at_item(n: int, apply, item: Any) -> Any:
    """Apply one bulk item; an error names the item's position."""
    try:
        return apply(item)
    except ApiError as err:
        raise ApiError(err.status, err.error_class, f"item {n}: {err.message}") from None


def now_wf(store: Store) -> str:
    return timefmt.format_wf(store.clock.now_ms())
