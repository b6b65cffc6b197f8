"""A file dropped in a Matrix room, for the chat import (commands/chat_import.py): the message
for the engine, with the file's bytes fetched through the homeserver.

    incoming = await dropped_file(client, room_id, event, room, sender_name="Sylvie")

An `m.file` (nio's RoomMessageFile) is downloaded from its `mxc://` url; in an encrypted room
(RoomEncryptedFile) the download is decrypted with the key the event carries. A file whose
declared size is over the import's limit is not downloaded (the engine says it is too big);
one that cannot be fetched or decrypted comes with no bytes (the engine says so). Whether a
file is for the bot at all is the engine's rule (`takes_file`), asked before any download.
"""

import logging
from dataclasses import replace

from nio import AsyncClient, DownloadError, RoomEncryptedFile, RoomMessageFile
from nio.crypto import decrypt_attachment
from nio.exceptions import EncryptionError

from commands.engine import takes_file
from commands.types import IncomingFile, Message
from storage.importing.model import MAX_FILE_BYTES

log = logging.getLogger(__name__)

FILE_EVENTS = (RoomMessageFile, RoomEncryptedFile)


def _declared(event) -> tuple[str, int]:
    content = event.source.get("content", {})
    name = content.get("filename") or event.body or "fichier"
    size = (content.get("info") or {}).get("size")
    return str(name), size if isinstance(size, int) and size >= 0 else 0


async def dropped_file(
    client: AsyncClient, room_id: str, event, room=None, *, sender_name: str = ""
) -> Message | None:
    """The engine's message for a file event, its bytes fetched; None for the bot's own files
    and those the engine does not take (a photo shared in a group room)."""
    if not isinstance(event, FILE_EVENTS) or event.sender == client.user_id:
        return None
    name, size = _declared(event)
    message = Message(
        sender=event.sender,
        text="",
        room=room_id,
        event_id=event.event_id,
        direct=room is not None and room.member_count <= 2,
        sender_name=sender_name,
        transport="matrix",
        attachment=IncomingFile(name=name, size=size, data=None),
    )
    if not takes_file(message):
        return None
    if size > MAX_FILE_BYTES:
        return message  # not downloaded: the engine says it is too big
    data = await _download(client, event)
    return replace(message, attachment=IncomingFile(name, size, data))


async def _download(client: AsyncClient, event) -> bytes | None:
    response = await client.download(mxc=event.url)
    if isinstance(response, DownloadError):
        log.warning("Fichier %s non téléchargé : %s", event.event_id, response.message)
        return None
    data = response.body
    if not isinstance(event, RoomEncryptedFile):
        return data
    try:
        return decrypt_attachment(data, event.key["k"], event.hashes["sha256"], event.iv)
    except (EncryptionError, KeyError) as error:
        log.warning("Fichier %s non déchiffré : %s", event.event_id, error)
        return None
