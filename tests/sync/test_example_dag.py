"""One ``dag.test()`` run of ``example_workfront_sync`` against the emulator, into SQLite."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from test_contract_emulator import Control

pytestmark = [pytest.mark.emulator, pytest.mark.dag, pytest.mark.slow]

UTC = timezone.utc
DAG_FILE = Path(__file__).resolve().parents[2] / "example_dags" / "example_workfront_sync.py"
START = datetime(2026, 3, 2, 9, tzinfo=UTC)
END = START + timedelta(hours=1)


def test_example_dag_syncs_one_window(run_dag, emulator, emulator_conn, monkeypatch, tmp_path):
    from airflow.models.pool import Pool
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    ctl = Control(emulator.base_url)
    ctl.clock(END)  # the seed's timestamps fall in the hour before the emulator clock
    ctl.call("POST", "reset", {"seed": "demo"})
    ctl.clock(END + timedelta(minutes=1))
    warehouse = tmp_path / "warehouse.db"
    monkeypatch.setenv("AIRFLOW_CONN_WORKFRONT_WAREHOUSE", json.dumps({"conn_type": "sqlite", "host": str(warehouse)}))
    Pool.create_or_update_pool("workfront_api", 10, "Workfront API", include_deferred=False)

    spec = importlib.util.spec_from_file_location("example_workfront_sync", DAG_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    dag_run = run_dag(module.dag, logical_date=END)

    assert (dag_run.data_interval_start, dag_run.data_interval_end) == (START, END)
    assert str(dag_run.state).endswith("success")
    with create_session() as session:
        xcoms = session.query(XComModel).filter(XComModel.run_id == dag_run.run_id, XComModel.key == "return_value")
        summaries = {x.task_id: (json.loads(x.value) if isinstance(x.value, str) else x.value) for x in xcoms}
    assert set(summaries) == {"sync_proj", "sync_task", "sync_optask", "sync_hour", "sync_jrnle"}
    with sqlite3.connect(warehouse) as db:
        for obj_code in ("PROJ", "TASK", "OPTASK", "HOUR", "JRNLE"):
            rows = {r[0] for r in db.execute(f"SELECT ID FROM wf_{obj_code.lower()}")}
            assert rows == ctl.ids(obj_code), obj_code
            assert summaries[f"sync_{obj_code.lower()}"]["upserted"] == len(rows) > 0
