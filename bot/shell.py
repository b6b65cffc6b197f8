"""The console transport: type commands as a pilot would, no server needed.

printf '!update 52 fait\n!action 52\n' | pst-bot shell --as LM
"""

import sys
from pathlib import Path
from typing import TextIO

from bot.config import Settings
from commands.access import Directory
from commands.engine import Engine, Message, Reply
from storage import store
from storage.importing import load_example

PROMPT = "pst> "
SHELL_ROOM = "console"


def seed_if_empty(db, out: TextIO) -> None:
    if store.action_range(db) is None:
        report = store.import_plan(db, load_example())
        print(f"PST d'exemple chargé (CPAS de Frameries 2019-2024) : {report.summary()}", file=out)


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
        print(f"  → salon {post.room.upper()} : {post.text}", file=out)
    for attachment in reply.attachments:
        path = out_dir / attachment.filename
        path.write_bytes(attachment.data)
        print(f"  📎 fichier enregistré : {path}", file=out)


def run_shell(
    engine: Engine, sender: str, out_dir: Path, lines: TextIO = sys.stdin, out: TextIO = sys.stdout
) -> int:
    """Read commands (one per line) and print replies; a prompt when `lines` is a terminal."""
    interactive = lines.isatty()
    if interactive:
        print(f"Connecté(e) en tant que {sender}. Tapez !aide, ou « quitter ».", file=out)
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
        if line.lower() in {"quit", "quitter", "exit"}:
            break
        if not line:
            continue
        reply = engine.handle(Message(sender=sender, text=line, room=SHELL_ROOM))
        if reply is None:
            print("(les commandes commencent par « ! » : tapez !aide)", file=out)
            continue
        print_reply(reply, out_dir, out)
        if not interactive:
            print(file=out)
    return 0
