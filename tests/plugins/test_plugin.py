"""Airflow finds the plugin both ways it is registered, and mounts the receiver under /workfront."""

from __future__ import annotations

from pathlib import Path

import tomllib

import airflow_workfront
from airflow_workfront.plugins.plugin import URL_PREFIX, WorkfrontEventsPlugin

ROOT = Path(__file__).resolve().parents[2]
PLUGIN_CLASS = "airflow_workfront.plugins.plugin.WorkfrontEventsPlugin"


def test_the_provider_info_declares_the_plugin_by_its_own_name():
    plugins = airflow_workfront.get_provider_info()["plugins"]
    assert plugins == [{"name": WorkfrontEventsPlugin.name, "plugin-class": PLUGIN_CLASS}]


def test_the_airflow_plugins_entry_point_names_the_same_class():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    entry = project["project"]["entry-points"]["airflow.plugins"]
    assert entry == {WorkfrontEventsPlugin.name: PLUGIN_CLASS.rsplit(".", 1)[0] + ":WorkfrontEventsPlugin"}


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
