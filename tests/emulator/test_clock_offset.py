"""The emulator's clock can run apart from the caller's, and its ``Date`` header shows that clock.

Sync tests skew "Workfront's" clock this way; a client learns that clock from the ``Date`` header,
so the header must come from the emulator's clock, not from the web server's real time.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import httpx
import pytest

from airflow_workfront.emulator.__main__ import parse_args
from airflow_workfront.emulator.testing import EmulatorProcess

pytestmark = pytest.mark.emulator


def _dates(base_url: str, api_key: str) -> tuple[list[str], float]:
    """The Date headers of one API answer, and the local time it arrived."""
    response = httpx.get(f"{base_url}/attask/api/v21.0/task/count", headers={"apiKey": api_key})
    assert response.status_code == 200, response.text
    return response.headers.get_list("date"), time.time()


def _skew(date_header: str, local: float) -> float:
    """Seconds the header's clock is ahead of ``local`` (1 s resolution)."""
    return parsedate_to_datetime(date_header).timestamp() - local


def test_cli_clock_offset_shows_in_the_single_date_header():
    with EmulatorProcess("--seed", "empty", "--clock-offset", "-30") as emu:
        dates, local = _dates(emu.base_url, emu.api_key)
        clock = emu.control._call("GET", "/clock")
    assert len(dates) == 1  # uvicorn's real-time Date is switched off, not sent twice
    assert -32 < _skew(dates[0], local) <= -29
    assert clock["offset_seconds"] == -30 and clock["frozen"] is False


def test_control_api_sets_the_offset_and_date_follows(emulator):
    emulator.control.set_clock_offset(300)
    dates, local = _dates(emulator.base_url, emulator.api_key)
    assert 298 < _skew(dates[0], local) <= 301
    emulator.control.set_clock_offset(-300)
    dates, local = _dates(emulator.base_url, emulator.api_key)
    assert -302 < _skew(dates[0], local) <= -299


def test_a_frozen_clock_is_the_date_of_every_answer(emulator):
    emulator.control.set_clock("2026-03-02T09:00:00.750Z")
    dates, _ = _dates(emulator.base_url, emulator.api_key)
    assert parsedate_to_datetime(dates[0]) == datetime(2026, 3, 2, 9, tzinfo=timezone.utc)  # truncated to the second


def test_refused_answers_carry_the_clock_too(emulator):
    emulator.control.set_clock_offset(-60)
    response = httpx.get(f"{emulator.base_url}/attask/api/v21.0/task/count", headers={"apiKey": "wrong"})
    assert response.status_code == 401
    assert -62 < _skew(response.headers["date"], time.time()) <= -59


@pytest.mark.parametrize("bad", ['"x"', "null", "true", "1e400", "NaN"])
def test_control_api_refuses_an_offset_that_is_not_a_finite_number(emulator, bad):
    response = httpx.post(f"{emulator.base_url}/_emulator/clock", content=f'{{"offset_seconds": {bad}}}')
    assert response.status_code == 400
    assert "offset_seconds must be a finite number of seconds" in response.json()["error"]["message"]


def test_cli_refuses_an_infinite_offset(capsys):
    with pytest.raises(SystemExit):
        parse_args(["--clock-offset", "nan"])
    assert "must be a finite number of seconds" in capsys.readouterr().err
