"""Sending to Matrix: notices that reply to a command, files within the upload limit, CODIR posts.

    sender = Sender(client, codir_room="!abc:example.org")
    await sender.reply(incoming, reply)      # m.notice in reply (and thread), then the files
    await sender.post(post, tx_id="$ev-post-0")

Every send carries a transaction id derived from the command's event id, so sending again the
answer of a command (after a crash, or a failed batch) is deduplicated by the homeserver. nio
itself waits `retry_after_ms` on M_LIMIT_EXCEEDED and retries network errors with a capped
back-off; an error the homeserver may get over (5xx) raises `SendFailed`, and the batch is
synced again. A refusal for good (a 4xx other than 429: forbidden, not in the room, event too
large) is logged, the pilot gets a short notice instead when it can reach them (a reply or a
file refused), and the batch goes on: one command's refusal never blocks a room.
"""

import io
import logging

from nio import (
    AsyncClient,
    ContentRepositoryConfigResponse,
    ErrorResponse,
    RoomSendResponse,
    UploadResponse,
)
from nio.exceptions import LocalProtocolError

from bot.matrix import texts
from commands.formatting import lines_to_html
from commands.types import Attachment, Message, Post, Reply

log = logging.getLogger(__name__)

HTML_FORMAT = "org.matrix.custom.html"


class SendFailed(Exception):
    """A send failed in a way that may heal (server error, network): sync the batch again."""


class Refused(Exception):
    """The homeserver refused a send for good, or it cannot be sent at all."""


def relates_to(message: Message) -> dict:
    """The m.relates_to of an answer: a reply, kept in the command's thread."""
    in_reply_to = {"m.in_reply_to": {"event_id": message.event_id}}
    if message.thread:
        return {
            "rel_type": "m.thread",
            "event_id": message.thread,
            "is_falling_back": False,
            **in_reply_to,
        }
    return in_reply_to


def notice_content(text: str, html: str, mentions: list[str]) -> dict:
    """An m.notice with its HTML twin and explicit mentions (none means nobody is pinged)."""
    return {
        "msgtype": "m.notice",
        "body": text,
        "format": HTML_FORMAT,
        "formatted_body": html or lines_to_html(text.splitlines()),
        "m.mentions": {"user_ids": mentions},
    }


def is_transient(error: ErrorResponse) -> bool:
    """Whether the batch should be synced again rather than the answer skipped: a 5xx, a 429
    (M_LIMIT_EXCEEDED, when nio's own waiting gave up) or no answer from the homeserver. Any
    other 4xx is a refusal for good. A lost session (M_UNKNOWN_TOKEN) counts as transient: the
    next sync fails too, the bot stops without moving its token, and answers after logging in
    again."""
    code = error.status_code or ""
    if code in ("M_LIMIT_EXCEEDED", "M_UNKNOWN_TOKEN"):
        return True
    transport = getattr(error, "transport_response", None)
    if transport is not None:
        return transport.status >= 500 or transport.status == 429
    return not code.startswith("M_")


def describe(error: ErrorResponse) -> str:
    """An error response for the log: its Matrix code and message, and the HTTP status."""
    transport = getattr(error, "transport_response", None)
    return f"{error} (HTTP {transport.status})" if transport is not None else str(error)


