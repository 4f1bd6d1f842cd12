"""Every code snippet in the docs and the README is checked, so the docs cannot rot.

Python blocks must compile; every ``AIRFLOW_CONN_...`` JSON example must parse and build a client
configuration through the same code the hook uses.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from airflow.sdk import Connection

from airflow_workfront.hooks.connection import config_from_connection

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted([*ROOT.joinpath("docs").glob("*.md"), ROOT / "README.md"])
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.S | re.M)
CONN_JSON = re.compile(r"AIRFLOW_CONN_[A-Z_]+='(\{.*?\})'", re.S)


def _blocks(language: str) -> list[tuple[str, str]]:
    found = []
    for page in PAGES:
        for lang, body in FENCE.findall(page.read_text()):
            if lang == language:
                found.append((page.name, body))
    return found


@pytest.mark.parametrize(("page", "code"), _blocks("python"), ids=lambda v: v if isinstance(v, str) and v.endswith(".md") else None)
def test_python_snippets_run(page, code, emulator_conn):
    """Each snippet runs: imports resolve, DAGs and operators accept the arguments shown."""
    ast.parse(code, filename=page)
    namespace: dict = {"__name__": "docs_snippet"}
    exec(compile(code, page, "exec"), namespace)
    for name, value in namespace.items():  # snippets that define tests: run them against the emulator
        if name.startswith("test_") and callable(value):
            value(emulator_conn)


def _connection_examples() -> list[tuple[str, str]]:
    examples = []
    for page in PAGES:
        for raw in CONN_JSON.findall(page.read_text()):
            examples.append((page.name, " ".join(raw.split())))
    return examples


def test_the_docs_show_every_auth_mode():
    modes = {json.loads(raw).get("extra", {}).get("auth_type", "api_key") for _, raw in _connection_examples()}
    assert modes == {"api_key", "session", "oauth2_jwt", "oauth2_refresh_token", "ims"}


@pytest.mark.parametrize(("page", "raw"), _connection_examples())
def test_connection_examples_build_a_client_config(page, raw):
    payload = json.loads(raw)
    extra = payload.pop("extra", {})
    if extra.get("auth_type") == "oauth2_jwt":
        # The docs elide the key body; any PEM text is accepted by the config (it is used at signing).
        assert extra["private_key"].startswith("-----BEGIN PRIVATE KEY-----")
    conn = Connection(conn_id="doc", extra=json.dumps(extra), **payload)
    config = config_from_connection(conn)
    assert config.api_url.endswith("/attask/api/" + extra.get("api_version", "v21.0"))
