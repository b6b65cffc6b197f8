"""What every transport does the same way (bot/delivery.py): answering one message, with the
French « réessayez » when the engine fails, and forwarding the outbox, each post once."""

import asyncio
import sqlite3

import pytest

from bot.delivery import DatabaseWorker, answer, forward_outbox, forward_pending
from commands import texts
from commands.types import CODIR_ROOM, Message, Post, Reply
from storage import outbox
from storage.db import open_db
from storage.transactions import transaction

MESSAGE = Message(sender="@luc:x", text="!maj 23 fait", room="!room", event_id="$e1")


class StubEngine:
    """handle() answers with `reply`, or raises `fault`; delivered() is noted."""

    def __init__(self, reply: Reply | None = None, fault: Exception | None = None) -> None:
        self.reply, self.fault = reply, fault
        self.delivered_ids: list[str | None] = []

    def handle(self, message: Message) -> Reply | None:
        if self.fault is not None:
            raise self.fault
        return self.reply

    def delivered(self, event_id: str | None) -> None:
        self.delivered_ids.append(event_id)


class Chat:
    """A transport's two sending steps, noting what they were given."""

    def __init__(self, *, sends: bool = True, posts_done: bool = True) -> None:
        self.sends, self.posts_done = sends, posts_done
        self.steps: list[tuple[str, Reply]] = []

    async def send_reply(self, reply: Reply) -> bool:
        self.steps.append(("reply", reply))
        return self.sends

    async def send_posts(self, reply: Reply) -> bool:
        self.steps.append(("posts", reply))
        return self.posts_done


async def answered(engine: StubEngine, chat: Chat) -> Reply | None:
    return await answer(DatabaseWorker(), engine, MESSAGE, chat.send_reply, chat.send_posts)


@pytest.mark.parametrize(
    ("fault", "text"),
    [
        (sqlite3.OperationalError("database is locked"), texts.RETRY_LATER),
        (ValueError("a bug"), texts.INTERNAL_ERROR),
    ],
)
async def test_a_fault_is_answered_with_try_again_and_nothing_is_marked_delivered(fault, text):
    engine, chat = StubEngine(fault=fault), Chat()
    reply = await answered(engine, chat)
    assert [step for step, _ in chat.steps] == ["reply"]  # no posts for a « réessayez »
    assert reply.text == text and reply.transient and reply.refused
    assert reply.event_id == MESSAGE.event_id
    assert engine.delivered_ids == []  # the command may come again


async def test_a_reply_goes_out_then_its_posts_then_the_message_is_marked_delivered():
    sent = Reply(text="Action 23 : fait", posts=[Post(CODIR_ROOM, "23 fait", "")])
    engine, chat = StubEngine(reply=sent), Chat()
    assert await answered(engine, chat) is sent
    assert chat.steps == [("reply", sent), ("posts", sent)]
    assert engine.delivered_ids == ["$e1"]  # the message's id, whatever the reply carries


async def test_a_message_delivered_already_sends_nothing():
    engine, chat = StubEngine(reply=None), Chat()
    assert await answered(engine, chat) is None
    assert chat.steps == [] and engine.delivered_ids == []


async def test_a_reply_the_transport_gave_up_is_not_marked_delivered():
    engine, chat = StubEngine(reply=Reply(text="ok")), Chat(sends=False)
    assert await answered(engine, chat) is None
    assert [step for step, _ in chat.steps] == ["reply"]
    assert engine.delivered_ids == []


async def test_posts_still_on_their_way_leave_the_marking_to_the_transport():
    engine, chat = StubEngine(reply=Reply(text="ok")), Chat(posts_done=False)
    await answered(engine, chat)
    assert engine.delivered_ids == []


@pytest.fixture
def db():
    database = open_db(":memory:")
    with transaction(database):
        posts = [Post(CODIR_ROOM, "23 fait", ""), Post(CODIR_ROOM, "24 fait", "")]
        outbox.queue(database, posts, ["teams"])
    return database


async def test_the_outbox_is_forwarded_once_in_order(db):
    worker, stop, sent = DatabaseWorker(), asyncio.Event(), []

    async def send(row: dict) -> None:
        sent.append(row["text"])
        if len(sent) == 2:
            asyncio.get_running_loop().call_later(0.05, stop.set)  # a few more passes

    await asyncio.wait_for(forward_outbox(worker, db, "teams", send, stop, every=0.01), 5)
    assert sent == ["23 fait", "24 fait"]
    assert outbox.pending(db, "teams") == []


async def test_an_outbox_post_that_fails_stops_the_pass_and_goes_out_at_the_next(db):
    worker, stop, sent = DatabaseWorker(), asyncio.Event(), []

    async def failing(row: dict) -> None:
        raise ConnectionError("Bot Connector injoignable")

    with pytest.raises(ConnectionError):
        await forward_pending(worker, db, "teams", failing, stop)

    async def send(row: dict) -> None:
        sent.append(row["text"])

    await forward_pending(worker, db, "teams", send, stop)
    assert sent == ["23 fait", "24 fait"]


async def test_the_outbox_waits_until_the_transport_is_ready(db):
    worker, stop, sent = DatabaseWorker(), asyncio.Event(), []

    async def send(row: dict) -> None:
        sent.append(row["text"])

    asyncio.get_running_loop().call_later(0.05, stop.set)
    await forward_outbox(worker, db, "teams", send, stop, ready=lambda: False, every=0.01)
    assert sent == [] and len(outbox.pending(db, "teams")) == 2
