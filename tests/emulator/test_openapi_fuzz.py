"""Schemathesis, driven by Adobe's OpenAPI description of the API (v19.0), against the emulator.

Every operation the description gives for an object type the emulator serves (and login, logout,
session, info) is called with generated input. The checks: no answer is a server error; every
answer is JSON with a status the description lists for the operation (or 405/414 from the web
tier); an error body has Workfront's shape; and no request to an operation the emulator
implements is answered "not supported by the emulator" (the actions and named queries it does not
implement may say so; they are counted apart).

The description keeps its object schemas in files it does not ship (``./Project.json``...). The
fuzz stands in, for each object the emulator serves, an object of that type's fields typed as its
metadata types them (so creates and edits carry real field names), and an open JSON object for
the others and for ``ListOptions``. Every other call of an operation (the first included) names a
real object of the demo tenant where an ID goes, so calls get past "not found" to the real work.

Small budget here (``WF_FUZZ_EXAMPLES``, default 1 example per operation); ``make fuzz`` runs a
bigger one and writes the figures (``WF_FUZZ_REPORT``): operations, requests, answers by status.
"""

from __future__ import annotations

import copy
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis is a dev dependency (pip install schemathesis)")

from hypothesis import HealthCheck, Phase, settings  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import (  # noqa: E402
    content_type_conformance,
    not_a_server_error,
    status_code_conformance,
)

from airflow_workfront.emulator import fieldtypes  # noqa: E402
from airflow_workfront.emulator.actions import emulated  # noqa: E402
from airflow_workfront.emulator.catalog import catalog, resolve  # noqa: E402
from airflow_workfront.emulator.errors import ApiError  # noqa: E402
from airflow_workfront.emulator.testing import EmulatorServer  # noqa: E402

# The shared reference sits beside the checkout (../shared), or at /work/shared on this project's machines.
SPEC = next((p for p in (Path(__file__).resolve().parents[2].parent / "shared" / "reference" / "workfront-openapi-v19.json",
                         Path("/work/shared/reference/workfront-openapi-v19.json")) if p.exists()),
            Path("/work/shared/reference/workfront-openapi-v19.json"))
API_ROOT = "/attask/api/v19.0"
EXAMPLES = int(os.environ.get("WF_FUZZ_EXAMPLES", "1"))
REPORT = os.environ.get("WF_FUZZ_REPORT")
SESSION_PATHS = ("/login", "/logout", "/session", "/info")
READS = ("{id}", "search", "count", "report", "metadata")
NAMED_QUERIES = {"myWork"}
JSON_TYPES = {fieldtypes.STRING: {"type": "string"}, fieldtypes.INT: {"type": "integer"},
              fieldtypes.DOUBLE: {"type": "number"}, fieldtypes.BOOLEAN: {"type": "boolean"},
              fieldtypes.DATETIME: {"type": "string", "format": "date-time"}}
NOT_SUPPORTED = "is not supported by the emulator"
# Statuses the description leaves out that Workfront answers: a verb a path does not take and a URI
# too long (the web tier), and 401 for wrong credentials at login (fixtures/exception.json).
UNDESCRIBED_STATUSES = {405, 414}
UNDESCRIBED_LOGIN_STATUSES = {401}


def _served_code(path: str) -> str | None:
    head = path.strip("/").split("/")[0]
    try:
        return resolve(head).code
    except ApiError:
        return None


def implemented(path: str) -> bool:
    """Whether the emulator implements an operation (the others are actions and named queries it
    answers "not supported by the emulator")."""
    parts = path.strip("/").split("/")
    name = parts[-1]  # /{obj}, /{obj}/{id}, /{obj}/search, /{obj}/{action}, /{obj}/{id}/{action}
    if path in SESSION_PATHS or len(parts) == 1 or name in READS:
        return True
    code = _served_code(path)
    return name in NAMED_QUERIES or (code is not None and emulated(name, code))


