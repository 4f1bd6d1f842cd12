"""Airflow finds the plugin both ways it is registered, and mounts the receiver under /workfront."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import airflow_workfront
from airflow_workfront.plugins.plugin import URL_PREFIX, WorkfrontEventsPlugin

ROOT = Path(__file__).resolve().parents[2]
PLUGIN_CLASS = "airflow_workfront.plugins.plugin.WorkfrontEventsPlugin"


def test_the_provider_info_declares_the_plugin_by_its_own_name():
    plugins = airflow_workfront.get_provider_info()["plugins"]
    assert plugins == [{"name": WorkfrontEventsPlugin.name, "plugin-class": PLUGIN_CLASS}]


def test_the_airflow_plugins_entry_point_names_the_same_class():
    entries = _pyproject_entry_points()
    module, _, cls = PLUGIN_CLASS.rpartition(".")
    assert entries == [f'{WorkfrontEventsPlugin.name} = "{module}:{cls}"']


def test_airflows_providers_manager_loads_it_from_the_provider_info():
    from airflow.plugins_manager import is_valid_plugin
    from airflow.providers_manager import ProvidersManager

    manager = ProvidersManager()
    manager.initialize_providers_plugins()
    (info,) = [p for p in manager.plugins if p.provider_name == "airflow-provider-workfront"]
    assert (info.name, info.plugin_class) == ("workfront_events", PLUGIN_CLASS)
    assert is_valid_plugin(WorkfrontEventsPlugin)


def test_it_mounts_one_fastapi_app_under_workfront():
    from fastapi import FastAPI

    (app,) = WorkfrontEventsPlugin.fastapi_apps
    assert app["url_prefix"] == URL_PREFIX == "/workfront"
    assert isinstance(app["app"], FastAPI)
    assert [r.path for r in app["app"].routes if getattr(r, "methods", None) == {"POST"}] == ["/events/{name}"]
    assert WorkfrontEventsPlugin().fastapi_apps is WorkfrontEventsPlugin.fastapi_apps  # built once


def _installed_entry_point() -> bool:
    from importlib.metadata import distribution

    dist = distribution("airflow-provider-workfront")
    return any(ep.group == "airflow.plugins" and ep.name == "workfront_events" for ep in dist.entry_points)


def _pyproject_entry_points() -> list[str]:
    section = re.search(r'^\[project\.entry-points\."airflow\.plugins"\]\n(.*?)(?:^\[|\Z)',
                        (ROOT / "pyproject.toml").read_text(), re.S | re.M)
    assert section, "pyproject.toml has no airflow.plugins entry point"
    return [line for line in section[1].splitlines() if line.strip() and not line.startswith("#")]


@pytest.mark.slow
@pytest.mark.parametrize("lazy", ["False", "True"], ids=["provider-info", "entry-point-default-lazy"])
def test_airflow_plugins_cli_lists_the_receiver(tmp_path, lazy):
    env = {**os.environ, "AIRFLOW_HOME": str(tmp_path), "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
           "AIRFLOW__CORE__LAZY_DISCOVER_PROVIDERS": lazy}
    if lazy == "True" and not _installed_entry_point():
        # An install older than the entry point: stand in with the entry point pyproject.toml declares.
        probe = tmp_path / "site" / "wf_plugin_probe-0.dist-info"
        probe.mkdir(parents=True)
        (probe / "METADATA").write_text("Metadata-Version: 2.1\nName: wf-plugin-probe\nVersion: 0\n")
        ini = [line.replace('"', "") for line in _pyproject_entry_points()]  # TOML strings -> entry_points.txt
        (probe / "entry_points.txt").write_text("[airflow.plugins]\n" + "\n".join(ini) + "\n")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [env.get("PYTHONPATH"), str(probe.parent)]))
    out = subprocess.run([sys.executable, "-m", "airflow", "plugins", "--output", "json"], capture_output=True,
                         text=True, env=env, timeout=180)
    assert out.returncode == 0, out.stderr[-2000:]
    plugins = json.loads(out.stdout[out.stdout.index("["):])
    (ours,) = [p for p in plugins if p["name"] == "workfront_events"]
    assert ours["fastapi_apps"] == [{"app": "fastapi.applications.FastAPI", "url_prefix": "/workfront",
                                     "name": "Workfront event receiver"}]
