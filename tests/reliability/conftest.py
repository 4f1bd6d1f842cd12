"""An emulator in its own process, for the heavy reliability tests (the client keeps its own core)."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time

import httpx
import pytest

from airflow_workfront.emulator.testing import EmulatorControl, free_port

API_KEY = "reliability-key"
CLOCK = "2026-03-02T10:00:00Z"


class ProcessEmulator:
    """``python -m airflow_workfront.emulator`` as a subprocess with the control API on."""

    def __init__(self, *args: str) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.api_key = API_KEY
        # A file, not a pipe: a pipe nobody reads would block the emulator once its buffer fills.
        self.log = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "airflow_workfront.emulator", "--port", str(self.port), "--api-key", API_KEY,
             "--control-api", "--clock", CLOCK, *args],
            stdout=self.log, stderr=subprocess.STDOUT, text=True,
        )
        deadline = time.monotonic() + 120
        while True:
            try:
                httpx.get(f"{self.base_url}/_emulator/clock", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.log.seek(0)
                    raise RuntimeError(f"emulator did not start: {self.log.read()[-2000:]}") from None
                time.sleep(0.1)
        self.control = EmulatorControl(self.base_url)

    def stop(self) -> None:
        self.control.close()
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


@pytest.fixture(scope="module")
def big_emulator():
    """50,000 tasks (with projects, issues, users, assignments, hours) in the hour before the clock."""
    emulator = ProcessEmulator("--seed", "empty", "--seed-size", "50000", "--random-seed", "7")
    yield emulator
    emulator.stop()


@pytest.fixture
def small_emulator():
    """A demo tenant in its own process, with OAuth2/IMS clients for auth tests."""
    emulator = ProcessEmulator("--seed", "demo", "--oauth-client", "cid:client-secret-value")
    yield emulator
    emulator.stop()
