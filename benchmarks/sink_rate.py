"""``make bench`` (second part): how fast the SQL sink writes into PostgreSQL, next to how fast the sync reads.

The emulator (own process) holds N tasks. The sync reads them once into a sink that only keeps
the pages (the read rate), then those same pages are written with ``SqlSink`` into a fresh
PostgreSQL table, in ``upsert`` and in ``history`` mode (the write rates), page by page as the
engine hands them over. The target: writing takes at most twice as long as reading. Last, the
whole sync runs into PostgreSQL in each mode (end to end: the engine reads the next pages while
the sink writes one), next to the same sync into a sink that keeps nothing.

    .venv/bin/python benchmarks/sink_rate.py                 # N = 100,000, PostgreSQL on 127.0.0.1:5432/test
    .venv/bin/python benchmarks/sink_rate.py --size 5000 --postgres postgresql://user@host:5432/db
    .venv/bin/python benchmarks/sink_rate.py --repeat 5   # read and write 5 times, interleaved; medians

On a shared machine a single read or write can take twice as long as the next one; with
``--repeat`` each round reads then writes back to back, and the table shows each step's median
and the median of the rounds' write/read ratios (the ratio is what the target is about). CPU
seconds are less sensitive to the load than wall time: each step's CPU is this process's plus
the other side's, the emulator's for reading, the sink's PostgreSQL backend's for writing (read
from ``/proc``, so only for a server on this machine; blank otherwise).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))  # run.py: the machine line and the docs writer of make bench
API_KEY = "bench-key"
CLOCK = "2026-03-02T10:00:00Z"
FIELDS = ["ID", "name", "status", "projectID", "plannedCompletionDate", "percentComplete", "priority"]
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
SINK_START, SINK_END = "<!-- sink-rate:start -->", "<!-- sink-rate:end -->"


def cpu_of(pid: int | None) -> float:
    """CPU seconds (user + system) process ``pid`` has used, from ``/proc``; NaN when it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")


def sync_into(base_url: str, sink) -> float:
    """Seconds for one sync of the benchmark window into ``sink``."""
    from airflow_workfront.client import ApiKeyAuth, ClientConfig, WorkfrontClient
    from airflow_workfront.sync import SyncEngine, SyncWindow

    client = WorkfrontClient(ClientConfig(host=base_url, auth=ApiKeyAuth(API_KEY)))
    window = SyncWindow(datetime(2026, 3, 2, 8, tzinfo=timezone.utc), datetime(2026, 3, 2, 10, tzinfo=timezone.utc))
    try:
        started = time.perf_counter()
        # The emulator's clock is frozen at the window end: no closing margin to wait for.
        SyncEngine(client, "TASK", FIELDS, deletes="none", margin=timedelta(0)).run(window, sink)
        return time.perf_counter() - started
    finally:
        client.close()


def keeping_sink(keep: bool = True):
    """A sink that keeps the pages it is given (or only counts them)."""
    from airflow_workfront.sync.sinks.base import Sink

    class KeepingSink(Sink):
        uses_metadata = True

        def __init__(self) -> None:
            self.pages: list[list[dict]] = []
            self.kinds = None

        def open(self, target):
            self.kinds = target.field_kinds

        def write_page(self, records, *, partition, page):
            if keep:
                self.pages.append(records)
            return len(records)

        def delete(self, ids, *, batch):
            return 0

    return KeepingSink()


def write_pages(pages: list[list[dict]], kinds: dict | None, mode: str, conn_id: str) -> tuple[float, float]:
    """Seconds and CPU seconds (here and in the PostgreSQL backend) to write ``pages`` into a fresh
    table in ``mode``, opening the sink as a run does."""
    from airflow_workfront.sync import SqlSink, SyncTarget, SyncWindow

    table = f"wf_bench_{mode}_{uuid.uuid4().hex[:8]}"
    sink = SqlSink(table, conn_id=conn_id, mode=mode)
    sink.hook.get_records("SELECT 1")  # the driver's first-use imports: paid once per task, not per row
    # The run's connection, opened ahead so its server process can be found (the sink reuses it).
    sink._conn = sink.hook.get_conn()
    with sink._conn.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        backend = cur.fetchone()[0]
    sink._conn.commit()
    window = SyncWindow(datetime(2026, 3, 2, 8, tzinfo=timezone.utc), datetime(2026, 3, 2, 10, tzinfo=timezone.utc))
    try:
        started, cpu = time.perf_counter(), time.process_time() + cpu_of(backend)
        sink.open(SyncTarget("TASK", tuple(FIELDS), "lastUpdateDate", window, kinds))
        for n, page in enumerate(pages):
            sink.write_page(page, partition=0, page=n)
        cpu = time.process_time() + cpu_of(backend) - cpu  # before close(): it ends the backend
        sink.close(None)  # type: ignore[arg-type]  # the SQL sink reads nothing from the summary
        seconds = time.perf_counter() - started
        (rows,) = sink.hook.get_records(f'SELECT COUNT(*) FROM "{table}"')[0]
        assert rows == sum(map(len, pages)), f"{table} holds {rows} rows"
    finally:
        sink.hook.run(f'DROP TABLE IF EXISTS "{table}"; DROP TABLE IF EXISTS "{table}_wf_columns"')
    return seconds, cpu


