"""pytest fixtures for testing DAGs and code against the emulator.

Load with ``pytest_plugins = ["airflow_workfront.emulator.pytest_plugin"]`` in a conftest.py.
"""

from __future__ import annotations

import json

import pytest

from airflow_workfront.emulator.testing import EmulatorServer

API_KEY = "test-key"


@pytest.fixture(scope="session")
def workfront_emulator():
    """One emulator for the whole test session (demo seed, control API on)."""
    with EmulatorServer(api_key=API_KEY, seed="demo") as server:
        yield server


@pytest.fixture
def emulator(workfront_emulator):
    """The session's emulator, reset to the demo seed, with faults off and stats cleared."""
    control = workfront_emulator.control
    control.set_faults()
    workfront_emulator.emulator.clock.reset()  # a test that moved the clock must not move the next one's
    control.reset("demo")
    workfront_emulator.emulator.config.concurrency_limit = 10
    yield workfront_emulator


@pytest.fixture
def emulator_conn(emulator, monkeypatch):
    """``workfront_default`` pointed at the emulator (through AIRFLOW_CONN_WORKFRONT_DEFAULT)."""
    conn = {"conn_type": "workfront", "host": emulator.base_url, "password": emulator.api_key}
    monkeypatch.setenv("AIRFLOW_CONN_WORKFRONT_DEFAULT", json.dumps(conn))
    yield emulator
