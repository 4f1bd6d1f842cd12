"""Run the reliability tests that measure something and write their figures into docs/reliability.md.

The fault table of docs/reliability.md quotes what these tests record (their ``figures``
fixture): objects read, requests, retries, faults injected by kind, requests in flight, rows
left by a killed run, token renewals. This script runs them with ``WF_RELIABILITY_FIGURES``
pointing at a temporary file and, only if every test passed, rewrites the section between the
``faults`` markers with the table, the date, the commit and the command. By default the tests run
on the committed HEAD, unpacked into a temporary folder (``git archive``), so the figures are
what that commit produces whatever is being edited in the tree; ``--working-tree`` runs them in
place instead.

Reproduce: ``.venv/bin/python benchmarks/reliability.py`` (about a minute and a half).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from doc_section import replace_section  # noqa: E402  (scripts/doc_section.py)

DOC = ROOT / "docs" / "reliability.md"
START, END = "<!-- faults:start -->", "<!-- faults:end -->"
TESTS = ("tests/reliability/test_faults.py", "tests/reliability/test_token_expiry.py")
FAULTS = "test_sync_of_50000_tasks_under_10_percent_faults_and_churn_matches_exactly"
PARALLEL = "test_parallel_syncs_stay_under_the_concurrency_limit"
KILLED = "test_a_sync_killed_hard_converges_when_run_again"
TOKENS = "test_tokens_expiring_after_every_page_are_renewed"


def run_tests(at_head: bool) -> dict:
    """Run the tests (on HEAD's files, or the working tree's); return their figures, or exit when one fails."""
    with tempfile.TemporaryDirectory(prefix="wf-reliability-") as tmp:
        path = Path(tmp) / "figures.json"
        where = ROOT
        env = {**os.environ, "WF_RELIABILITY_FIGURES": str(path)}
        if at_head:
            where = Path(tmp) / "head"
            where.mkdir()
            archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, capture_output=True, check=True).stdout
            subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
            env["PYTHONPATH"] = str(where)  # the unpacked package, not the tree's editable install
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *TESTS], cwd=where,
                              env=env)
        if done.returncode != 0:
            raise SystemExit(f"the reliability tests failed (exit {done.returncode}); the docs are unchanged")
        return json.loads(path.read_text())


def fmt(n: int) -> str:
    """``49975`` -> ``49,975``."""
    return f"{n:,}"


def kinds(faults: dict[str, int]) -> str:
    """``{'drop': 1, '500': 3}`` -> ``3 HTTP 500, 1 dropped connection``."""
    names = {"429": "HTTP 429", "500": "HTTP 500", "drop": "dropped connection", "error200": "error body with HTTP 200"}
    parts = []
    for kind in ("429", "500", "drop", "error200"):
        count = faults.get(kind, 0)
        if count:
            plural = "s" if count > 1 and kind == "drop" else ""
            parts.append(f"{count} {names[kind]}{plural}")
    return ", ".join(parts)


def table(figures: dict) -> str:
    """The Markdown table of the fault tests, filled in from their figures."""
    faults = figures[FAULTS]
    parallel = figures[PARALLEL]
    killed = figures[KILLED]
    tokens = [v for k, v in figures.items() if k.startswith(TOKENS)]
    injected = sum(faults["faults"].values())
    rows = [
        (FAULTS,
         "A sync of 50,000 tasks. 10% of requests are answered 429, 500 or a dropped connection (seeded "
         "so that each kind comes at least once; the test checks the emulator's own fault counts), and 3 "
         "objects are edited and 1 deleted every 2 search requests. The next window is then synced with "
         "faults still on. Last, a sync whose every answer is an error body with HTTP 200.",
         f"The warehouse equals the emulator ({fmt(faults['tasks'])} tasks): the same IDs, and the same "
         f"`lastUpdateDate` for each. Run 1 read {fmt(faults['run1'])} objects; run 2 read "
         f"{fmt(faults['run2'])}: the 5-minute lookback before its window and the objects edited during run 1, "
         f"and applied {faults['run2_deleted']} deletes from journal entries. Both runs made "
         f"{faults['requests']} requests in all; the {injected} faults injected ({kinds(faults['faults'])}) "
         f"cost {faults['retries']} retries. The error body with HTTP 200 stops the run with "
         f"`{faults['error200']}` at once, unretried, and writes nothing."),
        (PARALLEL,
         "Four syncs at once (OPTASK, HOUR, PROJ, USER) against an emulator that allows 10 requests in "
         "flight, with 20 ms latency.",
         f"The emulator answered no 429 ({parallel['rejected_429']} refused) to {parallel['requests']} requests. "
         f"At most {parallel['max_in_flight']} requests were in flight: the per-process cap is shared by every "
         "client of one base URL."),
        (KILLED,
         "A sync subprocess (pages of up to 500 rows) is killed with SIGKILL as soon as the warehouse holds a "
         "committed page, then run again.",
         f"The kill left {fmt(killed['partial'])} rows, whole pages. The re-run converges to the emulator's "
         f"{fmt(killed['converged'])} tasks in the window. Pages are upserted in their own transactions, so a "
         "kill leaves whole pages only."),
        (TOKENS,
         "Sessions (and, in a second run, OAuth2 access tokens) are expired after every page of a sync "
         "read by one worker, so each expiry hits the next request.",
         "The sync completes: " + "; ".join(
             f"{fmt(t['fetched'])} tasks in {t['pages']} pages, {t['expiries']} expiries, {t['logins']} logins"
             for t in tokens)
         + ". The client renews once per refused token, at most three times per call, so a credential "
         "that really is wrong still fails fast."),
        ("test_one_bad_record_is_named_and_atomic_writes_nothing",
         "A bulk create with one record naming an unknown field.",
         "The failure names the record (`item 1: ... colour`). With `atomic=True` nothing is written; "
         "without it, the record before the bad one stays written, as Workfront does."),
    ]
    lines = ["| test | what happens | result |", "|---|---|---|"]
    lines += [f"| `{name}` | {what} | {result} |" for name, what, result in rows]
    return "\n".join(lines)


def header(at_head: bool) -> str:
    """When, on which commit, and how."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = not at_head and subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no", "--", "airflow_workfront", "tests/reliability"],
        cwd=ROOT, capture_output=True, text=True).stdout.strip()
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load = os.getloadavg()[0]
    return (f"Measured {stamp} on commit `{commit.stdout.strip() or 'unknown'}`"
            f"{' with uncommitted changes in the tree' if dirty else ''}, {os.cpu_count()} cores, load average "
            f"{load:.1f} at the end, the emulator in its own process.\n"
            "Reproduce: `.venv/bin/python benchmarks/reliability.py` (it runs "
            + " and ".join(f"`{t}`" for t in TESTS) + " and rewrites this table)")


def write(text: str, doc: Path = DOC) -> None:
    """Replace the section between the markers."""
    replace_section(doc, START, END, text)


def main(argv: list[str] | None = None) -> int:
    """Run, then write (or only print with ``--print``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--print", action="store_true", help="print the section instead of writing the docs")
    parser.add_argument("--working-tree", action="store_true", help="run the tests in the working tree, not on HEAD")
    args = parser.parse_args(argv)
    at_head = not args.working_tree
    figures = run_tests(at_head)
    text = header(at_head) + "\n\n" + table(figures)
    if args.print:
        print(text)
    else:
        write(text)
        print(f"wrote the fault table into {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
