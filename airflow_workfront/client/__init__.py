"""An Airflow-free client for Adobe Workfront's REST API.

``WorkfrontClient`` (requests) and ``AsyncWorkfrontClient`` (httpx) share request building,
auth, retry rules and error mapping; see ``docs/architecture.md`` for the contract.

The names below are loaded on first use, so that importing a small module of this package
(:mod:`~airflow_workfront.client.limits`, :mod:`~airflow_workfront.client.objects`) from the
provider info, a DAG file or a sensor does not import the HTTP libraries.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from airflow_workfront.client.async_client import AsyncWorkfrontClient
    from airflow_workfront.client.auth import (
        ApiKeyAuth,
        ImsAuth,
        OAuth2JwtAuth,
        OAuth2RefreshTokenAuth,
        SessionAuth,
    )
    from airflow_workfront.client.bulk import BulkFailure, BulkResult
    from airflow_workfront.client.client import WorkfrontClient
    from airflow_workfront.client.config import ClientConfig
    from airflow_workfront.client.errors import WorkfrontError
    from airflow_workfront.client.stats import RequestStats

# Public name -> the module that defines it.
_HOMES = {
    "ApiKeyAuth": "auth",
    "AsyncWorkfrontClient": "async_client",
    "BulkFailure": "bulk",
    "BulkResult": "bulk",
    "ClientConfig": "config",
    "ImsAuth": "auth",
    "OAuth2JwtAuth": "auth",
    "OAuth2RefreshTokenAuth": "auth",
    "RequestStats": "stats",
    "SessionAuth": "auth",
    "WorkfrontClient": "client",
    "WorkfrontError": "errors",
}

__all__ = [
    "ApiKeyAuth",
    "AsyncWorkfrontClient",
    "BulkFailure",
    "BulkResult",
    "ClientConfig",
    "ImsAuth",
    "OAuth2JwtAuth",
    "OAuth2RefreshTokenAuth",
    "RequestStats",
    "SessionAuth",
    "WorkfrontClient",
    "WorkfrontError",
]


def __getattr__(name: str) -> Any:
    """Import a public name's module the first time the name is asked for (PEP 562)."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
