"""The Matrix transport: log in, sync, answer each batch, then keep the sync token ourselves.

    MatrixBot(runtime, client).run()   # started by bot/run.py (runtime: bot/runtime.py)

Never lose, never replay. The sync token lives in our database (`kv`), written only once
every command of the batch has been answered (after batches with nothing to answer, such as
the bot's own replies coming back, only now and then and at the stop: syncing those again
answers nothing; bot/matrix/sync.py, Positions); the engine records each command's event id in
the transaction that applies it. After a crash the bot syncs again from the last stored token:
commands already applied are not applied again (the engine returns their stored reply if it
was never sent, or nothing), and commands sent while the bot was down are answered. On the
very first start the rooms' history is skipped.

Faults: while the homeserver is unreachable every request is retried (nio, capped back-off),
and a batch that could not be answered completely is synced again; a stop request (SIGTERM)
ends any such wait, the login's included. The database's work (commands, bookkeeping) runs in
the process's worker thread (bot/run.py), one call at a time. Posts that commands made in
another transport owe the CODIR room come from the database's outbox.

Layout (nio-template style), one concern per module of bot/matrix/: this one runs the loop
and keeps the token; `login` makes the client and logs in (resuming the saved session), with the
encryption store's key from `store`; `sync` does one sync, fetches gaps and keeps the encryption
keys up; `rooms` decides which rooms are served (invites, allow-list); `events` filters events
(`quotes`: what a message quotes is left out) and routes commands to the engine through the
shared worker (bot/delivery.py); `send` sends;
`direct` the scheduler's sends; `texts` holds what users read.
"""

import asyncio
import logging
import sqlite3
from contextlib import suppress

import aiohttp
from nio import AsyncClient, RoomResolveAliasResponse, SyncResponse

from bot.delivery import forward_outbox
from bot.matrix.events import Router
from bot.matrix.login import forget_session, log_in
from bot.matrix.rooms import RoomPolicy
from bot.matrix.send import Sender, SendFailed, describe
from bot.matrix.sync import (
    FIRST_SYNC_FILTER,
    Positions,
    crypto_housekeeping,
    fill_gaps,
    is_quiet,
    sync_once,
    until_stopped,
)
from bot.runtime import Runtime
from commands.types import Post
from storage import bookkeeping

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 60
#: Loggers that print whole requests or responses (a login's response holds the access token;
#: the encryption store's SQL, its pickled keys): never at DEBUG, even with `pst-bot -v`.
NEVER_DEBUG = ("nio", "nio.responses", "nio.client", "nio.http", "peewee")


def sync_token_key(user_id: str) -> str:
    return f"matrix.sync_token:{user_id}"


