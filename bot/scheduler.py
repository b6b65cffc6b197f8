"""The bot speaking on its own: the weekly CODIR digest and the pilots' reminders, on time.

    scheduler = Scheduler(runtime, transports)  # runtime: bot/runtime.py
    await scheduler.run()                      # bot/run.py: at start, then every minute
    recorded = await scheduler.run_once(now)   # one pass at `now` (tests, `pst-bot schedule`)

What is due comes from the engine (commands/schedule.py: the cadence, the quiet times, the
texts); this module only keeps time and delivers. Nothing is sent twice, nothing is lost:

1. A pass asks what is due at `now` (UTC) and records each message in the database
   (storage/sends.py) before anything goes out; a message already recorded is not due again.
2. Then it delivers every recorded message not yet marked sent, and marks it. What a crash
   left recorded but unsent goes out at the next pass, once: on Matrix its transaction id is
   derived from the message's key, so the homeserver drops a copy that reached it just
   before the crash.

Where a message goes ("transports" are the couriers of bot/matrix/direct.py and
bot/teams/reach.py):
- "codir": the CODIR room of every transport (the digest stays an m.notice on Matrix: it is
  read, not answered; the reminders are the messages that notify).
- a person: the transport their chat id belongs to ("@luc:example.org" Matrix; "aad:…" or
  "luc@cpas.be" Teams), in a direct chat.

When it cannot go out:
- a transport still logging in: tried again in a few seconds;
- a failure that may heal (network, server error): left unsent, tried again next minute;
- nobody can reach that person (no transport for their kind of id, a Teams user who never
  wrote to the bot, a Matrix refusal for good): logged at INFO and marked sent. It is not
  retried forever; the next reminder the engine finds due is tried afresh.
"""

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Sequence
from contextlib import suppress
from datetime import date, datetime
from typing import Protocol

from bot.config import Settings, digest_time, working_hours
from bot.runtime import Runtime
from commands import campaigns, schedule
from commands.departures import UNREACHABLE, record_departure
from commands.schedule import Outgoing
from storage import sends
from storage.clock import now_utc
from storage.transactions import transaction

log = logging.getLogger(__name__)

#: How often the schedule is looked at.
EVERY_S = 60
#: How soon a pass is tried again while a transport is still logging in.
NOT_READY_S = 2
CODIR = "codir"


class Unreachable(Exception):
    """This transport cannot reach that person, now or later: the message is given up."""


class Transport(Protocol):
    """What the scheduler needs of a transport (bot/matrix/direct.py, bot/teams/reach.py)."""

    name: str

    def ready(self) -> bool:
        """Logged in and synced: it can send now."""

    def reaches(self, recipient: str) -> bool:
        """Whether `recipient` ("codir" or a chat id) is one of this transport's."""

    async def deliver(self, outgoing: Outgoing) -> None:
        """Send it; raises Unreachable (given up) or anything else (tried again)."""


def rhythm_of(settings: Settings) -> schedule.Rhythm:
    """The configured rhythm, as the engine's schedule reads it."""
    config = settings.rhythm
    return schedule.Rhythm.from_config(
        config,
        digest_time(config.digest),
        working_hours(config.working_hours),
        settings.organisation.installation,
    )


def outgoing_of(row: dict) -> Outgoing:
    """A recorded send (storage/sends.unsent) as the Outgoing it was recorded from."""
    names = {field.name for field in dataclasses.fields(Outgoing)}
    values = {name: value for name, value in row.items() if name in names}
    for name in ("mentions", "actions"):
        values[name] = tuple(values.get(name) or ())
    return Outgoing(**values)


def record_due(db, due, rhythm, directory, now: datetime) -> list[Outgoing]:
    """What is due at `now`, each recorded (one worker call); those newly recorded. `due`
    applies the links and roles changed in chat to the configuration's `directory`."""
    with transaction(db):  # a campaign closed: its situation kept, once
        campaigns.keep_closed(db, now, now.astimezone(rhythm.zone).date())
    return [outgoing for outgoing in due(db, rhythm, directory, now) if sends.record(db, outgoing)]


