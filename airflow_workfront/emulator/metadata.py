"""``/metadata`` and ``/{obj}/metadata`` answers, shaped like fixtures/metadata.json.

Field types, labels and enumerations come from :mod:`fieldtypes`; names, references,
collections and action arguments from the catalog (Workfront's own metadata).
"""

from __future__ import annotations

from typing import Any

from airflow_workfront.emulator import fieldtypes
from airflow_workfront.emulator.catalog import COLLECTIONS, ObjectType, catalog

# Object codes of references and collections the emulator does not serve (metadata answers only).
UNSERVED_TARGETS = {
    "customer": "CUST", "layoutTemplate": "LYTMPL", "userRoles": "USRROL", "accessRules": "ACSRUL",
    "parameterOptions": "POPT", "parameterGroup": "PGRP", "categoryParameterExpression": "CTGYPE",
    "parameterValues": "PVAL", "objectCategories": "OBJCAT", "queueTopics": "QUET", "schedule": "SCHED",
    "milestonePath": "MPATH", "approvalProcess": "ARVPRC",
}
# Object names of those codes (a reference's fieldType is its target's name).
UNSERVED_NAMES = {"CUST": "Customer", "LYTMPL": "LayoutTemplate", "USRROL": "UserRole", "ACSRUL": "AccessRule",
                  "PGRP": "ParameterGroup", "CTGYPE": "CategoryParameterExpression", "POPT": "ParameterOption",
                  "PVAL": "ParameterValue", "OBJCAT": "ObjectCategory", "QUET": "QueueTopic", "SCHED": "Schedule",
                  "MPATH": "MilestonePath", "ARVPRC": "ApprovalProcess"}
OPERATIONS = ["add", "count", "delete", "edit", "get", "replace", "report", "search"]


def api_metadata() -> dict:
    """``/metadata``: every object type the emulator serves, keyed by its name (``Project``), each
    entry keeping its object code, as Workfront's answer and its official client's tests have it."""
    return {"objects": {t.name: {"objCode": code, "name": t.name, "label": object_label(t)}
                        for code, t in catalog().items()}}


def object_label(obj_type: ObjectType) -> str:
    return fieldtypes.OBJECT_LABELS.get(obj_type.code, fieldtypes.label(obj_type.name))


def _url(code: str) -> str:
    return f"/attask/api/{code.lower()}/metadata"


def describe_field(obj_type: ObjectType, name: str) -> dict[str, Any]:
    """One entry of ``fields``: type, label, and enumeration where the field has one."""
    entry: dict[str, Any] = {
        "label": fieldtypes.label(name), "typeObjCode": None, "targetTypeObjCode": None,
        "fieldType": fieldtypes.field_type(obj_type.code, name), "enumTargetObjCode": None, "enumType": None,
        "url": None,
    }
    if name != "ID":
        entry = {"flags": _flags(obj_type, name), **entry}
    spec = fieldtypes.enum(obj_type.code, name)
    if spec is not None:
        entry["enumType"], entry["enumTargetObjCode"] = spec[0], spec[1]
        entry["possibleValues"] = [{"label": text, "value": value} for text, value in spec[2]]
    return entry


def _flags(obj_type: ObjectType, name: str) -> list[str]:
    flags = ["NOT_FILTERABLE"] if name in obj_type.unfilterable_in_version() else []
    if fieldtypes.field_type(obj_type.code, name) == fieldtypes.DOUBLE and name.endswith(
            ("Cost", "Amount", "Revenue", "PerHour", "Benefit")):
        flags.append("CURRENCY")
    if name.endswith("ID") and name != "ID":
        flags.append("NOT_GROUPABLE")
    return flags


def _related(name: str, target: str | None) -> dict[str, Any]:
    type_name = catalog()[target].name if target in catalog() else UNSERVED_NAMES.get(target or "", target)
    return {"flags": [], "label": fieldtypes.label(name), "typeObjCode": target, "targetTypeObjCode": None,
            "fieldType": type_name, "enumTargetObjCode": None, "enumType": None,
            "url": _url(target) if target else None}


def object_metadata(obj_type: ObjectType) -> dict:
    """``/{obj}/metadata``."""
    def member(name: str) -> str | None:
        spec = COLLECTIONS.get((obj_type.code, name))
        return spec[0] if spec else UNSERVED_TARGETS.get(name)

    def target(name: str) -> str | None:
        return obj_type.reference_target(name) or UNSERVED_TARGETS.get(name)

    return {
        "name": obj_type.name, "label": object_label(obj_type), "objCode": obj_type.code, "flags": ["REPORTABLE"],
        "url": _url(obj_type.code),
        "fields": {f: describe_field(obj_type, f) for f in sorted(obj_type.fields) if obj_type.knows(f)},
        "references": {r: _related(r, target(r)) for r in sorted(obj_type.references)},
        "collections": {c: _related(c, member(c)) for c in sorted(obj_type.collections)},
        "search": {},
        "actions": {a: {"arguments": [{"name": n, "type": t} for n, t in args], "label": a}
                    for a, args in obj_type.action_arguments},
        "queries": {"myWork": {"label": "myWork"}} if obj_type.code in ("TASK", "OPTASK") else {},
        "operations": OPERATIONS,
    }
