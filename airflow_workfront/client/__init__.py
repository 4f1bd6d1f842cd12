"""An Airflow-free client for Adobe Workfront's REST API.

``WorkfrontClient`` (requests) and ``AsyncWorkfrontClient`` (httpx) share request building,
auth, retry rules and error mapping; see ``docs/architecture.md`` for the contract.
"""

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
