"""The cost model: an answer takes at least a base time plus a time per row it returns."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from airflow_workfront.emulator.cost import CostModel, rows_in
from airflow_workfront.emulator.errors import ApiError
from emulator.wfhttp import data, error


def timed(call) -> tuple[float, httpx.Response]:
    began = time.monotonic()
    response = call()
    return time.monotonic() - began, response


def test_the_model_adds_a_cost_per_row_to_the_base():
    model = CostModel(200, 0.5)
    assert model.seconds(0) == pytest.approx(0.2)
    assert model.seconds(2000) == pytest.approx(1.2)
    assert not CostModel().active and model.active
    with pytest.raises(ApiError, match="negative"):
        CostModel(-1, 0)


def test_rows_are_counted_from_the_answer():
    assert rows_in(b'{"data": [{"ID": "a"}, {"ID": "b", "tasks": [{"ID": "c"}]}]}') == 2
    assert rows_in(b'{"data": {"ID": "a"}}') == 1
    assert rows_in(b'{"data": {"a": {"ID": "a"}, "b": {"ID": "b"}}}') == 2  # map=true
    assert rows_in(b'{"data": {"CPL": {"dcount_ID": 1}, "NEW": {"dcount_ID": 4}}}') == 1  # a report
    assert rows_in(b'{"error": {"class": "x", "message": "y"}}') == 0
    assert rows_in(b"<html>") == 0


def test_an_answer_waits_for_its_rows(wf, emulator):
    emulator.control.set_faults(row_cost_ms=30)
    many, answer = timed(lambda: wf.get("/task/search", params={"$$LIMIT": 60, "ID_Sort": "asc"}))
    assert len(data(answer)) == 60
    assert many >= 60 * 0.030
    one, answer = timed(lambda: wf.get("/task/search", params={"$$LIMIT": 1, "ID_Sort": "asc"}))
    assert len(data(answer)) == 1
    assert one < many / 2  # the cost follows the rows, not the request


def test_the_base_applies_to_errors_too(wf, emulator):
    emulator.control.set_faults(base_cost_ms=300)
    took, answer = timed(lambda: wf.get("/nosuchobject/search"))
    error(answer, 400)
    assert took >= 0.3


def test_a_request_stays_in_flight_while_it_waits(wf, emulator):
    emulator.control.set_faults(base_cost_ms=600, concurrency_limit=1)
    slow = threading.Thread(target=lambda: wf.get("/task/count"))
    slow.start()
    time.sleep(0.2)
    refused = wf.get("/task/count")
    slow.join()
    assert error(refused, 429)["class"] == "com.attask.common.TooManyRequestsException"


def test_the_control_api_refuses_a_negative_cost(emulator):
    with pytest.raises(RuntimeError, match="negative"):
        emulator.control.set_faults(row_cost_ms=-0.5)
