"""The emulator's state and rules: objects, system fields, a sorted date index, the journal.

Every write goes through :class:`Store`, so each behaviour (system fields, journal entries,
nested collection replacement, change events) is written once. Records keep Workfront's wire
format for dates; the index keeps milliseconds so range queries are a bisect, not a scan.
"""

from __future__ import annotations

import bisect
import copy
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from airflow_workfront.emulator import customforms, fieldtypes, timefmt
from airflow_workfront.emulator.catalog import COLLECTIONS, ObjectType, catalog, resolve
from airflow_workfront.emulator.errors import bad_request, not_found, not_supported, unprocessable
from airflow_workfront.emulator.ordering import ResultOrder
from airflow_workfront.emulator.rules import InventedRules

# Fields whose changes are journaled by default ("System updates" in Workfront's setup).
DEFAULT_TRACKED_FIELDS = frozenset({
    "status", "name", "percentComplete", "ownerID", "assignedToID", "plannedStartDate",
    "plannedCompletionDate", "hours", "projectID",
})
# Fields journaled per type beyond the default set; custom fields (DE:...) are journaled on every type.
TRACKED_BY_TYPE = {
    "ASSGN": frozenset({"assignmentPercent", "roleID", "status"}), "NOTE": frozenset({"noteText"}),
    "CTGY": frozenset({"description", "catObjCode"}),
    "PARAM": frozenset({"description", "dataType", "displayType"}),
}
JOURNALED_TYPES = frozenset({"PROJ", "TASK", "OPTASK", "PORT", "PRGM", "USER", "HOUR", "EXPNS", "DOCU", "ASSGN", "NOTE",
                             "CTGY", "PARAM"})
REQUIRED_ON_CREATE = {
    "PROJ": ("name",), "TASK": ("name", "projectID"), "OPTASK": ("name", "projectID"),
    "HOUR": ("hours",), "PORT": ("name",), "PRGM": ("name",), "USER": ("name",),
    "DOCU": ("name",), "NOTE": ("noteText",), "CTGY": ("name", "catObjCode"), "CTGYPA": ("categoryID", "parameterID"),
    "PARAM": ("name",),
}
# Privately owned objects the docs write through their owner (``updates={queueDef: {isPublic: 1}}``):
# (owner code, reference) -> (owned object code, its key back to the owner). A write replaces them.
OWNED_REFERENCES = {("PROJ", "queueDef"): ("QUED", "projectID"), ("DOCU", "currentVersion"): ("DOCV", "documentID")}
ACCESSOR_CODES = ("USER", "TEAMOB", "GROUP", "ROLE", "CMPY")
CORE_ACTIONS = ("VIEW", "LIMITED_EDIT", "EDIT", "DELETE")  # the share parameters' enum in the OpenAPI spec
PROJECTED_DATES = (("plannedStartDate", "projectedStartDate"), ("plannedCompletionDate", "projectedCompletionDate"))
SYSTEM_FIELDS = frozenset({"ID", "objCode", "entryDate", "lastUpdateDate", "enteredByID", "lastUpdatedByID"})
DATE_SUFFIXES = ("Date", "DateVal")

Listener = Callable[[str, str, dict, dict], None]


