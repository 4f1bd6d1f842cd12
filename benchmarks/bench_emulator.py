"""Benchmark of the Workfront emulator (not a test): page latency on a large store, and start-up time.

Run it with::

    .venv/bin/python benchmarks/bench_emulator.py [--size 100000] [--runs 7]

It starts the emulator as a subprocess (``python -m airflow_workfront.emulator``), talks to it
over real HTTP with httpx, and prints a small table:

* start-up: seconds from process start to the "ready" line, with the demo seed and with
  ``--seed-size N``;
* one 2000-task page, median of several runs, with the sync's keyset filters (a ``between``
  window plus ``OR:1:`` date-eq/ID-gt, sorted ``lastUpdateDate_1_Sort`` + ``ID_2_Sort``) from a
  cursor in the middle of the store, and with plain offset paging
  (``$$FIRST=50000&$$LIMIT=2000&ID_1_Sort=asc``), and the sync's ID reconciliation page
  (``fields=ID&ID_Mod=gt&ID_Sort=asc`` from the middle ID);
* the same keyset page, a 1-row page and a count with the cost model on (``--cost 200,0.5``:
  200 ms plus 0.5 ms a row), against what the model says they should take.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import httpx

API_KEY = "bench-key"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Emulator:
    """The emulator in a subprocess; ``startup_seconds`` is the time until it printed its URL."""

    def __init__(self, *extra: str) -> None:
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, "-m", "airflow_workfront.emulator", "--port", str(self.port),
                   "--api-key", API_KEY, "--seed", "demo", *extra]
        began = time.perf_counter()
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        line = self.process.stdout.readline()
        self.startup_seconds = time.perf_counter() - began
        if "ready" not in line:
            self.stop()
            raise RuntimeError(f"the emulator did not start: {line!r} {self.process.stderr.read()[-2000:]}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _iso(value: str) -> datetime:
    """Workfront's ``2026-11-22T04:40:11:123-0600`` as an aware datetime."""
    head, ms, tz = value[:19], value[20:23], value[23:]
    return datetime.strptime(f"{head}.{ms}000{tz}", "%Y-%m-%dT%H:%M:%S.%f%z")


