"""Object types the emulator serves: codes, names, fields, references and collections.

Field names come from Workfront's metadata (``data/catalog.json``); which object holds which
date, where references point and which foreign key backs a collection come from the API docs
and notes (objects without ``lastUpdateDate`` such as JRNLE and NOTE; ASSGN and ROLE gained it in
later versions).
"""

from __future__ import annotations

import json
import re
from contextvars import ContextVar, Token
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from airflow_workfront.emulator.errors import ApiError, bad_request

CURRENT_VERSION = 21  # what an unversioned URL gets (the "Default" that moves with each release)
API_MODEL = f"V{CURRENT_VERSION}_0"
# The API version of the request being answered: "APIModel V15_0 does not support field X" names it.
_API_VERSION: ContextVar[tuple[str, int]] = ContextVar("workfront_api_version", default=(API_MODEL, CURRENT_VERSION))
_VERSION_SEGMENT = re.compile(r"^v(\d+)(?:\.(\d+))?$")
# Fields the reference notes (../shared/reference/workfront-api-notes.md, outside this repository,
# section 6) date: the first API version that has them.
ADDED_IN = {("ROLE", "lastUpdateDate"): 19}
# Fields that stopped being filterable (v13 made these journal-entry fields NOT_FILTERABLE).
NOT_FILTERABLE_FROM = {("JRNLE", name): 13 for name in ("subObjCode", "subObjID", "topObjCode", "topObjID")}

# Reference name -> object code it points to (its ID lives in "<name>ID").
REFERENCE_TARGETS = {
    "project": "PROJ", "task": "TASK", "opTask": "OPTASK", "parent": None,  # parent: same type
    "owner": "USER", "enteredBy": "USER", "lastUpdatedBy": "USER", "assignedTo": "USER", "assignedBy": "USER",
    "editedBy": "USER", "user": "USER", "approver": "USER", "submittedBy": "USER", "manager": "USER",
    "sponsor": "USER", "checkedOutBy": "USER", "lastNote": "NOTE", "owningAuthor": "USER", "author": "USER",
    "portfolio": "PORT", "program": "PRGM", "template": "TMPL", "company": "CMPY", "team": "TEAMOB",
    "homeTeam": "TEAMOB", "group": "GROUP", "homeGroup": "GROUP", "role": "ROLE", "defaultRole": "ROLE",
    "timesheet": "TSHET", "document": "DOCU", "hour": "HOUR", "expense": "EXPNS", "assignment": "ASSGN",
    "currentVersion": "DOCV", "templateTask": "TTSK", "queueDef": "QUED", "parameter": "PARAM", "workItem": "WRKITM",
    "category": "CTGY",
}

# (object code, collection) -> (member object code, foreign key on the member pointing back).
COLLECTIONS = {
    ("PROJ", "tasks"): ("TASK", "projectID"),
    ("PROJ", "issues"): ("OPTASK", "projectID"),
    ("PROJ", "openOpTasks"): ("OPTASK", "projectID"),
    ("PROJ", "hours"): ("HOUR", "projectID"),
    ("PROJ", "allHours"): ("HOUR", "projectID"),
    ("PROJ", "documents"): ("DOCU", "projectID"),
    ("PROJ", "expenses"): ("EXPNS", "projectID"),
    ("TASK", "assignments"): ("ASSGN", "taskID"),
    ("TASK", "hours"): ("HOUR", "taskID"),
    ("TASK", "children"): ("TASK", "parentID"),
    ("TASK", "documents"): ("DOCU", "taskID"),
    ("TASK", "expenses"): ("EXPNS", "taskID"),
    ("OPTASK", "assignments"): ("ASSGN", "opTaskID"),
    ("OPTASK", "hours"): ("HOUR", "opTaskID"),
    ("OPTASK", "documents"): ("DOCU", "opTaskID"),
    ("PORT", "projects"): ("PROJ", "portfolioID"),
    ("PORT", "programs"): ("PRGM", "portfolioID"),
    ("PRGM", "projects"): ("PROJ", "programID"),
    ("USER", "assignments"): ("ASSGN", "assignedToID"),
    ("USER", "hours"): ("HOUR", "ownerID"),
    ("TSHET", "hours"): ("HOUR", "timesheetID"),
    ("TMPL", "templateTasks"): ("TTSK", "templateID"),
    ("CTGY", "categoryParameters"): ("CTGYPA", "categoryID"),
}

EXTRA_FIELDS = {
    # Later API versions than the 2016 metadata (the reference notes, section 6).
    "ASSGN": {"lastUpdateDate", "entryDate"},
    "ROLE": {"lastUpdateDate"},
    "DOCU": {"handle", "docObjCode", "objID", "fileName"},
    # Custom forms and fields carry their creation too in today's API (the 2016 metadata has only
    # lastUpdateDate for them).
    "CTGY": {"entryDate"},
    "PARAM": {"entryDate", "enteredByID"},
}
EXTRA_COLLECTIONS = {"PROJ": {"issues"}}

# Extra lowercase names accepted in URLs besides each type's code and metadata name.
ALIASES = {"issue": "OPTASK", "proj": "PROJ", "journalentry": "JRNLE", "work": "WORK"}

