"""The mirror against the emulator: every table equals Workfront after runs under concurrent edits.

Another process (tests/mirror/editor.py) edits, creates and deletes objects of several types through
the Workfront API, custom fields included, while the first run reads. After a second run, each
table's live rows are compared with Workfront: the same IDs, the same version (the date field),
the same custom-field values. On SQLite and on a real PostgreSQL, in each mode.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx
import pytest

from airflow_workfront.client.dates import parse_wf_datetime
from airflow_workfront.sync.window import iso_ms

MIRRORED = ["PROJ", "TASK", "OPTASK", "HOUR", "ASSGN", "USER", "TEAMOB", "PORT", "PRGM", "NOTE", "DOCU", "JRNLE",
            "CTGY", "PARAM"]
#: Custom fields the demo seed's forms give these types, compared value for value.
CUSTOM = {"PROJ": ["DE:Budget", "DE:Region"], "TASK": ["DE:Effort"]}
EDITOR = Path(__file__).with_name("editor.py")


def mirror_dag(dag_id: str, conn_id: str | None, mode: str = "upsert", objects=MIRRORED, **kwargs):
    from airflow.sdk import DAG, CronDataIntervalTimetable

    from airflow_workfront.mirror import WorkfrontMirror

    with DAG(dag_id, schedule=CronDataIntervalTimetable("@hourly", timezone="UTC"),
             start_date=datetime(2026, 1, 1, tzinfo=timezone.utc), catchup=False) as dag:
        WorkfrontMirror(sql_conn_id=conn_id, objects=objects, mode=mode, task_kwargs={"margin": 1}, **kwargs)
    return dag


def forget_watermarks(dag) -> None:
    from airflow.models.variable import Variable

    from airflow_workfront.sync.watermark import watermark_key

    for task_id in dag.task_dict:
        Variable.delete(watermark_key(dag.dag_id, task_id))


def workfront_state(emulator, code: str) -> dict[str, tuple]:
    """ID -> (version, custom values...) of every object of ``code``, through the API."""
    from airflow_workfront.client.objects import date_field_for

    date_field = None if code == "TEAMOB" else date_field_for(code)
    fields = ["ID", *([date_field] if date_field else []), *CUSTOM.get(code, [])]
    rows = httpx.get(f"{emulator.base_url}/attask/api/v21.0/{code}/search", headers={"apiKey": emulator.api_key},
                     params={"fields": ",".join(fields), "$$LIMIT": 2000}, timeout=30).json()["data"]
    return {r["ID"]: tuple(_norm(r.get(f)) for f in fields[1:]) for r in rows}


def table_state(hook, table: str, code: str, mode: str) -> dict[str, tuple]:
    """ID -> (version, custom values...) of the table's live rows, found through its column map."""
    from airflow_workfront.client.objects import date_field_for

    named = dict(hook.get_records(f'SELECT field, column_name FROM "{table}_wf_columns"'))
    date_field = None if code == "TEAMOB" else date_field_for(code)
    fields = [*([date_field] if date_field else []), *CUSTOM.get(code, [])]
    live = {"upsert": "", "soft_delete": ' WHERE NOT "_wf_deleted"', "history": ' WHERE "_wf_current"'}[mode]
    if code == "TEAMOB" and mode == "history":
        live = ' WHERE NOT "_wf_deleted"'  # teams keep soft deletes in history mode (no date to version)
    columns = ", ".join(f'"{named[f]}"' for f in ["ID", *fields])
    rows = hook.get_records(f'SELECT {columns} FROM "{table}"{live}')
    return {r[0]: tuple(_norm(v) for v in r[1:]) for r in rows}


def _norm(value):
    """Dates as ISO UTC milliseconds, numbers as floats, the rest as text: both sides compare alike."""
    if isinstance(value, datetime):
        return iso_ms(value)
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            return iso_ms(parse_wf_datetime(value))
        except ValueError:
            return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    try:
        return float(value)  # NUMERIC columns come back as Decimal
    except (TypeError, ValueError):
        return value


