"""The Teams activities the bot answers, and how (this module imports the Teams SDK:
bot/teams/bot.py loads it without the SDK's import-time side effects).

    turns = Turns(app, runtime, shelf)   # registers the handlers on `app`
    await turns.post_codir("…")                              # a CODIR post (the outbox's too)

A message: our tenant only; the bot's mention removed; the sender identified (bot/teams/
members.py, which also handles installations and who joins or leaves a team); the engine run
in the database worker; the reply sent as markdown in the same conversation (files as consent
cards in a personal chat, as signed links elsewhere); the command's CODIR posts sent to the
CODIR channel; then the command marked delivered. A file sent with it (a plan to import) is
fetched first from its trusted host (bot/teams/downloads.py). A reminder card's button (an
`adaptiveCard/action` invoke, bot/teams/cards.py) goes the same way, as if the pilot had typed
its command in that chat; the card shows the reply too. A reply proposing something
(`Reply.proposal`) is a card with « Oui, enregistrer » / « Non »: the click is the clicker's
« oui » (`Message.confirmation`) or « non », keyed on the invoke's id like any command. A
pilot's request (`Post.request`) reaches the CODIR channel as a card with « Valider » and
« Refuser » and a field for the reason: the click is the clicker's `!valider N` or `!refuser N
raison`, with the engine's rules (an admin only) and its answer shown by the card. A request
posted from another transport comes through the outbox as text only.

Exactly once. Handlers run inside Teams' HTTP request. The engine records each activity by its
conversation and id ("teams:<conversation>:<id>", `activity_key`: an id is unique only within
its conversation) with the command's effect, so a command is never applied twice; if the reply
cannot be sent, the request fails (HTTP 500, `ReplyNotSent`), nothing is marked delivered, and
when Teams delivers the activity again the engine returns the stored reply, which is sent then.
Teams also redelivers when the bot is slow: a redelivery that arrives while the first is still
being answered waits for it (`_one_at_a_time`) and then gets nothing (delivered) or the stored
reply (the first failed). A CODIR post that cannot be sent goes to the outbox (sent again
every few seconds): the reply is not sent twice for its sake. Any other error is logged and
answered in French, never leaked.

Only activities the gate let through get here (bot/teams/trust.py: signed, from an allowed
serviceUrl). What the bot starts itself goes to a stored conversation's serviceUrl only if the
same allow-list still admits it (`ServiceUrlRefused` otherwise: one stored before the list).
"""

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import replace

import httpx
from microsoft_teams.api import AdaptiveCardActionMessageResponse as CardAnswer
from microsoft_teams.api import (
    AdaptiveCardInvokeActivity,
    FileConsentInvokeActivity,
    MessageActivity,
    MessageActivityInput,
)
from microsoft_teams.api.activities.utils import StripMentionsTextOptions
from microsoft_teams.apps import ActivityContext, App

from bot.delivery import answer
from bot.runtime import Runtime
from bot.teams import texts
from bot.teams.auth import PERSONAL, TenantFilter, activity_key, describe, room_of
from bot.teams.cards import (
    YES,
    CardDataRefused,
    command_of,
    consent_card,
    file_info,
    proposal_card,
    reminder_card,
    request_card,
)
from bot.teams.downloads import FileHosts, with_file
from bot.teams.files import FileShelf, upload
from bot.teams.members import Members
from bot.teams.trust import ServiceUrlRefused, ServiceUrls
from commands import texts as engine_texts
from commands.types import CODIR_ROOM, Attachment, Message, Post, Reply
from storage import outbox
from storage.transactions import transaction

log = logging.getLogger(__name__)

TRANSPORT = "teams"


class ReplyNotSent(Exception):
    """The reply could not be sent: the request fails so that Teams delivers it again."""


def markdown(text: str) -> MessageActivityInput:
    return MessageActivityInput(text=texts.to_markdown(text)).with_text_format("markdown")


def queue_for_later(db, posts: list[Post]) -> None:
    """CODIR posts that could not be sent now: the outbox forwarder sends them later."""
    with transaction(db):
        outbox.queue(db, posts, [TRANSPORT])


