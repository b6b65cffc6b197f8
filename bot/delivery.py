"""What every transport does the same way: the database's work off the event loop, answering one
message, and forwarding the posts other transports queued for it.

    worker = DatabaseWorker()
    reply = await worker.run(engine.handle, message)   # in a thread, after the call before it
    await answer(worker, engine, message, send_reply, send_posts)        # one chat message
    await forward_outbox(worker, db, "teams", send_row, stop)           # until `stop` is set

The engine, the bookkeeping and the nightly upkeep are plain blocking functions on one shared
SQLite connection. Each runs in a worker thread (`asyncio.to_thread`), so that syncing and
sending go on while a report is being built, and under one `asyncio.Lock`, so that the
connection is only ever used by one thread at a time.

Answering is the same in every chat: the engine's reply (a fault it did not answer itself
becomes the French « réessayez » reply, for which nothing was recorded), sent; then, unless it
was only that « réessayez », the command's CODIR posts; then the command marked delivered.
How a reply or a post goes out, and what a failure to send means, is each transport's own.
"""

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from contextlib import suppress
from typing import Any

from commands import texts
from commands.engine import Engine
from commands.types import Message, Reply
from storage import outbox

log = logging.getLogger(__name__)

#: How often the posts other transports' commands owe a transport are looked for.
OUTBOX_EVERY_S = 2


class DatabaseWorker:
    def __init__(self) -> None:
        self._lock = asyncio.Lock()

    async def run(self, function: Callable[..., Any], *args: Any) -> Any:
        """`function(*args)` in a worker thread, once every earlier call has returned."""
        async with self._lock:
            return await asyncio.to_thread(function, *args)


async def reply_to(worker: DatabaseWorker, engine: Engine, message: Message) -> Reply | None:
    """The engine's reply to `message`, computed in the worker thread; a fault the engine did
    not answer itself (it answers the database's) becomes a "try again" reply that nothing was
    recorded for: no transport dies of one command."""
    try:
        return await worker.run(engine.handle, message)
    except sqlite3.OperationalError as fault:
        log.warning("Base indisponible pour %s : %s", message.event_id, fault)
        text = texts.RETRY_LATER
    except Exception:
        log.exception("Commande %s de %s : erreur interne", message.event_id, message.sender)
        text = texts.INTERNAL_ERROR
    return Reply(text=text, refused=True, transient=True, event_id=message.event_id)


async def answer(
    worker: DatabaseWorker,
    engine: Engine,
    message: Message,
    send_reply: Callable[[Reply], Awaitable[bool]],
    send_posts: Callable[[Reply], Awaitable[bool]],
) -> Reply | None:
    """Answer one chat message; the reply sent, or None (delivered already, or not sent).

    `send_reply(reply)` sends it (a « réessayez » too): False when the transport gave it up
    (nothing is marked delivered); what it raises goes to the caller. Unless the reply is only
    a « réessayez », `send_posts(reply)` then sends the command's CODIR posts: True when they
    are done with, and the command is marked delivered here; False when the transport marks it
    itself once they are out (`mark_delivered`)."""
    reply = await reply_to(worker, engine, message)
    if reply is None:
        return None
    try:
        sent = await send_reply(reply)
    finally:  # the log line once the reply is on its way: it is not what the pilot waits for
        log.info(
            "%s %s dans %s : %s",
            "Refusé à" if reply.refused else "Répondu à",
            message.sender,
            message.room,
            (message.text.split(None, 1) or [""])[0][:30],
        )
    if not sent:
        return None
    if reply.transient:
        return reply  # nothing was recorded: the command may be sent again
    if await send_posts(reply):
        await mark_delivered(worker, engine, message.event_id)
    return reply


async def mark_delivered(worker: DatabaseWorker, engine: Engine, event_id: str | None) -> None:
    """Note that the reply and posts of `event_id` went out. The message's id, not the reply's:
    what matters is which message was answered."""
    try:
        await worker.run(engine.delivered, event_id)
    except sqlite3.OperationalError as fault:
        # Sent but not noted: a replay sends the stored reply again (on Matrix under the same
        # transaction id, which the homeserver ignores).
        log.warning(
            "Réponse à %s envoyée, remise non notée (base indisponible : %s)", event_id, fault
        )


async def forward_outbox(
    worker: DatabaseWorker,
    db,
    transport: str,
    send: Callable[[dict], Awaitable[Any]],
    stop: asyncio.Event,
    *,
    ready: Callable[[], bool] = lambda: True,
    describe: Callable[[BaseException], str] = str,
    every: float = OUTBOX_EVERY_S,
) -> None:
    """Until `stop` is set, every `every` seconds once `ready()`: the posts queued for
    `transport` (storage/outbox.py), oldest first, each sent by `send(row)` then marked sent.
    One that fails stops the pass (order is kept) and is tried again at the next; an outage is
    logged once, not every pass."""
    failing = False
    while not stop.is_set():
        if ready():
            try:
                await forward_pending(worker, db, transport, send, stop)
                if failing:
                    log.info("Annonces CODIR %s : envoi rétabli", transport.capitalize())
                failing = False
            except Exception as error:
                if not failing:
                    log.warning(
                        "Annonces CODIR %s non envoyées (%s) : nouvel essai",
                        transport.capitalize(),
                        describe(error),
                    )
                failing = True
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)


async def forward_pending(
    worker: DatabaseWorker, db, transport: str, send: Callable[[dict], Awaitable[Any]], stop
) -> None:
    """One pass of `forward_outbox`: raises what `send` raised."""
    try:
        rows = await worker.run(outbox.pending, db, transport)
    except sqlite3.OperationalError:
        return  # the database is busy: next time
    for row in rows:
        if stop.is_set():
            return
        await send(row)
        await worker.run(outbox.sent, db, row["id"])
