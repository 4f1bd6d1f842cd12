"""The SQL sink's table and its column map: create, add columns, widen types, never drop.

Next to each table ``T`` the sink keeps ``T_wf_columns``, one row per Workfront field::

    field            column_name       kind       column_type   added_at
    DE:Cost Center   DE_Cost_Center    text       TEXT          2026-03-01T00:00:00.000Z
    DE:Cost-Center   DE_Cost_Center_…  number     NUMERIC       2026-03-02T00:00:00.000Z

It is how a field's column is found, and what keeps names stable from run to run
(:mod:`~airflow_workfront.sync.sinks.columns`). Schema changes and their map rows are one
transaction. A table written before the map existed is adopted: a field claims the column that
has its plain name.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from contextlib import closing
from datetime import datetime, timezone
from typing import Any

from airflow_workfront.sync.sinks.base import CURRENT, DELETED, DELETED_AT, SYNCED_AT, VALID_FROM, VALID_TO
from airflow_workfront.sync.sinks.columns import (
    SNAKE_CASE,
    WORKFRONT,
    Column,
    ColumnMap,
    check_naming,
    plain_name,
)
from airflow_workfront.sync.sinks.fieldtypes import (
    BOOLEAN,
    INTEGER,
    JSON,
    NUMBER,
    TEXT,
    TIMESTAMP,
    WIDENINGS,
    FieldKinds,
    sql_type,
)
from airflow_workfront.sync.window import iso_ms

log = logging.getLogger(__name__)

MAP_SUFFIX = "_wf_columns"

#: Bookkeeping columns per mode, with their kinds and defaults.
BOOKKEEPING: dict[str, list[tuple[str, str, str]]] = {
    "upsert": [(SYNCED_AT, TIMESTAMP, "")],
    "soft_delete": [(SYNCED_AT, TIMESTAMP, ""), (DELETED, BOOLEAN, " NOT NULL DEFAULT FALSE"),
                    (DELETED_AT, TIMESTAMP, "")],
    "history": [(SYNCED_AT, TIMESTAMP, ""), (VALID_FROM, TIMESTAMP, " NOT NULL"), (VALID_TO, TIMESTAMP, ""),
                (CURRENT, BOOLEAN, " NOT NULL DEFAULT TRUE"), (DELETED, BOOLEAN, " NOT NULL DEFAULT FALSE")],
}
ALL_BOOKKEEPING = (SYNCED_AT, DELETED, DELETED_AT, VALID_FROM, VALID_TO, CURRENT)


def quote(identifier: str) -> str:
    """``identifier`` as a quoted SQL identifier."""
    return '"' + identifier.replace('"', '""') + '"'


def qualified(table: str) -> str:
    """A possibly schema-qualified table name, each dotted part quoted."""
    return ".".join(quote(p) for p in table.split("."))


def kind_of_declared(declared: str) -> str:
    """The kind a column's declared type holds (for columns made before the map existed)."""
    t = declared.lower()
    if "timestamp" in t:
        return TIMESTAMP
    if "json" in t:
        return JSON
    if t in ("bigint", "integer", "int", "smallint", "int8", "int4"):
        return INTEGER
    if t in ("numeric", "decimal", "double precision", "real", "double", "float"):
        return NUMBER
    if t.startswith("bool"):
        return BOOLEAN
    return TEXT