class Turns:
    def __init__(self, app: App, runtime: Runtime, shelf: FileShelf, urls: ServiceUrls) -> None:
        self.app = app
        self.runtime = runtime
        self.config = runtime.settings.teams
        self.shelf = shelf
        self.urls = urls
        self.tenants = TenantFilter(self.config.tenant_id)
        self.members = Members(runtime, self.tenants)
        self.uploads = httpx.AsyncClient(timeout=60)  # OneDrive, both ways: no bot token
        self.file_hosts = FileHosts(urls)
        self._answering: dict[str, tuple[asyncio.Lock, int]] = {}
        self._no_codir_logged = False
        app.on_message(self.on_message)
        app.on_install_add(self.members.on_install)
        app.on_conversation_update(self.members.on_conversation_update)
        app.on_file_consent(self.on_file_consent)
        app.on_card_action(self.on_card_action)

    async def aclose(self) -> None:
        await self.uploads.aclose()

    # ------------------------------------------------------------ messages

    async def on_message(self, ctx: ActivityContext[MessageActivity]) -> None:
        activity = ctx.activity
        if not self.tenants.allows(activity):
            return
        async with self._one_at_a_time(activity_key(activity.conversation.id, activity.id)):
            try:
                await self._answer(ctx)
            except ReplyNotSent:
                raise
            except Exception:  # a bug must not leak to the user, nor stop the bot
                log.exception("Message Teams %s : erreur interne", activity.id)
                with contextlib.suppress(Exception):
                    await ctx.send(markdown(engine_texts.INTERNAL_ERROR))

    async def _answer(self, ctx: ActivityContext[MessageActivity]) -> None:
        activity = ctx.activity
        mentioned = activity.is_recipient_mentioned()
        options = StripMentionsTextOptions(account_id=activity.recipient.id)
        text = texts.incoming_text(activity.strip_mentions_text(options).text)
        personal = activity.conversation.conversation_type == PERSONAL
        message = await self._message(ctx, text, direct=personal, mentioned=mentioned)
        message = await with_file(message, activity, self.uploads, self.file_hosts)
        if personal:
            await self.members.remember(ctx, message.sender)
        await self._run(ctx, message, personal)

    async def _message(self, ctx, text: str, *, direct: bool, mentioned: bool = False) -> Message:
        activity = ctx.activity
        return Message(
            sender=await self.members.sender(ctx),
            text=text,
            room=room_of(activity.conversation.id),
            event_id=activity_key(activity.conversation.id, activity.id),
            direct=direct,
            mentioned=mentioned,
            sender_name=activity.from_.name or "",
            transport=TRANSPORT,
        )

    async def _run(self, ctx, message: Message, personal: bool) -> Reply | None:
        """The engine's reply to `message`, sent with its CODIR posts, then marked delivered
        (bot/delivery.py); None when it was delivered already."""

        async def send_reply(reply: Reply) -> bool:
            try:
                await self._send_reply(ctx, reply, personal)
            except Exception as error:
                raise ReplyNotSent(
                    f"réponse à {message.event_id} non envoyée ({describe(error)}) : "
                    "Teams la redemandera"
                ) from None
            return True

        async def send_posts(reply: Reply) -> bool:
            await self._send_posts(reply.posts)  # what fails is queued in the outbox
            return True

        return await answer(
            self.runtime.worker, self.runtime.engine, message, send_reply, send_posts
        )

    async def on_card_action(
        self, ctx: ActivityContext[AdaptiveCardInvokeActivity]
    ) -> CardAnswer | None:
        """A card's button (a reminder's, a proposal's, a request's in the CODIR channel): its
        command run as if the clicker had typed it in that chat, exactly once (keyed on the
        invoke's id); the reply is sent in the chat and shown by the card."""
        activity = ctx.activity
        if not self.tenants.allows(activity):
            return None
        async with self._one_at_a_time(activity_key(activity.conversation.id, activity.id)):
            try:
                command = command_of(activity.value.action.data)
                personal = activity.conversation.conversation_type == PERSONAL
                message = await self._message(ctx, command, direct=personal, mentioned=True)
                # « Oui, enregistrer » confirms the clicker's proposal (nothing pending: said so).
                message = replace(message, confirmation=command == YES)
                reply = await self._run(ctx, message, personal)
                return CardAnswer(value=reply.text if reply else texts.CARD_ALREADY)
            except CardDataRefused as refused:
                data = str(activity.value.action.data)[:200]
                log.warning("Bouton de carte Teams %s refusé : %s", activity.id, data)
                text = str(refused)
            except ReplyNotSent:
                raise
            except Exception:
                log.exception("Bouton de carte Teams %s : erreur interne", activity.id)
                text = engine_texts.INTERNAL_ERROR
            with contextlib.suppress(Exception):
                await ctx.send(markdown(text))
            return CardAnswer(value=text)

    async def _send_reply(self, ctx, reply: Reply, personal: bool) -> None:
        lines = [reply.text]
        cards = []
        for attachment in reply.attachments:
            if personal:
                cards.append(consent_card(attachment, self.shelf.put(attachment)))
            elif self.config.public_url:
                lines.append(self._link(attachment))
            else:
                lines.append(texts.FILES_PERSONAL_ONLY.format(filename=attachment.filename))
        body = texts.to_markdown(lines[0])
        for line in lines[1:]:  # links are markdown already
            body += "\n\n" + line
        if reply.proposal:
            await ctx.send(proposal_card(reply.text))
        else:
            await ctx.send(MessageActivityInput(text=body).with_text_format("markdown"))
        for card in cards:
            await ctx.send(card)

    def _link(self, attachment: Attachment) -> str:
        token = self.shelf.link_token(self.shelf.put(attachment))
        name = attachment.filename.replace("[", "(").replace("]", ")")
        return texts.FILE_LINK.format(
            filename=name,
            url=f"{self.config.public_url.rstrip('/')}/files/{token}",
            size=texts.size(len(attachment.data)),
            minutes=self.config.file_link_minutes,
        )

    async def _send_posts(self, posts: list[Post]) -> None:
        for index, post in enumerate(posts):
            if post.room != CODIR_ROOM:
                log.warning("Annonce pour un salon inconnu « %s » ignorée", post.room)
                continue
            try:
                await self.post_codir(post.text, request=post.request)
            except Exception as error:
                log.warning("Annonce CODIR non envoyée (%s) : remise à plus tard", describe(error))
                try:
                    await self.runtime.worker.run(queue_for_later, self.runtime.db, posts[index:])
                except sqlite3.OperationalError as fault:
                    log.error("Annonces CODIR perdues (base indisponible : %s)", fault)
                return

    async def post_codir(self, text: str, *, request: int | None = None) -> bool:
        """Post `text` in the CODIR channel (a request awaiting the DG's decision as a card with
        « Valider » / « Refuser »); False when none is configured (the post is dropped).
        Raises what the Bot Connector raised."""
        codir = self.config.codir_conversation
        if not codir:
            if not self._no_codir_logged:
                self._no_codir_logged = True
                log.warning("Aucun canal CODIR Teams (teams.codir_conversation) : annonces perdues")
            return False
        message = request_card(text, request) if request is not None else markdown(text)
        await self.app.send(codir, message, service_url=self.config.service_url)
        return True

    async def send_to(self, conversation_id: str, service_url: str, text: str) -> None:
        """A message the bot starts in a stored conversation (a personal chat).
        Raises ServiceUrlRefused, or what the Bot Connector raised."""
        self._check_stored(service_url)
        await self.app.send(conversation_id, markdown(text), service_url=service_url)

    async def send_reminder(
        self, conversation_id: str, service_url: str, text: str, actions: tuple[str, ...]
    ) -> None:
        """A reminder as an adaptive card with buttons for each action (bot/teams/cards.py),
        `text` its fallback. Raises ServiceUrlRefused, or what the Bot Connector raised."""
        self._check_stored(service_url)
        card = reminder_card(text, actions)
        await self.app.send(conversation_id, card, service_url=service_url)

    def _check_stored(self, service_url: str) -> None:
        if not self.urls.allows(service_url):
            raise ServiceUrlRefused(str(service_url)[:120].encode("unicode_escape").decode())

    # ------------------------------------------------------------ files

    async def on_file_consent(self, ctx: ActivityContext[FileConsentInvokeActivity]) -> None:
        if not self.tenants.allows(ctx.activity):
            return
        try:
            await self._file_consent(ctx)
        except Exception:
            log.exception("Carte de fichier Teams %s : erreur interne", ctx.activity.id)
            with contextlib.suppress(Exception):
                await ctx.send(markdown(engine_texts.INTERNAL_ERROR))

    async def _file_consent(self, ctx) -> None:
        value = ctx.activity.value
        context = value.context if isinstance(value.context, dict) else {}
        file_id, name = str(context.get("file", "")), str(context.get("name", "?"))
        attachment = self.shelf.get(file_id) if file_id else None
        if value.action == "decline":
            self.shelf.remove(file_id)
            await ctx.send(markdown(texts.FILE_DECLINED.format(filename=name)))
            return
        info = value.upload_info
        if attachment is None or info is None or not info.upload_url:
            await ctx.send(markdown(texts.FILE_GONE))
            return
        try:
            await upload(self.uploads, info.upload_url, attachment.data)
        except httpx.HTTPError as error:
            log.warning("Dépôt OneDrive de « %s » en échec : %s", name, describe(error))
            await ctx.send(markdown(texts.FILE_UPLOAD_FAILED.format(filename=name)))
            return
        self.shelf.remove(file_id)
        text = markdown(texts.FILE_UPLOADED.format(filename=info.name or name))
        await ctx.send(text.add_attachments(file_info(info, name)))

    # ------------------------------------------------------------ helpers

    @contextlib.asynccontextmanager
    async def _one_at_a_time(self, event_id: str) -> AsyncIterator[None]:
        """A redelivered activity waits until the first delivery has been answered."""
        lock, users = self._answering.get(event_id, (asyncio.Lock(), 0))
        self._answering[event_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._answering[event_id]
            if users == 1:
                del self._answering[event_id]
            else:
                self._answering[event_id] = (lock, users - 1)
