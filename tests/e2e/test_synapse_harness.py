"""The harness itself, and the matrix-nio calls the Matrix transport relies on, against a real
Synapse. These double as worked examples of the nio API (see docs/synapse-for-tests.md)."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Callable

from nio import (
    AsyncClient,
    AsyncClientConfig,
    ContentRepositoryConfigResponse,
    InviteMemberEvent,
    JoinResponse,
    MatrixRoom,
    RoomCreateResponse,
    RoomMessageFile,
    RoomMessageText,
    RoomSendResponse,
    SyncResponse,
    UploadError,
    UploadResponse,
)

from .synapse import MAX_UPLOAD_BYTES


async def sync_until(client: AsyncClient, done: Callable[[], bool], timeout: float = 10) -> None:
    """Long-poll /sync (callbacks run as usual) until `done()` is true; fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while not done():
        remaining = deadline - time.monotonic()
        assert remaining > 0, f"{client.user_id}: condition not met within {timeout} s"
        response = await client.sync(timeout=int(min(remaining, 1) * 1000))
        assert isinstance(response, SyncResponse), response


async def room_with(alice: AsyncClient, bob: AsyncClient, **create_args) -> str:
    """Alice creates a room and invites Bob; Bob joins from his invite callback."""
    created = await alice.room_create(invite=[bob.user_id], **create_args)
    assert isinstance(created, RoomCreateResponse), created

    async def on_invite(room: MatrixRoom, event: InviteMemberEvent) -> None:
        # The invite's own member event, not the other state events shipped with it.
        if event.state_key == bob.user_id and event.membership == "invite":
            joined = await bob.join(room.room_id)
            assert isinstance(joined, JoinResponse), joined

    bob.add_event_callback(on_invite, InviteMemberEvent)
    await sync_until(bob, lambda: created.room_id in bob.rooms)

    def bob_is_member() -> bool:
        room = alice.rooms.get(created.room_id)
        return room is not None and bob.user_id in room.users

    await sync_until(alice, bob_is_member)
    return created.room_id


async def test_homeserver_answers_on_loopback(homeserver):
    assert homeserver.base_url.startswith("http://127.0.0.1:")
    user_id = await asyncio.to_thread(homeserver.register, "harness-" + str(time.time_ns()), "pw")
    assert user_id.endswith(":localhost")


async def test_invited_user_joins_and_receives_message(make_client):
    alice, bob = await make_client("alice"), await make_client("bob")
    await bob.sync(timeout=0)  # start after the (empty) history, as the bot does
    room_id = await room_with(alice, bob)

    received: list[str] = []

    async def on_message(room: MatrixRoom, event: RoomMessageText) -> None:
        if room.room_id == room_id and event.sender == alice.user_id:
            received.append(event.body)

    bob.add_event_callback(on_message, RoomMessageText)
    sent = await alice.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": "!help"})
    assert isinstance(sent, RoomSendResponse), sent

    await sync_until(bob, lambda: bool(received))
    assert received == ["!help"]


async def test_media_config_reports_configured_upload_size(make_client):
    client = await make_client()
    response = await client.content_repository_config()
    assert isinstance(response, ContentRepositoryConfigResponse), response
    assert response.upload_size == MAX_UPLOAD_BYTES


async def test_upload_over_limit_is_refused_with_413(make_client):
    client = await make_client()
    too_big = b"\0" * (MAX_UPLOAD_BYTES + 1)
    response, _ = await client.upload(
        io.BytesIO(too_big), "text/csv", "pst.csv", filesize=len(too_big)
    )
    assert isinstance(response, UploadError), response
    assert response.status_code == "M_TOO_LARGE"


