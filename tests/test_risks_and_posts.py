"""!risques and the CODIR posts that carry signal (issue 20, items 3 and 4)."""

from datetime import UTC, datetime

import pytest

from commands.engine import Engine
from commands.formatting import PHONE
from commands.types import Message
from storage import history
from storage.actions import get_action
from tests.conftest import ADMIN, REGISTRY, STRANGER, SYLVIE, snapshot

EARLIER = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)


def said_on(db, directory, moment, sender, text):
    """`text` sent by `sender` at `moment` instead of the fixtures' NOW."""
    engine = Engine(db, directory, REGISTRY, clock=lambda: moment)
    return engine.handle(Message(sender=sender, text=text, room="!room"))


# ---------------------------------------------------------------- !risques


def test_risks_list_blocked_then_at_risk_with_reason_and_since_when(say, db, directory):
    said_on(db, directory, EARLIER, SYLVIE, "!sante 23 bloque marché infructueux")
    say(SYLVIE, "!maj 24 à risque pas de budget")
    reply = say(STRANGER, "!risques")
    assert not reply.refused
    lines = reply.text.splitlines()
    assert lines[0] == "⚠ 2 actions à risque ou bloquées au 14/03/2025 :"
    assert lines[1] == "Bloquées (1)"
    assert lines[2].startswith("• 23 ") and lines[2].endswith(
        "(SV) — depuis le 01/03/2025 — marché infructueux"
    )
    assert lines[3] == "À risque (1)"
    assert lines[4].startswith("• 24 ") and lines[4].endswith(
        "(SV) — depuis le 14/03/2025 — pas de budget"
    )


def test_risks_without_any_say_so(say):
    assert say(STRANGER, "!risques").text == "Aucune action à risque ni bloquée. 👍"


def test_risks_leave_out_an_action_back_to_good_or_done(say):
    say(SYLVIE, "!sante 23 risque marché en retard")
    say(SYLVIE, "!sante 24 bloque")
    say(SYLVIE, "!sante 23 bon")
    say(SYLVIE, "!maj 24 fait")
    assert say(STRANGER, "!risques").text == "Aucune action à risque ni bloquée. 👍"


def test_an_undone_health_change_is_no_risk(say):
    say(SYLVIE, "!sante 23 risque erreur de frappe")
    say(SYLVIE, "!annuler")
    assert "Aucune action" in say(STRANGER, "!risques").text


def test_a_repeated_health_keeps_its_first_day_and_the_latest_reason(say, db, directory):
    said_on(db, directory, EARLIER, SYLVIE, "!sante 23 bloque marché infructueux")
    say(SYLVIE, "!sante 23 bloque toujours pas de repreneur")
    text = say(STRANGER, "!risques").text
    assert "depuis le 01/03/2025 — toujours pas de repreneur" in text


def test_risks_come_in_phone_sized_pages(say, db):
    numbers = [n for (n,) in db.execute("select number from actions order by number limit 60")]
    for n in numbers:
        history.record_update(db, n, ADMIN, kind="health", value="bloque", comment="x" * 70)
    first = say(STRANGER, "!risques")
    assert len(first.text) <= PHONE
    assert first.text.splitlines()[-1].endswith("!risques page 2")
    assert not say(STRANGER, "!risques page 2").refused


def test_a_page_past_the_end_of_the_risks_is_refused_and_writes_nothing(say, db):
    say(SYLVIE, "!sante 23 risque")
    before = snapshot(db)
    reply = say(STRANGER, "!risques page 3")
    assert reply.refused and "une seule page" in reply.text
    assert snapshot(db) == before


# ---------------------------------------------------------------- health posted to the CODIR


def test_a_health_change_by_an_update_line_is_posted_without_a_status_move(say, db):
    reply = say(SYLVIE, "!maj 23 bloqué marché infructueux")
    [post] = reply.posts
    assert post.room == "codir"
    assert post.text.endswith("santé bloquée — marché infructueux")
    assert "→" not in post.text
    # one entry, the health with its reason: no « à démarrer → à démarrer »
    [entry] = history.entries(db, 23)
    assert (entry["kind"], entry["value"], entry["comment"]) == (
        "health",
        "bloque",
        "marché infructueux",
    )


def test_a_return_to_good_health_is_posted(say):
    say(SYLVIE, "!sante 23 bloque")
    [post] = say(SYLVIE, "!sante 23 bon marché relancé").posts
    assert "santé bonne — marché relancé" in post.text


