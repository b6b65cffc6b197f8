"""The scheduler's messages on Matrix: a reminder in a direct chat with the pilot, the digest in
the CODIR room.

    courier = MatrixCourier(matrix_bot)      # bot/run.py hands it to the Scheduler
    await courier.deliver(outgoing)          # once courier.ready()

A reminder is an `m.text` with `m.mentions` naming the pilot, so that it notifies (the bot's
replies are `m.notice`, which push rules keep silent; a name in the body alone pings nobody).
It goes to the direct chat with that person: a room the bot is in with them and nobody else
(joined or invited); if there is none, the bot creates one (`is_direct`, the pilot invited).
The pilot answers there, `47 fait` without `!`: a two-member room is a direct chat for the
engine. The room is unencrypted when the bot creates it (its keys would not be known yet).

The digest is an `m.notice` in the CODIR room, like the status posts: it is read, not answered.
Each send's transaction id is derived from the message's key, so a send repeated after a crash
is dropped by the homeserver.
"""

import logging

from nio import MatrixRoom, RoomCreateResponse, RoomPreset

from bot.matrix.bot import MatrixBot
from bot.matrix.send import HTML_FORMAT, Refused, SendFailed, describe, is_transient
from bot.scheduler import CODIR, Unreachable
from commands.chat_ids import is_matrix_user
from commands.formatting import lines_to_html
from commands.schedule import Outgoing
from commands.types import Post

log = logging.getLogger(__name__)


def tx_id(outgoing: Outgoing) -> str:
    return f"rhythm-{outgoing.key}"


def reminder_content(outgoing: Outgoing) -> dict:
    """An m.text that notifies the people it mentions (the pilot at least)."""
    mentions = list(dict.fromkeys([*outgoing.mentions, outgoing.recipient]))
    return {
        "msgtype": "m.text",
        "body": outgoing.text,
        "format": HTML_FORMAT,
        "formatted_body": outgoing.html or lines_to_html(outgoing.text.splitlines()),
        "m.mentions": {"user_ids": mentions},
    }


def direct_room_in(rooms: dict[str, MatrixRoom], user_id: str) -> str | None:
    """A room with `user_id` and nobody else but the bot; one they joined first."""
    found = [
        room
        for room in rooms.values()
        if user_id in room.users and room.member_count == 2 and len(room.users) == 2
    ]
    found.sort(key=lambda room: (user_id in room.invited_users, room.room_id))
    return found[0].room_id if found else None


class MatrixCourier:
    name = "matrix"

    def __init__(self, bot: MatrixBot) -> None:
        self.bot = bot
        #: user id -> direct room created by this process (the sync may not show it yet).
        self._created: dict[str, str] = {}

    def ready(self) -> bool:
        return self.bot.router is not None and self.bot.synced.is_set()

    def reaches(self, recipient: str) -> bool:
        return recipient == CODIR or is_matrix_user(recipient)

    async def deliver(self, outgoing: Outgoing) -> None:
        sender = self.bot.router.sender
        if outgoing.recipient == CODIR:
            # Logs and skips a missing or refusing CODIR room; SendFailed when it may heal.
            await sender.post(Post(CODIR, outgoing.text, outgoing.html), tx_id=tx_id(outgoing))
            return
        room_id = await self.direct_room(outgoing.recipient)
        try:
            await sender.send(room_id, reminder_content(outgoing), tx_id=tx_id(outgoing))
        except Refused as error:
            raise Unreachable(f"envoi refusé dans {room_id} : {error}") from error
        log.info("Message %s envoyé à %s dans %s", outgoing.key, outgoing.recipient, room_id)

    async def direct_room(self, user_id: str) -> str:
        client = self.bot.client
        created_room = self._created.get(user_id)
        known = client.rooms.get(created_room) if created_room else None
        if known is not None and user_id not in known.users:  # they left it
            del self._created[user_id]
            created_room = None
        room_id = direct_room_in(client.rooms, user_id) or created_room
        if room_id:
            return room_id
        created = await client.room_create(
            is_direct=True, invite=[user_id], preset=RoomPreset.trusted_private_chat
        )
        if not isinstance(created, RoomCreateResponse):
            if is_transient(created):
                raise SendFailed(f"création du salon direct : {describe(created)}")
            raise Unreachable(f"salon direct non créé : {describe(created)}")
        log.info("Salon direct %s créé avec %s", created.room_id, user_id)
        self._created[user_id] = created.room_id
        return created.room_id
