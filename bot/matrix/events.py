"""Which Matrix events the bot answers, and how: filtering, and routing commands to the engine.

    router = Router(client, runtime, sender, rooms=RoomPolicy(...))   # runtime: bot/runtime.py
    await router.handle_batch(sync_response)   # invites, then every served room's commands
    posts = router.take_posts()                # the batch's CODIR posts, still being sent

A reaction on the bot's question is its sender's « oui »; a reaction on a reminder, and its
removal, go to bot/matrix/taps.py. A batch's rooms are answered concurrently, each room's
commands in order. The engine runs in a
worker thread, one command at a time, and each message is answered the way every transport
answers (bot/delivery.py), so that the other rooms' answers go out while a report is being
built. The CODIR posts go out behind the replies, one at a time and in order, from a queue
(every room's posts meet in the one CODIR room, which the homeserver writes one event at a
time: waiting for each post would hold every room's next reply). A command is marked delivered
once its reply, files and posts are all sent; a transient send failure raises `SendFailed`
(for a post, from its task), and the caller syncs again from the last position where
everything was delivered: the engine returns the undelivered replies without applying anything
twice. A permanent refusal (a 4xx other than 429) is logged, the pilot told when possible, and
the batch goes on.

An answer that is not the command's real answer (the engine's "réessayez" when the database was
busy, or the transport's own error) is sent under a transaction id of its own: if the command
is handled again later, its real answer is not taken by the homeserver for a resend.
"""

import asyncio
import logging
import re
import time
from dataclasses import dataclass
from functools import partial

import aiohttp
from nio import (
    AsyncClient,
    MegolmEvent,
    ReactionEvent,
    RedactionEvent,
    RoomMemberEvent,
    RoomMessageText,
    SyncResponse,
)
from nio.exceptions import EncryptionError, LocalProtocolError

from bot.delivery import answer, mark_delivered
from bot.matrix import texts
from bot.matrix.downloads import FILE_EVENTS, dropped_file
from bot.matrix.quotes import without_quotes
from bot.matrix.rooms import RoomPolicy
from bot.matrix.send import Sender, SendFailed
from bot.matrix.taps import ReminderTaps
from bot.runtime import Runtime
from commands import departures, proposal_texts
from commands.chat_ids import localpart
from commands.types import Message, Reply
from storage.clock import now_utc

log = logging.getLogger(__name__)


# ---------------------------------------------------------------- reading events


def strip_reply_fallback(body: str) -> str:
    """The "> <@x:y> quoted text" lines a client puts before a reply, removed (see
    `without_quotes`, which also removes every other quote).

    >>> strip_reply_fallback("> <@dg:x> !action 3\\n> suite\\n\\n!action 4")
    '!action 4'
    """
    return without_quotes(body, {})


def display_name(room, user_id: str) -> str:
    """The name `user_id` chose in `room`, as they typed it: "" when they chose none (nio then
    gives the chat id), and without nio's "(@id)" added when two members share it (posts name
    people by `commands.render.person_name`, which adds the localpart itself)."""
    if room is None:
        return ""
    name = room.user_name(user_id) or ""
    if name == user_id:
        return ""
    return name.removesuffix(f" ({user_id})")


def relation(content: dict) -> dict:
    relates = content.get("m.relates_to")
    return relates if isinstance(relates, dict) else {}


#: A line that starts a command: "!maj …", "- !maj …", "! maj …" (quotes are removed before).
_COMMAND_LINE = re.compile(r"(?:^|\n)\s*[-•*·]?\s*!")


def incoming_command(
    room_id: str, event, own_user_id: str, room=None, asked: bool = False
) -> Message | None:
    """The message for the engine in a timeline event, or None for everything the bot must not
    answer: its own messages, notices (other bots), edits, non-text events, and in a group room
    a message without a "!" line that does not mention the bot (unless the bot `asked` its
    sender a question: their « oui » answers it). `room` (nio's MatrixRoom) tells a direct
    chat (two members) and the names the bot may be mentioned by."""
    if not isinstance(event, RoomMessageText) or event.sender == own_user_id:
        return None
    content = event.source.get("content", {})
    relates = relation(content)
    if relates.get("rel_type") == "m.replace" or "m.new_content" in content:
        return None
    body = without_quotes(event.body or "", content)
    if not body.strip():
        return None  # only someone else's words
    direct = room is not None and room.member_count <= 2
    mentioned, body = _mention(content, body, own_user_id, room)
    if not (direct or mentioned or asked or _COMMAND_LINE.search(body)):
        return None
    thread = relates.get("event_id") if relates.get("rel_type") == "m.thread" else None
    return Message(
        sender=event.sender,
        text=body,
        room=room_id,
        event_id=event.event_id,
        thread=thread,
        direct=direct,
        mentioned=mentioned,
        sender_name=display_name(room, event.sender),
        transport="matrix",
    )


