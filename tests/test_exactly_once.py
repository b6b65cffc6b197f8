"""Exactly once, for every command: the engine itself sees which commands wrote (no flag set by
hand), stores their reply with the event id, and never applies a replayed event again."""

from commands.engine import Engine
from commands.registry import Command, Registry
from commands.types import Message, Reply
from storage import history
from tests.conftest import ADMIN, NOW, REGISTRY, snapshot

WRITERS = {"maj", "note", "indicateur", "sante", "echeance", "annuler", "pilote", "role", "report"}
WRITERS |= {"absent", "rappels", "evaluation"}  # !evaluation texte OS 2 …
WRITERS |= {"budget", "odd", "mandataire", "decision", "synergie"}  # the plan's fields
WRITERS |= {"demande", "valider", "refuser", "campagne"}  # the DG's cycle
BOOKKEEPING = ("handled_events", "people_seen")


def test_every_writing_command_is_applied_once_however_often_its_event_is_replayed(db, directory):
    engine = Engine(db, directory, REGISTRY, clock=lambda: NOW)
    wrote = set()
    for cmd in REGISTRY.commands.values():
        for index, example in enumerate(cmd.examples):
            event = f"${cmd.name}-{index}"
            message = Message(sender=ADMIN, text=example, event_id=event)
            before = snapshot(db, without=BOOKKEEPING)
            reply = engine.handle(message)
            after = snapshot(db, without=BOOKKEEPING)
            if after == before:
                continue
            wrote.add(cmd.name)
            assert not reply.refused, (example, reply.text)
            # The bot died before sending: the same reply again, nothing applied twice.
            again = engine.handle(message)
            assert (again.text, again.posts) == (reply.text, reply.posts), example
            assert snapshot(db, without=BOOKKEEPING) == after, example
            # Sent: the event is ignored from now on.
            engine.delivered(event)
            assert engine.handle(message) is None, example
            assert snapshot(db, without=BOOKKEEPING) == after, example
    assert wrote == WRITERS, sorted(wrote ^ WRITERS)


def test_a_command_that_writes_is_recognised_without_being_declared_a_writer(db, directory):
    def stealthy(ctx, args):
        history.record_update(ctx.db, 23, ctx.user.chat_id, kind="note", comment="x", at=ctx.now)
        return Reply(text="ok")

    registry = Registry()
    registry.add(Command(name="furtif", handler=stealthy))
    engine = Engine(db, directory, registry, clock=lambda: NOW)
    message = Message(sender=ADMIN, text="!furtif", event_id="$stealth")
    engine.handle(message)
    engine.handle(message)
    assert [e["comment"] for e in history.entries(db, 23)].count("x") == 1


def test_a_replayed_read_is_answered_again_from_the_current_plan(say):
    first = say(ADMIN, "!action 23", event_id="$read")
    say(ADMIN, "!note 23 nouvelle note", event_id="$note")
    again = say(ADMIN, "!action 23", event_id="$read")
    assert "nouvelle note" not in first.text and "nouvelle note" in again.text
