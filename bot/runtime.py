"""What every part of the running bot shares: one configuration, one database and the one
worker thread that uses it, one engine, one stop event.

    runtime = Runtime(settings, open_db(settings.storage.database), engine)
    MatrixBot(runtime, client); TeamsBot(runtime); Scheduler(runtime, couriers)   # bot/run.py

`pst-bot run` makes one for the process (bot/run.py); `pst-bot schedule` one for a pass. Each
transport, the scheduler and the upkeep read it instead of taking the same five arguments.
"""

import asyncio
from dataclasses import dataclass, field

import sqlite_utils

from bot.config import Settings
from bot.delivery import DatabaseWorker
from commands.engine import Engine


@dataclass
class Runtime:
    settings: Settings
    db: sqlite_utils.Database
    engine: Engine
    #: Every call on `db` goes through it, one at a time, off the event loop.
    worker: DatabaseWorker = field(default_factory=DatabaseWorker)
    #: Set by SIGTERM/SIGINT, or when a transport cannot go on: everyone finishes and stops.
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
