"""Which rooms the bot serves: invitations (who may invite it) and the room allow-list.

    rooms = RoomPolicy(client, allowed_inviters=["*:cpas.be"], allowed_rooms=["*:cpas.be"],
                       codir_room="!abc:cpas.be")
    await rooms.on_invite(room_id, invite_info)        # join, or decline
    served = await rooms.keep_served(sync_response)    # leaves the others; answer only these

`access.allowed_inviters` says who may bring the bot into a room; `access.allowed_rooms` which
rooms it serves: room ids, or "*:server" for every room of a server (empty: every room). An
invitation is joined only when both agree; a room the bot is in but that the list no longer
names (it changed while the bot was away) gets no answer, and the bot leaves it. The CODIR room
of the configuration is always served.

A room's server is the part of its id after ":" (room versions 1 to 11). Room version 12 ids
(Synapse's default since 1.136) carry no server: the server is then the one of the room's
creator, read from its `m.room.create` event; an invitation does not show that event, so the
inviter's server stands in until the bot has joined and read the room's state.
"""

import logging
from dataclasses import dataclass, field

from nio import (
    AsyncClient,
    InviteInfo,
    InviteMemberEvent,
    RoomCreateEvent,
    RoomLeaveResponse,
    SyncResponse,
)

log = logging.getLogger(__name__)


def server_of(matrix_id: str) -> str:
    """ "@anne:cpas.be" -> "cpas.be"; "" for an id without a server."""
    return matrix_id.partition(":")[2]


def may_invite(user_id: str, allowed: list[str]) -> bool:
    """Whether `user_id` may invite the bot: an exact id, or "*:server" for a whole server.

    >>> may_invite("@anne:cpas.be", ["*:cpas.be"]), may_invite("@x:evil.org", ["*:cpas.be"])
    (True, False)
    """
    server = server_of(user_id)
    for pattern in allowed:
        if pattern == user_id or pattern == "*" or (pattern == f"*:{server}" and server):
            return True
    return False


def room_server(room_id: str, creator: str | None = None) -> str:
    """The server a room belongs to: from its id, else from its creator's id ("" if unknown).

    >>> room_server("!abc:cpas.be"), room_server("!Ab12cD", "@dg:cpas.be"), room_server("!Ab12cD")
    ('cpas.be', 'cpas.be', '')
    """
    return server_of(room_id) or (server_of(creator) if creator else "")


def room_allowed(room_id: str, allowed: list[str], creator: str | None = None) -> bool:
    """Whether the allow-list names the room, by id or by server (an empty list: every room).

    >>> room_allowed("!abc:cpas.be", ["*:cpas.be"]), room_allowed("!Ab12", ["*:cpas.be"], "@x:evil")
    (True, False)
    """
    if not allowed:
        return True
    server = room_server(room_id, creator)
    return any(pattern == room_id or (server and pattern == f"*:{server}") for pattern in allowed)


def pending_invite(info: InviteInfo, own_user_id: str) -> str | None:
    """The inviter of an invite addressed to the bot, or None."""
    for event in info.invite_state:
        if (
            isinstance(event, InviteMemberEvent)
            and event.state_key == own_user_id
            and event.membership == "invite"
        ):
            return event.sender
    return None


@dataclass
class RoomPolicy:
    client: AsyncClient
    allowed_inviters: list[str]
    allowed_rooms: list[str] = field(default_factory=list)
    codir_room: str | None = None

    def __post_init__(self) -> None:
        self._creators: dict[str, str] = {}  # room id -> sender of its m.room.create
        self._left: set[str] = set()
        self._unknown: set[str] = set()

    def serves(self, room_id: str) -> bool | None:
        """True or False; None when the list names servers and the room's is not known yet."""
        if room_id == self.codir_room or not self.allowed_rooms:
            return True
        creator = self._creators.get(room_id)
        if room_server(room_id, creator):
            return room_allowed(room_id, self.allowed_rooms, creator)
        return True if room_id in self.allowed_rooms else None

    async def on_invite(self, room_id: str, info: InviteInfo) -> None:
        """Join when the inviter and the room are allowed; decline (leave) otherwise."""
        inviter = pending_invite(info, self.client.user_id)
        if inviter is None:
            return
        if not may_invite(inviter, self.allowed_inviters):
            reason = "pas dans access.allowed_inviters"
        elif not room_allowed(room_id, self.allowed_rooms, inviter) and room_id != self.codir_room:
            reason = "salon hors de access.allowed_rooms"
        else:
            joined = await self.client.join(room_id)
            log.info("Invitation de %s dans %s : rejointe (%s)", inviter, room_id, _status(joined))
            return
        declined = await self.client.room_leave(room_id)
        log.warning(
            "Invitation de %s dans %s refusée : %s (%s)",
            inviter,
            room_id,
            reason,
            _status(declined),
        )

    async def keep_served(self, response: SyncResponse) -> set[str]:
        """The joined rooms of the batch the bot serves; it leaves the others, once each."""
        self._learn_creators(response)
        served = set()
        for room_id in response.rooms.join:
            verdict = self.serves(room_id)
            if verdict:
                served.add(room_id)
            elif verdict is None:
                if room_id not in self._unknown:
                    self._unknown.add(room_id)
                    log.warning(
                        "Salon %s : serveur inconnu, pas de réponse tant qu'il ne l'est pas "
                        "(access.allowed_rooms)",
                        room_id,
                    )
            elif room_id not in self._left:
                left = await self.client.room_leave(room_id)
                if isinstance(left, RoomLeaveResponse):  # else tried again at its next event
                    self._left.add(room_id)
                log.warning(
                    "Salon %s hors de access.allowed_rooms : pas de réponse, le bot le quitte (%s)",
                    room_id,
                    _status(left),
                )
        return served

    def _learn_creators(self, response: SyncResponse) -> None:
        for room_id, info in response.rooms.join.items():
            for event in [*info.state, *info.timeline.events]:
                if isinstance(event, RoomCreateEvent):
                    self._creators[room_id] = event.sender


def _status(response) -> str:
    return getattr(response, "status_code", None) or "ok"
