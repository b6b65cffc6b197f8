"""What pilots mean beyond the command words: `annuler 59`, a correction, a question about one
action, their own late actions, a deadline request, English or Dutch, a mistyped command."""

from datetime import timedelta

import pytest

from commands.engine import Engine
from commands.types import Message
from storage import history
from storage.actions import get_action
from tests.conftest import LUC, NOW, REGISTRY, SYLVIE, snapshot


class Clock:
    def __init__(self):
        self.now = NOW

    def __call__(self):
        return self.now

    def wait(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def say(db, directory, clock):
    """A direct chat (the "!" is optional), with a clock that moves half a minute a message."""
    engine = Engine(db, directory, REGISTRY, clock=clock)

    def send(sender: str, text: str, event_id: str | None = None):
        clock.wait(0.5)
        return engine.handle(Message(sender=sender, text=text, event_id=event_id, direct=True))

    return send


def state(db, number: int) -> tuple:
    action = get_action(db, number)
    return action.status, action.progress


# ---------------------------------------------------------------- annuler N


@pytest.mark.parametrize("text", ["annuler 59", "!annuler 59"])
def test_undo_of_one_action_undoes_only_that_actions_last_update(say, db, text):
    say(LUC, "!maj 59 en cours 30%")
    say(LUC, "!maj 52 fait")
    reply = say(LUC, text)
    assert not reply.refused and "Action 59" in reply.text
    assert state(db, 59) == ("à démarrer", None)
    assert state(db, 52) == ("fait", 100)


def test_undo_of_one_action_in_a_grouped_update_leaves_the_other_actions(say, db):
    say(LUC, "!maj 59 en cours 30%\n52 fait", event_id="$group")
    say(LUC, "annuler 59")
    assert state(db, 59) == ("à démarrer", None)
    assert state(db, 52) == ("fait", 100)


def test_undo_of_one_action_skips_updates_already_undone(say, db):
    say(LUC, "!maj 59 en cours 30%")
    say(LUC, "!maj 59 en cours 60%")
    say(LUC, "annuler 59")
    say(LUC, "annuler 59")
    assert state(db, 59) == ("à démarrer", None)
    assert [e["kind"] for e in history.entries(db, 59)] == ["status", "status", "undo", "undo"]


def test_undo_alone_still_undoes_the_last_update_whatever_the_action(say, db):
    say(LUC, "!maj 59 en cours 30%")
    say(LUC, "!maj 52 fait")
    say(LUC, "annuler")
    assert state(db, 52) == ("à démarrer", None)
    assert state(db, 59) == ("en cours", 30)


def test_undo_of_an_action_this_person_never_updated_is_refused(say, db):
    say(LUC, "!maj 52 fait")
    before = snapshot(db)
    reply = say(LUC, "annuler 59")
    assert reply.refused
    assert reply.text.startswith("Rien à annuler sur l'action 59")
    assert snapshot(db) == before


def test_undo_of_an_action_updated_by_someone_else_only_is_refused(say, db):
    say(SYLVIE, "!maj 23 fait")
    before = snapshot(db)
    reply = say(LUC, "annuler 23")
    assert reply.refused and "Rien à annuler sur l'action 23" in reply.text
    assert snapshot(db) == before


def test_undo_of_one_action_after_fifteen_minutes_is_refused(say, db, clock):
    say(LUC, "!maj 59 fait")
    say(LUC, "!maj 52 fait")
    clock.wait(15)
    before = snapshot(db)
    reply = say(LUC, "annuler 59")
    assert reply.refused and "mise à jour de l'action 59" in reply.text
    assert snapshot(db) == before


def test_undo_of_an_unknown_action_is_refused(say, db):
    before = snapshot(db)
    reply = say(LUC, "annuler 9999")
    assert reply.refused and "9999" in reply.text
    assert snapshot(db) == before
