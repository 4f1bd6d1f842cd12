"""``scripts/mutation.py`` (``make mutation``): what it runs, and how its summary reads (mutmut itself is not run here)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import mutation  # noqa: E402  (scripts/ is not a package)


def test_every_module_named_by_the_issue_runs_against_the_tests_next_to_it():
    assert set(mutation.MODULES) == {"sync/keyset.py", "sync/planner.py", "sync/coverage.py", "sync/closing.py",
                                     "client/retry.py", "plugins/tokens.py"}
    for module, tests in mutation.MODULES.items():
        assert (ROOT / "airflow_workfront" / module).exists(), module
        assert all((ROOT / t).exists() for t in tests), tests
        assert tests[0].endswith(f"test_{Path(module).stem}.py")  # the test file mirrors the module


def test_the_copy_gets_a_mutmut_section_for_one_module(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    mutation.configure(tmp_path, "sync/keyset.py", ("tests/sync/test_keyset.py",))
    import tomllib

    section = tomllib.loads((tmp_path / "pyproject.toml").read_text())["tool"]["mutmut"]
    assert section["only_mutate"] == ["airflow_workfront/sync/keyset.py"]
    assert section["pytest_add_cli_args_test_selection"] == ["tests/sync/test_keyset.py"]
    assert section["source_paths"] == ["airflow_workfront"]


def test_mutant_names_and_diffs_read_as_a_table():
    assert mutation.short_name("sync.keyset.x\u01c1KeyRange\u01c1alternatives__mutmut_12") == "KeyRange.alternatives #12"
    assert mutation.short_name("client.retry.x_backoff_delay__mutmut_3") == "backoff_delay #3"
    diff = "--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-        if lo <= hi:\n+        if lo < hi:\n"
    assert mutation.changed_lines(diff) == "-        if lo <= hi:\n+        if lo < hi:"
    assert mutation.cell("a | b") == "`a \\| b`" and mutation.cell("") == "(removed)"
    assert mutation.cell("x" * 100).endswith("...`") and len(mutation.cell("x" * 100)) == 92


def test_the_summary_counts_names_survivors_and_unreached_functions():
    result = mutation.ModuleResult("sync/keyset.py", ("tests/sync/test_keyset.py",),
                                   counts={"killed": 10, "survived": 1, "no tests": 2}, seconds=90,
                                   survivors={"sync.keyset.x\u01c1KeyRange\u01c1alternatives__mutmut_12":
                                              "-        if lo <= hi:\n+        if lo < hi:"},
                                   untested={"record_key": 2})
    text = mutation.report([result], "make mutation")
    assert "| `sync/keyset.py` | `test_keyset.py` | 13 | 10 | 1 | 0 | 2 | 1.5 |" in text
    assert "| `sync/keyset.py` | `KeyRange.alternatives #12` | `if lo <= hi:` | `if lo < hi:` |" in text
    assert "Not reached by the tests next to `sync/keyset.py` (mutants per function): `record_key` (2)." in text
    assert "Surviving mutants: 1." in text and "Reproduce: `make mutation`" in text


def test_the_docs_have_the_mutation_markers():
    doc = (ROOT / "docs" / "reliability.md").read_text()
    assert mutation.START in doc and mutation.END in doc
