"""Who is calling: API keys, sessions (login, expiry, cookies), Workfront OAuth2 (JWT exchange and
refresh tokens) and Adobe IMS bearer tokens. Credentials are checked, never logged."""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from airflow_workfront.emulator.errors import ApiError, forbidden, unauthenticated

# Customer ID the emulated tenant reports (the JWT "iss" must equal it).
CUSTOMER_ID = "5c7f2a0b00000a1b2c3d4e5f60718293"


def _token() -> str:
    return secrets.token_hex(16)


@dataclass
class Caller:
    """An authenticated caller."""

    user_id: str
    via: str  # apiKey | session | cookie | ims


@dataclass
class AuthConfig:
    """How the emulated tenant authenticates.

    :param api_key: The API key of the admin user.
    :param username / password: The admin user's login.
    :param session_ttl: Seconds a session or OAuth2 access token lives.
    :param oauth_clients: OAuth2 app client ID -> client secret.
    :param jwt_public_key: PEM public key that verifies JWTs sent to the JWT exchange.
    :param refresh_tokens: Refresh tokens accepted initially (each rotates on use).
    :param ims_org_id: Adobe IMS org accepted with bearer tokens (IMS is off when None).
    :param ims_tokens: Bearer tokens accepted from the start (more are minted at /ims/token/v3).
    :param rotate_refresh_tokens: Issue a new refresh token on each use (an OAuth2 app setting).
    """

    api_key: str = "test-key"
    username: str = "admin@example.com"
    password: str = "password"
    session_ttl: float = 8 * 3600.0
    oauth_clients: dict[str, str] = field(default_factory=dict)
    jwt_public_key: str | None = None
    refresh_tokens: list[str] = field(default_factory=list)
    ims_org_id: str | None = None
    ims_tokens: list[str] = field(default_factory=list)
    rotate_refresh_tokens: bool = True


