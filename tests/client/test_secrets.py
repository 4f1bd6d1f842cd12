"""No credential ever shows in a log record, an exception (with its chain), a request URL or a
request body sent to the API, in any auth mode, for succeeding and failing calls."""

from __future__ import annotations

import logging
import traceback
from urllib.parse import unquote_plus

import pytest
import requests

from airflow_workfront.client import (
    ApiKeyAuth,
    ImsAuth,
    OAuth2JwtAuth,
    OAuth2RefreshTokenAuth,
    SessionAuth,
    WorkfrontClient,
)
from airflow_workfront.client.errors import WorkfrontError

from .conftest import API, HOST, make_config
from .keys import rsa_key_pair

IMS_URL = "https://ims.example.test/ims/token/v3"
ACCESS = "access-SECRET-a1b2c3"
SESSION = "session-SECRET-d4e5f6"
ROTATED = "refresh-SECRET-rotated"


def modes():
    private, _ = rsa_key_pair()
    return {
        "api_key": (lambda: ApiKeyAuth("apikey-SECRET-x9"), ["apikey-SECRET-x9"]),
        "session": (lambda: SessionAuth("ann@example.com", "password-SECRET-x9"), ["password-SECRET-x9", SESSION]),
        "oauth2_jwt": (lambda: OAuth2JwtAuth("cid", "clientsecret-SECRET-x9", private, "cust", "user"),
                       ["clientsecret-SECRET-x9", private, private.splitlines()[1], ACCESS]),
        "oauth2_refresh_token": (lambda: OAuth2RefreshTokenAuth("cid", "clientsecret-SECRET-x9", "refresh-SECRET-x9"),
                                 ["clientsecret-SECRET-x9", "refresh-SECRET-x9", ROTATED, ACCESS]),
        "ims": (lambda: ImsAuth("cid", "clientsecret-SECRET-x9", "ORG@AdobeOrg", token_url=IMS_URL),
                ["clientsecret-SECRET-x9", ACCESS]),
    }


def mock_token_endpoints(requests_mock, status: int = 200) -> None:
    token = {"access_token": ACCESS, "refresh_token": ROTATED, "expires_in": 3600} if status == 200 else \
        {"error": "invalid_client", "error_description": "client authentication failed"}
    requests_mock.post(f"{API}/login", status_code=status,
                       json={"data": {"sessionID": SESSION}} if status == 200 else
                       {"error": {"class": "com.attask.common.AuthenticationException", "message": "wrong password"}})
    requests_mock.post(f"{API}/logout", json={"data": {"success": True}})
    for url in (f"{HOST}/integrations/oauth2/api/v1/jwt/exchange", f"{HOST}/integrations/oauth2/api/v1/token", IMS_URL):
        requests_mock.post(url, status_code=status, json=token)


def scenario_calls(requests_mock, wf: WorkfrontClient) -> list[BaseException]:
    """Succeeding and failing calls of every kind; returns the errors raised."""
    requests_mock.get(f"{API}/TASK/ok", json={"data": {"ID": "ok"}})
    requests_mock.get(f"{API}/TASK/search", json={"data": []})
    requests_mock.post(f"{API}/TASK/search", json={"data": []})
    requests_mock.get(f"{API}/TASK/expired", status_code=401,
                      json={"error": {"class": "com.attask.common.AuthenticationException", "message": "not logged in"}})
    requests_mock.get(f"{API}/TASK/boom", status_code=500, text="<html>Internal Server Error</html>")
    requests_mock.get(f"{API}/TASK/down", exc=requests.ConnectionError(f"cannot reach {HOST}"))
    requests_mock.get(f"{API}/TASK/missing", json={"error": {"class": "x.NotFoundException", "message": "TASK not found"}})
    requests_mock.post(f"{API}/TASK", status_code=422, json={"error": {"message": "name is required"}})
    errors: list[BaseException] = []
    wf.get("TASK", "ok")
    wf.search_page("TASK", {"name": "x"})
    wf.search_page("TASK", {"ID": ["y" * 40] * 300, "ID_Mod": "in"})  # long: POST with method=GET
    for call in (lambda: wf.get("TASK", "expired"), lambda: wf.get("TASK", "boom"), lambda: wf.get("TASK", "down"),
                 lambda: wf.get("TASK", "missing"), lambda: wf.bulk_create("TASK", [{"n": 1}], raise_on_failure=True)):
        with pytest.raises(WorkfrontError) as caught:
            call()
        errors.append(caught.value)
    return errors