class SqlSchema:
    """The table ``table`` and its column map, for one run of :class:`~airflow_workfront.sync.sinks.sql.SqlSink`."""

    def __init__(self, hook: Any, table: str, dialect: str, mode: str, create_table: bool,
                 naming: str = WORKFRONT) -> None:
        self.hook = hook
        self.table = table
        self.dialect = dialect
        self.mode = mode
        self.create_table = create_table
        self.naming = check_naming(naming)  # for a new table; an existing one keeps its own style
        self.map_table = table + MAP_SUFFIX
        self.columns = ColumnMap(reserved=ALL_BOOKKEEPING, style=self.naming)
        self.table_columns: dict[str, str] = {}  # existing column -> declared type
        self._map_stored = False

    # -- reading ------------------------------------------------------------------------------
    def declared_columns(self, table: str) -> dict[str, str] | None:
        """Column -> declared type of ``table``, or ``None`` when it does not exist."""
        schema, _, name = table.rpartition(".")
        if self.dialect == "sqlite":
            pragma = f"PRAGMA {quote(schema)}.table_info({quote(name)})" if schema else f"PRAGMA table_info({quote(name)})"
            rows = self.hook.get_records(pragma)
            return {r[1]: str(r[2] or "") for r in rows} or None
        ph = self.hook.placeholder
        where = f"table_schema = {ph}" if schema else "table_schema = current_schema()"
        rows = self.hook.get_records(
            f"SELECT column_name, data_type FROM information_schema.columns WHERE {where} AND table_name = {ph} "
            "ORDER BY ordinal_position",
            parameters=[schema, name] if schema else [name],
        )
        return {r[0]: str(r[1]) for r in rows} or None

    def load(self, kinds: FieldKinds) -> ColumnMap:
        """Read (or create) the table and its map, check the mode, widen columns the metadata widened."""
        existing = self.declared_columns(self.table)
        if existing is not None:
            self._check_mode(existing)
        mapped = self.declared_columns(self.map_table) is not None
        # A new table takes the style asked for; an existing one keeps the style it was made in,
        # which its ID column tells ("id" in snake_case), so names never change afterwards.
        style = self.naming if existing is None else WORKFRONT
        self.columns = self._read_map() if mapped else ColumnMap(reserved=ALL_BOOKKEEPING, style=style)
        self._map_stored = mapped
        if existing is None or not mapped or set(BOOKKEEPING[self.mode]) - set(existing or {}):
            self._create(existing, kinds)
        self.table_columns = self.declared_columns(self.table) or {}
        for column in list(self.columns):
            self._widen_if_needed(column, kinds.metadata_kind(column.field))
        self.ensure(self._key_kinds(kinds))
        return self.columns

    @staticmethod
    def _key_kinds(kinds: FieldKinds) -> dict[str, str]:
        """``ID`` and the window's date (none for objects read whole, without a date)."""
        return {"ID": TEXT, **({kinds.date_field: TIMESTAMP} if kinds.date_field else {})}

    @property
    def id_column(self) -> str:
        """The name of the column that holds ``ID`` (``ID`` or ``id``, by the table's style)."""
        return self.columns["ID"].name if "ID" in self.columns else ("id" if self.columns.style == SNAKE_CASE else "ID")

    def _check_mode(self, existing: Mapping[str, str]) -> None:
        history_table = VALID_FROM in existing
        if history_table != (self.mode == "history"):
            raise ValueError(
                f"table {self.table} was written in {'history' if history_table else 'upsert/soft_delete'} mode "
                f"and cannot be written in mode {self.mode!r} (its primary key differs); use another table"
            )

    # -- changing -----------------------------------------------------------------------------
    def _execute(self, statements: list[tuple[str, list[Any] | None]]) -> None:
        """Run ``statements`` in one transaction."""
        with closing(self.hook.get_conn()) as conn:
            try:
                with closing(conn.cursor()) as cur:
                    for sql, params in statements:
                        if params is None:
                            cur.execute(sql)
                        else:
                            cur.execute(sql, params)
                conn.commit()
            except BaseException:
                conn.rollback()
                raise

    def _type(self, kind: str) -> str:
        return sql_type(kind, self.dialect)

    def _create(self, existing: Mapping[str, str] | None, kinds: FieldKinds) -> None:
        """Create what is missing: the table (ID, date and bookkeeping columns) and the map."""
        if not self.create_table:
            if existing is None:
                raise RuntimeError(f"table {self.table} does not exist and create_table=False; create it first")
            missing = [c for c, _, _ in BOOKKEEPING[self.mode] if c not in existing]
            if missing:
                raise RuntimeError(
                    f"table {self.table} lacks the {self.mode} bookkeeping columns {missing} and create_table=False"
                )
            return  # a table the user manages: the map lives in memory for the run
        statements: list[tuple[str, list[Any] | None]] = []
        if existing is None:
            key = self._name_fields(self._key_kinds(kinds), {})
            id_column = quote(self.id_column)
            defs = [f"{id_column} {self._type(TEXT)} NOT NULL"] + [
                f"{quote(c.name)} {self._type(c.kind)}" for c in key if c.field != "ID"
            ]
            defs += [f"{quote(name)} {self._type(kind)}{extra}" for name, kind, extra in BOOKKEEPING[self.mode]]
            pk = f"{id_column}, {quote(VALID_FROM)}" if self.mode == "history" else id_column
            statements.append(
                (f"CREATE TABLE IF NOT EXISTS {qualified(self.table)} ({', '.join(defs)}, PRIMARY KEY ({pk}))", None)
            )
        else:
            for name, kind, extra in BOOKKEEPING[self.mode]:
                if name not in existing:
                    statements.append(
                        (f"ALTER TABLE {qualified(self.table)} ADD COLUMN {quote(name)} {self._type(kind)}{extra}", None)
                    )
        if not self._map_stored:
            statements.append((
                f"CREATE TABLE IF NOT EXISTS {qualified(self.map_table)} (field TEXT NOT NULL PRIMARY KEY, "
                "column_name TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, column_type TEXT NOT NULL, "
                "added_at TEXT NOT NULL)",
                None,
            ))
        statements += self._map_rows(list(self.columns))
        self._execute(statements)
        self._map_stored = True
        changes = [s for s, _ in statements if not s.startswith("INSERT")]
        if changes:  # a map written for an existing table changes no schema: nothing to say
            log.info("Table %s: %s", self.table, "; ".join(changes))

    def _map_rows(self, columns: list[Column]) -> list[tuple[str, list[Any] | None]]:
        ph = self.hook.placeholder
        now = iso_ms(datetime.now(timezone.utc))
        sql = (
            f"INSERT INTO {qualified(self.map_table)} (field, column_name, kind, column_type, added_at) "
            f"VALUES ({ph}, {ph}, {ph}, {ph}, {ph}) ON CONFLICT (field) DO UPDATE SET kind = excluded.kind, "
            "column_type = excluded.column_type"
        )
        return [(sql, [c.field, c.name, c.kind, self._type(c.kind), now]) for c in columns]

    def _name_fields(self, kinds: Mapping[str, str], existing: Mapping[str, str]) -> list[Column]:
        """Map new fields: first to an unmapped column with their plain name (an older table), else a new name."""
        claimed_names = {c.name.lower() for c in self.columns}
        free = {c.lower(): (c, t) for c, t in existing.items() if c.lower() not in claimed_names}
        claimed = []
        for field in sorted(f for f in kinds if f not in self.columns):
            hit = free.pop(plain_name(field, self.columns.style).lower(), None)
            if hit is not None:
                column = Column(field, hit[0], kind_of_declared(hit[1]))
                self.columns.replace(column)
                claimed.append(column)
        rest = {k: v for k, v in kinds.items() if k not in self.columns}
        # Columns nobody claimed stay taken, so a new field never lands in an old column by accident.
        return claimed + self.columns.add_fields(rest, also_taken=existing)

    def ensure(self, kinds: Mapping[str, str]) -> list[Column]:
        """Map and add columns for the fields of ``kinds`` not mapped yet; return the new columns.

        Another run writing the same table may add the same field first: then this one's change
        fails, and it reads the map again and takes the column that run made.
        """
        try:
            return self._add(kinds)
        except Exception as exc:
            if not self._map_stored:
                raise
            log.info("Table %s: adding columns failed (%s); reading the column map again", self.table, exc)
            self.columns = self._read_map()
            self.table_columns = self.declared_columns(self.table) or {}
            return self._add(kinds)

    def _read_map(self) -> ColumnMap:
        rows = self.hook.get_records(f"SELECT field, column_name, kind FROM {qualified(self.map_table)}")
        columns = [Column(*r) for r in rows]
        style = SNAKE_CASE if any(c.field == "ID" and c.name == "id" for c in columns) else WORKFRONT
        return ColumnMap(columns, reserved=ALL_BOOKKEEPING, style=style)

    def _add(self, kinds: Mapping[str, str]) -> list[Column]:
        new = {f: k for f, k in kinds.items() if f not in self.columns}
        if not new:
            return []
        columns = self._name_fields(new, self.table_columns)
        to_add = [c for c in columns if c.name not in self.table_columns]
        if to_add and not self.create_table:
            for c in columns:
                self.columns.by_field.pop(c.field, None)
            raise RuntimeError(
                f"table {self.table} lacks columns {[c.name for c in to_add]} and create_table=False; "
                "add them or enable create_table"
            )
        statements: list[tuple[str, list[Any] | None]] = [
            (f"ALTER TABLE {qualified(self.table)} ADD COLUMN {quote(c.name)} {self._type(c.kind)}", None)
            for c in to_add
        ]
        if self._map_stored:
            statements += self._map_rows(columns)
        try:
            self._execute(statements)
        except BaseException:
            for c in columns:  # not mapped after all
                self.columns.by_field.pop(c.field, None)
            raise
        self.table_columns.update({c.name: self._type(c.kind) for c in to_add})
        if to_add:
            log.info("Table %s: added %s", self.table, ", ".join(f"{c.name} ({c.field}, {c.kind})" for c in to_add))
        return columns

    def _widen_if_needed(self, column: Column, wanted: str | None) -> None:
        """Follow a metadata type change: widen the column, keep a wider one, or refuse to narrow."""
        if wanted is None or wanted == column.kind or (wanted, column.kind) in WIDENINGS:
            return  # same kind, or the column already holds the new kind's values
        if (column.kind, wanted) not in WIDENINGS:
            raise RuntimeError(
                f"column {column.name} of table {self.table} holds {column.kind} values, but Workfront's metadata now "
                f"types field {column.field!r} as {wanted}, and the sync never narrows or converts a column. Convert it "
                f"yourself (ALTER TABLE ... ALTER COLUMN {column.name} ...) and set its kind to {wanted!r} in "
                f"{self.map_table}, or delete its row from {self.map_table} to map the field to a new column"
            )
        if not self.create_table:
            raise RuntimeError(
                f"field {column.field!r} widened from {column.kind} to {wanted}; widen column {column.name} of "
                f"table {self.table} to {self._type(wanted)} or enable create_table"
            )
        widened = Column(column.field, column.name, wanted)
        statements = self._map_rows([widened])
        if self.dialect != "sqlite":  # SQLite stores any value in any column: only the map changes
            col = quote(column.name)
            using = (
                f"to_char({col} AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
                if column.kind == TIMESTAMP and self.dialect == "postgres" else f"CAST({col} AS {self._type(wanted)})"
            )
            statements.insert(0, (
                f"ALTER TABLE {qualified(self.table)} ALTER COLUMN {col} TYPE {self._type(wanted)} USING {using}", None
            ))
        self._execute(statements)
        self.columns.replace(widened)
        log.info("Table %s: widened %s (%s) from %s to %s", self.table, column.name, column.field, column.kind, wanted)

