"""Building one request (the long-URL switch) and reading its answer."""

from __future__ import annotations

import io
import socket
import threading

import pytest
import requests
import urllib3

from airflow_workfront.client.errors import WorkfrontError, WorkfrontNotFoundError
from airflow_workfront.client.limits import MAX_URL_BYTES
from airflow_workfront.client.request import (
    RequestSpec,
    build_request,
    quote_segment,
    read_response,
    url_length,
)

URL = "https://acme.my.workfront.com/attask/api/v21.0/TASK/search"


def _fill(extra: int) -> list[tuple[str, str]]:
    """Params that make the URL exactly ``MAX_URL_BYTES + extra`` bytes long."""
    base = url_length(URL, [("name", "")])
    return [("name", "x" * (MAX_URL_BYTES - base + extra))]


def test_url_at_the_limit_stays_get():
    params = _fill(0)
    assert url_length(URL, params) == MAX_URL_BYTES
    spec = build_request("GET", URL, params, operation="search")
    assert (spec.method, spec.params, spec.data) == ("GET", params, None)


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_one_byte_over_switches_to_post_with_method(method):
    params = _fill(1)
    spec = build_request(method, URL, params, operation="search")
    assert spec.method == "POST" and spec.params == []
    assert spec.data == [*params, ("method", method)]


def test_long_post_moves_params_to_the_body_without_method():
    spec = build_request("POST", URL, _fill(1), operation="create")
    assert spec.method == "POST" and ("method", "POST") not in spec.data


def test_url_length_counts_encoded_bytes():
    assert url_length("https://h/x", [("a", "é")]) == len("https://h/x?a=%C3%A9")
    assert url_length("https://h/x", []) == len("https://h/x")


def test_quote_segment_quotes_slashes():
    assert quote_segment("a/b?c") == "a%2Fb%3Fc"


def test_read_response_paths():
    spec = RequestSpec("GET", URL, operation="get", obj_code="TASK", target="t1")
    assert read_response(spec, 200, b'{"data": {"ID": "t1"}}') == {"ID": "t1"}
    with pytest.raises(WorkfrontNotFoundError):
        read_response(spec, 404, b'{"error": {"message": "not found"}}')
    with pytest.raises(WorkfrontError, match="non-JSON body: \\(empty\\)"):
        read_response(spec, 200, b"")
    no_body = RequestSpec("DELETE", URL, operation="delete_event_subscription", expect_json=False)
    assert read_response(no_body, 204, b"") is None
    transformed = RequestSpec("GET", URL, transform=len)
    assert read_response(transformed, 200, '{"data": [1, 2, 3]}') == 3


def test_idempotency_of_operations():
    assert RequestSpec("GET", URL, operation="search").idempotent
    assert RequestSpec("PUT", URL, operation="update").idempotent
    assert not RequestSpec("POST", URL, operation="create").idempotent
    assert RequestSpec("GET", URL, params=[("apiKey", "k")]).describe() == f"GET {URL}"


@pytest.mark.parametrize("content", [
    b'{"data": [{"ID": "t1", "big": 123456789012345678901234567890, "pct": 0.5, "name": "\\u00e9t\\u00e9"}]}',
    '{"data": [{"ID": "t1", "big": 123456789012345678901234567890, "pct": 0.5, "name": "été"}]}'.encode("utf-16"),
])
def test_fast_and_plain_json_decoding_agree(content):
    """msgspec parses most answers; what it refuses (UTF-16, huge integers) json still reads."""
    spec = RequestSpec("GET", URL, operation="search", obj_code="TASK")
    assert read_response(spec, 200, content) == [
        {"ID": "t1", "big": 123456789012345678901234567890, "pct": 0.5, "name": "été"}]


def test_broken_json_is_a_clear_error_with_the_text():
    spec = RequestSpec("GET", URL, operation="search", obj_code="TASK")
    with pytest.raises(WorkfrontError, match="non-JSON body") as caught:
        read_response(spec, 200, b'{"data": [')
    assert '{"data": [' in str(caught.value)


def _streamed(body: bytes, length: int) -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response.headers["Content-Length"] = str(length)
    response.raw = urllib3.HTTPResponse(body=io.BytesIO(body), headers={"Content-Length": str(length)},
                                        preload_content=False, enforce_content_length=True)
    return response


def test_a_whole_body_is_read_in_one_call():
    from airflow_workfront.client.client import read_body

    assert read_body(_streamed(b'{"data": []}', 12)) == b'{"data": []}'


def test_a_body_cut_short_is_a_dropped_connection():
    """A server that promises 500 bytes and hangs up after 10 (a real socket, not a mock)."""
    from airflow_workfront.client.client import read_body

    server = socket.create_server(("127.0.0.1", 0))

    def answer_and_hang_up():
        conn, _ = server.accept()
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n" + b'{"data": [')
        conn.close()

    thread = threading.Thread(target=answer_and_hang_up, daemon=True)
    thread.start()
    try:
        response = requests.get(f"http://127.0.0.1:{server.getsockname()[1]}/", stream=True, timeout=10)
        with pytest.raises(requests.ConnectionError, match="dropped while reading"):
            read_body(response)
    finally:
        thread.join(timeout=10)
        server.close()
