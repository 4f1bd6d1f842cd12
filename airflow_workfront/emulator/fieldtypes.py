"""Field types, labels and enumerations for ``/metadata`` answers and for storing written values.

The reference metadata (2016) names every field but types none, and the OpenAPI spec leaves its
object schemas out. What the references do give:

- ``fixtures/metadata.json`` (a recorded ``/role/metadata``): the type vocabulary (``string``,
  ``int``, ``double``, ``dateTime``; references typed by their object name), labels such as
  ``External Reference ID``, and ``defaultInterface`` as an ``int`` enum with possible values;
- the 2016 metadata's action arguments, typed with the same vocabulary plus ``boolean``;
- ``fixtures/namedQuery.json`` and ``report.json``: project and task status values.

So a field's type is, in order: what the recorded metadata says; an explicit table below, written
from those sources and Workfront's naming; then Workfront's naming rules (``...Date`` is a
``dateTime``, ``is...``/``has...`` a ``boolean``, ``...ID`` a ``string``); otherwise ``string``.
The emulator stores written values with these types, so an answer never contradicts its metadata.
"""

from __future__ import annotations

import re
from functools import cache

STRING, INT, DOUBLE, BOOLEAN, DATETIME = "string", "int", "double", "boolean", "dateTime"

# Per (object code, field): the recorded ROLE metadata, and fields whose name misleads the rules.
EXACT = {
    ("ROLE", "billingPerHour"): DOUBLE, ("ROLE", "costPerHour"): DOUBLE, ("ROLE", "defaultInterface"): INT,
    ("ROLE", "maxUsers"): INT,
    ("QUED", "isPublic"): INT,  # 0 no one, 1 everyone, 2 the company: the docs write isPublic: 1
    ("QUED", "requestorCoreAction"): STRING, ("QUED", "defaultDurationMinutes"): INT,
}

INT_FIELDS = frozenset({
    "priority", "taskNumber", "maxUsers", "defaultInterface", "durationMinutes", "actualDurationMinutes",
    "plannedDurationMinutes", "projectedDurationMinutes", "remainingDurationMinutes", "levelingStartDelay",
    "levelingStartDelayMinutes", "referenceNumber", "numberOfChildren", "numberOpenOpTasks", "indent", "daysLate",
    "displayOrder", "loginCount", "numLikes", "numReplies", "recurrenceNumber", "totalOpTaskCount",
    "totalTaskCount", "avatarSize", "avatarX", "avatarY", "docSize", "backlogOrder", "currentStatusDuration",
    "approvalPlannedStartDay", "completionDay", "constraintDay", "startDay", "portfolioPriority", "commitDateRange",
    "parentLag", "displaySize", "autoBaselineRecurOn", "resolutionTime", "firstResponse", "olv",
})
DOUBLE_FIELDS = frozenset({
    "percentComplete", "hours", "work", "workRequired", "actualWork", "actualWorkRequired", "actualWorkCompleted",
    "originalWorkRequired", "estimate", "duration", "actualDuration", "plannedDuration", "originalDuration",
    "hoursPerPoint", "assignmentPercent", "avgWorkPerDay", "projectedAvgWorkPerDay", "fte", "cpi", "csi", "spi",
    "eac", "roi", "netValue", "budget", "risk", "alignment", "plannedValue", "actualValue", "hoursDuration",
    "oldNumberVal", "newNumberVal", "riskPerformanceIndex", "optimizationScore", "deliverableSuccessScore",
    "deliverableSuccessScoreRatio", "plannedDateAlignment", "plannedHoursAlignment", "actualUnitAmount",
    "plannedUnitAmount",
})
DOUBLE_SUFFIXES = ("Cost", "Amount", "Revenue", "Benefit", "Hours", "PerHour", "Percentage", "ThisMonth",
                   "LastMonth", "LastThreeMonths", "TwoMonthsAgo")
BOOLEAN_FIELDS = frozenset({
    "aligned", "onBudget", "onTime", "personal", "emailUsers", "pendingCalculation", "selectedOnPortfolioOptimizer",
    "ssoAccessOnly", "approverCanEditHours", "filterHourTypes", "createProof", "securityAncestorsDisabled",
    "referenceObjectClosed", "estimateByHours", "myInfo", "virusScan", "enableAutoBaselines", "isDir",
})
BOOLEAN_PREFIX = re.compile(r"^(is|has|can|enable|show|should|allow)[A-Z]")
DATETIME_FIELDS = frozenset({"virusScanTimestamp", "lastWhatsNew"})
# Text that reads like a date or a number but is not one.
STRING_FIELDS = frozenset({"formatEntryDate", "formatDocSize", "durationExpression", "actualDurationExpression",
                           "workRequiredExpression", "actualWorkRequiredExpression",
                           "levelingStartDelayExpression", "version", "howOld"})

