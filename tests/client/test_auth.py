"""Auth modes: headers, token acquisition and caching, renewal, JWT claims, refresh rotation,
and a secrets test over every mode."""

from __future__ import annotations

import logging
import time
from urllib.parse import parse_qs

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from airflow_workfront.client import (
    ApiKeyAuth,
    ImsAuth,
    OAuth2JwtAuth,
    OAuth2RefreshTokenAuth,
    SessionAuth,
    WorkfrontClient,
)
from airflow_workfront.client import auth as auth_module
from airflow_workfront.client.errors import WorkfrontAuthenticationError, WorkfrontError
from tests.client.conftest import API, API_KEY, HOST, load_fixture, make_config

LOGIN = f"{API}/login"
LOGOUT = f"{API}/logout"
JWT_EXCHANGE = f"{HOST}/integrations/oauth2/api/v1/jwt/exchange"
REFRESH = f"{HOST}/integrations/oauth2/api/v1/token"
IMS_URL = "https://ims.example.test/ims/token/v3"
SESSION_ID = load_fixture("login.json")["data"]["sessionID"]
EXPIRED = {"status_code": 401, "json": {"error": {"class": "com.attask.common.AuthenticationException",
                                                   "message": "You are not currently logged in"}}}
TASK = {"json": {"data": {"ID": "t1"}}}


@pytest.fixture(scope="module")
def rsa_keys() -> tuple[str, object]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    return pem, key.public_key()


def form(request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.text).items()}


def test_api_key_goes_in_a_header_only(client, requests_mock):
    requests_mock.get(f"{API}/TASK/t1", **TASK)
    client.get("TASK", "t1")
    assert requests_mock.last_request.headers["apiKey"] == API_KEY
    assert API_KEY not in requests_mock.last_request.url


def test_session_login_header_renewal_and_logout(requests_mock, sleep):
    requests_mock.post(LOGIN, [{"json": load_fixture("login.json")},
                               {"json": {"data": {"sessionID": "second-session"}}}])
    requests_mock.get(f"{API}/TASK/t1", [TASK, EXPIRED, TASK])
    requests_mock.post(LOGOUT, json=load_fixture("logout.json"))
    auth = SessionAuth("ann@example.com", "pa55-SECRET")
    with WorkfrontClient(make_config(auth), sleep=sleep) as wf:
        wf.get("TASK", "t1")
        wf.get("TASK", "t1")  # session expired: log in again once, repeat the call
        history = requests_mock.request_history
        assert [r.url.split("/")[-1] for r in history] == ["login", "t1", "t1", "login", "t1"]
        assert form(history[0]) == {"username": "ann@example.com", "password": "pa55-SECRET"}
        assert history[1].headers["sessionID"] == SESSION_ID
        assert history[4].headers["sessionID"] == "second-session"
        assert all("pa55-SECRET" not in r.url and SESSION_ID not in r.url for r in history)
    assert requests_mock.last_request.url == LOGOUT
    assert requests_mock.last_request.headers["sessionID"] == "second-session"
    assert requests_mock.call_count == 6
    assert sleep.calls == []


def test_session_renewed_only_once(requests_mock, sleep):
    requests_mock.post(LOGIN, json=load_fixture("login.json"))
    requests_mock.get(f"{API}/TASK/t1", **EXPIRED)
    requests_mock.post(LOGOUT, json=load_fixture("logout.json"))
    with WorkfrontClient(make_config(SessionAuth("ann", "pw-SECRET")), sleep=sleep) as wf:
        with pytest.raises(WorkfrontAuthenticationError, match="not currently logged in"):
            wf.get("TASK", "t1")
        assert wf.stats.by_operation["login"] == 2 and wf.stats.by_operation["get"] == 2


def test_session_expiry_as_error_envelope_on_200_is_renewed(requests_mock, sleep):
    requests_mock.post(LOGIN, json=load_fixture("login.json"))
    requests_mock.get(f"{API}/TASK/t1", [{"json": EXPIRED["json"]}, TASK])
    requests_mock.post(LOGOUT, json=load_fixture("logout.json"))
    with WorkfrontClient(make_config(SessionAuth("ann", "pw-SECRET")), sleep=sleep) as wf:
        assert wf.get("TASK", "t1") == {"ID": "t1"}
        assert wf.stats.by_operation["login"] == 2


def test_bad_login_is_an_authentication_error(requests_mock, sleep):
    requests_mock.post(LOGIN, json=load_fixture("exception.json"))
    with pytest.raises(WorkfrontAuthenticationError, match="caps lock"):
        with WorkfrontClient(make_config(SessionAuth("ann", "wrong-SECRET")), sleep=sleep) as wf:
            wf.get("TASK", "t1")
    assert requests_mock.call_count == 1


