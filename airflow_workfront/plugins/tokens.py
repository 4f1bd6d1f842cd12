"""Each receiver's bearer token, read from its Airflow connection and checked in constant time."""

from __future__ import annotations

import hmac
import logging
import secrets
import threading
import time

from airflow_workfront.plugins.receivers import MAX_TOKEN_LENGTH, MIN_TOKEN_LENGTH

log = logging.getLogger(__name__)

# How long a token read from a connection is reused; a rotated token is live after this.
TOKEN_CACHE_SECONDS = 10.0


class TokenSource:
    """Reads the password of a connection through Airflow's secrets backends, with a short cache.

    Missing connections and tokens too short or too long to be safe are logged (by connection ID,
    never by value) and treated as "no token", so every delivery to that receiver gets a 401.
    """

    def __init__(self, ttl: float = TOKEN_CACHE_SECONDS) -> None:
        self.ttl = ttl
        self._cache: dict[str, tuple[float, str | None]] = {}
        self._lock = threading.Lock()

    def get(self, conn_id: str) -> str | None:
        """The token, or None when the connection is missing or its password is unusable."""
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(conn_id)
            if cached and cached[0] > now:
                return cached[1]
        token = self._read(conn_id)
        with self._lock:
            self._cache[conn_id] = (now + self.ttl, token)
        return token

    def _read(self, conn_id: str) -> str | None:
        from airflow.exceptions import AirflowNotFoundException
        from airflow.models.connection import Connection

        try:
            password = Connection.get_connection_from_secrets(conn_id).password
        except AirflowNotFoundException:
            log.error("Workfront event receiver: connection %r does not exist; every delivery is refused", conn_id)
            return None
        if not password or not MIN_TOKEN_LENGTH <= len(password) <= MAX_TOKEN_LENGTH:
            log.error("Workfront event receiver: the password of connection %r must be a token of %d-%d "
                      "characters; every delivery is refused", conn_id, MIN_TOKEN_LENGTH, MAX_TOKEN_LENGTH)
            return None
        return password


# Compared against when there is no real token, so a refusal costs the same time either way.
_DECOY = secrets.token_urlsafe(32)


def bearer_matches(authorization: str | None, expected: str | None) -> bool:
    """Whether an ``Authorization`` header carries ``Bearer <expected>``, compared in constant time."""
    scheme, _, provided = (authorization or "").partition(" ")
    same = hmac.compare_digest(provided.strip().encode(), (expected or _DECOY).encode())
    return same and expected is not None and scheme.lower() == "bearer"
