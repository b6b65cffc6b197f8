"""The Matrix transport: log in, sync, answer each batch, then keep the sync token ourselves.

    pst-bot run --config config.toml      # asyncio.run(run_bot(settings))

Never lose, never replay. The sync token lives in our database (`kv`), written only once
every command of the batch has been answered; the engine records each command's event id in
the transaction that applies it. After a crash the bot syncs again from the last stored token:
commands already applied are not applied again (the engine returns their stored reply if it
was never sent, or nothing), and commands sent while the bot was down are answered. On the
very first start the rooms' history is skipped.

Layout (nio-template style), one concern per module: this one runs the loop and keeps the
token; `matrix_login` makes the client and logs in (resuming the saved session); `matrix_sync`
does one sync, fetches gaps and keeps the encryption keys up; `matrix_events` filters events
and routes commands to the engine; `matrix_send` sends; `matrix_texts` holds what users read.
"""

import asyncio
import logging
import signal
from contextlib import suppress

import aiohttp
from nio import AsyncClient, RoomResolveAliasResponse, SyncResponse

from bot.config import Settings
from bot.matrix_events import Router
from bot.matrix_login import LoginFailed, forget_session, log_in, make_client
from bot.matrix_send import Sender, SendFailed
from bot.matrix_sync import FIRST_SYNC_FILTER, crypto_housekeeping, fill_gaps, sync_once
from commands.catalogue import build_registry
from commands.engine import Engine
from storage import bookkeeping
from storage.db import open_db

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 60


def build_engine(settings: Settings, db) -> Engine:
    """The one place the transport builds its engine (the directory comes from the config;
    the engine adds the links and roles stored in chat)."""
    return Engine(
        db,
        settings.directory(),
        build_registry(),
        organisation=settings.organisation,
        room_plans=settings.rooms.plans,
    )


def sync_token_key(user_id: str) -> str:
    return f"matrix.sync_token:{user_id}"


class MatrixBot:
    def __init__(self, settings: Settings, client: AsyncClient, db, engine: Engine) -> None:
        self.settings = settings
        self.client = client
        self.db = db
        self.engine = engine
        self.stopping = asyncio.Event()
        self.router: Router | None = None
        self._task: asyncio.Task | None = None

    def request_stop(self, signum: int) -> None:
        if self.stopping.is_set() and self._task is not None:
            log.warning("Second signal : arrêt immédiat (le lot en cours sera repris)")
            self._task.cancel()
            return
        log.info("Signal %s reçu : fin du lot en cours, puis arrêt", signal.Signals(signum).name)
        self.stopping.set()

    async def run(self) -> int:
        self._task = asyncio.current_task()
        config = self.settings.matrix
        await log_in(self.client, config)
        await self._set_display_name(config.display_name)
        codir = await self._codir_room_id()
        sender = Sender(self.client, codir)
        self.router = Router(
            self.client, self.engine, sender, self.settings.access.allowed_inviters
        )
        key = sync_token_key(self.client.user_id)
        token = bookkeeping.get_value(self.db, key)
        if token is None:
            token = await self._first_start(key)
            if token is None:
                return 0
            first = False
        else:
            first = True  # full state rebuilds the rooms nio forgot when we stopped
            log.info("Reprise depuis le dernier lot traité")
        backoff, checked_codir = 1, False
        while not self.stopping.is_set():
            try:
                response = await sync_once(self.client, self.stopping, token, full_state=first)
                if response is None:
                    break
                if not isinstance(response, SyncResponse):
                    if response.status_code == "M_UNKNOWN_TOKEN":
                        # Logged out while running: the next start logs in with the password.
                        log.error("Le serveur ne reconnaît plus la session du bot : %s", response)
                        forget_session(config)
                        return 1
                    raise SendFailed(f"synchronisation refusée : {response}")
                if not checked_codir:
                    # After a first start too: rooms joined on invite appear in this batch.
                    self._check_codir(codir)
                    checked_codir = True
                log.debug("Lot %s : %d salons", response.next_batch, len(response.rooms.join))
                await fill_gaps(self.client, response, token)
                await self.router.handle_batch(response)
            except (SendFailed, aiohttp.ClientError, TimeoutError) as error:
                # The token is unchanged: the same batch comes again, nothing is lost.
                log.warning("%s ; nouvel essai dans %d s", error, backoff)
                await self._sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_S)
                continue
            await crypto_housekeeping(self.client)
            bookkeeping.set_value(self.db, key, response.next_batch)
            token, first, backoff = response.next_batch, False, 1
        log.info("Arrêt propre : dernier lot traité enregistré")
        return 0

    async def _first_start(self, key: str) -> str | None:
        """Skip the rooms' history: one quick sync, invites answered, timelines ignored."""
        while True:
            response = await sync_once(
                self.client,
                self.stopping,
                None,
                full_state=True,
                timeout=0,
                sync_filter=FIRST_SYNC_FILTER,
            )
            if response is None:
                return None
            if isinstance(response, SyncResponse):
                break
            log.warning("Première synchronisation refusée : %s", response)
            await self._sleep(5)
        for room_id, info in response.rooms.invite.items():
            await self.router.on_invite(room_id, info)
        bookkeeping.set_value(self.db, key, response.next_batch)
        log.info("Premier démarrage : %d salons, historique ignoré", len(self.client.rooms))
        return response.next_batch

    async def _codir_room_id(self) -> str | None:
        name = self.settings.rooms.codir
        if not name:
            log.warning("Aucun salon CODIR configuré (rooms.codir) : pas d'annonces de statut")
            return None
        if not name.startswith("#"):
            return name
        resolved = await self.client.room_resolve_alias(name)
        if isinstance(resolved, RoomResolveAliasResponse):
            log.info("Salon CODIR %s = %s", name, resolved.room_id)
            return resolved.room_id
        log.error("Alias du salon CODIR %s introuvable (%s) : pas d'annonces", name, resolved)
        return None

    def _check_codir(self, codir: str | None) -> None:
        if codir and codir not in self.client.rooms:
            log.warning(
                "Le bot n'est pas membre du salon CODIR %s : les changements de statut n'y "
                "seront pas publiés. Invitez-le depuis un compte de access.allowed_inviters.",
                self.settings.rooms.codir,
            )

    async def _set_display_name(self, name: str) -> None:
        current = await self.client.get_displayname()
        if getattr(current, "displayname", None) != name:
            await self.client.set_displayname(name)

    async def _sleep(self, seconds: float) -> None:
        with suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), seconds)


def quiet_libraries() -> None:
    """nio logs every event at INFO, and the crypto store's SQL at DEBUG."""
    logging.getLogger("peewee").setLevel(logging.INFO)
    if not logging.getLogger().isEnabledFor(logging.DEBUG):
        logging.getLogger("nio").setLevel(logging.WARNING)


async def run_bot(settings: Settings) -> int:
    """Run until SIGTERM/SIGINT; the exit code for `pst-bot run`."""
    quiet_libraries()
    db = open_db(settings.storage.database)
    client = make_client(settings.matrix)
    bot = MatrixBot(settings, client, db, build_engine(settings, db))
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, bot.request_stop, signum)
    try:
        return await bot.run()
    except LoginFailed as error:
        log.error("%s", error)
        return 1
    except asyncio.CancelledError:
        return 1
    finally:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(signum)
        await client.close()
        db.close()