def assert_clean(secrets: list[str], caplog, errors, requests_mock, auth) -> None:
    texts = [record.getMessage() for record in caplog.records]
    texts += [str(record.args) for record in caplog.records]
    for err in errors:
        texts.append("".join(traceback.format_exception(err)))
        texts.append(repr(err))
        texts.append(repr(vars(err)))
    for request in requests_mock.request_history:
        texts.append(unquote_plus(request.url))
        token_call = any(part in request.url for part in ("/login", "/oauth2/", "ims.example.test"))
        if not token_call:  # credentials may only travel in headers (and in the token requests' bodies)
            texts.append(unquote_plus(request.text or ""))
    texts.append(repr(auth))
    for secret in secrets:
        leaks = [text for text in texts if secret in text]
        assert not leaks, f"secret leaked: {leaks[0][:300]}"


@pytest.mark.parametrize("mode", list(modes()))
def test_no_secret_in_logs_errors_or_urls(mode, requests_mock, sleep, caplog):
    make_auth, secrets = modes()[mode]
    auth = make_auth()
    caplog.set_level(logging.DEBUG)
    mock_token_endpoints(requests_mock)
    with WorkfrontClient(make_config(auth, max_retries=2), sleep=sleep) as wf:
        errors = scenario_calls(requests_mock, wf)
        held = auth.secrets()
    assert len(errors) == 5
    assert all(any(secret in item for item in held) for secret in secrets)  # every secret was really in play
    assert_clean(secrets, caplog, errors, requests_mock, auth)


@pytest.mark.parametrize("mode", [m for m in modes() if m != "api_key"])
def test_no_secret_when_the_token_request_fails(mode, requests_mock, sleep, caplog):
    make_auth, secrets = modes()[mode]
    auth = make_auth()
    caplog.set_level(logging.DEBUG)
    mock_token_endpoints(requests_mock, status=401)
    with WorkfrontClient(make_config(auth, max_retries=1), sleep=sleep) as wf, pytest.raises(WorkfrontError) as caught:
        wf.get("TASK", "ok")
    assert "failed: HTTP 401" in str(caught.value)
    assert_clean(secrets, caplog, [caught.value], requests_mock, auth)


@pytest.mark.parametrize("mode", [m for m in modes() if m != "api_key"])
def test_no_secret_when_the_token_endpoint_is_unreachable(mode, requests_mock, sleep, caplog):
    make_auth, secrets = modes()[mode]
    auth = make_auth()
    caplog.set_level(logging.DEBUG)
    for url in (f"{API}/login", f"{HOST}/integrations/oauth2/api/v1/jwt/exchange",
                f"{HOST}/integrations/oauth2/api/v1/token", IMS_URL):
        requests_mock.post(url, exc=requests.ConnectionError("refused"))
    with WorkfrontClient(make_config(auth, max_retries=1), sleep=sleep) as wf, pytest.raises(WorkfrontError):
        wf.get("TASK", "ok")
    assert_clean(secrets, caplog, [], requests_mock, auth)


@pytest.mark.parametrize("mode", list(modes()))
def test_secrets_echoed_by_the_server_are_redacted(mode, requests_mock, sleep, caplog):
    """A server (or proxy) that repeats a credential in its error text does not make us print it."""
    make_auth, secrets = modes()[mode]
    auth = make_auth()
    caplog.set_level(logging.DEBUG)
    mock_token_endpoints(requests_mock)
    with WorkfrontClient(make_config(auth, max_retries=0), sleep=sleep) as wf:
        wf.get("TASK", "ok") if requests_mock.get(f"{API}/TASK/ok", json={"data": {}}) else None
        echo = " ".join(auth.secrets())
        requests_mock.get(f"{API}/TASK/echo", json={"error": {"class": "x.NotFoundException", "message": f"bad {echo}"}})
        requests_mock.get(f"{API}/TASK/proxy", status_code=502, text=f"<html>upstream said {echo[:150]}</html>")
        errors = []
        for target in ("echo", "proxy"):
            with pytest.raises(WorkfrontError) as caught:
                wf.get("TASK", target)
            assert "***" in str(caught.value)
            errors.append(caught.value)
    assert_clean(secrets, caplog, errors, requests_mock, auth)


