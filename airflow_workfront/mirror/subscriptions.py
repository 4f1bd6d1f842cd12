"""One step to event-driven freshness: subscribe the event receiver to every type a mirror copies.

Workfront sends event-subscription deliveries for some object types only (the event-subscription
docs list them; :data:`~airflow_workfront.mirror.objects.OBJECTS` records which). For each of those
a mirror copies, this makes sure one subscription per event type (CREATE, UPDATE, DELETE) points at
the receiver's URL, creating only what is missing, so running it again changes nothing. The other
types are named in the result: they stay on the mirror's timetable (the journal's table also reads
on the events of the types Workfront journals).

From a DAG, :class:`WorkfrontMirrorSubscribeOperator`; from a shell where Airflow's connections
are readable::

    python -m airflow_workfront.mirror.subscriptions \\
        --url https://airflow.example.com/workfront/events/mirror --token-conn workfront_events_mirror
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow_workfront.mirror.objects import DEFAULT_OBJECTS, mirror_object
from airflow_workfront.operators.base import WorkfrontBaseOperator, require

if TYPE_CHECKING:
    from airflow.sdk import Context

EVENT_TYPES = ("CREATE", "UPDATE", "DELETE")


def split_by_events(codes: Sequence[str]) -> tuple[list[str], list[str]]:
    """``(types Workfront sends events for, types that stay on the timetable)``, in ``codes``' order."""
    subscribable = [c.upper() for c in codes if mirror_object(c).events]
    return subscribable, [c.upper() for c in codes if c.upper() not in subscribable]


def subscribe_mirror(client: Any, codes: Sequence[str], url: str, auth_token: str,
                     event_types: Sequence[str] = EVENT_TYPES) -> dict[str, Any]:
    """Make sure each event-capable type of ``codes`` has a subscription per event type to ``url``.

    :returns: ``created`` and ``existing`` (``"PROJ CREATE"``...), ``timetable_only`` (types
        Workfront sends no events for) and the IDs created; never the token.
    """
    subscribable, timetable_only = split_by_events(codes)
    have = {(s.get("objCode"), s.get("eventType")) for s in client.list_event_subscriptions() if s.get("url") == url}
    created, existing, ids = [], [], []
    for code in subscribable:
        for event_type in event_types:
            if (code, event_type) in have:
                existing.append(f"{code} {event_type}")
                continue
            ids.append(client.create_event_subscription(code, event_type, url, auth_token))
            created.append(f"{code} {event_type}")
    return {"url": url, "created": created, "existing": existing, "subscription_ids": ids,
            "timetable_only": timetable_only}


class WorkfrontMirrorSubscribeOperator(WorkfrontBaseOperator):
    """Subscribe the event receiver's URL to every type of a mirror that Workfront sends events for.

    Idempotent: subscriptions that already point at ``url`` are kept, only missing ones are made.
    Returns what was created, what existed, and the types that stay on the timetable.

    :param url: The receiver's public URL, ``https://<api-server>/workfront/events/<name>``. Templated.
    :param auth_token: The token the receiver checks (secret, masked), e.g.
        ``"{{ conn.workfront_events_mirror.password }}"``. Templated.
    :param objects: The mirror's object codes (default: the mirror's default set). Templated.
    :param event_types: Event types to subscribe (default CREATE, UPDATE, DELETE).
    """

    template_fields: Sequence[str] = (*WorkfrontBaseOperator.template_fields, "url", "auth_token", "objects")

    def __init__(self, *, url: str, auth_token: str, objects: Sequence[str] | None = None,
                 event_types: Sequence[str] = EVENT_TYPES, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url, self.auth_token = url, auth_token
        self.objects = list(objects) if objects is not None else list(DEFAULT_OBJECTS)
        self.event_types = tuple(event_types)

    def execute(self, context: Context) -> dict[str, Any]:
        from airflow.sdk.log import mask_secret

        token = require(self.auth_token, "auth_token", self.task_id)
        mask_secret(token)
        result = subscribe_mirror(self.client, self.objects, require(self.url, "url", self.task_id), token,
                                  self.event_types)
        self.log.info("Subscribed %s: %d created, %d already there; on the timetable only: %s", self.url,
                      len(result["created"]), len(result["existing"]), ", ".join(result["timetable_only"]) or "none")
        return result


def main(argv: Sequence[str] | None = None) -> int:
    """The command line: subscribe with Airflow's connections (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m airflow_workfront.mirror.subscriptions",
                                     description="Subscribe the Workfront event receiver to a mirror's object types.")
    parser.add_argument("--url", required=True, help="the receiver's URL, https://<api-server>/workfront/events/<name>")
    parser.add_argument("--token-conn", required=True, help="connection whose password is the receiver's token")
    parser.add_argument("--objects", default=",".join(DEFAULT_OBJECTS), help="comma-separated object codes")
    parser.add_argument("--workfront-conn", default="workfront_default", help="the Workfront connection")
    args = parser.parse_args(argv)
    from airflow.sdk import BaseHook

    from airflow_workfront.hooks.workfront import WorkfrontHook

    token = BaseHook.get_connection(args.token_conn).password
    if not token:
        parser.error(f"connection {args.token_conn!r} has no password (the receiver's token)")
    hook = WorkfrontHook(workfront_conn_id=args.workfront_conn)
    try:
        codes = [c.strip() for c in args.objects.split(",") if c.strip()]
        result = subscribe_mirror(hook.get_conn(), codes, args.url, token)
    finally:
        hook.close()
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
