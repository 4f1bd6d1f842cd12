"""A receiver's bearer token: which ``Authorization`` headers match it, and how it is read and cached."""

from __future__ import annotations

import json
import logging

import pytest

from airflow_workfront.plugins import tokens
from airflow_workfront.plugins.receivers import MAX_TOKEN_LENGTH, MIN_TOKEN_LENGTH
from airflow_workfront.plugins.tokens import TokenSource, bearer_matches

TOKEN = "receiver-test-token-0123456789abcdef"


# RFC 7235 section 2.1: the auth-scheme is case-insensitive, and one or more spaces follow it.
@pytest.mark.parametrize("header", [f"Bearer {TOKEN}", f"bearer {TOKEN}", f"BEARER {TOKEN}", f"bEaReR {TOKEN}",
                                    f"Bearer   {TOKEN}", f"Bearer {TOKEN} "])
def test_the_bearer_scheme_matches_in_any_case(header):
    assert bearer_matches(header, TOKEN)


@pytest.mark.parametrize("header", [
    None, "", "Bearer", "Bearer ", TOKEN, f"Basic {TOKEN}", f"Bearerx {TOKEN}", f"Beare {TOKEN}",
    f"Token {TOKEN}", f"Bearer {TOKEN.upper()}", f"Bearer {TOKEN[:-1]}", f"Bearer {TOKEN}x", f"Bearer x{TOKEN}",
    f"{TOKEN} Bearer",
])
def test_anything_else_does_not_match(header):
    assert not bearer_matches(header, TOKEN)


@pytest.mark.parametrize("header", [None, "", "Bearer ", "Bearer x", f"Bearer {tokens._DECOY}"])
def test_no_configured_token_matches_nothing_not_even_the_decoy(header):
    assert not bearer_matches(header, None)


@pytest.fixture
def connection(monkeypatch):
    """Sets the password of the connection ``wf_tok`` (or removes the connection with None)."""

    def set_password(password: str | None) -> None:
        if password is None:
            monkeypatch.delenv("AIRFLOW_CONN_WF_TOK", raising=False)
        else:
            monkeypatch.setenv("AIRFLOW_CONN_WF_TOK", json.dumps({"conn_type": "generic", "password": password}))

    return set_password


@pytest.mark.parametrize("length", [MIN_TOKEN_LENGTH, MAX_TOKEN_LENGTH])
def test_tokens_at_both_length_limits_are_used(connection, length):
    connection("t" * length)
    assert TokenSource(ttl=0).get("wf_tok") == "t" * length


@pytest.mark.parametrize("length", [MIN_TOKEN_LENGTH - 1, MAX_TOKEN_LENGTH + 1, 0])
def test_tokens_outside_the_limits_are_refused_by_connection_id_only(connection, caplog, length):
    connection("t" * length)
    with caplog.at_level(logging.ERROR, logger=tokens.__name__):
        assert TokenSource(ttl=0).get("wf_tok") is None
    assert [r.getMessage() for r in caplog.records if r.name == tokens.__name__] == [
        f"Workfront event receiver: the password of connection 'wf_tok' must be a token of {MIN_TOKEN_LENGTH}-"
        f"{MAX_TOKEN_LENGTH} characters; every delivery is refused"]


def test_a_missing_connection_gives_no_token_and_says_so(connection, caplog):
    connection(None)
    with caplog.at_level(logging.ERROR, logger=tokens.__name__):
        assert TokenSource(ttl=0).get("wf_tok") is None
    assert [r.getMessage() for r in caplog.records if r.name == tokens.__name__] == [
        "Workfront event receiver: connection 'wf_tok' does not exist; every delivery is refused"]


def test_a_token_is_reused_for_exactly_the_cache_time(connection, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(tokens.time, "monotonic", lambda: now[0])
    source = TokenSource(ttl=10.0)
    connection(TOKEN)
    assert source.get("wf_tok") == TOKEN
    connection("a-rotated-token-that-is-long-enough")
    now[0] = 1009.99
    assert source.get("wf_tok") == TOKEN  # still cached
    now[0] = 1010.0
    assert source.get("wf_tok") == "a-rotated-token-that-is-long-enough"  # read again at the TTL


def test_each_connection_has_its_own_cache_entry(monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_WF_A", json.dumps({"conn_type": "generic", "password": "a" * 20}))
    monkeypatch.setenv("AIRFLOW_CONN_WF_B", json.dumps({"conn_type": "generic", "password": "b" * 20}))
    source = TokenSource()
    assert (source.get("wf_a"), source.get("wf_b")) == ("a" * 20, "b" * 20)
