"""Exports (files a command produced) on their way to a Teams user.

A bot cannot post a file in a channel or a group chat, and in a personal chat only with the
user's consent. So each file waits on a shelf, in memory, for `file_link_minutes`:
- personal chat: a FileConsentCard carries the file's shelf id; on "accept" Teams gives an
  upload URL in the user's OneDrive, the bot PUTs the bytes there (`upload`);
- channel or group chat: a link to the bot itself, `<public_url>/files/<token>`, where the
  token is the file id and the expiry signed with HMAC-SHA256 under a key made at start.

    shelf = FileShelf(minutes=60)
    file_id = shelf.put(attachment)
    url = f"{public_url}/files/{shelf.link_token(file_id)}"
    download(shelf, token)      # the route's response: the file, or 404/410 with a French text

Files are not kept across a restart (neither is the key): a card or link from before a restart
answers that the file is gone, and the user asks again.
"""

import base64
import hashlib
import hmac
import secrets
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

import httpx
from starlette.responses import PlainTextResponse, Response

from bot.teams import texts
from commands.types import Attachment

#: The most files kept at once (the oldest go first): exports are small, memory is not free.
MAX_FILES = 64


@dataclass
class _Shelved:
    attachment: Attachment
    expires: int


class FileShelf:
    def __init__(
        self,
        minutes: int,
        *,
        key: bytes | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.lifetime = minutes * 60
        self._key = key or secrets.token_bytes(32)
        self._clock = clock
        self._files: dict[str, _Shelved] = {}

    def put(self, attachment: Attachment) -> str:
        """Keep `attachment` for the shelf's lifetime; its id (random, URL-safe)."""
        self._prune()
        file_id = secrets.token_urlsafe(16)
        self._files[file_id] = _Shelved(attachment, int(self._clock()) + self.lifetime)
        while len(self._files) > MAX_FILES:
            del self._files[next(iter(self._files))]
        return file_id

    def get(self, file_id: str) -> Attachment | None:
        """The file, or None when unknown or expired."""
        shelved = self._files.get(file_id)
        if shelved is None or shelved.expires <= self._clock():
            return None
        return shelved.attachment

    def remove(self, file_id: str) -> None:
        self._files.pop(file_id, None)

    def link_token(self, file_id: str) -> str:
        """`<file id>.<expiry>.<signature>`: valid until the file expires."""
        shelved = self._files[file_id]
        payload = f"{file_id}.{shelved.expires}"
        return f"{payload}.{self._sign(payload)}"

    def read_link(self, token: str) -> tuple[int, Attachment | None]:
        """(200, file), (404, None) for a forged or unknown token, (410, None) once expired."""
        parts = token.split(".")
        if len(parts) != 3 or not parts[1].isdigit():
            return 404, None
        file_id, expires, signature = parts
        if not hmac.compare_digest(signature, self._sign(f"{file_id}.{expires}")):
            return 404, None
        if int(expires) <= self._clock():
            return 410, None
        attachment = self.get(file_id)
        return (200, attachment) if attachment is not None else (410, None)

    def _sign(self, payload: str) -> str:
        digest = hmac.new(self._key, payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def _prune(self) -> None:
        now = self._clock()
        for file_id in [i for i, s in self._files.items() if s.expires <= now]:
            del self._files[file_id]


def download(shelf: FileShelf, token: str) -> Response:
    """What `GET /files/{token}` answers."""
    status, attachment = shelf.read_link(token)
    if attachment is None:
        text = texts.DOWNLOAD_EXPIRED if status == 410 else texts.DOWNLOAD_UNKNOWN
        return PlainTextResponse(text, status_code=status)
    return Response(
        attachment.data,
        media_type=attachment.mimetype,
        headers={
            "Content-Disposition": content_disposition(attachment.filename),
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def content_disposition(filename: str) -> str:
    """An attachment header that keeps accents (RFC 6266) with an ASCII fallback.

    >>> content_disposition("pst-état.xlsx")
    'attachment; filename="pst-etat.xlsx"; filename*=UTF-8\\'\\'pst-%C3%A9tat.xlsx'
    """
    plain = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    plain = "".join(c for c in plain if c.isprintable() and c not in '"\\') or "export"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename)}"


async def upload(http: httpx.AsyncClient, upload_url: str, data: bytes) -> None:
    """PUT the whole file to the OneDrive upload session Teams gave on "accept" (the URL is
    the authorisation: no bot token)."""
    response = await http.put(
        upload_url,
        content=data,
        headers={"Content-Range": f"bytes 0-{len(data) - 1}/{len(data)}"},
    )
    response.raise_for_status()
