"""The Matrix transport: log in, sync, answer each batch, then keep the sync token ourselves.

    pst-bot run --config config.toml      # asyncio.run(run_bot(settings))

Never lose, never replay. The sync token lives in our database (`kv`), written only once
every command of the batch has been answered; the engine records each command's event id in
the transaction that applies it. After a crash the bot syncs again from the last stored token:
commands already applied are not applied again (the engine returns their stored reply if it
was never sent, or nothing), and commands sent while the bot was down are answered. On the
very first start the rooms' history is skipped.

Layout (nio-template style): this module runs the sync loop; `matrix_login` makes the client
and logs in (resuming the saved session); `matrix_events` filters events and routes commands
to the engine; `matrix_send` sends.
"""

import asyncio
import logging
import signal
from contextlib import suppress

import aiohttp
from nio import (
    AsyncClient,
    MessageDirection,
    RoomMessagesResponse,
    RoomResolveAliasResponse,
    SyncResponse,
)
from nio.exceptions import LocalProtocolError

from bot.config import Settings
from bot.matrix_events import Router
from bot.matrix_login import LoginFailed, forget_session, log_in, make_client
from bot.matrix_send import Sender, SendFailed
from commands.engine import Engine
from storage import store
from storage.db import open_db

log = logging.getLogger(__name__)

SYNC_TIMEOUT_MS = 30_000
#: Events per room in one sync; a longer gap (the bot was down) is fetched with /messages.
TIMELINE_LIMIT = 100
SYNC_FILTER = {"room": {"timeline": {"limit": TIMELINE_LIMIT}}}
FIRST_SYNC_FILTER = {"room": {"timeline": {"limit": 1}}}
MAX_BACKOFF_S = 60


def build_engine(settings: Settings, db) -> Engine:
    """The one place the transport builds its engine (the directory comes from the config;
    the engine adds the links and roles stored in chat)."""
    return Engine(db, settings.directory(), organisation=settings.organisation_info())


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
        token = store.get_value(self.db, key)
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
                response = await self._sync(token, full_state=first)
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
                await self._fill_gaps(response, token)
                await self.router.handle_batch(response)
            except (SendFailed, aiohttp.ClientError, TimeoutError) as error:
                # The token is unchanged: the same batch comes again, nothing is lost.
                log.warning("%s ; nouvel essai dans %d s", error, backoff)
                await self._sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_S)
                continue
            await self._crypto_housekeeping()
            store.set_value(self.db, key, response.next_batch)
            token, first, backoff = response.next_batch, False, 1
        log.info("Arrêt propre : dernier lot traité enregistré")
        return 0

    async def _first_start(self, key: str) -> str | None:
        """Skip the rooms' history: one quick sync, invites answered, timelines ignored."""
        while True:
            response = await self._sync(
                None, full_state=True, timeout=0, sync_filter=FIRST_SYNC_FILTER
            )
            if response is None:
                return None
            if isinstance(response, SyncResponse):
                break
            log.warning("Première synchronisation refusée : %s", response)
            await self._sleep(5)
        for room_id, info in response.rooms.invite.items():
            await self.router.on_invite(room_id, info)
        store.set_value(self.db, key, response.next_batch)
        log.info("Premier démarrage : %d salons, historique ignoré", len(self.client.rooms))
        return response.next_batch

    async def _sync(self, since, full_state, timeout=SYNC_TIMEOUT_MS, sync_filter=SYNC_FILTER):
        """One /sync, or None if a stop was requested while waiting for it."""
        log.debug("Sync depuis %s (full_state=%s)", since, full_state)
        syncing = asyncio.ensure_future(
            self.client.sync(
                timeout=timeout, since=since, full_state=full_state, sync_filter=sync_filter
            )
        )
        stop = asyncio.ensure_future(self.stopping.wait())
        done, _ = await asyncio.wait({syncing, stop}, return_when=asyncio.FIRST_COMPLETED)
        stop.cancel()
        if syncing in done:
            return syncing.result()  # a batch that arrived is handled even when stopping
        syncing.cancel()
        with suppress(asyncio.CancelledError):
            await syncing
        return None

    async def _fill_gaps(self, response: SyncResponse, since: str) -> None:
        """A room with more new events than TIMELINE_LIMIT comes `limited`: fetch the rest back
        to our token, so that no command is skipped."""
        for room_id, info in response.rooms.join.items():
            if not info.timeline.limited or not info.timeline.prev_batch:
                continue
            missing, start = [], info.timeline.prev_batch
            log.debug("Trou dans %s : de %s à %s", room_id, start, since)
            while True:
                page = await self.client.room_messages(
                    room_id, start=start, end=since, direction=MessageDirection.back, limit=100
                )
                if not isinstance(page, RoomMessagesResponse):
                    raise SendFailed(f"historique de {room_id} non lu : {page}")
                missing.extend(page.chunk)
                if not page.chunk or not page.end or page.end == start:
                    break
                start = page.end
            missing.reverse()
            info.timeline.events[:0] = missing
            if missing:
                log.info("%d événements manqués récupérés dans %s", len(missing), room_id)

    async def _crypto_housekeeping(self) -> None:
        """What sync_forever does after each sync, for our own loop."""
        client = self.client
        if client.olm is None:
            return
        try:
            if client.should_upload_keys:
                await client.keys_upload()
            if client.should_query_keys:
                await client.keys_query()
            if client.should_claim_keys:
                await client.keys_claim(client.get_users_for_key_claiming())
            await client.send_to_device_messages()
        except LocalProtocolError as error:
            log.debug("Clés : %s", error)

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
