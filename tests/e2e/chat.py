"""A person in the chat, for the tests: a logged-in nio client that remembers every message it
sees and can wait for the bot's answer to one of its commands.

    dg = await Chat.login(homeserver, "dg")
    room = await dg.room_with(bot_user_id)           # creates it, invites the bot, waits
    answer = await dg.command(room, "!action 29")    # the bot's m.notice in reply
"""

from __future__ import annotations

import asyncio
import io
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from nio import (
    Api,
    AsyncClient,
    AsyncClientConfig,
    InviteMemberEvent,
    JoinResponse,
    LoginResponse,
    MatrixRoom,
    MessageDirection,
    RoomCreateResponse,
    RoomMessage,
    RoomMessagesResponse,
    RoomSendResponse,
    SyncResponse,
    UploadResponse,
)

from .synapse import Homeserver, unique_name

PASSWORD = "correct horse battery staple"
# Synapse sends 10 timeline events per room by default; a burst would leave gaps.
SYNC_FILTER = {"room": {"timeline": {"limit": 500}}}
ENCRYPTION = [
    {"type": "m.room.encryption", "state_key": "", "content": {"algorithm": "m.megolm.v1.aes-sha2"}}
]


def relates_to(event: RoomMessage) -> dict:
    return event.source.get("content", {}).get("m.relates_to") or {}


def in_reply_to(event: RoomMessage) -> str | None:
    return (relates_to(event).get("m.in_reply_to") or {}).get("event_id")


class Chat:
    def __init__(self, client: AsyncClient) -> None:
        self.client = client
        self.user_id = client.user_id
        self.messages: list[tuple[str, RoomMessage]] = []  # (room id, event)
        client.add_event_callback(self._on_message, RoomMessage)
        client.add_event_callback(self._on_invite, InviteMemberEvent)
        self.accept_invites = False

    @classmethod
    async def login(
        cls, homeserver: Homeserver, prefix: str, *, store_dir: Path | None = None
    ) -> Chat:
        name = unique_name(prefix)
        user_id = await asyncio.to_thread(homeserver.register, name, PASSWORD)
        config = AsyncClientConfig(max_limit_exceeded=0, encryption_enabled=store_dir is not None)
        if store_dir is not None:
            store_dir.mkdir(parents=True, exist_ok=True)
        client = AsyncClient(
            homeserver.base_url,
            user_id,
            device_id=name.upper().replace("-", "") if store_dir else None,
            store_path=str(store_dir or ""),
            config=config,
        )
        response = await client.login(PASSWORD, device_name=name)
        assert isinstance(response, LoginResponse), response
        if client.olm is not None:
            await client.keys_upload()
        chat = cls(client)
        await chat.sync(0)
        return chat

    async def close(self) -> None:
        await self.client.close()

    async def _on_message(self, room: MatrixRoom, event: RoomMessage) -> None:
        self.messages.append((room.room_id, event))

    async def _on_invite(self, room: MatrixRoom, event: InviteMemberEvent) -> None:
        if self.accept_invites and event.state_key == self.user_id and event.membership == "invite":
            joined = await self.client.join(room.room_id)
            assert isinstance(joined, JoinResponse), joined

    async def sync(self, timeout_ms: int = 500) -> None:
        response = await self.client.sync(timeout=timeout_ms, sync_filter=SYNC_FILTER)
        assert isinstance(response, SyncResponse), response
        if self.client.olm is not None:
            if self.client.should_query_keys:
                await self.client.keys_query()
            await self.client.send_to_device_messages()

    async def until(self, done: Callable[[], object], timeout: float = 15, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        while not done():
            assert time.monotonic() < deadline, f"{self.user_id}: {what or 'condition'} not met"
            await self.sync(500)

    # --- rooms ----------------------------------------------------------------------------------

    async def create_room(self, invite: list[str], *, encrypted: bool = False, **kwargs) -> str:
        created = await self.client.room_create(
            invite=invite, initial_state=ENCRYPTION if encrypted else [], **kwargs
        )
        assert isinstance(created, RoomCreateResponse), created
        return created.room_id

    def is_member(self, room_id: str, user_id: str) -> bool:
        """Joined, not just invited (nio's `room.users` lists both)."""
        room = self.client.rooms.get(room_id)
        return room is not None and user_id in room.users and user_id not in room.invited_users

    async def room_with(self, *user_ids: str, encrypted: bool = False, **kwargs) -> str:
        """A room with `user_ids` invited; returns once they have all joined."""
        room_id = await self.create_room(list(user_ids), encrypted=encrypted, **kwargs)
        await self.until(
            lambda: all(self.is_member(room_id, u) for u in user_ids), 20, f"join of {user_ids}"
        )
        return room_id

    # --- messages -------------------------------------------------------------------------------

    async def send(self, room_id: str, text: str = "", *, content: dict | None = None) -> str:
        content = content or {"msgtype": "m.text", "body": text}
        sent = await self.client.room_send(
            room_id, "m.room.message", content, ignore_unverified_devices=True
        )
        assert isinstance(sent, RoomSendResponse), sent
        return sent.event_id

    async def send_file(self, room_id: str, name: str, data: bytes, mimetype: str) -> str:
        """Upload `data` and drop it in the room as an m.file named `name` (encrypted in an
        encrypted room, as Element does)."""
        encrypted = self.client.rooms[room_id].encrypted
        uploaded, keys = await self.client.upload(
            io.BytesIO(data),
            content_type=mimetype,
            filename=name,
            encrypt=encrypted,
            filesize=len(data),
        )
        assert isinstance(uploaded, UploadResponse), uploaded
        content = {
            "msgtype": "m.file",
            "body": name,
            "filename": name,
            "info": {"size": len(data), "mimetype": mimetype},
        }
        if encrypted:
            content["file"] = {**keys, "url": uploaded.content_uri}
        else:
            content["url"] = uploaded.content_uri
        return await self.send(room_id, content=content)

    async def send_event(self, room_id: str, event_type: str, content: dict) -> str:
        """Send `content` exactly as given, even in an encrypted room (nio's room_send would
        encrypt it): e.g. an m.room.encrypted event nobody can decrypt."""
        method, path, data = Api.room_send(
            self.client.access_token, room_id, event_type, content, uuid.uuid4()
        )
        sent = await self.client._send(RoomSendResponse, method, path, data, (room_id,))
        assert isinstance(sent, RoomSendResponse), sent
        return sent.event_id

    def replies_to(self, event_id: str) -> list[RoomMessage]:
        return [event for _, event in self.messages if in_reply_to(event) == event_id]

    async def reply_to(self, event_id: str, timeout: float = 15, count: int = 1) -> RoomMessage:
        await self.until(lambda: len(self.replies_to(event_id)) >= count, timeout, "reply")
        return self.replies_to(event_id)[count - 1]

    async def command(self, room_id: str, text: str, timeout: float = 15) -> RoomMessage:
        return await self.reply_to(await self.send(room_id, text), timeout)

    async def history(self, room_id: str) -> list[RoomMessage]:
        """Every message of the room, oldest first, read with /messages (a sync after a long
        pause may leave a gap)."""
        await self.sync(0)
        events, start = [], self.client.next_batch
        while True:
            page = await self.client.room_messages(
                room_id, start=start, direction=MessageDirection.back, limit=500
            )
            assert isinstance(page, RoomMessagesResponse), page
            events.extend(e for e in page.chunk if isinstance(e, RoomMessage))
            if not page.chunk or not page.end:
                return events[::-1]
            start = page.end

    def in_room(self, room_id: str) -> list[RoomMessage]:
        return [event for room, event in self.messages if room == room_id]
