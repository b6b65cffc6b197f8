"""The scheduler's messages on Matrix: a reminder in a direct chat with the pilot, the digest in
the CODIR room.

    courier = MatrixCourier(matrix_bot)      # bot/run.py hands it to the Scheduler
    await courier.deliver(outgoing)          # once courier.ready()

A reminder is an `m.text` with `m.mentions` naming the pilot, so that it notifies (the bot's
replies are `m.notice`, which push rules keep silent; a name in the body alone pings nobody).
It goes to the direct chat with that person: a room the bot is in with them and nobody else
(joined or invited), never a room it is configured to post in (the CODIR room, a plan's room:
a CODIR room of the DG and the bot alone is not the DG's direct chat, or their notice would
reach it twice); if there is none, the bot creates one (`is_direct`, the pilot invited).
The pilot answers there, `47 fait` without `!`: a two-member room is a direct chat for the
engine, or in one tap: a ✅ reaction on a reminder about one action, or the keycap numbering
a line (1️⃣ … 🔟) of a reminder about several, marks that action done (bot/matrix/taps.py,
commands/reminder_taps.py). The event each direct message became is kept
(`sends.remember_event`) for that. The room is unencrypted when the bot creates it (its keys
would not be known yet).

The digest is an `m.notice` in the CODIR room, like the status posts: it is read, not answered.
Each send's transaction id is derived from the message's key, so a send repeated after a crash
is dropped by the homeserver.
"""

import logging
import re

from nio import MatrixRoom, RoomCreateResponse, RoomPreset

from bot.matrix import texts
from bot.matrix.bot import MatrixBot
from bot.matrix.send import HTML_FORMAT, Refused, SendFailed, describe, is_transient
from bot.scheduler import CODIR, Unreachable
from commands.chat_ids import is_matrix_user
from commands.formatting import esc, lines_to_html
from commands.reminder_taps import KEYCAPS, numbered
from commands.reminders import MOST_LINES
from commands.schedule import REMINDER, Outgoing
from commands.types import Post
from storage import sends

log = logging.getLogger(__name__)


def tx_id(outgoing: Outgoing) -> str:
    return f"rhythm-{outgoing.key}"


def reminder_content(outgoing: Outgoing) -> dict:
    """An m.text that notifies the people it mentions (the pilot at least); a reminder says
    how to answer it in one tap."""
    mentions = list(dict.fromkeys([*outgoing.mentions, outgoing.recipient]))
    text, html = outgoing.text, outgoing.html or lines_to_html(outgoing.text.splitlines())
    if outgoing.kind == REMINDER and outgoing.actions:
        text, html = tappable(text, html, outgoing.actions)
    return {
        "msgtype": "m.text",
        "body": text,
        "format": HTML_FORMAT,
        "formatted_body": html,
        "m.mentions": {"user_ids": mentions},
    }


_BULLET = re.compile(r"^• ", re.MULTILINE)
_ITEM = re.compile(r"<li>")


def tappable(text: str, html: str, actions: tuple[str, ...]) -> tuple[str, str]:
    """A reminder's text and HTML with its lines numbered by keycaps when it is about several
    actions (line n is `actions[n - 1]`, as commands/reminder_taps.py reads a keycap), and a
    last line saying which reaction answers it."""
    lines = numbered(actions)
    if len(actions) == 1:
        hint = texts.TAP_ONE
    elif lines and len(_BULLET.findall(text)) == min(len(actions), MOST_LINES):
        text = _BULLET.sub(_numbering("{} ", "• ", len(lines)), text)
        html = _ITEM.sub(_numbering("<li>{} ", "<li>", len(lines)), html)
        hint = texts.TAP_LINE
    else:  # its lines are not its actions one by one (two plans' actions of the same code)
        return text, html
    return f"{text}\n{hint}", f"{html}<p>{esc(hint)}</p>"


def _numbering(numbered_as: str, left_as: str, count: int):
    """A replacement for `re.sub`: the first `count` matches numbered by keycaps, the others
    left as they were."""
    keycaps = iter(KEYCAPS[:count])

    def replace(_match) -> str:
        keycap = next(keycaps, None)
        return numbered_as.format(keycap) if keycap else left_as

    return replace


def direct_room_in(
    rooms: dict[str, MatrixRoom], user_id: str, not_these: frozenset[str] = frozenset()
) -> str | None:
    """A room with `user_id` and nobody else but the bot, other than the rooms `not_these`
    (those the bot is configured to post in); one they joined first."""
    found = [
        room
        for room in rooms.values()
        if user_id in room.users
        and room.member_count == 2
        and len(room.users) == 2
        and room.room_id not in not_these
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
            event_id = await sender.send(room_id, reminder_content(outgoing), tx_id=tx_id(outgoing))
        except Refused as error:
            raise Unreachable(f"envoi refusé dans {room_id} : {error}") from error
        log.info("Message %s envoyé à %s dans %s", outgoing.key, outgoing.recipient, room_id)
        # Kept for a tap on it; a resend after a crash gives the same event (same tx id).
        runtime = self.bot.runtime
        await runtime.worker.run(sends.remember_event, runtime.db, outgoing.key, event_id, room_id)

    def _configured_rooms(self) -> frozenset[str]:
        """The CODIR room (as resolved at start) and the plans' rooms (`[rooms] plans`)."""
        codir = self.bot.router.sender.codir_room
        plan_rooms = self.bot.runtime.settings.rooms.plans
        return frozenset(room for room in (codir, *plan_rooms) if room)

    async def direct_room(self, user_id: str) -> str:
        client = self.bot.client
        created_room = self._created.get(user_id)
        known = client.rooms.get(created_room) if created_room else None
        if known is not None and user_id not in known.users:  # they left it
            del self._created[user_id]
            created_room = None
        room_id = direct_room_in(client.rooms, user_id, self._configured_rooms()) or created_room
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
