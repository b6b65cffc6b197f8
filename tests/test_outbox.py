"""Several transports on one database: a change made in one is queued, in its own transaction,
for the CODIR rooms of the others."""

from commands.engine import Engine
from commands.types import Message
from storage import outbox
from tests.conftest import NOW, REGISTRY, SYLVIE


def engine_for(db, directory):
    return Engine(db, directory, REGISTRY, clock=lambda: NOW, transports=("matrix", "teams"))


def test_a_change_made_in_teams_is_queued_for_the_matrix_codir_room(db, directory):
    engine = engine_for(db, directory)
    reply = engine.handle(
        Message(sender=SYLVIE, text="!maj 23 fait", event_id="teams:1", transport="teams")
    )
    [queued] = outbox.pending(db, "matrix")
    assert queued["room"] == "codir" and queued["text"] == reply.posts[0].text
    assert outbox.pending(db, "teams") == []


def test_a_redelivered_change_is_queued_once(db, directory):
    engine = engine_for(db, directory)
    message = Message(sender=SYLVIE, text="!maj 23 fait", event_id="$e", transport="matrix")
    engine.handle(message)
    engine.handle(message)
    assert len(outbox.pending(db, "teams")) == 1


def test_a_refused_change_or_a_read_queues_nothing(db, directory):
    engine = engine_for(db, directory)
    engine.handle(Message(sender=SYLVIE, text="!maj 47 fait", transport="matrix"))
    engine.handle(Message(sender=SYLVIE, text="!action 23", transport="matrix"))
    assert outbox.pending(db, "teams") == []


def test_a_sent_post_leaves_the_outbox(db, directory):
    engine_for(db, directory).handle(
        Message(sender=SYLVIE, text="!maj 23 fait", transport="matrix")
    )
    [queued] = outbox.pending(db, "teams")
    outbox.sent(db, queued["id"])
    assert outbox.pending(db, "teams") == []


def test_the_console_with_one_transport_queues_nothing(db, directory):
    Engine(db, directory, REGISTRY, clock=lambda: NOW).handle(
        Message(sender=SYLVIE, text="!maj 23 fait")
    )
    assert db.execute("select count(*) from outbox").fetchone() == (0,)


def test_a_replayed_undelivered_reply_carries_its_event_id_to_be_marked_delivered(db, directory):
    engine = engine_for(db, directory)
    message = Message(sender=SYLVIE, text="!maj 23 fait", event_id="$r", transport="matrix")
    engine.handle(message)
    replayed = engine.handle(message)
    assert replayed.event_id == "$r"
    engine.delivered(replayed.event_id)
    assert engine.handle(message) is None
