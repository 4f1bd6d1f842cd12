"""Every auth mode over mocked HTTP: what is sent where, token caching, renewal and logout."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qsl, urlsplit

import jwt
import pytest

from airflow_workfront.client import (
    ApiKeyAuth,
    ImsAuth,
    OAuth2JwtAuth,
    OAuth2RefreshTokenAuth,
    SessionAuth,
    WorkfrontClient,
)
from airflow_workfront.client import auth as auth_module
from airflow_workfront.client.errors import WorkfrontAuthenticationError

from .conftest import API, API_KEY, HOST, load_fixture, make_config
from .keys import rsa_key_pair

SESSION_ID = load_fixture("login.json")["data"]["sessionID"]
EXPIRED = {"status_code": 401, "json": {"error": {"class": "com.attask.common.AuthenticationException",
                                                  "message": "You are not currently logged in"}}}
EXCHANGE = f"{HOST}/integrations/oauth2/api/v1/jwt/exchange"
REFRESH = f"{HOST}/integrations/oauth2/api/v1/token"
IMS_URL = "https://ims.example.test/ims/token/v3"
TASK = {"json": {"data": {"ID": "t1"}}}


def form(request) -> dict[str, str]:
    return dict(parse_qsl(request.text or ""))


class FakeClock:
    """Stands in for the ``time`` module inside auth.py, so token lifetimes pass instantly."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return time.time() + (self.now - 1_000_000.0)


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(auth_module, "time", fake)
    return fake


def wf_client(auth, sleep, **config) -> WorkfrontClient:
    return WorkfrontClient(make_config(auth, **config), sleep=sleep)


# -- API key ----------------------------------------------------------------------------------


def test_api_key_header(requests_mock, sleep):
    requests_mock.get(f"{API}/TASK/t1", **TASK)
    with wf_client(ApiKeyAuth(API_KEY), sleep) as wf:
        wf.get("TASK", "t1")
    [sent] = requests_mock.request_history
    assert sent.headers["apiKey"] == API_KEY and "sessionID" not in sent.headers
    assert API_KEY not in sent.url


def test_api_key_refused_is_not_renewed(requests_mock, sleep):
    requests_mock.get(f"{API}/TASK/t1", **EXPIRED)
    with wf_client(ApiKeyAuth(API_KEY), sleep) as wf, pytest.raises(WorkfrontAuthenticationError):
        wf.get("TASK", "t1")
    assert requests_mock.call_count == 1


def test_empty_api_key_rejected():
    with pytest.raises(ValueError):
        ApiKeyAuth("")


# -- session ----------------------------------------------------------------------------------


@pytest.fixture
def login(requests_mock):
    requests_mock.post(f"{API}/logout", json=load_fixture("logout.json"))
    return requests_mock.post(f"{API}/login", json=load_fixture("login.json"))


def test_session_login_in_body_then_session_header(requests_mock, sleep, login):
    route = requests_mock.get(f"{API}/TASK/t1", **TASK)
    logout = requests_mock.post(f"{API}/logout", json=load_fixture("logout.json"))
    with wf_client(SessionAuth("ann@example.com", "pw-SECRET-1"), sleep) as wf:
        wf.get("TASK", "t1")
        wf.get("TASK", "t1")
    assert login.call_count == 1  # the session is reused
    sent = login.last_request
    assert sent.method == "POST" and urlsplit(sent.url).query == ""
    assert form(sent) == {"username": "ann@example.com", "password": "pw-SECRET-1"}
    assert all(r.headers["sessionID"] == SESSION_ID for r in route.request_history)
    assert all("apiKey" not in r.headers for r in route.request_history)
    assert logout.call_count == 1 and logout.last_request.headers["sessionID"] == SESSION_ID
    assert SESSION_ID not in logout.last_request.url
    assert requests_mock.call_count == 4


def test_expired_session_renewed_once_and_call_repeated(requests_mock, sleep):
    requests_mock.post(f"{API}/logout", json=load_fixture("logout.json"))
    login = requests_mock.post(f"{API}/login", [{"json": {"data": {"sessionID": "s1"}}}, {"json": {"data": {"sessionID": "s2"}}}])
    route = requests_mock.put(f"{API}/TASK/t1", [EXPIRED, TASK])
    with wf_client(SessionAuth("ann", "pw"), sleep) as wf:
        assert wf.update("TASK", "t1", {"name": "x"}) == {"ID": "t1"}
        assert wf.stats.by_operation["login"] == 2
    assert login.call_count == 2
    assert [r.headers["sessionID"] for r in route.request_history] == ["s1", "s2"]
    assert sleep.calls == []


