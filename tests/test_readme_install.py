"""The README's install lines, run verbatim in an empty virtualenv, then its first DAG.

The commands come out of README.md itself (between ``<!-- install:begin -->`` and
``<!-- install:end -->``), so the README and this test cannot drift apart. The slow test runs them
with ``bash -e`` in a temporary folder that holds a copy of the checkout's tracked files as
``airflow-provider-workfront/``, as the README asks, with no Airflow installed and nothing of this
checkout on the import path. It then starts the emulator from that virtualenv, runs the README's
first DAG with ``airflow dags test`` into SQLite, and compares the warehouse with Workfront.

One thing differs from a user's shell, and the README provides for it: this machine cannot reach
GitHub, where Airflow publishes its constraints files, so ``CONSTRAINTS`` names a local file. That
file pins what the test venv resolved for the same Airflow version (``pip freeze`` of the running
interpreter), which is what a constraints file is.

The slow test needs PyPI (or a pip cache) and a few minutes: it runs under ``make test-readme``
(``WF_TEST_README_INSTALL=1``), which CI runs; plain ``make test`` runs only the fast checks.
"""

from __future__ import annotations

import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
API_KEY = "readme-test-key"
#: The first DAG's hourly run whose interval ends here (``airflow dags test`` takes that end).
INTERVAL_END = "2026-03-02T11:00:00+00:00"
AFTER_END = "2026-03-02T11:05:00Z"


def install_block() -> str:
    """The bash lines between the README's install markers."""
    match = re.search(r"<!-- install:begin[^>]*-->\s*```bash\n(.*?)```\s*<!-- install:end -->", README, re.DOTALL)
    assert match, "README.md lacks the install block between <!-- install:begin --> and <!-- install:end -->"
    return match.group(1)


def first_dag() -> str:
    """The Python code of the README's "A first DAG" section."""
    section = README.split("## A first DAG", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match, "README.md's 'A first DAG' section has no python block"
    return match.group(1)


def _make_variable(name: str) -> str:
    match = re.search(rf"^{name} \?= *(\S+)$", (ROOT / "Makefile").read_text(), re.MULTILINE)
    assert match, f"Makefile lacks {name}"
    return match.group(1)


# -- fast checks: what the block must say --------------------------------------------------------

def test_the_install_block_pins_the_airflow_ci_tests_and_uses_its_constraints():
    block = install_block()
    assert f"AIRFLOW_VERSION={_make_variable('AIRFLOW_VERSION')}" in block
    assert '--constraint "${CONSTRAINTS}"' in block
    assert "constraints-${AIRFLOW_VERSION}/constraints-${PYTHON_VERSION}.txt" in block
    # the provider's install names Airflow again, so pip leaves it alone
    provider_line = next(line for line in block.splitlines() if "airflow-provider-workfront[" in line)
    assert '"apache-airflow==${AIRFLOW_VERSION}"' in provider_line


def test_the_install_block_names_the_extras_the_quick_start_needs():
    extras = re.search(r"airflow-provider-workfront\[([^\]]+)\]", install_block()).group(1).split(",")
    assert "sqlite" in extras and "emulator" in extras
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        tomllib = pytest.importorskip("tomli")
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert any(dep.startswith("apache-airflow-providers-sqlite") for dep in declared["sqlite"])
    assert any(dep.startswith("apache-airflow-providers-postgres") for dep in declared["postgres"])


def test_the_first_dag_writes_to_sqlite_through_a_connection_the_test_can_set():
    code = first_dag()
    assert re.search(r'sql_conn_id="(\w+)"', code), "the first DAG should name its warehouse connection"
    assert re.search(r'DAG\(\s*"(\w+)"|dag_id="(\w+)"', code), "the first DAG should have a literal dag_id"


# -- the slow test: the block, verbatim ----------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _copy_checkout(target: Path) -> None:
    """The committed tree (what a clone holds), without .venv, build output or work in progress."""
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", "--format=tar", "HEAD"], cwd=ROOT, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)


def _local_constraints(path: Path) -> None:
    """What this interpreter resolved for the pinned Airflow, minus the provider itself."""
    frozen = subprocess.run([sys.executable, "-m", "pip", "freeze", "--exclude-editable"], check=True,
                            capture_output=True, text=True).stdout
    keep = [line for line in frozen.splitlines()
            if line and not line.startswith(("-e ", "#")) and "airflow-provider-workfront" not in line
            and "airflow_provider_workfront" not in line and " @ " not in line]
    path.write_text("\n".join(keep) + "\n")


def _run(cmd: list[str] | str, env: dict, cwd: Path, timeout: int, log: Path, shell: bool = False) -> None:
    with log.open("w") as out:
        done = subprocess.run(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, timeout=timeout,
                              shell=shell, executable="/bin/bash" if shell else None)
    if done.returncode != 0:
        pytest.fail(f"{cmd if isinstance(cmd, str) else ' '.join(cmd)} failed ({done.returncode}):\n"
                    + "\n".join(log.read_text().splitlines()[-60:]))


def _get(url: str) -> dict:
    request = urllib.request.Request(url, headers={"apiKey": API_KEY})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("WF_TEST_README_INSTALL") != "1",
                    reason="installs Airflow into a fresh virtualenv (minutes, needs PyPI): make test-readme runs it")
