"""What kind of value each Workfront field holds, read from the object's ``/metadata``.

Workfront's ``/{objCode}/metadata`` answer lists ``fields`` (each with a ``fieldType`` such as
``dateTime``, ``date``, ``int``, ``double``, ``boolean``, ``string``, ``string[]`` or ``map``),
``references`` and ``collections`` (nested objects), and, for custom forms, ``custom`` (``DE:``
fields, typed the same way). Sinks store a field by its *kind*, never by how a value looks: a
task named ``2020-05-18T17:00:00:000-0600`` stays that text, because ``name`` is a string.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

log = logging.getLogger(__name__)

#: The kinds a field can have, in the sinks' own words.
TIMESTAMP, INTEGER, NUMBER, BOOLEAN, TEXT, JSON = "timestamp", "integer", "number", "boolean", "text", "json"
KINDS = (TIMESTAMP, INTEGER, NUMBER, BOOLEAN, TEXT, JSON)

_BY_FIELD_TYPE = {
    "datetime": TIMESTAMP,
    "date": TIMESTAMP,
    "int": INTEGER,
    "integer": INTEGER,
    "long": INTEGER,
    "double": NUMBER,
    "float": NUMBER,
    "currency": NUMBER,
    "number": NUMBER,
    "boolean": BOOLEAN,
    "string": TEXT,
    "text": TEXT,
    "map": JSON,
}


def kind_of_field_type(field_type: Any) -> str | None:
    """The kind of a metadata ``fieldType`` (``None`` when it is not one we know)."""
    if not isinstance(field_type, str) or not field_type:
        return None
    if field_type.endswith("[]"):  # string[], int[]...: a list of values
        return JSON
    return _BY_FIELD_TYPE.get(field_type.lower())


def kinds_from_metadata(metadata: Mapping[str, Any] | None) -> dict[str, str]:
    """Field name -> kind from an object's ``/metadata`` answer (its ``data`` part or the whole body).

    References and collections are JSON; fields whose ``fieldType`` is unknown are left out, so
    the sink falls back to storing them as seen.
    """
    if not metadata:
        return {}
    data = metadata.get("data", metadata) if isinstance(metadata.get("data"), Mapping) else metadata
    kinds: dict[str, str] = {}
    for section in ("fields", "custom"):
        for name, spec in (data.get(section) or {}).items():
            kind = kind_of_field_type(spec.get("fieldType") if isinstance(spec, Mapping) else None)
            if kind is not None:
                kinds[name] = kind
    for section in ("references", "collections"):
        for name in data.get(section) or {}:
            kinds[name] = JSON
    return kinds


def kind_of_value(value: Any) -> str:
    """The fallback for a field without metadata: judged from a value's Python type, never its text."""
    if isinstance(value, bool):
        return BOOLEAN
    if isinstance(value, int | float):
        return NUMBER
    if isinstance(value, dict | list):
        return JSON
    return TEXT


#: Column types per dialect. SQLite has no timestamp type: dates are ISO 8601 UTC text there,
#: which sorts correctly and which its date functions read.
SQL_TYPES: dict[str, dict[str, str]] = {
    "postgres": {TIMESTAMP: "TIMESTAMPTZ", INTEGER: "BIGINT", NUMBER: "NUMERIC", BOOLEAN: "BOOLEAN",
                 TEXT: "TEXT", JSON: "JSONB"},
    "sqlite": {TIMESTAMP: "TEXT", INTEGER: "INTEGER", NUMBER: "NUMERIC", BOOLEAN: "BOOLEAN", TEXT: "TEXT",
               JSON: "TEXT"},
    "generic": {TIMESTAMP: "TIMESTAMP WITH TIME ZONE", INTEGER: "BIGINT", NUMBER: "NUMERIC", BOOLEAN: "BOOLEAN",
                TEXT: "TEXT", JSON: "TEXT"},
}

#: (stored kind, new kind) pairs a column may widen along; every kind widens to text.
WIDENINGS = {(INTEGER, NUMBER)} | {(k, TEXT) for k in KINDS if k != TEXT}


