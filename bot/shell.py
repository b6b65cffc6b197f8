"""The console transport: type commands as a pilot would, no server needed.

printf '52 fait\n!action 52\n' | pst-bot shell --as LM
"""

import sys
from pathlib import Path
from typing import TextIO

from bot import console_texts as texts
from bot.config import Settings
from commands.engine import Engine
from commands.types import Directory, Message, Reply
from storage import plans
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


def run_shell(
    engine: Engine, sender: str, out_dir: Path, lines: TextIO = sys.stdin, out: TextIO = sys.stdout
) -> int:
    """Read commands (one per line) and print replies; a prompt when `lines` is a terminal."""
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
        # The console is a direct chat with the bot: the "!" is optional.
        reply = engine.handle(Message(sender=sender, text=line, room=SHELL_ROOM, direct=True))
        if reply is None:
            print(texts.NOT_A_COMMAND, file=out)
            continue
        print_reply(reply, out_dir, out)
        if not interactive:
            print(file=out)
    return 0