def test_the_readme_install_lines_then_its_first_dag_against_the_emulator(tmp_path):
    work = tmp_path
    _copy_checkout(work / "airflow-provider-workfront")
    constraints = work / "constraints.txt"
    _local_constraints(constraints)
    venv_bin = str(Path(sys.executable).parent)
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p and p != venv_bin)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV") and not k.startswith("AIRFLOW")}
    env.update(PATH=path, CONSTRAINTS=str(constraints), PIP_DISABLE_PIP_VERSION_CHECK="1")
    _run("set -euo pipefail\n" + install_block(), env, work, 1500, work / "install.log", shell=True)

    bin_dir = work / "airflow-venv" / "bin"
    located = subprocess.run([str(bin_dir / "python"), "-c", "import airflow_workfront; print(airflow_workfront.__file__)"],
                             cwd=work, env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert located.startswith(str(work / "airflow-venv")), f"the provider imports from {located}, not the new venv"

    code = first_dag()
    dag_id = next(g for g in re.search(r'DAG\(\s*"(\w+)"|dag_id="(\w+)"', code).groups() if g)
    conn_id = re.search(r'sql_conn_id="(\w+)"', code).group(1)
    dags = work / "dags"
    dags.mkdir()
    (dags / "first_dag.py").write_text(code)
    port = _free_port()
    warehouse = work / "warehouse.db"
    env.update(
        AIRFLOW_HOME=str(work / "airflow"), AIRFLOW__CORE__DAGS_FOLDER=str(dags), AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW_CONN_WORKFRONT_DEFAULT=json.dumps({"conn_type": "workfront", "host": f"http://127.0.0.1:{port}",
                                                   "password": API_KEY}),
        **{f"AIRFLOW_CONN_{conn_id.upper()}": json.dumps({"conn_type": "sqlite", "host": str(warehouse)})},
    )
    # The demo seed is dated in the hour before the emulator's clock: freeze it at the end of the
    # DAG's interval while seeding, then move it past the end (and the sync's margin) so the window closes.
    emulator = subprocess.Popen([str(bin_dir / "python"), "-m", "airflow_workfront.emulator", "--port", str(port),
                                 "--api-key", API_KEY, "--seed", "demo", "--control-api", "--clock", INTERVAL_END],
                                cwd=work, env=env,
                                stdout=(work / "emulator.log").open("w"), stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}/attask/api/v21.0"
        for _ in range(120):
            try:
                _get(f"{base}/task/count")
                break
            except OSError:
                assert emulator.poll() is None, (work / "emulator.log").read_text()
                time.sleep(0.5)
        clock = urllib.request.Request(f"http://127.0.0.1:{port}/_emulator/clock", method="POST",
                                       data=json.dumps({"now": AFTER_END}).encode(),
                                       headers={"Content-Type": "application/json"})
        urllib.request.urlopen(clock, timeout=10).close()
        _run([str(bin_dir / "airflow"), "db", "migrate"], env, work, 600, work / "migrate.log")
        _run([str(bin_dir / "airflow"), "pools", "set", "workfront_api", "10", "Workfront"], env, work, 120,
             work / "pool.log")
        _run([str(bin_dir / "airflow"), "dags", "test", dag_id, INTERVAL_END], env, work, 900,
             work / "dags-test.log")
        expected = _get(f"{base}/task/count")["data"]["count"]
    finally:
        emulator.terminate()
        emulator.wait(timeout=30)
    with sqlite3.connect(warehouse) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        task_table = next(t for t in tables if t.endswith("_task") or t == "wf_task")
        stored = db.execute(f'SELECT COUNT(*) FROM "{task_table}"').fetchone()[0]
    assert expected > 0 and stored == expected, f"{task_table} holds {stored} tasks, Workfront {expected}"
