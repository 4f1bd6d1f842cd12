"""Token endpoints: Workfront's OAuth2 JWT exchange and refresh-token grant, and an Adobe IMS
client-credentials endpoint (point a connection's ``ims_token_url`` at it)."""

from __future__ import annotations

import base64
import json

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from airflow_workfront.emulator.auth import AuthState
from airflow_workfront.emulator.errors import ApiError
from airflow_workfront.emulator.responses import error_response, json_response


async def _form(request: Request) -> dict[str, str]:
    """Form or JSON body, plus client credentials from HTTP Basic auth."""
    if request.headers.get("content-type", "").startswith("application/json"):
        body = json.loads(await request.body() or b"{}")
        data = {k: str(v) for k, v in body.items()}
    else:
        data = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    header = request.headers.get("authorization", "")
    if header.lower().startswith("basic "):
        try:
            client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            client_id, secret = "", ""
        data.setdefault("client_id", client_id)
        data.setdefault("client_secret", secret)
    return data


def routes(auth: AuthState) -> list[Route]:
    """The token routes, bound to one tenant's credentials."""

    async def jwt_exchange(request: Request) -> Response:
        data = await _form(request)
        try:
            return json_response(auth.jwt_exchange(data.get("client_id"), data.get("client_secret"),
                                                            data.get("jwt_token")))
        except ApiError as err:
            return error_response(err)

    async def token(request: Request) -> Response:
        data = await _form(request)
        try:
            if data.get("grant_type") != "refresh_token":
                raise ApiError(400, "com.attask.common.IllegalArgumentException",
                               "unsupported_grant_type: the emulator implements grant_type=refresh_token")
            return json_response(auth.refresh(data.get("client_id"), data.get("client_secret"),
                                                       data.get("refresh_token")))
        except ApiError as err:
            return error_response(err)

    async def ims_token(request: Request) -> Response:
        data = await _form(request)
        try:
            return json_response(auth.ims_token(data.get("client_id"), data.get("client_secret"),
                                                         data.get("grant_type")))
        except ApiError as err:
            return error_response(err)

    return [
        Route("/integrations/oauth2/api/v1/jwt/exchange", jwt_exchange, methods=["POST"]),
        Route("/integrations/oauth2/api/v1/token", token, methods=["POST"]),
        Route("/ims/token/v3", ims_token, methods=["POST"]),
    ]
