"""``scripts/multi_worker.py``: the sync DAG and the mirror, at once, on a CeleryExecutor deployment
with two workers, keep Workfront's 10-request limit (docs/workers.md).

The deployment takes minutes, so the test runs only when asked (``WORKFRONT_MULTIWORKER=1``,
which CI sets) and skips, saying what is missing, otherwise.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.emulator, pytest.mark.dag, pytest.mark.slow]

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "multi_worker.py"


def _missing() -> str | None:
    if os.environ.get("WORKFRONT_MULTIWORKER") != "1":
        return "takes minutes: set WORKFRONT_MULTIWORKER=1 to run it (or run scripts/multi_worker.py)"
    for module in ("airflow.providers.celery", "redis", "psycopg"):
        try:
            __import__(module)
        except ImportError:
            return f"{module} is not installed (pip install -e '.[dev]')"
    for name, port in (("PostgreSQL", 5432), ("Redis", 6379)):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
        except OSError:
            return f"{name} is not reachable on 127.0.0.1:{port}"
    return None


@pytest.mark.skipif(_missing() is not None, reason=_missing() or "")
def test_two_celery_workers_keep_the_limit_and_the_tables_are_exact():
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW")}
    done = subprocess.run([sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=1800)
    out = done.stdout
    assert done.returncode == 0, out[-4000:] + done.stderr[-4000:]
    table = out[out.index("\ncheck "):].splitlines()[2:]
    assert table and not [line for line in table if " NO " in line]
    assert next(line for line in table if line.startswith("429 answers")).split()[-1] == "0"
    assert next(line for line in table if line.startswith("mirror run state")).split()[-1] == "success"
