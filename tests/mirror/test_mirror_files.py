"""The mirror into object storage: the same group with ``path=``, files per type and window."""

from __future__ import annotations

import gzip
import json
import time

import pytest
from test_mirror_emulator import forget_watermarks, mirror_dag


@pytest.mark.emulator
@pytest.mark.dag
@pytest.mark.slow
def test_the_mirror_writes_every_type_as_files(run_dag, emulator_conn, tmp_path):
    emulator = emulator_conn
    base = tmp_path / "lake"
    dag = mirror_dag("wf_mirror_files", None, objects=["PROJ", "TASK", "TEAMOB", "JRNLE"], path=f"file://{base}")
    forget_watermarks(dag)
    time.sleep(1.5)
    assert str(run_dag(dag, logical_date=None).state).endswith("success")
    for code in ("PROJ", "TASK", "TEAMOB", "JRNLE"):
        ids = set()
        for part in (base / code).rglob("part-*.jsonl.gz"):
            with gzip.open(part, "rt") as lines:
                ids |= {json.loads(line)["ID"] for line in lines}
        assert ids == {o["ID"] for o in emulator.control.list_objects(code)}, code
        assert list((base / code).rglob("_manifest.json")), code
    forget_watermarks(dag)
