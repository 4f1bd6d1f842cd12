"""Seed data: a small, rich ``demo`` tenant, or ``N`` tasks with everything around them.

Both are deterministic for a given random seed and clock: IDs come from the seeded generator,
and every timestamp falls in the hour before the emulator's clock, so a sync window
``[now - 1h, now)`` holds the whole seed.
"""

from __future__ import annotations

import random

from airflow_workfront.emulator import timefmt
from airflow_workfront.emulator.catalog import catalog
from airflow_workfront.emulator.store import Store

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
TASK_STATUSES = ("NEW", "INP", "CPL", "NEW", "INP")
ISSUE_STATUSES = ("NEW", "INP", "CPL", "NEW")
FIRST_NAMES = ("Ada", "Grace", "Alan", "Edsger", "Barbara", "Ken", "Margaret", "Dennis", "Frances", "Linus")
LAST_NAMES = ("Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Thompson", "Hamilton", "Ritchie", "Allen", "Torvalds")
ADMIN_USERNAME = "admin@example.com"


class _Ids:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def __call__(self) -> str:
        return f"{self.rng.getrandbits(128):032x}"


def _stamps(rng: random.Random, now: int, count: int) -> list[int]:
    """``count`` sorted instants in ``[now - 1h, now)``."""
    return sorted(now - HOUR_MS + rng.randrange(HOUR_MS) for _ in range(count))


