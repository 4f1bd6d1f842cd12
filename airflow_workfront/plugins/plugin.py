"""The Airflow plugin that mounts the Workfront event receiver on the API server under ``/workfront``.

Registered twice, as Airflow's own providers do: in the provider info (``plugins``), which Airflow
reads when ``[core] lazy_discover_providers`` is off, and as an ``airflow.plugins`` entry point,
which it always reads. Airflow keeps the first and skips the second by its name.
"""

from __future__ import annotations

from typing import Any

from airflow.plugins_manager import AirflowPlugin

URL_PREFIX = "/workfront"  # users type /workfront/events/{name} into Workfront: keep it stable


class _BuiltOnFirstUse:
    """A class attribute whose value is built on first read.

    Every Airflow process loads plugins, but only the API server reads ``fastapi_apps``; the app
    (and FastAPI with it) is created there and nowhere else.
    """

    def __init__(self) -> None:
        self._apps: list[dict[str, Any]] | None = None

    def __get__(self, instance: object, owner: type) -> list[dict[str, Any]]:
        if self._apps is None:
            from airflow_workfront.plugins.receiver_app import create_app

            self._apps = [{"app": create_app(), "url_prefix": URL_PREFIX, "name": "Workfront event receiver"}]
        return self._apps


class WorkfrontEventsPlugin(AirflowPlugin):
    """Receives Workfront event-subscription deliveries at ``/workfront/events/{name}``."""

    name = "workfront_events"
    fastapi_apps = _BuiltOnFirstUse()  # type: ignore[assignment]
