"""``make bench`` (mirror part): a whole mixed tenant mirrored into PostgreSQL under Workfront's cost per row.

    .venv/bin/python benchmarks/bench_mirror.py                    # 100,000 tasks, 200 ms + 0.5 ms a row
    .venv/bin/python benchmarks/bench_mirror.py --size 2000 --no-write
    .venv/bin/python benchmarks/bench_mirror.py --single           # also TASK alone: read, and sync into PostgreSQL

The emulator runs in its own process with ``--seed-size N`` (N tasks, N/5 issues, N/2 hours, N
assignments, N journal entries, N/50 projects, N/200 users) and the cost model: every answer takes
at least BASE ms plus MS_A_ROW per row it returns, and it refuses an 11th request in flight.
A ``WorkfrontMirror`` of the object types is built as a DAG would build it, and each of its tasks
(``WorkfrontToSqlOperator(fields="all")``) is executed the way Airflow's scheduler runs them from
one pool of 10 slots, each in a process of its own: a task starts when the pool has its
``pool_slots`` free (highest priority weight first, a task that does not fit lets later ones that
do go first), and its client keeps at most that many requests in flight. Every table lands in a fresh PostgreSQL schema. The window is the
mirror's first run: from the beginning up to the interval's end, every object.

Per type the table shows the rows Workfront counts and the table holds, the requests its task's
client sent (counted by the client; their sum must equal what the emulator received, or the run
fails), the pages that a perfect read needs, the task's wall time and when it started. The bound
is all those pages spread over 10 requests in flight, times a full page's latency under the model.
Results print as a table and replace the part of ``docs/benchmarks.md`` between this script's
``mirror-results`` markers (``--no-write`` leaves it alone).
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import signal
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))  # run.py: the machine line and the docs writer

API_KEY = "bench-key"
CLOCK = "2026-03-02T10:00:00Z"
END = datetime(2026, 3, 2, 10, tzinfo=timezone.utc)
PAGE = 2000
POOL = 10
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
#: The object types the seed fills (``--seed-size``): tasks and what grows with them.
OBJECTS = ("PROJ", "TASK", "OPTASK", "HOUR", "ASSGN", "USER", "JRNLE")
START_MARK, END_MARK = "<!-- mirror-results:start -->", "<!-- mirror-results:end -->"
WF_CONN, SQL_CONN = "wf_bench_mirror", "wf_bench_mirror_pg"
#: The hour after the first run: per type, objects edited and objects deleted (through the
#: emulator's control API, which journals the deletions; assignments are reconciled by ID).
HOURLY_CHANGES = {"TASK": (200, 10), "OPTASK": (50, 5), "HOUR": (50, 5), "ASSGN": (0, 20)}


def page_seconds(cost: tuple[float, float]) -> float:
    """A full page's latency under the model: the base plus 2000 rows."""
    return (cost[0] + cost[1] * PAGE) / 1000


def bound_seconds(pages: int, cost: tuple[float, float], slots: int = POOL) -> float:
    """All ``pages`` spread over ``slots`` requests in flight, times a full page's latency."""
    return math.ceil(pages / slots) * page_seconds(cost)


def start_emulator(size: int, cost: tuple[float, float]):
    """The emulator in its own process: ``size`` tasks and their tenant, the cost model, 10 in flight."""
    from airflow_workfront.emulator.testing import EmulatorProcess

    emulator = EmulatorProcess("--seed", "empty", "--seed-size", str(size), "--clock", CLOCK,
                               "--concurrency-limit", str(POOL), "--base-cost-ms", str(cost[0]),
                               "--row-cost-ms", str(cost[1]), api_key=API_KEY)
    emulator.control.advance_clock(60)  # Workfront's clock is past the window's end and its margin
    return emulator


