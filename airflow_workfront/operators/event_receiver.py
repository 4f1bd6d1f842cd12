"""Point Workfront event subscriptions at this Airflow's event receiver, and take them away again.

The receiver lives at ``<Airflow API server URL>/workfront/events/<receiver>`` (see
:mod:`airflow_workfront.plugins`). Subscribing registers that URL with the receiver's token,
read from the same connection the receiver checks deliveries against, so the two cannot drift
apart. The token is masked and never logged or returned.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from airflow_workfront.operators.base import WorkfrontBaseOperator, require
from airflow_workfront.plugins.receivers import MAX_TOKEN_LENGTH, MIN_TOKEN_LENGTH, NAME, default_conn_id

if TYPE_CHECKING:
    from airflow.sdk import Context

EVENTS_PATH = "/workfront/events/"


def receiver_url(airflow_url: str, receiver: str) -> str:
    """The URL Workfront delivers to; HTTPS unless Airflow runs on this machine's loopback.

    Workfront sends the token with every delivery, so over plain HTTP anyone on the path reads it.
    """
    if not NAME.match(receiver or ""):
        raise ValueError(f"receiver {receiver!r}: a name may hold only letters, digits, '_' and '-' (1-64)")
    parts = urlsplit((airflow_url or "").rstrip("/"))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"airflow_url {airflow_url!r} is not an http(s) URL of the Airflow API server "
                         "(set it, or [api] base_url)")
    if parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ValueError(f"airflow_url {airflow_url!r}: Workfront would send the receiver's token in clear text; "
                         "use https (see docs/event-receiver.md)")
    return f"{parts.scheme}://{parts.netloc}{parts.path}{EVENTS_PATH}{quote(receiver)}"


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _ReceiverOperator(WorkfrontBaseOperator):
    """What subscribing and unsubscribing share: the receiver's name and URL."""

    template_fields: Sequence[str] = (*WorkfrontBaseOperator.template_fields, "receiver", "airflow_url")

    def __init__(self, *, receiver: str, airflow_url: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.receiver, self.airflow_url = receiver, airflow_url

    def url(self) -> str:
        """The receiver's URL, from ``airflow_url`` or else ``[api] base_url``."""
        base = self.airflow_url
        if not base:
            from airflow.sdk import conf

            base = conf.get("api", "base_url", fallback="")
        return receiver_url(base, require(self.receiver, "receiver", self.task_id))

    def subscriptions_to(self, url: str, **same: Any) -> list[dict]:
        """The customer's subscriptions that deliver to ``url`` (and match ``same``, if given)."""
        return [sub for sub in self.client.list_event_subscriptions()
                if sub.get("url") == url and all(sub.get(k) == v for k, v in same.items())]


class WorkfrontSubscribeReceiverOperator(_ReceiverOperator):
    """Subscribe this Airflow's event receiver to Workfront events; returns the subscription ID.

    Running it again replaces the subscription with the same object code, event type and object
    (Workfront refuses an identical one with 409), so the registered token is always the current one.

    :param receiver: Receiver name, as configured in ``[workfront_events] receivers``. Templated.
    :param obj_code: Object code to subscribe to (``PROJ``, ``TASK``...). Templated.
    :param event_type: ``CREATE``, ``UPDATE`` (default) or ``DELETE``. Templated.
    :param airflow_url: Public URL of the Airflow API server as Workfront reaches it; defaults to
        ``[api] base_url``. Must be https (plain http only on loopback). Templated.
    :param token_conn_id: Connection whose password is the receiver's token; defaults to
        ``workfront_events_<receiver>``, the receiver's own default. Templated.
    :param obj_id: Only events of this one object. Templated.
    :param filters: Workfront event filters (``fieldName``, ``fieldValue``, ``comparison``...). Templated.
    :param filter_connector: ``AND`` (default) or ``OR``.
    """

    template_fields: Sequence[str] = (*_ReceiverOperator.template_fields, "obj_code", "event_type",
                                      "token_conn_id", "obj_id", "filters")

    def __init__(self, *, receiver: str, obj_code: str, event_type: str = "UPDATE", airflow_url: str | None = None,
                 token_conn_id: str | None = None, obj_id: str | None = None, filters: list[dict] | None = None,
                 filter_connector: str | None = None, **kwargs: Any) -> None:
        super().__init__(receiver=receiver, airflow_url=airflow_url, **kwargs)
        self.obj_code, self.event_type, self.token_conn_id = obj_code, event_type, token_conn_id
        self.obj_id, self.filters, self.filter_connector = obj_id, filters, filter_connector

    def token(self) -> str:
        """The receiver's token from its connection, masked in logs from here on."""
        from airflow.sdk import BaseHook
        from airflow.sdk.log import mask_secret

        conn_id = self.token_conn_id or default_conn_id(self.receiver)
        token = BaseHook.get_connection(conn_id).password or ""
        if token:
            mask_secret(token)
        if not MIN_TOKEN_LENGTH <= len(token) <= MAX_TOKEN_LENGTH:
            raise ValueError(f"{self.task_id}: the password of connection {conn_id!r} must be the receiver's token, "
                             f"{MIN_TOKEN_LENGTH}-{MAX_TOKEN_LENGTH} characters (it has {len(token)})")
        return token

    def execute(self, context: Context) -> str:
        from airflow_workfront.client.errors import WorkfrontBadRequestError

        url, token = self.url(), self.token()
        event_type = require(self.event_type, "event_type", self.task_id).upper()
        obj_code = require(self.obj_code, "obj_code", self.task_id)

        def create() -> str:
            return self.client.create_event_subscription(obj_code, event_type, url, token, obj_id=self.obj_id,
                                                         filters=self.filters, filter_connector=self.filter_connector)

        try:
            sub_id = create()
        except WorkfrontBadRequestError as err:
            if err.status_code != 409:
                raise
            same = self.subscriptions_to(url, objCode=obj_code, eventType=event_type, objId=self.obj_id or None)
            for sub in same:
                self.client.delete_event_subscription(sub["id"])
            self.log.info("Replaced %d identical subscription(s) to %s", len(same), url)
            sub_id = create()
        self.log.info("Workfront delivers %s %s events to %s: subscription %s", obj_code, event_type, url, sub_id)
        return sub_id


class WorkfrontUnsubscribeReceiverOperator(_ReceiverOperator):
    """Delete every Workfront subscription that delivers to this Airflow's event receiver.

    Returns the IDs it deleted (none is fine: the receiver is then already unsubscribed).

    :param receiver: Receiver name. Templated.
    :param airflow_url: Public URL of the Airflow API server; defaults to ``[api] base_url``. Templated.
    :param obj_code: Only subscriptions of this object code. Templated.
    """

    template_fields: Sequence[str] = (*_ReceiverOperator.template_fields, "obj_code")

    def __init__(self, *, receiver: str, airflow_url: str | None = None, obj_code: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(receiver=receiver, airflow_url=airflow_url, **kwargs)
        self.obj_code = obj_code

    def execute(self, context: Context) -> list[str]:
        from airflow_workfront.client.errors import WorkfrontNotFoundError

        url = self.url()
        same = self.subscriptions_to(url, **({"objCode": self.obj_code} if self.obj_code else {}))
        deleted = []
        for sub in same:
            try:
                self.client.delete_event_subscription(sub["id"])
            except WorkfrontNotFoundError:
                continue  # removed meanwhile: the goal is reached all the same
            deleted.append(sub["id"])
        self.log.info("Deleted %d subscription(s) delivering to %s", len(deleted), url)
        return deleted
