"""The event receiver against polling: how fast a Workfront change becomes an asset event, and how
many deliveries a second the receiver records.

Everything runs in real processes on this machine: the emulator (which delivers event
subscriptions itself), and ``airflow api-server`` with the provider's plugin on a fresh database
(PostgreSQL on 127.0.0.1:5432 when it answers, else SQLite; see ``AirflowStack``).

* **receiver latency**: the emulator's control API edits a project; the emulator delivers the
  UPDATE to ``/workfront/events/bench``; the figure is the asset event's own ``timestamp`` (written
  by the API server) minus the wall-clock time just before the edit.
* **polling latency**: ``WorkfrontChangeEventTrigger`` at its default ``poll_interval`` (60 s),
  run as the triggerer runs it; edits come at random moments, and the figure is the time until
  the trigger yields the event that carries the edited ID (the triggerer records the asset event
  right after that).
* **throughput**: ``--senders`` threads POST distinct valid deliveries as fast as answers come;
  refused ones are re-sent as Workfront would retry them, and every change must end up recorded
  exactly once (the script fails otherwise).
* **bulk edit**: ``--burst`` tasks (1,000) are edited at once through the emulator, which delivers
  one UPDATE each, 16 at a time as Workfront does, and retries any answer that is not a 2xx. The
  figures: the sustained rate (deliveries recorded per second, from the first edit to the last
  asset event), how many deliveries were answered for a retry (a 5xx, e.g. a 503 when recording
  would overrun Workfront's 5 s), and that every edit became exactly one asset event.

    .venv/bin/python benchmarks/bench_receiver.py            # 20 changes, 5 polled, 2000 deliveries
    .venv/bin/python benchmarks/bench_receiver.py --quick
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

API_KEY = "bench-key"
RECEIVER_START, RECEIVER_END = "<!-- receiver:start -->", "<!-- receiver:end -->"
TOKEN = "bench-receiver-token-" + os.urandom(8).hex()
ASSET = "workfront_bench_changes"
CONSUMER_DAG = f'''
from datetime import datetime
from airflow.sdk import DAG, Asset
with DAG("bench_receiver_consumer", schedule=[Asset("{ASSET}")], start_date=datetime(2026, 1, 1)):
    pass
'''


def _stats(values: list[float]) -> dict:
    ordered = sorted(values)
    return {"n": len(values), "median": statistics.median(ordered),
            "p95": ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))], "max": ordered[-1]}


def _asset_events(stack) -> int:
    return stack.scalar("select count(*) from asset_event e join asset a on a.id = e.asset_id where a.name = :n",
                        n=ASSET)


def receiver_latency(stack, emulator, changes: int) -> dict:
    """Seconds from an edit in Workfront to the asset event the receiver writes."""
    from airflow_workfront.client import ApiKeyAuth, ClientConfig, WorkfrontClient

    client = WorkfrontClient(ClientConfig(host=emulator.base_url, auth=ApiKeyAuth(API_KEY)))
    client.create_event_subscription("PROJ", "UPDATE", stack.receiver_url("bench"), TOKEN)
    project = emulator.control.list_objects("PROJ")[0]["ID"]
    latencies = []
    for i in range(changes):
        before = _asset_events(stack)
        started = datetime.now(timezone.utc)
        emulator.control.edit_object("PROJ", project, {"description": f"change {i}"})
        stack.wait_for(lambda b=before: _asset_events(stack) > b, "the asset event", timeout=30, every=0.005)
        recorded = stack.scalar("select max(e.timestamp) from asset_event e join asset a on a.id = e.asset_id "
                                "where a.name = :n", n=ASSET)
        if isinstance(recorded, str):  # SQLite hands back text
            recorded = datetime.fromisoformat(recorded)
        if recorded.tzinfo is None:
            recorded = recorded.replace(tzinfo=timezone.utc)
        latencies.append((recorded - started).total_seconds())
        time.sleep(0.2)
    client.close()
    return _stats(latencies)


def polling_latency(emulator, changes: int, seed: int = 7) -> dict:
    """Seconds from an edit to the polling trigger's event, at the trigger's default interval."""
    os.environ["AIRFLOW_CONN_WORKFRONT_DEFAULT"] = json.dumps(
        {"conn_type": "workfront", "host": emulator.base_url, "password": API_KEY})
    from airflow_workfront.triggers.workfront import WorkfrontChangeEventTrigger

    trigger = WorkfrontChangeEventTrigger(obj_code="PROJ")
    interval = trigger.poll_interval
    projects = [p["ID"] for p in emulator.control.list_objects("PROJ")]
    rng = random.Random(seed)
    seen: dict[str, float] = {}

    async def watch() -> None:
        async for event in trigger.run():
            for obj_id in event.payload.get("ids", []):
                seen.setdefault(obj_id, time.monotonic())

    async def edit_and_wait() -> list[float]:
        watcher = asyncio.create_task(watch())
        await asyncio.sleep(2)  # the trigger's first poll sets its watermark
        latencies = []
        for i in range(changes):
            await asyncio.sleep(rng.uniform(0, interval))
            obj_id = projects[i % len(projects)]
            seen.pop(obj_id, None)
            started = time.monotonic()
            await asyncio.to_thread(emulator.control.edit_object, "PROJ", obj_id, {"description": f"polled {i}"})
            while obj_id not in seen:
                await asyncio.sleep(0.05)
            latencies.append(seen[obj_id] - started)
        watcher.cancel()
        return latencies

    return {**_stats(asyncio.run(edit_and_wait())), "interval": interval}


def _cpu_seconds(pid: int) -> float:
    """CPU seconds used so far by a process and its children (the API server's workers)."""
    import psutil

    parent = psutil.Process(pid)
    total = 0.0
    for proc in [parent, *parent.children(recursive=True)]:
        try:
            times = proc.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def throughput(stack, deliveries: int, senders: int) -> dict:
    """Distinct deliveries POSTed by ``senders`` threads; refused ones are re-sent, as Workfront
    retries them; every change must end up recorded exactly once."""
    from tests.plugins.deliveries import body, update_delivery

    payloads = [body(update_delivery()) for _ in range(deliveries)]
    before = _asset_events(stack)
    local = threading.local()
    times: list[float] = []

    def send(payload: bytes) -> int:
        client = getattr(local, "client", None) or httpx.Client(timeout=30)
        local.client = client
        started = time.perf_counter()
        status = client.post(stack.receiver_url("bench"), content=payload,
                             headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}).status_code
        times.append(time.perf_counter() - started)
        return status

    def send_all(batch: list[bytes]) -> list[int]:
        with ThreadPoolExecutor(max_workers=senders) as pool:
            return list(pool.map(send, batch))

    api_pid = stack.processes["api-server"].pid
    cpu_before, started = _cpu_seconds(api_pid), time.perf_counter()
    statuses = send_all(payloads)
    seconds, cpu = time.perf_counter() - started, _cpu_seconds(api_pid) - cpu_before
    answer = _stats(times)
    refused = {code: statuses.count(code) for code in sorted(set(statuses)) if code != 200}
    pending = [p for p, code in zip(payloads, statuses, strict=True) if code != 200]
    for _ in range(3):  # Workfront's retries
        if not pending:
            break
        time.sleep(1)
        pending = [p for p, code in zip(pending, send_all(pending), strict=True) if code != 200]
    recorded = _asset_events(stack) - before
    replay = payloads[: min(200, deliveries)]
    started = time.perf_counter()
    replay_ok = send_all(replay).count(200)
    replay_seconds = time.perf_counter() - started
    return {"deliveries": deliveries, "senders": senders, "seconds": seconds, "per_second": deliveries / seconds,
            "cpu_ms_per_delivery": cpu * 1000 / deliveries, "refused_first": refused, "unrecorded": len(pending),
            "recorded": recorded, "answer": answer, "replays": len(replay), "replays_ok": replay_ok,
            "replays_per_second": len(replay) / replay_seconds,
            "replays_recorded": _asset_events(stack) - before - recorded}


