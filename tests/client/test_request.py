"""One request as data: the 8,892-byte switch at its exact boundary, and reading answers."""

from __future__ import annotations

import pytest

from airflow_workfront.client.config import MAX_URL_BYTES
from airflow_workfront.client.errors import WorkfrontNotFoundError, WorkfrontResponseError
from airflow_workfront.client.request import (
    RequestSpec,
    build_request,
    quote_segment,
    read_response,
    url_length,
)

URL = "https://acme.my.workfront.com/attask/api/v21.0/TASK/search"


def padded(total_bytes: int) -> list[tuple[str, str]]:
    """Parameters that make ``URL?q=...`` exactly ``total_bytes`` long."""
    return [("q", "a" * (total_bytes - len(URL) - len("?q=")))]


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_switch_happens_one_byte_past_the_limit(method):
    fits = build_request(method, URL, padded(MAX_URL_BYTES), operation="search")
    assert url_length(URL, padded(MAX_URL_BYTES)) == MAX_URL_BYTES
    assert (fits.method, fits.data) == (method, None)
    too_long = build_request(method, URL, padded(MAX_URL_BYTES + 1), operation="search")
    assert too_long.method == "POST" and too_long.params == []
    assert too_long.data == [*padded(MAX_URL_BYTES + 1), ("method", method)]


def test_long_post_moves_params_to_body_without_method():
    spec = build_request("POST", URL, padded(MAX_URL_BYTES + 10), operation="create")
    assert spec.method == "POST" and spec.params == [] and ("method", "POST") not in spec.data


def test_uploads_never_switch():
    spec = build_request("POST", URL, padded(MAX_URL_BYTES + 10), operation="upload", files={"uploadedFile": ("a", b"")})
    assert spec.data is None


def test_url_length_counts_encoded_bytes():
    assert url_length(URL, []) == len(URL)
    assert url_length(URL, [("name", "é,")]) == len(URL) + len("?name=%C3%A9%2C")


def test_quote_segment():
    assert quote_segment("a/b?c#d e") == "a%2Fb%3Fc%23d%20e"


def test_describe_never_shows_parameters():
    spec = build_request("GET", URL, [("name", "secret-ish")], operation="search")
    assert spec.describe() == f"GET {URL}"


def test_idempotence_by_operation():
    assert RequestSpec("GET", URL, operation="search").idempotent
    assert RequestSpec("PUT", URL, operation="update").idempotent
    for op in ("create", "copy", "bulk_create", "upload", "action"):
        assert not RequestSpec("POST", URL, operation=op).idempotent


def test_read_response_bytes_and_transform():
    spec = RequestSpec("GET", URL, transform=len)
    assert read_response(spec, 200, b'{"data": [1, 2, 3]}') == 3
    assert read_response(RequestSpec("GET", URL), 200, '{"data": null}') is None


def test_read_response_checks_error_even_with_data():
    with pytest.raises(WorkfrontNotFoundError):
        read_response(RequestSpec("GET", URL), 200, b'{"data": [], "error": {"class": "x.NotFoundException", "message": "gone"}}')


def test_read_response_no_content_allowed_only_when_not_expecting_json():
    assert read_response(RequestSpec("DELETE", URL, expect_json=False), 204, b"") is None
    with pytest.raises(WorkfrontResponseError):
        read_response(RequestSpec("DELETE", URL), 204, b"")
    assert read_response(RequestSpec("GET", URL, expect_json=False), 200, b'[{"id": 1}]') == [{"id": 1}]
