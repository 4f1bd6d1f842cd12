"""OAuth2: the JWT exchange (RS256, key generated here), refresh-token rotation, and Adobe IMS bearer tokens."""

from __future__ import annotations

import time

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from airflow_workfront.emulator.auth import CUSTOMER_ID
from airflow_workfront.emulator.testing import EmulatorServer
from emulator.conftest import API

CLIENT_ID, CLIENT_SECRET = "client-1", "s3cret"
EXCHANGE = "/integrations/oauth2/api/v1/jwt/exchange"
TOKEN = "/integrations/oauth2/api/v1/token"


def _keypair():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return key, public


@pytest.fixture(scope="module")
def oauth_server():
    key, public = _keypair()
    with EmulatorServer(oauth_clients={CLIENT_ID: CLIENT_SECRET}, jwt_public_key=public,
                        refresh_tokens=["refresh-0"], ims_org_id="ORG@AdobeOrg") as server:
        with httpx.Client(base_url=server.base_url, timeout=30) as http:
            admin = http.get(f"{API}/user/search", params={"filters": '{"username": "admin@example.com"}'},
                             headers={"apiKey": server.api_key}).json()["data"][0]["ID"]
            yield server, http, key, admin


def _jwt(key, sub: str, **claims) -> str:
    body = {"iss": CUSTOMER_ID, "sub": sub, "exp": int(time.time()) + 300, **claims}
    return jwt.encode(body, key, algorithm="RS256")


def test_jwt_exchange_gives_a_session(oauth_server):
    _, http, key, admin = oauth_server
    answer = http.post(EXCHANGE, data={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                                       "jwt_token": _jwt(key, admin)})
    assert answer.status_code == 200, answer.text
    token = answer.json()["access_token"]
    assert answer.json()["expires_in"] > 0
    assert http.get(f"{API}/task/count", headers={"sessionID": token}).json()["data"]["count"] == 60


def test_jwt_with_another_key_or_wrong_secret_is_refused(oauth_server):
    _, http, _, admin = oauth_server
    stranger, _ = _keypair()
    answer = http.post(EXCHANGE, data={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                                       "jwt_token": _jwt(stranger, admin)})
    assert answer.status_code == 400 and "invalid_grant" in answer.json()["error"]["message"]
    answer = http.post(EXCHANGE, data={"client_id": CLIENT_ID, "client_secret": "not-the-secret",
                                       "jwt_token": _jwt(stranger, admin)})
    assert answer.status_code == 401
    assert "not-the-secret" not in answer.text


def test_jwt_expired_or_for_another_user_is_refused(oauth_server):
    _, http, key, admin = oauth_server
    expired = _jwt(key, admin, exp=int(time.time()) - 10)
    assert http.post(EXCHANGE, data={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                                     "jwt_token": expired}).status_code == 400
    other = _jwt(key, "0" * 32)
    assert http.post(EXCHANGE, data={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                                     "jwt_token": other}).status_code == 400


def test_refresh_token_rotates(oauth_server):
    server, http, _, _ = oauth_server
    form = {"grant_type": "refresh_token", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    first = http.post(TOKEN, data={**form, "refresh_token": "refresh-0"})
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["refresh_token"] != "refresh-0"
    assert http.get(f"{API}/task/count", headers={"sessionID": body["access_token"]}).status_code == 200
    reused = http.post(TOKEN, data={**form, "refresh_token": "refresh-0"})
    assert reused.status_code == 400  # the old token died when it was used
    second = http.post(TOKEN, data={**form, "refresh_token": body["refresh_token"]})
    assert second.status_code == 200
    # Basic auth carries the client credentials as well.
    third = http.post(TOKEN, data={"grant_type": "refresh_token", "refresh_token": second.json()["refresh_token"]},
                      auth=(CLIENT_ID, CLIENT_SECRET))
    assert third.status_code == 200


def test_access_tokens_expire_through_the_control_api(oauth_server):
    server, http, key, admin = oauth_server
    token = http.post(EXCHANGE, data={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                                      "jwt_token": _jwt(key, admin)}).json()["access_token"]
    server.control.expire_sessions()
    assert http.get(f"{API}/task/count", headers={"sessionID": token}).status_code == 401


def test_ims_token_and_bearer_with_org_header(oauth_server):
    server, http, _, _ = oauth_server
    answer = http.post("/ims/token/v3", data={"grant_type": "client_credentials", "client_id": CLIENT_ID,
                                              "client_secret": CLIENT_SECRET})
    assert answer.status_code == 200, answer.text
    token = answer.json()["access_token"]
    assert answer.json()["token_type"] == "bearer"
    good = {"Authorization": f"Bearer {token}", "x-gw-ims-org-id": "ORG@AdobeOrg"}
    assert http.get(f"{API}/task/count", headers=good).json()["data"]["count"] == 60
    assert http.get(f"{API}/task/count", headers={**good, "x-gw-ims-org-id": "OTHER@AdobeOrg"}).status_code == 403
    assert http.get(f"{API}/task/count", headers={**good, "Authorization": "Bearer nope"}).status_code == 401
    assert http.post("/ims/token/v3", data={"grant_type": "client_credentials", "client_id": CLIENT_ID,
                                            "client_secret": "bad"}).status_code == 401
