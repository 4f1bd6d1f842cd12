"""Read one Workfront event-subscription delivery: check its shape, and reduce it to an asset event.

Pure functions, no Airflow and no I/O, so the rules are tested on their own. The documented
payload (``event-subscription-api``, "Message format") carries ``eventType``, ``subscriptionId``,
``eventTime`` (``{"epochSecond", "nano"}``), ``eventVersion``, ``newState`` and ``oldState``;
with ``base64Encoding`` the two states arrive as base64 strings of JSON.

What reaches Airflow is small and holds no values: the object code, the ID, the event type, the
event time and the *names* of the fields that differ between the two states. Field values (and
with them anything sensitive a custom field may hold) stay out of the metadata database.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

EVENT_TYPES = ("CREATE", "UPDATE", "DELETE", "SHARE")
REQUIRED = ("eventType", "subscriptionId", "eventTime", "eventVersion", "newState", "oldState")
# Custom fields sit under parameterValues, keyed "DE:<name>"; they are reported by those names.
CUSTOM_FIELDS = "parameterValues"
MAX_CHANGED_FIELDS = 200
MAX_ID_LENGTH = 64


class PayloadError(ValueError):
    """The body is not a Workfront event delivery; the message says which field is wrong."""


@dataclass(frozen=True)
class Delivery:
    """One delivery, checked: what the asset event carries."""

    event_type: str
    subscription_id: str
    event_time: datetime
    event_version: str
    obj_code: str
    obj_id: str
    changed_fields: tuple[str, ...]
    changed_fields_truncated: bool

    @property
    def delivery_id(self) -> str:
        """Same change, same ID: Workfront's retries of one message (and the v1/v2 copies sent for
        five minutes after a version switch) share the object, the event type and ``eventTime``,
        which Workfront's notes name as the key to de-duplicate on."""
        key = json.dumps([self.event_type, self.obj_code, self.obj_id, self.event_time.isoformat()])
        return hashlib.sha256(key.encode()).hexdigest()

    def asset_event_extra(self, receiver: str) -> dict[str, Any]:
        """The ``extra`` of the asset event: small, JSON, no field values and no secrets."""
        extra: dict[str, Any] = {
            "source": "workfront",
            "receiver": receiver,
            "event_type": self.event_type,
            "obj_code": self.obj_code,
            "obj_id": self.obj_id,
            "event_time": self.event_time.isoformat(),
            "event_version": self.event_version,
            "subscription_id": self.subscription_id,
            "changed_fields": list(self.changed_fields),
            "delivery_id": self.delivery_id,
        }
        if self.changed_fields_truncated:
            extra["changed_fields_truncated"] = True
        return extra


def parse_delivery(body: bytes) -> Delivery:
    """Parse and check a delivery body; raise :class:`PayloadError` saying what is wrong."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as err:
        raise PayloadError(f"the body is not JSON ({err.__class__.__name__})") from None
    if not isinstance(payload, dict):
        raise PayloadError(f"the body must be a JSON object, got {type(payload).__name__}")
    missing = [name for name in REQUIRED if name not in payload]
    if missing:
        raise PayloadError(f"missing fields: {', '.join(missing)}")

    event_type = payload["eventType"]
    if event_type not in EVENT_TYPES:
        raise PayloadError(f"eventType must be one of {', '.join(EVENT_TYPES)}, got {_short(event_type)}")
    subscription_id = _text(payload["subscriptionId"], "subscriptionId")
    event_version = _text(payload["eventVersion"], "eventVersion")
    event_time = _event_time(payload["eventTime"])
    new_state = _state(payload["newState"], "newState")
    old_state = _state(payload["oldState"], "oldState")

    subject = new_state or old_state
    if not subject:
        raise PayloadError("newState and oldState are both empty")
    obj_code = _text(subject.get("objCode"), "objCode of the state")
    obj_id = _text(subject.get("ID"), "ID of the state")
    if len(obj_id) > MAX_ID_LENGTH or len(obj_code) > MAX_ID_LENGTH:
        raise PayloadError("objCode or ID of the state is too long")
    changed = changed_fields(new_state, old_state)
    return Delivery(event_type, subscription_id, event_time, event_version, obj_code, obj_id,
                    tuple(changed[:MAX_CHANGED_FIELDS]), len(changed) > MAX_CHANGED_FIELDS)


def changed_fields(new_state: dict[str, Any], old_state: dict[str, Any]) -> list[str]:
    """Names of the fields whose value differs between the states, sorted.

    On CREATE (``oldState`` is ``{}``) that is every field the new object has a value for; on
    DELETE every field the old one had. Custom fields are named by their ``DE:`` keys.
    """
    names = []
    for key in set(new_state) | set(old_state):
        if key == CUSTOM_FIELDS:
            continue
        if new_state.get(key) != old_state.get(key):
            names.append(str(key))
    new_custom = new_state.get(CUSTOM_FIELDS) or {}
    old_custom = old_state.get(CUSTOM_FIELDS) or {}
    if isinstance(new_custom, dict) and isinstance(old_custom, dict):
        names.extend(str(k) for k in set(new_custom) | set(old_custom) if new_custom.get(k) != old_custom.get(k))
    return sorted(names)


def _state(value: Any, name: str) -> dict[str, Any]:
    if isinstance(value, str):  # base64Encoding=true sends each state as base64 of its JSON
        try:
            value = json.loads(base64.b64decode(value, validate=True))
        except (binascii.Error, ValueError, UnicodeDecodeError):
            raise PayloadError(f"{name} is a string but not base64-encoded JSON") from None
    if not isinstance(value, dict):
        raise PayloadError(f"{name} must be an object, got {type(value).__name__}")
    return value


def _event_time(value: Any) -> datetime:
    if not isinstance(value, dict):
        raise PayloadError("eventTime must be an object with epochSecond and nano")
    seconds, nano = value.get("epochSecond"), value.get("nano", 0)
    if not isinstance(seconds, int) or isinstance(seconds, bool) or not isinstance(nano, int) or isinstance(nano, bool):
        raise PayloadError("eventTime.epochSecond and eventTime.nano must be integers")
    if not 0 <= nano < 1_000_000_000 or not 0 <= seconds < 32_503_680_000:  # before year 3000
        raise PayloadError("eventTime is out of range")
    return datetime.fromtimestamp(seconds, tz=timezone.utc).replace(microsecond=nano // 1000)


def _text(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise PayloadError(f"{name} must be a non-empty string")
    return value


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
