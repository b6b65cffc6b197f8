"""A proposal is confirmed in one tap: kept per person and room for ten minutes, applied once on
« oui », « ok » or 👍 (or a reaction, a button: `Message.confirmation`), dropped by « non » or
any other message; a replayed confirmation is applied once; a restart forgets it."""

import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from nio import ReactionEvent

from bot.matrix.events import Router
from bot.shell import run_shell
from bot.teams import texts as teams_texts
from bot.teams.cards import command_of, proposal_card
from commands import proposal_texts
from commands.catalogue import build_registry
from commands.engine import Engine
from commands.errors import Proposal
from commands.proposals import PROPOSAL_MINUTES
from commands.registry import Command
from commands.types import Message
from storage import history
from storage.db import open_db
from storage.importing import import_plan, load_example
from tests.conftest import ADMIN, LUC, NOW, STRANGER, SYLVIE, MovingClock, snapshot

ROOM = "!room"
#: A test-only command proposing two updates of Sylvie's actions (23 and 24).
PROPOSED = ("!maj 23 en cours 50%", "!maj 24 fait")


def propose(ctx, args):
    raise Proposal("Je comprends : 23 en cours, 50 % ; 24 fait. C'est bien ça ?", PROPOSED)


@pytest.fixture
def clock():
    return MovingClock()


@pytest.fixture
def engine(db, directory, clock):
    registry = build_registry()
    registry.add(Command(name="proposer", handler=propose))
    return Engine(db, directory, registry, clock=clock)


@pytest.fixture
def say(engine):
    def send(sender, text, event_id=None, room=ROOM, **flags):
        message = Message(sender=sender, text=text, room=room, event_id=event_id, **flags)
        return engine.handle(message)

    return send


def status(db, number: int) -> tuple:
    row = db.execute("select status, progress from actions where number = ?", [number]).fetchone()
    return tuple(row)


def updates(db, number: int) -> list[dict]:
    return [e for e in history.entries(db, number) if e["kind"] != "import"]


def test_a_proposal_stores_nothing_and_says_what_confirming_would_store(db, say):
    before = snapshot(db)
    reply = say(SYLVIE, "!proposer", event_id="$p")
    assert reply.refused and reply.proposal == PROPOSED
    assert "23 en cours, 50 %" in reply.text and proposal_texts.HINT in reply.text
    assert snapshot(db) == before


@pytest.mark.parametrize("answer", ["oui", "OK !", "👍", "✅", "d'accord", "C'est ça."])
def test_a_confirmation_applies_every_line_once(db, say, answer):
    say(SYLVIE, "!proposer", event_id="$p")
    reply = say(SYLVIE, answer, event_id="$yes")
    assert not reply.refused, reply.text
    assert "Action 23" in reply.text and "Action 24" in reply.text
    assert status(db, 23) == ("en cours", 50) and status(db, 24)[0] == "fait"
    assert {e["source_id"] for e in updates(db, 23) + updates(db, 24)} == {"$yes"}
    # Confirmed: « oui » again is a plain « oui » (nothing pending), applying nothing.
    after = snapshot(db)
    say(SYLVIE, "oui", event_id="$yes-again")
    assert snapshot(db) == after


def test_a_replayed_confirmation_is_applied_once(db, say, engine):
    say(SYLVIE, "!proposer", event_id="$p")
    first = say(SYLVIE, "oui", event_id="$yes")
    again = say(SYLVIE, "oui", event_id="$yes")  # the bot died before sending its reply
    assert again.text == first.text
    assert len(updates(db, 24)) == 1
    engine.delivered("$yes")
    assert say(SYLVIE, "oui", event_id="$yes") is None
    assert len(updates(db, 24)) == 1


def test_a_replayed_proposing_message_keeps_the_proposal(db, say):
    say(SYLVIE, "!proposer", event_id="$p")
    say(SYLVIE, "!proposer", event_id="$p")  # redelivered: not "another message"
    assert not say(SYLVIE, "oui", event_id="$yes").refused
    assert status(db, 24)[0] == "fait"


def test_a_proposal_is_kept_ten_minutes(db, say, clock):
    say(SYLVIE, "!proposer", event_id="$p")
    clock.now = NOW + timedelta(minutes=PROPOSAL_MINUTES) - timedelta(seconds=1)
    assert not say(SYLVIE, "oui", event_id="$yes").refused
    assert status(db, 24)[0] == "fait"


def test_an_expired_proposal_is_not_applied(db, say, clock):
    say(SYLVIE, "!proposer", event_id="$p")
    before = snapshot(db)
    clock.now = NOW + timedelta(minutes=PROPOSAL_MINUTES)
    reply = say(SYLVIE, "oui", event_id="$yes")
    assert reply.refused and "expiré" in reply.text
    assert snapshot(db) == before


