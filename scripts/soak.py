"""``make soak``: the incremental sync under heavy concurrent edits, repeated with the CPU loaded.

One trial (issue 12, point 1):

1. The emulator, in its own process, is reset to 30,000 tasks dated in the hour before its clock.
2. An editor, in its own process, edits, creates and deletes tasks through the control API
   (``/_emulator/objects/...``) at about 125 changes a second, and logs each change.
3. Meanwhile three consecutive windows are synced into SQLite (page size 500, 10 workers), as a
   recurring DAG would: its data intervals are the first and second thirds of "the hour before
   now" (now being the emulator's clock when the first run starts), then, once the editor has
   stopped, the rest up to the emulator's clock (which holds every change the editor made). Each
   run starts reading where :mod:`airflow_workfront.sync.coverage` says the operator would (the
   first one loads what came before its interval), with the default lookback and margin.
4. The warehouse is compared with the emulator: every task Workfront has must be there once, at
   its current ``lastUpdateDate``, and nothing else.

``--windows seed`` starts the first interval at the seed's earliest date instead, and
``--legacy`` reads with the rules of the day issue 12 was filed (each run reads exactly its
interval: no lookback, no margin, no gap filling). Together they test the partition code alone;
``--legacy`` with the default ``--windows now`` shows the loss the issue reported: the tasks
dated before the first interval and never edited since are missing, and nothing is extra or stale.

Busy processes keep every core loaded for the whole run. A failing trial prints each missing,
extra or stale ID with its history (seeded date, every change the editor made to it) and the
requests that covered its key: window, partition, cut, page, filters and what came back.

Every trial is bounded (``--trial-timeout``) and so is the run (``--trials``, ``--max-minutes``).
The exit status is 1 when any trial failed.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import shlex
import signal
import sqlite3
import sys
import tempfile
import threading
import time
import traceback
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
UTC = timezone.utc


def say(message: str) -> None:
    print(f"[soak] {message}", flush=True)


# -- load and editor processes --------------------------------------------------------------------


def burn(stop: Any) -> None:
    """Keep one core busy until ``stop`` is set."""
    x = 0
    while not stop.is_set():
        for _ in range(100_000):
            x = (x * 31 + 7) % 1_000_003


def edit_loop(base_url: str, ids: list[str], project_id: str, rate: float, seed: int, threads: int, go: Any,
              stop: Any, log_path: str) -> None:
    """Edit (60%), create (20%) and delete (20%) tasks at ``rate`` changes a second until ``stop``.

    ``threads`` threads share the pace, so a slow answer does not slow the changes down. Each change
    is logged as one JSON line: kind, ID, the ``lastUpdateDate`` it gave (edits and creates), and
    wall times before and after the request.
    """
    import httpx

    rng = random.Random(seed)
    alive = list(ids)
    lock = threading.Lock()
    log = open(log_path, "w")  # noqa: SIM115 - closed below, after every thread
    go.wait()
    started = time.monotonic()
    issued = 0

    def work() -> None:
        nonlocal issued
        http = httpx.Client(base_url=f"{base_url}/_emulator", timeout=60)
        while not stop.is_set():
            with lock:
                due = started + issued / rate
                issued += 1
                roll = rng.random()
                obj_id = None
                if roll >= 0.2 and alive:
                    at = rng.randrange(len(alive))
                    obj_id = alive.pop(at) if roll < 0.4 else alive[at]
                percent = rng.randrange(101)
            delay = due - time.monotonic()
            if delay > 0 and stop.wait(delay):
                break
            before = time.time()
            try:
                if obj_id is None:
                    r = http.post("/objects/TASK", json={"name": "soak", "projectID": project_id})
                    r.raise_for_status()
                    entry = {"kind": "create", "id": r.json()["ID"], "date": r.json()["lastUpdateDate"]}
                    with lock:
                        alive.append(entry["id"])
                elif roll < 0.4:
                    http.delete(f"/objects/TASK/{obj_id}").raise_for_status()
                    entry = {"kind": "delete", "id": obj_id}
                else:
                    r = http.patch(f"/objects/TASK/{obj_id}", json={"percentComplete": percent})
                    r.raise_for_status()
                    entry = {"kind": "edit", "id": obj_id, "date": r.json()["lastUpdateDate"]}
            except httpx.HTTPError as err:
                entry = {"kind": "error", "id": obj_id, "error": repr(err)}
            entry.update(t0=before, t1=time.time())
            with lock:
                log.write(json.dumps(entry) + "\n")
        http.close()

    workers = [threading.Thread(target=work, daemon=True) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    log.close()


# -- request recording ----------------------------------------------------------------------------


@dataclass
class Call:
    """One request the sync made, with what came back."""

    window: int
    thread: str
    kind: str
    t0: float
    t1: float
    filters: dict
    first: int = 0
    limit: int = 0
    rows: list[tuple[str, str]] = field(default_factory=list)  # (date, ID) in the order received
    count: int | None = None


class RecordingClient:
    """Wraps a client and records every search and count (the sync's only reads)."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.window = 0
        self.calls: list[Call] = []
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def search_page(self, obj_code: str, filters: Any = None, fields: Any = None, sort: Any = None, first: int = 0,
                    limit: int = 2000) -> list[dict]:
        t0 = time.time()
        rows = self._client.search_page(obj_code, filters=filters, fields=fields, sort=sort, first=first, limit=limit)
        call = Call(self.window, threading.current_thread().name, f"search {obj_code}", t0, time.time(),
                    dict(filters or {}), first, limit,
                    [(str(r.get("lastUpdateDate") or r.get("entryDate")), str(r.get("ID") or r.get("objID"))) for r in rows])
        with self._lock:
            self.calls.append(call)
        return rows

    def count(self, obj_code: str, filters: Any = None) -> int:
        t0 = time.time()
        n = self._client.count(obj_code, filters=filters)
        with self._lock:
            self.calls.append(Call(self.window, threading.current_thread().name, f"count {obj_code}", t0, time.time(),
                                   dict(filters or {}), count=n))
        return n


# -- one trial ------------------------------------------------------------------------------------


@dataclass
class TrialResult:
    trial: int
    ok: bool
    seconds: float
    changes: int
    rate: float = 0.0
    details: str = ""
    read: tuple[int, ...] = ()


def wf_to_dt(text: str) -> datetime:
    from airflow_workfront.client.dates import parse_wf_utc

    return parse_wf_utc(text)


def iso(dt: datetime) -> str:
    return dt.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def run_trial(n: int, args: argparse.Namespace, emu: Any, workdir: Path) -> TrialResult:
    from airflow_workfront.client import ApiKeyAuth, ClientConfig, WorkfrontClient
    from airflow_workfront.sync import SqlSink, SyncEngine, SyncWindow
    from airflow_workfront.sync.coverage import joins, read_start

    started = time.monotonic()
    seed = args.seed + n
    ctl = emu.control
    ctl.reset(seed="empty", seed_size=args.tasks, random_seed=seed)
    seeded = {t["ID"]: t for t in ctl.list_objects("TASK")}
    project_id = next(iter(seeded.values()))["projectID"]
    # The seed's dates fill the hour before the emulator's clock. The first two intervals are the
    # first two thirds of an hour, the third runs from there to the emulator's clock once the edits
    # stopped. "--windows now" starts that hour when the first run starts, as a DAG would; the
    # seed's first seconds then lie before every interval.
    seed_start = min(wf_to_dt(t["lastUpdateDate"]) for t in seeded.values())
    db = workdir / f"trial{n}.db"
    db.unlink(missing_ok=True)
    os.environ["AIRFLOW_CONN_SOAK_WH"] = json.dumps({"conn_type": "sqlite", "host": str(db)})
    config = ClientConfig(host=emu.base_url, auth=ApiKeyAuth(api_key=emu.api_key), page_size=args.page_size,
                          max_concurrency=args.workers, timeout=120)
    client = RecordingClient(WorkfrontClient(config))

    # Built before the editor starts: the first one imports Airflow, which takes seconds.
    sinks = [SqlSink("wf_task", conn_id="soak_wh", column_names="workfront") for _ in range(3)]
    edits_log = workdir / f"trial{n}-edits.jsonl"
    go, stop = mp.Event(), mp.Event()
    editor = mp.Process(target=edit_loop, args=(emu.base_url, list(seeded), project_id, args.rate, seed, args.editor_threads, go, stop,
                                                str(edits_log)), daemon=True)
    editor.start()
    windows: list[Any] = []  # what each run read (its interval, started earlier by gap filling)
    summaries = []
    error = ""
    deadline = time.monotonic() + args.trial_timeout
    rules: dict[str, Any] = {"overlap": timedelta(0), "margin": timedelta(0)} if args.legacy else {}
    try:
        go.set()
        time.sleep(args.lead)
        interval_start = seed_start if args.windows == "seed" else wf_to_dt(ctl.clock_now()) - timedelta(hours=1)
        cuts = [interval_start + timedelta(minutes=20), interval_start + timedelta(minutes=40)]
        watermark = None  # the operator's Variable: the end of what the runs read without a gap
        start = interval_start
        for w in range(3):
            if w == 2:
                stop.set()
                editor.join(60)
                time.sleep(0.05)  # the emulator's clock moves past the last change
            end = cuts[w] if w < 2 else wf_to_dt(ctl.clock_now())
            read_from = start if args.legacy else read_start(start, watermark)[0]
            window = SyncWindow(read_from, end)
            windows.append(window)
            client.window = w + 1
            engine = SyncEngine(client, "TASK", fields=["ID", "lastUpdateDate", "name", "percentComplete"],
                                page_size=args.page_size, max_workers=args.workers, **rules)
            summaries.append(engine.run(window, sinks[w]))
            if joins(read_from, watermark):
                watermark = max(end, watermark or end)
            if time.monotonic() > deadline:
                raise TimeoutError(f"trial {n} ran past --trial-timeout={args.trial_timeout}s")
            start = end
    except Exception:
        error = traceback.format_exc()
    finally:
        stop.set()
        editor.join(30)
        if editor.is_alive():
            editor.kill()
        client.close()

    changes = [json.loads(line) for line in edits_log.read_text().splitlines() if line.strip()]
    span = max((c["t1"] for c in changes), default=0) - min((c["t0"] for c in changes), default=0)
    rate = len(changes) / span if span > 0 else 0.0
    if error:
        return TrialResult(n, False, time.monotonic() - started, len(changes), rate, f"trial {n} raised:\n{error}")

    # Every task Workfront has must be in the warehouse. "outside" names the missing ones dated
    # before every window the runs read (the loss of a run that reads only its interval).
    truth = {task["ID"]: wf_to_dt(task["lastUpdateDate"]) for task in ctl.list_objects("TASK")}
    outside = sorted(i for i, d in truth.items() if not windows[0].start <= d < windows[-1].end)
    with sqlite3.connect(db) as con:
        if args.drop_rows:  # checks the checker: these rows must be reported missing
            con.execute('DELETE FROM wf_task WHERE "ID" IN (SELECT "ID" FROM wf_task ORDER BY random() LIMIT ?)',
                        (args.drop_rows,))
        stored = {row[0]: wf_to_dt(row[1]) if isinstance(row[1], str) else row[1]
                  for row in con.execute('SELECT "ID", "lastUpdateDate" FROM wf_task')}
    missing = sorted(set(truth) - set(stored))
    extra = sorted(set(stored) - set(truth))
    stale = sorted(i for i in set(truth) & set(stored) if _norm(stored[i]) != _norm(truth[i]))
    seconds = time.monotonic() - started
    if not (missing or extra or stale or outside):
        if not args.keep:
            db.unlink(missing_ok=True)
            edits_log.unlink(missing_ok=True)
        return TrialResult(n, True, seconds, len(changes), rate, read=tuple(x.fetched for x in summaries))

    calls_path = workdir / f"trial{n}-requests.jsonl"
    dump_calls(client.calls, calls_path)
    lines = [f"trial {n} (--seed {seed}): every request in {calls_path};  {len(missing)} missing, {len(extra)} extra, {len(stale)} stale; "
             f"{len(outside)} dated outside every window; {len(truth)} tasks in Workfront, {len(stored)} rows; "
             f"{len(changes)} changes"]
    for w, (window, summary) in enumerate(zip(windows, summaries, strict=True), 1):
        lines.append(f"  window {w}: [{iso(window.start)}, {iso(window.end)}) read {summary.fetched}, "
                     f"counted {summary.counted}, partitions {summary.partitions}, requests {summary.requests}, "
                     f"deleted {summary.deleted}")
    history = defaultdict(list)
    for c in changes:
        if "id" in c:
            history[c["id"]].append(c)
    for label, ids in (("missing", missing), ("extra", extra), ("stale", stale), ("outside", outside)):
        for obj_id in ids:
            lines.append(f"  {label} {obj_id}: now {iso(truth[obj_id]) if obj_id in truth else 'absent'} in Workfront, "
                         f"{iso(_dt(stored[obj_id])) if obj_id in stored else 'absent'} in the warehouse")
            if obj_id in seeded:
                lines.append(f"    seeded at {iso(wf_to_dt(seeded[obj_id]['lastUpdateDate']))}")
            for c in history.get(obj_id, []):
                date = iso(wf_to_dt(c["date"])) if c.get("date") else "-"
                lines.append(f"    {c['kind']} -> {date} (request {c['t0']:.3f}..{c['t1']:.3f})")
            lines.extend(_coverage(client.calls, obj_id, history.get(obj_id, []), seeded))
    return TrialResult(n, False, seconds, len(changes), rate, "\n".join(lines), tuple(x.fetched for x in summaries))


def _norm(value: Any) -> Any:
    return _dt(value).replace(tzinfo=UTC) if isinstance(value, (datetime, str)) else value


def _dt(value: Any) -> datetime:
    return wf_to_dt(value) if isinstance(value, str) else value


def _coverage(calls: list[Call], obj_id: str, changes: list[dict], seeded: dict) -> list[str]:
    """The requests that returned ``obj_id``, and the TASK searches that should have: their rows
    span one of its keys at a time when it held that key, yet it was not among them."""
    out = []
    for c in calls:
        ids = [i for _, i in c.rows]
        if obj_id in ids:
            out.append(f"    returned by window {c.window} {c.thread} {c.kind} first={c.first} limit={c.limit} "
                       f"at {c.t0:.3f}..{c.t1:.3f}: row {ids.index(obj_id)} of {len(ids)}")
    # (key, held from, held until): the seeded key until the first change, then each edit's.
    held: list[tuple[str, float, float]] = []
    since, key = float("-inf"), seeded[obj_id]["lastUpdateDate"] if obj_id in seeded else None
    for ch in changes:
        if key is not None:
            held.append((key, since, ch["t0"]))
        key, since = ch.get("date") if ch["kind"] in ("edit", "create") else None, ch["t1"]
    if key is not None:
        held.append((key, since, float("inf")))
    for text, lo_t, hi_t in held:
        k = (wf_to_dt(text), obj_id)
        for c in calls:
            if c.kind != "search TASK" or not c.rows or not lo_t <= c.t0 <= c.t1 <= hi_t:
                continue
            first_key, last_key = (wf_to_dt(c.rows[0][0]), c.rows[0][1]), (wf_to_dt(c.rows[-1][0]), c.rows[-1][1])
            if first_key <= k <= last_key and obj_id not in {i for _, i in c.rows}:
                out.append(f"    SKIPPED: key {iso(k[0])} lies inside window {c.window} {c.thread} search first={c.first} "
                           f"limit={c.limit} at {c.t0:.3f}..{c.t1:.3f} ({iso(first_key[0])} {first_key[1][:8]} .. "
                           f"{iso(last_key[0])} {last_key[1][:8]}), read while the task held that key")
    if not out:
        out.append("    no request returned it or skipped over it")
    return out


def dump_calls(calls: list[Call], path: Path) -> None:
    with path.open("w") as f:
        for c in calls:
            f.write(json.dumps({**c.__dict__, "rows": [[d, i] for d, i in c.rows]}, default=str) + "\n")


# -- the run --------------------------------------------------------------------------------------


def _without(argv: list[str], options: tuple[str, ...]) -> list[str]:
    """``argv`` less the given options and their values (``--opt V`` or ``--opt=V``)."""
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
        elif a in options:
            skip = True
        elif not a.startswith(tuple(o + "=" for o in options)):
            out.append(a)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=200, help="trials to run (default 200)")
    parser.add_argument("--tasks", type=int, default=30_000, help="tasks seeded per trial")
    parser.add_argument("--page-size", type=int, default=500)
    parser.add_argument("--workers", type=int, default=10)
    parser.add_argument("--rate", type=float, default=125.0, help="changes a second by the editor")
    parser.add_argument("--editor-threads", type=int, default=8, help="threads sharing the editor's pace")
    parser.add_argument("--load", type=int, default=os.cpu_count() or 2, help="busy processes loading the CPU")
    parser.add_argument("--seed", type=int, default=0, help="trial n uses random seed SEED+n")
    parser.add_argument("--lead", type=float, default=0.5, help="seconds of edits before the first window closes")
    parser.add_argument("--trial-timeout", type=float, default=300.0, help="a trial longer than this fails")
    parser.add_argument("--max-minutes", type=float, default=0, help="stop starting trials after this (0: no limit)")
    parser.add_argument("--drop-rows", type=int, default=0,
                        help="delete this many warehouse rows before comparing (shows that a loss is caught)")
    parser.add_argument("--windows", choices=("now", "seed"), default="now",
                        help="first interval starts an hour before the first run (now) or at the seed's first date")
    parser.add_argument("--legacy", action="store_true",
                        help="each run reads exactly its interval: no lookback, margin or gap filling (issue 12's day)")
    parser.add_argument("--keep", action="store_true", help="keep every trial's warehouse and edit log")
    parser.add_argument("--workdir", default=None, help="where warehouses and logs go (default: a temp dir)")
    parser.add_argument("--summary", default=None,
                        help="write the run's summary as JSON here (default: summary.json in the workdir)")
    parser.add_argument("--write-docs", action="store_true",
                        help="write the summary between the soak markers of docs/reliability.md (make soak does)")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    import logging

    logging.disable(logging.INFO)  # the engine logs every page; the soak prints one line a trial
    os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING")  # and the SQL hook every statement
    # A SIGTERM unwinds like Ctrl-C, so the emulator, the editor and the busy processes stop too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    from airflow_workfront.emulator.testing import EmulatorProcess

    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="wf-soak-"))
    workdir.mkdir(parents=True, exist_ok=True)
    command = " ".join(shlex.quote(a) for a in [sys.executable, "scripts/soak.py", *(argv or sys.argv[1:])])
    say(f"{args.trials} trials: {args.tasks} tasks, ~{args.rate:g} changes/s, page size {args.page_size}, "
        f"{args.workers} workers, {args.load} busy processes, windows from {args.windows}, "
        f"{'legacy rules' if args.legacy else 'default rules'}; files in {workdir}")
    stop_load = mp.Event()
    burners = [mp.Process(target=burn, args=(stop_load,), daemon=True) for _ in range(args.load)]
    for b in burners:
        b.start()
    results: list[TrialResult] = []
    run_started = time.monotonic()
    started_at = datetime.now(UTC)
    try:
        with EmulatorProcess("--seed", "empty") as emu:
            for n in range(args.trials):
                if args.max_minutes and time.monotonic() - run_started > args.max_minutes * 60:
                    say(f"stopping after {n} trials: --max-minutes={args.max_minutes:g} reached")
                    break
                result = run_trial(n, args, emu, workdir)
                results.append(result)
                say(f"trial {n}: {'ok' if result.ok else 'FAILED'} in {result.seconds:.1f} s, {result.changes} changes "
                    f"({result.rate:.0f}/s), windows read {'/'.join(map(str, result.read)) or '-'}")
                if not result.ok:
                    print(result.details, flush=True)
    except (KeyboardInterrupt, SystemExit):
        say(f"interrupted during trial {len(results)}; the summary counts the trials that finished")
    finally:
        stop_load.set()
        for b in burners:
            b.join(5)
            if b.is_alive():
                b.kill()
    failures = [r for r in results if not r.ok]
    say(f"trials: {len(results)}, failures: {len(failures)}, "
        f"changes per trial: {sum(r.changes for r in results) // max(1, len(results))} "
        f"({sum(r.rate for r in results) / max(1, len(results)):.0f}/s), "
        f"time: {time.monotonic() - run_started:.0f} s")
    for r in failures:
        again = [*_without(argv if argv is not None else sys.argv[1:], ("--trials", "--seed")), "--trials", "1",
                 "--seed", str(args.seed + r.trial)]
        say(f"failed trial {r.trial}: reproduce with: "
            + " ".join(shlex.quote(a) for a in [sys.executable, "scripts/soak.py", *again]))
    say(f"command: {command}")
    summary = summarize(args, results, started_at, time.monotonic() - run_started, command)
    summary_path = Path(args.summary) if args.summary else workdir / "summary.json"
    summary_path.parent.mkdir(parents=True, exist_ok=True)
    summary_path.write_text(json.dumps(summary, indent=1))
    say(f"summary: {summary_path}")
    if args.write_docs:
        write_docs(summary)
        say(f"summary written into {DOC.relative_to(ROOT)}")
    return 1 if failures else 0