def test_session_renewed_only_once(requests_mock, sleep, login):
    route = requests_mock.get(f"{API}/TASK/t1", [EXPIRED, EXPIRED, TASK])
    with wf_client(SessionAuth("ann", "pw"), sleep) as wf, pytest.raises(WorkfrontAuthenticationError):
        wf.get("TASK", "t1")
    assert login.call_count == 2 and route.call_count == 2


def test_bad_password(requests_mock, sleep):
    login = requests_mock.post(f"{API}/login", json=load_fixture("exception.json"), status_code=401)
    with wf_client(SessionAuth("ann", "pw-SECRET-2"), sleep) as wf:
        with pytest.raises(WorkfrontAuthenticationError, match="session login failed: HTTP 401: That username") as err:
            wf.count("TASK")
        assert "pw-SECRET-2" not in str(err.value)
    assert login.call_count == 1


def test_login_retried_on_503(requests_mock, sleep):
    requests_mock.post(f"{API}/logout", json=load_fixture("logout.json"))
    login = requests_mock.post(f"{API}/login", [{"status_code": 503, "text": "busy"}, {"json": {"data": {"sessionID": "s"}}}])
    requests_mock.get(f"{API}/TASK/count", json={"data": {"count": 2}})
    with wf_client(SessionAuth("ann", "pw"), sleep) as wf:
        assert wf.count("TASK") == 2
    assert login.call_count == 2 and len(sleep.calls) == 1


def test_no_logout_without_a_session(requests_mock, sleep):
    with wf_client(SessionAuth("ann", "pw"), sleep):
        pass
    assert requests_mock.call_count == 0


def test_logout_failure_does_not_raise(requests_mock, sleep, login, caplog):
    import requests

    requests_mock.get(f"{API}/TASK/t1", **TASK)
    logout = requests_mock.post(f"{API}/logout", exc=requests.ConnectionError("gone"))
    wf = wf_client(SessionAuth("ann", "pw"), sleep, max_retries=0)
    wf.get("TASK", "t1")
    wf.close()
    assert "logout failed" in caplog.text and logout.call_count == 1


def test_one_login_for_many_threads(requests_mock, sleep):
    gate = threading.Event()

    def slow_login(request, context):
        gate.wait(2)
        return {"data": {"sessionID": "s"}}

    login = requests_mock.post(f"{API}/login", json=slow_login)
    requests_mock.post(f"{API}/logout", json=load_fixture("logout.json"))
    requests_mock.get(f"{API}/TASK/t1", **TASK)
    with wf_client(SessionAuth("ann", "pw"), sleep) as wf, ThreadPoolExecutor(8) as pool:
        futures = [pool.submit(wf.get, "TASK", "t1") for _ in range(8)]
        time.sleep(0.05)
        gate.set()
        assert all(f.result() == {"ID": "t1"} for f in futures)
        assert login.call_count == 1


def test_one_renewal_when_many_threads_see_the_session_expire(sleep):
    # Five calls carry the old session and are all refused; only one new login follows, because a
    # thread only forgets the token it was refused with (not one another thread already renewed).
    import requests
    import requests_mock as rm

    barrier = threading.Barrier(5, timeout=5)
    adapter = rm.Adapter()
    logins = iter([{"data": {"sessionID": "old"}}, {"data": {"sessionID": "new"}},
                   {"data": {"sessionID": "newer"}}, {"data": {"sessionID": "newest"}}])
    login = adapter.register_uri("POST", f"{API}/login", json=lambda r, c: next(logins))

    def task(request, context):
        if request.headers["sessionID"] == "old":
            barrier.wait()  # every thread has been refused before any renews
            context.status_code = 401
            return EXPIRED["json"]
        return {"data": {"ID": request.headers["sessionID"]}}

    adapter.register_uri("GET", f"{API}/TASK/t1", json=task)
    session = requests.Session()
    session.mount("https://", adapter)
    wf = WorkfrontClient(make_config(SessionAuth("ann", "pw")), session=session, sleep=sleep)
    with ThreadPoolExecutor(5) as pool:
        answers = list(pool.map(lambda _: wf.get("TASK", "t1"), range(5)))
    assert answers == [{"ID": "new"}] * 5
    assert login.call_count == 2


# -- OAuth2 JWT -------------------------------------------------------------------------------