class Sender:
    def __init__(self, client: AsyncClient, codir_room: str | None = None) -> None:
        self.client = client
        self.codir_room = codir_room
        self._upload_limit: int | None = None
        self._upload_limit_known = False

    async def reply(self, incoming: Message, reply: Reply, tx_id: str | None = None) -> str | None:
        """The reply as a notice to the command, mentioning its sender, then its files; the
        notice's event id (None if refused). `tx_id`: for an answer that is not the command's
        real one (see bot/matrix/events.py)."""
        tx_id = tx_id or f"{incoming.event_id}-reply"
        content = notice_content(reply.text, reply.html, [incoming.sender])
        content["m.relates_to"] = relates_to(incoming)
        sent = None
        try:
            sent = await self.send(incoming.room, content, tx_id=tx_id)
        except Refused as error:
            log.error("Réponse à %s refusée dans %s : %s", incoming.event_id, incoming.room, error)
            if not reply.transient:  # the notice says the command was handled
                text = texts.REPLY_REFUSED.format(reason=error)
                await self.tell(incoming, text, tx_id=f"{tx_id}-refused")
        for index, attachment in enumerate(reply.attachments):
            await self.file(incoming, attachment, tx_id=f"{incoming.event_id}-file-{index}")
        return sent

    async def post(self, post: Post, tx_id: str) -> None:
        """A post for another room; only "codir" exists."""
        if post.room != "codir":
            log.warning("Message pour un salon inconnu « %s » ignoré", post.room)
            return
        if not self.codir_room:
            log.info("Pas de salon CODIR configuré (rooms.codir) : annonce non envoyée")
            return
        content = notice_content(post.text, post.html, [])
        try:
            await self.send(self.codir_room, content, tx_id=tx_id)
        except Refused as error:
            log.error("Annonce CODIR %s refusée dans %s : %s", tx_id, self.codir_room, error)

    async def file(self, incoming: Message, attachment: Attachment, tx_id: str) -> None:
        """Upload `attachment` and send it as m.file (m.image for PNG) in reply to the command;
        a file over the server's limit, or refused, becomes a notice saying so."""
        data = attachment.data
        limit = await self.upload_limit()
        if limit is not None and len(data) > limit:
            await self._file_refused(incoming, attachment, limit, tx_id)
            return
        encrypted = self._encrypted(incoming.room)
        uploaded, keys = await self.client.upload(
            io.BytesIO(data),
            content_type=attachment.mimetype,
            filename=attachment.filename,
            encrypt=encrypted,
            filesize=len(data),
        )
        if not isinstance(uploaded, UploadResponse):
            if uploaded.status_code == "M_TOO_LARGE":
                await self._file_refused(incoming, attachment, limit or len(data) - 1, tx_id)
                return
            if is_transient(uploaded):
                raise SendFailed(f"envoi du fichier {attachment.filename} : {describe(uploaded)}")
            reason = describe(uploaded)
            log.error("Fichier %s refusé par le serveur : %s", attachment.filename, reason)
            reason = texts.FILE_NOT_SENT.format(filename=attachment.filename, reason=reason)
            await self.tell(incoming, reason, tx_id=tx_id)
            return
        content = {
            "msgtype": "m.image" if attachment.mimetype == "image/png" else "m.file",
            "body": attachment.filename,
            "filename": attachment.filename,
            "info": {"mimetype": attachment.mimetype, "size": len(data)},
            "m.mentions": {"user_ids": [incoming.sender]},
            "m.relates_to": relates_to(incoming),
        }
        if encrypted:
            content["file"] = {**keys, "url": uploaded.content_uri}
        else:
            content["url"] = uploaded.content_uri
        try:
            await self.send(incoming.room, content, tx_id=tx_id)
        except Refused as error:
            log.error("Fichier %s refusé dans %s : %s", attachment.filename, incoming.room, error)
            reason = texts.FILE_NOT_SENT.format(filename=attachment.filename, reason=error)
            await self.tell(incoming, reason, tx_id=f"{tx_id}-refused")
            return
        log.info(
            "Fichier %s (%d octets) envoyé dans %s",
            attachment.filename,
            len(data),
            incoming.room,
        )

    async def tell(self, incoming: Message, text: str, tx_id: str) -> None:
        """A short notice to the command's sender (instead of something the server refused);
        if it is refused too, the log says so and the bot goes on."""
        try:
            await self.send(incoming.room, self._answer(incoming, text), tx_id=tx_id)
        except Refused as error:
            log.error("Avis refusé lui aussi dans %s : %s", incoming.room, error)

    async def upload_limit(self) -> int | None:
        """The server's m.upload.size in bytes (None if it sets none), asked once."""
        if not self._upload_limit_known:
            response = await self.client.content_repository_config()
            if isinstance(response, ContentRepositoryConfigResponse):
                self._upload_limit = response.upload_size
                self._upload_limit_known = True
                log.info("Limite d'envoi de fichiers du serveur : %s octets", self._upload_limit)
        return self._upload_limit

    async def send(self, room_id: str, content: dict, tx_id: str) -> str:
        """room_send with a fixed transaction id; the event id. Raises SendFailed when it may
        heal, Refused when it will not."""
        try:
            response = await self.client.room_send(
                room_id,
                "m.room.message",
                content,
                tx_id=tx_id,
                ignore_unverified_devices=True,
            )
        except LocalProtocolError as error:  # e.g. an encrypted room the bot has not joined
            raise Refused(str(error)) from error
        if isinstance(response, RoomSendResponse):
            return response.event_id
        if is_transient(response):
            raise SendFailed(f"envoi dans {room_id} : {describe(response)}")
        raise Refused(describe(response))

    def _encrypted(self, room_id: str) -> bool:
        room = self.client.rooms.get(room_id)
        return bool(room and room.encrypted and self.client.olm is not None)

    def _answer(self, incoming: Message, text: str) -> dict:
        content = notice_content(text, "", [incoming.sender])
        content["m.relates_to"] = relates_to(incoming)
        return content

    async def _file_refused(
        self, incoming: Message, attachment: Attachment, limit: int, tx_id: str
    ) -> None:
        log.warning(
            "Fichier %s (%d octets) au-delà de la limite du serveur (%d octets)",
            attachment.filename,
            len(attachment.data),
            limit,
        )
        text = texts.FILE_TOO_LARGE.format(
            filename=attachment.filename,
            size=texts.size(len(attachment.data)),
            limit=texts.size(limit),
        )
        await self.tell(incoming, text, tx_id=tx_id)
