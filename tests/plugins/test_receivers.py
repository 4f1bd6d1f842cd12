"""The ``[workfront_events]`` configuration: what is accepted, and what each mistake says."""

from __future__ import annotations

import pytest

from airflow_workfront.plugins.receivers import (
    DEFAULT_DEDUP_HOURS,
    DEFAULT_MAX_BODY_BYTES,
    Receiver,
    ReceiverConfigError,
    load_settings,
    parse_receivers,
)


def test_conn_id_defaults_to_workfront_events_name():
    receivers = parse_receivers('{"projects": {"asset": "wf_projects"}, "tasks": {"asset": "wf_tasks", "conn_id": "t"}}')
    assert receivers == {"projects": Receiver("projects", "workfront_events_projects", "wf_projects"),
                         "tasks": Receiver("tasks", "t", "wf_tasks")}


@pytest.mark.parametrize("raw, says", [
    ("{not json", "not valid JSON"),
    ("[]", "must be a JSON object"),
    ('{"bad name": {"asset": "a"}}', "letters, digits"),
    ('{"p": "wf_projects"}', "must be an object"),
    ('{"p": {}}', "'asset'"),
    ('{"p": {"asset": "a", "token": "x"}}', "unknown keys token"),
    ('{"p": {"asset": "a", "conn_id": 5}}', "conn_id"),
])
def test_mistakes_name_the_setting_and_the_receiver(raw, says):
    with pytest.raises(ReceiverConfigError, match=says) as err:
        parse_receivers(raw)
    assert "[workfront_events] receivers" in str(err.value)


def test_settings_come_from_airflow_configuration(monkeypatch):
    monkeypatch.setenv("AIRFLOW__WORKFRONT_EVENTS__RECEIVERS", '{"p": {"asset": "a"}}')
    settings = load_settings()
    assert list(settings.receivers) == ["p"]
    assert (settings.max_body_bytes, settings.dedup_hours) == (DEFAULT_MAX_BODY_BYTES, DEFAULT_DEDUP_HOURS)
    monkeypatch.setenv("AIRFLOW__WORKFRONT_EVENTS__MAX_BODY_BYTES", "10")
    with pytest.raises(ReceiverConfigError, match="max_body_bytes must be at least 1024"):
        load_settings()