def git_commit() -> str:
    """The commit measured, and whether the package had uncommitted changes."""
    import subprocess

    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--", "airflow_workfront",
                            "scripts/soak.py"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    return (head.stdout.strip() or "unknown") + (" (with uncommitted changes)" if dirty else "")


def summarize(args: argparse.Namespace, results: list[TrialResult], started: datetime, seconds: float,
              command: str) -> dict:
    """What the docs quote: trials, failures, changes a second, the commit, the date and the command."""
    rates = [r.rate for r in results]
    return {
        "started": iso(started), "finished": iso(datetime.now(UTC)), "minutes": round(seconds / 60, 1),
        "commit": git_commit(), "command": command.replace(sys.executable, os.path.relpath(sys.executable, ROOT), 1)
        if sys.executable.startswith(str(ROOT)) else command,
        "trials_asked": args.trials, "trials": len(results), "failures": sum(not r.ok for r in results),
        "failed_trials": [r.trial for r in results if not r.ok],
        "changes_per_trial": sum(r.changes for r in results) // max(1, len(results)),
        "changes_per_second": {"mean": round(sum(rates) / max(1, len(rates)), 1),
                               "min": round(min(rates, default=0), 1), "max": round(max(rates, default=0), 1)},
        "settings": {"tasks": args.tasks, "page_size": args.page_size, "workers": args.workers, "rate": args.rate,
                     "load": args.load, "windows": args.windows, "rules": "legacy" if args.legacy else "default",
                     "drop_rows": args.drop_rows},
        "load_average_at_end": round(os.getloadavg()[0], 1),
    }


