"""What the sync's default lookback costs (not a test): one window read with and without it.

Run it with::

    .venv/bin/python benchmarks/bench_lookback.py [--rates 12000,120000] [--latency-ms 50] [--runs 3]

For each rate (objects changed per hour, spread evenly), the emulator runs in its own process with
that many tasks in the hour before its clock. The "next window" is the last 55 minutes of that
hour; read with the default 5-minute lookback it also re-reads the 5 minutes before it, the end
of the previous window. The table shows the objects read, the requests (exact) and the wall time
(median of ``--runs``) of ``SyncEngine.run`` with ``overlap=0`` and with the default.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CLOCK = datetime(2026, 3, 2, 10, tzinfo=timezone.utc)
API_KEY = "bench-key"


class CountingSink:
    """Counts rows; stores nothing (the sink's own speed is not what is measured)."""

    supports_reconcile = False

    def __init__(self) -> None:
        self.rows = 0

    def open(self, target) -> None:
        pass

    def write_page(self, rows, partition=0, page=0) -> int:
        self.rows += len(rows)
        return len(rows)

    def delete(self, ids, batch=0) -> int:
        return 0

    def close(self, summary) -> None:
        pass


def measure(rate: int, latency_ms: float, runs: int) -> list[tuple]:
    from airflow_workfront.client import ApiKeyAuth, ClientConfig, WorkfrontClient
    from airflow_workfront.emulator.testing import EmulatorProcess
    from airflow_workfront.sync import SyncEngine, SyncWindow
    from airflow_workfront.sync.closing import DEFAULT_LOOKBACK

    window = SyncWindow(CLOCK - timedelta(minutes=55), CLOCK)
    rows = []
    with EmulatorProcess("--seed", "empty", "--seed-size", str(rate), "--clock", CLOCK.isoformat(),
                         "--latency-ms", str(latency_ms), api_key=API_KEY) as emulator:
        emulator.control.advance_clock(10)  # the window has closed by Workfront's clock
        client = WorkfrontClient(ClientConfig(host=emulator.base_url, auth=ApiKeyAuth(API_KEY)))
        client.server_time("TASK")  # not part of either figure
        for label, overlap in (("none", timedelta(0)), ("5 min (default)", DEFAULT_LOOKBACK)):
            times, summary = [], None
            for _ in range(runs):
                started = time.perf_counter()
                summary = SyncEngine(client, "TASK", ["name"], overlap=overlap, deletes="none").run(
                    window, CountingSink())
                times.append(time.perf_counter() - started)
            assert summary is not None
            rows.append((f"{rate:,}", label, f"{summary.fetched:,}", summary.requests, f"{statistics.median(times):.2f}"))
        client.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="12000,120000", help="objects changed per hour, comma-separated")
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"Lookback cost: a 55-minute window, {args.latency_ms:g} ms latency, median of {args.runs} runs\n")
    print("| changes per hour | lookback | objects read | requests | seconds |")
    print("|---|---|---|---|---|")
    for rate in (int(r) for r in args.rates.split(",")):
        for row in measure(rate, args.latency_ms, args.runs):
            print("| " + " | ".join(str(cell) for cell in row) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
