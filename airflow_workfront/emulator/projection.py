"""Which fields a response carries: the default subset, ``fields=`` with nested colon paths,
``*``, collections, ``DE:`` custom fields and ``parameterValues``.

Without ``fields=`` an object answers its type's default subset. With it, the object answers
what was asked for plus its identity (``ID``, ``name``, ``objCode``): the docs'
``task/search?fields=plannedStartDate,priority`` answers ``ID``, ``name``, ``plannedStartDate``
and ``priority``, and every recorded answer (fixtures/) carries ``objCode``. So code that reads a
default field it did not ask for fails here as it would on Workfront.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from airflow_workfront.emulator.catalog import (
    COLLECTIONS,
    DEFAULT_FIELDS,
    RECORDED_DEFAULT_FIELDS,
    ObjectType,
    catalog,
)
from airflow_workfront.emulator.errors import bad_request
from airflow_workfront.emulator.query import MAX_FIELD_DEPTH, _join_custom
from airflow_workfront.emulator.store import Store

Tree = dict[str, Any]  # field -> subtree (dict) for references/collections, or None for a value


IDENTITY_FIELDS = ("ID", "name", "objCode")  # what an object answers besides the fields asked for


@lru_cache(maxsize=2048)
def _default_names(code: str, asked: bool = False) -> tuple[str, ...]:
    """The fields an object answers unasked: its defaults, or only its identity when ``fields=`` asked for others."""
    obj_type = catalog()[code]
    if asked:
        names: tuple[str, ...] = IDENTITY_FIELDS
    elif code in RECORDED_DEFAULT_FIELDS:
        names = RECORDED_DEFAULT_FIELDS[code]
    else:
        names = (*DEFAULT_FIELDS, *(() if obj_type.has_last_update else ("entryDate",)))
    return tuple(f for f in names if f in obj_type.fields or f in ("ID", "objCode"))


@lru_cache(maxsize=256)
def _all_names(code: str) -> tuple[str, ...]:
    """Every field of a type in name order (``fields=*``), sorted once per type."""
    return tuple(sorted(catalog()[code].fields))


def build_tree(obj_type: ObjectType, fields: list[str]) -> Tree:
    """Parse ``fields=`` entries into a tree, validating every name against the catalog."""
    tree: Tree = {}
    for text in fields:
        parts = _join_custom(tuple(text.split(":")))
        if len(parts) > MAX_FIELD_DEPTH + 1:
            raise bad_request(f"{text}: fields may not be more than {MAX_FIELD_DEPTH} levels deep")
        _add(obj_type, tree, parts, text)
    return tree


def _add(obj_type: ObjectType | None, tree: Tree, parts: tuple[str, ...], text: str) -> None:
    head, rest = parts[0], parts[1:]
    if obj_type is not None and not (head == "*" or head.startswith("DE:") or obj_type.knows(head)):
        raise obj_type.unknown_field(head)
    if not rest:
        if head in (obj_type.references if obj_type else ()) or head in (obj_type.collections if obj_type else ()):
            tree.setdefault(head, {})
        else:
            tree.setdefault(head, None)
        return
    if obj_type is not None and head not in obj_type.references and head not in obj_type.collections:
        raise bad_request(f"{text}: {head} is not a reference or collection of {obj_type.name}")
    sub = tree.get(head)
    if not isinstance(sub, dict):
        sub = tree[head] = {}
    _add(_target(obj_type, head), sub, rest, text)


def _target(obj_type: ObjectType | None, name: str) -> ObjectType | None:
    if obj_type is None:
        return None
    if name in obj_type.references:
        code = obj_type.reference_target(name)
    else:
        spec = COLLECTIONS.get((obj_type.code, name))
        code = spec[0] if spec else None
    return catalog().get(code) if code else None


def project_many(store: Store, obj_type: ObjectType, records: list[dict], tree: Tree) -> list[dict]:
    """The response shape of a page of records: :func:`project` on each, with a fast path.

    When every requested field is a plain field of the object, a reference or ``*`` (no
    collections or custom-form maps), the shape is worked out once for the page instead of once
    per record: each row starts as a copy of the page's template (every key in answer order, all
    ``None``), takes the values the record holds, and then its references' objects. A 2000-row
    page of the sync's ~150 fields is then several times cheaper to build.
    """
    special = ("parameterValues", "accessRules")
    if any(name in special or name in obj_type.collections for name in tree):
        return [project(store, obj_type, r, tree) for r in records]
    names = list(tree)
    # ``*`` answers every field the request's API version has, and objCode as the type's code
    # (unless a plain objCode asked for after it reads the record's).
    hidden = obj_type.missing_in_version() if "*" in tree else frozenset()
    type_code = "*" in tree and "objCode" not in names[names.index("*") + 1:]
    known = obj_type.fields
    defaults = [(name, name in known) for name in _default_names(obj_type.code, bool(tree))]
    # Defaults outside the type's fields answer only when the record holds them: one template for
    # each way records hold them (nearly always one).
    optional = tuple(name for name, always in defaults if not always)
    templates: dict[tuple[bool, ...], tuple[dict, frozenset[str]]] = {}

    def template(held: tuple[bool, ...]) -> tuple[dict, frozenset[str]]:
        present = dict(zip(optional, held, strict=True))
        keys = [name for name, always in defaults if always or present[name]]
        for name in names:  # a name already placed keeps its place (the value is the same)
            if name == "*":
                keys.extend(key for key in _all_names(obj_type.code) if key not in hidden)
                keys.append("objCode")
            else:
                keys.append(name)
        return dict.fromkeys(keys), frozenset(keys)

    references = [(name, f"{name}ID", _target(obj_type, name), sub or {})
                  for name, sub in tree.items() if name in obj_type.references]
    rows = []
    for record in records:
        held = tuple([name in record for name in optional])
        shape = templates.get(held)
        if shape is None:
            shape = templates[held] = template(held)
        if shape[1].issuperset(record):  # the record holds only answered fields: copied in one go
            row = {**shape[0], **record}
        else:
            row = shape[0].copy()
            for name in shape[1].intersection(record):
                row[name] = record[name]
        for name, id_field, target, sub in references:
            ref_id = record.get(id_field)
            found = store.find(target.code, ref_id) if target and ref_id else None
            row[name] = project(store, target, found, sub, defaults=False) if target and found else None
        if type_code:
            row["objCode"] = obj_type.code
        rows.append(row)
    return rows


def project(store: Store, obj_type: ObjectType, record: dict, tree: Tree, *, defaults: bool = True) -> dict:
    """The response shape of one record."""
    out: dict[str, Any] = {}
    if defaults:
        for name in _default_names(obj_type.code, bool(tree)):
            if name in record or name in obj_type.fields:
                out[name] = record.get(name)
    else:
        out["ID"] = record["ID"]
        if "name" in obj_type.fields:
            out["name"] = record.get("name")
        out["objCode"] = obj_type.code
    for name, sub in tree.items():
        if name == "*":
            hidden = obj_type.missing_in_version()  # fields the request's API version lacks
            for key in _all_names(obj_type.code):
                if key not in out and key not in hidden:
                    out[key] = record.get(key)
            out["objCode"] = obj_type.code
        elif name == "parameterValues":
            out[name] = {k: v for k, v in record.items() if k.startswith("DE:")}
        elif name == "accessRules":  # kept on the record by the share action (no ACSRUL objects)
            out[name] = [dict(rule) for rule in record.get("_accessRules", [])]
        elif name in obj_type.references:
            target = _target(obj_type, name)
            ref_id = record.get(f"{name}ID")
            found = store.find(target.code, ref_id) if target and ref_id else None
            out[name] = project(store, target, found, sub or {}, defaults=False) if target and found else None
        elif name in obj_type.collections:
            target = _target(obj_type, name)
            members = store.order.shuffled(store.members(obj_type, record, name)) if target else []
            out[name] = [project(store, target, m, sub or {}, defaults=False) for m in members] if target else []
        else:
            out[name] = record.get(name)
    return out
