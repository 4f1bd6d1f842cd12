"""pytest fixtures for testing DAGs and code against the emulator.

Load with ``pytest_plugins = ["airflow_workfront.emulator.pytest_plugin"]`` in a conftest.py.

Workfront promises no order for unsorted searches or for ties within a sort. To make code that
relies on one fail in tests, set ``workfront_shuffle_seed = 1`` in the pytest ini (or pass
``--workfront-shuffle-seed 1``): the ``emulator`` fixture then shuffles those results, seeded.
A module or conftest may override the ``workfront_shuffle_seed`` fixture instead.
"""

from __future__ import annotations

import json

import pytest

from airflow_workfront.emulator.testing import EmulatorServer

API_KEY = "test-key"
_SHUFFLE_OPTION = "workfront_shuffle_seed"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(_SHUFFLE_OPTION, "shuffle unsorted emulator results and sort ties with this seed (empty: off)",
                  default="")
    parser.addoption("--workfront-shuffle-seed", dest=_SHUFFLE_OPTION, default=None,
                     help="shuffle unsorted emulator results and sort ties with this seed (overrides the ini)")


def _seed_setting(text: str | None) -> int | None:
    if text is None or not str(text).strip():
        return None
    try:
        return int(text)
    except ValueError:
        raise pytest.UsageError(f"{_SHUFFLE_OPTION} must be a whole number, got {text!r}") from None


@pytest.fixture(scope="session")
def workfront_shuffle_seed(pytestconfig: pytest.Config) -> int | None:
    """The shuffle seed the ``emulator`` fixture applies: command line, else ini, else ``None`` (off)."""
    option = pytestconfig.getoption(_SHUFFLE_OPTION)
    return _seed_setting(option if option is not None else pytestconfig.getini(_SHUFFLE_OPTION))


@pytest.fixture(scope="session")
def workfront_emulator():
    """One emulator for the whole test session (demo seed, control API on)."""
    with EmulatorServer(api_key=API_KEY, seed="demo") as server:
        yield server


@pytest.fixture
def emulator(workfront_emulator, workfront_shuffle_seed):
    """The session's emulator, reset to the demo seed in its configured time zone, with faults and
    invented rules off, stats cleared and the result order set by ``workfront_shuffle_seed``."""
    control = workfront_emulator.control
    control.set_faults()
    control.set_order(workfront_shuffle_seed)
    control.set_invented_rules()
    control.set_time_zone(workfront_emulator.config.time_zone)  # before the reset: the seed's dates use it
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
