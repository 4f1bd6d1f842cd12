"""Every field of an object type, found at run time: ``fields="all"``.

A sync task given ``fields="all"`` (every :class:`~airflow_workfront.mirror.WorkfrontMirror` task
is) asks Workfront at the start of each run, so a field or a custom field added in Workfront
becomes a column on the next run with no change to the DAG:

* the object's ``/metadata``: every field it lists (one request), less :data:`LEFT_OUT`;
* each reference's ID: references name other objects (``project``), and most have their ID among
  the fields (``projectID``); for the few that do not (``PROJ.defaultBaseline``), ``<ref>:ID`` is
  read and stored in a column of its own (``default_baseline_id``);
* the object type's custom fields: the custom forms (``CTGY``) whose ``catObjCode`` is the type,
  with their fields' definitions (``PARAM``: name, data type), one search. Each becomes a
  ``DE:<name>`` column typed from its definition.

Collections (an object's assignments, hours...) are not fields: they are other object types,
synced into tables of their own.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from airflow_workfront.client.objects import date_field_for
from airflow_workfront.sync.sinks.fieldtypes import TEXT, kinds_from_metadata, kinds_from_params

log = logging.getLogger(__name__)

#: Fields a sync of every field leaves out, and why (docs/mirror.md shows this table).
LEFT_OUT: dict[str, str] = {
    "password": "write-only: a user's password is set through the API, never read back, and never stored",
    "publicToken": "a document's public share token is a credential; credentials are never copied",
    "auditNote": "an input of the approval actions (approveApproval...), not stored state",
    "auditTypes": "an input of the approval actions, not stored state",
    "auditUserIDs": "an input of the approval actions, not stored state",
    "approversString": "worked out per object from its approvers, a lookup per object on every page",
    "assignmentsListString": "worked out per object from its assignments, a lookup per object",
    "taskNumberPredecessorString": "worked out per object from its predecessors, a lookup per object",
    "ageRangeAsString": "worked out from the clock at read time, so it changes without the object changing",
}

#: The custom forms of an object type, with their fields' definitions, in one search.
FORM_FIELDS = ("name", "catObjCode", "categoryParameters:parameter:name",
               "categoryParameters:parameter:dataType", "categoryParameters:parameter:displayType")


@dataclass(frozen=True)
class FieldPlan:
    """What a run of ``fields="all"`` reads, and how its columns are typed.

    :param fields: Field names to request (``ID`` and the date first).
    :param date_field: ``lastUpdateDate``, ``entryDate``, or ``None`` for an object type with
        neither (read whole each run, see :mod:`~airflow_workfront.sync.snapshot`).
    :param kinds: Field -> kind for every requested field Workfront types.
    :param custom_fields: The ``DE:`` fields found on the type's custom forms.
    :param left_out: Fields of :data:`LEFT_OUT` the type has.
    :param requests: Requests the discovery cost (2: the metadata and one page of forms).
    :param notes: What went wrong on the way, for the log.
    """

    obj_code: str
    fields: tuple[str, ...]
    date_field: str | None
    kinds: Mapping[str, str]
    custom_fields: tuple[str, ...] = ()
    left_out: tuple[str, ...] = ()
    requests: int = 0
    notes: tuple[str, ...] = field(default=())


def metadata_data(answer: Mapping[str, Any]) -> Mapping[str, Any]:
    """The ``data`` part of a ``/metadata`` answer (or the answer itself when it has none)."""
    data = answer.get("data") if isinstance(answer, Mapping) else None
    return data if isinstance(data, Mapping) else answer


def plan_from_metadata(obj_code: str, metadata: Mapping[str, Any], forms: list[Mapping[str, Any]] | None) -> FieldPlan:
    """The :class:`FieldPlan` of ``obj_code`` from its ``/metadata`` answer and its custom forms
    (``None``: the forms could not be read). Pure: no request."""
    data = metadata_data(metadata)
    names = list(data.get("fields") or {})
    date_field: str | None = date_field_for(obj_code, names)
    if date_field not in names:  # neither lastUpdateDate nor entryDate (TEAMOB...)
        date_field = None
    left_out = tuple(sorted(n for n in names if n in LEFT_OUT))
    plain = [n for n in names if n not in LEFT_OUT]
    ref_ids = [f"{ref}:ID" for ref in (data.get("references") or {}) if f"{ref}ID" not in names]
    params = _params(forms or [])
    custom = sorted({f"DE:{p['name']}" for p in params})
    key = ["ID", *([date_field] if date_field else [])]
    fields = tuple(dict.fromkeys([*key, *sorted(plain), *sorted(ref_ids), *custom]))
    kinds = {name: kind for name, kind in kinds_from_metadata(metadata).items() if name in fields}
    kinds.update({ref: TEXT for ref in ref_ids})
    kinds.update(kinds_from_params(params))
    notes = () if forms is not None else (f"{obj_code}: the custom forms could not be read; no custom fields",)
    return FieldPlan(obj_code.upper(), fields, date_field, kinds, tuple(custom), left_out, 0, notes)


def discover_fields(client: Any, obj_code: str) -> FieldPlan:
    """Ask Workfront for every field of ``obj_code``: its ``/metadata`` and its custom forms.

    Two requests, sent together when the client may have two in flight (they are the first step
    of every run, so their round trip is on its critical path). A type whose forms Workfront will
    not search (an older API version, a user without the right) is synced without custom fields,
    and the log says so.
    """
    before = _requests(client)

    def read_forms() -> list[Mapping[str, Any]] | None:
        try:
            return list(client.search("CTGY", {"catObjCode": obj_code.upper()}, list(FORM_FIELDS)))
        except Exception as exc:  # custom fields are a part, not the whole: the sync goes on without them
            log.warning("%s: could not read its custom forms (CTGY, %s); syncing without custom fields",
                        obj_code, exc)
            return None

    config = getattr(client, "config", None)
    if int(getattr(config, "max_concurrency", 1)) < 2:
        metadata, forms = client.metadata(obj_code), read_forms()
    else:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="wf-discovery") as pool:
            forms_future = pool.submit(read_forms)
            try:
                metadata = client.metadata(obj_code)
            finally:
                forms = forms_future.result()  # waited for even when /metadata failed: no request outlives this
    plan = plan_from_metadata(obj_code, metadata, forms)
    return FieldPlan(plan.obj_code, plan.fields, plan.date_field, plan.kinds, plan.custom_fields, plan.left_out,
                     _requests(client) - before, plan.notes)


def _requests(client: Any) -> int:
    stats = getattr(client, "stats", None)
    return int(getattr(stats, "total", 0) or 0)


def _params(forms: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The PARAM definitions of the forms' fields, each once."""
    seen: dict[str, Mapping[str, Any]] = {}
    for form in forms:
        for link in form.get("categoryParameters") or []:
            param = link.get("parameter") if isinstance(link, Mapping) else None
            if isinstance(param, Mapping) and param.get("name"):
                seen.setdefault(str(param["name"]), param)
    return list(seen.values())