def sql_type(kind: str, dialect: str) -> str:
    """The column type for ``kind`` in ``dialect`` (``postgres``, ``sqlite``, anything else generic)."""
    return SQL_TYPES.get(dialect, SQL_TYPES["generic"])[kind]


class FieldKinds:
    """The kind of every field a run writes: from metadata, else (logged once) from its values.

    The window's date field is always a timestamp and ``ID`` always text, whatever the metadata
    says, since the sync itself reads them as such.

    :param metadata_kinds: Field -> kind from ``/metadata``; ``None`` when the run has none.
    :param date_field: The window's date field.
    :param what: Names the destination in log lines.
    """

    def __init__(self, metadata_kinds: Mapping[str, str] | None, date_field: str, what: str) -> None:
        self.has_metadata = metadata_kinds is not None
        self.date_field = date_field
        # objCode comes back on every object but no /metadata lists it: it is always text.
        self.known = {**(metadata_kinds or {}), "ID": TEXT, "objCode": TEXT}
        if date_field:  # objects read whole have none
            self.known[date_field] = TIMESTAMP
        self.what = what
        self._guessed: set[str] = set()

    def metadata_kind(self, field: str) -> str | None:
        """The kind the metadata (or the sync itself) gives ``field``."""
        return self.known.get(field)

    def for_page(self, fields: list[str], records: list[dict[str, Any]]) -> dict[str, str]:
        """Kinds for ``fields`` of one page; fields without metadata are judged by their values."""
        kinds: dict[str, str] = {}
        guessed = []
        for field in fields:
            kind = self.known.get(field)
            if kind is None:
                sample = next((r[field] for r in records if r.get(field) is not None), None)
                kind = kind_of_value(sample)
                if field not in self._guessed:
                    self._guessed.add(field)
                    guessed.append(f"{field}={kind}")
            kinds[field] = kind
        if guessed:
            log.info(
                "%s: no metadata type for %s; storing %s as their first values look (numbers, booleans, "
                "JSON for nested values, text for the rest; text is never parsed as a date)",
                self.what, "these fields" if self.has_metadata else "any field (metadata missing)", ", ".join(guessed),
            )
        return kinds


#: Custom fields are defined by PARAM objects; their ``dataType`` types the values.
_BY_PARAM_DATA_TYPE = {"DATE": TIMESTAMP, "NMBR": NUMBER, "CURC": NUMBER, "TEXT": TEXT}
#: Display types whose fields hold several values (answered as lists).
_MULTI_VALUE_DISPLAYS = {"CHECKBOX", "MULTI", "MULTISELECT"}


def kinds_from_params(params: list[Mapping[str, Any]]) -> dict[str, str]:
    """``DE:<name>`` -> kind from PARAM objects (``name``, ``dataType``, ``displayType``)."""
    kinds = {}
    for param in params:
        display = str(param.get("displayType") or "").upper()
        kind = JSON if display in _MULTI_VALUE_DISPLAYS else _BY_PARAM_DATA_TYPE.get(str(param.get("dataType")).upper())
        if kind is not None and param.get("name"):
            kinds[f"DE:{param['name']}"] = kind
    return kinds


def read_field_kinds(client: Any, obj_code: str, fields: list[str]) -> dict[str, str]:
    """Field kinds for a run: ``/<obj>/metadata`` (one request), then, for requested ``DE:`` fields it
    does not type, their PARAM definitions (one search, only when there are such fields)."""
    kinds = kinds_from_metadata(client.metadata(obj_code))
    custom = sorted({f[3:] for f in fields if f.startswith("DE:") and f not in kinds})
    if custom and hasattr(client, "search"):
        try:
            params = client.search("PARAM", {"name": custom, "name_Mod": "in"}, ["name", "dataType", "displayType"])
            kinds.update(kinds_from_params(list(params)))
        except Exception as exc:  # the object's own types still hold; these fields fall back
            log.warning("%s: could not read the PARAM definitions of %s (%s); they are stored as their values look",
                        obj_code, ", ".join(f"DE:{n}" for n in custom), exc)
    return kinds
