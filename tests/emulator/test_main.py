"""The command line: ``python -m airflow_workfront.emulator`` prints its base URL when ready and serves."""

from __future__ import annotations

import subprocess
import sys

import httpx

from airflow_workfront.emulator.testing import free_port


def test_cli_prints_its_url_when_ready_and_serves_the_seed():
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "airflow_workfront.emulator", "--port", str(port), "--api-key", "cli-key",
         "--seed", "empty", "--seed-size", "30", "--control-api", "--shuffle-seed", "4",
         "--base-cost-ms", "250", "--row-cost-ms", "0.5", "--invented-rule", "delete_needs_force",
         "--time-zone", "Asia/Kolkata", "--event-drop-rate", "0.25", "--random-seed", "3"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert line.strip() == f"Workfront emulator ready at http://127.0.0.1:{port}", process.stderr.read()
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            answer = http.get("/attask/api/v21.0/task/count", headers={"apiKey": "cli-key"})
            assert answer.json() == {"data": {"count": 30}}
            assert answer.elapsed.total_seconds() >= 0.25  # the cost model's base
            assert http.get("/attask/api/v21.0/task/count", headers={"apiKey": "other"}).status_code == 401
            assert http.get("/_emulator/stats").status_code == 200
            assert http.get("/_emulator/order").json() == {"shuffle_seed": 4}
            assert http.get("/_emulator/rules").json()["enabled"] == ["delete_needs_force"]
            assert http.get("/_emulator/clock").json()["workfront"].endswith("+0530")
            assert http.get("/_emulator/event-deliveries").json()["drop_rate"] == 0.25
    finally:
        process.terminate()
        process.wait(timeout=10)
