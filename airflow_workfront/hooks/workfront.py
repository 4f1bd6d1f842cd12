"""WorkfrontHook: turns an Airflow Connection into a configured Workfront client.

The hook owns the connection and a cached client; operators, sensors and the sync engine call
the client it returns. The client package is imported lazily so that DAG files importing an
operator do not pay for ``requests``/``httpx`` at parse time.
"""

from __future__ import annotations

import logging
from functools import cached_property
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseHook

from airflow_workfront.hooks.connection import config_from_connection

if TYPE_CHECKING:
    from airflow.sdk import Connection

    from airflow_workfront.client import AsyncWorkfrontClient, ClientConfig, WorkfrontClient

log = logging.getLogger(__name__)


class WorkfrontHook(BaseHook):
    """Interact with Adobe Workfront through a connection of type ``workfront``.

    :param workfront_conn_id: The Airflow connection to use (default ``workfront_default``).
    :param client_overrides: Settings that win over the connection's extras for this hook only,
        e.g. ``max_concurrency=4`` or ``timeout=30``.

    Connection fields: ``host`` is the Workfront URL (``https://acme.my.workfront.com``, or
    ``http://127.0.0.1:8765`` for the local emulator); ``password`` is the API key for
    ``auth_type=api_key`` or the password for ``auth_type=session`` (with ``login`` as username);
    every other setting lives in the extras declared in the provider info (``auth_type``,
    ``api_version``, ``client_id``, ``client_secret``, ``private_key``, ``customer_id``,
    ``user_id``, ``refresh_token``, ``ims_org_id``, ``ims_endpoint``, ``ims_scopes``,
    ``timeout``, ``max_retries``, ``max_concurrency``, ``verify_ssl``).
    """

    conn_name_attr = "workfront_conn_id"
    default_conn_name = "workfront_default"
    conn_type = "workfront"
    hook_name = "Adobe Workfront"

    def __init__(self, workfront_conn_id: str = default_conn_name, **client_overrides: Any) -> None:
        super().__init__()
        self.workfront_conn_id = workfront_conn_id
        self.client_overrides = client_overrides
        self._client: WorkfrontClient | None = None

    @staticmethod
    def config_from_connection(conn: Connection, **overrides: Any) -> ClientConfig:
        """Build a :class:`~airflow_workfront.client.ClientConfig` from a Connection (pure).

        :raises ValueError: when the auth type is unknown or a field it needs is missing; the
            message names the connection and the missing fields, never their values.
        """
        return config_from_connection(conn, **overrides)

    @cached_property
    def config(self) -> ClientConfig:
        """The client configuration read from the connection (looked up once per hook)."""
        conn = self.get_connection(self.workfront_conn_id)
        return config_from_connection(conn, **self.client_overrides)

    def get_conn(self) -> WorkfrontClient:
        """Return the cached :class:`~airflow_workfront.client.WorkfrontClient` for this connection."""
        if self._client is None:
            from airflow_workfront.client import WorkfrontClient

            self._client = WorkfrontClient(self.config)
        return self._client

    @property
    def client(self) -> WorkfrontClient:
        """Alias of :meth:`get_conn`."""
        return self.get_conn()

    async def aget_conn(self) -> AsyncWorkfrontClient:
        """Return a new :class:`~airflow_workfront.client.AsyncWorkfrontClient` (for triggers).

        The connection is fetched without blocking the event loop. The caller closes the client
        (``async with`` or ``await client.aclose()``).
        """
        from airflow_workfront.client import AsyncWorkfrontClient

        conn = await _aget_connection(self.workfront_conn_id)
        return AsyncWorkfrontClient(config_from_connection(conn, **self.client_overrides))

    def test_connection(self) -> tuple[bool, str]:
        """Check the connection with one cheap call (a one-row user search).

        Returns ``(True, message)`` on success and ``(False, reason)`` otherwise; the reason
        says what Workfront answered and never contains a credential.
        """
        try:
            client = self.get_conn()
            client.search_page("USER", fields=["ID"], limit=1)
        except Exception as err:  # test_connection reports every failure instead of raising
            return False, f"{type(err).__name__}: {err}"
        return True, f"Connected to Workfront at {self.config.api_url}"

    def close(self) -> None:
        """Close the cached client (a session login is logged out)."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> WorkfrontHook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(workfront_conn_id={self.workfront_conn_id!r})"


async def _aget_connection(conn_id: str) -> Connection:
    """Fetch a connection from async code without blocking the loop.

    ``dag.test()`` and ``airflow dags test`` run triggers with in-process comms that answer only
    synchronous requests, so there the async lookup misses connections kept in the metadata
    database; the synchronous lookup, in a thread, finds them.
    """
    import asyncio

    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        try:
            from airflow.providers.common.compat.connection import get_async_connection
        except ImportError:  # common-compat is optional; the SDK has its own async lookup
            return await BaseHook.aget_connection(conn_id)
        return await get_async_connection(conn_id)
    except AirflowNotFoundException:
        return await asyncio.to_thread(BaseHook.get_connection, conn_id)