def test_a_first_good_health_is_not_posted(say):
    assert say(SYLVIE, "!sante 24 bon").posts == []


# ---------------------------------------------------------------- posts that carry signal


def test_an_update_that_changes_nothing_posts_nothing_and_writes_nothing(say, db):
    say(SYLVIE, "!maj 23 fait")
    before = snapshot(db)
    reply = say(SYLVIE, "!maj 23 fait")
    assert reply.refused and reply.posts == []
    assert snapshot(db) == before


def test_a_comment_on_an_unchanged_status_posts_a_short_note(say):
    say(SYLVIE, "!maj 23 fait")
    reply = say(SYLVIE, "!maj 23 fait, bien reçu par le collège")
    [post] = reply.posts
    assert post.text.startswith("📝 Note de SV sur l'action 23 « ")
    assert post.text.endswith(" : bien reçu par le collège")
    assert "→" not in post.text and len(post.text) < 200


def test_a_note_command_posts_a_short_note(say):
    [post] = say(SYLVIE, "!note 23 réunion avec le SPW le 5 juin").posts
    assert post.room == "codir" and post.text.startswith("📝 Note de SV sur l'action 23")


def test_a_move_of_progress_alone_reads_old_and_new(say):
    say(SYLVIE, "!maj 23 en cours 40%")
    [post] = say(SYLVIE, "!maj 23 60%").posts
    assert post.text.endswith(": en cours, 40 % → 60 %")


def test_a_grouped_message_posts_only_the_lines_that_changed(say):
    say(SYLVIE, "!maj 23 fait")
    reply = say(SYLVIE, "!maj 23 fait\n!maj 24 en cours")
    [post] = reply.posts
    assert "24" in post.text and "fait → fait" not in post.text


# ---------------------------------------------------------------- a reason before suspending


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "!maj 23 suspendu",
            "Pourquoi suspendre l'action 23 ? Ajoutez la raison : "
            "!maj 23 suspendu attente du budget",
        ),
        (
            "!maj 23 abandonné",
            "Pourquoi abandonner l'action 23 ? Ajoutez la raison : "
            "!maj 23 abandonné projet repris par la commune",
        ),
        ("!maj 23 stand-by", "Pourquoi suspendre l'action 23 ?"),
        ("!maj 23 annulé", "Pourquoi abandonner l'action 23 ?"),
        ("!maj 23 suspendu le 12/03", "Pourquoi suspendre l'action 23 ?"),
        ("!maj 23 en pause", "Pourquoi suspendre l'action 23 ?"),
    ],
)
def test_a_suspension_or_abandon_without_reason_is_asked_why_and_writes_nothing(
    say, db, text, expected
):
    before = snapshot(db)
    reply = say(SYLVIE, text)
    assert reply.refused and expected in reply.text
    assert reply.posts == []
    assert snapshot(db) == before


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("!maj 23 suspendu attente du budget", "suspendu"),
        ("!maj 23 abandonné, repris", "abandonné"),
    ],
)
def test_a_suspension_or_abandon_with_its_reason_is_applied_and_posted(say, db, text, status):
    reply = say(SYLVIE, text)
    assert not reply.refused
    assert get_action(db, 23).status == status
    [post] = reply.posts
    assert f"à démarrer → {status}" in post.text


def test_in_a_grouped_message_only_the_unreasoned_suspension_is_refused(say, db):
    reply = say(SYLVIE, "!maj 23 fait\n!maj 24 suspendu")
    assert get_action(db, 23).status == "fait"
    assert get_action(db, 24).status == "à démarrer"
    assert "Pourquoi suspendre l'action 24 ?" in reply.text


def test_a_new_word_on_a_suspended_action_needs_no_new_reason(say, db):
    say(SYLVIE, "!maj 23 suspendu attente du budget")
    reply = say(SYLVIE, "!maj 23 suspendu budget voté en juin")
    assert not reply.refused and reply.posts[0].text.startswith("📝 Note")


def test_risks_is_a_read_that_writes_nothing(say, db):
    say(SYLVIE, "!sante 23 risque marché en retard")
    say(STRANGER, "!aide")  # the stranger is seen once, before the snapshot
    before = snapshot(db, without=())
    assert not say(STRANGER, "!risques").refused
    assert snapshot(db, without=()) == before