class Clock:
    """The emulator's notion of now.

    Real time by default (plus an offset). Once set to an instant it is frozen there and moves
    1 ms per write, so tests get distinct, reproducible timestamps.
    """

    def __init__(self) -> None:
        self._offset_ms = 0
        self._frozen_ms: int | None = None
        self._lock = threading.Lock()

    def now_ms(self) -> int:
        with self._lock:
            if self._frozen_ms is not None:
                return self._frozen_ms
            return int(time.time() * 1000) + self._offset_ms

    def tick(self) -> int:
        """The time of one write (advances a frozen clock by 1 ms)."""
        with self._lock:
            if self._frozen_ms is not None:
                self._frozen_ms += 1
                return self._frozen_ms
            return int(time.time() * 1000) + self._offset_ms

    def set(self, ms: int) -> None:
        with self._lock:
            self._frozen_ms = ms

    def advance(self, seconds: float) -> None:
        with self._lock:
            if self._frozen_ms is not None:
                self._frozen_ms += int(seconds * 1000)
            else:
                self._offset_ms += int(seconds * 1000)

    def set_offset(self, seconds: float) -> None:
        """Run on real time shifted by ``seconds`` (negative: behind), unfreezing the clock.

        This is how tests give "Workfront" a clock that differs from the caller's.
        """
        with self._lock:
            self._offset_ms = int(round(seconds * 1000))
            self._frozen_ms = None

    @property
    def offset_seconds(self) -> float:
        """Seconds this clock runs ahead of real time (negative: behind); meaningless while frozen."""
        return self._offset_ms / 1000

    @property
    def frozen(self) -> bool:
        """Whether the clock is frozen at an instant."""
        return self._frozen_ms is not None

    def reset(self) -> None:
        """Back to real time, without an offset."""
        with self._lock:
            self._offset_ms = 0
            self._frozen_ms = None

    def unfreeze(self) -> None:
        with self._lock:
            if self._frozen_ms is not None:
                self._offset_ms = self._frozen_ms - int(time.time() * 1000)
            self._frozen_ms = None


def is_date_field(name: str) -> bool:
    """Whether a field holds a timestamp (Workfront's names end in Date or DateVal)."""
    return name.endswith(DATE_SUFFIXES)


