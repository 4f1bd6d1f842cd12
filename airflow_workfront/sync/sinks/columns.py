"""Column names for Workfront fields: collision-free, deterministic, and stable once given.

A field's *plain name* keeps letters, digits and underscores (``DE:Cost Center`` ->
``DE_Cost_Center``). Distinct fields can share a plain name (``DE:Cost Center`` and
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

_NON_IDENT = re.compile(r"[^0-9A-Za-z_]+")
#: Longest name given (PostgreSQL cuts identifiers at 63 bytes).
MAX_NAME = 60
_SUFFIX = 9  # "_" and 8 hex digits


@dataclass(frozen=True)
class Column:
    """Where one Workfront field is stored: the column's name and the kind of its values."""

    field: str
    name: str
    kind: str


def plain_name(field: str) -> str:
    """The field's name with anything but letters, digits and ``_`` turned into ``_``.

    Leading underscores are dropped, so no field can take a bookkeeping column (``_wf_...``).
    """
    name = _NON_IDENT.sub("_", field).strip("_")
    if not name:
        name = "field"
    if name[0].isdigit():
        name = "f_" + name
    return name[:MAX_NAME]


def suffixed_name(field: str, digits: int = 8) -> str:
    """The plain name cut to fit, then ``_`` and ``digits`` hex digits of the field's SHA-1."""
    digest = hashlib.sha1(field.encode("utf-8")).hexdigest()[:digits]
    return f"{plain_name(field)[: MAX_NAME - digits - 1]}_{digest}"


def name_new_fields(fields: Iterable[str], taken: Iterable[str]) -> dict[str, str]:
    """Names for ``fields`` (not yet mapped), avoiding ``taken`` names case-insensitively."""
    used = {t.lower() for t in taken}
    names: dict[str, str] = {}
    for field in sorted(set(fields)):
        candidates = [plain_name(field), *(suffixed_name(field, d) for d in (8, 16, 40))]
        name = next((c for c in candidates if c.lower() not in used), None)
        if name is None:  # 40 hex digits of SHA-1 collide: not a case worth a rule
            raise ValueError(f"no free column name for field {field!r}")
        used.add(name.lower())
        names[field] = name
    return names


class ColumnMap:
    """Field -> :class:`Column` for one table, plus the names its bookkeeping columns use."""

    def __init__(self, columns: Iterable[Column] = (), reserved: Iterable[str] = ()) -> None:
        self.by_field: dict[str, Column] = {c.field: c for c in columns}
        self.reserved = tuple(reserved)

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
        names = name_new_fields(new, [*self.taken(), *also_taken])
        added = [Column(f, names[f], kinds[f]) for f in sorted(names)]
        self.by_field.update((c.field, c) for c in added)
        return added

    def replace(self, column: Column) -> None:
        """Record a changed column (its kind widened)."""
        self.by_field[column.field] = column
