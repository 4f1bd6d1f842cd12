"""``$$USER`` wildcards in filter values: ``assignedToID=$$USER.ID``, ``groupID=$$USER.homeGroupID``,
and a bare ``$$USER`` where an ID goes (``/user?id=$$USER``).

Workfront replaces ``$$USER.<field>`` with that field of the user making the request, so one
saved query serves every user. Date wildcards (``$$TODAY``, ``$$NOW``) are read by the query
engine; this module handles the user ones before the query is parsed.
"""

from __future__ import annotations

import json
import re
from typing import Any

from airflow_workfront.emulator.catalog import catalog
from airflow_workfront.emulator.errors import bad_request
from airflow_workfront.emulator.store import Store

_USER = re.compile(r"^\$\$USER\.([A-Za-z][A-Za-z0-9]*)$")


def substitute_user(store: Store, user_id: str, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The parameters with every ``$$USER.<field>`` value replaced by the caller's own value."""
    if not any("$$USER" in value for _, value in pairs):
        return pairs
    user = store.find("USER", user_id) or {"ID": user_id}
    out = []
    for name, value in pairs:
        if name == "filters" and "$$USER" in value:
            try:
                filters = json.loads(value)
            except ValueError:
                out.append((name, value))  # the query engine reports the bad JSON
                continue
            value = json.dumps(_in_json(user, filters))
        elif value.startswith("$$USER"):
            value = _text(_resolve(user, value))
        out.append((name, value))
    return out


def _in_json(user: dict, value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _in_json(user, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_in_json(user, v) for v in value]
    if isinstance(value, str) and value.startswith("$$USER"):
        return _resolve(user, value)
    return value


def _resolve(user: dict, text: str) -> Any:
    if text == "$$USER":  # where an ID goes (id=$$USER, as the official client sends it): the caller's ID
        return user.get("ID")
    match = _USER.match(text)
    if match is None:
        raise bad_request(f"{text}: a user wildcard names a field of the user, as in $$USER.ID")
    user_type = catalog()["USER"]
    field = match[1]
    if not user_type.knows(field) or field in user_type.references or field in user_type.collections:
        raise user_type.unknown_field(field)
    return user.get(field)


def _text(value: Any) -> str:
    """A resolved value as a query-string value (a null field matches nothing, as Workfront's does)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
