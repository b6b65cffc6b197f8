"""The database's work off the event loop, one call at a time.

    worker = DatabaseWorker()
    reply = await worker.run(engine.handle, message)   # in a thread, after the call before it

The engine, the bookkeeping and the nightly upkeep are plain blocking functions on one shared
SQLite connection. Each runs in a worker thread (`asyncio.to_thread`), so that syncing and
sending go on while a report is being built, and under one `asyncio.Lock`, so that the
connection is only ever used by one thread at a time.
"""

import asyncio
from collections.abc import Callable
from typing import Any


class DatabaseWorker:
    def __init__(self) -> None:
        self._lock = asyncio.Lock()

    async def run(self, function: Callable[..., Any], *args: Any) -> Any:
        """`function(*args)` in a worker thread, once every earlier call has returned."""
        async with self._lock:
            return await asyncio.to_thread(function, *args)