# What an object answers without fields=, for types no recorded answer shows: the identity and the
# main work fields. Types whose key date is entryDate (no lastUpdateDate: JRNLE, NOTE...) add it.
DEFAULT_FIELDS = ("ID", "name", "objCode", "status", "percentComplete", "priority", "plannedStartDate",
                  "plannedCompletionDate", "projectedCompletionDate", "changeType", "fieldName",
                  "objObjCode", "objID", "hours", "taskNumber")

# The default field sets the recorded answers show, exactly: fixtures/get.json and edit.json for
# PROJ, fixtures/create.json and copy.json for TASK, fixtures/search.json for ROLE.
RECORDED_DEFAULT_FIELDS = {
    "PROJ": ("ID", "name", "objCode", "percentComplete", "plannedCompletionDate", "plannedStartDate", "priority",
             "projectedCompletionDate", "status"),
    "TASK": ("ID", "name", "objCode", "percentComplete", "plannedCompletionDate", "plannedStartDate", "priority",
             "progressStatus", "projectedCompletionDate", "projectedStartDate", "status", "taskNumber", "wbs"),
    "ROLE": ("ID", "name", "objCode", "description", "maxUsers"),
}


@dataclass(frozen=True)
class ObjectType:
    """One Workfront object type as the emulator knows it."""

    code: str
    name: str
    fields: frozenset[str]
    references: frozenset[str]
    collections: frozenset[str]
    actions: frozenset[str] = field(default_factory=frozenset)
    # (action, ((argument, type), ...)) pairs, from the metadata.
    action_arguments: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()

    @property
    def date_field(self) -> str:
        """``lastUpdateDate`` where the type has it, else ``entryDate`` (the sync index key)."""
        return "lastUpdateDate" if "lastUpdateDate" in self.fields else "entryDate"

    @property
    def has_last_update(self) -> bool:
        return "lastUpdateDate" in self.fields

    @property
    def has_entry_date(self) -> bool:
        return "entryDate" in self.fields

    def reference_target(self, name: str) -> str | None:
        """The object code a reference points to (``None`` when unknown to the emulator)."""
        if name == "parent":
            return self.code
        return REFERENCE_TARGETS.get(name)

    def knows(self, name: str) -> bool:
        """Whether ``name`` is a field, reference or collection of this type (in the request's API version)."""
        if ADDED_IN.get((self.code, name), 0) > _API_VERSION.get()[1]:
            return False
        return name in self.fields or name in self.references or name in self.collections or name in (
            "ID", "objCode", "parameterValues")

    def unknown_field(self, name: str) -> ApiError:
        """Workfront's answer to a field the type does not have."""
        return bad_request(f"APIModel {_API_VERSION.get()[0]} does not support field {name} ({self.name})")

    def missing_in_version(self) -> frozenset[str]:
        """Fields of this type that the request's API version does not have yet."""
        number = _API_VERSION.get()[1]
        return frozenset(f for (code, f), added in ADDED_IN.items() if code == self.code and added > number)


    def unfilterable_in_version(self) -> frozenset[str]:
        """Fields of this type that the request's API version does not filter on."""
        number = _API_VERSION.get()[1]
        return frozenset(f for (code, f), since in NOT_FILTERABLE_FROM.items() if code == self.code and number >= since)

    def not_filterable(self, name: str) -> ApiError:
        """Workfront's answer to a filter on a NOT_FILTERABLE field."""
        return bad_request(f"APIModel {_API_VERSION.get()[0]}: field {name} of {self.name} is NOT_FILTERABLE")


def use_api_version(segment: str | None) -> Token:
    """Answer the current request as API ``segment`` (``v15.0``, ``unsupported``, ``internal``, or none)."""
    if not segment:
        return _API_VERSION.set((API_MODEL, CURRENT_VERSION))
    match = _VERSION_SEGMENT.match(segment)
    if match:
        return _API_VERSION.set((f"V{match[1]}_{match[2] or 0}", int(match[1])))
    # api-unsupported and api-internal expose every field the emulator knows.
    return _API_VERSION.set((segment.upper(), 10_000))


def reset_api_version(token: Token) -> None:
    """Back to the API version before :func:`use_api_version`."""
    _API_VERSION.reset(token)


@cache
def catalog() -> dict[str, ObjectType]:
    """Every object type, by code."""
    raw = json.loads((Path(__file__).parent / "data" / "catalog.json").read_text())["objects"]
    types = {}
    for code, spec in raw.items():
        types[code] = ObjectType(
            code=code,
            name=spec["name"],
            fields=frozenset({"ID", *spec["fields"], *EXTRA_FIELDS.get(code, ())}),
            references=frozenset(spec["references"]),
            collections=frozenset({*spec["collections"], *EXTRA_COLLECTIONS.get(code, ())}),
            actions=frozenset(spec["actions"]),
            action_arguments=tuple((name, tuple(sorted(args.items()))) for name, args in sorted(spec["actions"].items())),
        )
    return types


@cache
def _names() -> dict[str, str]:
    names = {}
    for code, obj in catalog().items():
        names[code.lower()] = code
        names[obj.name.lower()] = code
    names.update({k: v for k, v in ALIASES.items() if v in catalog()})
    return names


def resolve(name: str) -> ObjectType:
    """The object type for a code or name in any case (``task``, ``TASK``, ``Issue``...)."""
    code = _names().get(name.lower())
    if code is None:
        raise bad_request(f"Unknown object type {name!r}: not an object code or name the API supports")
    return catalog()[code]
