"""Workfront timestamps: both wire forms, Z and no offset, all normalised to UTC; filter formatting."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pendulum
import pytest

from airflow_workfront.client.dates import format_wf_datetime, parse_wf_datetime

UTC_2300 = pendulum.datetime(2020, 5, 18, 23, 0, 0, tz="UTC")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2020-05-18T17:00:00:000-0600", UTC_2300),  # REST form: colon before the ms
        ("2020-05-18T17:00:00.000-0600", UTC_2300),  # event payload form: a dot
        ("2020-05-18T17:00:00.000-06:00", UTC_2300),  # offset with a colon
        ("2020-05-18T23:00:00.000Z", UTC_2300),
        ("2020-05-18T23:00:00Z", UTC_2300),
        ("2020-05-18T23:00:00", UTC_2300),  # no offset: UTC
        ("2017-03-24T17:00:00:000+0400", pendulum.datetime(2017, 3, 24, 13, tz="UTC")),
        ("2020-05-13T18:18:37:255Z", pendulum.datetime(2020, 5, 13, 18, 18, 37, 255000, tz="UTC")),
        ("  2020-05-18T23:00:00:001+0000 ", UTC_2300.add(microseconds=1000)),
    ],
)
def test_parse_both_forms_to_utc(text, expected):
    parsed = parse_wf_datetime(text)
    assert parsed == expected
    assert isinstance(parsed, pendulum.DateTime)
    assert parsed.utcoffset() == timedelta(0)


def test_parse_recorded_fixture_timestamp():
    from .conftest import load_fixture

    stamp = load_fixture("get.json")["data"]["plannedCompletionDate"]
    assert parse_wf_datetime(stamp) == pendulum.datetime(2017, 3, 24, 13, tz="UTC")


def test_parse_datetime_objects():
    naive = datetime(2020, 5, 18, 23, 0)
    assert parse_wf_datetime(naive) == UTC_2300
    aware = datetime(2020, 5, 18, 17, 0, tzinfo=timezone(timedelta(hours=-6)))
    assert parse_wf_datetime(aware).isoformat() == "2020-05-18T23:00:00+00:00"


@pytest.mark.parametrize("bad", ["", "yesterday", "2020-05-18", "2020-05-18T17:00:00:000-06", "2020-13-01T00:00:00Z"])
def test_parse_rejects_non_timestamps(bad):
    with pytest.raises(ValueError):
        parse_wf_datetime(bad)


def test_format_filter_values():
    assert format_wf_datetime(UTC_2300) == "2020-05-18T23:00:00.000Z"
    aware = datetime(2020, 5, 18, 17, 0, 0, 255999, tzinfo=timezone(timedelta(hours=-6)))
    assert format_wf_datetime(aware) == "2020-05-18T23:00:00.255Z"  # ms, truncated
    assert format_wf_datetime(datetime(2020, 5, 18, 23, 0)) == "2020-05-18T23:00:00.000Z"  # naive = UTC
    assert format_wf_datetime(date(2020, 5, 18)) == "2020-05-18T00:00:00.000Z"
    assert format_wf_datetime("$$TODAY-7d") == "$$TODAY-7d"


def test_round_trip():
    for text in ("2020-05-18T17:00:00:123-0600", "2021-12-31T23:59:59.999Z"):
        assert parse_wf_datetime(format_wf_datetime(parse_wf_datetime(text))) == parse_wf_datetime(text)
