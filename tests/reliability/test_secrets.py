"""No credential ever appears in logs, exception messages, URLs or XCom, in any auth mode."""

from __future__ import annotations

import json
import logging

import pytest
from client.keys import rsa_key_pair

from airflow_workfront.emulator.auth import CUSTOMER_ID
from airflow_workfront.emulator.testing import EmulatorServer

pytestmark = pytest.mark.emulator

API_KEY = "secret-api-key-0123456789"
PASSWORD = "secret-password-9876"
CLIENT_SECRET = "secret-client-secret-5555"
REFRESH_TOKEN = "secret-refresh-token-4444"
IMS_ORG = "ORG123@AdobeOrg"


@pytest.fixture(scope="module")
def keypair():
    return rsa_key_pair()


@pytest.fixture(scope="module")
def tenant(keypair):
    with EmulatorServer(api_key=API_KEY, password=PASSWORD, oauth_clients={"cid": CLIENT_SECRET},
                        jwt_public_key=keypair[1], refresh_tokens=[REFRESH_TOKEN], ims_org_id=IMS_ORG,
                        rotate_refresh_tokens=False) as server:  # each task's hook reads the connection's token
        yield server


def connections(tenant, private_key: str) -> dict[str, dict]:
    admin = tenant.emulator.auth.admin_id
    base = {"conn_type": "workfront", "host": tenant.base_url}
    return {
        "api_key": {**base, "password": API_KEY},
        "session": {**base, "login": "admin@example.com", "password": PASSWORD, "extra": {"auth_type": "session"}},
        "oauth2_jwt": {**base, "extra": {"auth_type": "oauth2_jwt", "client_id": "cid", "client_secret": CLIENT_SECRET,
                                         "private_key": private_key, "customer_id": CUSTOMER_ID, "user_id": admin}},
        "oauth2_refresh_token": {**base, "extra": {"auth_type": "oauth2_refresh_token", "client_id": "cid",
                                                   "client_secret": CLIENT_SECRET, "refresh_token": REFRESH_TOKEN}},
        "ims": {**base, "extra": {"auth_type": "ims", "client_id": "cid", "client_secret": CLIENT_SECRET,
                                  "ims_org_id": IMS_ORG, "ims_token_url": f"{tenant.base_url}/ims/token/v3"}},
    }


@pytest.mark.parametrize("mode", ["api_key", "session", "oauth2_jwt", "oauth2_refresh_token", "ims"])
def test_no_secret_leaks_in_any_auth_mode(mode, tenant, keypair, monkeypatch, caplog):
    from airflow_workfront.client.errors import WorkfrontError
    from airflow_workfront.hooks.workfront import WorkfrontHook
    from airflow_workfront.operators.search import WorkfrontSearchOperator

    conn = connections(tenant, keypair[0])[mode]
    monkeypatch.setenv("AIRFLOW_CONN_WORKFRONT_DEFAULT", json.dumps(conn))
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []

    hook = WorkfrontHook()
    client = hook.get_conn()
    ok, message = hook.test_connection()
    assert ok, message
    texts.append(message)
    texts.append(json.dumps(WorkfrontSearchOperator(task_id="s", obj_code="PROJ").execute({})))
    tenant.control.expire_sessions()  # the next call renews the session or token once
    assert client.count("PROJ") == 6
    for bad in (lambda: client.search_page("NOPE"), lambda: client.get("TASK", "missing")):
        with pytest.raises(WorkfrontError) as err:
            bad()
        texts.append(str(err.value))
    texts.append(repr(client.config))
    hook.close()

    secrets = {API_KEY, PASSWORD, CLIENT_SECRET, REFRESH_TOKEN, keypair[0].splitlines()[1]}
    secrets.update(s for s in client.config.auth.secrets() if s and len(s) > 8)  # live session/access tokens too
    everything = "\n".join([*texts, caplog.text, *(r.getMessage() for r in caplog.records)])
    leaked = [s[:6] + "..." for s in secrets if s in everything]
    assert not leaked, f"{mode}: secrets found in logs/errors: {leaked}"


def test_wrong_credentials_fail_clearly_without_the_credential(tenant, monkeypatch):
    from airflow_workfront.hooks.workfront import WorkfrontHook

    wrong = "wrong-password-secret-1"
    conn = {"conn_type": "workfront", "host": tenant.base_url, "login": "admin@example.com", "password": wrong,
            "extra": {"auth_type": "session", "max_retries": 0}}
    monkeypatch.setenv("AIRFLOW_CONN_WORKFRONT_DEFAULT", json.dumps(conn))
    ok, message = WorkfrontHook().test_connection()
    assert not ok and "session login failed: HTTP 401" in message and wrong not in message


def test_tls_verification_is_on_by_default_and_turning_it_off_warns(tenant, monkeypatch, caplog):
    from airflow_workfront.hooks.workfront import WorkfrontHook

    monkeypatch.setenv("AIRFLOW_CONN_WORKFRONT_DEFAULT", json.dumps({"conn_type": "workfront", "host": "h", "password": "k"}))
    assert WorkfrontHook().config.verify_ssl is True
    monkeypatch.setenv("AIRFLOW_CONN_WORKFRONT_DEFAULT", json.dumps(
        {"conn_type": "workfront", "host": "h", "password": "k", "extra": {"verify_ssl": False}}))
    with caplog.at_level(logging.WARNING):
        assert WorkfrontHook().config.verify_ssl is False
    assert "TLS certificate verification is OFF" in caplog.text


def test_the_control_api_is_off_unless_asked_for_and_binds_to_loopback():
    import httpx

    from airflow_workfront.emulator.__main__ import parse_args

    assert parse_args([]).host == "127.0.0.1" and parse_args([]).control_api is False
    with EmulatorServer(api_key="k", control_api=False) as server:
        assert httpx.post(f"{server.base_url}/_emulator/reset").status_code == 404
