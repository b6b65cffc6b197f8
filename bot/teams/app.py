"""The SDK's App as the bot needs it (this module imports the Teams SDK: bot/teams/bot.py loads it
without the SDK's import-time side effects).

    app = build_app(config, token_source, server_factory, shelf)

Every option is explicit, so that nothing comes from the environment: validation on (unless
teams.dangerously_allow_unauthenticated), Microsoft's endpoints from teams.endpoints, our token
source (never MSAL), our uvicorn server. It also serves `GET /files/{token}` (bot/teams/files.py).
"""

import contextlib
import os
from collections.abc import Callable, Iterator

from microsoft_teams.api.auth.cloud_environment import PUBLIC, with_overrides
from microsoft_teams.apps import App, FastAPIAdapter

from bot.config import TeamsConfig
from bot.teams.auth import TokenSource
from bot.teams.files import FileShelf, download

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


def build_app(
    config: TeamsConfig,
    token: TokenSource | None,
    server_factory: Callable,
    shelf: FileShelf,
) -> App:
    """The SDK's App, every option explicit: validation on (unless the dangerous flag), our
    endpoints, our token source, our server; plus `GET /files/{token}` for download links."""
    endpoints = config.endpoints
    cloud = with_overrides(
        PUBLIC,
        login_endpoint=endpoints.login,
        openid_metadata_url=endpoints.openid_metadata,
        token_issuer=endpoints.token_issuer,
    )
    adapter = FastAPIAdapter(server_factory=server_factory)
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
            dangerously_allow_unauthenticated_requests=config.dangerously_allow_unauthenticated,
        )

    @adapter.app.get("/files/{token}")
    async def files(token: str):
        return download(shelf, token)

    return app