def bulk_edit(stack, emulator, tasks: int, editors: int = 16) -> dict:
    """A bulk edit of ``tasks`` tasks, delivered by the emulator; every edit must become one asset event."""
    from airflow_workfront.client import ApiKeyAuth, ClientConfig, WorkfrontClient

    control = emulator.control
    project = control.list_objects("PROJ")[0]["ID"]
    with ThreadPoolExecutor(max_workers=8) as pool:  # created before the subscription: no events
        ids = list(pool.map(lambda i: control.create_object("TASK", {"name": f"bulk {i}", "projectID": project})["ID"],
                            range(tasks)))
    client = WorkfrontClient(ClientConfig(host=emulator.base_url, auth=ApiKeyAuth(API_KEY)))
    client.create_event_subscription("TASK", "UPDATE", stack.receiver_url("bench"), TOKEN)
    client.close()
    attempts_before, before = len(control.event_deliveries()), _asset_events(stack)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=editors) as pool:
        list(pool.map(lambda obj_id: control.edit_object("TASK", obj_id, {"description": "bulk edit"}), ids))
    edited = time.perf_counter() - started
    stack.wait_for(lambda: _asset_events(stack) >= before + tasks, f"{tasks} asset events", timeout=900, every=0.05)
    seconds = time.perf_counter() - started
    time.sleep(2)  # a late duplicate would show now
    attempts = control.event_deliveries()[attempts_before:]
    refused = [a for a in attempts if not 200 <= a["status"] < 300]
    return {"tasks": tasks, "edit_seconds": edited, "seconds": seconds, "per_second": tasks / seconds,
            "attempts": len(attempts), "answered_for_retry": len(refused),
            "refusals": {code: sum(1 for a in refused if a["status"] == code) for code in {a["status"] for a in refused}},
            "recorded": _asset_events(stack) - before}


