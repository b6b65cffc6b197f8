"""Which Matrix events the bot answers, and how: filtering, invites, routing to the engine.

    router = Router(client, engine, sender, allowed_inviters=["*:example.org"])
    await router.handle_batch(sync_response)   # invites, then every room's commands

A batch's rooms are answered concurrently, each room's commands in order. A command is
answered completely (reply, files, CODIR posts) before it is marked delivered; a transient
send failure raises `SendFailed`, and the caller syncs the same batch again: the engine
returns the undelivered replies without applying anything twice.
"""

import asyncio
import logging
import re
from dataclasses import dataclass

from nio import (
    AsyncClient,
    InviteInfo,
    InviteMemberEvent,
    MegolmEvent,
    RoomMemberEvent,
    RoomMessageText,
    SyncResponse,
)
from nio.exceptions import EncryptionError, LocalProtocolError

from bot import matrix_texts as texts
from bot.matrix_send import Sender
from commands import texts as engine_texts
from commands.engine import Engine
from commands.types import Message, Reply

log = logging.getLogger(__name__)


# ---------------------------------------------------------------- reading events


def may_invite(user_id: str, allowed: list[str]) -> bool:
    """Whether `user_id` may invite the bot: an exact id, or "*:server" for a whole server.

    >>> may_invite("@anne:cpas.be", ["*:cpas.be"]), may_invite("@x:evil.org", ["*:cpas.be"])
    (True, False)
    """
    server = user_id.partition(":")[2]
    for pattern in allowed:
        if pattern == user_id or pattern == "*" or (pattern == f"*:{server}" and server):
            return True
    return False


_FALLBACK_LINE = re.compile(r"^>( |$)")


def strip_reply_fallback(body: str) -> str:
    """Remove the "> <@x:y> quoted text" lines a client puts before a reply.

    >>> strip_reply_fallback("> <@dg:x> !action 3\\n> suite\\n\\n!action 4")
    '!action 4'
    """
    lines = body.splitlines()
    index = 0
    while index < len(lines) and _FALLBACK_LINE.match(lines[index]):
        index += 1
    if index == 0:
        return body
    return "\n".join(lines[index:]).lstrip("\n")


def relation(content: dict) -> dict:
    relates = content.get("m.relates_to")
    return relates if isinstance(relates, dict) else {}


def incoming_command(room_id: str, event, own_user_id: str) -> Message | None:
    """The command in a timeline event, or None for everything the bot must not answer:
    its own messages, notices (other bots), edits, non-text events, text without "!"."""
    if not isinstance(event, RoomMessageText) or event.sender == own_user_id:
        return None
    content = event.source.get("content", {})
    relates = relation(content)
    if relates.get("rel_type") == "m.replace" or "m.new_content" in content:
        return None
    body = event.body or ""
    if "m.in_reply_to" in relates:
        body = strip_reply_fallback(body)
    if not body.lstrip().startswith("!"):
        return None
    thread = relates.get("event_id") if relates.get("rel_type") == "m.thread" else None
    return Message(
        sender=event.sender, text=body, room=room_id, event_id=event.event_id, thread=thread
    )


def after_own_join(events: list, own_user_id: str) -> list:
    """The events after the bot's own join when the batch holds it: a newly joined room's
    timeline also shows older messages, which were not meant for the bot."""
    for index in range(len(events) - 1, -1, -1):
        event = events[index]
        if (
            isinstance(event, RoomMemberEvent)
            and event.state_key == own_user_id
            and event.membership == "join"
            and event.prev_membership != "join"  # not a display name change
        ):
            return events[index + 1 :]
    return events


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


# ---------------------------------------------------------------- routing


@dataclass
class Router:
    client: AsyncClient
    engine: Engine
    sender: Sender
    allowed_inviters: list[str]

    def __post_init__(self) -> None:
        self._told_undecryptable: set[tuple[str, str]] = set()

    async def handle_batch(self, response: SyncResponse) -> None:
        """Invites, then the commands of every joined room. Raises SendFailed if some answer
        could not be sent; everything else was answered and marked delivered."""
        for room_id, info in response.rooms.invite.items():
            await self.on_invite(room_id, info)
        rooms = [
            self._room(room_id, list(info.timeline.events))
            for room_id, info in response.rooms.join.items()
            if info.timeline.events
        ]
        results = await asyncio.gather(*rooms, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result

    async def on_invite(self, room_id: str, info: InviteInfo) -> None:
        inviter = pending_invite(info, self.client.user_id)
        if inviter is None:
            return
        if may_invite(inviter, self.allowed_inviters):
            joined = await self.client.join(room_id)
            log.info("Invitation de %s dans %s : rejointe (%s)", inviter, room_id, _status(joined))
        else:
            await self.client.room_leave(room_id)
            log.warning(
                "Invitation de %s dans %s refusée : pas dans access.allowed_inviters",
                inviter,
                room_id,
            )

    async def _room(self, room_id: str, events: list) -> None:
        for event in after_own_join(events, self.client.user_id):
            event = self._decrypted(event)
            if isinstance(event, MegolmEvent):
                await self._undecryptable(room_id, event)
                continue
            incoming = incoming_command(room_id, event, self.client.user_id)
            if incoming is not None:
                await self.answer(incoming)

    async def answer(self, incoming: Message) -> None:
        """Run one command and send everything it produced, then mark it delivered."""
        try:
            reply = self.engine.handle(incoming)
        except Exception:  # a bug in one command must not stop the bot for everyone
            log.exception("Commande %s de %s : erreur interne", incoming.event_id, incoming.sender)
            reply = Reply(
                text=engine_texts.INTERNAL_ERROR, refused=True, event_id=incoming.event_id
            )
        if reply is None:
            return
        log.info(
            "%s %s dans %s : %s",
            "Refusé à" if reply.refused else "Répondu à",
            incoming.sender,
            incoming.room,
            incoming.text.split(None, 1)[0][:30],
        )
        await self.sender.reply(incoming, reply)
        for index, post in enumerate(reply.posts):
            await self.sender.post(post, tx_id=f"{incoming.event_id}-post-{index}")
        self.engine.delivered(reply.event_id)

    def _decrypted(self, event):
        # nio decrypts the timeline during sync, except when it skips a batch it has already
        # seen (the same batch synced again after a failed send).
        if isinstance(event, MegolmEvent) and self.client.olm is not None:
            try:
                return self.client.decrypt_event(event)
            except EncryptionError as error:
                log.debug("Déchiffrement impossible de %s : %s", event.event_id, error)
        return event

    async def _undecryptable(self, room_id: str, event: MegolmEvent) -> None:
        log.warning(
            "Message %s de %s dans %s indéchiffrable (session %s)%s",
            event.event_id,
            event.sender,
            room_id,
            event.session_id,
            "" if self.client.olm else " : installez l'extra e2e (pip install '.[e2e]')",
        )
        key = (event.sender, event.session_id)
        if event.sender == self.client.user_id or key in self._told_undecryptable:
            return
        self._told_undecryptable.add(key)
        if self.client.olm is not None:
            try:
                await self.client.request_room_key(event)
            except LocalProtocolError as error:  # already requested for this session
                log.debug("Demande de clé non envoyée : %s", error)
        incoming = Message(sender=event.sender, text="", room=room_id, event_id=event.event_id)
        await self.sender.reply(incoming, Reply(text=texts.CANNOT_DECRYPT, refused=True))


def _status(response) -> str:
    return getattr(response, "status_code", None) or "ok"