def _object_schema(name: str) -> dict[str, Any]:
    """A stand-in for ``./<name>.json``: the served type's fields, typed; else an open object."""
    code = next((c for c, t in catalog().items() if t.name == name or c == name.upper()), None)
    if code is None:
        return {"type": "object"}
    obj_type = catalog()[code]
    fields = sorted(f for f in obj_type.fields if f not in ("ID", "objCode", "entryDate", "lastUpdateDate"))
    return {"type": "object", "additionalProperties": False,
            "properties": {f: JSON_TYPES.get(fieldtypes.field_type(code, f), {"type": "string"}) for f in fields}}


def _stand_in(node: Any) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("./") and ref.endswith(".json"):
            return _object_schema(ref[2:-5])
        return {key: _stand_in(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_stand_in(item) for item in node]
    return node


def fuzz_spec() -> dict[str, Any]:
    """The description with its missing files stood in, cut to what the emulator serves."""
    if not SPEC.exists():
        pytest.skip(f"Adobe's OpenAPI description is not at {SPEC}")
    raw = json.loads(SPEC.read_text())
    spec = copy.deepcopy(raw)
    spec["paths"] = {p: _stand_in(item) for p, item in raw["paths"].items()
                     if p in SESSION_PATHS or _served_code(p) is not None}
    spec["components"]["schemas"] = {}
    spec["servers"] = [{"url": API_ROOT}]
    return spec


def _id_parameters(spec: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(METHOD, path) -> the name of the query parameter that takes the object's ID, where one does."""
    found = {}
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and parameter.get("name") in ("ID", "id"):
                    found[(method.upper(), path)] = parameter["name"]
    return found


def _load() -> Any:
    spec = fuzz_spec()
    ID_PARAMETERS.update(_id_parameters(spec))
    schema = schemathesis.openapi.from_dict(spec)
    # Valid input only: the question is whether what the description allows is answered.
    schema.config.generation.update(modes=[GenerationMode.POSITIVE], allow_extra_parameters=False)
    return schema


ID_PARAMETERS: dict[tuple[str, str], str] = {}
SCHEMA = _load() if SPEC.exists() else None
CALLS: Counter[str] = Counter()  # calls per operation so far


def with_real_ids(case: Any, server: EmulatorServer, label: str) -> None:
    """Every other call of an operation names a real object where its ID goes (random IDs alone
    would stop most calls at a 404), so the fuzz reaches the emulator's real work too."""
    CALLS[label] += 1
    code = _served_code(case.operation.path)
    if code is None or not CALLS[label] % 2:
        return
    emulator = server.emulator
    ids = _ids(emulator, code)
    if not ids:  # the fuzz deleted every object of the type: a fresh demo tenant
        server.control.reset("demo")
        ids = _ids(emulator, code)
    if not ids:
        return
    real = ids[CALLS[label] % len(ids)]
    if case.path_parameters and "id" in case.path_parameters:
        case.path_parameters["id"] = real
    name = ID_PARAMETERS.get((case.operation.method.upper(), case.operation.path))
    if name:  # the optional ID of an action on the collection path: given, and real
        case.query = {**(case.query or {}), name: real}


def _ids(emulator: Any, code: str) -> list[str]:
    with emulator.store.lock:
        return sorted(i for i in emulator.store.objects[code] if i != emulator.auth.admin_id)
SEEN: Counter[tuple[str, str]] = Counter()  # (operation label, status or "not supported") -> answers
REFUSALS: Counter[tuple[str, str]] = Counter()  # (operation label, 4xx message) -> answers


@pytest.fixture(scope="module")
def fuzz_server():
    """A tenant of its own: the fuzz creates and deletes freely."""
    with EmulatorServer(api_key="fuzz-key", seed="demo", concurrency_limit=1000) as server:
        yield server
    if REPORT:
        by_operation: dict[str, dict[str, int]] = {}
        for (label, status), n in sorted(SEEN.items()):
            by_operation.setdefault(label, {})[status] = n
        refusals: dict[str, dict[str, int]] = {}
        for (label, message), n in REFUSALS.most_common():
            refusals.setdefault(label, {})[message] = n
        Path(REPORT).write_text(json.dumps({"summary": summary(), "by_operation": by_operation,
                                            "refusals": refusals}, indent=2))


def summary() -> dict[str, Any]:
    """Operations, requests and answers by status of the run so far."""
    by_status: Counter[str] = Counter()
    operations = set()
    for (label, status), n in SEEN.items():
        operations.add(label)
        by_status[status] += n
    unimplemented = {label for label in operations if not implemented(label.split(" ", 1)[1])}
    return {"examples_per_operation": EXAMPLES, "operations": len(operations),
            "operations_not_implemented": len(unimplemented), "requests": sum(SEEN.values()),
            "answers_by_status": dict(sorted(by_status.items()))}


def _fuzzed(test: Any) -> Any:
    """The schemathesis test over every operation, or a skip when the description is missing."""
    if SCHEMA is None:
        return pytest.mark.skip(reason=f"Adobe's OpenAPI description is not at {SPEC}")(test)
    # A bigger budget adds the explicit phase: the description's examples and schemathesis' coverage cases.
    bounded = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                       phases=[Phase.explicit, Phase.generate] if EXAMPLES > 1 else [Phase.generate],
                       suppress_health_check=list(HealthCheck))(test)
    return SCHEMA.parametrize()(bounded)


@_fuzzed
def test_the_emulator_answers_the_openapi_description(case, fuzz_server):
    with_real_ids(case, fuzz_server, f"{case.operation.method.upper()} {case.operation.path}")
    response = case.call(base_url=f"{fuzz_server.base_url}{API_ROOT}", headers={"apiKey": fuzz_server.api_key})
    path = case.operation.path
    try:
        body = response.json()
    except ValueError:
        body = None
    message = str((body or {}).get("error", {}).get("message", "")) if isinstance(body, dict) else ""
    label = f"{case.operation.method.upper()} {path}"
    SEEN[(label, "not supported" if NOT_SUPPORTED in message else str(response.status_code))] += 1
    if message:
        REFUSALS[(label, message[:120])] += 1
    assert response.status_code < 500, f"{label}: {response.status_code} {response.text[:300]}"
    assert body is not None, f"{label}: not a JSON answer: {response.text[:300]}"
    if response.status_code >= 400:
        assert set(body) == {"error"} and isinstance(body["error"].get("message"), str), body
    assert not (NOT_SUPPORTED in message and implemented(path)), f"{label} is implemented: {message}"
    checks = [not_a_server_error, content_type_conformance]
    undescribed = UNDESCRIBED_STATUSES | (UNDESCRIBED_LOGIN_STATUSES if path in SESSION_PATHS else set())
    if response.status_code not in undescribed:
        checks.append(status_code_conformance)
    case.validate_response(response, checks=checks)


def test_the_stand_ins_give_served_objects_their_typed_fields():
    project = _object_schema("Project")
    assert project["properties"]["plannedStartDate"] == {"type": "string", "format": "date-time"}
    assert project["properties"]["priority"] == {"type": "integer"}
    assert _object_schema("ListOptions") == {"type": "object"}


def test_which_operations_the_emulator_implements():
    assert implemented("/project/{id}") and implemented("/task/search") and implemented("/project")
    assert implemented("/project/calculateTimeline") and implemented("/task/myWork")
    assert implemented("/project/{id}/calculateTimeline") and implemented("/template/calculateTimeline")
    assert not implemented("/templatetask/move") and not implemented("/project/markDone")
    assert not implemented("/task/bulkCopy") and not implemented("/project/helpDeskQueues")
    assert not implemented("/project/{id}/sharePublic")
