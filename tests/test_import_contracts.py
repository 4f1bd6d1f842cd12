"""The import-linter contracts in pyproject.toml hold today, and each breaks on the arrow it forbids.

``make lint`` runs ``lint-imports`` on the tree; here a copy of the package gets one wrong import
at a time, to show that a contract would catch it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

pytestmark = pytest.mark.skipif(not LINT_IMPORTS.exists(), reason="import-linter is not installed (dev extra)")


def _lint(root: Path) -> subprocess.CompletedProcess:
    # This copy of the package, not the installed one; wide lines, so that no contract's name wraps.
    env = {**os.environ, "PYTHONPATH": str(root), "COLUMNS": "1000"}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=root, env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "airflow_workfront", tmp_path / "airflow_workfront",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_tree_keeps_every_contract(copy):
    result = _lint(copy)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "Contracts: 4 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(("module", "wrong_import", "broken"), [
    ("triggers/workfront.py", "airflow_workfront.sensors.workfront", "Layers"),  # a layer importing upwards
    ("client/config.py", "airflow_workfront.hooks.connection", "Layers"),
    ("hooks/connection.py", "airflow_workfront.sync.window", "Layers"),  # hooks and sync are independent
    ("sync/window.py", "airflow_workfront.changes", "Layers"),
    ("emulator/seed.py", "airflow_workfront.client.dates", "The emulator imports nothing"),
    ("plugins/payload.py", "airflow_workfront.emulator.timefmt", "The provider imports nothing"),
    ("emulator/batch.py", "airflow_workfront.emulator.api", "No package or module"),  # api imports batch
    ("client/errors.py", "airflow_workfront.client.client", "No package or module"),  # client imports errors
])
def test_each_contract_breaks_on_the_import_it_forbids(copy, module, wrong_import, broken):
    path = copy / "airflow_workfront" / module
    # Inside a function, as the package's lazy imports are: import-linter counts those too.
    path.write_text(path.read_text() + f"\n\ndef _wrong():\n    import {wrong_import}  # noqa: F401\n")
    result = _lint(copy)
    assert result.returncode != 0
    # "<contract name> KEPT" or "<contract name> BROKEN", perhaps followed by "(1 ignored import)"
    verdicts = dict(re.findall(r"^(.+?) (KEPT|BROKEN)(?: \(.*\))?$", result.stdout, flags=re.MULTILINE))
    assert len(verdicts) == 4, result.stdout[-3000:]
    assert [verdict for name, verdict in verdicts.items() if name.startswith(broken)] == ["BROKEN"], verdicts
    # an import that goes up a layer also makes a circle; one that stays level breaks only its contract
    assert list(verdicts.values()).count("BROKEN") <= 2, verdicts