def _wire(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _median_seconds(http: httpx.Client, params: dict, runs: int) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(runs):
        began = time.perf_counter()
        answer = http.get("/attask/api/v21.0/task/search", params=params)
        times.append(time.perf_counter() - began)
        answer.raise_for_status()
        count = len(answer.json()["data"])
    return statistics.median(times), count


def keyset_params(http: httpx.Client) -> dict:
    """The sync's filters for the page after a cursor halfway through the store's (date, ID) order."""
    search = "/attask/api/v21.0/task/search"
    order = {"lastUpdateDate_1_Sort": "asc", "ID_2_Sort": "asc", "fields": "lastUpdateDate"}
    first = http.get(search, params={**order, "$$LIMIT": 1}).json()["data"][0]
    last = http.get(search, params={"lastUpdateDate_1_Sort": "desc", "ID_2_Sort": "desc", "fields": "lastUpdateDate",
                                    "$$LIMIT": 1}).json()["data"][0]
    total = http.get("/attask/api/v21.0/task/count").json()["data"]["count"]
    cursor = http.get(search, params={**order, "$$FIRST": total // 2, "$$LIMIT": 1}).json()["data"][0]
    one_ms = timedelta(milliseconds=1)
    cursor_date = _iso(cursor["lastUpdateDate"])
    end = _iso(last["lastUpdateDate"]) + one_ms  # half-open window [first, end)
    assert _iso(first["lastUpdateDate"]) <= cursor_date
    return {
        "lastUpdateDate": _wire(cursor_date + one_ms), "lastUpdateDate_Mod": "between",
        "lastUpdateDate_Range": _wire(end - one_ms),
        "OR:1:lastUpdateDate": _wire(cursor_date), "OR:1:lastUpdateDate_Mod": "eq",
        "OR:1:ID": cursor["ID"], "OR:1:ID_Mod": "gt",
        "lastUpdateDate_1_Sort": "asc", "ID_2_Sort": "asc", "$$LIMIT": 2000,
    }


def id_params(http: httpx.Client) -> dict:
    """The sync's ID reconciliation page (``ID_Mod=gt``, ``ID_Sort=asc``, ``fields=ID``) after the middle ID."""
    search = "/attask/api/v21.0/task/search"
    total = http.get("/attask/api/v21.0/task/count").json()["data"]["count"]
    middle = http.get(search, params={"fields": "ID", "ID_Sort": "asc", "$$FIRST": total // 2, "$$LIMIT": 1})
    return {"fields": "ID", "ID": middle.json()["data"][0]["ID"], "ID_Mod": "gt", "ID_Sort": "asc", "$$LIMIT": 2000}


def cost_rows(http: httpx.Client, base_url: str, keyset: dict, cost: str, runs: int) -> list[tuple[str, str]]:
    """Pages and a count with the cost model on: measured, and what the model says."""
    base, per_row = (float(x) for x in cost.split(","))
    httpx.post(f"{base_url}/_emulator/faults", json={"base_cost_ms": base, "row_cost_ms": per_row}).raise_for_status()
    rows = []
    for label, params in (("keyset page", keyset), ("1-row page", {**keyset, "$$LIMIT": 1})):
        seconds, count = _median_seconds(http, params, runs)
        rows.append((f"{label} ({count} tasks), cost {base:g} ms + {per_row:g} ms a row",
                     f"{seconds * 1000:.0f} ms (model {base + per_row * count:.0f} ms)"))
    began = time.perf_counter()
    http.get("/attask/api/v21.0/task/count").raise_for_status()
    rows.append((f"count, cost {base:g} ms + {per_row:g} ms a row",
                 f"{(time.perf_counter() - began) * 1000:.0f} ms (model {base + per_row:.0f} ms)"))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="tasks in the large store (--seed-size)")
    parser.add_argument("--runs", type=int, default=7, help="runs per page measurement (median reported)")
    parser.add_argument("--cost", default="200,0.5", help="cost model BASE_MS,MS_A_ROW to check ('none' skips it)")
    args = parser.parse_args(argv)

    rows: list[tuple[str, str]] = []
    demo = Emulator()
    demo.stop()
    rows.append(("start-up, demo seed", f"{demo.startup_seconds:.2f} s"))

    large = Emulator("--seed-size", str(args.size), "--control-api")
    try:
        rows.append((f"start-up, --seed-size {args.size}", f"{large.startup_seconds:.2f} s"))
        with httpx.Client(base_url=large.base_url, headers={"apiKey": API_KEY}, timeout=120) as http:
            keyset = keyset_params(http)
            http.get("/attask/api/v21.0/task/search", params=keyset).raise_for_status()  # warm-up
            seconds, count = _median_seconds(http, keyset, args.runs)
            rows.append((f"keyset page ({count} tasks, default fields)", f"{seconds * 1000:.0f} ms"))
            seconds, count = _median_seconds(http, {**keyset, "fields": "*"}, args.runs)
            rows.append((f"keyset page ({count} tasks, fields=*)", f"{seconds * 1000:.0f} ms"))
            offset = {"$$FIRST": 50_000, "$$LIMIT": 2000, "ID_1_Sort": "asc"}
            seconds, count = _median_seconds(http, offset, args.runs)
            rows.append((f"offset page $$FIRST=50000 ({count} tasks)", f"{seconds * 1000:.0f} ms"))
            seconds, count = _median_seconds(http, id_params(http), args.runs)
            rows.append((f"ID page from the middle, fields=ID ({count} tasks)", f"{seconds * 1000:.0f} ms"))
            if args.cost != "none":
                rows += cost_rows(http, large.base_url, keyset, args.cost, args.runs)
    finally:
        large.stop()

    width = max(len(name) for name, _ in rows)
    print(f"Workfront emulator benchmark (median of {args.runs} runs, real HTTP to a subprocess)")
    for name, value in rows:
        print(f"  {name:<{width}}  {value:>10}")
    print(f"reproduce: .venv/bin/python benchmarks/bench_emulator.py --size {args.size} --runs {args.runs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
