"""Provider metadata: integrations, modules and the declarative ``workfront`` connection form.

Airflow 3.2+ builds the connection form from ``conn-fields`` and ``ui-field-behaviour`` without
importing the hook, so every field the hook reads from ``Connection.extra`` is declared here.
Secret fields carry ``format: password`` and names Airflow's masker recognises.
"""

from __future__ import annotations

from airflow_workfront import __version__

# Cheap to import: the client package loads its HTTP modules only when they are asked for.
from airflow_workfront.client.limits import (
    DEFAULT_API_VERSION,
    DEFAULT_IMS_TOKEN_URL,
    DEFAULT_MAX_CONCURRENCY,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    WORKFRONT_CONCURRENCY,
)

AUTH_TYPES = ["api_key", "session", "oauth2_jwt", "oauth2_refresh_token", "ims"]


def _field(label: str, description: str, **schema) -> dict:
    schema.setdefault("type", ["string", "null"])
    return {"label": label, "description": description, "schema": schema}


CONN_FIELDS = {
    "auth_type": _field(
        "Auth type",
        "How to authenticate: api_key (default), session (username/password login), oauth2_jwt "
        "(Workfront OAuth2 server-to-server JWT), oauth2_refresh_token, or ims (Adobe IMS client credentials).",
        enum=AUTH_TYPES,
        default="api_key",
    ),
    "api_version": _field(
        "API version",
        f"Workfront API version to pin, e.g. {DEFAULT_API_VERSION}. Unversioned URLs move with every release.",
        default=DEFAULT_API_VERSION,
    ),
    "api_key": _field(
        "API key",
        "Workfront API key (auth_type=api_key). May also be given as the connection password.",
        format="password",
    ),
    "client_id": _field("Client ID", "OAuth2 or Adobe IMS client ID (oauth2_jwt, oauth2_refresh_token, ims)."),
    "client_secret": _field(
        "Client secret", "OAuth2 or Adobe IMS client secret (oauth2_jwt, oauth2_refresh_token, ims).", format="password"
    ),
    "private_key": _field(
        "Private key",
        "PEM RSA private key whose public key is registered on the Workfront OAuth2 app (oauth2_jwt). "
        "Paste the whole PEM: this one-line field turns its line breaks into spaces, which the hook undoes.",
        format="password",
    ),
    "customer_id": _field("Customer ID", "Workfront Customer ID from the OAuth2 app details; the JWT 'iss' (oauth2_jwt)."),
    "user_id": _field("User ID", "Workfront user ID that registered the public key; the JWT 'sub' (oauth2_jwt)."),
    "refresh_token": _field("Refresh token", "OAuth2 refresh token (oauth2_refresh_token).", format="password"),
    "ims_org_id": _field("IMS org ID", "Adobe IMS organisation ID, sent as x-gw-ims-org-id (ims)."),
    # Not "ims_token_url": Airflow masks every field whose name contains "token".
    "ims_endpoint": _field(
        "IMS token endpoint",
        "Adobe IMS token endpoint URL (ims). The older extra name ims_token_url is still read.",
        default=DEFAULT_IMS_TOKEN_URL,
    ),
    "ims_scopes": _field("IMS scopes", "Comma-separated scopes shown on the Adobe credential page (ims)."),
    "timeout": _field("Timeout (s)", "Seconds to wait for one HTTP response.", type=["number", "null"],
                      default=DEFAULT_TIMEOUT),
    "max_retries": _field(
        "Max retries", "Retries on 429, 5xx and connection errors.", type=["integer", "null"],
        default=DEFAULT_MAX_RETRIES,
    ),
    "max_concurrency": _field(
        "Max concurrency",
        "Requests in flight at once from one worker process; "
        f"Workfront allows about {WORKFRONT_CONCURRENCY} per customer.",
        type=["integer", "null"],
        default=DEFAULT_MAX_CONCURRENCY,
    ),
    "verify_ssl": _field(
        "Verify TLS", "Verify TLS certificates. Turn off only for a local test server.", type=["boolean", "null"], default=True
    ),
}

CONNECTION_TYPE = {
    "hook-class-name": "airflow_workfront.hooks.workfront.WorkfrontHook",
    "hook-name": "Adobe Workfront",
    "connection-type": "workfront",
    "ui-field-behaviour": {
        "hidden-fields": ["schema", "extra"],
        "relabeling": {
            "host": "Workfront URL",
            "login": "Username (session auth)",
            "password": "API key or password",
        },
        "placeholders": {
            "host": "https://acme.my.workfront.com",
            "login": "only for auth_type=session",
            "password": "API key (api_key) or password (session)",
            # Airflow 3.3.2's Test button rejects a connection without a port (apache/airflow#73298).
            "port": "443 for Workfront cloud; the emulator's port locally",
            "api_version": DEFAULT_API_VERSION,
            "auth_type": "api_key",
        },
    },
    "conn-fields": CONN_FIELDS,
}

_MODULES = {
    "hooks": ["airflow_workfront.hooks.workfront"],
    "operators": ["airflow_workfront.operators"],
    "sensors": ["airflow_workfront.sensors"],
    "triggers": ["airflow_workfront.triggers"],
}

PROVIDER_INFO: dict = {
    "package-name": "airflow-provider-workfront",
    "name": "Adobe Workfront",
    "description": "Hook, operators, sensors, triggers and an incremental sync for Adobe Workfront, with a local emulator.",
    "versions": [__version__],
    "integrations": [
        {
            "integration-name": "Adobe Workfront",
            "external-doc-url": "https://developer.adobe.com/workfront-apis/",
            "tags": ["service"],
        }
    ],
    **{
        kind: [{"integration-name": "Adobe Workfront", "python-modules": modules}]
        for kind, modules in _MODULES.items()
    },
    "connection-types": [CONNECTION_TYPE],
    # The event receiver on the API server (also an airflow.plugins entry point; see plugins/plugin.py).
    "plugins": [{"name": "workfront_events", "plugin-class": "airflow_workfront.plugins.plugin.WorkfrontEventsPlugin"}],
    "extra-links": ["airflow_workfront.operators.links.WorkfrontObjectLink"],
    # Declared so that `airflow config list` shows the section and its defaults; the receiver
    # reads the same defaults (plugins/receivers.py) when the provider's config is not loaded.
    "config": {
        "workfront_events": {
            "description": "The event receiver on the API server: which /workfront/events/{name} "
            "URLs answer, and the limits that apply to every delivery (docs/event-receiver.md).",
            "options": {
                "receivers": {
                    "description": "JSON object of receiver name -> {\"conn_id\": ..., \"asset\": ...}. "
                    "conn_id names the connection whose password is the subscription's authToken "
                    "(default workfront_events_<name>); asset is the asset its deliveries update. "
                    "Only receivers listed here answer; empty: none.",
                    "version_added": "0.1.0",
                    "type": "string",
                    "example": '{"projects": {"asset": "workfront_projects"}}',
                    # Not "{}": Airflow runs str.format() on defaults. Empty means no receiver.
                    "default": "",
                },
                "max_body_bytes": {
                    "description": "Largest delivery accepted, in bytes (Workfront sends at most 1 MB).",
                    "version_added": "0.1.0",
                    "type": "integer",
                    "example": None,
                    "default": "1048576",
                },
                "dedup_hours": {
                    "description": "How long a delivery is remembered, so that Workfront's retries "
                    "(about 48 hours) do not emit an asset event twice.",
                    "version_added": "0.1.0",
                    "type": "float",
                    "example": None,
                    "default": "72",
                },
            },
        }
    },
}
