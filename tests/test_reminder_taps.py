"""One tap on a reminder: its pilot's ✅ (or a line's keycap) marks the action done through the
engine, once, with its CODIR post; taking the reaction back undoes it within 15 minutes, and
only what it recorded. The reminder is the one the scheduler composes, over the example plan."""

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.matrix import texts
from bot.matrix.direct import reminder_content
from bot.matrix.taps import which_line
from commands import reminder_taps
from commands.engine import Engine
from commands.reminder_taps import KEYCAPS, command_of, tap, withdrawal
from commands.schedule import Rhythm, reminders
from commands.types import Message
from storage import history, sends
from storage.db import open_db
from storage.importing import import_plan, load_example
from storage.sends import SentReminder
from storage.transactions import transaction
from tests.conftest import ADMIN, LUC, NOW, REGISTRY, SYLVIE, MovingClock, snapshot

REMINDER_EVENT, ROOM = "$reminder", "!direct"


def reminder_about(db, directory, *numbers: int):
    """LM's reminder of today about `numbers` (due in five days), recorded and sent as the
    event REMINDER_EVENT; every other action is far from its deadline, with fresh news."""
    with transaction(db):
        db.execute("update actions set end_date = '2030-12-31'")
        db.execute(
            "insert into updates (action_number, at, who, kind, old_status, new_status)"
            " select number, ?, 'import', 'note', status, status from actions",
            [(NOW - timedelta(days=1)).isoformat()],
        )
        for number in numbers:
            db.execute(
                "update actions set end_date = ? where number = ?",
                [(NOW + timedelta(days=5)).date().isoformat(), number],
            )
    [outgoing] = [o for o in reminders(db, Rhythm(), directory, NOW) if o.recipient == LUC]
    assert sends.record(db, outgoing)
    sends.remember_event(db, outgoing.key, REMINDER_EVENT, ROOM)
    return outgoing


@pytest.fixture
def clock():
    return MovingClock()


@pytest.fixture
def engine(db, directory, clock):
    return Engine(db, directory, REGISTRY, clock=clock)


def react(engine, sender: str, key: str, event_id: str = "$reaction"):
    """A reaction on the reminder, as the Matrix transport hands it: the reply, or the Tap
    when it asks which line, or None."""
    found = tap(engine.db, event_id, REMINDER_EVENT, sender, key, engine.clock())
    if found is None or found.command is None:
        return found
    return engine.handle(as_message(sender, found.command, event_id))


def take_back(engine, sender: str, reaction: str = "$reaction", event_id: str = "$redaction"):
    command = withdrawal(engine.db, sender, reaction, event_id)
    return command and engine.handle(as_message(sender, command, event_id))


def as_message(sender: str, text: str, event_id: str) -> Message:
    return Message(sender, text, ROOM, event_id=event_id, direct=True, transport="matrix")


def status_of(db, number: int) -> str:
    return db.execute("select status from actions where number = ?", [number]).fetchone()[0]


# ---------------------------------------------------------------- the reminder as sent


def test_a_reminder_about_one_action_ends_with_the_check_to_react_with(db, directory):
    content = reminder_content(reminder_about(db, directory, 52))
    assert content["body"].endswith(texts.TAP_ONE)
    assert texts.TAP_ONE in content["formatted_body"]
    assert not any(keycap in content["body"] for keycap in KEYCAPS)


def test_a_reminder_about_several_actions_numbers_each_line_with_its_keycap(db, directory):
    outgoing = reminder_about(db, directory, 52, 53, 54)
    content = reminder_content(outgoing)
    lines = [line for line in content["body"].splitlines() if line.startswith(KEYCAPS)]
    assert [line.split(" ", 1)[0] for line in lines] == list(KEYCAPS[:3])
    for keycap, line, code in zip(KEYCAPS[:3], lines, outgoing.actions, strict=True):
        assert line.endswith(f"!maj {code} fait")  # the keycap of a line is its action's
        assert f"<li>{keycap} " in content["formatted_body"]
    assert content["body"].endswith(texts.TAP_LINE)


def test_the_event_of_a_reminder_is_found_again_after_a_restart(tmp_path, directory):
    path = tmp_path / "pst.db"
    db = open_db(path)
    import_plan(db, load_example())
    outgoing = reminder_about(db, directory, 52)
    db.close()
    again = open_db(path)
    assert sends.reminder_of_event(again, REMINDER_EVENT) == SentReminder(
        outgoing.key, LUC, ("52",), ROOM
    )
    assert sends.reminder_of_event(again, "$another") is None


# ---------------------------------------------------------------- a reaction


def test_a_check_on_a_reminder_about_one_action_marks_it_done_with_its_codir_post(
    engine, db, directory
):
    reminder_about(db, directory, 52)
    reply = react(engine, LUC, "✅")
    assert not reply.refused and "52" in reply.text
    assert status_of(db, 52) == "fait"
    [post] = reply.posts
    assert post.room == "codir" and "52" in post.text
    [entry] = [e for e in history.entries(db, 52) if e["source_id"] == "$reaction"]
    assert (entry["who"], entry["new_status"]) == (LUC, "fait")


@pytest.mark.parametrize("key", ["✔️", "✔", "☑️", "✅\ufe0f"])
def test_the_other_checks_count_as_done_too(engine, db, directory, key):
    reminder_about(db, directory, 52)
    react(engine, LUC, key)
    assert status_of(db, 52) == "fait"


def test_a_replayed_reaction_is_applied_once(engine, db, directory):
    reminder_about(db, directory, 52)
    react(engine, LUC, "✅")
    engine.delivered("$reaction")
    assert react(engine, LUC, "✅") is None  # the same event again: nothing more
    assert len([e for e in history.entries(db, 52) if e["source_id"] == "$reaction"]) == 1