def docs_section(n: int, rounds: int, table: list[str], verdict: str) -> str:
    """The generated part of docs/benchmarks.md: when, where, on which commit, how, and the table."""
    from run import commit_label, machine

    command = " ".join(["benchmarks/sink_rate.py", *sys.argv[1:]])
    return "\n".join([
        f"Measured {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC on {commit_label()}, "
        f"{machine()}, PostgreSQL on loopback, load average {os.getloadavg()[0]:.1f} at the end. "
        f"{n:,} tasks, {rounds} round(s), medians.",
        f"Reproduce: `.venv/bin/python {command}`", "", *table, "", verdict])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000, help="tasks to read and write")
    parser.add_argument("--postgres", default=os.environ.get("WF_TEST_POSTGRES_URI", DEFAULT_POSTGRES))
    parser.add_argument("--repeat", type=int, default=1, help="rounds of read-then-write; medians are shown")
    parser.add_argument("--write-docs", action="store_true",
                        help="write the table between the sink-rate markers of docs/benchmarks.md")
    args = parser.parse_args()
    os.environ["AIRFLOW_CONN_WF_BENCH_PG"] = args.postgres
    # A SIGTERM unwinds like Ctrl-C, so the emulator process is stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    from airflow_workfront.emulator.testing import EmulatorProcess
    from airflow_workfront.sync import SqlSink

    emulator = EmulatorProcess("--seed", "empty", "--seed-size", str(args.size), "--clock", CLOCK, api_key=API_KEY)
    try:
        rounds = []  # per round: read seconds and each mode's write seconds, measured back to back
        cpus = []  # the same in CPU seconds
        for _ in range(max(1, args.repeat)):
            kept = keeping_sink()
            cpu = time.process_time() + cpu_of(emulator.proc.pid)
            read_round = sync_into(emulator.base_url, kept)
            read_cpu = time.process_time() + cpu_of(emulator.proc.pid) - cpu
            pages, kinds = kept.pages, kept.kinds
            n = sum(map(len, pages))
            try:
                done = {m: write_pages(pages, kinds, m, "wf_bench_pg") for m in ("upsert", "history")}
            except Exception as exc:  # no server: say so, as the other benchmarks do for what they cannot run
                print(f"SQL sink write rate: not run ({type(exc).__name__}: {str(exc)[:200]})")
                return 0
            rounds.append((read_round, {m: s for m, (s, _) in done.items()}))
            cpus.append((read_cpu, {m: c for m, (_, c) in done.items()}))
            del pages, kept
        read_s = statistics.median(r for r, _ in rounds)
        writes = {m: statistics.median(w[m] for _, w in rounds) for m in ("upsert", "history")}
        ratios = {m: statistics.median(w[m] / r for r, w in rounds) for m in ("upsert", "history")}
        read_cpu = statistics.median(r for r, _ in cpus)
        write_cpus = {m: statistics.median(w[m] for _, w in cpus) for m in ("upsert", "history")}
        cpu_ratios = {m: statistics.median(w[m] / r for r, w in cpus) for m in ("upsert", "history")}
        nothing_s = sync_into(emulator.base_url, keeping_sink(keep=False))
        end_to_end = {}
        for mode in ("upsert", "history"):
            table = f"wf_bench_e2e_{mode}_{uuid.uuid4().hex[:8]}"
            sink = SqlSink(table, conn_id="wf_bench_pg", mode=mode)
            try:
                end_to_end[mode] = sync_into(emulator.base_url, sink)
            finally:
                sink.hook.run(f'DROP TABLE IF EXISTS "{table}"; DROP TABLE IF EXISTS "{table}_wf_columns"')
    finally:
        emulator.stop()
    table = ["| step | seconds | rows/s | vs reading | CPU s | CPU vs reading |", "|---|---|---|---|---|---|",
             f"| sync reads from the emulator | {read_s:.2f} | {n / read_s:,.0f} | 1.00x | {read_cpu:.2f} | 1.00x |"]
    for mode, seconds in writes.items():
        table.append(f"| SqlSink writes, mode={mode} | {seconds:.2f} | {n / seconds:,.0f} | {ratios[mode]:.2f}x "
                     f"| {write_cpus[mode]:.2f} | {cpu_ratios[mode]:.2f}x |")
    table.append(f"| whole sync into a sink that keeps nothing | {nothing_s:.2f} | {n / nothing_s:,.0f} | | | |")
    for mode, seconds in end_to_end.items():
        table.append(f"| whole sync into PostgreSQL, mode={mode} | {seconds:.2f} | {n / seconds:,.0f} "
                     f"| {seconds / nothing_s:.2f}x the sync into nothing | | |")
    print(f"\nSQL sink into PostgreSQL, {n:,} tasks, fields {','.join(FIELDS)}, "
          f"{len(rounds)} round(s) (medians)\n")
    print("\n".join(table))
    met = all(r <= 2 for r in ratios.values())
    verdict = (f"Target, writing takes at most 2x reading: {'met' if met else 'not met'} (upsert "
               f"{ratios['upsert']:.2f}x, history {ratios['history']:.2f}x, medians of the rounds' ratios).")
    print(f"\n{verdict}")
    if args.write_docs:
        from run import write_results

        write_results(docs_section(n, len(rounds), table, verdict), SINK_START, SINK_END)
    print(json.dumps({"tasks": n, "rounds": [[round(r, 3), {m: round(s, 3) for m, s in w.items()}] for r, w in rounds],
                      "cpu_rounds": [[round(r, 3), {m: round(s, 3) for m, s in w.items()}] for r, w in cpus],
                      "read_s": round(read_s, 3), **{f"{m}_s": round(s, 3) for m, s in writes.items()},
                      "sync_nothing_s": round(nothing_s, 3),
                      **{f"sync_{m}_s": round(s, 3) for m, s in end_to_end.items()}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
