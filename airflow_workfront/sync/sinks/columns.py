"""Column names for Workfront fields: collision-free, deterministic, and stable once given.

Two naming styles. ``snake_case`` (the default for new tables) gives the names analysts expect
and that need no quoting in PostgreSQL: ``lastUpdateDate`` -> ``last_update_date``, ``projectID``
-> ``project_id``, ``DE:Cost Center`` -> ``de_cost_center``. ``workfront`` keeps Workfront's own
spelling, with only what SQL cannot hold replaced (``DE:Cost Center`` -> ``DE_Cost_Center``).
A field's *plain name* is its name in the table's style. Distinct fields can share a plain name (``DE:Cost Center`` and
``DE:Cost-Center``), or differ only in case (``DE:Region`` and ``DE:region``), which SQLite and
most warehouses treat as one column. So names are compared case-insensitively, and a field whose
plain name is taken gets the plain name plus ``_`` and the first 8 hex digits of the SHA-1 of the
field name (``DE_Cost_Center_33c3870e`` for ``DE:Cost-Center``). Fields new at the same time are
named in sorted order.

A name, once given, is kept in the table's column map and never changes: a later field that
collides with it is the one that gets the suffix.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from airflow_workfront.sync.choices import check_choice

_NON_IDENT = re.compile(r"[^0-9A-Za-z_]+")
_PLURAL_ACRONYM = re.compile(r"([A-Z]{2,})s(?![a-z])")
_CAMEL_BOUNDARIES = (re.compile(r"([a-z0-9])([A-Z])"), re.compile(r"([A-Z]+)([A-Z][a-z])"))
#: Naming styles of new tables: Workfront's spelling made SQL-safe, or snake_case.
WORKFRONT, SNAKE_CASE = "workfront", "snake_case"
NAMING_STYLES = (SNAKE_CASE, WORKFRONT)


def check_naming(style: str) -> str:
    """``style`` if it is one of :data:`NAMING_STYLES`, else a clear error."""
    return check_choice(style, NAMING_STYLES, "column_names")


def snake_case(field: str) -> str:
    """``lastUpdateDate`` -> ``last_update_date``, ``DE:Cost Center`` -> ``de_cost_center``,
    ``URLPath`` -> ``url_path``, ``projectID`` -> ``project_id``, ``accessorIDs`` -> ``accessor_ids``."""
    text = _PLURAL_ACRONYM.sub(lambda m: m.group(1).capitalize() + "s", field)  # accessorIDs -> accessorIds
    for boundary in _CAMEL_BOUNDARIES:
        text = boundary.sub(r"\1_\2", text)
    return re.sub(r"_+", "_", _NON_IDENT.sub("_", text)).lower()
#: Longest name given (PostgreSQL cuts identifiers at 63 bytes).
MAX_NAME = 60
_SUFFIX = 9  # "_" and 8 hex digits


@dataclass(frozen=True)
class Column:
    """Where one Workfront field is stored: the column's name and the kind of its values."""

    field: str
    name: str
    kind: str


def plain_name(field: str, style: str = WORKFRONT) -> str:
    """The field's name in ``style``: anything but letters, digits and ``_`` turned into ``_``
    (and, in ``snake_case``, words split and lowered).

    Leading underscores are dropped, so no field can take a bookkeeping column (``_wf_...``).
    """
    name = (snake_case(field) if style == SNAKE_CASE else _NON_IDENT.sub("_", field)).strip("_")
    if not name:
        name = "field"
    if name[0].isdigit():
        name = "f_" + name
    return name[:MAX_NAME]


def suffixed_name(field: str, digits: int = 8, style: str = WORKFRONT) -> str:
    """The plain name cut to fit, then ``_`` and ``digits`` hex digits of the field's SHA-1."""
    digest = hashlib.sha1(field.encode("utf-8")).hexdigest()[:digits]
    return f"{plain_name(field, style)[: MAX_NAME - digits - 1]}_{digest}"


def name_new_fields(fields: Iterable[str], taken: Iterable[str], style: str = WORKFRONT) -> dict[str, str]:
    """Names for ``fields`` (not yet mapped) in ``style``, avoiding ``taken`` names case-insensitively."""
    used = {t.lower() for t in taken}
    names: dict[str, str] = {}
    for field in sorted(set(fields)):
        candidates = [plain_name(field, style), *(suffixed_name(field, d, style) for d in (8, 16, 40))]
        name = next((c for c in candidates if c.lower() not in used), None)
        if name is None:  # 40 hex digits of SHA-1 collide: not a case worth a rule
            raise ValueError(f"no free column name for field {field!r}")
        used.add(name.lower())
        names[field] = name
    return names


class ColumnMap:
    """Field -> :class:`Column` for one table, plus the names its bookkeeping columns use."""

    def __init__(self, columns: Iterable[Column] = (), reserved: Iterable[str] = (), style: str = WORKFRONT) -> None:
        self.by_field: dict[str, Column] = {c.field: c for c in columns}
        self.reserved = tuple(reserved)
        self.style = style

    def __contains__(self, field: object) -> bool:
        return field in self.by_field

    def __getitem__(self, field: str) -> Column:
        return self.by_field[field]

    def __iter__(self):
        return iter(self.by_field.values())

    def taken(self) -> list[str]:
        """Every column name in use or reserved."""
        return [c.name for c in self.by_field.values()] + list(self.reserved)

    def add_fields(self, kinds: Mapping[str, str], also_taken: Iterable[str] = ()) -> list[Column]:
        """Name the fields of ``kinds`` that are not mapped yet (avoiding ``also_taken`` names too)."""
        new = [f for f in kinds if f not in self.by_field]
        names = name_new_fields(new, [*self.taken(), *also_taken], self.style)
        added = [Column(f, names[f], kinds[f]) for f in sorted(names)]
        self.by_field.update((c.field, c) for c in added)
        return added

    def replace(self, column: Column) -> None:
        """Record a changed column (its kind widened)."""
        self.by_field[column.field] = column
