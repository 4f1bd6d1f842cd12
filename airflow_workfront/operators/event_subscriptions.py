"""Create, list and delete Workfront event subscriptions (webhooks).

The subscription's ``authToken`` is a secret: it is never logged or returned through XCom.
Pass it from a connection or a secrets backend, e.g.
``auth_token="{{ conn.my_webhook.password }}"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow_workfront.operators.base import WorkfrontBaseOperator, require

if TYPE_CHECKING:
    from airflow.sdk import Context

MAX_LISTED = 1000


class WorkfrontCreateEventSubscriptionOperator(WorkfrontBaseOperator):
    """Subscribe a URL to CREATE, UPDATE or DELETE events of an object type; returns the subscription ID.

    :param obj_code: Object code (``PROJ``, ``TASK``...). Templated.
    :param event_type: ``CREATE``, ``UPDATE`` or ``DELETE``. Templated.
    :param url: Where Workfront POSTs the events. Templated.
    :param auth_token: Token Workfront sends with each delivery (secret; masked). Templated.
    :param obj_id: Only events of this object. Templated.
    :param filters: Event filters (``fieldName``, ``fieldValue``, ``comparison``...). Templated.
    :param filter_connector: ``AND`` (default) or ``OR``.
    """

    template_fields: Sequence[str] = (*WorkfrontBaseOperator.template_fields, "obj_code", "event_type", "url",
                                      "auth_token", "obj_id", "filters")

    def __init__(self, *, obj_code: str, event_type: str, url: str, auth_token: str, obj_id: str | None = None,
                 filters: list[dict] | None = None, filter_connector: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.obj_code, self.event_type, self.url, self.auth_token = obj_code, event_type, url, auth_token
        self.obj_id, self.filters, self.filter_connector = obj_id, filters, filter_connector

    def execute(self, context: Context) -> str:
        from airflow.sdk.log import mask_secret

        token = require(self.auth_token, "auth_token", self.task_id)
        mask_secret(token)
        sub_id = self.client.create_event_subscription(self.obj_code, self.event_type, self.url, token,
                                                       obj_id=self.obj_id, filters=self.filters,
                                                       filter_connector=self.filter_connector)
        self.log.info("Subscribed %s to %s %s events: subscription %s", self.url, self.obj_code, self.event_type, sub_id)
        return sub_id


class WorkfrontDeleteEventSubscriptionOperator(WorkfrontBaseOperator):
    """Delete an event subscription.

    :param subscription_id: The subscription's ID. Templated.
    :param ignore_missing: Succeed when it no longer exists (default True).
    """

    template_fields: Sequence[str] = (*WorkfrontBaseOperator.template_fields, "subscription_id")

    def __init__(self, *, subscription_id: str, ignore_missing: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.subscription_id, self.ignore_missing = subscription_id, ignore_missing

    def execute(self, context: Context) -> dict[str, Any]:
        from airflow_workfront.client.errors import WorkfrontNotFoundError

        try:
            self.client.delete_event_subscription(require(self.subscription_id, "subscription_id", self.task_id))
        except WorkfrontNotFoundError:
            if not self.ignore_missing:
                raise
            self.log.info("Subscription %s was already gone", self.subscription_id)
            return {"id": self.subscription_id, "deleted": False}
        return {"id": self.subscription_id, "deleted": True}


class WorkfrontListEventSubscriptionsOperator(WorkfrontBaseOperator):
    """List the customer's event subscriptions (without their tokens).

    :param obj_code: Only subscriptions of this object code. Templated.
    """

    template_fields: Sequence[str] = (*WorkfrontBaseOperator.template_fields, "obj_code")

    def __init__(self, *, obj_code: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.obj_code = obj_code

    def execute(self, context: Context) -> list[dict]:
        listed = []
        for sub in self.client.list_event_subscriptions():
            if self.obj_code and sub.get("objCode") != self.obj_code:
                continue
            listed.append({k: v for k, v in sub.items() if k != "authToken"})
            if len(listed) >= MAX_LISTED:
                self.log.warning("%s: stopped listing at %d subscriptions", self.task_id, MAX_LISTED)
                break
        return listed
