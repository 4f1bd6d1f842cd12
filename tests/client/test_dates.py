"""Workfront timestamps: parse both forms to UTC, format what filters accept."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pendulum
import pytest

from airflow_workfront.client.dates import format_wf_datetime, parse_wf_datetime


@pytest.mark.parametrize(
    "text",
    ["2020-05-18T17:00:00:000-0600", "2020-05-18T17:00:00.000-0600", "2020-05-18T23:00:00.000Z",
     "2020-05-18T23:00:00:000+0000", "2020-05-19T01:00:00.000+02:00", "2020-05-18T23:00:00"],
)
def test_parse_both_forms_to_utc(text):
    parsed = parse_wf_datetime(text)
    assert isinstance(parsed, pendulum.DateTime)
    assert parsed == pendulum.datetime(2020, 5, 18, 23, 0, 0, tz="UTC")
    assert parsed.utcoffset() == timedelta(0)


def test_parse_keeps_milliseconds():
    assert parse_wf_datetime("2017-03-24T17:00:00:123+0400").microsecond == 123000
    assert parse_wf_datetime("2017-03-24T17:00:00.5Z").microsecond == 500000


@pytest.mark.parametrize("bad", ["", "yesterday", "2020-05-18", "2020-05-18T17:00:00-0600x"])
def test_parse_rejects_non_timestamps(bad):
    with pytest.raises(ValueError, match="not a Workfront timestamp"):
        parse_wf_datetime(bad)


def test_format_is_utc_with_milliseconds_and_z():
    aware = datetime(2020, 5, 18, 17, 0, 0, 123456, tzinfo=timezone(timedelta(hours=-6)))
    assert format_wf_datetime(aware) == "2020-05-18T23:00:00.123Z"
    assert format_wf_datetime(pendulum.datetime(2020, 5, 18, 23, tz="UTC")) == "2020-05-18T23:00:00.000Z"
    assert format_wf_datetime(datetime(2020, 5, 18, 23)) == "2020-05-18T23:00:00.000Z"  # naive is UTC
    assert format_wf_datetime(date(2020, 5, 18)) == "2020-05-18T00:00:00.000Z"
    assert format_wf_datetime("$$TODAY-7d") == "$$TODAY-7d"


def test_round_trip():
    text = "2017-03-23T09:00:00:000+0400"
    assert format_wf_datetime(parse_wf_datetime(text)) == "2017-03-23T05:00:00.000Z"
    assert parse_wf_datetime(format_wf_datetime(parse_wf_datetime(text))) == parse_wf_datetime(text)
