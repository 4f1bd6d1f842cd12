"""OpenLineage dataset names for what the operators read and write (the provider is optional).

Names follow OpenLineage's dataset naming: a Workfront object type is ``workfront://<host>`` /
``<OBJ CODE>``; files are ``file`` / ``<path>``; buckets are ``s3://<bucket>`` / ``<key>`` (likewise
``gs``, ``abfs``...); a PostgreSQL table is ``postgres://<host>:<port>`` / ``<db>.<schema>.<table>``.
Looking a connection up never fails the task: lineage falls back to the connection id.
"""

from __future__ import annotations

from typing import Any


def _connection(conn_id: str) -> Any:
    from airflow.sdk import BaseHook

    try:
        return BaseHook.get_connection(conn_id)
    except Exception:  # lineage must never fail the task
        return None


def workfront_namespace(conn_id: str) -> str:
    """``workfront://<host>`` of the connection (no scheme, path or credentials), or of its id."""
    conn = _connection(conn_id)
    host = (getattr(conn, "host", None) or "").split("://", 1)[-1].rstrip("/")
    if host and getattr(conn, "port", None) and ":" not in host:
        host = f"{host}:{conn.port}"
    return f"workfront://{host or conn_id}"


def storage_dataset(path: str) -> tuple[str, str]:
    """``(namespace, name)`` of an ``ObjectStoragePath`` URL such as ``s3://conn_id@bucket/key``."""
    scheme, sep, rest = path.partition("://")
    if not sep or scheme == "file":
        return "file", (rest if sep else path)
    bucket, _, key = rest.partition("/")
    return f"{scheme}://{bucket.split('@')[-1]}", key or "/"


def sql_dataset(conn_id: str, table: str) -> tuple[str, str]:
    """``(namespace, name)`` of a table reached through a common-sql connection."""
    conn = _connection(conn_id)
    if conn is None:
        return f"sql://{conn_id}", table
    conn_type = conn.conn_type or "sql"
    if conn_type in ("postgres", "postgresql"):
        qualified = table if "." in table else f"public.{table}"
        return f"postgres://{conn.host}:{conn.port or 5432}", f"{conn.schema}.{qualified}"
    if conn_type == "sqlite":
        return f"sqlite://{conn.host}", table
    return f"{conn_type}://{conn.host or conn_id}", table
