"""Reading a ``workfront`` connection into a client configuration, for every auth mode."""

from __future__ import annotations

import json
import logging

import pytest
from airflow.sdk import Connection

from airflow_workfront.client import (
    ApiKeyAuth,
    ImsAuth,
    OAuth2JwtAuth,
    OAuth2RefreshTokenAuth,
    SessionAuth,
)
from airflow_workfront.hooks.connection import base_url_from_connection, config_from_connection, parse_extra

SECRETS = {
    "api_key": "key-0123456789abcdef",
    "password": "pa55-word-secret",
    "client_secret": "client-secret-value",
    "private_key": "-----BEGIN PRIVATE KEY-----\\nMIIsecret\\n-----END PRIVATE KEY-----",
    "refresh_token": "refresh-token-value",
}


def make_conn(extra: dict | None = None, **fields) -> Connection:
    fields.setdefault("host", "https://acme.my.workfront.com")
    return Connection(conn_id="wf", conn_type="workfront", extra=json.dumps(extra or {}), **fields)


def test_api_key_from_password_is_the_default_mode():
    config = config_from_connection(make_conn(password=SECRETS["api_key"]))
    assert isinstance(config.auth, ApiKeyAuth)
    assert config.auth.api_key == SECRETS["api_key"]
    assert config.api_url == "https://acme.my.workfront.com/attask/api/v21.0"
    assert (config.timeout, config.max_retries, config.max_concurrency, config.verify_ssl) == (60.0, 5, 10, True)


def test_api_key_extra_wins_over_password_and_settings_are_read():
    extra = {
        "api_key": SECRETS["api_key"],
        "api_version": "v19.0",
        "timeout": "12.5",
        "max_retries": 0,
        "max_concurrency": "4",
    }
    config = config_from_connection(make_conn(extra, password="other"))
    assert config.auth.api_key == SECRETS["api_key"]
    assert config.api_url.endswith("/attask/api/v19.0")
    assert (config.timeout, config.max_retries, config.max_concurrency) == (12.5, 0, 4)


def test_session_mode_uses_login_and_password():
    config = config_from_connection(make_conn({"auth_type": "session"}, login="ann", password=SECRETS["password"]))
    assert isinstance(config.auth, SessionAuth)
    assert (config.auth.username, config.auth.password) == ("ann", SECRETS["password"])


def test_oauth2_jwt_mode_unescapes_the_private_key():
    extra = {
        "auth_type": "oauth2_jwt",
        "client_id": "cid",
        "client_secret": SECRETS["client_secret"],
        "private_key": SECRETS["private_key"],
        "customer_id": "cust",
        "user_id": "user",
    }
    config = config_from_connection(make_conn(extra))
    assert isinstance(config.auth, OAuth2JwtAuth)
    assert config.auth.private_key == "-----BEGIN PRIVATE KEY-----\nMIIsecret\n-----END PRIVATE KEY-----\n"
    assert (config.auth.customer_id, config.auth.user_id) == ("cust", "user")


def test_refresh_token_mode_takes_client_secret_from_password_when_absent():
    extra = {"auth_type": "oauth2_refresh_token", "client_id": "cid", "refresh_token": SECRETS["refresh_token"]}
    config = config_from_connection(make_conn(extra, password=SECRETS["client_secret"]))
    assert isinstance(config.auth, OAuth2RefreshTokenAuth)
    assert config.auth.client_secret == SECRETS["client_secret"]
    assert config.auth.refresh_token == SECRETS["refresh_token"]


def test_ims_mode_splits_scopes_and_defaults_the_token_url():
    extra = {
        "auth_type": "ims",
        "client_id": "cid",
        "client_secret": SECRETS["client_secret"],
        "ims_org_id": "ORG@AdobeOrg",
        "ims_scopes": "openid, AdobeID",
    }
    config = config_from_connection(make_conn(extra))
    assert isinstance(config.auth, ImsAuth)
    assert config.auth.scopes == ("openid", "AdobeID")
    assert config.auth.token_url == "https://ims-na1.adobelogin.com/ims/token/v3"


IMS_EXTRA = {"auth_type": "ims", "client_id": "cid", "client_secret": SECRETS["client_secret"], "ims_org_id": "ORG@AdobeOrg"}


@pytest.mark.parametrize(
    ("endpoint_extras", "expected"),
    [
        ({"ims_endpoint": "https://ims-eu.example/ims/token/v3"}, "https://ims-eu.example/ims/token/v3"),
        # the field's first name, kept working for connections saved before the rename
        ({"ims_token_url": "https://ims-old.example/ims/token/v3"}, "https://ims-old.example/ims/token/v3"),
        ({"ims_endpoint": "https://new.example/t", "ims_token_url": "https://old.example/t"}, "https://new.example/t"),
        # what Airflow's form saved for the old, masked field: the mask, never a URL
        ({"ims_token_url": "***"}, "https://ims-na1.adobelogin.com/ims/token/v3"),
    ],
)
def test_ims_endpoint_is_read_under_its_new_and_its_old_name(endpoint_extras, expected, caplog):
    with caplog.at_level(logging.WARNING, logger="airflow_workfront.hooks.connection"):
        config = config_from_connection(make_conn({**IMS_EXTRA, **endpoint_extras}))
    assert config.auth.token_url == expected
    assert ("'***'" in caplog.text) == ("***" in endpoint_extras.values())


