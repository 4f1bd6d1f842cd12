"""A real PostgreSQL for the sync's SQL tests: a private schema per test, dropped afterwards.

The server is ``WF_TEST_POSTGRES_URI`` when set (``.ci/run`` starts one), else the one on
127.0.0.1:5432 (database ``test``) when it answers. Tests skip only when neither is there.
"""

from __future__ import annotations

import os
import socket
import uuid
from urllib.parse import quote

import pytest

LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"


def postgres_uri() -> str | None:
    """The PostgreSQL server to test against, or ``None``."""
    uri = os.environ.get("WF_TEST_POSTGRES_URI")
    if uri:
        return uri
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        return None
    return LOCAL_POSTGRES


@pytest.fixture
def postgres_conn_id(monkeypatch):
    """An Airflow connection id whose tables land in a fresh schema of a real PostgreSQL."""
    uri = postgres_uri()
    if uri is None:
        pytest.skip("no PostgreSQL: set WF_TEST_POSTGRES_URI or run one on 127.0.0.1:5432 (database test)")
    pytest.importorskip("airflow.providers.postgres", reason="apache-airflow-providers-postgres is not installed")
    from airflow.providers.postgres.hooks.postgres import PostgresHook

    schema = f"wf_test_{uuid.uuid4().hex[:12]}"
    sep = "&" if "?" in uri else "?"
    monkeypatch.setenv("AIRFLOW_CONN_WF_TEST_PG_ADMIN", uri)
    admin = PostgresHook(postgres_conn_id="wf_test_pg_admin")
    admin.run(f'CREATE SCHEMA "{schema}"')
    monkeypatch.setenv("AIRFLOW_CONN_WF_TEST_PG", f"{uri}{sep}options={quote(f'-c search_path={schema}')}")
    yield "wf_test_pg"
    admin.run(f'DROP SCHEMA "{schema}" CASCADE')