@pytest.mark.emulator
@pytest.mark.dag
@pytest.mark.slow
@pytest.mark.parametrize("mode", ["upsert", "soft_delete", "history"])
def test_every_table_equals_workfront_after_runs_under_concurrent_edits(run_dag, emulator_conn, warehouse, mode):
    from airflow.providers.common.sql.hooks.sql import DbApiHook
    from airflow.sdk import BaseHook

    emulator = emulator_conn
    dag = mirror_dag(f"wf_mirror_exact_{mode}", warehouse, mode)
    forget_watermarks(dag)
    time.sleep(1.5)  # the seed is older than the 1 s margin
    editor = subprocess.Popen([sys.executable, str(EDITOR), emulator.base_url, emulator.api_key, "8", "7"],
                              stdout=subprocess.PIPE, text=True)
    try:
        first = run_dag(dag, logical_date=None)  # reads while the editor works
    finally:
        out, _ = editor.communicate(timeout=120)
    did = json.loads(out.strip().splitlines()[-1])
    assert did["edits"] and did["creates"] and did["deletes"] and did["custom"], did
    assert str(first.state).endswith("success")
    time.sleep(2.5)  # the last edit is older than the margin (and Date's 1 s resolution)
    second = run_dag(dag, logical_date=None)
    assert str(second.state).endswith("success")

    hook = BaseHook.get_hook(warehouse)
    assert isinstance(hook, DbApiHook)
    for code in MIRRORED:
        expected, stored = workfront_state(emulator, code), table_state(hook, f"wf_{code.lower()}", code, mode)
        assert expected, code
        missing, extra = expected.keys() - stored.keys(), stored.keys() - expected.keys()
        stale = {k: (expected[k], stored[k]) for k in expected.keys() & stored.keys() if expected[k] != stored[k]}
        assert not (missing or extra or stale), (code, did, sorted(missing)[:5], sorted(extra)[:5], list(stale.items())[:5])
    forget_watermarks(dag)


@pytest.mark.emulator
@pytest.mark.dag
@pytest.mark.slow
def test_a_custom_field_created_between_two_runs_becomes_a_typed_column(run_dag, emulator_conn, tmp_path, monkeypatch):
    from airflow.sdk import BaseHook

    emulator = emulator_conn
    monkeypatch.setenv("AIRFLOW_CONN_MIRROR_CF", json.dumps({"conn_type": "sqlite", "host": str(tmp_path / "cf.db")}))
    dag = mirror_dag("wf_mirror_custom_field", "mirror_cf", objects=["TASK"])
    forget_watermarks(dag)
    time.sleep(1.5)
    assert str(run_dag(dag, logical_date=None).state).endswith("success")
    hook = BaseHook.get_hook("mirror_cf")
    assert "DE:Risk score" not in dict(hook.get_records('SELECT field, column_name FROM "wf_task_wf_columns"'))

    api = httpx.Client(base_url=f"{emulator.base_url}/attask/api/v21.0", headers={"apiKey": emulator.api_key})
    (form,) = api.get("/CTGY/search", params={"catObjCode": "TASK", "fields": "ID"}).json()["data"]
    param = api.post("/PARAM", params={"updates": json.dumps({"name": "Risk score", "dataType": "NMBR",
                                                                "displayType": "TEXT"})}).json()["data"]
    api.post("/CTGYPA", params={"updates": json.dumps({"categoryID": form["ID"], "parameterID": param["ID"]})}
             ).raise_for_status()
    task = api.get("/TASK/search", params={"fields": "ID", "$$LIMIT": 1}).json()["data"][0]
    api.put(f"/TASK/{task['ID']}", params={"updates": json.dumps({"DE:Risk score": 7})}).raise_for_status()
    time.sleep(2.5)
    assert str(run_dag(dag, logical_date=None).state).endswith("success")

    kinds = {r[0]: (r[1], r[2]) for r in hook.get_records('SELECT field, column_name, kind FROM "wf_task_wf_columns"')}
    assert kinds["DE:Risk score"] == ("de_risk_score", "number")
    assert hook.get_records(f"SELECT de_risk_score FROM wf_task WHERE id = '{task['ID']}'") == [(7,)]
    forget_watermarks(dag)