def seed_demo(store: Store, random_seed: int = 0, username: str = ADMIN_USERNAME) -> str:
    """Create the demo tenant through the store's rules (journal entries included).

    :returns: the admin user's ID.
    """
    rng = random.Random(random_seed)
    new_id = _Ids(rng)
    now = store.clock.now_ms()
    stamps = iter(_stamps(rng, now, 400))
    types = catalog()

    def make(code: str, data: dict) -> dict:
        return store.create(types[code], data, store.default_user_id, object_id=new_id(), at_ms=next(stamps),
                            check_required=False)

    companies = [make("CMPY", {"name": name}) for name in ("Acme Corp", "Globex")]
    roles = [make("ROLE", {"name": n, "description": d}) for n, d in (
        ("Accounting", "For Accounting related work"), ("Consultant", "Consultant"),
        ("Designer", "Creative expert"), ("Engineer", "Technical expert in design and implementation"))]
    groups = [make("GROUP", {"name": name}) for name in ("Operations", "Marketing")]
    teams = [make("TEAMOB", {"name": name}) for name in ("Platform", "Brand")]
    admin = make("USER", {"name": "Admin User", "firstName": "Admin", "lastName": "User", "username": username,
                          "emailAddr": username, "isAdmin": True, "isActive": True, "companyID": companies[0]["ID"],
                          "homeGroupID": groups[0]["ID"], "roleID": roles[3]["ID"], "title": "System Administrator"})
    store.default_user_id = admin["ID"]
    users = [admin]
    for n in range(5):
        first, last = FIRST_NAMES[n], LAST_NAMES[n]
        users.append(make("USER", {
            "name": f"{first} {last}", "firstName": first, "lastName": last,
            "username": f"{first.lower()}@example.com", "emailAddr": f"{first.lower()}@example.com",
            "isAdmin": False, "isActive": True, "companyID": companies[n % 2]["ID"], "roleID": roles[n % 4]["ID"],
            "homeGroupID": groups[n % 2]["ID"], "homeTeamID": teams[n % 2]["ID"], "title": rng.choice(
                ("Engineer", "Designer", "Analyst", "Project Manager"))}))
    portfolios = [make("PORT", {"name": name, "ownerID": admin["ID"]}) for name in ("Growth", "Operations")]
    programs = [make("PRGM", {"name": name, "portfolioID": portfolios[n]["ID"], "ownerID": admin["ID"]})
                for n, name in enumerate(("Website relaunch", "Data platform"))]
    make("TMPL", {"name": "Standard project", "description": "Kick-off, build, launch"})
    # The custom fields below, defined as Workfront defines them (their dataType types their values);
    # the forms that group them come at the end.
    params = {name: make("PARAM", {"name": name, "dataType": data_type, "displayType": display, "description": text})
              for name, data_type, display, text in (
                  ("Budget", "CURC", "TEXT", "Approved budget"), ("Region", "TEXT", "DROPDOWN", "Sales region"),
                  ("Effort", "TEXT", "RADIO", "T-shirt size of the work"))}
    projects, tasks, issues = [], [], []
    for p in range(6):
        start = now + (p - 3) * 7 * DAY_MS
        projects.append(make("PROJ", {
            "name": f"Project {chr(65 + p)}", "status": ("CUR", "PLN", "CUR", "CUR", "ONH", "CUR")[p],
            "portfolioID": portfolios[p % 2]["ID"], "programID": programs[p % 2]["ID"], "ownerID": users[p % 6]["ID"],
            "companyID": companies[p % 2]["ID"], "priority": p % 4, "plannedStartDate": timefmt.format_wf(start),
            "plannedCompletionDate": timefmt.format_wf(start + 30 * DAY_MS),
            "DE:Budget": 10000 + 2500 * p, "DE:Region": ("EMEA", "AMER", "APAC")[p % 3]}))
    for n in range(60):
        project = projects[n % 6]
        begin = timefmt.parse_time(project["plannedStartDate"], now) + (n // 6) * 2 * DAY_MS
        status = TASK_STATUSES[n % len(TASK_STATUSES)]
        task = make("TASK", {
            "name": f"{project['name']} task {n // 6 + 1}", "projectID": project["ID"], "status": status,
            "percentComplete": {"NEW": 0, "INP": 50, "CPL": 100}[status], "priority": n % 4,
            "assignedToID": users[1 + n % 5]["ID"], "plannedStartDate": timefmt.format_wf(begin),
            "plannedCompletionDate": timefmt.format_wf(begin + (1 + n % 3) * DAY_MS), "DE:Effort": ("S", "M", "L")[n % 3]})
        tasks.append(task)
        make("ASSGN", {"taskID": task["ID"], "projectID": project["ID"], "assignedToID": task["assignedToID"],
                       "roleID": roles[n % 4]["ID"], "assignmentPercent": 100.0})
    for n in range(20):
        project = projects[n % 6]
        issues.append(make("OPTASK", {
            "name": f"Issue {n + 1}: {rng.choice(('login fails', 'slow report', 'broken link', 'typo'))}",
            "projectID": project["ID"], "status": ISSUE_STATUSES[n % 4], "priority": n % 4,
            "assignedToID": users[1 + n % 5]["ID"], "ownerID": users[n % 6]["ID"],
            "DE:Severity": ("Low", "Medium", "High", "Medium")[n % 4]}))
    timesheets = [make("TSHET", {"userID": users[1 + n]["ID"], "status": "O",
                                 "startDate": timefmt.format_wf(now - 7 * DAY_MS),
                                 "endDate": timefmt.format_wf(now)}) for n in range(3)]
    for n in range(40):
        task = tasks[n]
        make("HOUR", {"taskID": task["ID"], "projectID": task["projectID"], "ownerID": task["assignedToID"],
                      "hours": float(1 + n % 8), "status": "SUB", "timesheetID": timesheets[n % 3]["ID"],
                      "entryDate": timefmt.format_wf(now - (n % 5) * DAY_MS)})
    for n in range(5):
        make("EXPNS", {"projectID": projects[n]["ID"], "actualAmount": 100.0 * (n + 1), "description": f"Expense {n + 1}"})
    for n in range(10):
        make("NOTE", {"noteText": f"Update {n + 1} on {tasks[n]['name']}", "noteObjCode": "TASK", "objID": tasks[n]["ID"],
                      "taskID": tasks[n]["ID"], "projectID": tasks[n]["projectID"], "ownerID": users[n % 6]["ID"]})
    for n in range(3):
        make("DOCU", {"name": f"spec-{n + 1}.pdf", "docObjCode": "PROJ", "objID": projects[n]["ID"],
                      "projectID": projects[n]["ID"], "ownerID": admin["ID"], "description": "Specification"})
    params["Severity"] = make("PARAM", {"name": "Severity", "dataType": "TEXT", "displayType": "DROPDOWN",
                                        "description": "How badly the issue hurts"})
    for form, code, fields in (("Project details", "PROJ", ("Budget", "Region")), ("Task sizing", "TASK", ("Effort",)),
                               ("Issue triage", "OPTASK", ("Severity",))):
        category = make("CTGY", {"name": form, "catObjCode": code, "description": f"The {form.lower()} form"})
        for order, field in enumerate(fields, start=1):
            make("CTGYPA", {"categoryID": category["ID"], "parameterID": params[field]["ID"], "displayOrder": order})
    return admin["ID"]


def seed_size(store: Store, size: int, random_seed: int = 0) -> None:
    """Add ``size`` tasks with their projects, issues, users, assignments, hours and journal entries (fast bulk load)."""
    rng = random.Random(random_seed + 1)
    new_id = _Ids(rng)
    now = store.clock.now_ms()
    types = catalog()

    def build(code: str, count: int, fields) -> list[dict]:
        records = []
        for n, at in enumerate(_stamps(rng, now, count)):
            stamp = timefmt.format_wf(at)
            record = {"ID": new_id(), "objCode": code, **fields(n)}
            if types[code].has_entry_date:
                record["entryDate"] = stamp
            if types[code].has_last_update:
                record["lastUpdateDate"] = stamp
            records.append(record)
        store.load(types[code], records)
        return records

    users = build("USER", max(5, size // 200), lambda n: {"name": f"User {n}", "username": f"user{n}@example.com",
                                                         "isActive": True})
    start = timefmt.format_wf(now)
    projects = build("PROJ", max(1, size // 50), lambda n: {
        "name": f"Project {n}", "status": "CUR", "priority": n % 4, "percentComplete": 0, "progressStatus": "ON",
        "plannedStartDate": start, "plannedCompletionDate": start, "projectedStartDate": start,
        "projectedCompletionDate": start})
    tasks = build("TASK", size, lambda n: {
        "name": f"Task {n}", "projectID": projects[n % len(projects)]["ID"], "status": TASK_STATUSES[n % 5],
        "percentComplete": (0, 50, 100, 0, 50)[n % 5], "priority": n % 4, "taskNumber": n // len(projects) + 1,
        "assignedToID": users[n % len(users)]["ID"], "plannedStartDate": start, "plannedCompletionDate": start,
        # What the create path fills in (store._defaults, projected dates following planned ones).
        "projectedStartDate": start, "projectedCompletionDate": start, "progressStatus": "ON",
        "wbs": str(n // len(projects) + 1)})
    build("OPTASK", size // 5, lambda n: {"name": f"Issue {n}", "projectID": projects[n % len(projects)]["ID"],
                                          "status": ISSUE_STATUSES[n % 4], "priority": n % 4})
    build("ASSGN", size, lambda n: {"taskID": tasks[n]["ID"], "projectID": tasks[n]["projectID"],
                                    "assignedToID": tasks[n]["assignedToID"], "assignmentPercent": 100.0})
    build("HOUR", size // 2, lambda n: {"taskID": tasks[n]["ID"], "projectID": tasks[n]["projectID"],
                                        "ownerID": tasks[n]["assignedToID"], "hours": float(1 + n % 8), "status": "SUB"})
    # The journal, one entry a task, shaped as the store's journal writes them: every other task's
    # creation (A) and the others' status change (E, old and new value in the text columns).
    build("JRNLE", size, lambda n: {
        "changeType": "A" if n % 2 == 0 else "E", "objObjCode": "TASK", "objID": tasks[n]["ID"],
        "projectID": tasks[n]["projectID"], "editedByID": tasks[n]["assignedToID"],
        **({} if n % 2 == 0 else {"fieldName": "status", "oldTextVal": "NEW", "newTextVal": tasks[n]["status"]})})
