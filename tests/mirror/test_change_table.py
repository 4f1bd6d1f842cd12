"""The change table: docs/mirror.md's query, as written there, finds a project's edit in wf_jrnle."""

from __future__ import annotations

import json
import re
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
from test_mirror_emulator import forget_watermarks, mirror_dag

DOC = Path(__file__).resolve().parents[2] / "docs" / "mirror.md"


def documented_query() -> str:
    match = re.search(r"<!-- query:changes-of-one-object -->\s*```sql\n(.*?)```", DOC.read_text(), re.DOTALL)
    assert match, "docs/mirror.md lost its change-table query"
    return match.group(1)


@pytest.mark.emulator
@pytest.mark.dag
@pytest.mark.slow
def test_the_documented_query_finds_what_changed_on_a_project(run_dag, emulator_conn, warehouse):
    from airflow.sdk import BaseHook

    emulator = emulator_conn
    dag = mirror_dag("wf_mirror_changes", warehouse, objects=["PROJ", "JRNLE"])
    forget_watermarks(dag)
    api = httpx.Client(base_url=f"{emulator.base_url}/attask/api/v21.0", headers={"apiKey": emulator.api_key})
    project = api.get("/PROJ/search", params={"fields": "ID,name", "$$LIMIT": 1}).json()["data"][0]
    since = datetime.now(timezone.utc) - timedelta(days=7)
    api.put(f"/PROJ/{project['ID']}", params={"updates": json.dumps({"name": "Renamed for the audit"})}
            ).raise_for_status()
    time.sleep(2.5)
    assert str(run_dag(dag, logical_date=None).state).endswith("success")

    hook = BaseHook.get_hook(warehouse)
    sql, params = documented_query(), {"project_id": project["ID"], "since": since.isoformat()}
    if hook.dialect_name == "postgresql" or "postgres" in str(getattr(hook, "conn_type", "")):
        sql = re.sub(r":(\w+)", r"%(\1)s", sql)
        params["since"] = since
    else:  # SQLite keeps timestamps as ISO 8601 UTC text, which compares as text
        params["since"] = since.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    rows = hook.get_records(sql, parameters=params)
    renamed = [r for r in rows if r[2] == "name"]
    assert renamed and renamed[-1][3] == project["name"] and renamed[-1][4] == "Renamed for the audit", rows
    forget_watermarks(dag)
