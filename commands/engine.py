"""The transport-neutral command engine: a message in, a reply (and posts for other rooms) out.

    engine = Engine(db, Directory(admins={"@dg:x"}))
    reply = engine.handle(Message(sender="@dg:x", text="!action 29", event_id="$abc"))
    ...send reply.text / reply.html / reply.attachments, then reply.posts to their rooms...
    engine.delivered("$abc")

Exactly once: a command's effect and its event id are committed in one transaction. Handling
the same event again never re-applies it: it returns the stored reply if it was not delivered
yet (the bot died before sending it), and None once it was.
"""

import base64
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime

import sqlite_utils

from commands import texts
from commands.access import Directory, Identity, effective_directory
from commands.errors import NotAllowed, UnknownCommand, UserError
from commands.registry import REGISTRY, Command, Registry
from storage import store
from storage.db import transaction

log = logging.getLogger(__name__)

#: Longest message the engine reads; anything longer is refused before parsing.
MAX_MESSAGE = 20_000

CODIR_ROOM = "codir"


@dataclass(frozen=True)
class Message:
    sender: str
    text: str
    room: str = ""
    event_id: str | None = None


@dataclass
class Attachment:
    filename: str
    data: bytes
    mimetype: str


@dataclass
class Post:
    """A message for another room, named by role ("codir"); the transport knows its address."""

    room: str
    text: str
    html: str


@dataclass
class Reply:
    text: str
    html: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    event_id: str | None = None
    refused: bool = False

    def __post_init__(self) -> None:
        if not self.html:
            from commands.formatting import lines_to_html

            self.html = lines_to_html(self.text.splitlines())

    def to_dict(self) -> dict:
        data = asdict(self)
        for item in data["attachments"]:
            item["data"] = base64.b64encode(item["data"]).decode()
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Reply":
        attachments = [
            Attachment(a["filename"], base64.b64decode(a["data"]), a["mimetype"])
            for a in data.get("attachments", [])
        ]
        posts = [Post(**p) for p in data.get("posts", [])]
        return cls(
            text=data["text"],
            html=data["html"],
            attachments=attachments,
            posts=posts,
            event_id=data.get("event_id"),
            refused=data.get("refused", False),
        )


@dataclass(frozen=True)
class Organisation:
    """The administration the PST belongs to, for reports and the eComptes export."""

    name: str = "CPAS"
    admin_type: str = "CPAS"  # AC (commune) or CPAS
    ins: str = "00000"
    exercise: int | None = None  # budget year of the eComptes export; default: this year


@dataclass
class Context:
    """What a command handler sees."""

    db: sqlite_utils.Database
    user: Identity
    directory: Directory
    message: Message
    now: datetime
    organisation: Organisation = field(default_factory=Organisation)

    @property
    def today(self) -> date:
        return self.now.date()


def _storable(text: str | None) -> str:
    return (text or "").encode("utf-8", "replace").decode("utf-8")


class Engine:
    def __init__(
        self,
        db: sqlite_utils.Database,
        directory: Directory,
        *,
        registry: Registry = REGISTRY,
        clock: Callable[[], datetime] = store.now_utc,
        organisation: Organisation | None = None,
    ) -> None:
        # Importing the command modules declares the commands.
        import commands.catalogue  # noqa: F401

        self.db = db
        # The configuration's directory; links and roles changed in chat are applied on top.
        self.base_directory = directory
        self.directory = effective_directory(db, directory)
        self.registry = registry
        self.clock = clock
        self.organisation = organisation or Organisation()

    def handle(self, message: Message) -> Reply | None:
        """Run the command in `message`; None when it is no command or was already answered."""
        # Lone surrogates (possible in JSON) cannot be stored as UTF-8: they become "?".
        message = replace(message, text=_storable(message.text), sender=_storable(message.sender))
        text = message.text.strip()
        if not text.startswith("!"):
            return None
        if message.event_id:
            prior = store.handled_reply(self.db, message.event_id)
            if prior is not None:
                if prior["delivered"]:
                    return None
                if prior["reply"] is not None:
                    return Reply.from_dict(prior["reply"])
        reply = self._run(message, text)
        reply.event_id = message.event_id
        return reply

    def delivered(self, event_id: str | None) -> None:
        """The transport has sent the reply and posts of `event_id`."""
        if event_id:
            store.mark_delivered(self.db, event_id)

    def _run(self, message: Message, text: str) -> Reply:
        # Re-read at every message: an admin may have changed the directory in chat.
        self.directory = effective_directory(self.db, self.base_directory)
        ctx = Context(
            db=self.db,
            user=self.directory.identify(message.sender),
            directory=self.directory,
            message=message,
            now=self.clock(),
            organisation=self.organisation,
        )
        try:
            if len(text) > MAX_MESSAGE:
                raise UserError(texts.MESSAGE_TOO_LONG.format(limit=MAX_MESSAGE))
            cmd, args = self._parse(text)
            self._check_role(cmd, ctx.user)
            with transaction(self.db):
                reply = cmd.handler(ctx, args)
                self._remember(message, reply, cmd)
            return reply
        except UserError as refusal:
            reply = Reply(text=str(refusal), refused=True)
        except Exception:
            # A bug must not kill the transport nor be retried forever: say so, change nothing.
            log.exception("command failed: %r from %s", text[:200], message.sender)
            reply = Reply(text=texts.INTERNAL_ERROR, refused=True)
        if message.event_id:
            with transaction(self.db):
                store.record_handled(self.db, message.event_id, reply.to_dict())
        return reply

    def _parse(self, text: str) -> tuple[Command, str]:
        # Everything after the command word, other lines included (bulk updates).
        word, *rest = text.split(None, 1)
        args = rest[0] if rest else ""
        cmd = self.registry.find(word)
        if cmd is None:
            guess = self.registry.closest(word)
            hint = texts.DID_YOU_MEAN.format(word=guess) if guess else ""
            raise UnknownCommand(texts.UNKNOWN_COMMAND.format(word=word[:40], hint=hint))
        return cmd, args.strip()

    def _check_role(self, cmd: Command, user: Identity) -> None:
        if cmd.roles and user.role not in cmd.roles:
            raise NotAllowed(texts.role_refusal(cmd.name, cmd.roles, self.directory.admins))

    def _remember(self, message: Message, reply: Reply, cmd: Command) -> None:
        if not message.event_id:
            return
        # Read-only replies are cheap to rebuild; store only what a replay must not recompute.
        stored = reply.to_dict() if cmd.writes else None
        store.record_handled(self.db, message.event_id, stored)