def test_non_drops_the_proposal(db, say):
    say(SYLVIE, "!proposer", event_id="$p")
    before = snapshot(db)
    assert say(SYLVIE, "non", event_id="$no").text == proposal_texts.DROPPED
    say(SYLVIE, "oui", event_id="$yes")
    assert snapshot(db) == before


def test_another_message_drops_the_proposal_and_is_handled_as_usual(db, say):
    say(SYLVIE, "!proposer", event_id="$p")
    reply = say(SYLVIE, "!action 23", event_id="$read")
    assert reply.text.startswith("Action 23")
    before = snapshot(db)
    say(SYLVIE, "oui", event_id="$yes")
    assert snapshot(db) == before


def test_another_persons_oui_does_nothing_and_keeps_the_proposal(db, say):
    say(SYLVIE, "!proposer", event_id="$p")
    before = snapshot(db)
    say(LUC, "oui", event_id="$luc")
    say(ADMIN, "👍", event_id="$dg")
    assert snapshot(db) == before
    assert not say(SYLVIE, "oui", event_id="$yes").refused
    assert {e["who"] for e in updates(db, 24)} == {SYLVIE}


def test_a_proposal_is_kept_per_room(db, say):
    say(SYLVIE, "!proposer", event_id="$p")
    before = snapshot(db)
    say(SYLVIE, "oui", event_id="$elsewhere", room="!other")
    assert snapshot(db) == before
    assert not say(SYLVIE, "oui", event_id="$yes").refused


def test_oui_with_nothing_pending_keeps_its_usual_behaviour(say):
    assert say(SYLVIE, "oui", event_id="$yes") is None
    reply = say(SYLVIE, "oui", event_id="$yes-direct", direct=True)
    assert reply is None or not reply.proposal


def test_a_gesture_confirms_and_with_nothing_pending_says_so(db, say):
    say(SYLVIE, "!proposer", event_id="$p")
    assert not say(SYLVIE, "", event_id="$reaction", confirmation=True).refused
    assert status(db, 24)[0] == "fait"
    late = say(SYLVIE, "", event_id="$reaction-2", confirmation=True)
    assert late.refused and late.text == proposal_texts.NOTHING_PENDING


def test_a_refused_line_rolls_back_the_whole_proposal(db, say, engine):
    engine.registry.add(
        Command(name="mixte", handler=lambda c, a: _raise(("!maj 23 fait", "!maj 47 fait")))
    )
    say(SYLVIE, "!mixte", event_id="$p")  # 47 is Luc's: Sylvie may not update it
    before = snapshot(db, without=("people_seen", "handled_events"))
    assert say(SYLVIE, "oui", event_id="$yes").refused
    assert snapshot(db, without=("people_seen", "handled_events")) == before


def _raise(lines):
    raise Proposal("Deux mises à jour ?", lines)


def test_a_near_status_is_proposed_and_confirmed(db, say):
    reply = say(SYLVIE, "!maj 23 fiat", event_id="$p")
    assert reply.proposal == ("!maj 23 fait",)
    assert "« !maj 23 fait »" in reply.text
    assert not say(SYLVIE, "ok", event_id="$yes").refused
    assert status(db, 23)[0] == "fait"


def test_a_proposal_writes_nothing_even_its_event(path_engine):
    db, engine = path_engine
    statements = []
    db.conn.set_trace_callback(statements.append)
    engine.handle(Message(sender=SYLVIE, text="!maj 23 fiat", room=ROOM, event_id="$p"))
    db.conn.set_trace_callback(None)
    writes = ("insert", "update", "delete", "replace", "begin immediate")
    assert [s for s in statements if s.lstrip().lower().startswith(writes)] == []


def test_a_restart_forgets_the_proposal(tmp_path, directory):
    db = open_db(tmp_path / "pst.db")
    import_plan(db, load_example())
    Engine(db, directory, build_registry(), clock=lambda: NOW).handle(
        Message(sender=SYLVIE, text="!maj 23 fiat", room=ROOM, event_id="$p")
    )
    restarted = Engine(db, directory, build_registry(), clock=lambda: NOW)
    restarted.handle(Message(sender=SYLVIE, text="oui", room=ROOM, event_id="$yes"))
    assert status(db, 23)[0] != "fait"


@pytest.fixture
def path_engine(tmp_path, directory):
    db = open_db(tmp_path / "pst.db")
    import_plan(db, load_example())
    return db, Engine(db, directory, build_registry(), clock=lambda: NOW)


