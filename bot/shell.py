"""The console transport: type commands as a pilot would, no server needed.

    printf '52 fait\n!action 52\n' | pst-bot shell --as LM

A rehearsal of the DG's cycle, in one script: `--now` sets the console's clock (local time, as
`pst-bot schedule --now`), and two lines the chat never sees drive it:

    :as LM                  the next lines are LM's (initials, or a chat id)
    :quitte LM              LM leaves every room of the bot (as on Matrix): the DG is told
    :date 2027-03-11 09:00  the clock moves there, and what the bot would send on its own at
                            that moment (reminders, campaign requests, notices, the digest) is
                            printed and kept as sent, as `pst-bot schedule` does without a
                            channel: never printed twice.
"""

import asyncio
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bot import console_texts as texts
from bot.config import Settings
from bot.runtime import Runtime
from bot.scheduler import Scheduler, outgoing_of, rhythm_of
from commands import departures
from commands.engine import Engine
from commands.types import Directory, Message, Reply
from storage import plans, sends
from storage.clock import now_utc
from storage.importing import import_plan, load_example

PROMPT = "pst> "
SHELL_ROOM = "console"


def seed_if_empty(db, out: TextIO) -> None:
    if not plans.all_plans(db):
        report = import_plan(db, load_example())
        print(texts.EXAMPLE_LOADED.format(summary=report.summary()), file=out)


def shell_directory(settings: Settings | None, sender: str, admin: bool) -> Directory:
    """The config's directory, or, without config, one where initials stand for themselves."""
    directory = settings.directory() if settings else Directory(initials_as_ids=True)
    if admin:
        directory.admins.add(sender)
    return directory


def resolve_sender(settings: Settings | None, who: str) -> str:
    """`--as SV` with a config acts as the person SV is linked to."""
    if settings:
        people = settings.pilot_links().get(who)
        if people:
            return sorted(people)[0]
    return who


def print_reply(reply: Reply, out_dir: Path, out: TextIO) -> None:
    print(reply.text, file=out)
    for post in reply.posts:
        print(texts.POSTED.format(room=post.room.upper(), text=post.text), file=out)
    for attachment in reply.attachments:
        path = out_dir / attachment.filename
        path.write_bytes(attachment.data)
        print(texts.FILE_SAVED.format(path=path), file=out)


@dataclass
class ConsoleClock:
    """The console's moment: the real one, or the one `--now` / `:date` set (UTC)."""

    moment: datetime | None = None

    def __call__(self) -> datetime:
        return self.moment or now_utc()


@dataclass
class Rehearsal:
    """What `:as` and `:date` need: the configuration (its pilots, its rhythm) and the clock
    the engine reads."""

    settings: Settings = field(default_factory=Settings)
    clock: ConsoleClock = field(default_factory=ConsoleClock)
    configured: bool = False

    def local(self, text: str) -> datetime | None:
        """« 2027-03-11 09:00 » (local time in the rhythm's zone) as UTC, or None."""
        try:
            local = datetime.strptime(" ".join(text.split()), "%Y-%m-%d %H:%M")
        except ValueError:
            return None
        return local.replace(tzinfo=rhythm_of(self.settings).zone).astimezone(UTC)

    def scheduled(self, engine: Engine, out: TextIO) -> None:
        """What the scheduler sends at the clock's moment (and what commands left for it to
        send: a decision told to its pilot), printed and kept as sent."""
        moment = self.clock()
        scheduler = Scheduler(Runtime(self.settings, engine.db, engine), clock=self.clock)
        asyncio.run(scheduler.run_once(moment, deliver=False))
        waiting = [
            outgoing_of(row)
            for row in sends.unsent(engine.db)
            if not row["due_at"] or datetime.fromisoformat(row["due_at"]) <= moment
        ]
        for outgoing in waiting:
            said = texts.SCHEDULE_MESSAGE.format(recipient=outgoing.label, text=outgoing.text)
            print(said, file=out)
            sends.mark_sent(engine.db, outgoing.key, moment)
        if not waiting:
            local = moment.astimezone(rhythm_of(self.settings).zone)
            print(texts.SCHEDULE_NOTHING.format(moment=local.strftime("%d/%m/%Y %H:%M")), file=out)


def _directive(
    line: str, engine: Engine, rehearsal: Rehearsal, sender: str, out: TextIO
) -> str:
    """A `:as` or `:date` line applied; the sender of the lines that follow."""
    word, _, rest = line[1:].partition(" ")
    rest = rest.strip()
    if word == "as" and rest:
        chosen = resolve_sender(rehearsal.settings if rehearsal.configured else None, rest)
        print(texts.SHELL_NOW_AS.format(sender=chosen), file=out)
        return chosen
    if word == "quitte" and rest:
        person = resolve_sender(rehearsal.settings if rehearsal.configured else None, rest)
        known = departures.record_departure(
            engine.db, engine.base_directory, person, departures.LEFT, rehearsal.clock()
        )
        said = texts.SHELL_LEFT if known else texts.SHELL_LEFT_NOTHING
        print(said.format(who=person), file=out)
        return sender
    if word == "date":
        moment = rehearsal.local(rest)
        if moment is None:
            print(texts.SCHEDULE_BAD_NOW.format(text=rest), file=out)
            return sender
        rehearsal.clock.moment = moment
        rehearsal.scheduled(engine, out)
        return sender
    print(texts.SHELL_UNKNOWN_DIRECTIVE.format(line=line[:40]), file=out)
    return sender


def run_shell(
    engine: Engine,
    sender: str,
    out_dir: Path,
    lines: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
    rehearsal: Rehearsal | None = None,
) -> int:
    """Read commands (one per line) and print replies; a prompt when `lines` is a terminal.
    With `rehearsal`, `:as` and `:date` lines drive the persona and the clock."""
    interactive = lines.isatty()
    if interactive:
        print(texts.CONNECTED.format(sender=sender), file=out)
    while True:
        if interactive:
            try:
                line = input(PROMPT)
            except EOFError:
                break
        else:
            line = lines.readline()
            if not line:
                break
        line = line.strip()
        if line.lower() in texts.QUIT_WORDS:
            break
        if not line:
            continue
        if rehearsal is not None and line.startswith(":"):
            sender = _directive(line, engine, rehearsal, sender, out)
            if not interactive:
                print(file=out)
            continue
        # The console is a direct chat with the bot: the "!" is optional.
        reply = engine.handle(Message(sender=sender, text=line, room=SHELL_ROOM, direct=True))
        if reply is None:
            print(texts.NOT_A_COMMAND, file=out)
            continue
        print_reply(reply, out_dir, out)
        if not interactive:
            print(file=out)
    return 0
