"""Reading a delivery: the documented payload in, a small value-free asset-event extra out."""

from __future__ import annotations

import json

import pytest

from airflow_workfront.plugins.payload import MAX_CHANGED_FIELDS, PayloadError, changed_fields, parse_delivery
from tests.plugins.deliveries import body, project_state, update_delivery


def test_the_documented_create_example_reports_every_field_the_new_object_has():
    payload = {"eventType": "CREATE", "subscriptionId": "4028e3815ebf03a7015ebfa53b6d0002",
               "eventTime": {"nano": 232000000, "epochSecond": 1506453831}, "eventVersion": "v2",
               "newState": project_state("59caa946000000e07b0afc3383230c67"), "oldState": {}}
    delivery = parse_delivery(body(payload))
    assert (delivery.event_type, delivery.obj_code, delivery.obj_id) == ("CREATE", "PROJ", "59caa946000000e07b0afc3383230c67")
    assert delivery.event_time.isoformat() == "2017-09-26T19:23:51.232000+00:00"
    # description is null on both sides: not a change; parameterValues is empty: no custom field
    assert "description" not in delivery.changed_fields and "parameterValues" not in delivery.changed_fields
    assert {"ID", "name", "status", "objCode"} <= set(delivery.changed_fields)


def test_a_delete_is_read_from_the_old_state():
    payload = {**update_delivery(), "eventType": "DELETE", "newState": {}}
    delivery = parse_delivery(body(payload))
    assert delivery.obj_id == payload["oldState"]["ID"] and delivery.event_type == "DELETE"


def test_changed_fields_name_custom_fields_by_their_de_keys():
    old = project_state(parameterValues={"DE:Region": "EU", "DE:Code": "A"})
    new = project_state(status="CPL", parameterValues={"DE:Region": "US", "DE:Code": "A", "DE:New": 1})
    assert changed_fields(new, old) == ["DE:New", "DE:Region", "status"]


def test_the_delivery_id_is_the_change_not_the_attempt():
    payload = update_delivery(epoch=1700000000, nano=5000)
    same = parse_delivery(body(payload)).delivery_id
    assert parse_delivery(body({**payload, "eventVersion": "v1"})).delivery_id == same
    assert parse_delivery(body({**payload, "subscriptionId": "another"})).delivery_id == same
    later = {**payload, "eventTime": {"epochSecond": 1700000000, "nano": 6000}}
    assert parse_delivery(body(later)).delivery_id != same
    other_object = update_delivery(epoch=1700000000, nano=5000)
    assert parse_delivery(body(other_object)).delivery_id != same


def test_the_extra_holds_names_but_no_values():
    payload = update_delivery(name="Secret merger", parameterValues={"DE:Salary": 123456})
    extra = parse_delivery(body(payload)).asset_event_extra("projects")
    assert set(extra) == {"source", "receiver", "event_type", "obj_code", "obj_id", "event_time", "event_version",
                          "subscription_id", "changed_fields", "delivery_id"}
    text = json.dumps(extra)
    assert "Secret merger" not in text and "123456" not in text
    assert extra["changed_fields"] == ["DE:Salary", "lastUpdateDate", "name"]


def test_a_change_to_hundreds_of_fields_is_cut_and_says_so():
    payload = update_delivery(**{f"field{i:04d}": i for i in range(MAX_CHANGED_FIELDS + 50)})
    delivery = parse_delivery(body(payload))
    assert len(delivery.changed_fields) == MAX_CHANGED_FIELDS
    assert delivery.asset_event_extra("r")["changed_fields_truncated"] is True


@pytest.mark.parametrize("change, says", [
    ({"subscriptionId": ""}, "subscriptionId"),
    ({"eventVersion": None}, "eventVersion"),
    ({"eventTime": {"epochSecond": 1, "nano": -1}}, "out of range"),
    ({"eventTime": {"epochSecond": True, "nano": 0}}, "integers"),
    ({"newState": [], "oldState": {}}, "newState must be an object"),
    ({"oldState": None}, "oldState must be an object"),
    ({"newState": {"objCode": "PROJ", "ID": "x" * 65}}, "too long"),
])
def test_each_wrong_field_is_named(change, says):
    with pytest.raises(PayloadError, match=says):
        parse_delivery(body({**update_delivery(), **change}))


def test_every_documented_field_is_required():
    for name in ("eventType", "subscriptionId", "eventTime", "eventVersion", "newState", "oldState"):
        payload = {k: v for k, v in update_delivery().items() if k != name}
        with pytest.raises(PayloadError, match=f"missing fields: {name}"):
            parse_delivery(body(payload))