@pytest.mark.parametrize(
    ("extra", "fields", "missing"),
    [
        ({}, {}, "api_key"),
        ({"auth_type": "session"}, {"password": SECRETS["password"]}, "login"),
        ({"auth_type": "oauth2_jwt", "client_id": "c"}, {"password": SECRETS["client_secret"]}, "private_key, customer_id, user_id"),
        ({"auth_type": "oauth2_refresh_token", "client_id": "c", "client_secret": SECRETS["client_secret"]}, {}, "refresh_token"),
        ({"auth_type": "ims", "client_id": "c"}, {"password": SECRETS["client_secret"]}, "ims_org_id"),
    ],
)
def test_missing_fields_are_named_without_revealing_secrets(extra, fields, missing):
    with pytest.raises(ValueError) as err:
        config_from_connection(make_conn(extra, **fields))
    message = str(err.value)
    assert "'wf'" in message and missing in message
    for secret in SECRETS.values():
        assert secret not in message


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"auth_type": "kerberos"}, "auth_type 'kerberos' is not one of"),
        ({"timeout": "soon"}, "extra 'timeout' must be a number, got 'soon'"),
        ({"max_concurrency": 0}, "max_concurrency must be a whole number of at least 1, got 0"),
        ({"max_concurrency": 2.5}, "extra 'max_concurrency' must be a whole number, got 2.5"),
        ({"max_retries": True}, "extra 'max_retries' must be a whole number, got True"),
        ({"page_size": "2001"}, "page_size must be a whole number from 1 to 2000, got 2001"),
        ({"max_retries": -1}, "max_retries must be a whole number of at least 0, got -1"),
        ({"verify_ssl": "maybe"}, "verify_ssl"),
        # Issue 12.7: these passed, then failed on the first request.
        ({"timeout": "nan"}, "timeout must be a finite number of seconds, got nan"),
        ({"timeout": "inf"}, "timeout must be a finite number of seconds, got inf"),
        ({"timeout": float("-inf")}, "timeout must be a finite number of seconds"),
        ({"max_concurrency": "1e999"}, "extra 'max_concurrency' must be a whole number, got '1e999'"),
        ({"api_version": "garbage"}, "api_version must be a Workfront API version such as v21.0, got 'garbage'"),
        ({"api_version": " v21.0 "}, "api_version .* got ' v21.0 '"),
        ({"api_version": "v21.0#x"}, "api_version .* got 'v21.0#x'"),
        ({"api_version": "../../x"}, "api_version .* got '../../x'"),
        ({"api_version": 21}, "api_version .* got 21"),
    ],
)
def test_malformed_extras_get_clear_errors(extra, expected):
    with pytest.raises(ValueError, match=expected) as caught:
        config_from_connection(make_conn(extra, password=SECRETS["api_key"]))
    assert str(caught.value).startswith("Workfront connection 'wf' is misconfigured: ")


@pytest.mark.parametrize("version", ["v21.0", "v9.1", "v22.0"])
def test_api_versions_that_are_accepted(version):
    config = config_from_connection(make_conn({"api_version": version}, password=SECRETS["api_key"]))
    assert config.api_url.endswith(f"/attask/api/{version}")


@pytest.mark.parametrize(("overrides", "setting"), [({"timeout": float("nan")}, "timeout"),
                                                     ({"api_version": "v21"}, "api_version")])
def test_hook_overrides_are_checked_too(overrides, setting):
    with pytest.raises(ValueError, match=f"Workfront connection 'wf' is misconfigured: .*{setting}"):
        config_from_connection(make_conn(password=SECRETS["api_key"]), **overrides)


def test_disabling_tls_verification_warns(caplog):
    with caplog.at_level(logging.WARNING):
        config = config_from_connection(make_conn({"verify_ssl": "false"}, password=SECRETS["api_key"]))
    assert config.verify_ssl is False
    assert "TLS certificate verification is OFF" in caplog.text


@pytest.mark.parametrize(
    ("host", "port", "schema", "expected"),
    [
        ("acme.my.workfront.com", None, None, "https://acme.my.workfront.com"),
        ("https://acme.my.workfront.com/", None, None, "https://acme.my.workfront.com"),
        ("127.0.0.1", 8765, "http", "http://127.0.0.1:8765"),
        ("http://127.0.0.1:8765", None, "", "http://127.0.0.1:8765"),
        ("http://localhost", 9000, None, "http://localhost:9000"),
    ],
)
def test_base_url_forms(host, port, schema, expected):
    assert base_url_from_connection(host, port, schema) == expected


@pytest.mark.parametrize("host", ["", None, "https://acme.my.workfront.com/attask/api/v21.0"])
def test_base_url_rejects_empty_or_pathful_hosts(host):
    with pytest.raises(ValueError):
        base_url_from_connection(host, None, None)


def test_parse_extra_accepts_legacy_prefixed_keys_and_rejects_bad_json():
    assert parse_extra('{"extra__workfront__api_version": "v20.0"}') == {"api_version": "v20.0"}
    assert parse_extra(None) == {}
    with pytest.raises(ValueError, match="not valid JSON"):
        parse_extra("{nope")
    with pytest.raises(ValueError, match="JSON object"):
        parse_extra("[1]")


def test_a_pem_pasted_into_the_one_line_form_field_signs():
    """The UI's masked one-line field turns a pasted key's line breaks into spaces."""
    import jwt
    from client.keys import rsa_key_pair

    private, public = rsa_key_pair()
    pasted = " ".join(private.strip().splitlines())
    assert "\n" not in pasted
    extra = {"auth_type": "oauth2_jwt", "client_id": "cid", "client_secret": SECRETS["client_secret"],
             "private_key": pasted, "customer_id": "cust", "user_id": "user"}
    config = config_from_connection(make_conn(extra))
    assert config.auth.private_key == private
    token = jwt.encode({"iss": "cust"}, config.auth.private_key, algorithm="RS256")
    assert jwt.decode(token, public, algorithms=["RS256"])["iss"] == "cust"
