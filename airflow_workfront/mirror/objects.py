"""Which Workfront object types a mirror copies, and what Workfront offers for each.

The default set covers what Adobe's Workfront Data Connect offers as its core views (projects,
tasks, issues, hours, assignments, users, teams, portfolios, programs, notes, documents, journal
entries, custom-form definitions...), as far as the reference docs and metadata show them (see
docs/mirror.md for the table side by side). Every fact here is one line of a table, so the docs
and the tests read the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MirrorObject:
    """One object type a mirror can copy.

    :param code: Workfront's object code (``PROJ``).
    :param name: What it is, for people.
    :param events: Workfront can send event-subscription deliveries for it (the event-subscription
        docs' list of objects), so event-driven runs keep its table fresh.
    :param journaled_deletes: Workfront journals its deletions (``JRNLE`` entries with
        ``changeType=D``), so a run finds them in its window; for the others a SQL table is
        reconciled against every ID Workfront has.
    :param big: Grows with the work (tasks, hours...): its task may hold more pool slots, to read
        partitions in parallel.
    :param weight: Its task's priority weight in the pool: the larger types usually are, the earlier
        they start, so that the longest reads begin first and the short ones fill the slots left.
    """

    code: str
    name: str
    events: bool = False
    journaled_deletes: bool = False
    big: bool = False
    weight: int = 1


#: Every type a mirror knows, in the order its tasks are listed.
OBJECTS: tuple[MirrorObject, ...] = (
    MirrorObject("PROJ", "projects", events=True, journaled_deletes=True),
    MirrorObject("TASK", "tasks", events=True, journaled_deletes=True, big=True, weight=5),
    MirrorObject("OPTASK", "issues", events=True, journaled_deletes=True, big=True, weight=2),
    MirrorObject("HOUR", "hours", events=True, journaled_deletes=True, big=True, weight=3),
    MirrorObject("ASSGN", "assignments", events=True, big=True, weight=4),
    MirrorObject("USER", "users", events=True, journaled_deletes=True),
    MirrorObject("TEAMOB", "teams"),
    MirrorObject("PORT", "portfolios", events=True, journaled_deletes=True),
    MirrorObject("PRGM", "programs", events=True, journaled_deletes=True),
    MirrorObject("NOTE", "notes (updates)", events=True),
    MirrorObject("DOCU", "documents", events=True),
    MirrorObject("DOCV", "document versions"),
    MirrorObject("JRNLE", "journal entries: every change, field by field", big=True, weight=6),
    MirrorObject("CMPY", "companies", events=True),
    MirrorObject("GROUP", "groups"),
    MirrorObject("ROLE", "job roles"),
    MirrorObject("TSHET", "timesheets", events=True),
    MirrorObject("EXPNS", "expenses", events=True),
    MirrorObject("TMPL", "project templates", events=True),
    MirrorObject("CTGY", "custom forms"),
    MirrorObject("PARAM", "custom fields (their definitions)"),
)

BY_CODE = {o.code: o for o in OBJECTS}
#: ``objects=None``: every type above.
DEFAULT_OBJECTS: tuple[str, ...] = tuple(o.code for o in OBJECTS)
#: Types whose changes appear in the journal, so events about them mean new journal entries too.
JOURNALED = frozenset({"PROJ", "TASK", "OPTASK", "HOUR", "USER", "PORT", "PRGM"})


def mirror_object(code: str) -> MirrorObject:
    """The :class:`MirrorObject` of ``code`` (any case); an unknown code is copied with no events,
    reconciled deletes, and the same rules as the rest."""
    upper = code.strip().upper()
    return BY_CODE.get(upper) or MirrorObject(upper, upper)


def table_name(prefix: str, code: str) -> str:
    """The table of ``code``: ``f"{prefix}{code.lower()}"`` (``wf_task``)."""
    return f"{prefix}{code.lower()}"
