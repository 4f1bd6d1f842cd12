"""Delivery bodies shaped as the Workfront docs show them (``event-subscription-api``)."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

_counter = itertools.count()


def project_state(obj_id: str = "59d7ddf7000002322d791eb08bafddfb", **fields: Any) -> dict[str, Any]:
    """A PROJ state as in the documented UPDATE example (dates with a dot before the milliseconds)."""
    state = {"ID": obj_id, "name": "EventSub Test", "objCode": "PROJ", "status": "CUR",
             "entryDate": "2017-10-06T13:48:07.776-0600", "lastUpdateDate": "2017-10-06T13:48:07.792-0600",
             "ownerID": "544820df0000142362741fc0c368de19", "description": None, "priority": 0,
             "parameterValues": {}}
    state.update(fields)
    return state


def update_delivery(obj_id: str | None = None, epoch: int | None = None, nano: int | None = None,
                    **changes: Any) -> dict[str, Any]:
    """An UPDATE delivery; each call is a distinct change unless ``epoch``/``nano`` are given."""
    obj_id = obj_id or f"59d7ddf70000023{next(_counter):017x}"
    old = project_state(obj_id)
    new = project_state(obj_id, lastUpdateDate="2017-10-06T13:48:56.980-0600", **(changes or {"status": "ONH"}))
    return {"eventType": "UPDATE", "subscriptionId": "8a0d839d5ef32c9a015ef336a5ed0002",
            "eventTime": {"epochSecond": int(time.time()) if epoch is None else epoch,
                          "nano": next(_counter) * 1000 % 1_000_000_000 if nano is None else nano},
            "eventVersion": "v2", "subscriptionVersion": "v2", "newState": new, "oldState": old}


def body(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload).encode()
