"""What the emulator's route modules need of the parts that own them, as typing protocols.

The control API needs the tenant (its store, clock, faults...), and a batch needs the API that
answers each of its calls. Naming those needs here, instead of importing the application or the
API module, keeps the imports one-way: ``app`` imports ``control``, ``api`` imports ``batch``, and
neither is imported back.
"""

from __future__ import annotations

from typing import Protocol
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import Response

from airflow_workfront.emulator.auth import AuthState
from airflow_workfront.emulator.churn import Churn
from airflow_workfront.emulator.eventsubs import EventSubscriptions
from airflow_workfront.emulator.ordering import ResultOrder
from airflow_workfront.emulator.rules import InventedRules
from airflow_workfront.emulator.settings import EmulatorConfig, Faults, Stats
from airflow_workfront.emulator.store import Clock, Store


class Tenant(Protocol):
    """One emulated tenant, as the control API drives it."""

    config: EmulatorConfig
    clock: Clock
    zone: ZoneInfo
    faults: Faults
    stats: Stats
    rules: InventedRules
    order: ResultOrder
    auth: AuthState
    store: Store
    event_subscriptions: EventSubscriptions | None

    @property
    def churn(self) -> Churn:
        """Edits and deletes between searches (a fault)."""
        ...

    def reset(self, seed: str = "demo", size: int = 0, random_seed: int = 0) -> None:
        """Replace the tenant's data with a fresh seed."""
        ...


class CallAnswerer(Protocol):
    """The API as a batch uses it: answer one call, raising or answering its error."""

    store: Store

    async def answer(self, request: Request, rest: str, version: str | None = None) -> Response:
        """Answer one call, raising :class:`~airflow_workfront.emulator.errors.ApiError`."""
        ...

    async def handle(self, request: Request, rest: str, version: str | None = None) -> Response:
        """Answer one call, an error as Workfront's error body."""
        ...
