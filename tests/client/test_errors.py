"""Every failure Workfront (or a proxy) can answer, mapped to a typed error that says what was
asked and what came back."""

from __future__ import annotations

import pytest

from airflow_workfront.client import WorkfrontClient
from airflow_workfront.client.errors import (
    WorkfrontAuthenticationError,
    WorkfrontBadRequestError,
    WorkfrontError,
    WorkfrontNotFoundError,
    WorkfrontPermissionError,
    WorkfrontRateLimitError,
    WorkfrontResponseError,
    WorkfrontServerError,
    error_from_response,
)

from .conftest import API, load_fixture, make_config

TASK_ID = "58d389be000000deb46805b72b41e3b4"


def envelope(cls: str, message: str) -> dict:
    return {"error": {"class": cls, "message": message, "title": None, "code": 0}}


@pytest.fixture
def once(sleep):
    """A client that never retries, so each error is the answer to exactly one request."""
    with WorkfrontClient(make_config(max_retries=0), sleep=sleep) as wf:
        yield wf


@pytest.mark.parametrize(
    "status, body, kind",
    [
        (401, envelope("com.attask.common.AuthenticationException", "You are not currently logged in"), WorkfrontAuthenticationError),
        (403, envelope("com.attask.common.SecurityException", "You do not have permission to view"), WorkfrontPermissionError),
        (404, envelope("com.attask.common.NotFoundException", 'TASK with primary key value(s) "x" not found'), WorkfrontNotFoundError),
        (400, envelope("com.attask.common.UnsupportedOperationException", "operation not supported"), WorkfrontBadRequestError),
        (410, envelope("com.attask.common.GoneException", "not in this API version"), WorkfrontBadRequestError),
        (414, {"error": {"message": "Request-URI Too Long"}}, WorkfrontBadRequestError),
        (422, envelope("com.attask.common.ValidationException", "not a top level object"), WorkfrontBadRequestError),
        (429, envelope("com.attask.common.TooManyRequests", "Too many concurrent API requests for the given customer."), WorkfrontRateLimitError),
        (500, envelope("java.lang.NullPointerException", "internal error"), WorkfrontServerError),
        (503, envelope("", "maintenance"), WorkfrontServerError),
        # HTTP 200 with an error envelope: the class (or message) decides.
        (200, envelope("java.lang.IllegalArgumentException", "The requested limit 2001 is greater than the maximum allowed limit of 2000"), WorkfrontBadRequestError),
        (200, envelope("com.attask.common.InvalidParameterException", "APIModel V21_0 does not support field projectid (OpTask)"), WorkfrontBadRequestError),
        (200, {"error": {"message": "Unknown object type FOO"}}, WorkfrontBadRequestError),
        (200, envelope("com.attask.common.NotFoundException", "not found"), WorkfrontNotFoundError),
        (200, load_fixture("exception.json"), WorkfrontAuthenticationError),
        (200, envelope("java.lang.UnsupportedOperationException", "no"), WorkfrontBadRequestError),
        (200, envelope("com.attask.common.SecurityException", "not allowed"), WorkfrontPermissionError),
        (200, load_fixture("removeFailure.json"), WorkfrontError),
    ],
)
def test_status_and_class_mapping(once, requests_mock, status, body, kind):
    requests_mock.get(f"{API}/TASK/{TASK_ID}", status_code=status, json=body)
    with pytest.raises(WorkfrontError) as caught:
        once.get("TASK", TASK_ID)
    err = caught.value
    assert type(err) is kind
    assert err.status_code == status
    assert err.operation == "get" and err.obj_code == "TASK"
    text = str(err)
    assert text.startswith(f"get TASK {TASK_ID} failed")  # what was asked
    assert err.wf_message and err.wf_message in text  # what Workfront said
    assert f"HTTP {status}" in text
    assert requests_mock.call_count == 1


def test_error_class_is_kept(once, requests_mock):
    requests_mock.delete(f"{API}/PROJ/p1", json=load_fixture("removeFailure.json"))
    with pytest.raises(WorkfrontError) as caught:
        once.delete("PROJ", "p1")
    assert caught.value.error_class == "com.attask.common.ProjectStatusViolationException"
    assert "ProjectStatusViolationException" in str(caught.value)
    assert "Unable to complete operation for a project of status Complete" in str(caught.value)


def test_error_string_member(once, requests_mock):
    requests_mock.get(f"{API}/TASK/search", json={"error": "bad things"})
    with pytest.raises(WorkfrontError, match="search TASK failed: .*bad things"):
        once.search_page("TASK")


@pytest.mark.parametrize(
    "status, kind",
    [(502, WorkfrontServerError), (504, WorkfrontServerError), (403, WorkfrontPermissionError),
     (200, WorkfrontResponseError), (404, WorkfrontNotFoundError), (429, WorkfrontRateLimitError)],
)
def test_html_proxy_pages(once, requests_mock, status, kind):
    page = "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad   Gateway</h1>\n" + "x" * 500 + "</body></html>"
    requests_mock.get(f"{API}/TASK/count", status_code=status, text=page, headers={"Content-Type": "text/html"})
    with pytest.raises(WorkfrontError) as caught:
        once.count("TASK")
    err = caught.value
    assert type(err) is kind
    assert "count TASK failed" in str(err) and "non-JSON body" in str(err)
    assert "<title>502 Bad Gateway</title>" in str(err)
    assert len(str(err)) < 400  # an excerpt, not the whole page


@pytest.mark.parametrize("status, kind", [(200, WorkfrontResponseError), (500, WorkfrontServerError), (401, WorkfrontAuthenticationError)])
def test_empty_bodies(once, requests_mock, status, kind):
    requests_mock.get(f"{API}/TASK/{TASK_ID}", status_code=status, text="")
    with pytest.raises(kind, match=r"\(empty\)"):
        once.get("TASK", TASK_ID)


def test_json_without_data_member(once, requests_mock):
    requests_mock.get(f"{API}/TASK/{TASK_ID}", json={"result": 1})
    with pytest.raises(WorkfrontResponseError, match="without a data member"):
        once.get("TASK", TASK_ID)


def test_json_error_status_without_envelope(once, requests_mock):
    requests_mock.get(f"{API}/TASK/{TASK_ID}", status_code=404, json={"detail": "nope"})
    with pytest.raises(WorkfrontNotFoundError, match="without data or error"):
        once.get("TASK", TASK_ID)


def test_bulk_error_names_chunk_and_record(once, requests_mock):
    requests_mock.post(f"{API}/TASK", json=envelope("java.lang.IllegalArgumentException", "name is required"))
    from airflow_workfront.client.errors import WorkfrontBulkError

    with pytest.raises(WorkfrontBulkError) as caught:
        once.bulk_create("TASK", [{"x": 1}], raise_on_failure=True)
    assert "record 0 (chunk 0)" in str(caught.value) and "name is required" in str(caught.value)
    assert caught.value.result.failures[0].index == 0


def test_error_from_response_pure():
    err = error_from_response(429, None, operation="search", obj_code="TASK", text="slow down", retry_after=7.0)
    assert isinstance(err, WorkfrontRateLimitError) and err.retry_after == 7.0 and err.retryable
    assert str(err) == "search TASK failed: HTTP 429 with a non-JSON body: slow down"
    assert error_from_response(None, None).__class__ is WorkfrontResponseError
    assert not WorkfrontBadRequestError("x").retryable
    assert WorkfrontServerError("x").retryable
