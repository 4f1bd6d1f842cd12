"""The provider metadata is valid for Airflow and Airflow discovers the provider through it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import airflow_workfront
from airflow_workfront.provider_info import AUTH_TYPES, CONN_FIELDS


def test_provider_info_passes_airflows_own_schema():
    from airflow.providers_manager import _create_provider_info_schema_validator

    _create_provider_info_schema_validator().validate(airflow_workfront.get_provider_info())


def test_package_name_matches_the_distribution():
    from importlib.metadata import distribution

    dist = distribution("airflow-provider-workfront")
    assert airflow_workfront.get_provider_info()["package-name"] == dist.metadata["Name"]
    entry_points = [ep for ep in dist.entry_points if ep.group == "apache_airflow_provider"]
    assert [ep.value for ep in entry_points] == ["airflow_workfront:get_provider_info"]


def test_providers_manager_finds_provider_hook_and_connection_type():
    from airflow.providers_manager import ProvidersManager
    from airflow.sdk.providers_manager_runtime import ProvidersManagerTaskRuntime

    assert "airflow-provider-workfront" in ProvidersManager().providers
    hook_info = ProvidersManagerTaskRuntime().hooks["workfront"]
    assert hook_info is not None
    assert hook_info.hook_class_name == "airflow_workfront.hooks.workfront.WorkfrontHook"
    assert hook_info.connection_type == "workfront"


def test_connection_form_fields_are_declared_and_secrets_are_masked():
    from airflow.providers_manager import ProvidersManager

    manager = ProvidersManager()
    widgets = manager.connection_form_widgets
    for name in ("auth_type", "api_version", "client_secret", "private_key", "refresh_token"):
        assert f"extra__workfront__{name}" in widgets, name
    secret = {name for name, spec in CONN_FIELDS.items() if spec["schema"].get("format") == "password"}
    assert secret == {"api_key", "client_secret", "private_key", "refresh_token"}
    assert CONN_FIELDS["auth_type"]["schema"]["enum"] == AUTH_TYPES


def test_airflow_masks_exactly_the_secret_connection_fields():
    """A field Airflow's masker hides shows and saves as ``***`` in the form: only secrets may be hidden."""
    from airflow._shared.secrets_masker import DEFAULT_SENSITIVE_FIELDS, should_hide_value_for_key

    assert {"token", "secret", "password", "api_key"} <= DEFAULT_SENSITIVE_FIELDS  # the list this test is about
    for name, spec in CONN_FIELDS.items():
        secret = spec["schema"].get("format") == "password"
        hidden = should_hide_value_for_key(name)
        assert hidden == secret, f"{name}: Airflow masks it: {hidden}; declared a secret: {secret}"
        # the legacy form's prefixed key is masked the same way
        assert should_hide_value_for_key(f"extra__workfront__{name}") == secret, name
    assert "ims_endpoint" in CONN_FIELDS and "ims_token_url" not in CONN_FIELDS


def _readme_providers_sample() -> list[str]:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    block = readme.split("`airflow providers list` shows it:", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    return [line.rstrip() for line in block.splitlines() if line.strip()]


@pytest.mark.slow
def test_readme_shows_the_real_airflow_providers_list_output(tmp_path):
    env = {"AIRFLOW_HOME": str(tmp_path), "PATH": "", "AIRFLOW__CORE__LOAD_EXAMPLES": "False"}
    out = subprocess.run([sys.executable, "-m", "airflow", "providers", "list"], capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    real = [line.rstrip() for line in out.stdout.splitlines()]
    assert any(line.startswith("airflow-provider-workfront ") for line in real)
    header, rule, ours = _readme_providers_sample()
    # Column widths follow the longest description installed, so compare cell by cell.
    assert _cells(real[0]) == _cells(header) and set(real[1]) == set(rule) == set("=+")
    assert _cells(ours) in [_cells(line) for line in real]


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.split("|")]


def test_the_declared_event_receiver_defaults_are_the_ones_the_receiver_uses():
    from airflow_workfront.plugins import receivers

    options = airflow_workfront.get_provider_info()["config"][receivers.SECTION]["options"]
    assert int(options["max_body_bytes"]["default"]) == receivers.DEFAULT_MAX_BODY_BYTES
    assert float(options["dedup_hours"]["default"]) == receivers.DEFAULT_DEDUP_HOURS
    assert receivers.parse_receivers(options["receivers"]["default"]) == {}
    assert set(receivers.parse_receivers(options["receivers"]["example"])) == {"projects"}


@pytest.mark.slow
def test_airflow_config_shows_the_event_receiver_section(tmp_path):
    env = {"AIRFLOW_HOME": str(tmp_path), "PATH": "", "AIRFLOW__CORE__LOAD_EXAMPLES": "False"}
    out = subprocess.run([sys.executable, "-m", "airflow", "config", "get-value", "workfront_events", "dedup_hours"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "72"