@pytest.mark.parametrize("mode", [m for m in modes() if m != "api_key"])
def test_token_endpoint_echo_is_redacted(mode, requests_mock, sleep, caplog):
    make_auth, secrets = modes()[mode]
    auth = make_auth()
    echo = " ".join(auth.secrets())
    for url in (f"{HOST}/integrations/oauth2/api/v1/jwt/exchange", f"{HOST}/integrations/oauth2/api/v1/token", IMS_URL):
        requests_mock.post(url, status_code=400, json={"error": "invalid_grant", "error_description": f"refused {echo}"})
    requests_mock.post(f"{API}/login", status_code=401, json={"error": {"message": f"refused {echo}"}})
    with WorkfrontClient(make_config(auth, max_retries=0), sleep=sleep) as wf, pytest.raises(WorkfrontError) as caught:
        wf.get("TASK", "ok")
    assert "refused ***" in str(caught.value)
    assert_clean(secrets, caplog, [caught.value], requests_mock, auth)


class AsyncNoSleep:
    async def __call__(self, seconds: float) -> None:
        return None


def async_transport(secrets_echo: str, seen: list):
    """An httpx MockTransport playing Workfront and its token endpoints; records each request."""
    import httpx

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        path = request.url.path
        if path.endswith("/login"):
            return httpx.Response(200, json={"data": {"sessionID": SESSION}})
        if path.endswith("/logout"):
            return httpx.Response(200, json={"data": {"success": True}})
        if "/oauth2/" in path or request.url.host == "ims.example.test":
            return httpx.Response(200, json={"access_token": ACCESS, "refresh_token": ROTATED, "expires_in": 3600})
        if path.endswith("/TASK/expired"):
            return httpx.Response(401, json={"error": {"class": "x.AuthenticationException", "message": "not logged in"}})
        if path.endswith("/TASK/boom"):
            return httpx.Response(500, text=f"<html>Internal Server Error {secrets_echo[:120]}</html>")
        if path.endswith("/TASK/down"):
            raise httpx.ConnectError("cannot connect", request=request)
        if path.endswith("/TASK/echo"):
            return httpx.Response(200, json={"error": {"class": "x.NotFoundException", "message": f"no {secrets_echo}"}})
        if path.endswith("/TASK/count"):
            return httpx.Response(200, json={"data": {"count": 3}})
        return httpx.Response(200, json={"data": []})

    return httpx.MockTransport(handler)


@pytest.mark.parametrize("mode", list(modes()))
async def test_async_client_keeps_secrets_out(mode, caplog):
    from airflow_workfront.client import AsyncWorkfrontClient

    make_auth, secrets = modes()[mode]
    auth = make_auth()
    caplog.set_level(logging.DEBUG)
    seen: list = []
    echo = " ".join(auth.secrets() + [SESSION, ACCESS])
    errors: list[BaseException] = []
    async with AsyncWorkfrontClient(make_config(auth, max_retries=1), transport=async_transport(echo, seen),
                                    sleep=AsyncNoSleep()) as wf:
        assert await wf.count("TASK") == 3
        assert await wf.search_page("TASK", {"ID": ["y" * 40] * 300, "ID_Mod": "in"}) == []
        for target in ("expired", "boom", "down", "echo"):
            with pytest.raises(WorkfrontError) as caught:
                await wf.get("TASK", target)
            errors.append(caught.value)
        held = auth.secrets()
    assert all(any(secret in item for item in held) for secret in secrets)
    texts = [r.getMessage() for r in caplog.records] + ["".join(traceback.format_exception(e)) for e in errors]
    texts += [repr(vars(e)) for e in errors]
    for request in seen:
        texts.append(unquote_plus(str(request.url)))
        if not any(part in request.url.path for part in ("/login", "/oauth2/", "/ims/")):
            texts.append(unquote_plus(request.content.decode(errors="replace")))
    for secret in secrets:
        leaks = [text for text in texts if secret in text]
        assert not leaks, f"secret leaked: {leaks[0][:300]}"
