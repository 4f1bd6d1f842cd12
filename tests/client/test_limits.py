"""Workfront's limits and the connection defaults: one home, and every entry refuses alike."""

from __future__ import annotations

import pytest

from airflow_workfront.client import ApiKeyAuth, ClientConfig, limits
from airflow_workfront.client.limits import check_api_version, check_count, check_page_size, check_seconds


def test_workfronts_limits():
    assert (limits.MAX_PAGE_SIZE, limits.MAX_BULK_SIZE, limits.MAX_URL_BYTES, limits.WORKFRONT_CONCURRENCY) == (
        2000, 100, 8892, 10)


def test_client_config_defaults_are_the_limits_modules():
    config = ClientConfig(host="h", auth=ApiKeyAuth("k"))
    assert (config.api_version, config.timeout, config.max_retries, config.backoff_base, config.backoff_max,
            config.max_concurrency, config.page_size) == (
        limits.DEFAULT_API_VERSION, limits.DEFAULT_TIMEOUT, limits.DEFAULT_MAX_RETRIES, limits.DEFAULT_BACKOFF_BASE,
        limits.DEFAULT_BACKOFF_MAX, limits.DEFAULT_MAX_CONCURRENCY, limits.DEFAULT_PAGE_SIZE)


def test_the_connection_form_shows_the_same_defaults():
    from airflow_workfront.provider_info import CONN_FIELDS

    shown = {name: CONN_FIELDS[name]["schema"]["default"]
             for name in ("api_version", "timeout", "max_retries", "max_concurrency", "ims_endpoint")}
    assert shown == {"api_version": limits.DEFAULT_API_VERSION, "timeout": limits.DEFAULT_TIMEOUT,
                     "max_retries": limits.DEFAULT_MAX_RETRIES, "max_concurrency": limits.DEFAULT_MAX_CONCURRENCY,
                     "ims_endpoint": limits.DEFAULT_IMS_TOKEN_URL}


def test_the_ims_auth_default_endpoint_is_the_same():
    from airflow_workfront.client.auth import ImsAuth

    assert ImsAuth("id", "secret", "org").token_url == limits.DEFAULT_IMS_TOKEN_URL


@pytest.mark.parametrize("good", [1, 500, 2000])
def test_page_sizes_workfront_accepts(good):
    assert check_page_size(good) == good


@pytest.mark.parametrize("bad", [0, -1, 2001, 2.5, "100", True, None])
def test_page_sizes_refused_name_where_they_came_from(bad):
    with pytest.raises(ValueError, match=rf"^sync_tasks: page_size must be a whole number from 1 to 2000, got {bad!r}$"):
        check_page_size(bad, "sync_tasks: page_size")


def test_counts():
    assert check_count(0, "max_retries", minimum=0) == 0
    with pytest.raises(ValueError, match="max_workers must be a whole number of at least 1, got 0"):
        check_count(0, "max_workers")


@pytest.mark.parametrize(("value", "positive", "message"), [
    (float("nan"), False, "must be a finite number of seconds, got nan"),
    ("5", False, "must be a finite number of seconds, got '5'"),
    (-1, False, "must be at least 0 seconds, got -1"),
    (0, True, "must be more than 0 seconds, got 0"),
])
def test_seconds_refused(value, positive, message):
    with pytest.raises(ValueError, match=message):
        check_seconds(value, "timeout", positive=positive)


def test_api_versions():
    assert check_api_version("v19.0") == "v19.0"
    with pytest.raises(ValueError, match="api_version must be a Workfront API version such as v21.0, got 'v21'"):
        check_api_version("v21")


def test_every_place_a_page_size_enters_refuses_it_in_the_same_words():
    """ClientConfig, a search's own page_size and a sync engine: one rule, one message."""
    from airflow_workfront.client.paging import PagePlan
    from airflow_workfront.sync.engine import SyncEngine

    expected = r"page_size must be a whole number from 1 to 2000, got 2001"
    for enter in (lambda: ClientConfig(host="h", auth=ApiKeyAuth("k"), page_size=2001),
                  lambda: PagePlan(2001),
                  lambda: SyncEngine(object(), "TASK", page_size=2001)):
        with pytest.raises(ValueError, match=expected):
            enter()
