"""What the engine, the commands and the transports pass to each other.

    message = Message(sender="@sylvie:x", text="!maj 23 fait", room="!abc:x", event_id="$1")
    reply = engine.handle(message)     # a Reply: text, html, attachments, posts for other rooms

Who is who: a chat id is identified (`Directory.identify`) as an `Identity` with the pilots it
stands for and its role. Roles: an admin (DG, PST coordinator) may do everything; CODIR members
read everything and receive the digests; pilots update the actions they pilot; readers read.

This module imports nothing from the rest of `commands/`: every other module may import it.
"""

import base64
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from typing import Any

import sqlite_utils

from storage.clock import today as local_day

ADMIN, CODIR, PILOT, READER = "admin", "codir", "pilot", "reader"

#: The room every change is posted to, named by role; each transport knows its address.
CODIR_ROOM = "codir"


#: The command a file dropped in a room runs (commands/chat_import.py), the file in
#: `Message.attachment`.
FILE_DROPPED = "!importer"


@dataclass(frozen=True)
class IncomingFile:
    """A file someone dropped in a room: its name, its declared size and its bytes; `data` is
    None when the transport did not fetch it (over the size limit, or the download failed)."""

    name: str
    size: int
    data: bytes | None


@dataclass(frozen=True)
class Message:
    """A command as it arrived: who, what, where, its id, and the thread it belongs to."""

    sender: str
    text: str
    room: str = ""
    event_id: str | None = None
    thread: str | None = None
    #: A direct chat with the bot (the console is one): the "!" is optional.
    direct: bool = False
    #: The bot was mentioned (the transport removed the mention): the "!" is optional.
    mentioned: bool = False
    #: How the transport names the sender (a display name), when it knows.
    sender_name: str = ""
    #: The transport it came by ("matrix", "teams"; "" for the console): the engine queues its
    #: posts for the other transports.
    transport: str = ""
    #: A gesture that confirms the sender's pending proposal (a 👍 reaction on it, a button):
    #: read as « oui », and answered only when a proposal is pending.
    confirmation: bool = False
    #: A file dropped with the message: the engine runs FILE_DROPPED on it.
    attachment: IncomingFile | None = None


@dataclass(frozen=True)
class Refused:
    """A line of a grouped command that was not read: its number and why, for the reply, and
    what confirming would run when the line was proposed rather than refused."""

    index: int
    reason: str
    proposal: tuple[str, ...] = ()


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
    #: A request awaiting the DG's decision (its number): a transport may offer buttons
    #: (Teams: « Valider » / « Refuser », bot/teams/cards.py); the others post the text. Only
    #: the transport that ran the command sees it: the outbox (posts for the other transports,
    #: storage/outbox.py) and the grouped CODIR post keep the text alone.
    request: int | None = None


@dataclass
class Reply:
    """The answer to a command. The engine fills `html` from `text` when a command gives none."""

    text: str
    html: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    event_id: str | None = None
    refused: bool = False
    #: Nothing was recorded because of a passing fault (database busy, full, read-only): the
    #: pilot is asked to try again, and a transport must not send this under the real reply's
    #: transaction id (the same event may later get its real answer).
    transient: bool = False
    #: The commands a one-tap confirmation would run (a `commands.errors.Proposal`); empty
    #: when the reply proposes nothing. Transports show a button (Teams) or accept a 👍 / ✅
    #: reaction on this reply (Matrix) that confirms it.
    proposal: tuple[str, ...] = ()

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
            proposal=tuple(data.get("proposal", ())),
            transient=data.get("transient", False),
        )


@dataclass(frozen=True)
class Organisation:
    """The administration the PST belongs to, for reports and the eComptes export."""

    name: str = "CPAS"
    admin_type: str = "CPAS"  # AC (commune) or CPAS
    ins: str = "00000"
    exercise: int | None = None  # budget year of the eComptes export; default: this year
    #: The day the Conseil was installed: the legal calendar (commands/legal_calendar.py).
    installation: date | None = None


@dataclass(frozen=True)
class Identity:
    chat_id: str
    pilots: frozenset[str]
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    def may_update(self, action_pilots: list[str]) -> bool:
        """Admins update every action; others the actions they pilot, unless made readers."""
        if self.is_admin:
            return True
        return self.role != READER and bool(self.pilots.intersection(action_pilots))


