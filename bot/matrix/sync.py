"""One step of the sync loop: a /sync that a stop request interrupts, the gap a `limited`
timeline leaves, and the encryption keys' upkeep after each batch.

    response = await sync_once(client, stopping, since=token, full_state=False)
    who = await until_stopped(client.whoami(), stopping)   # None if a stop came first
    await fill_gaps(client, response, since=token)     # before routing the batch
    await crypto_housekeeping(client)                  # after it
    quiet = is_quiet(response, client.user_id)          # nothing in it to answer?
    positions.add(response.next_batch, router.take_posts(), quiet)
    token = positions.to_store()    # once all is delivered; after quiet batches, now and then

`client.sync_forever` does the last two itself; the bot runs its own loop because it keeps
its sync token in the database (see bot/matrix.py).
"""

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable
from contextlib import suppress
from typing import TypeVar

from nio import AsyncClient, MessageDirection, RoomMessagesResponse, SyncResponse
from nio.exceptions import LocalProtocolError

from bot.matrix.send import SendFailed, describe

log = logging.getLogger(__name__)

T = TypeVar("T")

SYNC_TIMEOUT_MS = 30_000
#: Events per room in one sync; a longer gap (the bot was down) is fetched with /messages.
TIMELINE_LIMIT = 100
SYNC_FILTER = {"room": {"timeline": {"limit": TIMELINE_LIMIT}}}
#: The very first start skips the rooms' history.
FIRST_SYNC_FILTER = {"room": {"timeline": {"limit": 1}}}
#: How long the position after quiet batches (nothing to answer in them) may go unstored.
QUIET_STORE_EVERY_S = 60


async def until_stopped(awaitable: Awaitable[T], stopping: asyncio.Event) -> T | None:
    """The result of `awaitable`, or None if `stopping` is set first (it is then cancelled).
    nio retries network errors forever: this is what lets a stop request end such a wait."""
    work = asyncio.ensure_future(awaitable)
    stop = asyncio.ensure_future(stopping.wait())
    try:
        await asyncio.wait({work, stop}, return_when=asyncio.FIRST_COMPLETED)
    finally:  # also when this task itself is cancelled (a second signal)
        stop.cancel()
        finished = work.done()
        if not finished:
            work.cancel()
    if finished:
        return work.result()  # what arrived is used even when stopping
    with suppress(asyncio.CancelledError):
        await work
    return None


async def sync_once(
    client: AsyncClient,
    stopping: asyncio.Event,
    since: str | None,
    full_state: bool,
    timeout: int = SYNC_TIMEOUT_MS,
    sync_filter: dict = SYNC_FILTER,
):
    """One /sync (a SyncResponse or an error), or None if `stopping` was set while waiting."""
    log.debug("Sync depuis %s (full_state=%s)", since, full_state)
    syncing = client.sync(
        timeout=timeout, since=since, full_state=full_state, sync_filter=sync_filter
    )
    return await until_stopped(syncing, stopping)


async def fill_gaps(client: AsyncClient, response: SyncResponse, since: str) -> None:
    """A room with more new events than TIMELINE_LIMIT comes `limited`: fetch the rest back
    to our token and put it in front of the timeline, so that no command is skipped. Raises
    SendFailed if the server does not answer (the batch is then synced again)."""
    for room_id, info in response.rooms.join.items():
        if not info.timeline.limited or not info.timeline.prev_batch:
            continue
        missing, start = [], info.timeline.prev_batch
        log.debug("Trou dans %s : de %s à %s", room_id, start, since)
        while True:
            page = await client.room_messages(
                room_id, start=start, end=since, direction=MessageDirection.back, limit=100
            )
            if not isinstance(page, RoomMessagesResponse):
                raise SendFailed(f"historique de {room_id} non lu : {describe(page)}")
            missing.extend(page.chunk)
            if not page.chunk or not page.end or page.end == start:
                break
            start = page.end
        missing.reverse()
        info.timeline.events[:0] = missing
        if missing:
            log.info("%d événements manqués récupérés dans %s", len(missing), room_id)


async def crypto_housekeeping(client: AsyncClient) -> None:
    """What sync_forever does after each sync: upload, query and claim keys, send the
    to-device messages (room keys for the rooms the bot writes in)."""
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


def is_quiet(response: SyncResponse, own_user_id: str) -> bool:
    """Whether syncing this batch again could answer nothing: no invite, and no timeline event
    but the bot's own (its replies and posts coming back, receipts, a time-out's empty batch)."""
    if response.rooms.invite:
        return False
    return all(
        getattr(event, "sender", None) == own_user_id
        for info in response.rooms.join.values()
        for event in info.timeline.events
    )


class Positions:
    """The sync positions of answered batches whose CODIR posts are still being sent, oldest
    first. A position may be stored once its batch, and every batch before it, is delivered:
    a restart, or a post that failed, syncs again from the stored one.

        positions = Positions(stored=token)
        positions.add(response.next_batch, router.take_posts(), quiet=False)
        newest = positions.to_store()      # a position to store, or None
        positions.stored_as(newest)        # once written
        if positions.failed: token = await positions.rewind(router.take_posts())

    A position is worth a write once a batch up to it had something to answer. After quiet
    batches only (`is_quiet`: the bot's own replies coming back, a time-out), syncing them again
    would answer nothing: their position waits for the next batch that does, for
    QUIET_STORE_EVERY_S, or for the stop (`force`). So a command costs one write of the token,
    not two (its batch, then the batch that brings its reply back).
    """

    def __init__(self, stored: str) -> None:
        self.stored = stored
        #: The error that stopped a post of the oldest pending batch, if one did.
        self.failed: BaseException | None = None
        self._pending: deque[tuple[str, list[asyncio.Task], bool]] = deque()
        self._delivered: str | None = None  # the newest delivered position, if not stored
        self._loud = False  # whether a batch up to it had something to answer
        self._stored_at = time.monotonic()

    def add(self, token: str, posts: list[asyncio.Task], quiet: bool = False) -> None:
        self._pending.append((token, posts, quiet))

    def to_store(self, force: bool = False) -> str | None:
        """The newest position whose batch and every batch before it are delivered, when it is
        worth a write now (see the class); None otherwise. Sets `failed` when a post of the
        next batch could not be sent."""
        while self._pending and all(task.done() for task in self._pending[0][1]):
            token, posts, quiet = self._pending[0]
            self.failed = next((t.exception() for t in posts if t.exception()), None)
            if self.failed is not None:
                break
            self._pending.popleft()
            self._delivered, self._loud = token, self._loud or not quiet
        if self._delivered is None:
            return None
        due = time.monotonic() - self._stored_at >= QUIET_STORE_EVERY_S
        return self._delivered if force or self._loud or due else None

    def stored_as(self, token: str) -> None:
        """`token` (from `to_store`) is written."""
        self.stored = token
        if token == self._delivered:
            self._delivered, self._loud = None, False
        self._stored_at = time.monotonic()

    async def drain(self, more: list[asyncio.Task]) -> None:
        """Wait for every post in hand (`more`: those of a batch not added)."""
        tasks = [task for _, posts, _ in self._pending for task in posts]
        await asyncio.gather(*tasks, *more, return_exceptions=True)

    async def rewind(self, more: list[asyncio.Task]) -> str:
        """After a failure: once every post in hand has ended, forget the pending batches; the
        stored position, to sync again from."""
        await self.drain(more)
        self._pending.clear()
        self._delivered, self._loud = None, False
        self.failed = None
        return self.stored