def test_jwt_claims_and_exchange(requests_mock, sleep, rsa_keys):
    pem, public_key = rsa_keys
    requests_mock.post(JWT_EXCHANGE, [{"json": {"access_token": "access-1", "expires_in": 0}},
                                      {"json": {"access_token": "access-2", "expires_in": 0}}])
    requests_mock.get(f"{API}/TASK/t1", [TASK, TASK, EXPIRED, TASK])
    auth = OAuth2JwtAuth(client_id="cid", client_secret="csecret-SECRET", private_key=pem,
                         customer_id="cust-1", user_id="user-1")
    with WorkfrontClient(make_config(auth), sleep=sleep) as wf:
        before = int(time.time())
        wf.get("TASK", "t1")
        wf.get("TASK", "t1")  # the token is cached
        wf.get("TASK", "t1")  # refused: a new JWT is signed and exchanged once
    exchanges = [r for r in requests_mock.request_history if r.url == JWT_EXCHANGE]
    assert len(exchanges) == 2
    body = form(exchanges[0])
    assert body["client_id"] == "cid" and body["client_secret"] == "csecret-SECRET"
    claims = jwt.decode(body["jwt_token"], public_key, algorithms=["RS256"])
    assert claims["iss"] == "cust-1" and claims["sub"] == "user-1"
    assert before <= claims["iat"] <= before + 5
    assert 0 < claims["exp"] - claims["iat"] <= 600
    assert jwt.get_unverified_header(body["jwt_token"])["alg"] == "RS256"
    calls = [r for r in requests_mock.request_history if r.url.endswith("/t1")]
    assert [c.headers["sessionID"] for c in calls] == ["access-1", "access-1", "access-1", "access-2"]
    assert requests_mock.call_count == 6


def test_jwt_with_a_bad_key_says_so_without_the_key(requests_mock, sleep):
    auth = OAuth2JwtAuth("cid", "cs", "-----BEGIN PRIVATE KEY-----\nnot-a-key-SECRET\n-----END PRIVATE KEY-----",
                         "cust", "user")
    with WorkfrontClient(make_config(auth), sleep=sleep) as wf:
        with pytest.raises(WorkfrontAuthenticationError, match="private key") as info:
            wf.get("TASK", "t1")
    assert "not-a-key-SECRET" not in str(info.value)
    assert requests_mock.call_count == 0


def test_refresh_token_rotation_keeps_the_new_token(requests_mock, sleep):
    requests_mock.post(REFRESH, [{"json": {"access_token": "a1", "refresh_token": "rt-2", "expires_in": 0}},
                                 {"json": {"access_token": "a2", "refresh_token": "rt-3", "expires_in": 0}}])
    requests_mock.get(f"{API}/TASK/t1", [TASK, EXPIRED, TASK])
    auth = OAuth2RefreshTokenAuth(client_id="cid", client_secret="cs-SECRET", refresh_token="rt-1")
    with WorkfrontClient(make_config(auth), sleep=sleep) as wf:
        wf.get("TASK", "t1")
        wf.get("TASK", "t1")
    refreshes = [form(r) for r in requests_mock.request_history if r.url == REFRESH]
    assert [r["refresh_token"] for r in refreshes] == ["rt-1", "rt-2"]
    assert all(r["grant_type"] == "refresh_token" and r["client_secret"] == "cs-SECRET" for r in refreshes)
    assert auth.refresh_token == "rt-3"
    assert requests_mock.call_count == 5


def test_refused_refresh_is_an_authentication_error(requests_mock, sleep):
    requests_mock.post(REFRESH, status_code=400, json={"error": "invalid_grant", "error_description": "expired"})
    auth = OAuth2RefreshTokenAuth("cid", "cs-SECRET", "rt-SECRET")
    with WorkfrontClient(make_config(auth), sleep=sleep) as wf:
        with pytest.raises(WorkfrontAuthenticationError, match="HTTP 400: expired"):
            wf.get("TASK", "t1")
    assert requests_mock.call_count == 1


