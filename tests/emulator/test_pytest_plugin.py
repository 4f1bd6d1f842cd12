"""The pytest fixtures the plugin gives to users' tests."""

from __future__ import annotations

import json
import os

import httpx


def test_emulator_fixture_resets_data_and_clock(emulator):
    control = emulator.control
    control.set_clock("2031-01-01T00:00:00Z")
    control.reset("empty")
    # What the next test sees is prepared by the fixture; emulate its steps through the plugin's own code.
    from airflow_workfront.emulator import pytest_plugin

    fixture = pytest_plugin.emulator.__wrapped__(emulator, 5)
    server = next(fixture)
    assert server is emulator
    assert httpx.get(f"{emulator.base_url}/_emulator/order").json() == {"shuffle_seed": 5}
    with httpx.Client(base_url=emulator.base_url, headers={"apiKey": emulator.api_key}) as http:
        assert http.get("/attask/api/v21.0/task/count").json()["data"]["count"] == 60
    assert not control.clock_now().startswith("2031")


def test_emulator_conn_points_workfront_default_at_the_server(emulator_conn):
    conn = json.loads(os.environ["AIRFLOW_CONN_WORKFRONT_DEFAULT"])
    assert conn == {"conn_type": "workfront", "host": emulator_conn.base_url, "password": emulator_conn.api_key}


def test_the_project_runs_its_emulator_tests_with_shuffled_order(emulator, workfront_shuffle_seed):
    # pyproject.toml's workfront_shuffle_seed: code relying on an unpromised order fails in this suite.
    assert workfront_shuffle_seed == 13
    assert httpx.get(f"{emulator.base_url}/_emulator/order").json() == {"shuffle_seed": 13}


def test_the_shuffle_setting_is_off_when_empty_and_refused_when_not_a_number():
    import pytest

    from airflow_workfront.emulator.pytest_plugin import _seed_setting

    assert _seed_setting("") is None and _seed_setting(None) is None
    assert _seed_setting(" 7 ") == 7
    with pytest.raises(pytest.UsageError, match="workfront_shuffle_seed.*'seven'"):
        _seed_setting("seven")