def _mention(content: dict, body: str, own_user_id: str, room) -> tuple[bool, str]:
    """Whether the message mentions the bot, and its body without a leading mention: listed
    in `m.mentions`, or the bot's name or id first followed by ":" or "," ("PST: 47 fait",
    "@pst:x, 47 fait")."""
    names = {own_user_id.removeprefix("@"), localpart(own_user_id)}
    if room is not None and room.user_name(own_user_id):
        names.add(room.user_name(own_user_id))
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True) if n)
    leading = re.match(rf"^\s*@?(?:{alternatives})(\s*[:,]|\s|$)\s*", body, re.IGNORECASE)
    mentions = content.get("m.mentions")
    listed = isinstance(mentions, dict) and own_user_id in (mentions.get("user_ids") or [])
    named = leading is not None and any(mark in leading.group(1) for mark in ":,")
    if not (listed or named):
        return False, body
    return True, body[leading.end() :] if leading else body


def reaction_answer(room_id: str, event: ReactionEvent) -> Message:
    """A 👍 / ✅ (or 👎) reaction on the bot's question, as the sender's « oui » (« non »); its
    own event id, so that a replayed reaction is applied once."""
    answer = proposal_texts.answer_of(event.key)
    return Message(
        sender=event.sender,
        text="oui" if answer == proposal_texts.YES else "non",
        room=room_id,
        event_id=event.event_id,
        confirmation=answer == proposal_texts.YES,
        transport="matrix",
    )


#: Most questions (proposals) remembered at once, the oldest forgotten first.
MOST_QUESTIONS = 1_000


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


# ---------------------------------------------------------------- routing


def retry_tx_id(event_id: str | None) -> str:
    """A transaction id for an answer that is not the real one: never reused."""
    return f"{event_id}-retry-{time.time_ns()}"