def measure(changes: int, polled: int, deliveries: int, senders: int, api_workers: int, burst: int = 1000) -> dict:
    """Start the emulator and Airflow, take the three measurements, stop everything."""
    from airflow_workfront.emulator.testing import EmulatorProcess
    from tests.airflow_stack import AirflowStack  # a test tool; ROOT is on sys.path

    with tempfile.TemporaryDirectory(prefix="wf-bench-receiver-") as tmp, \
            EmulatorProcess("--seed", "demo", api_key=API_KEY) as emulator:
        dags = Path(tmp, "dags")
        dags.mkdir()
        (dags / "bench_receiver_consumer.py").write_text(CONSUMER_DAG)
        stack = AirflowStack(Path(tmp, "home"), dags, receivers={"bench": {"asset": ASSET}},
                             connections={"workfront_events_bench": {"conn_type": "generic", "password": TOKEN}},
                             api_workers=api_workers)
        with stack:
            stack.wait_for(lambda: stack.scalar("select count(*) from asset where name = :n", n=ASSET), "the asset")
            result = {"database": "PostgreSQL" if stack.on_postgres else "SQLite", "api_workers": api_workers,
                      "receiver": receiver_latency(stack, emulator, changes),
                      "throughput": throughput(stack, deliveries, senders)}
            result["bulk_edit"] = bulk_edit(stack, emulator, burst) if burst else None
        result["polling"] = polling_latency(emulator, polled) if polled else None
    return result