LABELS = {"ID": "ID", "extRefID": "External Reference ID", "URL": "URL"}
OBJECT_LABELS = {"ROLE": "Job Role", "OPTASK": "Issue", "TEAMOB": "Team", "TSHET": "Timesheet", "PARAM": "Custom Field"}

# Possible values the references record: label and value.
_TASK_STATUSES = (("New", "NEW"), ("In Progress", "INP"), ("Complete", "CPL"), ("New - Pending Approval", "NEW:A"),
                  ("In Progress - Pending Approval", "INP:A"), ("Complete - Pending Approval", "CPL:A"))
_PROJECT_STATUSES = (("Dead", "DED"), ("Current", "CUR"), ("On Hold", "ONH"), ("Planning", "PLN"),
                     ("Complete", "CPL"), ("Requested", "REQ"), ("Approved", "APR"), ("Rejected", "REJ"),
                     ("Idea", "IDA"))
_INTERFACES = (("Default", 0), ("Project Management Home", 1), ("TeamHome", 2), ("Early Access", 3))
ENUMS: dict[tuple[str, str], tuple[str | None, str | None, tuple[tuple[str, object], ...]]] = {
    # (code, field) -> (enumType, enumTargetObjCode, possible values)
    ("ROLE", "defaultInterface"): ("com.attask.common.constants.UserInterfaceEnum", None, _INTERFACES),
    ("USER", "defaultInterface"): ("com.attask.common.constants.UserInterfaceEnum", None, _INTERFACES),
    ("PROJ", "status"): (None, "CSTEM", _PROJECT_STATUSES),
    ("TASK", "status"): (None, "CSTEM", _TASK_STATUSES),
    ("OPTASK", "status"): (None, "CSTEM", _TASK_STATUSES),
    ("JRNLE", "changeType"): ("com.attask.common.constants.ChangeTypeEnum", None,
                              (("Add", "A"), ("Edit", "E"), ("Delete", "D"))),
    ("PARAM", "dataType"): ("com.attask.common.constants.ParameterDataTypeEnum", None,
                            (("Text", "TEXT"), ("Number", "NMBR"), ("Currency", "CURC"), ("Date", "DATE"))),
}

# Custom-field (PARAM) data types and the field type their values have.
PARAM_TYPES = {"TEXT": STRING, "NMBR": DOUBLE, "CURC": DOUBLE, "DATE": DATETIME}


@cache
def field_type(code: str, name: str) -> str:
    """The metadata ``fieldType`` of a plain field of an object type."""
    if (code, name) in EXACT:
        return EXACT[(code, name)]
    if name in STRING_FIELDS or name == "ID" or name.endswith(("ID", "IDs", "ObjCode", "ObjID")):
        return STRING
    if name in DATETIME_FIELDS or name.endswith(("Date", "DateVal")):
        return DATETIME
    if name in BOOLEAN_FIELDS or BOOLEAN_PREFIX.match(name):
        return BOOLEAN
    if name in INT_FIELDS:
        return INT
    if name in DOUBLE_FIELDS or name.endswith(DOUBLE_SUFFIXES):
        return DOUBLE
    return STRING


def label(name: str) -> str:
    """A field's label: Workfront's words for its camel-case name (``billingPerHour`` -> ``Billing Per Hour``)."""
    if name in LABELS:
        return LABELS[name]
    words = re.findall(r"[A-Z]+(?=[A-Z][a-z]|$|\d)|[A-Z]?[a-z]+|\d+|[A-Z]+", name)
    return " ".join(w if w.isupper() else w.capitalize() for w in words)


def enum(code: str, name: str) -> tuple[str | None, str | None, tuple[tuple[str, object], ...]] | None:
    """``(enumType, enumTargetObjCode, possible values)`` of an enumerated field, else ``None``."""
    return ENUMS.get((code, name))


def coerce(code: str, name: str, value: object, kind: str | None = None) -> object:
    """A written value with the field's type (query strings and forms send text).

    :raises ValueError: when the text is not a value of the type (the caller says which field).
    """
    kind = kind or field_type(code, name)
    if value is None:
        return None
    if not isinstance(value, str):
        return _coerce_json(kind, value)
    if kind in (STRING, DATETIME):
        return value
    text = value.strip()
    if not text:
        return None
    if kind == BOOLEAN:
        lowered = text.lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0"):
            return False
        raise ValueError(f"{value!r} is not true or false")
    number = float(text)
    if kind == INT:
        if not number.is_integer():
            raise ValueError(f"{value!r} is not a whole number")
        return int(number)
    return int(number) if number.is_integer() and "." not in text else number


def _coerce_json(kind: str, value: object) -> object:
    """A JSON value (from ``updates=`` or a JSON body) checked against the field's type."""
    if kind == STRING:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, list):  # multi-valued text (checkboxes, ID lists)
            return value
    elif kind == BOOLEAN:
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
    elif kind == INT:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
    elif kind == DOUBLE:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
    raise ValueError(f"{value!r} is not a {kind}")
