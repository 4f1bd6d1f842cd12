"""Fresh within seconds: how long a Workfront change takes to show in the warehouse, end to end.

Everything runs in real processes on this machine (``tests/mirror/freshness.py``): the emulator,
which delivers event subscriptions itself; Airflow's API server with the provider's receiver, the
scheduler and the DAG processor, with the LocalExecutor (``--executor celery``: CeleryExecutor on
a Redis started for the run, one worker); a warehouse (PostgreSQL when one answers on
127.0.0.1:5432, else SQLite; ``--warehouse``). Airflow runs ``example_workfront_mirror_events``
as shipped: every object type of the tenant (``--objects`` to choose), on the receiver's asset
or its hourly timetable, ``max_active_runs=1``.

After the timetable's first run and a manual run (so every table starts exact up to now), the
script edits, creates and deletes projects, tasks and issues through the emulator at a steady
rate. For each change it measures the time from just before the change until the warehouse shows
it: the edited row's new name, the created row, the deleted row gone (the warehouse is polled
every 0.2 s). Then a burst: 1,000 tasks created at once (``--burst``), timed until all are rows,
with the runs and Workfront requests they took. At the end every table is compared with Workfront.

    .venv/bin/python benchmarks/bench_freshness.py --quick           # 30 changes, one every 2 s
    .venv/bin/python benchmarks/bench_freshness.py                   # 120 changes, one every 2 s
    .venv/bin/python benchmarks/bench_freshness.py --write-docs      # and update docs/benchmarks.md

The last line is ``freshness: p50 X s, p95 Y s, max Z s, N changes, R runs, exact: yes|no``.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DOCS = ROOT / "docs" / "benchmarks.md"
MARK_START, MARK_END = "<!-- freshness:start -->", "<!-- freshness:end -->"
CHANGED = ("PROJ", "TASK", "OPTASK")
NAME = "fresh-{seq:05d}"
POLL_SECONDS = 0.2
DRAIN_SECONDS = 180.0


@dataclass
class Change:
    """One change made in Workfront, and when the warehouse first showed it."""

    seq: int
    kind: str  # edit, create, delete
    code: str
    obj_id: str
    made: float  # time.time() just before the change
    seen: float | None = None

    @property
    def seconds(self) -> float | None:
        return None if self.seen is None else self.seen - self.made


@dataclass
class Changes:
    """The changes made so far; the watcher marks them seen."""

    items: list[Change] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, change: Change) -> None:
        with self.lock:
            self.items.append(change)

    def pending(self) -> list[Change]:
        with self.lock:
            return [c for c in self.items if c.seen is None]


def _table(code: str) -> str:
    return f"wf_{code.lower()}"


def _shown(change: Change, rows: dict[str, str | None]) -> bool:
    """Whether the warehouse rows (ID -> name) show ``change`` or a later change of the object."""
    if change.kind == "delete":
        return change.obj_id not in rows
    if change.obj_id not in rows:
        return False
    if change.kind == "create":
        return True
    name = rows[change.obj_id] or ""
    return name.startswith("fresh-") and int(name[6:]) >= change.seq


def watch(stack, changes: Changes, stop: threading.Event) -> None:
    """Poll the warehouse for the pending changes until ``stop`` is set."""
    logging.getLogger("airflow.task.hooks").setLevel(logging.WARNING)  # a line per poll otherwise
    hook = stack.warehouse_hook()
    while not stop.is_set():
        pending = changes.pending()
        now = time.time()
        by_code: dict[str, list[Change]] = {}
        for change in pending:
            by_code.setdefault(change.code, []).append(change)
        for code, items in by_code.items():
            ids = sorted({c.obj_id for c in items})
            marks = ", ".join(["%s"] * len(ids)) if stack.on_postgres else ", ".join(["?"] * len(ids))
            rows = dict(hook.get_records(f'SELECT id, name FROM "{_table(code)}" WHERE id IN ({marks})', ids))
            for change in items:
                if _shown(change, rows):
                    change.seen = now
        stop.wait(POLL_SECONDS)


def make_changes(stack, changes: Changes, count: int, every: float, seed: int) -> None:
    """``count`` changes, one every ``every`` seconds: 60% edits, 25% creates, 15% deletes of
    objects this run created (once the warehouse shows them)."""
    control = stack.emulator.control
    rng = random.Random(seed)
    ids = {code: [o["ID"] for o in control.list_objects(code)] for code in CHANGED}
    project = ids["PROJ"][0]
    created: list[Change] = []
    start = time.monotonic()
    for seq in range(count):
        time.sleep(max(0.0, start + seq * every - time.monotonic()))
        roll = rng.random()
        deletable = [c for c in created if c.seen is not None]
        if roll < 0.15 and deletable:
            target = deletable.pop(rng.randrange(len(deletable)))
            created.remove(target)
            made = time.time()
            control.delete_object(target.code, target.obj_id)
            changes.add(Change(seq, "delete", target.code, target.obj_id, made))
        elif roll < 0.40:
            code = rng.choice(CHANGED)
            data = {"name": NAME.format(seq=seq)}
            if code != "PROJ":
                data["projectID"] = project
            made = time.time()
            obj = control.create_object(code, data)
            change = Change(seq, "create", code, obj["ID"], made)
            changes.add(change)
            created.append(change)
        else:
            code = rng.choice(CHANGED)
            obj_id = rng.choice(ids[code])
            made = time.time()
            control.edit_object(code, obj_id, {"name": NAME.format(seq=seq)})
            changes.add(Change(seq, "edit", code, obj_id, made))


def _api_requests(stack) -> int:
    """Workfront API requests the emulator has answered since its stats were reset."""
    by_route = stack.emulator.control.stats()["by_route"]
    return sum(n for route, n in by_route.items() if route.split(" ", 1)[-1].startswith("/attask/api"))


def burst(stack, count: int) -> dict:
    """``count`` tasks created at once (a bulk import): how long until all are rows, in how many
    runs and requests."""
    control = stack.emulator.control
    project = control.list_objects("PROJ")[0]["ID"]
    hook = stack.warehouse_hook()
    runs_before, requests_before = len(stack.runs()), _api_requests(stack)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda n: control.create_object("TASK", {"name": f"burst-{n:05d}", "projectID": project}),
                      range(count)))
    created = time.monotonic() - started
    deadline = started + DRAIN_SECONDS
    shown = 0
    while shown < count and time.monotonic() < deadline:
        shown = hook.get_first("SELECT count(*) FROM wf_task WHERE name LIKE 'burst-%'")[0]
        time.sleep(POLL_SECONDS)
    seconds = time.monotonic() - started
    stack.airflow.wait_for(lambda: all(r["state"] in ("success", "failed") for r in stack.runs()),
                           "the runs to finish", timeout=300, every=0.5)
    return {"count": count, "created_s": created, "seconds": seconds, "shown": shown,
            "runs": len(stack.runs()) - runs_before, "requests": _api_requests(stack) - requests_before}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure(args: argparse.Namespace) -> dict:
    """Start everything, make the changes, wait for them in the warehouse, compare the tables."""
    from airflow_workfront.mirror.objects import DEFAULT_OBJECTS
    from tests.mirror.freshness import MirrorStack

    objects = args.objects.split(",") if args.objects else list(DEFAULT_OBJECTS)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="wf-bench-freshness-") as tmp, \
            MirrorStack(Path(tmp), objects, executor=args.executor, warehouse=args.warehouse) as stack:
        started = time.monotonic()
        first = stack.wait_for_run("scheduled", timeout=900)
        stack.airflow._run("dags", "trigger", stack_dag_id())
        stack.wait_for_run("manual", timeout=900)
        setup_s = time.monotonic() - started
        runs_before = len(stack.runs())
        stack.emulator.control.reset_stats()
        changes, stop = Changes(), threading.Event()
        watcher = threading.Thread(target=watch, args=(stack, changes, stop), daemon=True)
        watcher.start()
        began = time.monotonic()
        make_changes(stack, changes, args.changes, args.every, args.seed)
        deadline = time.monotonic() + DRAIN_SECONDS
        while changes.pending() and time.monotonic() < deadline:
            time.sleep(0.5)
        stop.set()
        watcher.join()
        # The runs still going finish before the tables are compared.
        stack.airflow.wait_for(lambda: all(r["state"] in ("success", "failed") for r in stack.runs()),
                               "the runs to finish", timeout=300, every=0.5)
        elapsed = time.monotonic() - began
        runs = stack.runs()[runs_before:]
        requests = _api_requests(stack)
        deliveries = stack.emulator.control.event_deliveries()
        bulk = burst(stack, args.burst) if args.burst else None
        wrong = stack.exact()
        result = {
            "objects": len(objects), "executor": args.executor,
            "warehouse": "PostgreSQL" if stack.on_postgres else "SQLite",
            "first_run_tasks": len(first["tasks"]), "setup_s": setup_s, "elapsed_s": elapsed,
            "changes": changes.items, "wrong": wrong,
            "runs": {kind: sum(1 for r in runs if r["run_type"] == kind) for kind in {r["run_type"] for r in runs}},
            "failed_runs": sum(1 for r in runs if r["state"] != "success"),
            "synced_tasks": sum(1 for r in runs for s in r["tasks"].values() if s == "success"),
            "skipped_tasks": sum(1 for r in runs for s in r["tasks"].values() if s == "skipped"),
            "requests": requests, "deliveries": len(deliveries), "burst": bulk,
            "load_before": load_before, "load_after": os.getloadavg()[0],
        }
    return result


def stack_dag_id() -> str:
    from tests.mirror.freshness import DAG_ID

    return DAG_ID


def summary(result: dict) -> dict:
    """The headline figures."""
    seconds = [c.seconds for c in result["changes"] if c.seconds is not None]
    bulk = result["burst"]
    missed = sum(1 for c in result["changes"] if c.seen is None)
    times = seconds + [float("inf")] * missed
    burst_missed = bulk["count"] - bulk["shown"] if bulk else 0
    return {"p50": _percentile(times, 0.5), "p95": _percentile(times, 0.95), "max": max(times),
            "n": len(result["changes"]), "missed": missed,
            "runs": sum(result["runs"].values()), "exact": not result["wrong"] and not missed and not burst_missed}


def report(result: dict, quick: bool) -> list[str]:
    """Markdown lines for docs/benchmarks.md (and the console)."""
    head = summary(result)
    by_kind = []
    for kind in ("edit", "create", "delete"):
        values = [c.seconds for c in result["changes"] if c.kind == kind and c.seconds is not None]
        if values:
            by_kind.append(f"| {kind} | {len(values)} | {statistics.median(values):.1f} | "
                           f"{_percentile(values, 0.95):.1f} | {max(values):.1f} |")
    runs = ", ".join(f"{n} {kind.replace('_', '-')}" for kind, n in sorted(result["runs"].items()))
    missed = head["missed"]
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return [
        "### Freshness: a Workfront change to the warehouse row",
        "",
        f"Measured {now} with `.venv/bin/python benchmarks/bench_freshness.py{' --quick' if quick else ''}`: "
        f"the mirror of {result['objects']} object types (`example_workfront_mirror_events`), "
        f"{result['executor'].capitalize()}Executor, a {result['warehouse']} warehouse, on this 2-core machine "
        f"(load average {result['load_before']:.1f} before, {result['load_after']:.1f} after).",
        "",
        "| change | n | median (s) | p95 (s) | max (s) |",
        "|---|---|---|---|---|",
        *by_kind,
        "",
        f"- {head['n']} changes in {result['elapsed_s']:.0f} s made {head['runs']} runs ({runs}; "
        f"{result['failed_runs']} failed): {result['synced_tasks']} tasks synced, {result['skipped_tasks']} "
        f"skipped before they started (no worker, no request); {result['requests']} Workfront API requests; "
        f"{result['deliveries']} event deliveries.",
        *([f"- A burst: {b['count']:,} tasks created in {b['created_s']:.1f} s were all rows "
            f"{b['seconds']:.1f} s after the first, in {b['runs']} run{'' if b['runs'] == 1 else 's'} and "
            f"{b['requests']} Workfront API requests."
            if b["shown"] == b["count"] else f"- A burst: {b['count']:,} tasks created; {b['shown']} were rows "
            f"after {b['seconds']:.0f} s."] if (b := result["burst"]) else []),
        f"- Every table equal to Workfront afterwards: {'yes' if head['exact'] else 'no: ' + str(result['wrong'])}"
        f"{f' ({missed} changes never shown)' if missed else ''}.",
        "",
        "| how | a change reaches the table |",
        "|---|---|",
        f"| this provider, event-driven mirror | median {head['p50']:.1f} s, p95 {head['p95']:.1f} s (measured above) |",
        "| this provider, hourly mirror (timetable only) | up to 1 hour, 30 minutes on average |",
        "| Adobe Workfront Data Connect | refreshed every 4 hours |",
        "| Workato, Workfront polling trigger | polls no more often than every 5 minutes |",
        "| Fivetran-style connectors | every few hours by default |",
    ]


def write_docs(lines: list[str]) -> None:
    """Replace the section between the freshness markers of docs/benchmarks.md (appended when absent)."""
    text = DOCS.read_text()
    block = "\n".join([MARK_START, *lines, MARK_END])
    if MARK_START in text and MARK_END in text:
        before, rest = text.split(MARK_START, 1)
        text = before + block + rest.split(MARK_END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    DOCS.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="30 changes (default 120)")
    parser.add_argument("--changes", type=int, help="changes to make")
    parser.add_argument("--every", type=float, default=2.0, help="seconds between changes (default 2)")
    parser.add_argument("--objects", help="comma-separated object codes to mirror (default: every type, 21)")
    parser.add_argument("--executor", choices=("local", "celery"), default="local")
    parser.add_argument("--warehouse", choices=("auto", "postgres", "sqlite"), default="auto")
    parser.add_argument("--burst", type=int, default=1000, help="tasks created at once after the steady changes "
                        "(default 1000; 0: none)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--write-docs", action="store_true", help="update docs/benchmarks.md between its markers")
    args = parser.parse_args()
    args.changes = args.changes or (30 if args.quick else 120)
    result = measure(args)
    lines = report(result, args.quick)
    print("\n".join(lines))
    if args.write_docs:
        write_docs(lines)
    head = summary(result)
    print(f"freshness: p50 {head['p50']:.1f} s, p95 {head['p95']:.1f} s, max {head['max']:.1f} s, "
          f"{head['n']} changes, {head['runs']} runs, exact: {'yes' if head['exact'] else 'no'}")
    return 0 if head["exact"] else 1


if __name__ == "__main__":
    sys.exit(main())
