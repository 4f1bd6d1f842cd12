"""What pyproject.toml declares matches the package and what CI tests.

The end-to-end check is ``scripts/test_wheel.sh`` (``make test-wheel``, run by ``.ci/run``); these
fast checks catch the usual slips before it runs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
MAKEFILE = (ROOT / "Makefile").read_text()


def _make_variable(name: str) -> str:
    match = re.search(rf"^{name} \?= *(\S+)$", MAKEFILE, re.MULTILINE)
    assert match, f"Makefile lacks {name}"
    return match.group(1)


def test_every_data_file_in_the_package_is_declared_package_data():
    declared = {
        path
        for package, patterns in PYPROJECT["tool"]["setuptools"]["package-data"].items()
        for pattern in patterns
        for path in (ROOT / package.replace(".", "/")).glob(pattern)
    }
    data_files = {
        path for path in (ROOT / "airflow_workfront").rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    }
    assert data_files, "the emulator's catalog should be found"
    assert data_files <= declared, sorted(str(p.relative_to(ROOT)) for p in data_files - declared)


def test_the_airflow_floor_is_the_version_ci_tests():
    (airflow,) = [dep for dep in PYPROJECT["project"]["dependencies"] if re.match(r"apache-airflow\b[>=<]", dep)]
    floor = _make_variable("AIRFLOW_FLOOR")
    assert airflow == f"apache-airflow>={floor}"
    # the connection form is built from conn-fields since Airflow 3.2; 3.2 itself fails under dags test
    assert tuple(int(part) for part in floor.split(".")[:2]) >= (3, 2)
    assert _make_variable("AIRFLOW_VERSION").startswith("3.3.")
    assert "make test-wheel-floor" in (ROOT / ".ci" / "run").read_text()


def test_license_is_an_spdx_expression_with_a_setuptools_that_reads_it():
    assert PYPROJECT["project"]["license"] == "Apache-2.0"
    assert not [c for c in PYPROJECT["project"]["classifiers"] if c.startswith("License ::")]
    assert "setuptools>=77" in PYPROJECT["build-system"]["requires"]
