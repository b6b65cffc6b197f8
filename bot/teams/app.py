"""The SDK's App as the bot needs it (this module imports the Teams SDK: bot/teams/bot.py loads it
without the SDK's import-time side effects).

    app = build_app(config, token_source, server_factory, shelf, gate)

Every option is explicit, so that nothing comes from the environment: Microsoft's endpoints from
teams.endpoints, our token source (never MSAL), our uvicorn server, our HTTP adapter. The
adapter (`GuardedAdapter`) puts the gate of bot/teams/trust.py in front of /api/messages: the
body's size, the Bot Connector's signature, the serviceUrl's allow-list are checked there, before
the SDK reads the activity; the SDK's own check is off (`dangerously_allow_unauthenticated_requests`
below: the gate has done it, better). FastAPI's /docs, /redoc and /openapi.json are off. It also
serves `GET /files/{token}` (bot/teams/files.py).
"""

import contextlib
import os
from collections.abc import Callable, Iterator

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from microsoft_teams.api.auth.cloud_environment import PUBLIC, with_overrides
from microsoft_teams.apps import App, FastAPIAdapter
from microsoft_teams.apps.http.adapter import HttpRequest
from starlette.requests import ClientDisconnect

from bot.config import TeamsConfig
from bot.teams.auth import TokenSource
from bot.teams.files import FileShelf, download
from bot.teams.trust import Gate, Refused, read_body

#: What the SDK would read from the environment to choose its credentials: hidden while the App
#: is built, so that a stray CLIENT_SECRET cannot switch it to MSAL behind our token source.
_CREDENTIAL_VARIABLES = ("CLIENT_ID", "CLIENT_SECRET", "TENANT_ID", "MANAGED_IDENTITY_CLIENT_ID")


@contextlib.contextmanager
def _without_variables(names: tuple[str, ...]) -> Iterator[None]:
    saved = {name: os.environ.pop(name) for name in names if name in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


class GuardedAdapter(FastAPIAdapter):
    """The SDK's FastAPI adapter, every route it registers (only /api/messages) behind `gate`,
    and no API documentation served."""

    def __init__(self, gate: Gate, server_factory: Callable) -> None:
        fastapi = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
        super().__init__(app=fastapi, server_factory=server_factory)
        self.gate = gate

    def register_route(self, method, path: str, handler) -> None:
        if method != "POST":
            raise ValueError(f"méthode HTTP non prise en charge : {method}")
        gate = self.gate

        async def guarded(request: Request) -> Response:
            headers = request.headers
            try:
                body = await read_body(headers.get("content-length"), request.stream())
                activity = await gate.admit(body, headers.get("authorization"))
            except Refused as refused:
                return JSONResponse({"error": refused.reason}, status_code=refused.status)
            except ClientDisconnect:
                return Response(status_code=400)
            result = await handler(HttpRequest(body=activity, headers=dict(headers)))
            if result.get("body") is not None:
                return JSONResponse(content=result["body"], status_code=result["status"])
            return Response(status_code=result["status"])

        self.app.post(path)(guarded)


def build_app(
    config: TeamsConfig,
    token: TokenSource | None,
    server_factory: Callable,
    shelf: FileShelf,
    gate: Gate,
) -> App:
    """The SDK's App, every option explicit: our endpoints, our token source, our server behind
    `gate`; plus `GET /files/{token}` for download links."""
    endpoints = config.endpoints
    cloud = with_overrides(
        PUBLIC,
        login_endpoint=endpoints.login,
        openid_metadata_url=endpoints.openid_metadata,
        token_issuer=endpoints.token_issuer,
    )
    adapter = GuardedAdapter(gate, server_factory)
    with _without_variables(_CREDENTIAL_VARIABLES):
        app = App(
            # Without a token source (no secret, playground only) no client id either: the
            # SDK would otherwise try a managed identity.
            client_id=config.app_id if token is not None else None,
            tenant_id=config.tenant_id,
            token=token,
            cloud=cloud,
            service_url=config.service_url,
            http_server_adapter=adapter,
            # The gate authenticated the request (or the Playground's flag, refused beside a
            # secret and off loopback, said not to): the SDK's check would only do it worse.
            dangerously_allow_unauthenticated_requests=True,
            fetch_user_token=False,
        )

    @adapter.app.get("/files/{token}")
    async def files(token: str):
        return download(shelf, token)

    return app