def report(result: dict) -> list[str]:
    """Markdown lines for docs/benchmarks.md."""
    rec, poll, tp = result["receiver"], result["polling"], result["throughput"]
    lines = ["### Event receiver: change to asset event, and deliveries per second", "",
             f"`airflow api-server` with {result['api_workers']} workers on {result['database']}, the emulator "
             f"delivering in its own process. Load average at the end of the run: {os.getloadavg()[0]:.1f}.", "",
             "| path | changes | median (s) | p95 (s) | max (s) |", "|---|---|---|---|---|",
             f"| event receiver (push) | {rec['n']} | {rec['median']:.3f} | {rec['p95']:.3f} | {rec['max']:.3f} |"]
    if poll:
        lines.append(f"| WorkfrontChangeEventTrigger, poll_interval={poll['interval']:g} s | {poll['n']} | "
                     f"{poll['median']:.1f} | {poll['p95']:.1f} | {poll['max']:.1f} |")
    refused = ", ".join(f"{n} answered {code}" for code, n in tp["refused_first"].items())
    retried = (f"First pass: {refused}; re-sent as Workfront retries them, they" if refused
               else "All answered 200 at the first attempt; they")
    lines += ["", f"- Throughput: {tp['deliveries']:,} distinct deliveries from {tp['senders']} concurrent senders in "
              f"{tp['seconds']:.1f} s = **{tp['per_second']:.0f} deliveries/s**, "
              f"{tp['cpu_ms_per_delivery']:.0f} ms of API-server CPU each; answer time median "
              f"{tp['answer']['median'] * 1000:.0f} ms, p95 {tp['answer']['p95'] * 1000:.0f} ms, "
              f"max {tp['answer']['max'] * 1000:.0f} ms. {retried} made {tp['recorded']:,} asset events for "
              f"{tp['deliveries']:,} changes.",
              f"- Replays of {tp['replays']} recorded deliveries: {tp['replays_per_second']:.0f}/s, "
              f"{tp['replays_ok']} answered 200, {tp['replays_recorded']} recorded."]
    bulk = result.get("bulk_edit")
    if bulk:
        codes = ", ".join(f"{n} answered {code or 'no answer'}" for code, n in sorted(bulk["refusals"].items()))
        lines.append(
            f"- Bulk edit of {bulk['tasks']:,} tasks (edited in {bulk['edit_seconds']:.1f} s; the emulator delivers 16 at "
            f"once and retries): all recorded after {bulk['seconds']:.1f} s, a sustained **{bulk['per_second']:.0f} "
            f"deliveries/s**; {bulk['answered_for_retry']} of {bulk['attempts']:,} delivery attempts answered for a "
            f"retry{f' ({codes})' if codes else ''}; {bulk['recorded']:,} asset events for {bulk['tasks']:,} edits.")
    return lines


def docs_section(lines: list[str]) -> str:
    """The report for the analysis section of docs/benchmarks.md: when, on which commit, and how."""
    from run import commit_label

    command = " ".join([".venv/bin/python benchmarks/bench_receiver.py", *sys.argv[1:]])
    body = [line for line in lines if not line.startswith("### ")]
    return "\n".join([f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {commit_label()}, "
                      f"{os.cpu_count()} cores. Reproduce: `{command}`",
                      *body])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="5 changes, 2 polled, 300 deliveries")
    parser.add_argument("--changes", type=int, help="changes timed through the receiver (default 20)")
    parser.add_argument("--polled", type=int, help="changes timed through the polling trigger (default 5; 0: skip)")
    parser.add_argument("--deliveries", type=int, help="deliveries in the throughput run (default 2000)")
    parser.add_argument("--senders", type=int, default=16)
    parser.add_argument("--burst", type=int, default=1000, help="tasks in the bulk edit (default 1000; 0: skip)")
    parser.add_argument("--api-workers", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print the raw figures as JSON too")
    parser.add_argument("--write-docs", action="store_true",
                        help="write the figures between the receiver markers of docs/benchmarks.md")
    args = parser.parse_args()
    result = measure(args.changes or (5 if args.quick else 20),
                     args.polled if args.polled is not None else (2 if args.quick else 5),
                     args.deliveries or (300 if args.quick else 2000), args.senders, args.api_workers, args.burst)
    lines = report(result)
    print("\n".join(lines))
    if args.write_docs:
        from run import write_results  # the markers-and-page writer of make bench

        write_results(docs_section(lines), RECEIVER_START, RECEIVER_END)
    if args.json:
        print(json.dumps(result, default=str))
    tp, bulk = result["throughput"], result.get("bulk_edit")
    exactly_once = tp["recorded"] == tp["deliveries"] and not tp["unrecorded"] and tp["replays_recorded"] == 0
    if bulk:
        exactly_once = exactly_once and bulk["recorded"] == bulk["tasks"]
        print(f"receiver: sustained {bulk['per_second']:.0f} deliveries/s over a bulk edit of {bulk['tasks']} tasks, "
              f"{bulk['answered_for_retry']} answered for a retry, {bulk['tasks'] - bulk['recorded']} lost; "
              f"{tp['per_second']:.0f} deliveries/s from {tp['senders']} senders, "
              f"{sum(tp['refused_first'].values())} answered for a retry")
    return 0 if exactly_once else 1


if __name__ == "__main__":
    sys.exit(main())
