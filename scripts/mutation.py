"""Mutation testing (``make mutation``): small bugs planted in the modules where one lost character
loses data or lets someone in, each run against the tests next to that module only.

For each module, a throwaway copy of the repository gets a ``[tool.mutmut]`` section naming that
module and its tests, and mutmut (from the dev extra) runs there, so the working tree is never
mutated and no ``mutants/`` folder is left in it. A mutant *survives* when every selected test
still passes with it. The summary (mutants, killed, survived, per module, and the diff of each
survivor) is printed and, with ``--write-docs``, written between the ``mutation`` markers of
``docs/reliability.md`` with the date, the commit and the command.

Not part of ``make test``: it takes minutes. ``--module keyset`` runs one module.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from doc_section import replace_section  # scripts/doc_section.py

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "reliability.md"
START, END = "<!-- mutation:start -->", "<!-- mutation:end -->"

# module (relative to the package) -> the test files next to it
MODULES: dict[str, tuple[str, ...]] = {
    "sync/keyset.py": ("tests/sync/test_keyset.py",),
    "sync/planner.py": ("tests/sync/test_planner.py",),
    "sync/coverage.py": ("tests/sync/test_coverage.py",),
    "sync/closing.py": ("tests/sync/test_closing.py",),
    "client/retry.py": ("tests/client/test_retry.py",),
    "plugins/tokens.py": ("tests/plugins/test_tokens.py",),
}
STATUSES = ("killed", "survived", "timeout", "no tests", "suspicious", "segfault", "skipped", "not checked")


@dataclass
class ModuleResult:
    """What mutmut found for one module."""

    module: str
    tests: tuple[str, ...]
    counts: dict[str, int] = field(default_factory=dict)
    survivors: dict[str, str] = field(default_factory=dict)  # mutant name -> its diff
    untested: dict[str, int] = field(default_factory=dict)  # function no selected test reaches -> its mutants
    seconds: float = 0.0

    @property
    def total(self) -> int:
        """Mutants mutmut made."""
        return sum(self.counts.values())


def copy_tree(target: Path) -> None:
    """The package, the tests and the project files, without caches or virtualenvs."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", "mutants")
    for name in ("airflow_workfront", "tests"):
        shutil.copytree(REPO / name, target / name, ignore=ignore)
    shutil.copy2(REPO / "pyproject.toml", target / "pyproject.toml")


def configure(target: Path, module: str, tests: tuple[str, ...]) -> None:
    """Append the ``[tool.mutmut]`` section for one module to the copy's pyproject.toml."""
    path = f"airflow_workfront/{module}"
    section = (
        "\n[tool.mutmut]\n"
        'source_paths = ["airflow_workfront"]\n'
        f"only_mutate = [{json.dumps(path)}]\n"
        f"pytest_add_cli_args_test_selection = {json.dumps(list(tests))}\n"
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]\n'
    )
    with open(target / "pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write(section)


def run_module(module: str, tests: tuple[str, ...], children: int, verbose: bool) -> ModuleResult:
    """Run mutmut on one module in a fresh copy and read back its results."""
    result = ModuleResult(module, tests)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="wf-mutation-") as tmp:
        work = Path(tmp)
        copy_tree(work)
        configure(work, module, tests)
        mutmut = str(Path(sys.executable).with_name("mutmut"))
        env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        run = subprocess.run([mutmut, "run", "--max-children", str(children)], cwd=work, env=env,
                             capture_output=not verbose, text=True)
        if run.returncode != 0:
            tail = (run.stdout or "")[-3000:] + (run.stderr or "")[-3000:]
            raise RuntimeError(f"mutmut run failed for {module} (exit {run.returncode}):\n{tail}")
        listing = subprocess.run([mutmut, "results", "--all", "true"], cwd=work, env=env, capture_output=True,
                                 text=True, check=True).stdout
        for name, status in re.findall(r"^\s*(\S+): (.+)$", listing, flags=re.M):
            result.counts[status] = result.counts.get(status, 0) + 1
            if status == "no tests":
                function = short_name(name).split(" #")[0]
                result.untested[function] = result.untested.get(function, 0) + 1
            if status == "survived":
                shown = subprocess.run([mutmut, "show", name], cwd=work, env=env, capture_output=True,
                                       text=True, check=True).stdout
                result.survivors[name] = changed_lines(shown)
    result.seconds = time.monotonic() - started
    return result


