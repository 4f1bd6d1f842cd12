"""Authentication modes. Each one only describes HTTP: which headers an API call carries, and,
for token modes, which request gets a token and how to read the answer. The sync and async
clients run those requests with their own transport, so the logic exists once.

Credentials travel in headers or form bodies, never in a URL, and no ``repr`` shows them.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

from airflow_workfront.client.errors import WorkfrontAuthenticationError
from airflow_workfront.client.limits import DEFAULT_IMS_TOKEN_URL

JWT_LIFETIME_SECONDS = 300  # Workfront asks for a short-lived JWT per exchange
TOKEN_SAFETY_MARGIN = 0.9  # renew a cached token after 90% of its announced lifetime


@dataclass(frozen=True)
class TokenRequest:
    """One HTTP request that obtains (or ends) a token. ``url`` holds no secret."""

    method: str
    url: str
    data: dict[str, str] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    operation: str = "login"


class Auth:
    """Base class: an auth mode with no token to manage."""

    #: Whether a 401/AuthenticationException may be cured by getting a new token once.
    renewable = False

    def __init__(self) -> None:
        self.lock = threading.Lock()

    def headers(self) -> dict[str, str]:
        """Headers that authenticate one API call."""
        raise NotImplementedError

    def needs_token(self) -> bool:
        """Whether a token must be obtained before the next call."""
        return False

    def event_subscription_headers(self) -> dict[str, str]:
        """Headers for the event subscription API (the same credentials as API calls by default)."""
        return self.headers()

    def token_request(self, config: Any) -> TokenRequest:
        """The request that obtains a token (only called when :meth:`needs_token`)."""
        raise NotImplementedError(f"{type(self).__name__} has no token to obtain")

    def accept_token(self, status: int, body: Any) -> None:
        """Store the token from the answer to :meth:`token_request`, or raise."""
        raise NotImplementedError(f"{type(self).__name__} has no token to accept")

    def invalidate(self, token: str | None = None) -> None:
        """Forget the current token so the next call obtains a new one.

        :param token: The token a refused call carried. When another thread has already
            replaced it, nothing is forgotten, so one expiry costs one renewal, not one per thread.
        """

    def logout_request(self, config: Any) -> TokenRequest | None:
        """The request that ends the session on close, if the mode has one."""
        return None

    def secrets(self) -> list[str]:
        """Every secret this mode holds now, so callers can check none leaks."""
        return []

    def __repr__(self) -> str:
        return f"{type(self).__name__}(***)"


def _token_error(mode: str, status: int, body: Any) -> WorkfrontAuthenticationError:
    """An error for a refused token request, with the server's reason but no secret."""
    reason = ""
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            reason = str(error.get("message") or error.get("class") or "")
        elif error:
            reason = str(body.get("error_description") or error)
    return WorkfrontAuthenticationError(
        f"{mode} failed: HTTP {status}{': ' + reason if reason else ''}",
        operation="login",
        status_code=status,
    )


class ApiKeyAuth(Auth):
    """Authenticate with a Workfront API key, sent as the ``apiKey`` header."""

    def __init__(self, api_key: str) -> None:
        super().__init__()
        if not api_key:
            raise ValueError("api_key is empty")
        self.api_key = api_key

    def headers(self) -> dict[str, str]:
        return {"apiKey": self.api_key}

    def event_subscription_headers(self) -> dict[str, str]:
        # The event subscription API documents the key in the Authorization header.
        return {"apiKey": self.api_key, "Authorization": self.api_key}

    def secrets(self) -> list[str]:
        return [self.api_key]


class _TokenAuth(Auth):
    """A mode whose calls carry a token obtained by a request and cached until it expires."""

    renewable = True
    mode = "token"

    def __init__(self) -> None:
        super().__init__()
        self.token: str | None = None
        self.expires_at: float | None = None

    def needs_token(self) -> bool:
        return self.token is None or (self.expires_at is not None and time.monotonic() >= self.expires_at)

    def invalidate(self, token: str | None = None) -> None:
        with self.lock:
            if token is not None and token != self.token:
                return
            self.token = None
            self.expires_at = None

    def _store(self, token: Any, expires_in: Any) -> None:
        if not token:
            raise WorkfrontAuthenticationError(f"{self.mode} answered without a token", operation="login")
        self.token = str(token)
        try:
            lifetime = float(expires_in)
        except (TypeError, ValueError):
            lifetime = 0.0
        # Workfront's OAuth2 answers expires_in 0: the token lives like a session, until refused.
        self.expires_at = time.monotonic() + lifetime * TOKEN_SAFETY_MARGIN if lifetime > 0 else None

    def headers(self) -> dict[str, str]:
        return {"sessionID": self.token or ""}

    def secrets(self) -> list[str]:
        return [self.token] if self.token else []


