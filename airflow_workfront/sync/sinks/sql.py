"""SQL sink: upsert synced objects by ``ID`` into a table through any common-sql ``DbApiHook``.

Works with SQLite (the embedded default) and PostgreSQL, and with any database that speaks
``INSERT ... ON CONFLICT ... DO UPDATE`` with ``excluded`` (DuckDB, CockroachDB...). The table is
created when missing, with a column per record key (nested objects and custom fields as JSON text,
dates as ISO UTC text); new keys seen later add columns. Each page is one transaction.

An upsert only replaces a row with a version at least as new (by the window date) and only when
something differs, so re-running a window changes nothing and a late re-run of an old window
never overwrites newer data.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import closing
from typing import TYPE_CHECKING, Any

from airflow_workfront.sync.sinks.base import Sink, SyncTarget
from airflow_workfront.sync.sinks.values import column_name, normalise_record, sql_type

if TYPE_CHECKING:
    from airflow.providers.common.sql.hooks.sql import DbApiHook

    from airflow_workfront.sync.summary import SyncSummary

log = logging.getLogger(__name__)

_DELETE_CHUNK = 500
_ID_CHUNK = 5000


class SqlSink(Sink):
    """Upsert synced Workfront objects into ``table``.

    :param table: Target table, optionally schema-qualified (``analytics.wf_task``).
    :param hook: A common-sql ``DbApiHook`` (``SqliteHook``, ``PostgresHook``...).
    :param conn_id: Alternatively, an Airflow connection id whose hook is a ``DbApiHook``.
    :param create_table: Create the table (and missing columns) when needed (default True).
    """

    supports_reconcile = True

    def __init__(
        self,
        table: str,
        hook: DbApiHook | None = None,
        conn_id: str | None = None,
        create_table: bool = True,
    ) -> None:
        if (hook is None) == (conn_id is None):
            raise ValueError("SqlSink needs exactly one of hook= or conn_id=")
        if conn_id is not None:
            from airflow.sdk import BaseHook

            hook = BaseHook.get_hook(conn_id)
        from airflow.providers.common.sql.hooks.sql import DbApiHook

        if not isinstance(hook, DbApiHook):
            raise TypeError(f"SqlSink needs a common-sql DbApiHook, connection {conn_id!r} gives {type(hook).__name__}")
        self.hook = hook
        self.table = table
        self.create_table = create_table
        self.dialect = _dialect(hook)
        self._columns: dict[str, str] | None = None  # column name -> declared type, once known
        self._target: SyncTarget | None = None

    # -- identifiers and SQL text -------------------------------------------------------------
    @property
    def qualified_table(self) -> str:
        """The table name quoted for SQL (each dotted part quoted)."""
        return ".".join(_quote(p) for p in self.table.split("."))

    @property
    def date_column(self) -> str:
        """The column holding the window date (the version used to refuse older overwrites)."""
        assert self._target is not None, "open() first"
        return column_name(self._target.date_field)

    def upsert_sql(self, columns: Sequence[str]) -> str:
        """The ``INSERT ... ON CONFLICT("ID") DO UPDATE`` statement for ``columns``."""
        ph = self.hook.placeholder
        cols = ", ".join(_quote(c) for c in columns)
        values = ", ".join(ph for _ in columns)
        others = [c for c in columns if c != "ID"]
        if not others:
            return f'INSERT INTO {self.qualified_table} ({cols}) VALUES ({values}) ON CONFLICT ("ID") DO NOTHING'
        t, d = self.qualified_table, _quote(self.date_column)
        distinct = "IS NOT" if self.dialect == "sqlite" else "IS DISTINCT FROM"
        changed = " OR ".join(f"{t}.{_quote(c)} {distinct} excluded.{_quote(c)}" for c in others)
        newer = f"{t}.{d} IS NULL OR excluded.{d} > {t}.{d} OR (excluded.{d} = {t}.{d} AND ({changed}))"
        sets = ", ".join(f"{_quote(c)} = excluded.{_quote(c)}" for c in others)
        return (
            f"INSERT INTO {t} ({cols}) VALUES ({values}) "
            f'ON CONFLICT ("ID") DO UPDATE SET {sets} WHERE {newer}'
        )

    # -- Sink ---------------------------------------------------------------------------------
    def open(self, target: SyncTarget) -> None:
        """Remember the target and read the table's columns if it exists."""
        self._target = target
        self._columns = self._existing_columns()

    def write_page(self, records: list[dict[str, Any]], *, partition: int, page: int) -> int:
        """Upsert one page in one transaction; return rows inserted or changed."""
        rows = [normalise_record(r) for r in records]
        columns = list(dict.fromkeys(["ID", self.date_column, *(k for r in rows for k in r)]))
        self._ensure_columns(columns, rows)
        sql = self.upsert_sql(columns)
        params = [tuple(r.get(c) for c in columns) for r in rows]
        with closing(self.hook.get_conn()) as conn:
            try:
                with closing(conn.cursor()) as cur:
                    cur.executemany(sql, params)
                    changed = cur.rowcount
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
        # Some drivers report -1 for executemany; count the page then.
        return changed if changed is not None and changed >= 0 else len(rows)

    def delete(self, ids: Sequence[str], *, batch: int) -> int:
        """Delete rows by ID in one transaction; return rows removed."""
        if not ids:
            return 0
        self._ensure_columns(["ID", self.date_column], [])
        removed = 0
        with closing(self.hook.get_conn()) as conn:
            try:
                with closing(conn.cursor()) as cur:
                    for i in range(0, len(ids), _DELETE_CHUNK):
                        chunk = list(ids[i : i + _DELETE_CHUNK])
                        marks = ", ".join(self.hook.placeholder for _ in chunk)
                        cur.execute(f'DELETE FROM {self.qualified_table} WHERE "ID" IN ({marks})', chunk)
                        removed += max(cur.rowcount, 0)
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
        return removed

    def iter_ids(self) -> Iterator[str]:
        """Yield stored IDs ascending (byte order), in chunks so deletes may run in between."""
        self._ensure_columns(["ID", self.date_column], [])
        collate = ' COLLATE "C"' if self.dialect == "postgres" else ""
        last: str | None = None
        while True:
            where = f'WHERE "ID"{collate} > {self.hook.placeholder} ' if last is not None else ""
            sql = f'SELECT "ID" FROM {self.qualified_table} {where}ORDER BY "ID"{collate} LIMIT {_ID_CHUNK}'
            rows = self.hook.get_records(sql, parameters=[last] if last is not None else None)
            for (obj_id,) in rows:
                yield obj_id
            if len(rows) < _ID_CHUNK:
                return
            last = rows[-1][0]

    def close(self, summary: SyncSummary) -> None:
        """Make sure the table exists even when the window was empty."""
        self._ensure_columns(["ID", self.date_column], [])

    # -- schema -------------------------------------------------------------------------------
    def _existing_columns(self) -> dict[str, str] | None:
        """Columns of the table, or ``None`` when it does not exist."""
        with closing(self.hook.get_conn()) as conn, closing(conn.cursor()) as cur:
            try:
                cur.execute(f"SELECT * FROM {self.qualified_table} WHERE 1 = 0")
            except Exception:  # any driver's "no such table"
                conn.rollback()
                return None
            return {d[0]: "" for d in cur.description or ()}

    def _ensure_columns(self, columns: Sequence[str], rows: list[dict[str, Any]]) -> None:
        """Create the table or add the columns it lacks, typed from the first non-null value."""
        known = self._columns or {}
        missing = [c for c in columns if c not in known]
        if not missing:
            return
        if not self.create_table:
            raise RuntimeError(
                f"table {self.table} lacks columns {missing} and create_table=False; add them or enable create_table"
            )

        def col_type(col: str) -> str:
            return sql_type(next((r[col] for r in rows if r.get(col) is not None), None))

        statements = []
        if self._columns is None:
            # NOT NULL: SQLite would otherwise accept NULL primary keys.
            defs = ['"ID" TEXT NOT NULL PRIMARY KEY'] + [f"{_quote(c)} {col_type(c)}" for c in missing if c != "ID"]
            statements.append(f"CREATE TABLE IF NOT EXISTS {self.qualified_table} ({', '.join(defs)})")
        else:
            statements += [f"ALTER TABLE {self.qualified_table} ADD COLUMN {_quote(c)} {col_type(c)}" for c in missing]
        with closing(self.hook.get_conn()) as conn:
            try:
                with closing(conn.cursor()) as cur:
                    for stmt in statements:
                        cur.execute(stmt)
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
        log.info("Table %s: %s", self.table, "; ".join(statements))
        self._columns = self._existing_columns()


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _dialect(hook: Any) -> str:
    """``sqlite``, ``postgres`` or the hook's own dialect name (assumed to speak ON CONFLICT)."""
    name = str(getattr(hook, "dialect_name", "") or getattr(hook, "conn_type", "") or "").lower()
    if "postgres" in name:
        return "postgres"
    if "sqlite" in name:
        return "sqlite"
    if name in {"mysql", "mssql", "oracle"}:
        raise ValueError(f"SqlSink upserts with ON CONFLICT, which {name} does not support")
    return name or "generic"