class Scheduler:
    def __init__(
        self,
        runtime: Runtime,
        transports: Sequence[Transport] = (),
        *,
        clock: Callable[[], datetime] = now_utc,
        due: Callable[..., list[Outgoing]] = schedule.due,
    ) -> None:
        self.runtime = runtime
        self.rhythm = rhythm_of(runtime.settings)
        self.transports = list(transports)
        self.clock = clock
        self.due = due
        #: (key, transport) of a CODIR message delivered by some transports but not all yet.
        self._delivered: set[tuple[str, str]] = set()
        #: Whether the last pass left something for a transport still logging in.
        self.waiting = False

    async def run(self) -> None:
        """A pass at start, then every EVERY_S, until `stopping`."""
        while not self.runtime.stopping.is_set():
            try:
                await self.run_once(self.clock())
            except Exception:  # the bot keeps serving; the next pass tries again
                log.exception("Envois programmés : passage en échec")
            pause = NOT_READY_S if self.waiting else EVERY_S
            with suppress(TimeoutError):
                await asyncio.wait_for(self.runtime.stopping.wait(), pause)

    async def run_once(self, now: datetime, *, deliver: bool = True) -> list[Outgoing]:
        """Record what is due at `now` (UTC), then (unless `deliver` is False) deliver every
        recorded message not sent yet. The messages recorded by this pass."""
        recorded = await self.runtime.worker.run(
            record_due,
            self.runtime.db,
            self.due,
            self.rhythm,
            self.runtime.engine.base_directory,
            now,
        )
        for outgoing in recorded:
            log.info("Envoi programmé %s pour %s", outgoing.key, outgoing.label)
        if deliver:
            await self.deliver_unsent(now)
        return recorded

    async def preview(self, now: datetime) -> list[Outgoing]:
        """What a pass at `now` would record and send; nothing is recorded."""
        return await self.runtime.worker.run(
            self.due, self.runtime.db, self.rhythm, self.runtime.engine.base_directory, now
        )

    async def deliver_unsent(self, now: datetime) -> None:
        """Every recorded, unsent message of the day, oldest first; each marked once delivered
        (or given up). One recorded ahead for a later day waits for it; one of an earlier day
        is no longer relevant (a digest goes out the
        same day or not at all; tomorrow's pass finds again what a reminder was about, if it
        still holds): marked, not sent."""
        self.waiting = False
        today = now.astimezone(self.rhythm.zone).date()
        for row in await self.runtime.worker.run(sends.unsent, self.runtime.db):
            if self.runtime.stopping.is_set():
                return  # what is left goes out at the next start
            outgoing = outgoing_of(row)
            day = _local_day(row.get("due_at"), self.rhythm) or today
            if day > today:
                continue  # recorded ahead by `pst-bot schedule --now`: goes out on its day
            if day < today:
                log.info("Envoi %s d'un jour passé : plus d'actualité, non envoyé", outgoing.key)
                await self.runtime.worker.run(sends.mark_sent, self.runtime.db, outgoing.key)
                continue
            if await self._deliver(outgoing):
                await self.runtime.worker.run(sends.mark_sent, self.runtime.db, outgoing.key)

    async def _deliver(self, outgoing: Outgoing) -> bool:
        """Whether it is done with (delivered, or given up)."""
        targets = [t for t in self.transports if t.reaches(outgoing.recipient)]
        if outgoing.recipient != CODIR:
            targets = targets[:1]
        if not targets:
            log.info(
                "Envoi %s : aucun canal configuré ne joint %s, abandonné",
                outgoing.key,
                outgoing.recipient,
            )
            return True
        done = True
        for transport in targets:
            if (outgoing.key, transport.name) in self._delivered:
                continue
            if not transport.ready():
                self.waiting, done = True, False
                continue
            try:
                await transport.deliver(outgoing)
            except Unreachable as reason:
                log.info(
                    "Envoi %s : %s injoignable (%s), abandonné",
                    outgoing.key,
                    outgoing.label,
                    reason,
                )
                if outgoing.kind == schedule.REMINDER:  # the DG is told, once; reminders stop
                    await self.runtime.worker.run(
                        record_departure,
                        self.runtime.db,
                        self.runtime.engine.base_directory,
                        outgoing.recipient,
                        UNREACHABLE,
                        self.clock(),
                    )
            except Exception as error:  # network, server: the next pass tries again
                log.warning(
                    "Envoi %s par %s en échec (%s) : nouvel essai dans une minute",
                    outgoing.key,
                    transport.name,
                    error,
                )
                done = False
                continue
            self._delivered.add((outgoing.key, transport.name))
        if done:
            self._delivered -= {(outgoing.key, t.name) for t in targets}
        return done


def _local_day(moment: str | None, rhythm) -> date | None:
    """The local date of a recorded send's moment (ISO, UTC), or None when unknown."""
    return datetime.fromisoformat(moment).astimezone(rhythm.zone).date() if moment else None
