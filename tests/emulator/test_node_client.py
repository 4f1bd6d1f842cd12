"""The official Workfront Node client (npm ``workfront-api``) against the emulator: its ordinary
calls, sent the way Workfront's own client sends them, all pass.

The client is a reading of the API that no one here wrote. ``node/driver.js`` runs its calls and
prints what each answered; this test starts the emulator, installs the client with npm into a
cache directory outside the repository (``WF_NODE_CLIENT_DIR``, default
``~/.cache/airflow-provider-workfront/workfront-api-<version>``) once, and checks every answer.
It skips, saying why, when node or npm is missing or npm cannot install the client.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

CLIENT_VERSION = "6.2.0"
DRIVER = Path(__file__).parent / "node" / "driver.js"


def _client_dir() -> Path:
    default = Path.home() / ".cache" / "airflow-provider-workfront" / f"workfront-api-{CLIENT_VERSION}"
    return Path(os.environ.get("WF_NODE_CLIENT_DIR") or default)


@pytest.fixture(scope="module")
def node_modules() -> Path:
    """The ``node_modules`` folder holding ``workfront-api``, installed by npm on first use."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.skip("node and npm are needed to run the official Workfront Node client")
    folder = _client_dir()
    installed = folder / "node_modules" / "workfront-api" / "package.json"
    if not installed.exists():
        folder.mkdir(parents=True, exist_ok=True)
        try:
            done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--no-save", "--prefix", str(folder),
                                   f"workfront-api@{CLIENT_VERSION}"], capture_output=True, text=True, timeout=300)
        except subprocess.TimeoutExpired:
            pytest.skip("npm did not install workfront-api within 300 s")
        if done.returncode != 0 or not installed.exists():
            pytest.skip(f"npm could not install workfront-api@{CLIENT_VERSION}: {done.stderr.strip()[-300:]}")
    assert json.loads(installed.read_text())["version"] == CLIENT_VERSION
    return folder / "node_modules"


@pytest.fixture(scope="module")
def node_results(workfront_emulator, node_modules) -> dict:
    """Every step of the driver, run once against a fresh demo tenant (the tests read its results)."""
    emulator = workfront_emulator
    emulator.control.set_faults()
    emulator.control.set_order(None)
    emulator.control.reset("demo")
    auth = emulator.config.auth
    run = subprocess.run(["node", str(DRIVER), emulator.base_url, emulator.api_key, auth.username, auth.password],
                         capture_output=True, text=True, timeout=120, env={**os.environ, "NODE_PATH": str(node_modules)})
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    assert "driverFailed" not in results, results.get("driverFailed")
    return results


def _value(results: dict, step: str):
    outcome = results[step]
    assert outcome["ok"], f"{step}: {outcome['error']}"
    return outcome["value"]


def test_reads_search_get_several_ids_and_the_current_user(node_results):
    [project] = _value(node_results, "search")
    assert project["name"] == "Project A" and project["status"] == "CUR"
    tasks = _value(node_results, "searchPost")  # POST with method=GET
    assert [t["ID"] for t in tasks] == sorted(t["ID"] for t in tasks) and len(tasks) == 3
    assert {t["DE:Effort"] for t in tasks} <= {"S", "M", "L"}
    several = _value(node_results, "getSeveral")
    assert [t["ID"] for t in several] == [tasks[0]["ID"], tasks[1]["ID"]]
    assert _value(node_results, "getMe")["username"] == "admin@example.com"


def test_writes_create_edit_and_edit_multiple(node_results):
    created = _value(node_results, "create")
    assert created["name"] == "from node" and created["status"] == "NEW"
    edited = _value(node_results, "edit")
    assert (edited["ID"], edited["name"], edited["DE:Effort"]) == (created["ID"], "edited from node", "L")
    assert [t["priority"] for t in _value(node_results, "editMultiple")] == [3, 3]


def test_batches_atomic_and_not(node_results):
    count, one, found = _value(node_results, "batch")
    created = _value(node_results, "create")
    assert count == {"count": 6}
    assert one["name"] == "edited from node" and [t["ID"] for t in found] == [created["ID"]]
    assert _value(node_results, "batchAtomic") is None  # the client resolves an atomic success to undefined
    assert _value(node_results, "markedDone")["status"] == "CPL"


def test_actions_and_copy(node_results):
    assert _value(node_results, "calculateTimeline") == {"result": None}
    assert _value(node_results, "move") == {"result": None}
    assert _value(node_results, "moved")["projectID"] == _value(node_results, "otherProject")[0]["ID"]
    copy = _value(node_results, "copy")
    assert copy["name"] == "Project A (copy)"
    assert _value(node_results, "count") == 10  # the copy brought Project A's ten tasks


def test_count_report_and_named_query(node_results):
    report = _value(node_results, "report")
    assert set(report) == {"NEW", "INP", "CPL"} and sum(g["count_ID"] for g in report.values()) == 71
    created = _value(node_results, "create")
    assert [t["ID"] for t in _value(node_results, "namedQuery")] == [created["ID"]]
    assert _value(node_results, "unsupportedCount") == 6


def test_metadata_of_the_api_and_of_an_object(node_results):
    objects = _value(node_results, "metadata")["objects"]
    assert objects["Project"]["objCode"] == "PROJ" and objects["Task"]["objCode"] == "TASK"
    described = _value(node_results, "objectMetadata")
    assert described["objCode"] == "PROJ" and "plannedStartDate" in described["fields"]


def test_remove_and_errors(node_results):
    assert _value(node_results, "removeTask") is None and _value(node_results, "removeProject") is None
    assert node_results["goneProject"]["error"]["status"] == 404
    assert node_results["error"] == {"ok": False, "error": {
        "status": 404, "message": 'Task with primary key value(s) "ffffffffffffffffffffffffffffffff" not found'}}
    assert node_results["badField"]["error"]["status"] == 400
    assert "noSuchField" in node_results["badField"]["error"]["message"]


def test_session_login_and_logout(node_results):
    assert len(_value(node_results, "login")["userID"]) == 32
    assert _value(node_results, "sessionSearch") == 4
    assert _value(node_results, "logout") is None
