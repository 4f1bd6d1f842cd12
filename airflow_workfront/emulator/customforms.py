"""Custom forms, as Workfront defines them: custom fields (PARAM) grouped into forms (CTGY) by
form-field links (CTGYPA), each form for one object type (``catObjCode``).

A custom field is written and read on an object as ``DE:<field name>``. The rules here work on
the store's tables (``objects[code][ID]``), so the store applies them without this module knowing
the store.
"""

from __future__ import annotations

from typing import Any

from airflow_workfront.emulator.catalog import ObjectType, catalog
from airflow_workfront.emulator.errors import bad_request, unprocessable

Tables = dict[str, dict[str, dict]]
DEFAULT_DATA_TYPE = "TEXT"  # a new custom field is a single line of text unless told otherwise
DEFAULT_DISPLAY_TYPE = "TEXT"


def form_codes(objects: Tables, parameter_id: str) -> set[str]:
    """The object types whose forms hold the custom field ``parameter_id``."""
    forms = objects.get("CTGY", {})
    return {str(forms[link["categoryID"]].get("catObjCode")) for link in objects.get("CTGYPA", {}).values()
            if link.get("parameterID") == parameter_id and link.get("categoryID") in forms}


def check_writable(objects: Tables, obj_type: ObjectType, name: str, parameter: dict | None) -> None:
    """Refuse ``DE:<name>`` on a type none of whose forms holds the field, when the field is on forms.

    A ``DE:`` name with no definition, or a definition on no form yet, keeps the emulator's lenient
    default (the value is stored as sent).
    """
    if parameter is None:
        return
    codes = form_codes(objects, parameter["ID"])
    if codes and obj_type.code not in codes:
        raise bad_request(f"{name} is not a field of any custom form of {obj_type.name} "
                          f"(its forms are for {', '.join(sorted(codes))})")


def defaults(objects: Tables, code: str, data: dict) -> dict[str, Any]:
    """What Workfront fills in for a new custom field (its type) or form-field link (its place)."""
    if code == "PARAM":
        return {"dataType": DEFAULT_DATA_TYPE, "displayType": DEFAULT_DISPLAY_TYPE}
    if code == "CTGYPA" and data.get("categoryID"):
        taken = [int(link.get("displayOrder") or 0) for link in objects.get("CTGYPA", {}).values()
                 if link.get("categoryID") == data["categoryID"]]
        return {"displayOrder": max(taken, default=0) + 1}
    return {}


def check_new(objects: Tables, code: str, record: dict) -> None:
    """A form names an object type the API has; a field is on a form at most once."""
    if code == "CTGY" and str(record.get("catObjCode") or "") not in catalog():
        raise unprocessable(f"Category: catObjCode {record.get('catObjCode')!r} is not an object code "
                            "(PROJ, TASK, OPTASK...)")
    if code == "CTGYPA":
        for link in objects.get("CTGYPA", {}).values():
            if (link.get("categoryID"), link.get("parameterID")) == (record.get("categoryID"), record.get("parameterID")):
                raise unprocessable(f"CategoryParameter: parameter {record.get('parameterID')} is already on "
                                    f"category {record.get('categoryID')}")


def links_of(objects: Tables, parameter_id: str) -> list[dict]:
    """The form-field links of a custom field (deleted with it)."""
    return [link for link in objects.get("CTGYPA", {}).values() if link.get("parameterID") == parameter_id]