def test_ims_bearer_headers_and_caching_below_lifetime(requests_mock, sleep, monkeypatch):
    requests_mock.post(IMS_URL, [{"json": {"access_token": "ims-1", "expires_in": 1000}},
                                 {"json": {"access_token": "ims-2", "expires_in": 1000}}])
    requests_mock.get(f"{API}/TASK/t1", **TASK)
    auth = ImsAuth(client_id="cid", client_secret="cs-SECRET", ims_org_id="ORG@AdobeOrg", token_url=IMS_URL,
                   scopes=["openid", "AdobeID"])
    with WorkfrontClient(make_config(auth), sleep=sleep) as wf:
        wf.get("TASK", "t1")
        wf.get("TASK", "t1")
        assert requests_mock.call_count == 3  # one token for both calls
        real = time.monotonic
        monkeypatch.setattr(auth_module.time, "monotonic", lambda: real() + 950)  # past 90% of 1000 s
        wf.get("TASK", "t1")
    token_requests = [r for r in requests_mock.request_history if r.url == IMS_URL]
    assert len(token_requests) == 2
    assert form(token_requests[0]) == {"grant_type": "client_credentials", "client_id": "cid",
                                       "client_secret": "cs-SECRET", "scope": "openid,AdobeID"}
    calls = [r for r in requests_mock.request_history if r.url.endswith("/t1")]
    assert [c.headers["Authorization"] for c in calls] == ["Bearer ims-1", "Bearer ims-1", "Bearer ims-2"]
    assert all(c.headers["x-gw-ims-org-id"] == "ORG@AdobeOrg" for c in calls)
    assert requests_mock.call_count == 5


# -- secrets never leak ------------------------------------------------------------------------

def _modes(pem: str):
    """(auth, token URL, good token answer, secrets) per auth mode."""
    return [
        (ApiKeyAuth(API_KEY), None, None, [API_KEY]),
        (SessionAuth("ann", "pw-SECRET-1"), LOGIN, {"data": {"sessionID": "sess-SECRET-2"}},
         ["pw-SECRET-1", "sess-SECRET-2"]),
        (OAuth2JwtAuth("cid", "cs-SECRET-3", pem, "cust", "user"), JWT_EXCHANGE,
         {"access_token": "acc-SECRET-4"}, ["cs-SECRET-3", "acc-SECRET-4", "PRIVATE KEY", pem.splitlines()[1]]),
        (OAuth2RefreshTokenAuth("cid", "cs-SECRET-5", "rt-SECRET-6"), REFRESH,
         {"access_token": "acc-SECRET-7", "refresh_token": "rt-SECRET-8"},
         ["cs-SECRET-5", "rt-SECRET-6", "acc-SECRET-7", "rt-SECRET-8"]),
        (ImsAuth("cid", "cs-SECRET-9", "ORG", token_url=IMS_URL), IMS_URL,
         {"access_token": "ims-SECRET-10", "expires_in": 86400}, ["cs-SECRET-9", "ims-SECRET-10"]),
    ]


@pytest.mark.parametrize("mode", range(5))
def test_no_secret_in_logs_or_errors(mode, requests_mock, sleep, caplog, rsa_keys):
    auth, token_url, token_answer, secrets = _modes(rsa_keys[0])[mode]
    caplog.set_level(logging.DEBUG)
    texts: list[str] = [repr(auth)]
    if token_url:
        requests_mock.post(token_url, json=token_answer)
        requests_mock.post(LOGOUT, json=load_fixture("logout.json"))
    requests_mock.get(f"{API}/TASK/ok", **TASK)
    requests_mock.get(f"{API}/TASK/expired", **EXPIRED)
    requests_mock.get(f"{API}/TASK/html", status_code=502, text="<html>proxy</html>")
    requests_mock.get(f"{API}/TASK/forbidden", status_code=403, json={"error": {"message": "no"}})
    with WorkfrontClient(make_config(auth, max_retries=1), sleep=sleep) as wf:
        texts.append(repr(wf))
        wf.get("TASK", "ok")
        for target in ("expired", "html", "forbidden"):
            with pytest.raises(WorkfrontError) as info:
                wf.get("TASK", target)
            texts += [str(info.value), repr(info.value)]
        texts.append(repr(wf.stats))
    if token_url:  # a refused token request
        requests_mock.post(token_url, status_code=401,
                           json={"error": {"class": "AuthenticationException", "message": "refused"}})
        with WorkfrontClient(make_config(auth, max_retries=0), sleep=sleep) as wf:
            auth.invalidate()
            with pytest.raises(WorkfrontAuthenticationError) as info:
                wf.get("TASK", "ok")
            texts.append(str(info.value))
    for request in requests_mock.request_history:
        texts.append(request.url)
    everything = "\n".join([caplog.text, *texts])
    assert "/TASK/ok (get)" in caplog.text  # the DEBUG lines were captured
    for secret in secrets:
        assert secret not in everything, f"secret {secret[:4]}... leaked"