def changed_lines(diff: str) -> str:
    """The ``-``/``+`` lines of a mutant's diff, without the file headers."""
    lines = [line.rstrip() for line in diff.splitlines()
             if line[:1] in "-+" and not line.startswith(("---", "+++"))]
    return "\n".join(lines)


def report(results: list[ModuleResult], command: str) -> str:
    """The Markdown summary: a table per module, then each survivor's changed lines."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                            text=True).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "status", "--porcelain", "--", *(f"airflow_workfront/{r.module}" for r in results),
                            *(t for r in results for t in r.tests)], cwd=REPO, capture_output=True, text=True).stdout
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Measured {stamp} on commit `{commit}`{' (with uncommitted changes to these files)' if dirty else ''}, "
        f"mutmut {mutmut_version()}.",
        f"Reproduce: `{command}`",
        "",
        "| module | tests run against it | mutants | killed | survived | timeout | no tests | minutes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        tests = ", ".join(f"`{Path(t).name}`" for t in r.tests)
        lines.append(f"| `{r.module}` | {tests} | {r.total} | {r.counts.get('killed', 0)} | "
                     f"{r.counts.get('survived', 0)} | {r.counts.get('timeout', 0)} | {r.counts.get('no tests', 0)} | "
                     f"{r.seconds / 60:.1f} |")
    for r in results:
        if r.untested:
            reached = ", ".join(f"`{function}` ({count})" for function, count in sorted(r.untested.items()))
            lines += ["", f"Not reached by the tests next to `{r.module}` (mutants per function): {reached}."]
    survivors = [(r.module, name, diff) for r in results for name, diff in r.survivors.items()]
    lines += ["", f"Surviving mutants: {len(survivors)}."]
    if survivors:
        lines += ["", "| module | mutant | the line as it is | the line in the mutant |", "|---|---|---|---|"]
    for module, name, diff in survivors:
        before = " ".join(line[1:].strip() for line in diff.splitlines() if line.startswith("-"))
        after = " ".join(line[1:].strip() for line in diff.splitlines() if line.startswith("+"))
        lines.append(f"| `{module}` | `{short_name(name)}` | {cell(before)} | {cell(after)} |")
    return "\n".join(lines)


def short_name(name: str) -> str:
    """``xǁKeyRangeǁcontains__mutmut_5`` -> ``KeyRange.contains #5``."""
    function = name.rsplit(".", 1)[-1]
    base, _, number = function.partition("__mutmut_")
    base = base.removeprefix("x_").removeprefix("x\u01c1").replace("\u01c1", ".")
    return f"{base} #{number}"


def cell(code: str, width: int = 90) -> str:
    """Code for a Markdown table cell: shortened, pipes escaped."""
    code = code if len(code) <= width else code[: width - 3] + "..."
    escaped = code.replace("|", "\\|")
    return f"`{escaped}`" if code else "(removed)"


def mutmut_version() -> str:
    """The installed mutmut's version."""
    from importlib.metadata import version

    return version("mutmut")


def write_docs(text: str) -> None:
    """Replace what lies between the mutation markers of docs/reliability.md."""
    replace_section(DOC, START, END, text)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen modules, print the summary, and write it into the docs when asked."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--module", action="append", choices=sorted(m.split("/")[-1][:-3] for m in MODULES),
                        help="run only this module (repeatable; default: all)")
    parser.add_argument("--max-children", type=int, default=1, help="mutants tested at once (default 1)")
    parser.add_argument("--write-docs", action="store_true", help="write the summary into docs/reliability.md")
    parser.add_argument("--verbose", action="store_true", help="show mutmut's own output")
    args = parser.parse_args(argv)
    chosen = [m for m in MODULES if not args.module or m.split("/")[-1][:-3] in args.module]
    results = []
    for module in chosen:
        print(f"[mutation] {module} against {', '.join(MODULES[module])}", flush=True)
        results.append(run_module(module, MODULES[module], args.max_children, args.verbose))
        done = results[-1]
        print(f"[mutation] {module}: {done.total} mutants, {done.counts.get('killed', 0)} killed, "
              f"{len(done.survivors)} survived ({done.seconds:.0f} s)", flush=True)
    command = "make mutation  # " + shlex.join(["python", "scripts/mutation.py", *(argv if argv is not None
                                                                                   else sys.argv[1:])])
    text = report(results, command)
    print(text)
    if args.write_docs:
        write_docs(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
