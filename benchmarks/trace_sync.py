"""Where a sync's time goes under the emulator's cost model: every request on a timeline.

    .venv/bin/python benchmarks/trace_sync.py [--size 100000] [--cost 200,0.5]

Starts the emulator with N tasks and the cost model (each answer takes at least BASE ms plus
MS_A_ROW per row), runs ``SyncEngine`` over them once, and prints each request (when it was sent
and answered, by which thread, its ``$$FIRST``/``$$LIMIT``), then the run's phases: the first
page, the count, and the partitions, with each partition's pages. The requests are timed by a
response hook on the client's ``requests.Session``; nothing in the client is patched.
"""

from __future__ import annotations

import argparse
import math
import sys
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402  (the benchmark's emulator settings, window and fields)


def trace(size: int, cost: tuple[float, float]) -> tuple[float, list[dict]]:
    """Run one sync; its wall time and its requests ``{sent, answered, thread, op, first, limit}``."""
    import requests

    from airflow_workfront.client import ApiKeyAuth, ClientConfig, WorkfrontClient
    from airflow_workfront.sync import SyncEngine
    from airflow_workfront.sync.sinks.base import Sink

    class CountingSink(Sink):
        supports_reconcile = False

        def open(self, target):
            pass

        def write_page(self, rows, partition=0, page=0):
            return len(rows)

        def delete(self, ids, batch=0):
            return 0

        def close(self, summary):
            pass

    requests_seen: list[dict] = []
    lock = threading.Lock()
    started = time.perf_counter()

    def record(response, *args, **kwargs):
        answered = time.perf_counter() - started
        url = urlparse(response.request.url)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        if response.request.body and isinstance(response.request.body, (str, bytes)):  # long URIs go as POST
            body = response.request.body.decode() if isinstance(response.request.body, bytes) else response.request.body
            params.update({k: v[0] for k, v in parse_qs(body).items()})
        with lock:
            requests_seen.append({"sent": answered - response.elapsed.total_seconds(), "answered": answered,
                                  "thread": threading.current_thread().name, "op": url.path.rsplit("/", 1)[-1],
                                  "first": int(params.get("$$FIRST", 0)), "limit": params.get("$$LIMIT", "")})

    emulator = run.start_emulator(size, 0, cost)
    try:
        session = requests.Session()
        session.hooks["response"].append(record)
        client = WorkfrontClient(ClientConfig(host=emulator.base_url, auth=ApiKeyAuth(run.API_KEY)), session=session)
        started = time.perf_counter()
        SyncEngine(client, "TASK", run.FIELDS.split(","), deletes="none").run(run._window(), CountingSink())
        return time.perf_counter() - started, sorted(requests_seen, key=lambda r: r["sent"])
    finally:
        emulator.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--cost", default="200,0.5", help="BASE_MS,MS_A_ROW")
    args = parser.parse_args()
    cost = tuple(float(x) for x in args.cost.split(","))
    if len(cost) != 2:
        raise SystemExit(f"--cost takes BASE_MS,MS_A_ROW, got {args.cost!r}")
    wall, seen = trace(args.size, cost)  # type: ignore[arg-type]
    page = run.page_seconds(cost)  # type: ignore[arg-type]
    bound = run.network_bound(args.size, page * 1000)
    print("| sent (s) | answered (s) | took (s) | thread | request | $$FIRST | $$LIMIT |")
    print("|---|---|---|---|---|---|---|")
    for r in seen:
        print(f"| {r['sent']:.2f} | {r['answered']:.2f} | {r['answered'] - r['sent']:.2f} | {r['thread']} | "
              f"{r['op']} | {r['first']} | {r['limit']} |")
    main_thread = [r for r in seen if r["thread"] == "MainThread"]
    workers = sorted({r["thread"] for r in seen} - {"MainThread"})
    print()
    print(f"sync of {args.size:,} tasks at {cost[0]:g} ms + {cost[1]:g} ms a row ({page:.2f} s a full page): "
          f"{wall:.2f} s, {wall / bound:.2f}x the bound of {bound:.2f} s ({math.ceil(args.size / run.PAGE)} pages "
          f"over {run.CONCURRENCY} slots)")
    for r in main_thread:
        print(f"  before the partitions: {r['op']} {r['answered'] - r['sent']:.2f} s")
    if workers:
        begin = min(r["sent"] for r in seen if r["thread"] in workers)
        end = max(r["answered"] for r in seen if r["thread"] in workers)
        slowest = max(workers, key=lambda w: max(r["answered"] for r in seen if r["thread"] == w))
        pages = [r["answered"] - r["sent"] for r in seen if r["thread"] == slowest]
        print(f"  {len(workers)} partitions: {end - begin:.2f} s; the last to finish read {len(pages)} pages taking "
              + ", ".join(f"{p:.2f}" for p in pages) + " s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
