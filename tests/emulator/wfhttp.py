"""Assertions on Workfront-shaped answers, shared by the emulator tests."""

from __future__ import annotations

import httpx


def data(response: httpx.Response, status: int = 200):
    """The ``data`` of a successful answer (fails with the body when the status differs)."""
    assert response.status_code == status, response.text
    return response.json()["data"]


def error(response: httpx.Response, status: int) -> dict:
    """The ``error`` object of a failed answer, checked against fixtures/exception.json's shape."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}, body
    assert isinstance(body["error"]["class"], str) and isinstance(body["error"]["message"], str)
    return body["error"]
