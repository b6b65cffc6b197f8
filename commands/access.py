"""Who is who: chat identities, the pilots they stand for, and their role.

>>> d = Directory(admins={"@dg:x"}, links={"SV": {"@sylvie:x"}})
>>> d.identify("@sylvie:x").pilots
frozenset({'SV'})
"""

from dataclasses import dataclass, field

ADMIN, CODIR, PILOT, READER = "admin", "codir", "pilot", "reader"
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
        return self.is_admin or bool(self.pilots.intersection(action_pilots))


@dataclass
class Directory:
    """Roles and the pilot directory (initials or group name -> chat ids).

    `initials_as_ids` is for the offline shell: a sender named like a pilot ("LM") is that pilot.
    """

    admins: set[str] = field(default_factory=set)
    codir: set[str] = field(default_factory=set)
    links: dict[str, set[str]] = field(default_factory=dict)
    initials_as_ids: bool = False

    def pilots_of(self, chat_id: str) -> frozenset[str]:
        mine = {code for code, people in self.links.items() if chat_id in people}
        if self.initials_as_ids and chat_id.strip():
            mine.add(chat_id)
        return frozenset(mine)

    def identify(self, chat_id: str) -> Identity:
        pilots = self.pilots_of(chat_id)
        if chat_id in self.admins:
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
