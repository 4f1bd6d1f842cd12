"""Plain-HTTP helpers for the emulator's conformance tests (never our own client)."""

from __future__ import annotations

import httpx
import pytest

API = "/attask/api/v21.0"


@pytest.fixture
def wf(emulator):
    """An httpx client on the emulator's API root, authenticated with the API key header."""
    with httpx.Client(base_url=f"{emulator.base_url}{API}", headers={"apiKey": emulator.api_key}, timeout=30) as client:
        yield client


@pytest.fixture
def anon(emulator):
    """An httpx client on the emulator's API root without credentials."""
    with httpx.Client(base_url=f"{emulator.base_url}{API}", timeout=30) as client:
        yield client