def test_the_console_confirms_with_oui(db, directory, tmp_path):
    engine = Engine(db, directory, build_registry(), clock=lambda: NOW)
    out = io.StringIO()
    run_shell(engine, SYLVIE, tmp_path, lines=io.StringIO("23 fiat\noui\n"), out=out)
    assert "vouliez-vous dire « fait »" in out.getvalue()
    assert "Action 23 : à démarrer → fait" in out.getvalue()
    assert status(db, 23)[0] == "fait"


# ---------------------------------------------------------------- Matrix: a reaction confirms


def reaction(key: str, on: str, sender: str = SYLVIE, event_id: str = "$r") -> ReactionEvent:
    source = {
        "type": "m.reaction",
        "event_id": event_id,
        "sender": sender,
        "origin_server_ts": 0,
        "content": {"m.relates_to": {"rel_type": "m.annotation", "event_id": on, "key": key}},
    }
    return ReactionEvent.from_dict(source)


@pytest.fixture
def router():
    client = SimpleNamespace(user_id="@pst:example.org", rooms={})
    router = Router(client=client, runtime=None, sender=None, rooms=None)
    router._asked(Message(sender=SYLVIE, text="!maj 23 fiat", room=ROOM, event_id="$p"), "$q")
    return router


@pytest.mark.parametrize("key", ["👍", "✅", "👍🏽", "✔️", "👌"])
def test_a_thumbs_up_or_check_reaction_on_the_question_is_the_persons_oui(router, key):
    message = router._reaction(ROOM, reaction(key, on="$q", event_id="$r1"))
    assert message == Message(
        sender=SYLVIE,
        text="oui",
        room=ROOM,
        event_id="$r1",
        confirmation=True,
        transport="matrix",
    )


def test_a_reaction_from_someone_else_on_another_event_or_another_key_is_ignored(router):
    assert router._reaction(ROOM, reaction("👍", on="$q", sender=LUC)) is None
    assert router._reaction(ROOM, reaction("👍", on="$other")) is None
    assert router._reaction("!elsewhere", reaction("👍", on="$q")) is None
    assert router._reaction(ROOM, reaction("🎉", on="$q")) is None
    assert router._reaction(ROOM, reaction("👎", on="$q")).text == "non"


# ---------------------------------------------------------------- Teams: a button confirms


def test_a_teams_proposal_card_has_a_yes_and_a_no_button_answering_oui_and_non():
    sent = proposal_card("« fiat » : vouliez-vous dire « fait » ?").model_dump(
        by_alias=True, exclude_none=True
    )
    card = sent["attachments"][0]["content"]
    (buttons,) = [block["actions"] for block in card["body"] if "actions" in block]
    assert [(b["title"], b["data"]) for b in buttons] == [
        (teams_texts.CARD_YES, {"pst": "oui"}),
        (teams_texts.CARD_NO, {"pst": "non"}),
    ]
    assert [command_of(b["data"]) for b in buttons] == ["oui", "non"]


def test_a_line_proposed_in_a_grouped_message_is_kept_for_oui_while_the_others_apply(db, say):
    reply = say(SYLVIE, "!maj 23 fait\n24 fiat", event_id="$grouped")
    assert status(db, 23) == ("fait", 100)
    assert status(db, 24) == ("à démarrer", None)
    assert reply.proposal == ("!maj 24 fait",)
    say(SYLVIE, "oui", event_id="$yes")
    assert status(db, 24) == ("fait", 100)


def test_a_grouped_message_whose_every_line_is_proposed_stores_nothing_until_oui(db, say):
    before = snapshot(db)
    reply = say(SYLVIE, "!maj 23 fiat\n24 fiat", event_id="$both")
    assert reply.refused and reply.proposal == ("!maj 23 fait", "!maj 24 fait")
    assert snapshot(db) == before
    say(SYLVIE, "oui", event_id="$yes")
    assert status(db, 23) == ("fait", 100) and status(db, 24) == ("fait", 100)


@pytest.mark.parametrize("line", ["!maj 23 fiat", "!maj 23 fait ?", "23 fait ?"])
def test_a_line_on_an_action_one_does_not_pilot_is_refused_not_proposed(db, say, line):
    before = snapshot(db)
    reply = say(LUC, line, event_id="$p", direct=True)
    assert reply.refused and reply.proposal == ()
    assert "Vous n'êtes pas pilote de l'action 23" in reply.text
    after = say(LUC, "oui", event_id="$yes", direct=True)
    assert snapshot(db) == before, after.text


def test_a_stranger_proposed_nothing_learns_nothing_more_than_the_refusal(db, say):
    reply = say(STRANGER, "!maj 23 fait ?", event_id="$p")
    assert reply.refused and reply.proposal == ()
