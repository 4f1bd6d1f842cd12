"""Read a ``workfront`` Airflow Connection into a client configuration (pure, no I/O).

Kept apart from the hook so it can be tested without an Airflow metadata database and reused
by triggers, which fetch the connection asynchronously.
"""

from __future__ import annotations

import json
import logging
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from airflow_workfront.client.limits import DEFAULT_IMS_TOKEN_URL, DEFAULT_MAX_CONCURRENCY

if TYPE_CHECKING:
    from airflow.sdk import Connection

    from airflow_workfront.client import ClientConfig

log = logging.getLogger(__name__)

AUTH_TYPES = ("api_key", "session", "oauth2_jwt", "oauth2_refresh_token", "ims")
# The IMS token endpoint's extra. Its first name, ``ims_token_url``, contains "token", so Airflow's
# form showed and saved its value as ``***``; that name is still read, and ``***`` means "unset".
IMS_ENDPOINT_EXTRA = "ims_endpoint"
_LEGACY_IMS_ENDPOINT_EXTRA = "ims_token_url"

# What each auth type needs, by the name a user sees in the connection form.
_REQUIRED: dict[str, tuple[str, ...]] = {
    "api_key": ("api_key",),
    "session": ("login", "password"),
    "oauth2_jwt": ("client_id", "client_secret", "private_key", "customer_id", "user_id"),
    "oauth2_refresh_token": ("client_id", "client_secret", "refresh_token"),
    "ims": ("client_id", "client_secret", "ims_org_id"),
}


def parse_extra(extra: str | dict | None) -> dict[str, Any]:
    """Return a connection's extras as a dict, accepting JSON text, a dict or nothing.

    Keys written by the legacy form (``extra__workfront__api_version``) are accepted too.
    """
    if not extra:
        return {}
    if isinstance(extra, dict):
        value: Any = dict(extra)
    else:
        try:
            value = json.loads(extra)
        except json.JSONDecodeError as err:
            raise ValueError(f"connection extra is not valid JSON ({err.msg} at position {err.pos})") from None
    if not isinstance(value, dict):
        raise ValueError("connection extra must be a JSON object")
    prefix = "extra__workfront__"
    return {(k[len(prefix) :] if k.startswith(prefix) else k): v for k, v in value.items()}


def base_url_from_connection(host: str | None, port: int | None, schema: str | None) -> str:
    """Build ``scheme://host[:port]`` from a connection's host, port and schema fields."""
    if not host:
        raise ValueError("host is empty: set it to your Workfront URL, e.g. https://acme.my.workfront.com")
    host = host.strip().rstrip("/")
    if "://" not in host:
        scheme = schema.lower() if schema and schema.lower() in ("http", "https") else "https"
        host = f"{scheme}://{host}"
    parts = urlsplit(host)
    if parts.path not in ("", "/") or parts.query:
        raise ValueError(
            f"host must be the bare Workfront URL without a path (got path {parts.path!r}); "
            "the client adds /attask/api/<version> itself"
        )
    if port and not parts.port:
        host = f"{parts.scheme}://{parts.hostname}:{int(port)}"
    return host


# Numeric extras and their types. The form and JSON may give them as text; they are converted
# here and checked, with their defaults, by ClientConfig (client/limits.py), where every setting enters.
_NUMBERS: dict[str, type] = {"timeout": float, "max_retries": int, "max_concurrency": int, "page_size": int}


def _number(key: str, raw: Any, kind: type) -> Any:
    """Convert a numeric extra given as text or JSON to ``kind`` (no range checks: see above)."""
    try:
        if isinstance(raw, bool) or (kind is int and isinstance(raw, float) and not raw.is_integer()):
            raise ValueError(raw)
        return kind(raw)
    except (TypeError, ValueError, OverflowError):
        wanted = "a whole number" if kind is int else "a number"
        raise ValueError(f"extra {key!r} must be {wanted}, got {raw!r}") from None


def _settings(extras: dict[str, Any], pool_slots: int | None) -> dict[str, Any]:
    """The client settings the extras give (an empty value means "the default")."""
    given = {key: raw for key in ("api_version", *_NUMBERS) if (raw := extras.get(key)) is not None and raw != ""}
    settings = {key: _number(key, raw, _NUMBERS[key]) if key in _NUMBERS else raw for key, raw in given.items()}
    if pool_slots:
        settings["max_concurrency"] = min(settings.get("max_concurrency", DEFAULT_MAX_CONCURRENCY), pool_slots)
    return settings


def _boolean(raw: Any, default: bool) -> bool:
    if raw is None or raw == "":
        return default
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"extra 'verify_ssl' must be true or false, got {raw!r}")


