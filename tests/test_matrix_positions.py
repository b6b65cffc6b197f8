"""Which sync position the Matrix transport stores, and when (bot/matrix/sync.py, Positions):
once its batch and every batch before it are delivered; after quiet batches only (nothing in
them to answer) now and then, or at the stop."""

import asyncio

from nio import RoomMessageText, SyncResponse

from bot.matrix import sync
from bot.matrix.sync import Positions, is_quiet

BOT = "@pst:x"


def batch(senders: dict[str, list[str]], invite: bool = False) -> SyncResponse:
    """A sync response whose rooms hold one text event per sender given."""
    join = {
        room: {
            "timeline": {
                "events": [
                    {
                        "type": "m.room.message",
                        "event_id": f"${room}{index}",
                        "sender": sender,
                        "origin_server_ts": 1,
                        "content": {"msgtype": "m.text", "body": "!action 1"},
                    }
                    for index, sender in enumerate(people)
                ],
                "limited": False,
            },
        }
        for room, people in senders.items()
    }
    rooms = {"join": join}
    if invite:
        rooms["invite"] = {"!new": {"invite_state": {"events": []}}}
    return SyncResponse.from_dict({"next_batch": "s2", "rooms": rooms})


def test_a_batch_is_quiet_when_it_only_brings_the_bots_own_events_back():
    assert is_quiet(batch({}), BOT)  # a time-out
    assert is_quiet(batch({"!a": [BOT], "!b": [BOT, BOT]}), BOT)
    assert not is_quiet(batch({"!a": [BOT], "!b": [BOT, "@luc:x"]}), BOT)
    assert not is_quiet(batch({}, invite=True), BOT)
    event = batch({"!a": ["@luc:x"]}).rooms.join["!a"].timeline.events[0]
    assert isinstance(event, RoomMessageText)  # what the tests above count


def test_a_batch_with_something_to_answer_is_stored_at_once():
    positions = Positions(stored="t0")
    positions.add("t1", [], quiet=False)
    assert positions.to_store() == "t1"
    positions.stored_as("t1")
    assert positions.stored == "t1"
    assert positions.to_store() is None  # nothing new


def test_quiet_batches_wait_for_the_next_loud_one_the_delay_or_the_stop(monkeypatch):
    positions = Positions(stored="t0")
    positions.add("t1", [], quiet=True)
    assert positions.to_store() is None
    positions.add("t2", [], quiet=True)
    assert positions.to_store(force=True) == "t2"  # the stop
    positions.add("t3", [], quiet=True)
    positions.add("t4", [], quiet=False)
    assert positions.to_store() == "t4"
    positions.stored_as("t4")
    positions.add("t5", [], quiet=True)
    assert positions.to_store() is None
    monkeypatch.setattr(sync, "QUIET_STORE_EVERY_S", 0)
    assert positions.to_store() == "t5"


def test_a_position_waits_for_the_posts_of_every_batch_before_it():
    async def scenario():
        positions = Positions(stored="t0")
        post = asyncio.get_running_loop().create_future()
        positions.add("t1", [post], quiet=False)
        positions.add("t2", [], quiet=True)
        assert positions.to_store(force=True) is None
        post.set_result(None)
        assert positions.to_store() == "t2"  # a loud batch before it: written now

    asyncio.run(scenario())


def test_a_rewind_goes_back_to_the_stored_position_and_forgets_the_rest():
    async def scenario():
        positions = Positions(stored="t0")
        positions.add("t1", [], quiet=True)
        assert positions.to_store() is None
        failed = asyncio.get_running_loop().create_future()
        failed.set_exception(ConnectionError("down"))
        positions.add("t2", [failed], quiet=False)
        assert positions.to_store() is None
        assert isinstance(positions.failed, ConnectionError)
        assert await positions.rewind([]) == "t0"
        assert positions.failed is None
        assert positions.to_store(force=True) is None

    asyncio.run(scenario())