class Store:
    """All objects of one emulated tenant, with Workfront's write rules."""

    def __init__(self, clock: Clock | None = None, tracked_fields: frozenset[str] = DEFAULT_TRACKED_FIELDS) -> None:
        self.clock = clock or Clock()
        self.tracked_fields = tracked_fields
        self.lock = threading.RLock()
        self.objects: dict[str, dict[str, dict]] = {code: {} for code in catalog()}
        # Per type: sorted list of (date ms, ID) on the type's date field.
        self.index: dict[str, list[tuple[int, str]]] = {code: [] for code in catalog()}
        # Per type: its IDs sorted, kept until an object of the type is added or removed.
        self._sorted_ids: dict[str, list[str]] = {}
        self.listeners: list[Listener] = []
        self.uploads: dict[str, tuple[str, bytes]] = {}
        self.rules = InventedRules()  # the emulator replaces this with its own, shared across resets
        self.order = ResultOrder()  # likewise: whether searches and nested collections are shuffled
        self._undo: list[Callable[[], None]] | None = None
        self.default_user_id: str | None = None

    # -- reading ------------------------------------------------------------------------------

    def get(self, obj_type: ObjectType, obj_id: str) -> dict:
        record = self.objects[obj_type.code].get(obj_id)
        if record is None:
            raise not_found(f'{obj_type.name} with primary key value(s) "{obj_id}" not found')
        return record

    def find(self, code: str, obj_id: str | None) -> dict | None:
        if not obj_id:
            return None
        return self.objects.get(code, {}).get(obj_id)

    def all(self, code: str) -> list[dict]:
        return list(self.objects[code].values())

    def members(self, obj_type: ObjectType, record: dict, collection: str) -> list[dict]:
        """The records of a collection (``project.tasks``...), in ID order."""
        spec = COLLECTIONS.get((obj_type.code, collection))
        if spec is None:
            return []
        member_code, fk = spec
        owner_id = record["ID"]
        return sorted((r for r in self.objects[member_code].values() if r.get(fk) == owner_id), key=lambda r: r["ID"])

    def sorted_ids(self, code: str) -> list[str]:
        """Every ID of a type in ascending order (not to be changed by the caller).

        Sorted once and reused until an object of the type is created or deleted (an update keeps
        the IDs); a table whose size no longer matches the list was changed behind the store's
        back, and is sorted again.
        """
        ids = self._sorted_ids.get(code)
        if ids is None or len(ids) != len(self.objects[code]):
            ids = self._sorted_ids[code] = sorted(self.objects[code])
        return ids

    def index_range(self, code: str, lo_ms: int, hi_ms: int) -> Iterator[str]:
        """IDs whose date is in ``[lo_ms, hi_ms]``, in (date, ID) order."""
        keys = self.index[code]
        at = bisect.bisect_left(keys, (lo_ms, ""))
        while at < len(keys):
            ms, obj_id = keys[at]
            if ms > hi_ms:
                return
            yield obj_id
            at += 1

    def index_keys(self, code: str, lo_ms: int, hi_ms: int) -> list[tuple[int, str]]:
        """``(date ms, ID)`` index entries with the date in ``[lo_ms, hi_ms]``, in order."""
        keys = self.index[code]
        return keys[bisect.bisect_left(keys, (lo_ms, "")):bisect.bisect_right(keys, (hi_ms, "\uffff"))]

    def load(self, obj_type: ObjectType, records: list[dict]) -> None:
        """Add ready-made records in bulk (seeding): no rules, no journal, one index sort."""
        with self.lock:
            table = self.objects[obj_type.code]
            keys = self.index[obj_type.code]
            self._sorted_ids.pop(obj_type.code, None)
            for record in records:
                table[record["ID"]] = record
                key = self._index_key(obj_type, record)
                if key is not None:
                    keys.append(key)
            keys.sort()

    # -- writing ------------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All-or-nothing: writes inside are undone if the block raises (``atomic=true``)."""
        with self.lock:
            outer = self._undo
            self._undo = []
            try:
                yield
            except BaseException:
                for undo in reversed(self._undo):
                    undo()
                raise
            finally:
                done = self._undo
                self._undo = outer
                if outer is not None:
                    outer.extend(done)

    def _remember(self, undo: Callable[[], None]) -> None:
        if self._undo is not None:
            self._undo.append(undo)

    def _index_key(self, obj_type: ObjectType, record: dict) -> tuple[int, str] | None:
        value = record.get(obj_type.date_field)
        if value is None:
            return None
        return (timefmt.parse_time(value, 0), record["ID"])

    def _put(self, obj_type: ObjectType, record: dict, old: dict | None) -> None:
        code = obj_type.code
        if old is not None:
            old_key = self._index_key(obj_type, old)
            if old_key is not None:
                keys = self.index[code]
                at = bisect.bisect_left(keys, old_key)
                if at < len(keys) and keys[at] == old_key:
                    del keys[at]
        else:
            self._sorted_ids.pop(code, None)
        self.objects[code][record["ID"]] = record
        new_key = self._index_key(obj_type, record)
        if new_key is not None:
            bisect.insort(self.index[code], new_key)

    def _drop(self, obj_type: ObjectType, record: dict) -> None:
        key = self._index_key(obj_type, record)
        if key is not None:
            keys = self.index[obj_type.code]
            at = bisect.bisect_left(keys, key)
            if at < len(keys) and keys[at] == key:
                del keys[at]
        del self.objects[obj_type.code][record["ID"]]
        self._sorted_ids.pop(obj_type.code, None)

    def _check_fields(self, obj_type: ObjectType, data: dict) -> None:
        for name in data:
            if name.startswith("DE:") or name in SYSTEM_FIELDS:
                continue
            if not obj_type.knows(name):
                raise obj_type.unknown_field(name)

    def _normalise(self, obj_type: ObjectType, data: dict, check_refs: bool = True) -> dict:
        """Dates to Workfront's wire format; references checked to exist."""
        out = {}
        for name, value in data.items():
            if name == "parameterValues":
                out.update(self._parameter_values(obj_type, value))
                continue
            if name in obj_type.collections or (obj_type.code, name) in OWNED_REFERENCES:
                continue  # written once the record exists
            if name in obj_type.references:
                raise not_supported(f"writing the nested {name} object of {obj_type.name} (set {name}ID instead)")
            value = self._typed(obj_type, name, value)
            if check_refs and name.endswith("ID") and name not in SYSTEM_FIELDS and value:
                ref = name[:-2]
                target = obj_type.reference_target(ref) if ref in obj_type.references or ref == "parent" else None
                if target and self.find(target, str(value)) is None:
                    raise not_found(f'{catalog()[target].name} with primary key value(s) "{value}" not found')
            out[name] = value
        return out

    def _parameter_values(self, obj_type: ObjectType, values: Any) -> dict:
        """``parameterValues: {"DE:Name": value}``: custom fields written as a group."""
        if not isinstance(values, dict) or any(not str(k).startswith("DE:") for k in values):
            raise bad_request(f"parameterValues of {obj_type.name} must be an object of DE: fields")
        return {name: self._typed(obj_type, name, value) for name, value in values.items()}

    def _typed(self, obj_type: ObjectType, name: str, value: Any) -> Any:
        """A written value with its field's metadata type (custom fields: their parameter's dataType)."""
        if name.startswith("DE:"):
            param = self.parameter(name[3:])
            customforms.check_writable(self.objects, obj_type, name, param)
            if param is None:
                return value  # a custom field without a definition keeps what was sent
            kind = fieldtypes.PARAM_TYPES.get(str(param.get("dataType")), fieldtypes.STRING)
        else:
            kind = fieldtypes.field_type(obj_type.code, name)
        if kind == fieldtypes.DATETIME and isinstance(value, str) and value.strip():
            try:
                return timefmt.format_wf(timefmt.parse_time(value, self.clock.now_ms()))
            except ValueError:
                raise bad_request(f"{name} ({obj_type.name}): {value!r} is not a valid date") from None
        try:
            return fieldtypes.coerce(obj_type.code, name, value, kind)
        except ValueError as err:
            raise bad_request(f"{name} ({obj_type.name}): {err}") from None

    def parameter(self, name: str) -> dict | None:
        """The custom-field definition (PARAM) with this name."""
        return next((p for p in self.objects.get("PARAM", {}).values() if p.get("name") == name), None)

    def create(self, obj_type: ObjectType, data: dict, user_id: str | None = None, *, object_id: str | None = None,
               at_ms: int | None = None, journal: bool = True, check_required: bool = True) -> dict:
        """Create one object with Workfront's system fields; journal and notify."""
        with self.transaction():
            self._check_fields(obj_type, data)
            if check_required:
                missing = [f for f in REQUIRED_ON_CREATE.get(obj_type.code, ()) if data.get(f) in (None, "")]
                if missing:
                    raise unprocessable(f"{obj_type.name}: {', '.join(missing)} must not be empty")
                if obj_type.code == "DOCU":
                    self._check_document(data)
            now = at_ms if at_ms is not None else self.clock.tick()
            stamp = timefmt.format_wf(now)
            record: dict[str, Any] = {"ID": object_id or uuid.uuid4().hex, "objCode": obj_type.code}
            record.update(self._defaults(obj_type, data, now))
            # Journal entries may name objects that were just deleted: no reference check for them.
            record.update(self._normalise(obj_type, data, check_refs=journal))
            self._follow_planned(obj_type, record, data)
            if obj_type.has_entry_date:
                record.setdefault("entryDate", stamp)
            if obj_type.has_last_update:
                record["lastUpdateDate"] = stamp
            user = user_id or self.default_user_id
            if "enteredByID" in obj_type.fields:
                record["enteredByID"] = user
            if "lastUpdatedByID" in obj_type.fields:
                record["lastUpdatedByID"] = user
            if record["ID"] in self.objects[obj_type.code]:
                raise unprocessable(f"{obj_type.name} {record['ID']} already exists")
            if check_required:
                customforms.check_new(self.objects, obj_type.code, record)
            self._put(obj_type, record, None)
            self._remember(lambda: self._drop(obj_type, record))
            self._replace_collections(obj_type, record, data, user)
            self._replace_owned(obj_type, record, data, user)
            if obj_type.code == "ASSGN":
                self._add_work_item(record, user, now)
            if journal:
                self._journal(obj_type, "A", record, None, user, now)
            self._notify("CREATE", obj_type.code, record, {})
            return record

    def _check_document(self, data: dict) -> None:
        """A document needs an upload handle and an existing object to attach to."""
        handle = data.get("handle")
        if not handle or handle not in self.uploads:
            raise unprocessable(f"Document: handle {handle!r} does not name an uploaded file")
        code, obj_id = str(data.get("docObjCode") or "").upper(), data.get("objID")
        if code not in catalog() or self.find(code, obj_id) is None:
            raise not_found(f"Document: the object {code or '?'} {obj_id or '?'} to attach to was not found")

    def _defaults(self, obj_type: ObjectType, data: dict, now: int) -> dict:
        """What Workfront fills in on create for the main work objects."""
        defaults: dict[str, Any] = {}
        if obj_type.code in ("PROJ", "TASK", "OPTASK"):
            defaults.update({"status": "NEW" if obj_type.code != "PROJ" else "PLN", "percentComplete": 0, "priority": 0})
            start = timefmt.format_wf(now)
            defaults.update({"plannedStartDate": start, "plannedCompletionDate": start})
        if obj_type.code in ("PROJ", "TASK", "OPTASK") and "progressStatus" in obj_type.fields:
            defaults["progressStatus"] = "ON"
        if obj_type.code == "ROLE":
            defaults["maxUsers"] = 0
        defaults.update(customforms.defaults(self.objects, obj_type.code, data))
        if obj_type.code == "TASK" and data.get("projectID"):
            number = 1 + sum(1 for t in self.objects["TASK"].values() if t.get("projectID") == data["projectID"])
            defaults.update({"taskNumber": number, "wbs": str(number)})
        return {k: v for k, v in defaults.items() if k in obj_type.fields}

    @staticmethod
    def _follow_planned(obj_type: ObjectType, record: dict, written: dict, creating: bool = True) -> None:
        """Projected dates follow the planned ones unless written (the emulator schedules no work)."""
        for planned, projected in PROJECTED_DATES:
            if projected in obj_type.fields and projected not in written and planned in record and (
                    creating or planned in written):
                record[projected] = record[planned]

    def update(self, obj_type: ObjectType, obj_id: str, data: dict, user_id: str | None = None) -> dict:
        """Sparse update of top-level fields; nested collections are replaced. Bumps lastUpdateDate."""
        with self.transaction():
            old = self.get(obj_type, obj_id)
            self._check_fields(obj_type, data)
            if "ID" in data and data["ID"] != obj_id:
                raise bad_request("ID cannot be changed")
            changes = {k: v for k, v in self._normalise(obj_type, data).items() if k not in SYSTEM_FIELDS}
            now = self.clock.tick()
            record = {**old, **changes}
            status = str(changes.get("status") or "")
            if status.endswith(":A") and not str(old.get("status") or "").endswith(":A"):
                record["_statusBeforeApproval"] = old.get("status")  # where a reject or recall returns
            self._follow_planned(obj_type, record, changes, creating=False)
            user = user_id or self.default_user_id
            if obj_type.has_last_update:
                record["lastUpdateDate"] = timefmt.format_wf(now)
            if "lastUpdatedByID" in obj_type.fields:
                record["lastUpdatedByID"] = user
            self._put(obj_type, record, old)
            self._remember(lambda: self._put(obj_type, old, record))
            self._replace_collections(obj_type, record, data, user)
            self._replace_owned(obj_type, record, data, user)
            self._journal(obj_type, "E", record, old, user, now)
            self._notify("UPDATE", obj_type.code, record, old)
            return record

    def delete(self, obj_type: ObjectType, obj_id: str, user_id: str | None = None, force: bool = False) -> None:
        """Delete one object and its collection members (with the ``delete_needs_force`` rule on,
        members are deleted only with ``force``; without it the delete is refused)."""
        with self.transaction():
            record = self.get(obj_type, obj_id)
            for (owner, _name), (member_code, fk) in COLLECTIONS.items():
                if owner != obj_type.code:
                    continue
                members = [r for r in self.objects[member_code].values() if r.get(fk) == obj_id]
                if members and not force and member_code in ("TASK", "OPTASK", "HOUR") and "delete_needs_force" in self.rules:
                    raise unprocessable(
                        f"{obj_type.name} {obj_id} has {len(members)} {catalog()[member_code].name} object(s); "
                        "delete with force=true to remove them too"
                    )
                for member in members:
                    if member["ID"] in self.objects[member_code]:
                        self.delete(catalog()[member_code], member["ID"], user_id, force=True)
            if obj_type.code == "ASSGN":
                for item in [w for w in self.objects["WRKITM"].values() if w.get("assignmentID") == obj_id]:
                    self.delete(catalog()["WRKITM"], item["ID"], user_id, force=True)
            if obj_type.code == "PARAM":  # a deleted custom field leaves every form
                for link in customforms.links_of(self.objects, obj_id):
                    self.delete(catalog()["CTGYPA"], link["ID"], user_id, force=True)
            self._drop(obj_type, record)
            self._remember(lambda: self._put(obj_type, record, None))
            user = user_id or self.default_user_id
            self._journal(obj_type, "D", None, record, user, self.clock.tick())
            self._notify("DELETE", obj_type.code, {}, record)

    def _replace_collections(self, obj_type: ObjectType, record: dict, data: dict, user: str | None) -> None:
        for name, items in data.items():
            if name not in obj_type.collections or name == "parameterValues":
                continue
            if name == "accessRules":
                if not isinstance(items, list):
                    raise bad_request("accessRules must be a list")
                self.set_access_rules(obj_type, record, [self.access_rule(rule) for rule in items])
                continue
            spec = COLLECTIONS.get((obj_type.code, name))
            if spec is None:
                raise bad_request(f"the {name} collection of {obj_type.name} cannot be updated in the emulator")
            if not isinstance(items, list):
                raise bad_request(f"{name} must be a list")
            member_type = catalog()[spec[0]]
            for member in [r for r in self.objects[member_type.code].values() if r.get(spec[1]) == record["ID"]]:
                self.delete(member_type, member["ID"], user, force=True)
            for item in items:
                self.create(member_type, {**item, spec[1]: record["ID"]}, user, check_required=False)

    def _replace_owned(self, obj_type: ObjectType, record: dict, data: dict, user: str | None) -> None:
        """Nested owned objects (a project's queueDef, a document's currentVersion) are replaced whole."""
        for name, value in data.items():
            spec = OWNED_REFERENCES.get((obj_type.code, name))
            if spec is None:
                continue
            if not isinstance(value, dict):
                raise bad_request(f"{name} of {obj_type.name} must be an object")
            owned_type = catalog()[spec[0]]
            previous = self.find(owned_type.code, record.get(f"{name}ID"))
            if previous is not None:
                self.delete(owned_type, previous["ID"], user, force=True)
            extra = {"handle": data["handle"]} if owned_type.code == "DOCV" and data.get("handle") else {}
            owned = self.create(owned_type, {**extra, **value, spec[1]: record["ID"]}, user, check_required=False)
            record[f"{name}ID"] = owned["ID"]

    def _add_work_item(self, assignment: dict, user: str | None, now: int) -> None:
        """A user's assignment on a task or issue is a work item for them (WorkItem in the metadata)."""
        work_code, work_id = ("TASK", assignment.get("taskID")) if assignment.get("taskID") else (
            "OPTASK", assignment.get("opTaskID"))
        if not work_id or not assignment.get("assignedToID"):
            return
        self.create(catalog()["WRKITM"], {
            "assignmentID": assignment["ID"], "userID": assignment["assignedToID"], "objObjCode": work_code,
            "objID": work_id, "taskID": assignment.get("taskID"), "opTaskID": assignment.get("opTaskID"),
            "projectID": assignment.get("projectID"), "isDone": False, "isDead": False,
        }, user, at_ms=now, check_required=False)

    def set_access_rules(self, obj_type: ObjectType, record: dict, rules: list[dict]) -> None:
        """Replace who may access an object; SHARE event subscribers hear of it."""
        old = {**record}
        record["_accessRules"] = rules
        self._notify("SHARE", obj_type.code, record, old)

    def access_rule(self, rule: Any) -> dict:
        """An access rule (``{accessorID, accessorObjCode, coreAction}``) checked against the tenant."""
        if not isinstance(rule, dict) or not rule.get("accessorID"):
            raise bad_request("an access rule needs accessorID (and accessorObjCode, coreAction)")
        code = str(rule.get("accessorObjCode") or "USER").upper()
        if code not in ACCESSOR_CODES:
            raise bad_request(f"accessorObjCode {code!r} is not one of {', '.join(ACCESSOR_CODES)}")
        core = str(rule.get("coreAction") or "VIEW").upper()
        if core not in CORE_ACTIONS:
            raise bad_request(f"coreAction {core!r} is not one of {', '.join(CORE_ACTIONS)}")
        unknown = sorted(set(rule) - {"accessorID", "accessorObjCode", "coreAction", "forbiddenActions", "objCode"})
        if unknown:
            raise bad_request(f"access rules have no field {', '.join(unknown)} in the emulator")
        self.get(catalog()[code], str(rule["accessorID"]))  # 404 when the accessor does not exist
        out = {"accessorID": rule["accessorID"], "accessorObjCode": code, "coreAction": core, "objCode": "ACSRUL"}
        if rule.get("forbiddenActions"):
            out["forbiddenActions"] = list(rule["forbiddenActions"])
        return out

    # -- journal and events -------------------------------------------------------------------

    def _journal(self, obj_type: ObjectType, change: str, new: dict | None, old: dict | None,
                 user: str | None, now: int) -> None:
        if obj_type.code not in JOURNALED_TYPES:
            return
        jrnle = catalog()["JRNLE"]
        subject = new or old or {}
        base = {"changeType": change, "objObjCode": obj_type.code, "objID": subject.get("ID"),
                "editedByID": user, "entryDate": timefmt.format_wf(now)}
        for ref in ("projectID", "taskID", "opTaskID", "portfolioID", "programID", "userID"):
            if subject.get(ref):
                base[ref] = subject[ref]
        if obj_type.code == "PROJ":
            base["projectID"] = subject.get("ID")
        entries: list[dict] = []
        if change in ("A", "D"):
            entries.append(base)
        else:
            custom = {k for k in (*(old or {}), *(new or {})) if k.startswith("DE:")}
            tracked = self.tracked_fields | TRACKED_BY_TYPE.get(obj_type.code, frozenset()) | custom
            for name in sorted(tracked):
                before, after = (old or {}).get(name), (new or {}).get(name)
                if before == after or (name not in (new or {}) and name not in (old or {})):
                    continue
                entry = {**base, "fieldName": name}
                entry.update(_typed_values(name, before, after, self._custom_kind(name)))
                entries.append(entry)
        for entry in entries:
            self.create(jrnle, entry, user, at_ms=now, journal=False, check_required=False)

    def _custom_kind(self, name: str) -> str | None:
        """The metadata type of a custom field's values (``None`` for other fields or no definition)."""
        param = self.parameter(name[3:]) if name.startswith("DE:") else None
        return fieldtypes.PARAM_TYPES.get(str(param.get("dataType")), fieldtypes.STRING) if param else None

    def _notify(self, event: str, code: str, new: dict, old: dict) -> None:
        for listener in list(self.listeners):
            listener(event, code, copy.deepcopy(new), copy.deepcopy(old))


def _typed_values(name: str, before: Any, after: Any, custom_kind: str | None = None) -> dict:
    """Journal old/new values in the Text, Number or Date columns, as Workfront splits them (a
    custom field's by its definition's type)."""
    if is_date_field(name) or custom_kind == fieldtypes.DATETIME:
        return {"oldDateVal": before, "newDateVal": after}
    if isinstance(before, (int, float)) or isinstance(after, (int, float)):
        return {"oldNumberVal": before, "newNumberVal": after}
    return {"oldTextVal": None if before is None else str(before), "newTextVal": None if after is None else str(after)}


def resolve_type(name: str) -> ObjectType:
    """Shortcut to :func:`catalog.resolve`."""
    return resolve(name)
