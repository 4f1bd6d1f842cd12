"""Bad input gets a clear, typed error naming what was wrong, and nothing is written half-way."""

from __future__ import annotations

import pytest

from airflow_workfront.client import ApiKeyAuth, ClientConfig, WorkfrontClient
from airflow_workfront.client.errors import (
    WorkfrontAuthenticationError,
    WorkfrontBadRequestError,
    WorkfrontNotFoundError,
    WorkfrontResponseError,
    WorkfrontServerError,
)

pytestmark = pytest.mark.emulator


@pytest.fixture
def client(emulator):
    with WorkfrontClient(ClientConfig(host=emulator.base_url, auth=ApiKeyAuth(emulator.api_key), max_retries=0)) as c:
        yield c


def project_id(emulator) -> str:
    return emulator.control.list_objects("PROJ")[0]["ID"]


def test_unknown_object_code(client):
    with pytest.raises(WorkfrontBadRequestError, match="search BOGUS failed: .*Unknown object type 'BOGUS'"):
        client.search_page("BOGUS")


def test_unknown_field_names_the_field(client):
    with pytest.raises(WorkfrontBadRequestError, match="does not support field colour"):
        client.search_page("TASK", fields=["name", "colour"])


def test_misspelled_modifier(client):
    with pytest.raises(WorkfrontBadRequestError, match="name_mod: modifiers are case-sensitive"):
        client.search_page("TASK", {"name": "x", "name_mod": "contains"})


def test_limit_over_2000_is_refused_before_sending_and_by_workfront(client):
    with pytest.raises(ValueError, match="2000"):
        client.search_page("TASK", limit=2500)
    assert client.stats.total == 0
    with pytest.raises(WorkfrontBadRequestError, match="greater than the maximum allowed limit of 2000"):
        client.request("GET", "task/search", {"$$LIMIT": 2500})


def test_250_records_are_chunked_not_rejected(client, emulator):
    pid = project_id(emulator)
    result = client.bulk_create("TASK", [{"name": f"bulk {n}", "projectID": pid} for n in range(250)])
    assert result.ok and len(result.ids) == 250
    assert result.requests == 6  # three atomic chunks, each with one search for its IDs


@pytest.mark.parametrize("atomic", [True, False])
def test_one_bad_record_is_named_and_atomic_writes_nothing(client, emulator, atomic):
    pid = project_id(emulator)
    before = len(emulator.control.list_objects("TASK"))
    records = [{"name": "good", "projectID": pid}, {"name": "bad", "projectID": pid, "colour": "red"},
               {"name": "good too", "projectID": pid}]
    result = client.bulk_create("TASK", records, atomic=atomic)
    # Atomic: the chunk wrote nothing and all of it failed. Not atomic: only the bad record
    # failed and both good ones were written (never one written yet reported failed).
    assert [f.index for f in result.failures] == ([0, 1, 2] if atomic else [1])
    failed = result.failures[1 if atomic else 0]
    assert "colour" in failed.error and failed.record["name"] == "bad"
    written = len(emulator.control.list_objects("TASK")) - before
    assert written == (0 if atomic else 2) == len(result.ids)


def test_malformed_updates(client):
    with pytest.raises(WorkfrontBadRequestError, match="JSON parsing error"):
        client.request("POST", "task", {"updates": "{name: 'no quotes'"})


def test_wrong_api_key_is_an_authentication_error_without_the_key(emulator):
    wrong = "wrong-key-0000-secret"
    with WorkfrontClient(ClientConfig(host=emulator.base_url, auth=ApiKeyAuth(wrong), max_retries=0)) as client:
        with pytest.raises(WorkfrontAuthenticationError) as err:
            client.count("TASK")
    assert wrong not in str(err.value)


def test_html_error_page_from_a_proxy(requests_mock):
    requests_mock.get("https://wf.example.com/attask/api/v21.0/TASK/count", status_code=502,
                      text="<html><body><h1>502 Bad Gateway</h1>nginx</body></html>")
    client = WorkfrontClient(ClientConfig(host="https://wf.example.com", auth=ApiKeyAuth("k"), max_retries=0))
    with pytest.raises(WorkfrontServerError) as err:
        client.count("TASK")
    assert "502" in str(err.value) and "Bad Gateway" in str(err.value)
    requests_mock.get("https://wf.example.com/attask/api/v21.0/TASK/count", status_code=200, text="<html>login</html>")
    with pytest.raises(WorkfrontResponseError, match="non-JSON body"):
        client.count("TASK")


@pytest.mark.parametrize("name", ["R&D ? 50/50 # \"quoted\" 'single'", "Überprüfung — 日本語 ✓", "a%20b+c=d;e"])
def test_special_characters_round_trip_unchanged(client, emulator, name):
    created = client.create("TASK", {"name": name, "projectID": project_id(emulator)})
    assert created["name"] == name
    assert [t["name"] for t in client.search("TASK", {"name": name})] == [name]
    assert client.get("TASK", created["ID"])["name"] == name


def test_ids_with_url_characters_are_not_reinterpreted(client):
    with pytest.raises(WorkfrontNotFoundError):
        client.get("TASK", "../PROJ/search?x=1#frag")


def test_a_record_too_large_for_a_url_goes_in_the_body(client, emulator):
    text = "x" * 50_000
    created = client.create("TASK", {"name": "long", "description": text, "projectID": project_id(emulator)})
    assert client.get("TASK", created["ID"], ["description"])["description"] == text
    assert emulator.control.stats()["by_route"].get("POST /attask/api/v21.0/TASK") == 1
