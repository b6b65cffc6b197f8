"""The Microsoft Teams transport: serve Teams' activities, forward the CODIR posts other
transports owe the Teams CODIR channel, stop cleanly.

    bot = TeamsBot(runtime)    # bot/runtime.py: settings, database, worker, engine, stop
    code = await bot.run()     # 0 after `stopping` is set, 1 when it cannot serve

It listens on teams.host:teams.port (127.0.0.1:3978 by default, behind the reverse proxy):
  POST /api/messages   Teams' activities, through the gate of bot/teams/trust.py first: at most
                       1 MiB (413), a JWT signed by the Bot Connector for this app and this
                       serviceUrl (bot/teams/signatures.py; 401), a serviceUrl of Microsoft's
                       or of the configuration (403). Nothing else: no /docs, no /openapi.json.
  GET  /files/{token}  exports sent in channels as signed, short-lived links (bot/teams/files.py).
teams.dangerously_allow_unauthenticated (the Agents Playground) is refused beside a secret or
off loopback: the transport does not start (`unauthenticated_refusal`, bot/teams/trust.py).

Layout, one concern per module of bot/teams/: this one starts, serves and stops; `app` builds
the SDK's App behind the gate; `trust` the gate, `signatures` the Bot Connector's tokens;
`turns` holds the SDK handlers (what a message, a card's button, a file consent does;
exactly-once is explained there); `members` who wrote, installations and the members removed
from a team or added to one (a pilot leaving, or back); `auth` the tenant filter, identities and
the bot's own token; `files` the files on their way; `cards` the cards (reminders with a button
per action, requests with « Valider » / « Refuser », proposals, file consent); `reach` the
scheduler's sends; `manifest` the app package; `texts` what users read.

The SDK (microsoft-teams-apps) is imported only here, when Teams is configured: it takes
seconds to load, and at import it reads any `.env` file above the working directory
(`load_dotenv`), which we turn off. Every option is passed explicitly. Outgoing HTTPS (the
SDK's httpx client, the keys' fetch) trusts SSL_CERT_FILE when set: set it before `run()`.
uvicorn's own signal handling and its `sys.exit` on a taken port are turned off
(`QuietServer`): the stop event is the only way to stop, and a taken port returns 1.
"""

import asyncio
import contextlib
import importlib
import logging
import warnings
from contextlib import suppress
from types import ModuleType

import dotenv
import uvicorn

from bot.delivery import forward_outbox
from bot.runtime import Runtime
from bot.teams.auth import TokenSource, describe
from bot.teams.files import FileShelf
from bot.teams.signatures import BotConnectorTokens, SigningKeys, keys_url
from bot.teams.trust import Gate, unauthenticated_refusal

log = logging.getLogger(__name__)

#: Loggers that print every request (httpx: every URL), whole activities with their text (the
#: SDK at DEBUG) or each rejected request: WARNING, whatever `pst-bot -v` says.
QUIET = (
    "microsoft_teams",
    "microsoft_teams.common.http.client",  # the SDK copies its level onto "httpx" per client
    "httpx",
    "httpcore",
    "msal",
    "uvicorn",
    "uvicorn.error",
    "uvicorn.access",
)


class QuietServer(uvicorn.Server):
    """uvicorn without its signal handlers (they would take SIGTERM from the other transports)
    and without its `sys.exit(3)` when the port is taken (it would end the whole process)."""

    @contextlib.contextmanager
    def capture_signals(self):
        yield

    async def serve(self, sockets=None) -> None:
        try:
            await super().serve(sockets)
        except SystemExit as exit_:
            raise RuntimeError(f"serveur HTTP non démarré (uvicorn, code {exit_.code})") from None


def quiet_libraries() -> None:
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)


def _load_sdk() -> tuple[ModuleType, ModuleType]:
    """bot.teams.app and bot.teams.turns, which import the SDK, without the SDK's
    `load_dotenv()` at import time nor its ExperimentalWarning."""
    original = dotenv.load_dotenv
    dotenv.load_dotenv = lambda *args, **kwargs: False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            app = importlib.import_module("bot.teams.app")
            return app, importlib.import_module("bot.teams.turns")
    finally:
        dotenv.load_dotenv = original


