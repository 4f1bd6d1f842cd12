"""Object actions (``PUT /{obj}/{ID}/{action}``): the ones the emulator implements, and a clear
error for every other one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from airflow_workfront.emulator import timefmt
from airflow_workfront.emulator.catalog import ObjectType, catalog
from airflow_workfront.emulator.errors import bad_request, not_supported, unprocessable
from airflow_workfront.emulator.store import Store

Action = Callable[[Store, ObjectType, dict, dict[str, Any], str], Any]


def calculate_timeline(store: Store, obj_type: ObjectType, record: dict, args: dict, user: str) -> Any:
    """A project's planned dates become the span of its tasks' planned dates. A template has no
    dates (its tasks have durations, and the emulator schedules no work): nothing changes."""
    if obj_type.code == "TMPL":
        return None
    tasks = store.members(obj_type, record, "tasks")
    if tasks:
        now = store.clock.now_ms()
        starts = [timefmt.parse_time(t["plannedStartDate"], now) for t in tasks if t.get("plannedStartDate")]
        ends = [timefmt.parse_time(t["plannedCompletionDate"], now) for t in tasks if t.get("plannedCompletionDate")]
        changes = {}
        if starts:
            changes["plannedStartDate"] = timefmt.format_wf(min(starts))
        if ends:
            changes["plannedCompletionDate"] = timefmt.format_wf(max(ends))
        if changes:
            store.update(obj_type, record["ID"], changes, user)
    return None


def move(store: Store, obj_type: ObjectType, record: dict, args: dict, user: str) -> Any:
    """Move a task or issue to another project; its children, assignments and hours follow."""
    project_id = args.get("projectID")
    if not project_id:
        raise bad_request("move needs projectID")
    store.get(catalog()["PROJ"], project_id)  # 404 when the project does not exist
    with store.transaction():
        changes: dict[str, Any] = {"projectID": project_id}
        if obj_type.code == "TASK":
            number = 1 + sum(1 for t in store.objects["TASK"].values() if t.get("projectID") == project_id)
            changes.update({"taskNumber": number, "wbs": str(number), "parentID": args.get("parentID")})
        store.update(obj_type, record["ID"], changes, user)
        fk = "taskID" if obj_type.code == "TASK" else "opTaskID"
        for code in ("ASSGN", "HOUR"):
            for member in [r for r in store.objects[code].values() if r.get(fk) == record["ID"]]:
                store.update(catalog()[code], member["ID"], {"projectID": project_id}, user)
        if obj_type.code == "TASK":
            for child in [t for t in store.objects["TASK"].values() if t.get("parentID") == record["ID"]]:
                move(store, obj_type, child, {"projectID": project_id, "parentID": record["ID"]}, user)
    return None


def mark_done(store: Store, obj_type: ObjectType, record: dict, args: dict, user: str) -> Any:
    """Complete a task or issue."""
    done = {"status": args.get("status") or "CPL", "percentComplete": 100,
            "actualCompletionDate": timefmt.format_wf(store.clock.now_ms())}
    store.update(obj_type, record["ID"], {k: v for k, v in done.items() if k in obj_type.fields}, user)
    return None


def _approval(approve: bool) -> Action:
    def act(store: Store, obj_type: ObjectType, record: dict, args: dict, user: str) -> Any:
        status = str(record.get("status") or "")
        if not status.endswith(":A"):
            raise unprocessable(f"{obj_type.name} {record['ID']} has no pending approval (status {status or 'empty'})")
        # Approved: the status asked for; rejected or recalled: the status before the request.
        new_status = status[:-2] if approve else str(record.get("_statusBeforeApproval") or "NEW")
        store.update(obj_type, record["ID"], {"status": new_status}, user)
        return None

    return act


def calculate_finance(store: Store, obj_type: ObjectType, record: dict, args: dict, user: str) -> Any:
    """A project's costs from its hours (at the cost per hour of each user's role) and expenses."""
    expenses = store.members(obj_type, record, "expenses")
    labor = 0.0
    hours = 0.0
    for hour in store.members(obj_type, record, "allHours"):
        owner = store.find("USER", hour.get("ownerID")) or {}
        role = store.find("ROLE", owner.get("roleID")) or {}
        hours += float(hour.get("hours") or 0)
        labor += float(hour.get("hours") or 0) * float(role.get("costPerHour") or 0)
    expense = sum(float(e.get("actualAmount") or 0) for e in expenses)
    changes = {"actualLaborCost": labor, "actualExpenseCost": expense, "actualCost": labor + expense,
               "plannedExpenseCost": sum(float(e.get("plannedAmount") or 0) for e in expenses), "totalHours": hours,
               "financeLastUpdateDate": timefmt.format_wf(store.clock.now_ms())}
    store.update(obj_type, record["ID"], changes, user)
    return None


def calculate_data_extension(store: Store, obj_type: ObjectType, record: dict, args: dict, user: str) -> Any:
    """Recalculate calculated custom fields: the emulator's custom fields hold no expressions, so
    there is nothing to recalculate (the object must exist; Workfront's OpenAPI description gives
    the action to more types than its 2016 metadata, so any type may ask)."""
    return None


def mark_viewed(store: Store, obj_type: ObjectType, record: dict, args: dict, user: str) -> Any:
    """A work item (a user's assignment on a task or issue) seen now."""
    store.update(obj_type, record["ID"], {"lastViewedDate": timefmt.format_wf(store.clock.now_ms())}, user)
    return None


def share(store: Store, obj_type: ObjectType, record: dict, args: dict, user: str) -> Any:
    """Add an access rule for a user, team, group, role or company (replacing that accessor's rule)."""
    if not args.get("accessorID"):
        raise bad_request("share needs accessorID")
    rule = store.access_rule({k: args[k] for k in ("accessorID", "accessorObjCode", "coreAction") if k in args})
    rules = [r for r in record.get("_accessRules", []) if r["accessorID"] != rule["accessorID"]] + [rule]
    with store.lock:
        store.set_access_rules(obj_type, record, rules)
    return rule


ACTIONS: dict[str, Action] = {
    "calculateTimeline": calculate_timeline,
    "move": move,
    "markDone": mark_done,
    "approveApproval": _approval(True),
    "rejectApproval": _approval(False),
    "recallApproval": _approval(False),
    "calculateFinance": calculate_finance,
    "calculateDataExtension": calculate_data_extension,
    "markViewed": mark_viewed,
    "share": share,
}


# The object types each action is emulated for (absent: every type that asks).
ACTION_TYPES: dict[str, frozenset[str]] = {
    "calculateTimeline": frozenset({"PROJ", "TMPL"}), "move": frozenset({"TASK", "OPTASK"}),
    "markDone": frozenset({"TASK", "OPTASK"}), "calculateFinance": frozenset({"PROJ"}),
    "markViewed": frozenset({"WRKITM"}),
}


def emulated(name: str, code: str) -> bool:
    """Whether the emulator runs action ``name`` on objects of type ``code``."""
    return name in ACTIONS and code in ACTION_TYPES.get(name, frozenset({code}))


def run_action(store: Store, obj_type: ObjectType, record: dict, name: str, args: dict, user: str) -> Any:
    """Run an action, or say clearly that the emulator does not implement it (for this type)."""
    if not emulated(name, obj_type.code):
        if name in obj_type.actions:
            raise not_supported(f"the {name} action of {obj_type.name}")
        raise bad_request(f"{name} is not an action of {obj_type.name}")
    return ACTIONS[name](store, obj_type, record, args, user)