def _ims_endpoint(given: dict[str, str], conn_id: str | None) -> str:
    for name in (IMS_ENDPOINT_EXTRA, _LEGACY_IMS_ENDPOINT_EXTRA):
        value = given.get(name, "").strip()
        if value == "***":
            log.warning("connection %r: extra %r holds the mask '***' Airflow's form saved; using %s",
                        conn_id, name, DEFAULT_IMS_TOKEN_URL)
        elif value:
            return value
    return DEFAULT_IMS_TOKEN_URL


def config_from_connection(conn: Connection, **overrides: Any) -> ClientConfig:
    """Turn a ``workfront`` connection (plus per-hook overrides) into a ``ClientConfig``.

    The override ``pool_slots`` lowers ``max_concurrency`` to the pool slots a task holds.

    :raises ValueError: naming the connection and what is missing or malformed; never a value
        of a secret field.
    """
    from airflow_workfront.client import (
        ApiKeyAuth,
        ClientConfig,
        ImsAuth,
        OAuth2JwtAuth,
        OAuth2RefreshTokenAuth,
        SessionAuth,
    )

    # Not a setting of its own: the pool slots a task holds cap its requests in flight.
    pool_slots = overrides.pop("pool_slots", None)
    try:
        extras = parse_extra(conn.extra)
        extras.update({k: v for k, v in overrides.items() if v is not None})
        auth_type = str(extras.get("auth_type") or "api_key").strip().lower()
        if auth_type not in AUTH_TYPES:
            raise ValueError(f"auth_type {auth_type!r} is not one of {', '.join(AUTH_TYPES)}")

        values: dict[str, str | None] = {
            **{k: v for k, v in extras.items() if isinstance(v, str) and v.strip()},
            "login": conn.login,
            "password": conn.password,
        }
        if auth_type == "api_key" and not values.get("api_key"):
            values["api_key"] = conn.password
        # OAuth2 and IMS apps may keep their client secret in the password field.
        if auth_type in ("oauth2_jwt", "oauth2_refresh_token", "ims") and not values.get("client_secret"):
            values["client_secret"] = conn.password
        missing = [name for name in _REQUIRED[auth_type] if not values.get(name)]
        if missing:
            raise ValueError(f"auth_type {auth_type} needs {', '.join(missing)}")
        given: dict[str, str] = {name: value for name, value in values.items() if value}  # the required ones at least

        if auth_type == "api_key":
            auth: Any = ApiKeyAuth(api_key=given["api_key"])
        elif auth_type == "session":
            auth = SessionAuth(username=given["login"], password=given["password"])
        elif auth_type == "oauth2_jwt":
            auth = OAuth2JwtAuth(
                client_id=given["client_id"],
                client_secret=given["client_secret"],
                private_key=normalise_pem(given["private_key"]),
                customer_id=given["customer_id"],
                user_id=given["user_id"],
            )
        elif auth_type == "oauth2_refresh_token":
            auth = OAuth2RefreshTokenAuth(
                client_id=given["client_id"],
                client_secret=given["client_secret"],
                refresh_token=given["refresh_token"],
            )
        else:
            scopes = extras.get("ims_scopes") or ()
            if isinstance(scopes, str):
                scopes = tuple(s.strip() for s in scopes.split(",") if s.strip())
            auth = ImsAuth(
                client_id=given["client_id"],
                client_secret=given["client_secret"],
                ims_org_id=given["ims_org_id"],
                token_url=_ims_endpoint(given, conn.conn_id),
                scopes=tuple(scopes),
            )

        verify_ssl = _boolean(extras.get("verify_ssl"), True)
        if not verify_ssl:
            log.warning("TLS certificate verification is OFF for connection %r", conn.conn_id)
        return ClientConfig(
            host=base_url_from_connection(conn.host, conn.port, conn.schema),
            auth=auth,
            verify_ssl=verify_ssl,
            **_settings(extras, pool_slots),
        )
    except ValueError as err:
        raise ValueError(f"Workfront connection {conn.conn_id!r} is misconfigured: {err}") from None


_PEM = re.compile(r"(-----BEGIN [A-Z0-9 ]+-----)(.*?)(-----END [A-Z0-9 ]+-----)", re.DOTALL)


def normalise_pem(text: str) -> str:
    """A PEM key as pasted or stored, with its line breaks back.

    JSON connections carry ``\\n`` escapes, and the UI's one-line field turns a pasted key's line
    breaks into spaces; both are put back (header line, base64 body, footer line). Text that is
    not PEM is returned as it is, for the signing library to refuse with its own message.
    """
    text = text.replace("\\n", "\n").strip()
    match = _PEM.fullmatch(text)
    if match is None:
        return text
    header, body, footer = match.groups()
    return "\n".join([header, *body.split(), footer]) + "\n"