@dataclass
class Router:
    client: AsyncClient
    runtime: Runtime
    sender: Sender
    rooms: RoomPolicy

    def __post_init__(self) -> None:
        self._told_undecryptable: set[tuple[str, str]] = set()
        self._last_post: asyncio.Task | None = None  # each post waits for the one before
        self._posts: list[asyncio.Task] = []  # not handed over yet (take_posts)
        #: (person, room) -> the bot's question (a reply proposing something) awaiting their
        #: answer: a reaction on it confirms, their next message (even without "!") answers it.
        self._questions: dict[tuple[str, str], str] = {}
        #: A reaction on a reminder, and its removal (bot/matrix/taps.py).
        self.taps = ReminderTaps(self.runtime, self.sender, self.answer)

    def take_posts(self) -> list[asyncio.Task]:
        """The post tasks queued since the last call; each ends once its command is delivered,
        or raises what stopped it (it, or a post before it, could not be sent)."""
        posts, self._posts = self._posts, []
        return posts

    def restart_posts(self) -> None:
        """After a failure, once every post task has ended: the next posts start a new queue."""
        self._last_post = None

    async def handle_batch(self, response: SyncResponse) -> None:
        """Invites, then the commands of every served room. Raises SendFailed (or a network
        error) if some answer could not be sent; everything else was answered and marked
        delivered."""
        for room_id, info in response.rooms.invite.items():
            await self.rooms.on_invite(room_id, info)
        served = await self.rooms.keep_served(response)
        rooms = [
            self._room(room_id, list(info.timeline.events))
            for room_id, info in response.rooms.join.items()
            if room_id in served and info.timeline.events
        ]
        if len(rooms) == 1:  # most batches: no task to make
            await rooms[0]
            return
        results = await asyncio.gather(*rooms, return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result

    async def _room(self, room_id: str, events: list) -> None:
        for event in after_own_join(events, self.client.user_id):
            event = self._decrypted(event)
            if isinstance(event, MegolmEvent):
                await self._undecryptable(room_id, event)
                continue
            room = self.client.rooms.get(room_id)
            if isinstance(event, RoomMemberEvent):
                await self._membership(event)
                continue
            if isinstance(event, ReactionEvent):
                incoming = self._reaction(room_id, event)
                if incoming is None:  # not on a question: perhaps on a reminder
                    await self.taps.reaction(room_id, event)
                    continue
            elif isinstance(event, RedactionEvent):
                await self.taps.redaction(room_id, event)
                continue
            elif isinstance(event, FILE_EVENTS):  # a plan to import (bot/matrix/downloads.py)
                name = display_name(room, event.sender)
                incoming = await dropped_file(self.client, room_id, event, room, sender_name=name)
            else:
                asked = (getattr(event, "sender", ""), room_id) in self._questions
                incoming = incoming_command(room_id, event, self.client.user_id, room, asked)
            if incoming is not None:
                key = (incoming.sender, room_id)
                question = self._questions.get(key)
                await self.answer(incoming)
                # Answered, or dropped by another message, unless the answer asks again (kept
                # while the answer may be sent again: a replayed reaction still matches).
                if question is not None and self._questions.get(key) == question:
                    del self._questions[key]

    async def answer(self, incoming: Message) -> None:
        """Run one command and send everything it produced, then mark it delivered."""
        send_reply, queue_posts = partial(self._reply, incoming), partial(self._queue, incoming)
        await answer(self.runtime.worker, self.runtime.engine, incoming, send_reply, queue_posts)

    async def _reply(self, incoming: Message, reply: Reply) -> bool:
        """Whether the reply was sent; raises what may heal (the batch is synced again)."""
        try:
            if reply.transient:
                # Nothing was recorded: the pilot sends the command again.
                await self.sender.reply(incoming, reply, tx_id=retry_tx_id(incoming.event_id))
            else:
                sent = await self.sender.reply(incoming, reply)
                if reply.proposal and sent:
                    self._asked(incoming, sent)
        except (SendFailed, aiohttp.ClientError, TimeoutError):
            raise
        except Exception:  # a bug in sending one answer must not block the room for good
            log.exception("Réponse à %s non envoyée", incoming.event_id)
            return False
        return True

    def _asked(self, incoming: Message, question: str) -> None:
        """The bot's reply `question` proposes something to the sender of `incoming`."""
        key = (incoming.sender, incoming.room)
        self._questions.pop(key, None)
        self._questions[key] = question
        while len(self._questions) > MOST_QUESTIONS:
            del self._questions[next(iter(self._questions))]

    async def _membership(self, event: RoomMemberEvent) -> None:
        """A person who left the last room they shared with the bot: the DG is told, their
        reminders stop (commands/departures.py); back in a room, they go again."""
        person = event.state_key
        if person == self.client.user_id or event.membership == event.prev_membership:
            return
        engine = self.runtime.engine
        if event.membership == "join":
            await self.runtime.worker.run(departures.record_return, engine.db, person)
        elif event.membership in ("leave", "ban"):
            if any(person in room.users for room in self.client.rooms.values()):
                return
            await self.runtime.worker.run(
                departures.record_departure,
                engine.db,
                engine.base_directory,
                person,
                departures.LEFT,
                now_utc(),
            )

    def _reaction(self, room_id: str, event: ReactionEvent) -> Message | None:
        """A reaction answering the bot's latest question to its sender, or None (another
        key, someone else, another event)."""
        if self._questions.get((event.sender, room_id)) != event.reacts_to:
            return None
        if proposal_texts.answer_of(event.key) is None:
            return None
        return reaction_answer(room_id, event)

    async def _queue(self, incoming: Message, reply: Reply) -> bool:
        """The command's posts, behind the posts before them: False while they are on their way
        (`_post` marks the command delivered); True when it has none."""
        if not reply.posts:
            return True
        self._last_post = asyncio.create_task(self._post(self._last_post, incoming, reply))
        self._posts.append(self._last_post)
        return False

    async def _post(self, before: asyncio.Task | None, incoming: Message, reply: Reply) -> None:
        """The command's posts, once the posts before them are sent; then it is delivered."""
        if before is not None:
            await before  # a failure there stops this one too: sent again later, in order
        try:
            for index, post in enumerate(reply.posts):
                await self.sender.post(post, tx_id=f"{incoming.event_id}-post-{index}")
        except (SendFailed, aiohttp.ClientError, TimeoutError):
            raise
        except Exception:
            log.exception("Annonce de %s non envoyée", incoming.event_id)
            return
        await mark_delivered(self.runtime.worker, self.runtime.engine, incoming.event_id)

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
        if self.client.olm is None:
            log.warning(
                "Message %s de %s dans %s chiffré : le chiffrement n'est pas installé (%s)",
                event.event_id,
                event.sender,
                room_id,
                texts.INSTALL_E2E,
            )
        else:
            log.warning(
                "Message %s de %s dans %s indéchiffrable (session %s)",
                event.event_id,
                event.sender,
                room_id,
                event.session_id,
            )
        key = (event.sender, event.session_id)
        if event.sender == self.client.user_id or key in self._told_undecryptable:
            return
        self._told_undecryptable.add(key)
        text = texts.CANNOT_DECRYPT
        if self.client.olm is None:
            text = texts.NO_ENCRYPTION
        else:
            try:
                await self.client.request_room_key(event)
            except LocalProtocolError as error:  # already requested for this session
                log.debug("Demande de clé non envoyée : %s", error)
        incoming = Message(sender=event.sender, text="", room=room_id, event_id=event.event_id)
        await self.sender.reply(incoming, Reply(text=text, refused=True))
