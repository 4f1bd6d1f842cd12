"""Show that the partition tests catch a weakened partitioned read (``make weakened``).

docs/sync-contract.md says the tests of the partitioned read fail on weakened versions of the
code. This script makes that a command: for each weakening below, it copies the package and the
tests into a temporary folder, edits the copy (the working tree is never touched), runs the tests
that must catch it, and reports whether they failed. The unedited copy runs first and must pass,
so a failure can only come from the edit. Each edit must match the code exactly once: if the code
has moved on, the script stops and says so rather than test an unedited copy.

Exit status 0 means the unedited copy passed and every weakened copy failed each test file
listed for it.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from mutation import copy_tree  # scripts/mutation.py: the package and tests, without caches

RACES = "tests/sync/test_partition_races.py"


@dataclass(frozen=True)
class Weakening:
    """One edit of the code that loses or repeats objects, and the tests that must fail on it."""

    name: str
    what: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...] = (RACES,)


WEAKENINGS = (
    Weakening(
        "stop-at-planned-count",
        "a partition stops once it has read as many objects as it held when planned",
        "airflow_workfront/sync/paging.py",
        "            if left is not None:\n                left -= kept\n",
        "            if left is not None:\n                left -= kept\n                if left <= 0:\n"
        "                    return\n",
    ),
    Weakening(
        "keep-crossed-cuts",
        "cuts that come back out of order (data shrank between the reads) are kept, not dropped",
        "airflow_workfront/sync/planner.py",
        "            if cut is not None and (previous is None or cut > previous):\n",
        "            if cut is not None:\n",
    ),
    Weakening(
        "between-needs-two-ms",
        "a key range's open part is sent only when it spans two milliseconds (lo < hi)",
        "airflow_workfront/sync/keyset.py",
        "        if lo <= hi:\n",
        "        if lo < hi:\n",
        (RACES, "tests/sync/test_keyset.py"),
    ),
)


def run_tests(root: Path, tests: tuple[str, ...]) -> subprocess.CompletedProcess:
    """The tests, run in ``root`` against the package copied there."""
    env = {**os.environ, "PYTHONPATH": str(root), "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)


def check_copy_is_used(root: Path) -> None:
    """Fail unless Python started in ``root`` imports the package from there (not the working tree)."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    found = subprocess.run([sys.executable, "-c", "import airflow_workfront; print(airflow_workfront.__file__)"],
                           cwd=root, env=env, capture_output=True, text=True, check=True).stdout.strip()
    if not Path(found).resolve().is_relative_to(root.resolve()):
        raise SystemExit(f"the copy in {root} imports the package from {found}; the check would prove nothing")


def apply(root: Path, weakening: Weakening) -> None:
    """Edit the copy; the old text must occur exactly once."""
    path = root / weakening.path
    text = path.read_text(encoding="utf-8")
    if text.count(weakening.old) != 1:
        raise SystemExit(f"{weakening.name}: the code to weaken is not found exactly once in {weakening.path}; "
                         "update scripts/weakened.py to the current code")
    path.write_text(text.replace(weakening.old, weakening.new), encoding="utf-8")


def last_line(result: subprocess.CompletedProcess) -> str:
    """pytest's summary line."""
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    return lines[-1] if lines else result.stderr.strip()[-200:]


def main(argv: list[str] | None = None) -> int:
    """Run the unedited copy, then each weakening; print one line each."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=[w.name for w in WEAKENINGS], action="append", help="run only these")
    args = parser.parse_args(argv)
    chosen = [w for w in WEAKENINGS if not args.only or w.name in args.only]
    ok = True
    with tempfile.TemporaryDirectory(prefix="wf-weakened-") as tmp:
        base = Path(tmp) / "unedited"
        copy_tree(base)
        check_copy_is_used(base)
        tests = tuple(dict.fromkeys(t for w in chosen for t in w.tests))
        baseline = run_tests(base, tests)
        print(f"unedited code: {'passes' if baseline.returncode == 0 else 'FAILS'} ({last_line(baseline)})")
        ok = baseline.returncode == 0
        for weakening in chosen:
            root = Path(tmp) / weakening.name
            copy_tree(root)
            apply(root, weakening)
            print(f"{weakening.name}: {weakening.what}")
            for test_file in weakening.tests:
                result = run_tests(root, (test_file,))
                caught = result.returncode == 1  # 1: tests failed; anything else is an error, not a catch
                ok = ok and caught
                print(f"    {test_file}: {'caught' if caught else 'NOT CAUGHT'} ({last_line(result)})")
    print("every weakening is caught" if ok else "FAILED: see above")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
