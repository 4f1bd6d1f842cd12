"""The settings and counters one emulated tenant shares with its routes: its configuration, its
faults (latency, cost model, random failures) and its request statistics.

They are plain types with no knowledge of the application, so the ASGI app, the control API and
the command line all import them from here without importing one another.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from dataclasses import dataclass, field

from airflow_workfront.emulator import timefmt
from airflow_workfront.emulator.auth import AuthConfig
from airflow_workfront.emulator.cost import CostModel
from airflow_workfront.emulator.errors import bad_request

FAULT_KINDS = ("429", "500", "drop", "error200")  # error200: an error body with HTTP 200, as Workfront sometimes answers


@dataclass
class EmulatorConfig:
    """Settings of one emulated tenant (the CLI flags map onto these)."""

    auth: AuthConfig = field(default_factory=AuthConfig)
    seed: str = "demo"
    seed_size: int = 0
    random_seed: int = 0
    latency_ms: float = 0.0
    fault_rate: float = 0.0
    fault_kinds: tuple[str, ...] = ("429", "500", "drop")
    concurrency_limit: int = 10
    control_api: bool = False
    clock: str | None = None  # ISO instant to freeze the clock at; real time when None
    base_cost_ms: float = 0.0  # each answer takes at least base_cost_ms + row_cost_ms x rows returned
    row_cost_ms: float = 0.0
    invented_rules: tuple[str, ...] = ()  # rules the docs do not state, switched on (see emulator/rules.py)
    time_zone: str = timefmt.DEFAULT_ZONE  # the tenant's IANA zone: offsets in answers and $$TODAY
    shuffle_seed: int | None = None  # shuffle unsorted results and sort ties with this seed; None keeps store order
    clock_offset: float = 0.0  # seconds the (real-time) clock runs ahead of this machine's; negative: behind
    event_drop_rate: float = 0.0  # share of event deliveries never sent (as when Workfront gives up after its retries)


class Faults:
    """Latency, the cost model and random failures, reproducible from a seed."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.cost = CostModel()
        self.configure(0.0, ("429", "500", "drop"), 0.0, 0)

    def configure(self, rate: float, kinds: tuple[str, ...], latency_ms: float, random_seed: int) -> None:
        """Answer a share ``rate`` of requests with one of ``kinds``, each after ``latency_ms``."""
        unknown = set(kinds) - set(FAULT_KINDS)
        if unknown:
            raise bad_request(f"unknown fault kinds {sorted(unknown)}; use {', '.join(FAULT_KINDS)}")
        with self.lock:
            self.rate, self.kinds, self.latency_ms = float(rate), tuple(kinds), float(latency_ms)
            self.rng = random.Random(random_seed)

    def draw(self) -> str | None:
        """The fault for the next request, or ``None``."""
        with self.lock:
            if self.rate <= 0 or self.rng.random() >= self.rate:
                return None
            return self.rng.choice(self.kinds)

    def set_cost(self, base_ms: float, row_ms: float) -> None:
        """Every answer takes at least ``base_ms`` plus ``row_ms`` per row returned."""
        self.cost = CostModel(float(base_ms), float(row_ms))


class Stats:
    """Request counts per route, requests in flight, and what the limits refused."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Forget every count."""
        with self.lock:
            self.total = 0
            self.by_route: Counter[str] = Counter()
            self.in_flight = 0
            self.max_in_flight = 0
            self.rejected_429 = 0
            self.faults: Counter[str] = Counter()

    def snapshot(self) -> dict:
        """The counts as JSON-ready data."""
        with self.lock:
            return {"total": self.total, "by_route": dict(self.by_route), "in_flight": self.in_flight,
                    "max_in_flight": self.max_in_flight, "rejected_429": self.rejected_429, "faults": dict(self.faults)}
