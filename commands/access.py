"""Who is who: chat identities, the pilots they stand for, and their role.

>>> d = Directory(admins={"@dg:x"}, links={"SV": {"@sylvie:x"}})
>>> d.identify("@sylvie:x").pilots
frozenset({'SV'})
>>> d.with_stored(links=[("SV", "@sylvie:x", False)], roles={"@sylvie:x": "codir"}).identify(
...     "@sylvie:x").role
'codir'

Roles: an admin (DG, PST coordinator) may do everything; CODIR members read everything and
receive the digests; pilots update the actions they pilot; readers read. The configuration gives
the starting point; links and roles an admin changes in chat are stored and win
(see `effective_directory`).
"""

from dataclasses import dataclass, field, replace

ADMIN, CODIR, PILOT, READER = "admin", "codir", "pilot", "reader"
ROLES = (ADMIN, CODIR, PILOT, READER)
ROLE_NAMES = {ADMIN: "administrateur", CODIR: "CODIR", PILOT: "pilote", READER: "lecteur"}


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

    def pilots_of(self, chat_id: str) -> frozenset[str]:
        mine = {code for code, people in self.links.items() if chat_id in people}
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
        return set(self.links.get(pilot, set()))

    def with_stored(self, links: list[tuple[str, str, bool]], roles: dict[str, str]) -> "Directory":
        """A copy with the links (pilot, chat id, linked?) and roles stored in chat applied."""
        if self.configured is not None:
            return self.configured.with_stored(links, roles)
        merged = {code: set(people) for code, people in self.links.items()}
        for pilot, chat_id, linked in links:
            people = merged.setdefault(pilot, set())
            if linked:
                people.add(chat_id)
            else:
                people.discard(chat_id)
        merged = {code: people for code, people in merged.items() if people}
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
            roles={**self.roles, **roles},
            configured=self,
        )


def effective_directory(db, base: Directory) -> Directory:
    """`base` (from the configuration) with the links and roles admins changed in chat.

    Given a directory already built this way, starts again from its configuration.
    """
    from storage import people

    return base.with_stored(people.stored_links(db), people.stored_roles(db))