def test_only_the_reminders_recipient_counts(engine, db, directory):
    reminder_about(db, directory, 52)
    before = snapshot(db)
    for someone in (ADMIN, SYLVIE):
        assert react(engine, someone, "✅") is None
        assert react(engine, someone, "1️⃣") is None
    assert snapshot(db) == before


def test_a_keycap_marks_that_lines_action_done(engine, db, directory):
    outgoing = reminder_about(db, directory, 52, 53, 54)
    second = outgoing.actions[1]
    reply = react(engine, LUC, "2️⃣")
    assert not reply.refused and second in reply.text
    assert [status_of(db, int(code)) == "fait" for code in outgoing.actions] == [
        False,
        True,
        False,
    ]


def test_a_check_on_a_reminder_about_several_asks_which_line_and_stores_nothing(
    engine, db, directory
):
    outgoing = reminder_about(db, directory, 52, 53, 54)
    before = snapshot(db)
    found = react(engine, LUC, "✅")
    assert found.command is None and found.which_of == outgoing.actions
    assert which_line(found.which_of) == (
        "Ce rappel porte sur 3 actions : réagissez avec le chiffre de la ligne "
        f"(1️⃣, 2️⃣, 3️⃣) ou écrivez « {outgoing.actions[0]} fait »."
    )
    assert snapshot(db) == before


@pytest.mark.parametrize("key", ["🎉", "👍", "👎", "4️⃣", "🔟", "fait", ""])
def test_other_emoji_and_keycaps_past_the_lines_are_ignored(engine, db, directory, key):
    reminder_about(db, directory, 52, 53, 54)
    before = snapshot(db)
    assert react(engine, LUC, key) is None
    assert snapshot(db) == before


def test_a_reaction_on_another_event_is_no_tap(engine, db, directory):
    reminder_about(db, directory, 52)
    assert tap(db, "$reaction", "$not-a-reminder", LUC, "✅", NOW) is None
    assert sends.tap_of(db, "$reaction") is None


# ---------------------------------------------------------------- taking it back


def test_taking_the_reaction_back_undoes_it_with_its_codir_post(engine, db, directory, clock):
    reminder_about(db, directory, 52)
    before = status_of(db, 52)
    react(engine, LUC, "✅")
    clock.wait(5)
    reply = take_back(engine, LUC)
    assert not reply.refused and "52" in reply.text
    assert status_of(db, 52) == before
    [post] = reply.posts
    assert post.room == "codir" and "52" in post.text


def test_taking_back_a_reaction_never_undoes_a_change_typed_since(engine, db, directory):
    reminder_about(db, directory, 52)
    react(engine, LUC, "✅")
    engine.handle(as_message(LUC, "!maj 52 en cours 80 %", "$typed"))
    assert withdrawal(db, LUC, "$reaction", "$redaction") is None
    assert status_of(db, 52) == "en cours"


def test_taking_back_a_reaction_undone_by_hand_does_nothing_more(engine, db, directory):
    reminder_about(db, directory, 52)
    react(engine, LUC, "✅")
    engine.handle(as_message(LUC, "!annuler 52", "$typed-undo"))
    assert withdrawal(db, LUC, "$reaction", "$redaction") is None


def test_only_its_sender_takes_a_reaction_back(engine, db, directory):
    reminder_about(db, directory, 52)
    react(engine, LUC, "✅")
    assert withdrawal(db, ADMIN, "$reaction", "$redaction") is None  # a moderator's redaction
    assert withdrawal(db, LUC, "$some-message", "$redaction") is None  # not a tap
    assert status_of(db, 52) == "fait"


def test_taking_back_a_refused_reaction_does_nothing(engine, db, directory):
    reminder_about(db, directory, 52)
    with transaction(db):  # LM is no longer the pilot of 52: the tap is refused
        db.execute("delete from action_pilots where action_number = 52")
    assert react(engine, LUC, "✅").refused
    assert withdrawal(db, LUC, "$reaction", "$redaction") is None


def test_taking_back_after_15_minutes_is_refused_in_french(engine, db, directory, clock):
    reminder_about(db, directory, 52)
    react(engine, LUC, "✅")
    clock.wait(16)
    reply = take_back(engine, LUC)
    assert reply.refused and "plus de 15 minutes" in reply.text
    assert status_of(db, 52) == "fait"


def test_a_replayed_withdrawal_undoes_once(engine, db, directory):
    reminder_about(db, directory, 52)
    react(engine, LUC, "✅")
    take_back(engine, LUC)
    engine.delivered("$redaction")
    assert take_back(engine, LUC) is None  # the same redaction again: answered already
    assert len([e for e in history.entries(db, 52) if e["source_id"] == "$redaction"]) == 1


# ---------------------------------------------------------------- any reaction


CODES = st.lists(
    st.from_regex(r"\A[1-9][0-9]{0,2}(\.[1-9]){0,2}\Z"), min_size=1, max_size=14, unique=True
)
PEOPLE = st.sampled_from([LUC, SYLVIE, ADMIN])
KEYS = st.one_of(
    st.sampled_from([*KEYCAPS, "✅", "✔️", "☑️", "✔", "👍", "🎉", "1⃣", "#️⃣", "0️⃣"]), st.text()
)


@given(codes=CODES, recipient=PEOPLE, sender=PEOPLE, key=KEYS)
def test_any_reaction_is_nothing_or_its_recipient_marking_one_of_its_actions_done(
    codes, recipient, sender, key
):
    reminder = SentReminder("reminder:k", recipient, tuple(codes))
    command = command_of(reminder, sender, key)
    assert command is None or (
        sender == recipient and command in {f"!maj {code} fait" for code in codes}
    )
    assert not (command and reminder_taps.asks_which(reminder, sender, key))
