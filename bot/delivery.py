"""The database's work off the event loop, one call at a time.

    worker = DatabaseWorker()
    reply = await worker.run(engine.handle, message)   # in a thread, after the call before it

The engine, the bookkeeping and the nightly upkeep are plain blocking functions on one shared
SQLite connection. Each runs in a worker thread (`asyncio.to_thread`), so that syncing and
sending go on while a report is being built, and under one `asyncio.Lock`, so that the
connection is only ever used by one thread at a time.
"""

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from typing import Any

from commands import texts
from commands.engine import Engine
from commands.types import Message, Reply

log = logging.getLogger(__name__)


class DatabaseWorker:
    def __init__(self) -> None:
        self._lock = asyncio.Lock()

    async def run(self, function: Callable[..., Any], *args: Any) -> Any:
        """`function(*args)` in a worker thread, once every earlier call has returned."""
        async with self._lock:
            return await asyncio.to_thread(function, *args)

    async def handle(self, engine: Engine, message: Message) -> Reply | None:
        """The engine's reply to `message`, computed in the worker thread; a fault the engine
        did not answer itself (it answers the database's) becomes a "try again" reply that
        nothing was recorded for: no transport dies of one command."""
        try:
            return await self.run(engine.handle, message)
        except sqlite3.OperationalError as fault:
            log.warning("Base indisponible pour %s : %s", message.event_id, fault)
            text = texts.RETRY_LATER
        except Exception:
            log.exception("Commande %s de %s : erreur interne", message.event_id, message.sender)
            text = texts.INTERNAL_ERROR
        return Reply(text=text, refused=True, transient=True, event_id=message.event_id)