class MatrixBot:
    """The Matrix transport, one of the transports `pst-bot run` starts (bot/run.py) on one
    loop, sharing its database (through one worker), engine and stop event (`runtime`)."""

    def __init__(self, runtime: Runtime, client: AsyncClient) -> None:
        self.runtime = runtime
        self.client = client
        self.router: Router | None = None
        #: Set once the rooms are known (a first sync done): the scheduler may send then.
        self.synced = asyncio.Event()

    async def run(self) -> int:
        """Serve until a stop request; the exit code. The posts other transports' commands owe
        the CODIR room go out alongside, once logged in."""
        forward = asyncio.create_task(self._forward_outbox())
        try:
            return await self._serve()
        finally:
            forward.cancel()
            with suppress(asyncio.CancelledError):
                await forward

    async def _forward_outbox(self) -> None:
        """Posts queued by commands that came by another transport, to the CODIR room, in
        order; each under a transaction id of its own, so a resend is not posted twice. Alone
        on its database, no other transport queues any: nothing to look for."""
        if set(self.runtime.engine.transports) <= {"matrix"}:
            return
        await forward_outbox(
            self.runtime.worker,
            self.runtime.db,
            "matrix",
            self._send_queued,
            self.runtime.stopping,
            ready=lambda: self.router is not None,
        )

    async def _send_queued(self, row: dict) -> None:
        post = Post(room=row["room"], text=row["text"], html=row["html"] or "")
        await self.router.sender.post(post, tx_id=f"outbox-{row['id']}")

    async def _serve(self) -> int:
        # Logging in, like every request, is retried while the server is unreachable: a stop
        # request must end that wait too.
        started = await until_stopped(self._start(), self.runtime.stopping)
        if started is None:
            log.info("Arrêt demandé avant la fin de la connexion au serveur")
            return 0
        codir, key, token, first = started
        if not first:  # a first start has just synced the rooms' state
            self.synced.set()
        positions = Positions(stored=token)
        backoff, checked_codir = 1, False
        while not self.runtime.stopping.is_set():
            try:
                await self._settle(key, positions)
                response = await sync_once(
                    self.client, self.runtime.stopping, token, full_state=first
                )
                if response is None:
                    break
                if not isinstance(response, SyncResponse):
                    if response.status_code == "M_UNKNOWN_TOKEN":
                        # Logged out while running: the next start logs in with the password.
                        log.error("Le serveur ne reconnaît plus la session du bot : %s", response)
                        forget_session(self.runtime.settings.matrix)
                        await positions.drain(self.router.take_posts())
                        return 1
                    raise SendFailed(f"synchronisation refusée : {describe(response)}")
                if not checked_codir:
                    # After a first start too: rooms joined on invite appear in this batch.
                    self._check_codir(codir)
                    checked_codir = True
                log.debug("Lot %s : %d salons", response.next_batch, len(response.rooms.join))
                await fill_gaps(self.client, response, token)
                await self.router.handle_batch(response)
                self.synced.set()
                await crypto_housekeeping(self.client)
            except (SendFailed, aiohttp.ClientError, TimeoutError) as error:
                # Back to the last position where everything was delivered: what came after
                # comes again, and nothing is applied twice.
                token = await positions.rewind(self.router.take_posts())
                self.router.restart_posts()
                log.warning("%s ; nouvel essai dans %d s", error, backoff)
                await self._sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_S)
                continue
            quiet = is_quiet(response, self.client.user_id)
            positions.add(response.next_batch, self.router.take_posts(), quiet)
            token, first, backoff = response.next_batch, False, 1
        await positions.drain(self.router.take_posts())  # the CODIR posts in hand go out
        try:
            await self._settle(key, positions, force=True)
        except (SendFailed, aiohttp.ClientError, TimeoutError) as error:
            log.warning("Annonces non envoyées (%s) : reprises au prochain démarrage", error)
        log.info("Arrêt propre : dernier lot traité enregistré")
        return 0

    async def _settle(self, key: str, positions: Positions, force: bool = False) -> None:
        """Store the newest position where everything is delivered (after quiet batches only
        now and then, or when `force`d: see Positions); raise what stopped a CODIR post of a
        later batch (the caller rewinds)."""
        newest = positions.to_store(force)
        if newest is not None and await self._save_token(key, newest):
            positions.stored_as(newest)
        if positions.failed is not None:
            raise positions.failed

    async def _start(self) -> tuple[str | None, str, str, bool] | None:
        """Log in, then the CODIR room, the router and the sync position: (codir room, token
        key, token, full state?); None if stopped during a first start."""
        config = self.runtime.settings.matrix
        await log_in(self.client, config)
        await self._set_display_name(config.display_name)
        codir = await self._codir_room_id()
        access = self.runtime.settings.access
        rooms = RoomPolicy(self.client, access.allowed_inviters, access.allowed_rooms, codir)
        self.router = Router(self.client, self.runtime, Sender(self.client, codir), rooms)
        key = sync_token_key(self.client.user_id)
        token = await self._read_token(key)
        if token is not None:
            log.info("Reprise depuis le dernier lot traité")
            return codir, key, token, True  # full state rebuilds the rooms nio forgot
        token = await self._first_start(key)
        return None if token is None else (codir, key, token, False)

    async def _first_start(self, key: str) -> str | None:
        """Skip the rooms' history: one quick sync, invites answered, timelines ignored."""
        while True:
            response = await sync_once(
                self.client,
                self.runtime.stopping,
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
            await self.router.rooms.on_invite(room_id, info)
        await self.router.rooms.keep_served(response)
        await self._save_token(key, response.next_batch)
        log.info("Premier démarrage : %d salons, historique ignoré", len(self.client.rooms))
        return response.next_batch

    async def _read_token(self, key: str) -> str | None:
        while True:
            try:
                return await self.runtime.worker.run(bookkeeping.get_value, self.runtime.db, key)
            except sqlite3.OperationalError as fault:
                log.warning("Base indisponible (%s) : nouvel essai dans 5 s", fault)
                await self._sleep(5)

    async def _save_token(self, key: str, token: str) -> bool:
        try:
            await self.runtime.worker.run(bookkeeping.set_value, self.runtime.db, key, token)
        except sqlite3.OperationalError as fault:
            # The batch is answered; in memory the bot moves on, and stores the next position.
            log.warning(
                "Position de synchronisation non enregistrée (base indisponible : %s)", fault
            )
            return False
        return True

    async def _codir_room_id(self) -> str | None:
        name = self.runtime.settings.rooms.codir
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
                self.runtime.settings.rooms.codir,
            )

    async def _set_display_name(self, name: str) -> None:
        current = await self.client.get_displayname()
        if getattr(current, "displayname", None) != name:
            await self.client.set_displayname(name)

    async def _sleep(self, seconds: float) -> None:
        with suppress(TimeoutError):
            await asyncio.wait_for(self.runtime.stopping.wait(), seconds)


def quiet_libraries() -> None:
    """nio logs every event at INFO and whole responses at DEBUG, the crypto store its SQL at
    DEBUG: WARNING for them, INFO with `pst-bot -v`, never DEBUG."""
    verbose = logging.getLogger().isEnabledFor(logging.DEBUG)
    for name in NEVER_DEBUG:
        logging.getLogger(name).setLevel(logging.INFO if verbose else logging.WARNING)
