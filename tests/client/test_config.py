"""ClientConfig: URLs, validation, and a repr without secrets."""

from __future__ import annotations

import pytest

from airflow_workfront.client import ApiKeyAuth, ClientConfig


def test_urls():
    cfg = ClientConfig(host="acme.my.workfront.com/", auth=ApiKeyAuth("k"))
    assert cfg.base_url == "https://acme.my.workfront.com"
    assert cfg.api_url == "https://acme.my.workfront.com/attask/api/v21.0"
    assert cfg.event_subscription_url == "https://acme.my.workfront.com/attask/eventsubscription/api/v1"
    local = ClientConfig(host="http://127.0.0.1:8765", auth=ApiKeyAuth("k"), api_version="v19.0")
    assert local.api_url == "http://127.0.0.1:8765/attask/api/v19.0"


@pytest.mark.parametrize("bad", [{"page_size": 0}, {"page_size": 2001}, {"max_concurrency": 0}, {"max_retries": -1}])
def test_validation(bad):
    with pytest.raises(ValueError):
        ClientConfig(host="h", auth=ApiKeyAuth("k"), **bad)


@pytest.mark.parametrize(("bad", "message"), [
    ({"timeout": float("nan")}, "timeout must be a finite number of seconds, got nan"),
    ({"timeout": float("inf")}, "timeout must be a finite number of seconds, got inf"),
    ({"timeout": 0}, "timeout must be more than 0 seconds"),
    ({"backoff_max": float("inf")}, "backoff_max must be a finite number"),
    ({"backoff_base": -1}, "backoff_base must be at least 0 seconds"),
    ({"api_version": "garbage"}, "api_version must be a Workfront API version such as v21.0, got 'garbage'"),
    ({"api_version": " v21.0 "}, "got ' v21.0 '"),
    ({"api_version": "v21.0#x"}, "got 'v21.0#x'"),
    ({"api_version": "../../x"}, "got '../../x'"),
])
def test_settings_that_would_fail_later_are_refused_now(bad, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        ClientConfig(host="h", auth=ApiKeyAuth("k"), **bad)


def test_defaults_match_the_contract():
    cfg = ClientConfig(host="h", auth=ApiKeyAuth("k"))
    assert (cfg.api_version, cfg.timeout, cfg.max_retries, cfg.backoff_base, cfg.backoff_max, cfg.max_concurrency,
            cfg.verify_ssl, cfg.page_size) == ("v21.0", 60.0, 5, 0.5, 30.0, 10, True, 2000)
    assert cfg.user_agent.startswith("airflow-provider-workfront/")


def test_repr_hides_the_secret():
    cfg = ClientConfig(host="h", auth=ApiKeyAuth("very-secret-key"))
    assert "very-secret-key" not in repr(cfg) and "very-secret-key" not in str(cfg)


def test_timeout_verify_and_user_agent_reach_the_transport():
    import requests
    from requests.adapters import BaseAdapter

    from airflow_workfront.client import WorkfrontClient

    seen: dict = {}

    class Capture(BaseAdapter):
        def send(self, request, **kwargs):
            seen.update(kwargs, user_agent=request.headers.get("User-Agent"))
            response = requests.Response()
            response.status_code, response._content, response.request = 200, b'{"data": {"count": 0}}', request
            return response

        def close(self) -> None:
            pass

    session = requests.Session()
    session.mount("https://", Capture())
    cfg = ClientConfig(host="h.example", auth=ApiKeyAuth("k"), timeout=7.5, verify_ssl=False, user_agent="ua/1")
    with WorkfrontClient(cfg, session=session) as wf:
        assert wf.count("TASK") == 0
    assert (seen["timeout"], seen["verify"], seen["user_agent"]) == (7.5, False, "ua/1")