class TeamsBot:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.config = runtime.settings.teams
        self.server: QuietServer | None = None
        #: The SDK handlers, while serving: the scheduler sends through them (bot/teams/reach.py).
        self.turns = None
        #: Set when this transport stops (on `stopping`, or when its server died alone).
        self._halted = asyncio.Event()

    def _server_factory(self, fastapi_app) -> QuietServer:
        config = uvicorn.Config(
            app=fastapi_app,
            host=self.config.host,
            port=self.config.port,
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=10,
        )
        self.server = QuietServer(config)
        return self.server

    async def run(self) -> int:
        """Serve until `stopping` is set: 0 then, 1 when the server cannot start or dies."""
        config = self.config
        quiet_libraries()
        refusal = unauthenticated_refusal(config)
        if refusal is not None:
            log.error("Bot Teams non démarré : %s", refusal)
            return 1
        keys = tokens = None
        if config.dangerously_allow_unauthenticated:
            log.warning(
                "ATTENTION : teams.dangerously_allow_unauthenticated est activé. Le bot Teams "
                "accepte les requêtes de n'importe qui, sans aucune authentification. Réservé à "
                "l'Agents Playground sur un poste de développeur, jamais en production."
            )
        else:
            keys = SigningKeys(keys_url(config.endpoints.openid_metadata))
            tokens = BotConnectorTokens(
                keys, app_id=config.app_id, issuer=config.endpoints.token_issuer
            )
        token = None
        if config.app_secret:
            token = TokenSource(
                config.endpoints.login, config.app_id, config.tenant_id, config.app_secret
            )
        try:
            return await self._prepare_and_serve(token, Gate(config, tokens))
        finally:
            for client in (token, keys):
                if client is not None:
                    await client.aclose()

    async def _prepare_and_serve(self, token: TokenSource | None, gate: Gate) -> int:
        try:
            teams_app, teams_turns = _load_sdk()
            shelf = FileShelf(self.config.file_link_minutes)
            app = teams_app.build_app(self.config, token, self._server_factory, shelf, gate)
            turns = teams_turns.Turns(app, self.runtime, shelf, gate.urls)
        except Exception:  # a broken install or an SDK that changed: this transport only
            log.exception("Bot Teams : impossible de préparer le SDK Teams")
            return 1
        try:
            return await self._serve(app, turns)
        finally:
            await turns.aclose()

    async def _serve(self, app, turns) -> int:
        address = f"{self.config.host}:{self.config.port}"
        try:
            await app.initialize()
        except Exception:
            log.exception("Bot Teams : initialisation du SDK Teams en échec")
            return 1
        serving = asyncio.create_task(app.start(self.config.port))
        while not self.server.started:
            if serving.done():
                error = serving.exception() if not serving.cancelled() else "annulé"
                log.error("Bot Teams : impossible d'écouter sur %s (%s)", address, error)
                return 1
            if self.runtime.stopping.is_set():
                break
            await asyncio.sleep(0.05)
        else:
            log.info("Bot Teams à l'écoute sur %s (POST /api/messages)", address)
            self.turns = turns
        forwarding = asyncio.create_task(self._forward_outbox(turns))
        stopped = asyncio.create_task(self.runtime.stopping.wait())
        await asyncio.wait({serving, stopped}, return_when=asyncio.FIRST_COMPLETED)
        code = 0
        if serving.done():
            error = serving.exception() if not serving.cancelled() else "annulé"
            log.error("Bot Teams : le serveur HTTP s'est arrêté (%s)", error)
            code = 1
        self._halted.set()  # the outbox loop ends; the other transports go on
        self.turns = None
        stopped.cancel()
        with suppress(Exception):
            await app.stop()
        try:
            await asyncio.wait_for(serving, 15)
        except Exception as error:  # already logged above when it died on its own
            if code == 0:
                log.warning("Bot Teams : arrêt du serveur HTTP incomplet (%r)", error)
        await forwarding
        if code == 0:
            log.info("Bot Teams arrêté proprement")
        return code

    async def _forward_outbox(self, turns) -> None:
        """The posts other transports' commands owe the Teams CODIR channel, oldest first,
        until this transport stops (bot/delivery.py). Also the bot's own posts that failed
        after their reply went out (bot/teams/turns.py queues them)."""

        async def post(row: dict) -> None:
            await turns.post_codir(row["text"])  # False (no CODIR channel): dropped

        await forward_outbox(
            self.runtime.worker, self.runtime.db, "teams", post, self._halted, describe=describe
        )
