"""One step of the sync loop: a /sync that a stop request interrupts, the gap a `limited`
timeline leaves, and the encryption keys' upkeep after each batch.

    response = await sync_once(client, stopping, since=token, full_state=False)
    await fill_gaps(client, response, since=token)     # before routing the batch
    await crypto_housekeeping(client)                  # after it

`client.sync_forever` does the last two itself; the bot runs its own loop because it keeps
its sync token in the database (see bot/matrix.py).
"""

import asyncio
import logging
from contextlib import suppress

from nio import AsyncClient, MessageDirection, RoomMessagesResponse, SyncResponse
from nio.exceptions import LocalProtocolError

from bot.matrix_send import SendFailed

log = logging.getLogger(__name__)

SYNC_TIMEOUT_MS = 30_000
#: Events per room in one sync; a longer gap (the bot was down) is fetched with /messages.
TIMELINE_LIMIT = 100
SYNC_FILTER = {"room": {"timeline": {"limit": TIMELINE_LIMIT}}}
#: The very first start skips the rooms' history.
FIRST_SYNC_FILTER = {"room": {"timeline": {"limit": 1}}}


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
    syncing = asyncio.ensure_future(
        client.sync(timeout=timeout, since=since, full_state=full_state, sync_filter=sync_filter)
    )
    stop = asyncio.ensure_future(stopping.wait())
    done, _ = await asyncio.wait({syncing, stop}, return_when=asyncio.FIRST_COMPLETED)
    stop.cancel()
    if syncing in done:
        return syncing.result()  # a batch that arrived is handled even when stopping
    syncing.cancel()
    with suppress(asyncio.CancelledError):
        await syncing
    return None


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
                raise SendFailed(f"historique de {room_id} non lu : {page}")
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