async def test_file_upload_is_received_as_m_file(make_client):
    alice, bob = await make_client("alice"), await make_client("bob")
    room_id = await room_with(alice, bob)
    data = b"code;titre\nOS1;Moderniser\n"
    uploaded, _ = await alice.upload(io.BytesIO(data), "text/csv", "pst.csv", filesize=len(data))
    assert isinstance(uploaded, UploadResponse), uploaded
    content = {
        "msgtype": "m.file",
        "body": "pst.csv",
        "filename": "pst.csv",
        "url": uploaded.content_uri,
        "info": {"mimetype": "text/csv", "size": len(data)},
    }
    await alice.room_send(room_id, "m.room.message", content)

    files: list[RoomMessageFile] = []
    bob.add_event_callback(lambda room, event: files.append(event), RoomMessageFile)
    await sync_until(bob, lambda: bool(files))
    downloaded = await bob.download(files[0].url)
    assert downloaded.body == data


async def test_same_transaction_id_sends_once(make_client):
    alice, bob = await make_client("alice"), await make_client("bob")
    room_id = await room_with(alice, bob)
    content = {"msgtype": "m.notice", "body": "Action enregistrée."}
    first = await alice.room_send(room_id, "m.room.message", content, tx_id="reply-$abc")
    retry = await alice.room_send(room_id, "m.room.message", content, tx_id="reply-$abc")
    assert first.event_id == retry.event_id


async def test_restart_from_saved_token_with_full_state(make_client):
    alice, bob = await make_client("alice"), await make_client("bob")
    room_id = await room_with(alice, bob)
    saved_token = bob.next_batch
    await alice.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": "pendant"})

    # A fresh client, as after a bot restart: it only has the token we stored ourselves.
    restarted = AsyncClient(bob.homeserver, bob.user_id)
    restarted.restore_login(bob.user_id, bob.device_id, bob.access_token)
    try:
        response = await restarted.sync(timeout=0, since=saved_token, full_state=True)
        assert isinstance(response, SyncResponse), response
        timeline = response.rooms.join[room_id].timeline.events
        assert [e.body for e in timeline if isinstance(e, RoomMessageText)] == ["pendant"]
        assert bob.user_id in restarted.rooms[room_id].users  # full state rebuilt the members
    finally:
        await restarted.close()


async def test_encrypted_room_round_trip(make_client, tmp_path):
    def e2e_config() -> AsyncClientConfig:
        return AsyncClientConfig(encryption_enabled=True, max_limit_exceeded=0)

    (tmp_path / "alice").mkdir()
    (tmp_path / "bob").mkdir()
    alice = await make_client(
        "alice", device_id="ALICEDEV", store_path=str(tmp_path / "alice"), config=e2e_config()
    )
    bob = await make_client(
        "bob", device_id="BOTDEVICE", store_path=str(tmp_path / "bob"), config=e2e_config()
    )
    for client in (alice, bob):
        assert client.olm is not None  # login() loaded the store because store_path is set
        await client.keys_upload()
    room_id = await room_with(
        alice,
        bob,
        initial_state=[
            {
                "type": "m.room.encryption",
                "state_key": "",
                "content": {"algorithm": "m.megolm.v1.aes-sha2"},
            }
        ],
    )
    received: list[str] = []
    bob.add_event_callback(lambda room, event: received.append(event.body), RoomMessageText)

    sent = await alice.room_send(
        room_id,
        "m.room.message",
        {"msgtype": "m.text", "body": "secret"},
        ignore_unverified_devices=True,
    )
    assert isinstance(sent, RoomSendResponse), sent
    await sync_until(bob, lambda: bool(received))
    assert received == ["secret"]


async def test_rate_limits_do_not_get_in_the_way(make_client):
    client = await make_client()
    created = await client.room_create()
    content = {"msgtype": "m.notice", "body": "ok"}
    # Synapse's default rc_message allows a burst of 10, then 0.2 message/s. make_client's
    # clients return a 429 as an error instead of waiting it out.
    responses = await asyncio.gather(
        *(client.room_send(created.room_id, "m.room.message", content) for _ in range(30))
    )
    assert all(isinstance(r, RoomSendResponse) for r in responses), responses