def jwt_auth() -> OAuth2JwtAuth:
    private, _ = rsa_key_pair()
    return OAuth2JwtAuth(client_id="cid", client_secret="csecret-SECRET", private_key=private,
                         customer_id="cust-1", user_id="user-1")


def test_jwt_exchange_claims_and_session_header(requests_mock, sleep):
    _, public = rsa_key_pair()
    exchange = requests_mock.post(EXCHANGE, json={"access_token": "at-1", "refresh_token": "rt", "expires_in": 0})
    route = requests_mock.get(f"{API}/TASK/t1", **TASK)
    with wf_client(jwt_auth(), sleep) as wf:
        wf.get("TASK", "t1")
        wf.get("TASK", "t1")
    assert exchange.call_count == 1
    sent = exchange.last_request
    assert urlsplit(sent.url).query == ""
    body = form(sent)
    assert (body["client_id"], body["client_secret"]) == ("cid", "csecret-SECRET")
    assert jwt.get_unverified_header(body["jwt_token"])["alg"] == "RS256"
    claims = jwt.decode(body["jwt_token"], public, algorithms=["RS256"])
    assert claims["iss"] == "cust-1" and claims["sub"] == "user-1"
    now = time.time()
    assert now - 5 <= claims["iat"] <= now + 1
    assert 0 < claims["exp"] - claims["iat"] <= 300  # short-lived
    assert all(r.headers["sessionID"] == "at-1" for r in route.request_history)


def test_jwt_token_reminted_after_401(requests_mock, sleep):
    _, public = rsa_key_pair()
    exchange = requests_mock.post(EXCHANGE, [{"json": {"access_token": "at-1"}}, {"json": {"access_token": "at-2"}}])
    route = requests_mock.get(f"{API}/TASK/search", [EXPIRED, {"json": {"data": []}}])
    with wf_client(jwt_auth(), sleep) as wf:
        assert wf.search_page("TASK") == []
    assert exchange.call_count == 2
    for sent in exchange.request_history:  # each exchange carries a valid, freshly signed JWT
        jwt.decode(form(sent)["jwt_token"], public, algorithms=["RS256"])
    assert [r.headers["sessionID"] for r in route.request_history] == ["at-1", "at-2"]


def test_jwt_token_reminted_on_expiry(requests_mock, sleep, clock):
    exchange = requests_mock.post(EXCHANGE, [{"json": {"access_token": "at-1", "expires_in": 600}},
                                             {"json": {"access_token": "at-2", "expires_in": 600}}])
    route = requests_mock.get(f"{API}/TASK/t1", **TASK)
    with wf_client(jwt_auth(), sleep) as wf:
        wf.get("TASK", "t1")
        clock.now += 500
        wf.get("TASK", "t1")
        clock.now += 100  # past 90% of the lifetime: renewed before Workfront refuses it
        wf.get("TASK", "t1")
    assert exchange.call_count == 2
    assert [r.headers["sessionID"] for r in route.request_history] == ["at-1", "at-1", "at-2"]


def test_jwt_bad_key_says_so_without_the_key(requests_mock, sleep):
    auth = OAuth2JwtAuth("cid", "cs", "-----BEGIN PRIVATE KEY-----\nnot-a-key-SECRET\n-----END PRIVATE KEY-----", "c", "u")
    with wf_client(auth, sleep) as wf, pytest.raises(WorkfrontAuthenticationError, match="private key") as err:
        wf.get("TASK", "t1")
    assert "not-a-key-SECRET" not in str(err.value)
    assert requests_mock.call_count == 0


def test_jwt_exchange_refused(requests_mock, sleep):
    requests_mock.post(EXCHANGE, status_code=400, json={"error": "invalid_client", "error_description": "bad client"})
    with wf_client(jwt_auth(), sleep) as wf, pytest.raises(WorkfrontAuthenticationError, match="HTTP 400: bad client"):
        wf.get("TASK", "t1")
    assert requests_mock.call_count == 1


# -- OAuth2 refresh token ---------------------------------------------------------------------


