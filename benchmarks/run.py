"""``make bench``: this provider against the ways users move Workfront data today, in one run.

The emulator runs in its own process; each extraction runs in a fresh subprocess so its wall
time and peak RSS are its own. Results print as a table and go to ``docs/benchmarks.md``.

    .venv/bin/python benchmarks/run.py            # N in {10,000; 100,000}, latency {0; 50} ms
    .venv/bin/python benchmarks/run.py --quick    # N in {1,000; 5,000}, latency {0; 20} ms
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
API_KEY = "bench-key"
CLOCK = "2026-03-02T10:00:00Z"
CONCURRENCY = 10
PAGE = 2000


def start_emulator(size: int, latency_ms: float):
    """The emulator CLI in its own process, with N tasks and injected latency."""
    from airflow_workfront.emulator.testing import EmulatorProcess

    return EmulatorProcess("--seed", "empty", "--seed-size", str(size), "--latency-ms", str(latency_ms),
                           "--clock", CLOCK, "--concurrency-limit", str(CONCURRENCY), api_key=API_KEY)


# -- scenarios, each run in a fresh subprocess: python benchmarks/run.py --scenario NAME ... -------

def _window():
    from airflow_workfront.sync import SyncWindow

    end = datetime(2026, 3, 2, 10, tzinfo=timezone.utc)
    return SyncWindow(datetime(2026, 3, 2, 8, tzinfo=timezone.utc), end)


def scenario_provider_sync(base_url: str) -> dict:
    """SyncEngine into a sink that only counts (so the sink's own speed is not measured)."""
    from airflow_workfront.client import ApiKeyAuth, ClientConfig, WorkfrontClient
    from airflow_workfront.sync import SyncEngine
    from airflow_workfront.sync.sinks.base import Sink

    class CountingSink(Sink):
        supports_reconcile = False
        rows = 0

        def open(self, target):
            pass

        def write_page(self, rows, partition=0, page=0):
            self.rows += len(rows)
            return len(rows)

        def delete(self, ids, batch=0):
            return 0

        def close(self, summary):
            pass

    client = WorkfrontClient(ClientConfig(host=base_url, auth=ApiKeyAuth(API_KEY)))
    sink = CountingSink()
    SyncEngine(client, "TASK", ["ID", "name", "status", "projectID"], deletes="none").run(_window(), sink)
    return {"objects": sink.rows, "requests": client.stats.total}


def _loop(base_url: str, limit: int) -> dict:
    import requests

    session, first, objects, requests_made = requests.Session(), 0, 0, 0
    while True:
        answer = session.get(f"{base_url}/attask/api/v21.0/TASK/search", headers={"apiKey": API_KEY},
                             params={"fields": "ID,name,status,projectID", "$$FIRST": first, "$$LIMIT": limit,
                                     "ID_1_Sort": "asc"}, timeout=120).json()["data"]
        requests_made += 1
        objects += len(answer)
        if len(answer) < limit:
            return {"objects": objects, "requests": requests_made}
        first += limit


def scenario_naive_loop(base_url: str) -> dict:
    """What a user writes with requests and the default page size: 100 rows, one at a time."""
    return _loop(base_url, 100)


def scenario_sequential_2000(base_url: str) -> dict:
    """The best one thread can do: 2000-row pages, one at a time."""
    return _loop(base_url, PAGE)


SCENARIOS = {"provider_sync": scenario_provider_sync, "naive_loop": scenario_naive_loop,
             "sequential_2000": scenario_sequential_2000}


def run_scenario(name: str, base_url: str) -> dict:
    """Run one scenario in a fresh interpreter; adds wall time and peak RSS."""
    out = subprocess.run([sys.executable, __file__, "--scenario", name, "--base-url", base_url],
                         capture_output=True, text=True, timeout=3600, cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(f"{name} failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _child(name: str, base_url: str) -> None:
    # Imports happen before the clock starts: a DAG task pays them once, not per object.
    import requests  # noqa: F401

    import airflow_workfront.client
    import airflow_workfront.sync  # noqa: F401

    started = time.perf_counter()
    result = SCENARIOS[name](base_url)
    result["seconds"] = time.perf_counter() - started
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


# -- the other measurements ------------------------------------------------------------------------

def bulk_create(base_url: str, n: int, singles: int) -> dict:
    """Bulk create of n tasks vs one request per task (singles timed, then extrapolated)."""
    from airflow_workfront.client import ApiKeyAuth, ClientConfig, WorkfrontClient

    client = WorkfrontClient(ClientConfig(host=base_url, auth=ApiKeyAuth(API_KEY)))
    project = client.create("PROJ", {"name": "bench"})["ID"]
    started = time.perf_counter()
    result = client.bulk_create("TASK", [{"name": f"b{i}", "projectID": project} for i in range(n)])
    bulk_seconds = time.perf_counter() - started
    assert result.ok, result.failures[:1]
    single = WorkfrontClient(ClientConfig(host=base_url, auth=ApiKeyAuth(API_KEY)))
    started = time.perf_counter()
    for i in range(singles):
        single.create("TASK", {"name": f"s{i}", "projectID": project})
    per_single = (time.perf_counter() - started) / singles
    return {"bulk_requests": client.stats.by_operation["bulk_create"], "bulk_seconds": bulk_seconds,
            "single_requests": n, "single_seconds": per_single * n, "singles_timed": singles}


def sensor_pokes(base_url: str) -> dict:
    """Requests one poke of each sensor costs."""
    os.environ["AIRFLOW_CONN_WORKFRONT_DEFAULT"] = json.dumps(
        {"conn_type": "workfront", "host": base_url, "password": API_KEY})
    from airflow_workfront.sensors.workfront import WorkfrontChangeSensor, WorkfrontJournalSensor

    counts = {}
    for sensor in (WorkfrontChangeSensor(task_id="c", obj_code="TASK", since="2000-01-01T00:00:00Z"),
                   WorkfrontJournalSensor(task_id="j", obj_code="TASK", since="2000-01-01T00:00:00Z")):
        sensor.poke({})
        counts[type(sensor).__name__] = sensor.hook.get_conn().stats.total
    return counts


def import_overhead(runs: int = 5) -> dict:
    """Milliseconds that importing our operators and sensors adds over airflow.sdk (median)."""
    code = ("import time; t=time.perf_counter(); import airflow.sdk; a=time.perf_counter(); "
            "import airflow_workfront.operators.search, airflow_workfront.operators.crud, "
            "airflow_workfront.operators.bulk, airflow_workfront.operators.actions, "
            "airflow_workfront.operators.sync, airflow_workfront.sensors.workfront; "
            "print((time.perf_counter()-a)*1000, (a-t)*1000)")
    ours, sdk = [], []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
        mine, base = map(float, out.stdout.split())
        ours.append(mine)
        sdk.append(base)
    return {"ours_ms": statistics.median(ours), "sdk_ms": statistics.median(sdk)}


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    mem = next((int(line.split()[1]) // 1024 // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    import airflow

    return (f"{cpu}, {os.cpu_count()} cores, {mem} GiB RAM, Python {platform.python_version()}, "
            f"Airflow {airflow.__version__}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes and latencies")
    parser.add_argument("--sizes", help="comma-separated task counts (overrides --quick)")
    parser.add_argument("--latencies", help="comma-separated ms per request (overrides --quick)")
    parser.add_argument("--bulk", type=int, help="tasks in the bulk-create measurement")
    parser.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks.md")
    parser.add_argument("--scenario", help=argparse.SUPPRESS)
    parser.add_argument("--base-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scenario:
        _child(args.scenario, args.base_url)
        return 0
    sizes = [int(s) for s in (args.sizes or ("1000,5000" if args.quick else "10000,100000")).split(",")]
    latencies = [float(x) for x in (args.latencies or ("0,20" if args.quick else "0,50")).split(",")]
    bulk_n = args.bulk or (1000 if args.quick else 10000)
    command = "make bench  # .venv/bin/python benchmarks/run.py " + " ".join(sys.argv[1:])

    rows, checks = [], []
    rss: dict[tuple[int, float], float] = {}
    for latency in latencies:
        for size in sizes:
            emulator = start_emulator(size, latency)
            try:
                results = {name: run_scenario(name, emulator.base_url) for name in SCENARIOS}
            finally:
                emulator.stop()
            minimum = math.ceil(size / PAGE)
            bound = math.ceil(minimum / CONCURRENCY) * latency / 1000
            ours = results["provider_sync"]
            rss[(size, latency)] = ours["peak_rss_mb"]
            for name, label in (("provider_sync", "this provider (SyncEngine)"), ("naive_loop", "naive loop, 100/page"),
                                ("sequential_2000", "sequential, 2000/page")):
                r = results[name]
                rows.append([f"{size:,}", f"{latency:g}", label, str(r["requests"]), f"{r['seconds']:.2f}",
                             f"{r['objects'] / r['seconds']:,.0f}", f"{r['peak_rss_mb']:.0f}"])
            rows.append([f"{size:,}", f"{latency:g}", "bound: ceil(N/2000) over 10 slots", str(minimum),
                         f"{bound:.2f}", "", ""])
            rows.append([f"{size:,}", f"{latency:g}", "older clients (python-workfront, workfrontapi_plus)", "-", "-",
                         "-", "-"])
            checks.append((size, latency, ours, results["naive_loop"], minimum, bound))

    emulator = start_emulator(0, latencies[-1])
    try:
        bulk = bulk_create(emulator.base_url, bulk_n, singles=min(500, bulk_n))
        pokes = sensor_pokes(emulator.base_url)
    finally:
        emulator.stop()
    parse = import_overhead()

    lines = [f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {machine()}.",
             "The emulator runs in its own process on the same 2 cores; each extraction runs in a fresh subprocess.",
             f"Reproduce: `{command.strip()}`", "",
             "## Full extraction of N tasks", "",
             "| N | latency (ms) | how | API requests | wall (s) | objects/s | peak RSS (MB) |",
             "|---|---|---|---|---|---|---|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    lines += ["", "Older clients were not run. python-workfront 0.8.0 (2017) supports Python 2.7/3.4/3.5 and "
              "builds `{domain}.attask-ondemand.com` URLs; workfrontapi_plus builds "
              "`https://{subdomain}.{env}.workfront.com` URLs. Neither can be pointed at `http://127.0.0.1:PORT` "
              "as its users would configure it (from `../shared/reference/prior-art-clients.md`); both page "
              "sequentially like the loops above, workfrontapi_plus with 2000-row pages and a count first.", ""]
    lines += ["## Targets, as ratios measured in this run", "", "| target | measured | met |", "|---|---|---|"]
    for size, latency, ours, naive, minimum, bound in checks:
        lines.append(f"| requests for {size:,} tasks <= ceil(N/2000) + planning | {ours['requests']} vs "
                     f"{minimum} + planning | {'yes' if ours['requests'] <= minimum + CONCURRENCY + 2 else 'no'} |")
        if latency:
            ratio = ours["seconds"] / bound if bound else float("nan")
            speedup = naive["seconds"] / ours["seconds"]
            lines.append(f"| {size:,} tasks at {latency:g} ms: within 1.3x of the bound | {ratio:.2f}x | "
                         f"{'yes' if ratio <= 1.3 else 'no'} |")
            lines.append(f"| {size:,} tasks at {latency:g} ms: >= 10x faster than the naive loop | {speedup:.1f}x | "
                         f"{'yes' if speedup >= 10 else 'no'} |")
    for latency in latencies:
        if len(sizes) > 1:
            growth = rss[(sizes[-1], latency)] - rss[(sizes[0], latency)]
            lines.append(f"| peak RSS growth {sizes[0]:,} -> {sizes[-1]:,} at {latency:g} ms < 50 MB | {growth:.0f} MB | "
                         f"{'yes' if growth < 50 else 'no'} |")
    lines.append(f"| bulk create of {bulk_n:,}: ceil(N/100) requests | {bulk['bulk_requests']} vs "
                 f"{math.ceil(bulk_n / 100)} | {'yes' if bulk['bulk_requests'] == math.ceil(bulk_n / 100) else 'no'} |")
    lines.append(f"| import overhead over airflow.sdk < 100 ms | {parse['ours_ms']:.0f} ms (sdk alone "
                 f"{parse['sdk_ms']:.0f} ms) | {'yes' if parse['ours_ms'] < 100 else 'no'} |")
    lines += ["", "## Bulk create, sensor pokes", "",
              f"- Bulk create of {bulk_n:,} tasks: {bulk['bulk_requests']} requests in {bulk['bulk_seconds']:.2f} s "
              f"(chunks of 100, up to 10 at once), against {bulk['single_requests']:,} requests and an estimated "
              f"{bulk['single_seconds']:.1f} s one task at a time ({bulk['singles_timed']} single creates timed, "
              f"then scaled) at {latencies[-1]:g} ms latency.",
              "- Requests per sensor poke: " + ", ".join(f"{k} {v}" for k, v in pokes.items()) + "."]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        (ROOT / "docs" / "benchmarks.md").write_text(
            "# Benchmarks\n\nThis page is written by `make bench`; the numbers come from the last run committed.\n\n"
            + text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