class AuthState:
    """Live credentials of the tenant."""

    def __init__(self, config: AuthConfig) -> None:
        self.config = config
        self.lock = threading.Lock()
        self.admin_id = ""
        self.api_keys: dict[str, str] = {}
        self.sessions: dict[str, tuple[str, float]] = {}
        self.refresh_tokens: dict[str, str] = {}
        self.ims_tokens: dict[str, float] = {t: float("inf") for t in config.ims_tokens}

    def bind_admin(self, user_id: str) -> None:
        """Attach the configured credentials to the admin user the seed created."""
        with self.lock:
            self.admin_id = user_id
            self.api_keys = {self.config.api_key: user_id} if self.config.api_key else {}
            self.refresh_tokens = {t: user_id for t in self.config.refresh_tokens}

    # -- checks -------------------------------------------------------------------------------

    def caller(self, headers: dict[str, str], params: dict[str, str], cookies: dict[str, str], write: bool) -> Caller:
        """Authenticate one request, or raise Workfront's error."""
        key = headers.get("apikey") or params.get("apiKey") or params.get("apikey")
        if key:
            user = self.api_keys.get(key)
            if user is None:
                raise unauthenticated("Invalid apiKey: the key is unknown, expired or was cleared")
            return Caller(user, "apiKey")
        bearer = headers.get("authorization", "")
        if bearer.lower().startswith("bearer ") and self.config.ims_org_id:
            return self._ims(bearer[7:].strip(), headers.get("x-gw-ims-org-id"))
        session = headers.get("sessionid") or params.get("sessionID") or params.get("sessionid")
        via = "session"
        if not session:
            session = cookies.get("attask") or cookies.get("sessionID")
            via = "cookie"
        if session:
            user = self._session_user(session)
            if via == "cookie" and write:
                raise forbidden("Cookie authentication is read-only: send the sessionID header to make changes")
            return Caller(user, via)
        raise unauthenticated()

    def _session_user(self, session: str) -> str:
        with self.lock:
            entry = self.sessions.get(session)
            if entry is None or entry[1] < time.time():
                self.sessions.pop(session, None)
                raise unauthenticated("You are not currently logged in: the session expired or is unknown")
            return entry[0]

    def _ims(self, token: str, org: str | None) -> Caller:
        with self.lock:
            expires = self.ims_tokens.get(token)
        if expires is None or expires < time.time():
            raise unauthenticated("Invalid or expired IMS access token")
        if org != self.config.ims_org_id:
            raise forbidden("x-gw-ims-org-id does not match the organisation of this Workfront instance")
        return Caller(self.admin_id, "ims")

    # -- issuing ------------------------------------------------------------------------------

    def new_session(self, user_id: str) -> str:
        session = _token()
        with self.lock:
            self.sessions[session] = (user_id, time.time() + self.config.session_ttl)
        return session

    def end_session(self, session: str) -> bool:
        with self.lock:
            return self.sessions.pop(session, None) is not None

    def expire_all(self) -> int:
        """Expire every session and access token now (tests of renewal)."""
        with self.lock:
            count = len(self.sessions) + len(self.ims_tokens)
            self.sessions.clear()
            self.ims_tokens = {t: 0.0 for t in self.ims_tokens}
            return count

    def login(self, username: str | None, password: str | None) -> str:
        if username != self.config.username or password != self.config.password:
            raise unauthenticated("That username/password combination wasn't quite right.")
        return self.new_session(self.admin_id)

    def check_client(self, client_id: str | None, client_secret: str | None) -> None:
        if not client_id or self.config.oauth_clients.get(client_id) != client_secret:
            raise ApiError(401, "com.attask.common.AuthenticationException", "invalid_client: unknown client or wrong secret")

    def jwt_exchange(self, client_id: str | None, client_secret: str | None, jwt_token: str | None) -> dict[str, Any]:
        """Verify an RS256 JWT (iss = customer ID, sub = a user) and issue an access token."""
        import jwt

        self.check_client(client_id, client_secret)
        if not self.config.jwt_public_key:
            raise ApiError(400, "com.attask.common.IllegalArgumentException", "no public key is registered for JWT exchange")
        try:
            claims = jwt.decode(jwt_token or "", self.config.jwt_public_key, algorithms=["RS256"],
                                options={"require": ["exp", "iss", "sub"]})
        except jwt.PyJWTError as err:
            raise ApiError(400, "com.attask.common.IllegalArgumentException", f"invalid_grant: {type(err).__name__}") from None
        if claims["iss"] != CUSTOMER_ID:
            raise ApiError(400, "com.attask.common.IllegalArgumentException", "invalid_grant: iss is not this customer's ID")
        if claims["sub"] != self.admin_id:
            raise ApiError(400, "com.attask.common.IllegalArgumentException", "invalid_grant: sub is not the key's user")
        token = self.new_session(claims["sub"])
        return {"access_token": token, "token_type": "sessionID", "expires_in": int(self.config.session_ttl)}

    def refresh(self, client_id: str | None, client_secret: str | None, refresh_token: str | None) -> dict[str, Any]:
        """Trade a refresh token for an access token and a rotated refresh token."""
        self.check_client(client_id, client_secret)
        with self.lock:
            user = self.refresh_tokens.get(refresh_token or "")
            if user is None:
                raise ApiError(400, "com.attask.common.IllegalArgumentException", "invalid_grant: unknown refresh token")
            rotated = refresh_token or ""
            if self.config.rotate_refresh_tokens:
                del self.refresh_tokens[rotated]
                rotated = _token()
                self.refresh_tokens[rotated] = user
        return {"token_type": "sessionID", "access_token": self.new_session(user), "refresh_token": rotated,
                "expires_in": 0, "wid": CUSTOMER_ID}

    def ims_token(self, client_id: str | None, client_secret: str | None, grant_type: str | None) -> dict[str, Any]:
        """Adobe IMS client-credentials token endpoint."""
        if grant_type != "client_credentials":
            raise ApiError(400, "com.attask.common.IllegalArgumentException", "unsupported_grant_type")
        self.check_client(client_id, client_secret)
        token = _token()
        lifetime = 86400
        with self.lock:
            self.ims_tokens[token] = time.time() + lifetime
        return {"access_token": token, "token_type": "bearer", "expires_in": lifetime}

    def api_key_action(self, action: str, username: str | None, password: str | None) -> str | None:
        """getApiKey / generateApiKey / clearApiKey for the admin user."""
        if username != self.config.username or password != self.config.password:
            raise unauthenticated("That username/password combination wasn't quite right.")
        with self.lock:
            if action == "clearApiKey":
                self.api_keys = {k: u for k, u in self.api_keys.items() if u != self.admin_id}
                return None
            if action == "generateApiKey" or not any(u == self.admin_id for u in self.api_keys.values()):
                self.api_keys = {k: u for k, u in self.api_keys.items() if u != self.admin_id}
                key = _token()
                self.api_keys[key] = self.admin_id
                return key
            return next(k for k, u in self.api_keys.items() if u == self.admin_id)
