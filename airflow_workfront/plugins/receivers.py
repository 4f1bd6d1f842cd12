"""Which receivers exist: the ``[workfront_events]`` section of the Airflow configuration.

::

    [workfront_events]
    # receiver name -> the connection whose password is the token, and the asset it updates
    receivers = {"projects": {"conn_id": "workfront_events_projects", "asset": "workfront_projects"}}
    max_body_bytes = 1048576
    dedup_hours = 72

or, as environment variables of the API server,
``AIRFLOW__WORKFRONT_EVENTS__RECEIVERS='{"projects": {"asset": "workfront_projects"}}'``.
``conn_id`` defaults to ``workfront_events_<name>``. Only receivers listed here answer; every
other name gets the same 401 as a wrong token.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

SECTION = "workfront_events"
NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# Workfront sends at most 1 MB per message; anything longer is not a Workfront delivery.
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
# Workfront retries for about 48 hours; deliveries are remembered for longer than that.
DEFAULT_DEDUP_HOURS = 72.0
# A guessable token defeats the receiver; Workfront accepts up to 255 characters.
MIN_TOKEN_LENGTH = 16
MAX_TOKEN_LENGTH = 255


class ReceiverConfigError(ValueError):
    """The ``[workfront_events]`` configuration is wrong; the message names the setting."""


@dataclass(frozen=True)
class Receiver:
    """One configured receiver.

    :param name: The ``{name}`` in ``/workfront/events/{name}``.
    :param conn_id: The Airflow connection whose password is the subscription's ``authToken``.
    :param asset: Name (or URI) of the asset its deliveries update.
    """

    name: str
    conn_id: str
    asset: str


@dataclass(frozen=True)
class ReceiverSettings:
    """Every receiver plus the limits that apply to all of them."""

    receivers: dict[str, Receiver]
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    dedup_hours: float = DEFAULT_DEDUP_HOURS


def default_conn_id(name: str) -> str:
    """The connection a receiver reads its token from when ``conn_id`` is not given."""
    return f"workfront_events_{name}"


def parse_receivers(raw: str | dict[str, Any]) -> dict[str, Receiver]:
    """Read the ``receivers`` setting (JSON text or an already parsed dict)."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw or "{}")
        except ValueError as err:
            raise ReceiverConfigError(f"[{SECTION}] receivers is not valid JSON: {err}") from None
    if not isinstance(raw, dict):
        raise ReceiverConfigError(f"[{SECTION}] receivers must be a JSON object of name -> settings")
    receivers = {}
    for name, spec in raw.items():
        where = f"[{SECTION}] receivers[{name!r}]"
        if not NAME.match(str(name)):
            raise ReceiverConfigError(f"{where}: a name may hold only letters, digits, '_' and '-' (1-64)")
        if not isinstance(spec, dict):
            raise ReceiverConfigError(f"{where} must be an object with 'asset' and optionally 'conn_id'")
        unknown = sorted(set(spec) - {"asset", "conn_id"})
        if unknown:
            raise ReceiverConfigError(f"{where}: unknown keys {', '.join(unknown)} (expected asset, conn_id)")
        asset = spec.get("asset")
        if not isinstance(asset, str) or not asset:
            raise ReceiverConfigError(f"{where}: 'asset' (the asset name or URI to update) is required")
        conn_id = spec.get("conn_id") or default_conn_id(name)
        if not isinstance(conn_id, str):
            raise ReceiverConfigError(f"{where}: 'conn_id' must be a string")
        receivers[name] = Receiver(name=name, conn_id=conn_id, asset=asset)
    return receivers


def load_settings() -> ReceiverSettings:
    """The settings from Airflow's configuration (airflow.cfg or ``AIRFLOW__WORKFRONT_EVENTS__*``)."""
    from airflow.configuration import conf

    receivers = parse_receivers(conf.get(SECTION, "receivers", fallback="{}"))
    try:
        max_body = conf.getint(SECTION, "max_body_bytes", fallback=DEFAULT_MAX_BODY_BYTES)
        dedup_hours = conf.getfloat(SECTION, "dedup_hours", fallback=DEFAULT_DEDUP_HOURS)
    except Exception as err:  # Airflow raises its own config exception with the value in it
        raise ReceiverConfigError(f"[{SECTION}] max_body_bytes / dedup_hours: {err}") from None
    if max_body < 1024:
        raise ReceiverConfigError(f"[{SECTION}] max_body_bytes must be at least 1024, got {max_body}")
    if dedup_hours <= 0:
        raise ReceiverConfigError(f"[{SECTION}] dedup_hours must be positive, got {dedup_hours}")
    return ReceiverSettings(receivers, max_body, dedup_hours)