DOC = ROOT / "docs" / "reliability.md"
SOAK_START, SOAK_END = "<!-- soak:start -->", "<!-- soak:end -->"


def docs_section(summary: dict) -> str:
    """The summary as docs/reliability.md shows it."""
    rate, settings = summary["changes_per_second"], summary["settings"]
    short = summary["trials"] < summary["trials_asked"]
    lines = [
        f"Run from {summary['started']} to {summary['finished']} ({summary['minutes']:g} min) on commit "
        f"`{summary['commit']}`, load average {summary['load_average_at_end']:g} at the end.",
        f"Command: `{summary['command']}`", "",
        "| trials | failures | changes per trial | changes a second (mean; min to max) | tasks | page size | "
        "workers | busy processes | rules | windows from |",
        "|---|---|---|---|---|---|---|---|---|---|",
        f"| {summary['trials']}{' (of ' + str(summary['trials_asked']) + ' asked)' if short else ''} | "
        f"{summary['failures']} | "
        f"{summary['changes_per_trial']} | {rate['mean']:g} ({rate['min']:g} to {rate['max']:g}) | "
        f"{settings['tasks']:,} | {settings['page_size']} | {settings['workers']} | {settings['load']} | "
        f"{settings['rules']} | {settings['windows']} |",
    ]
    if summary["failed_trials"]:
        lines += ["", "Failed trials: " + ", ".join(map(str, summary["failed_trials"])) + "."]
    if settings["drop_rows"]:
        lines += ["", f"`--drop-rows {settings['drop_rows']}` removed rows on purpose: every trial must fail."]
    return "\n".join(lines)


def write_docs(summary: dict, doc: Path = DOC) -> None:
    """Replace the section between the soak markers of docs/reliability.md."""
    from doc_section import replace_section  # scripts/doc_section.py

    replace_section(doc, SOAK_START, SOAK_END, docs_section(summary))


if __name__ == "__main__":
    sys.exit(main())
