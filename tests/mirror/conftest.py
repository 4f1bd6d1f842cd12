"""Fixtures of the mirror tests."""

from __future__ import annotations

import json

import pytest


@pytest.fixture(params=["sqlite", "postgres"])
def warehouse(request, tmp_path, monkeypatch):
    """A connection id of an empty warehouse: SQLite, or a fresh schema of a real PostgreSQL."""
    if request.param == "postgres":
        return request.getfixturevalue("postgres_conn_id")
    monkeypatch.setenv("AIRFLOW_CONN_MIRROR_WH", json.dumps({"conn_type": "sqlite", "host": str(tmp_path / "wh.db")}))
    return "mirror_wh"