def test_refresh_token_grant_and_rotation(requests_mock, sleep):
    token = requests_mock.post(REFRESH, [{"json": {"access_token": "at-1", "refresh_token": "rt-2"}},
                                         {"json": {"access_token": "at-2", "refresh_token": "rt-3"}}])
    route = requests_mock.get(f"{API}/TASK/t1", [TASK, EXPIRED, TASK])
    auth = OAuth2RefreshTokenAuth("cid", "csecret", "rt-1")
    with wf_client(auth, sleep) as wf:
        wf.get("TASK", "t1")
        wf.get("TASK", "t1")
    sent = [form(r) for r in token.request_history]
    assert sent[0] == {"grant_type": "refresh_token", "client_id": "cid", "client_secret": "csecret", "refresh_token": "rt-1"}
    assert sent[1]["refresh_token"] == "rt-2"  # the rotated token is used for the next refresh
    assert auth.refresh_token == "rt-3"
    assert [r.headers["sessionID"] for r in route.request_history] == ["at-1", "at-1", "at-2"]
    assert all(urlsplit(r.url).query == "" for r in token.request_history)


# -- Adobe IMS --------------------------------------------------------------------------------


def ims_auth(**kwargs) -> ImsAuth:
    return ImsAuth(client_id="ims-cid", client_secret="ims-SECRET", ims_org_id="ORG@AdobeOrg", token_url=IMS_URL, **kwargs)


def test_ims_token_cached_for_many_calls(requests_mock, sleep):
    token = requests_mock.post(IMS_URL, json={"access_token": "ims-at", "token_type": "bearer", "expires_in": 86399})
    route = requests_mock.get(f"{API}/TASK/search", json={"data": []})
    with wf_client(ims_auth(scopes=["openid", "AdobeID"]), sleep) as wf:
        for _ in range(5):
            wf.search_page("TASK")
    assert token.call_count == 1 and route.call_count == 5
    assert form(token.last_request) == {"grant_type": "client_credentials", "client_id": "ims-cid",
                                        "client_secret": "ims-SECRET", "scope": "openid,AdobeID"}
    for sent in route.request_history:
        assert sent.headers["Authorization"] == "Bearer ims-at"
        assert sent.headers["x-gw-ims-org-id"] == "ORG@AdobeOrg"
        assert "sessionID" not in sent.headers and "apiKey" not in sent.headers


def test_ims_token_renewed_after_expiry(requests_mock, sleep, clock):
    token = requests_mock.post(IMS_URL, [{"json": {"access_token": "at-1", "expires_in": 86400}},
                                         {"json": {"access_token": "at-2", "expires_in": 86400}}])
    route = requests_mock.get(f"{API}/TASK/t1", **TASK)
    with wf_client(ims_auth(), sleep) as wf:
        wf.get("TASK", "t1")
        clock.now += 86400 * 0.85
        wf.get("TASK", "t1")
        clock.now += 86400 * 0.1
        wf.get("TASK", "t1")
    assert token.call_count == 2
    assert [r.headers["Authorization"] for r in route.request_history] == ["Bearer at-1", "Bearer at-1", "Bearer at-2"]


def test_ims_token_renewed_after_401(requests_mock, sleep):
    token = requests_mock.post(IMS_URL, [{"json": {"access_token": "at-1"}}, {"json": {"access_token": "at-2"}}])
    requests_mock.get(f"{API}/TASK/t1", [{"status_code": 401, "json": {"error": {"message": "invalid token"}}}, TASK])
    with wf_client(ims_auth(), sleep) as wf:
        assert wf.get("TASK", "t1") == {"ID": "t1"}
    assert token.call_count == 2


def test_event_subscription_headers():
    assert ApiKeyAuth("k").event_subscription_headers() == {"apiKey": "k", "Authorization": "k"}
    ims = ims_auth()
    ims.token = "at"
    assert ims.event_subscription_headers()["Authorization"] == "Bearer at"


@pytest.mark.parametrize(
    "auth, secrets",
    [
        (ApiKeyAuth("key-SECRET"), ["key-SECRET"]),
        (SessionAuth("ann", "pw-SECRET"), ["pw-SECRET"]),
        (OAuth2JwtAuth("cid", "cs-SECRET", "pk-SECRET", "cust", "user"), ["cs-SECRET", "pk-SECRET"]),
        (OAuth2RefreshTokenAuth("cid", "cs-SECRET", "rt-SECRET"), ["cs-SECRET", "rt-SECRET"]),
        (ImsAuth("cid", "cs-SECRET", "org"), ["cs-SECRET"]),
    ],
)
def test_repr_hides_secrets(auth, secrets):
    if hasattr(auth, "token"):
        auth.token = "token-SECRET"
        secrets = [*secrets, "token-SECRET"]
    for text in (repr(auth), str(auth), repr(make_config(auth))):
        assert not any(secret in text for secret in secrets), text
    assert set(secrets) <= set(auth.secrets())
