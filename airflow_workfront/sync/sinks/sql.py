"""SQL sink: write synced objects into a table through any common-sql ``DbApiHook``.

Works with SQLite (the embedded default) and PostgreSQL, and with any database that speaks
``INSERT ... ON CONFLICT ... DO UPDATE`` with ``excluded`` (DuckDB, CockroachDB...). Columns are
typed from Workfront's ``/metadata`` (:mod:`~airflow_workfront.sync.sinks.fieldtypes`) and named
collision-free (:mod:`~airflow_workfront.sync.sinks.columns`); the table, its column map and its
evolution are :mod:`~airflow_workfront.sync.sinks.sql_schema`'s job. Each page is one transaction;
on PostgreSQL it is loaded with ``COPY`` (:mod:`~airflow_workfront.sync.sinks.sql_copy`).

Modes (``mode=``):

- ``upsert`` (default): one row per object. A row is only replaced by a version at least as new
  (by the window date), and only when something differs, so re-running a window changes nothing
  and a late re-run of an old window never overwrites newer data. Deletes remove the row.
- ``soft_delete``: as ``upsert``, but a delete sets ``_wf_deleted`` and ``_wf_deleted_at``.
- ``history``: a row per version (type-2 slowly changing dimension), keyed by ``ID`` and
  ``_wf_valid_from`` (the version's date). A newer version closes the one before it
  (``_wf_valid_to``, ``_wf_current``); a delete closes the current one.

Every row carries ``_wf_synced_at``, when it was last written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing, contextmanager
from datetime import datetime, timezone
from itertools import repeat
from typing import TYPE_CHECKING, Any

from airflow_workfront.sync.sinks.base import (
    CURRENT,
    DELETED,
    DELETED_AT,
    SYNCED_AT,
    VALID_FROM,
    VALID_TO,
    Sink,
    SyncTarget,
    check_mode,
)
from airflow_workfront.sync.sinks.columns import Column
from airflow_workfront.sync.sinks.fieldtypes import BOOLEAN, TIMESTAMP, FieldKinds, sql_type
from airflow_workfront.sync.sinks.sql_copy import PAGE_TABLE, copy_into, copy_text
from airflow_workfront.sync.sinks.sql_schema import SqlSchema, qualified, quote
from airflow_workfront.sync.sinks.values import column_converter
from airflow_workfront.sync.window import iso_ms

if TYPE_CHECKING:
    from airflow.providers.common.sql.hooks.sql import DbApiHook

    from airflow_workfront.sync.summary import SyncSummary

log = logging.getLogger(__name__)

_DELETE_CHUNK = 500
_ID_CHUNK = 5000
_MAX_PARAMETERS = 30_000  # SQLite allows 32,766 per statement, PostgreSQL 65,535


class SqlSink(Sink):
    """Write synced Workfront objects into ``table``.

    :param table: Target table, optionally schema-qualified (``analytics.wf_task``). Its column
        map is ``<table>_wf_columns``.
    :param hook: A common-sql ``DbApiHook`` (``SqliteHook``, ``PostgresHook``...).
    :param conn_id: Alternatively, an Airflow connection id whose hook is a ``DbApiHook``.
    :param create_table: Create the table, its map and missing columns, and widen columns, when
        needed (default True).
    :param mode: ``"upsert"`` (default), ``"soft_delete"`` or ``"history"`` (see the module docstring).
    :param column_names: How a new table names its columns: ``"snake_case"`` (default:
        ``last_update_date``, ``de_cost_center``, ``id``) or ``"workfront"`` (``lastUpdateDate``,
        ``DE_Cost_Center``, ``ID``). A table that exists keeps the names it has.
    """

    supports_reconcile = True
    uses_metadata = True

    def __init__(
        self,
        table: str,
        hook: DbApiHook | None = None,
        conn_id: str | None = None,
        create_table: bool = True,
        mode: str = "upsert",
        column_names: str = "snake_case",
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
        self.mode = check_mode(mode)
        self.dialect = _dialect(hook)
        self.schema = SqlSchema(hook, table, self.dialect, self.mode, create_table, naming=column_names)
        self._kinds: FieldKinds | None = None
        self._target: SyncTarget | None = None
        self._conn: Any = None
        self._page_table: str | None = None  # the columns of the connection's COPY table
        self._converter_cache: dict[tuple[str, str], Callable[[list[Any]], list[Any]]] = {}

    # -- identifiers and SQL text -------------------------------------------------------------
    @property
    def qualified_table(self) -> str:
        """The table name quoted for SQL (each dotted part quoted)."""
        return qualified(self.table)

    @property
    def date_column(self) -> str:
        """The column holding the window date (the version used to refuse older overwrites)."""
        assert self._target is not None, "open() first"
        return self.schema.columns[self._target.date_field].name

    def column_of(self, field: str) -> str:
        """The column ``field`` is stored in (after :meth:`open`)."""
        return self.schema.columns[field].name

    def upsert_sql(
        self, columns: Sequence[str], bookkeeping: Sequence[str] = (), rows: int = 1, source: str = ""
    ) -> str:
        """The ``INSERT ... ON CONFLICT DO UPDATE`` of data ``columns`` and ``bookkeeping`` ones.

        The rows come as ``rows`` rows of parameters, or from the query ``source`` (PostgreSQL: a
        ``SELECT`` from the page's ``COPY`` table). Only data columns decide whether a row changed;
        bookkeeping ones are set along with them.
        """
        ph = self.hook.placeholder
        everything = [*columns, *bookkeeping]
        cols = ", ".join(quote(c) for c in everything)
        if source:
            values = source
        else:
            values = "VALUES " + ", ".join(["(" + ", ".join(ph for _ in everything) + ")"] * rows)
        t, i = self.qualified_table, quote(self.schema.id_column)
        history = self.mode == "history"
        key = f"{i}, {quote(VALID_FROM)}" if history else i
        others = [c for c in columns if c != self.schema.id_column]
        distinct = "IS NOT" if self.dialect == "sqlite" else "IS DISTINCT FROM"
        changed = " OR ".join(f"{t}.{quote(c)} {distinct} excluded.{quote(c)}" for c in others) or "FALSE"
        # A version replaces a row only when it is newer, or as new and different; in history mode the
        # key holds the version, so only a difference counts.
        if history or self._target is None or not self._target.date_field:
            when = f"({changed})"  # objects read whole, without a date: any difference is newer
        else:
            d = quote(self.date_column)
            when = f"{t}.{d} IS NULL OR excluded.{d} > {t}.{d} OR (excluded.{d} = {t}.{d} AND ({changed}))"
        sets = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in [*others, *bookkeeping] if c != VALID_FROM)
        return f"INSERT INTO {t} ({cols}) {values} ON CONFLICT ({key}) DO UPDATE SET {sets} WHERE {when}"

    def close_versions_sql(self, n_ids: int) -> str:
        """History mode: end every version of these IDs that a later version follows at that
        version's start, where it is still open or ends after it (a version that arrived late, as
        from an earlier run finishing last, splits its predecessor's span: spans never overlap).

        PostgreSQL takes the IDs as one array parameter and finds each open version's successor
        with ``lead()`` in one ordered pass over the IDs' versions (the primary key's order); SQLite
        takes ``n_ids`` placeholders and looks the successor up per open version.
        """
        t, ph, i = self.qualified_table, self.hook.placeholder, quote(self.schema.id_column)
        vf, vt, cur = quote(VALID_FROM), quote(VALID_TO), quote(CURRENT)
        if self.dialect == "postgres":
            versions = (
                f"SELECT {i}, {vf}, {cur}, lead({vf}) OVER (PARTITION BY {i} ORDER BY {vf}) AS next_from "
                f"FROM {t} WHERE {i} = ANY(CAST({ph} AS TEXT[]))"
            )
            return (
                f"UPDATE {t} SET {vt} = v.next_from, {cur} = FALSE FROM ({versions}) AS v "
                f"WHERE v.next_from IS NOT NULL AND ({t}.{vt} IS NULL OR {t}.{vt} > v.next_from) "
                f"AND {t}.{i} = v.{i} AND {t}.{vf} = v.{vf}"
            )
        later = f"FROM {t} AS n WHERE n.{i} = {t}.{i} AND n.{vf} > {t}.{vf}"
        return (
            f"UPDATE {t} SET {vt} = (SELECT MIN(n.{vf}) {later}), {cur} = FALSE "
            f'WHERE {t}.{i} IN ({", ".join([ph] * n_ids)}) AND EXISTS (SELECT 1 {later}) '
            f"AND ({t}.{vt} IS NULL OR {t}.{vt} > (SELECT MIN(n.{vf}) {later}))"
        )

    # -- Sink ---------------------------------------------------------------------------------
    def open(self, target: SyncTarget) -> None:
        """Remember the target; read (or create) the table and its column map, widening where metadata did."""
        self._target = target
        self._kinds = FieldKinds(target.field_kinds, target.date_field, f"table {self.table}")
        self._converter_cache = {}
        self.schema.load(self._kinds)

    def _page_columns(self, records: list[dict[str, Any]]) -> list[Column]:
        """The columns of the fields in ``records`` (``ID`` and the date first), mapping new fields."""
        assert self._target is not None and self._kinds is not None, "open() first"
        seen = set().union(*records)  # every record's keys, gathered in C
        key = ["ID", self._target.date_field] if self._target.date_field else ["ID"]
        fields = list(dict.fromkeys([*key, *records[0], *sorted(seen - records[0].keys())]))
        new = [f for f in fields if f not in self.schema.columns]
        if new:
            self.schema.ensure(self._kinds.for_page(new, records))
        return [self.schema.columns[f] for f in fields]

    def _converters(self, columns: list[Column]) -> list[Callable[[list[Any]], list[Any]]]:
        """Per column, the function that makes its values storable (by the field's metadata kind now)."""
        assert self._kinds is not None
        server_casts = self.dialect == "postgres"
        made = []
        for c in columns:
            key = (c.field, c.kind)
            if key not in self._converter_cache:
                kind = self._kinds.metadata_kind(c.field) or c.kind
                self._converter_cache[key] = column_converter(kind, c.kind, c.field, server_casts)
            made.append(self._converter_cache[key])
        return made

    def write_page(self, records: list[dict[str, Any]], *, partition: int, page: int) -> int:
        """Write one page in one transaction; return rows inserted or changed."""
        if not records:
            return 0
        columns = self._page_columns(records)
        bookkeeping: dict[str, Any] = {SYNCED_AT: iso_ms(datetime.now(timezone.utc))}
        if self.mode == "soft_delete":
            bookkeeping.update({DELETED: False, DELETED_AT: None})
        names = [c.name for c in columns]
        fields = [c.field for c in columns]
        history = self.mode == "history"
        extra = [*bookkeeping, *([VALID_FROM] if history else [])]
        # Column by column: each column's values picked in C (dict.get), then converted at once.
        values = [
            convert(list(map(dict.get, records, repeat(field))))
            for field, convert in zip(fields, self._converters(columns), strict=True)
        ]
        keys = list(zip(values[0], values[1], strict=True)) if history else values[0]
        if len(set(keys)) < len(keys):  # one statement cannot touch a row twice: the last one wins
            last = list({k: i for i, k in enumerate(keys)}.values())
            values = [[column[i] for i in last] for column in values]
        n = len(values[0])
        statements = []
        if self.dialect != "postgres":
            values += [[v] * n for v in bookkeeping.values()] + ([values[1]] if history else [])
            # Many rows per statement, under SQLite's limit on parameters per statement.
            rows = list(zip(*values, strict=True))
            per_statement = max(1, _MAX_PARAMETERS // len(values))
            statements = [
                (self.upsert_sql(names, extra, rows=len(chunk)), [v for r in chunk for v in r])
                for chunk in (rows[i : i + per_statement] for i in range(0, n, per_statement))
            ]
        changed = 0
        with self._transaction() as cur:
            if self.dialect == "postgres":
                changed = self._copy_page(cur, columns, values, bookkeeping, extra)
            for sql, params in statements:
                cur.execute(sql, params)
                changed += cur.rowcount if cur.rowcount is not None and cur.rowcount >= 0 else n
            if history:
                ids = list(dict.fromkeys(values[0]))  # the ID column, as stored
                params = [ids] if self.dialect == "postgres" else ids  # PostgreSQL: one array parameter
                if self.dialect == "postgres":
                    # A table written fast has stale statistics, and the planner then scans it whole
                    # (matching each row against the page's IDs) rather than look the IDs up in the
                    # primary key: a page's cost would grow with the table. Only for this statement.
                    cur.execute("SELECT set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)")
                cur.execute(self.close_versions_sql(len(ids)), params)
        return changed

    def _copy_page(
        self, cur: Any, columns: list[Column], values: list[list[Any]], bookkeeping: dict[str, Any], extra: list[str]
    ) -> int:
        """PostgreSQL: ``COPY`` the page into a temporary table typed like the target, then upsert from it.

        The temporary table is emptied at every commit and lives as long as the connection.
        """
        page, ph = f"pg_temp.{quote(PAGE_TABLE)}", self.hook.placeholder
        names = [quote(c.name) for c in columns]
        defs = ", ".join(f"{n} {sql_type(c.kind, self.dialect)}" for n, c in zip(names, columns, strict=True))
        if self._page_table != defs:  # the run's connection keeps it while the page's columns stay the same
            cur.execute(f"DROP TABLE IF EXISTS {page}")
            cur.execute(f"CREATE TEMPORARY TABLE {quote(PAGE_TABLE)} ({defs}) ON COMMIT DELETE ROWS")
            self._page_table = defs
        copy_into(cur, f"COPY {page} ({', '.join(names)}) FROM STDIN", copy_text(values, [c.field for c in columns]))
        picks = names + [f"CAST({ph} AS {sql_type(BOOKKEEPING_KINDS[c], self.dialect)})" for c in bookkeeping]
        picks += [names[1]] if VALID_FROM in extra else []  # a version starts at its date
        source = f"SELECT {', '.join(picks)} FROM {page}"
        cur.execute(self.upsert_sql([c.name for c in columns], extra, source=source), list(bookkeeping.values()))
        return cur.rowcount if cur.rowcount is not None and cur.rowcount >= 0 else len(values[0])

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        """A cursor in one transaction.

        The run keeps one connection (closed by :meth:`close`): pages come one at a time, though
        from several worker threads. SQLite connections cannot cross threads, and cost little to
        open, so there each call opens its own.
        """
        shared = self.dialect != "sqlite"
        if self._conn is None or not shared:
            self._conn = self.hook.get_conn()
        conn = self._conn
        try:
            with closing(conn.cursor()) as cur:
                yield cur
            conn.commit()
        except BaseException:
            try:
                conn.rollback()
            finally:  # a connection in an unknown state is not reused
                self._drop_connection()
            raise
        if not shared:
            self._drop_connection()

    def _drop_connection(self) -> None:
        conn, self._conn = self._conn, None
        self._page_table = None  # temporary tables go with their connection
        if conn is not None:
            try:
                conn.close()
            except Exception:  # closing a broken connection may fail too; it is gone either way
                log.debug("closing the SQL connection failed", exc_info=True)

    def delete(self, ids: Sequence[str], *, batch: int) -> int:
        """Apply deletions in one transaction: remove rows, mark them deleted, or close their current version."""
        if not ids:
            return 0
        now = iso_ms(datetime.now(timezone.utc))
        t, ph, key = self.qualified_table, self.hook.placeholder, quote(self.schema.id_column)
        removed = 0
        with self._transaction() as cur:
            for i in range(0, len(ids), _DELETE_CHUNK):
                chunk = list(ids[i : i + _DELETE_CHUNK])
                marks = ", ".join(ph for _ in chunk)
                if self.mode == "upsert":
                    cur.execute(f"DELETE FROM {t} WHERE {key} IN ({marks})", chunk)
                elif self.mode == "soft_delete":
                    cur.execute(
                        f"UPDATE {t} SET {quote(DELETED)} = TRUE, {quote(DELETED_AT)} = {ph}, "
                        f"{quote(SYNCED_AT)} = {ph} WHERE {key} IN ({marks}) AND NOT {quote(DELETED)}",
                        [now, now, *chunk],
                    )
                else:
                    cur.execute(
                        f"UPDATE {t} SET {quote(VALID_TO)} = {ph}, {quote(CURRENT)} = FALSE, "
                        f"{quote(DELETED)} = TRUE, {quote(SYNCED_AT)} = {ph} "
                        f"WHERE {key} IN ({marks}) AND {quote(CURRENT)}",
                        [now, now, *chunk],
                    )
                removed += max(cur.rowcount, 0)
        return removed

    def iter_ids(self) -> Iterator[str]:
        """Yield the IDs of live objects ascending (byte order), in chunks so deletes may run in between."""
        collate = ' COLLATE "C"' if self.dialect == "postgres" else ""
        live, i = self.live_condition(), quote(self.schema.id_column)
        last: str | None = None
        while True:
            where = [c for c in (live, f"{i}{collate} > {self.hook.placeholder}" if last is not None else "") if c]
            sql = (
                f'SELECT {i} FROM {self.qualified_table} {"WHERE " + " AND ".join(where) if where else ""} '
                f"ORDER BY {i}{collate} LIMIT {_ID_CHUNK}"
            )
            rows = self.hook.get_records(sql, parameters=[last] if last is not None else None)
            for (obj_id,) in rows:
                yield obj_id
            if len(rows) < _ID_CHUNK:
                return
            last = rows[-1][0]

    def live_condition(self) -> str:
        """The SQL condition of rows that hold a live object ('' in upsert mode: every row)."""
        return {"upsert": "", "soft_delete": f"NOT {quote(DELETED)}", "history": quote(CURRENT)}[self.mode]

    def holds_no_objects(self) -> bool:
        """Whether the table holds no live object (one ``LIMIT 1`` query)."""
        live = self.live_condition()
        sql = f"SELECT 1 FROM {self.qualified_table}" + (f" WHERE {live}" if live else "") + " LIMIT 1"
        return not self.hook.get_records(sql)

    def live_count(self) -> int:
        """How many live objects the table holds (rows in upsert mode; not deleted; current versions)."""
        live = self.live_condition()
        sql = f"SELECT COUNT(*) FROM {self.qualified_table}" + (f" WHERE {live}" if live else "")
        return int(self.hook.get_records(sql)[0][0])

    def close(self, summary: SyncSummary) -> None:
        """Close the run's connection (the table and its map exist from :meth:`open` on)."""
        self._drop_connection()


BOOKKEEPING_KINDS = {SYNCED_AT: TIMESTAMP, DELETED: BOOLEAN, DELETED_AT: TIMESTAMP, VALID_FROM: TIMESTAMP}


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