@dataclass
class Directory:
    """Roles and the pilot directory (initials or group name -> chat ids).

    >>> d = Directory(admins={"@dg:x"}, links={"SV": {"@sylvie:x"}})
    >>> d.identify("@sylvie:x").pilots
    frozenset({'SV'})

    `roles` holds roles given explicitly (in chat); they win over `admins` and `codir`.
    `initials_as_ids` is for the offline shell: a sender named like a pilot ("LM") is that pilot.
    """

    admins: set[str] = field(default_factory=set)
    codir: set[str] = field(default_factory=set)
    links: dict[str, set[str]] = field(default_factory=dict)
    initials_as_ids: bool = False
    roles: dict[str, str] = field(default_factory=dict)
    #: The directory from the configuration this one was built on (None: this one is).
    configured: "Directory | None" = field(default=None, repr=False, compare=False)
    #: Plan code -> its own pilots (initials -> chat ids): the CPAS's LM is not the commune's.
    #: A plan without an entry has the shared `links` (a configuration for one plan).
    plan_links: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    #: The plan whose pilots this directory knows (`for_plan`); None: the shared ones.
    plan: str | None = None
    #: What a pilot's update only asks the DG for (`[access] validate`): "abandon",
    #: "suspend", "echeance"; the DG's `!valider` applies it (commands/requests.py).
    validate: frozenset[str] = frozenset()

    def for_plan(self, code: str | None) -> "Directory":
        """This directory as the plan `code` sees it: its own pilots, or the shared ones.

        >>> d = Directory(links={"LM": {"@luc:x"}}, plan_links={"com": {"LM": {"@lea:x"}}})
        >>> d.for_plan("com").people("LM"), d.for_plan("cpas").people("LM")
        ({'@lea:x'}, {'@luc:x'})
        """
        return replace(self, plan=code)

    @property
    def pilots(self) -> dict[str, set[str]]:
        """Pilot -> chat ids, of this directory's plan."""
        if self.plan is not None and self.plan in self.plan_links:
            return self.plan_links[self.plan]
        return self.links

    def linked_people(self) -> set[str]:
        """Every chat id linked to a pilot, in any plan."""
        people: set[str] = set()
        for links in [self.links, *self.plan_links.values()]:
            for linked in links.values():
                people |= linked
        return people

    def pilots_of(self, chat_id: str) -> frozenset[str]:
        mine = {code for code, people in self.pilots.items() if chat_id in people}
        if self.initials_as_ids and chat_id.strip():
            mine.add(chat_id)
        return frozenset(mine)

    def identify(self, chat_id: str) -> Identity:
        pilots = self.pilots_of(chat_id)
        if chat_id in self.roles:
            role = self.roles[chat_id]
        elif chat_id in self.admins:
            role = ADMIN
        elif chat_id in self.codir:
            role = CODIR
        elif pilots:
            role = PILOT
        else:
            role = READER
        return Identity(chat_id=chat_id, pilots=pilots, role=role)

    def people(self, pilot: str) -> set[str]:
        return set(self.pilots.get(pilot, set()))

    def with_stored(self, links: list[tuple], roles: dict[str, str]) -> "Directory":
        """A copy with the links and roles stored in chat applied. A link is (plan code,
        pilot, chat id, linked?), the plan None for the shared pilots; (pilot, chat id,
        linked?) is a shared one. A plan's first stored link starts its own pilots from the
        shared ones.

        >>> Directory(admins={"@dg:x"}).with_stored([], {"@s:x": "codir"}).identify("@s:x").role
        'codir'
        """
        if self.configured is not None:
            return self.configured.with_stored(links, roles)
        links = [link if len(link) == 4 else (None, *link) for link in links]
        merged = _copy_links(self.links)
        per_plan = {code: _copy_links(own) for code, own in self.plan_links.items()}
        for plan, pilot, chat_id, linked in sorted(links, key=lambda link: link[0] is not None):
            target = merged if plan is None else per_plan.setdefault(plan, _copy_links(merged))
            people = target.setdefault(pilot, set())
            if linked:
                people.add(chat_id)
            else:
                people.discard(chat_id)
        merged = _without_empty(merged)
        per_plan = {code: _without_empty(own) for code, own in per_plan.items()}
        admins, codir = set(self.admins), set(self.codir)
        for chat_id, role in roles.items():
            admins.discard(chat_id)
            codir.discard(chat_id)
            {ADMIN: admins, CODIR: codir}.get(role, set()).add(chat_id)
        return replace(
            self,
            admins=admins,
            codir=codir,
            links=merged,
            plan_links=per_plan,
            roles={**self.roles, **roles},
            configured=self,
        )


def _copy_links(links: dict[str, set[str]]) -> dict[str, set[str]]:
    return {code: set(people) for code, people in links.items()}


def _without_empty(links: dict[str, set[str]]) -> dict[str, set[str]]:
    return {code: people for code, people in links.items() if people}


class Args(dict):
    """A command's arguments as its declaration read them: `args.action`, `args.comment`."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass
class Context:
    """What a command handler sees."""

    db: sqlite_utils.Database
    user: Identity
    directory: Directory
    message: Message
    now: datetime
    organisation: Organisation = field(default_factory=Organisation)
    #: The commands the engine serves (for !aide).
    registry: Any = None
    #: The plan this room works on (a storage.plans.Plan), or None with the reason.
    plan: Any = None
    plan_refusal: str = ""
    #: The configured rhythm (a commands.schedule.Rhythm), or None for the defaults.
    rhythm: Any = None

    @property
    def today(self) -> date:
        """The local day of the message (storage/clock.py): 00:30 in Brussels is already
        tomorrow, though UTC still says today."""
        return local_day(self.now)