class SessionAuth(_TokenAuth):
    """Log in with a username and password; calls carry the ``sessionID`` header.

    The session is renewed once when Workfront says it expired, and logged out on close.
    """

    mode = "session login"

    def __init__(self, username: str, password: str) -> None:
        super().__init__()
        if not username or not password:
            raise ValueError("session auth needs a username and a password")
        self.username = username
        self.password = password

    def token_request(self, config: Any) -> TokenRequest:
        return TokenRequest("POST", f"{config.api_url}/login", {"username": self.username, "password": self.password})

    def accept_token(self, status: int, body: Any) -> None:
        data = body.get("data") if isinstance(body, dict) else None
        if status != 200 or not isinstance(data, dict) or not data.get("sessionID"):
            raise _token_error(self.mode, status, body)
        self._store(data["sessionID"], None)

    def logout_request(self, config: Any) -> TokenRequest | None:
        if not self.token:
            return None
        return TokenRequest("POST", f"{config.api_url}/logout", None, {"sessionID": self.token}, "logout")

    def secrets(self) -> list[str]:
        return [self.password, *super().secrets()]


class OAuth2JwtAuth(_TokenAuth):
    """Workfront OAuth2 server-to-server: sign an RS256 JWT, exchange it for an access token.

    The JWT has ``iss`` = customer ID, ``sub`` = user ID and a short ``exp``; a new one is signed
    for every exchange. The access token is used as a ``sessionID``.
    """

    mode = "OAuth2 JWT exchange"

    def __init__(self, client_id: str, client_secret: str, private_key: str, customer_id: str, user_id: str) -> None:
        super().__init__()
        self.client_id = client_id
        self.client_secret = client_secret
        self.private_key = private_key
        self.customer_id = customer_id
        self.user_id = user_id

    def make_jwt(self, now: float | None = None) -> str:
        """Sign the JWT sent to the exchange endpoint."""
        import jwt

        issued = int(now if now is not None else time.time())
        claims = {"iss": self.customer_id, "sub": self.user_id, "iat": issued, "exp": issued + JWT_LIFETIME_SECONDS}
        try:
            return jwt.encode(claims, self.private_key, algorithm="RS256")
        except (ValueError, TypeError, jwt.PyJWTError) as err:
            # The key itself must not appear in the message.
            raise WorkfrontAuthenticationError(
                f"could not sign the OAuth2 JWT with the configured private key ({type(err).__name__})",
                operation="login",
            ) from None

    def token_request(self, config: Any) -> TokenRequest:
        return TokenRequest(
            "POST",
            f"{config.base_url}/integrations/oauth2/api/v1/jwt/exchange",
            {"client_id": self.client_id, "client_secret": self.client_secret, "jwt_token": self.make_jwt()},
        )

    def accept_token(self, status: int, body: Any) -> None:
        if status != 200 or not isinstance(body, dict) or not body.get("access_token"):
            raise _token_error(self.mode, status, body)
        self._store(body["access_token"], body.get("expires_in"))

    def secrets(self) -> list[str]:
        return [self.client_secret, self.private_key, *super().secrets()]


class OAuth2RefreshTokenAuth(_TokenAuth):
    """Workfront OAuth2 with a refresh token: trade it for an access token (used as ``sessionID``).

    When Workfront rotates the refresh token, the new one is kept in memory for the next refresh.
    """

    mode = "OAuth2 refresh"

    def __init__(self, client_id: str, client_secret: str, refresh_token: str) -> None:
        super().__init__()
        self.client_id = client_id
        self.client_secret = client_secret
        self.refresh_token = refresh_token
        self._old_refresh_tokens: list[str] = []

    def token_request(self, config: Any) -> TokenRequest:
        return TokenRequest(
            "POST",
            f"{config.base_url}/integrations/oauth2/api/v1/token",
            {
                "grant_type": "refresh_token",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "refresh_token": self.refresh_token,
            },
        )

    def accept_token(self, status: int, body: Any) -> None:
        if status != 200 or not isinstance(body, dict) or not body.get("access_token"):
            raise _token_error(self.mode, status, body)
        self._store(body["access_token"], body.get("expires_in"))
        rotated = body.get("refresh_token")
        if rotated and rotated != self.refresh_token:
            self._old_refresh_tokens.append(self.refresh_token)
            self.refresh_token = rotated

    def secrets(self) -> list[str]:
        return [self.client_secret, self.refresh_token, *self._old_refresh_tokens, *super().secrets()]


class ImsAuth(_TokenAuth):
    """Adobe IMS OAuth server-to-server (client credentials).

    Calls carry ``Authorization: Bearer <token>`` and ``x-gw-ims-org-id``; the token is cached
    below its announced lifetime (24 h at Adobe).
    """

    mode = "Adobe IMS token request"

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        ims_org_id: str,
        token_url: str = DEFAULT_IMS_TOKEN_URL,
        scopes: tuple[str, ...] | list[str] = (),
    ) -> None:
        super().__init__()
        self.client_id = client_id
        self.client_secret = client_secret
        self.ims_org_id = ims_org_id
        self.token_url = token_url
        self.scopes = tuple(scopes)

    def token_request(self, config: Any) -> TokenRequest:
        data = {"grant_type": "client_credentials", "client_id": self.client_id, "client_secret": self.client_secret}
        if self.scopes:
            data["scope"] = ",".join(self.scopes)
        return TokenRequest("POST", self.token_url, data)

    def accept_token(self, status: int, body: Any) -> None:
        if status != 200 or not isinstance(body, dict) or not body.get("access_token"):
            raise _token_error(self.mode, status, body)
        self._store(body["access_token"], body.get("expires_in", 86400))

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token or ''}", "x-gw-ims-org-id": self.ims_org_id}

    def secrets(self) -> list[str]:
        return [self.client_secret, *super().secrets()]