class Schema:
    """A fresh PostgreSQL schema, and an Airflow connection whose tables land in it."""

    def __init__(self, uri: str) -> None:
        from airflow.providers.postgres.hooks.postgres import PostgresHook

        self.name = f"wf_bench_mirror_{uuid.uuid4().hex[:8]}"
        os.environ["AIRFLOW_CONN_WF_BENCH_MIRROR_ADMIN"] = uri
        self.admin = PostgresHook(postgres_conn_id="wf_bench_mirror_admin")
        self.admin.run(f'CREATE SCHEMA "{self.name}"')
        sep = "&" if "?" in uri else "?"
        self._variable = f"AIRFLOW_CONN_{SQL_CONN.upper()}"
        self._before = os.environ.get(self._variable)  # a schema made while another is in use gives it back
        os.environ[self._variable] = f"{uri}{sep}options={quote(f'-c search_path={self.name}')}"

    def drop(self) -> None:
        """Remove the schema and every table in it; the connection names the schema it named before."""
        self.admin.run(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE')
        if self._before is None:
            os.environ.pop(self._variable, None)
        else:
            os.environ[self._variable] = self._before


def _run_task(op: Any, context: dict, answer: Any) -> None:
    """In a task's own process: execute ``op`` and send back its summary (or the error that stopped
    it), the requests its clients counted and the process's CPU seconds."""
    from airflow_workfront.hooks.workfront import WorkfrontHook

    clients: list[Any] = []
    original = WorkfrontHook.get_conn

    def get_conn(hook):  # every client the task's hooks make, to read their request counts
        client = original(hook)
        if all(c is not client for c in clients):
            clients.append(client)
        return client

    WorkfrontHook.get_conn = get_conn  # type: ignore[method-assign]
    try:
        outcome: dict[str, Any] = {"summary": op.execute(dict(context))}
    except Exception as exc:  # reported with the table, and the run fails
        outcome = {"error": f"{type(exc).__name__}: {exc}"}
    times = os.times()
    outcome.update(requests=sum(c.stats.total for c in clients), cpu=times.user + times.system)
    answer.send(outcome)
    answer.close()


def run_pool(operators: list[Any], context: dict, slots: int = POOL) -> dict[str, dict]:
    """Execute each operator once it fits in a pool of ``slots`` slots, highest ``priority_weight``
    first as Airflow's scheduler orders them (ties in the order given; one that does not fit lets
    the next ones that fit go first), each in a process of its own, forked as
    Airflow's executors start a task: so each task's client has its own process-wide cap on
    requests to the host (client/concurrency.py), as it has under Airflow. Per task: its summary,
    start and end (seconds from the pool's start), requests and CPU, or the error that stopped it."""
    import multiprocessing

    fork = multiprocessing.get_context("fork")
    results: dict[str, dict] = {}
    free = slots
    waiting = sorted(operators, key=lambda op: -op.priority_weight)  # stable: ties keep the group's order
    changed = threading.Condition()
    started = time.perf_counter()

    def run(op: Any) -> None:
        nonlocal free
        begin = time.perf_counter() - started
        receive, answer = fork.Pipe(duplex=False)
        process = fork.Process(target=_run_task, args=(op, context, answer), name=f"task-{op.task_id}")
        process.start()
        answer.close()
        try:
            outcome = receive.recv()
        except EOFError:
            outcome = {"error": "the task's process died without an answer", "requests": 0, "cpu": 0.0}
        process.join()
        outcome.update(start=begin, end=time.perf_counter() - started)
        with changed:
            results[op.task_id] = outcome
            free += op.pool_slots
            changed.notify_all()

    threads = []
    with changed:
        while waiting:
            fits = next((op for op in waiting if op.pool_slots <= free), None)
            if fits is None:
                changed.wait()
                continue
            waiting.remove(fits)
            free -= fits.pool_slots
            thread = threading.Thread(target=run, args=(fits,), name=f"task-{fits.task_id}")
            threads.append(thread)
            thread.start()
    for thread in threads:
        thread.join()
    return results


def tenant_counts(base_url: str, codes: list[str]) -> dict[str, int]:
    """Workfront's count of each type, before the run (one request each, not timed)."""
    from airflow_workfront.client import ApiKeyAuth, ClientConfig, WorkfrontClient

    with WorkfrontClient(ClientConfig(host=base_url, auth=ApiKeyAuth(API_KEY))) as client:
        return {code: int(client.count(code)) for code in codes}


def mirror_tasks(codes: list[str], fields: list[str] | None = None, prefix: str = "wf_") -> list[Any]:
    """The tasks of a ``WorkfrontMirror`` of ``codes``, in the group's order, as a DAG file makes them
    (``fields``: instead of every field, these, for every type)."""
    from airflow.sdk import DAG

    from airflow_workfront.mirror import WorkfrontMirror

    with DAG("bench_mirror", schedule=None, start_date=datetime(2026, 1, 1, tzinfo=timezone.utc)) as dag:
        WorkfrontMirror(group_id="workfront", sql_conn_id=SQL_CONN, workfront_conn_id=WF_CONN, objects=codes,
                        table_prefix=prefix, on_count_mismatch="fail",
                        task_kwargs={"fields": fields} if fields else None)
    return [dag.task_dict[f"workfront.{code.lower()}"] for code in codes]


def measure_mirror(base_url: str, codes: list[str], postgres: str, fields: list[str] | None = None,
                   between_runs: Any = None,
                   next_hour: Any = None) -> tuple[dict[str, dict], float, int, dict[str, Any] | None]:
    """The mirror's first run into a fresh schema: per task its outcome and requests, the wall time,
    and the requests the tasks' clients counted. ``between_runs`` (a callable) is called right
    after it. With ``next_hour`` (a callable that makes the hour's changes in Workfront and returns
    what it did), also the next hourly run into the same tables, timed the same way:
    ``{"changes", "results", "wall", "sent"}``."""
    schema = Schema(postgres)
    hourly = None
    try:
        operators = mirror_tasks(codes, fields)
        # The window of a mirror's first run: from the beginning to the end of its interval.
        context = {"data_interval_start": datetime(1970, 1, 1, tzinfo=timezone.utc), "data_interval_end": END}
        started = time.perf_counter()
        results = run_pool(operators, context)
        wall = time.perf_counter() - started
        sent = sum(r["requests"] for r in results.values())
        if between_runs is not None:
            between_runs()
        if next_hour is not None:
            changes = next_hour()
            context = {"data_interval_start": END, "data_interval_end": END + timedelta(hours=1)}
            started = time.perf_counter()
            second = run_pool(operators, context)
            hourly = {"changes": changes, "results": second, "wall": time.perf_counter() - started,
                      "sent": sum(r["requests"] for r in second.values())}
    finally:
        schema.drop()
    for op in operators:
        results[op.task_id]["pool_slots"] = op.pool_slots
    return results, wall, sent, hourly


def make_hour_of_changes(emulator: Any, codes: list[str]) -> Any:
    """A callable that edits and deletes objects inside the hour after the first run's window, then
    moves Workfront's clock past that hour's end (and its margin), and returns what it changed."""
    from airflow_workfront.client import ApiKeyAuth, ClientConfig, WorkfrontClient

    def change() -> dict[str, dict[str, int]]:
        done: dict[str, dict[str, int]] = {}
        with WorkfrontClient(ClientConfig(host=emulator.base_url, auth=ApiKeyAuth(API_KEY))) as client:
            for code, (edits, deletes) in HOURLY_CHANGES.items():
                if code not in codes:
                    continue
                ids = [str(r["ID"]) for r in client.search_page(code, fields=["ID"], limit=edits + deletes)]
                for obj_id in ids[:edits]:
                    emulator.control.edit_object(code, obj_id, {"description": "changed in the benchmark's hour"})
                for obj_id in ids[edits:]:
                    emulator.control.delete_object(code, obj_id)
                done[code] = {"edited": min(edits, len(ids)), "deleted": max(0, len(ids) - edits)}
        emulator.control.advance_clock(3600)
        emulator.control.reset_stats()
        return done

    return change


def measure_single(base_url: str, postgres: str) -> dict[str, float]:
    """TASK alone with 10 requests in flight (the issue's one-object figures): the read into a sink that
    keeps nothing, and the sync into PostgreSQL, both with the fields of ``benchmarks/run.py``."""
    from null_sink import NullSink
    from run import FIELDS

    from airflow_workfront.client import ApiKeyAuth, ClientConfig, WorkfrontClient
    from airflow_workfront.sync import SqlSink, SyncEngine, SyncWindow

    window = SyncWindow(datetime(1970, 1, 1, tzinfo=timezone.utc), END)
    out: dict[str, float] = {}
    schema = Schema(postgres)
    try:
        for name, sink in (("read", NullSink()), ("sync into PostgreSQL", SqlSink("wf_task_alone", conn_id=SQL_CONN))):
            with WorkfrontClient(ClientConfig(host=base_url, auth=ApiKeyAuth(API_KEY))) as client:
                started = time.perf_counter()
                summary = SyncEngine(client, "TASK", FIELDS.split(","), deletes="none").run(window, sink)
                out[name] = time.perf_counter() - started
                out[f"{name} requests"] = client.stats.total
                out[f"{name} rows"] = summary.fetched
    finally:
        schema.drop()
    return out


def table(results: dict[str, dict], counts: dict[str, int], wall: float, received: int, cost: tuple[float, float],
          single: dict[str, float] | None, size: int, command: str) -> list[str]:
    """The printed (and documented) table."""
    pages = {code: math.ceil(n / PAGE) for code, n in counts.items()}
    bound = bound_seconds(sum(pages.values()), cost)
    lines = ["| type | rows in Workfront | rows in the table | requests | pages needed | slots | started (s) | "
             "wall (s) | reading (s) | deletes (s) |", "|---|---|---|---|---|---|---|---|---|---|"]
    for code, n in counts.items():
        r = results[f"workfront.{code.lower()}"]
        table_rows = r.get("summary", {}).get("counts", {}).get("table", "error")
        summary = r.get("summary", {})
        reading, deletes = _phases(summary)
        lines.append(f"| {code} | {n:,} | {table_rows if isinstance(table_rows, str) else f'{table_rows:,}'} | "
                     f"{r['requests']} | {pages[code]} | {r['pool_slots']} | {r['start']:.2f} | "
                     f"{r['end'] - r['start']:.2f} | {reading} | {deletes} |")
    lines.append(f"| all | {sum(counts.values()):,} | | {received} | {sum(pages.values())} | {POOL} | | {wall:.2f} | | |")
    met = "met" if wall <= 1.3 * bound else "not met"
    lines += ["", f"Total wall time {wall:.2f} s; bound {bound:.2f} s ({sum(pages.values())} pages over {POOL} "
                  f"requests in flight x {page_seconds(cost):.2f} s a page); ratio **{wall / bound:.2f}x** "
                  f"(target 1.3x: {met})."]
    if single:
        one = bound_seconds(math.ceil(size / PAGE), cost)
        lines += ["", "TASK alone, 10 requests in flight, the fields of `benchmarks/run.py`:", "",
                  "| step | rows | requests | wall (s) | x the bound | target |", "|---|---|---|---|---|---|"]
        for step, target in (("read", 1.15), ("sync into PostgreSQL", 1.2)):
            lines.append(f"| {step} | {single[f'{step} rows']:,.0f} | {single[f'{step} requests']:.0f} | "
                         f"{single[step]:.2f} | {single[step] / one:.2f}x | {target}x: "
                         f"{'met' if single[step] <= target * one else 'not met'} |")
        lines.append(f"| bound: {math.ceil(size / PAGE)} pages over {POOL} slots | | | {one:.2f} | 1.00x | |")
    lines += ["", f"Reproduce: `{command}`"]
    return lines


def hourly_table(hourly: dict[str, Any], codes: list[str]) -> list[str]:
    """The next hourly run's lines: what changed in the hour, then per type what the run did."""
    changed = "; ".join(f"{code}: {c['edited']} edited, {c['deleted']} deleted" for code, c in hourly["changes"].items())
    lines = ["", f"The next hourly run, an hour later, into the same tables (changes in the hour: {changed}). "
                 "Assignments have no journaled deletions, so this run reconciles every assignment ID:", "",
             "| type | rows read | deleted | requests | wall (s) | reading (s) | deletes (s) | counts |",
             "|---|---|---|---|---|---|---|---|"]
    for code in codes:
        r = hourly["results"][f"workfront.{code.lower()}"]
        summary = r["summary"]
        reading, deletes = _phases(summary)
        counts = summary.get("counts", {})
        agree = "match" if counts.get("matches") else f"{counts.get('workfront')} vs {counts.get('table')}"
        lines.append(f"| {code} | {summary.get('fetched', 0):,} | {summary.get('deleted', 0)} | "
                     f"{r['requests']} | {r['end'] - r['start']:.2f} | {reading} | {deletes} | {agree} |")
    lines.append(f"| all | | | {hourly['sent']} | {hourly['wall']:.2f} | | | |")
    return lines


def check_run(name: str, results: dict[str, dict], sent: int, stats: dict[str, Any]) -> None:
    """Stop unless every task succeeded, the clients' count equals what the emulator received, and
    no request was refused or over the limit."""
    failed = {task: r["error"] for task, r in results.items() if "error" in r}
    if failed:
        raise SystemExit(f"{name}: mirror tasks failed: {failed}")
    if stats["total"] != sent:
        raise SystemExit(f"{name}: the emulator received {stats['total']} requests, the tasks' clients counted {sent}")
    if stats["rejected_429"] or stats["max_in_flight"] > POOL:
        raise SystemExit(f"{name}: more than {POOL} requests in flight: {stats}")


def _phases(summary: dict) -> tuple[str, str]:
    """A task's engine run split as the engine timed it: closing and reading every page into the
    table, then finding deletions (journal entries, or every ID for a reconciliation)."""
    if "read_s" not in summary or "duration_s" not in summary:
        return "", ""  # a type read whole (no date field) has no such split
    return f"{summary['read_s']:.2f}", f"{summary['duration_s'] - summary['read_s']:.2f}"


def write_docs(text: str) -> None:
    """Replace this script's part of docs/benchmarks.md (between its markers; added at the end once)."""
    page = ROOT / "docs" / "benchmarks.md"
    current = page.read_text()
    if START_MARK not in current or END_MARK not in current:
        current = current.rstrip("\n") + f"\n\n## The whole mirror under the cost model\n\n{START_MARK}\n{END_MARK}\n"
    head, rest = current.split(START_MARK, 1)
    page.write_text(f"{head}{START_MARK}\n{text}\n{END_MARK}{rest.split(END_MARK, 1)[1]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000, help="tasks (the rest of the tenant grows with them)")
    parser.add_argument("--cost", default="200,0.5", help="cost model BASE_MS,MS_A_ROW")
    parser.add_argument("--objects", default=",".join(OBJECTS), help="object codes to mirror, comma-separated")
    parser.add_argument("--postgres", default=os.environ.get("WF_TEST_POSTGRES_URI", DEFAULT_POSTGRES))
    parser.add_argument("--fields", default="all",
                        help="'all' (every field, as the mirror reads) or a comma list read for every type")
    parser.add_argument("--single", action="store_true", help="also TASK alone: the read, and the sync into PostgreSQL")
    parser.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks.md")
    parser.add_argument("--verbose", action="store_true", help="keep the tasks' progress logs")
    parser.add_argument("--no-hour", action="store_true", help="skip the next hourly run after the first")
    parser.add_argument("--json", action="store_true", help="print the per-type figures as JSON on the last line")
    args = parser.parse_args()
    cost = tuple(float(x) for x in args.cost.split(","))
    if len(cost) != 2:
        raise SystemExit(f"--cost takes BASE_MS,MS_A_ROW (e.g. 200,0.5), got {args.cost!r}")
    codes = [c.strip().upper() for c in args.objects.split(",") if c.strip()]
    fields = None if args.fields == "all" else [f.strip() for f in args.fields.split(",") if f.strip()]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwinds, so the emulator and the schema go too
    os.environ[f"AIRFLOW_CONN_{WF_CONN.upper()}"] = "{}"  # replaced once the emulator's port is known
    if not args.verbose:  # a page's progress line per task is the task log's business, not this table's
        os.environ["AIRFLOW__LOGGING__LOGGING_LEVEL"] = "WARNING"
    import airflow.sdk  # noqa: F401  (Airflow sets its logging up on import; quieted below)
    from run import commit_label, machine, process_cpu_seconds

    import airflow_workfront.operators.sync  # noqa: F401  (imports before the clock starts, as a worker has them)
    if not args.verbose:
        logging.disable(logging.INFO)

    emulator = start_emulator(args.size, cost)  # type: ignore[arg-type]
    try:
        os.environ[f"AIRFLOW_CONN_{WF_CONN.upper()}"] = json.dumps(
            {"conn_type": "workfront", "host": emulator.base_url, "password": API_KEY})
        counts = tenant_counts(emulator.base_url, codes)
        load_before = os.getloadavg()[0]
        emulator.control.reset_stats()
        emulator_cpu = process_cpu_seconds(emulator.proc.pid)
        stats: dict[str, Any] = {}
        single: dict[str, float] | None = None

        def between_runs() -> None:  # the first run's figures, and TASK alone, before anything changes
            nonlocal single
            stats.update(emulator.control.stats(), cpu=process_cpu_seconds(emulator.proc.pid) - emulator_cpu,
                         load_after=os.getloadavg()[0])
            if args.single:
                single = measure_single(emulator.base_url, args.postgres)

        results, wall, sent, hourly = measure_mirror(
            emulator.base_url, codes, args.postgres, fields, between_runs,
            None if args.no_hour else make_hour_of_changes(emulator, codes))
        if hourly is not None:
            hourly["stats"] = emulator.control.stats()
        cpu = (sum(r.get("cpu", 0.0) for r in results.values()), stats["cpu"])
    finally:
        emulator.stop()
    check_run("the first run", results, sent, stats)
    if hourly is not None:
        check_run("the hourly run", hourly["results"], hourly["sent"], hourly["stats"])
    command = "make bench  # .venv/bin/python benchmarks/bench_mirror.py " + " ".join(sys.argv[1:])
    described = "every field of each type (`fields='all'`)" if fields is None else ", ".join(fields)
    lines = [f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {commit_label()}, {machine()}; "
             f"load average {load_before:.1f} before the mirror, {stats['load_after']:.1f} at the end.",
             f"{args.size:,} tasks; every answer takes at least {cost[0]:g} ms plus {cost[1]:g} ms a row "
             f"({page_seconds(cost):.2f} s a full page); at most {stats['max_in_flight']} requests were in flight "
             f"at the emulator. Fields: {described}.",
             f"CPU over the mirror: {cpu[0]:.1f} s in the tasks' processes (their clients and sinks), "
             f"{cpu[1]:.1f} s in the emulator, which works on one request at a time.", "",
             *table(results, counts, wall, stats["total"], cost, single, args.size, command.strip())]  # type: ignore[arg-type]
    if hourly is not None:
        lines[-2:-2] = hourly_table(hourly, codes)
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_docs(text)
    if args.json:
        print(json.dumps({"wall": wall, "received": stats["total"], "counts": counts, "emulator_cpu": cpu[1],
                          "requests": {t: r["requests"] for t, r in results.items()},
                          "fetched": {t: r["summary"].get("fetched") for t, r in results.items()},
                          "hourly": None if hourly is None else {
                              "changes": hourly["changes"], "received": hourly["stats"]["total"],
                              "requests": {t: r["requests"] for t, r in hourly["results"].items()},
                              "deleted": {t: r["summary"].get("deleted") for t, r in hourly["results"].items()},
                              "counts": {t: r["summary"].get("counts") for t, r in hourly["results"].items()}}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
