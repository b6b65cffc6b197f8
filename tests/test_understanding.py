"""Pilots are understood as they type on a phone (issue 11, items 1-2): one grammar for !maj,
coherent status and progress, the reply saying exactly what was stored."""

import pytest

from storage.actions import get_action
from tests.conftest import SYLVIE, snapshot

# (message, stored status, stored progress, stored comment) — SV pilots 23, 24, 25, 32.
UNDERSTOOD = [
    ("!maj 23 en cours 50 %", "en cours", 50, None),
    ("!maj 23 en cours 50\u00a0%", "en cours", 50, None),
    ("!maj 23 en cours à 50%", "en cours", 50, None),
    ("!maj 23 en cours (30%)", "en cours", 30, None),
    ("!maj 23 en cours – 35 %", "en cours", 35, None),
    ("!maj 23 en cours 30 pourcent", "en cours", 30, None),
    ("!maj 23 en cours 12,5%", "en cours", 13, None),
    ("!maj 23 fait, le marché est attribué", "fait", 100, "le marché est attribué"),
    ("!maj 23 fait.", "fait", 100, None),
    ("!maj 23 encours", "en cours", None, None),
    ("!maj 23 c'est fait", "fait", 100, None),
    ("!maj 23 ✅", "fait", 100, None),
    ("!maj 23: fait", "fait", 100, None),
    ("!maj action 23 fait", "fait", 100, None),
    ("!maj n°23 fait", "fait", 100, None),
    ("!maj 23 abandonné: plus de budget", "abandonné", None, "plus de budget"),
    ("!maj 23 40%", "en cours", 40, None),
    ("!maj 23 100%", "fait", 100, None),
    ("!maj 23 terminr", "fait", 100, None),
]


@pytest.mark.parametrize(("text", "status", "progress", "comment"), UNDERSTOOD)
def test_a_pilot_message_is_stored_as_meant(say, db, text, status, progress, comment):
    reply = say(SYLVIE, text)
    assert not reply.refused, reply.text
    action = get_action(db, 23)
    assert (action.status, action.progress) == (status, progress)
    assert action.last_comment == comment
    assert f"→ {status}" in reply.text
    if comment:
        assert f"« {comment} »" in reply.text


def test_two_actions_in_one_line_are_both_updated(say, db):
    reply = say(SYLVIE, "!maj 23 et 24 fait")
    assert not reply.refused
    assert get_action(db, 23).status == get_action(db, 24).status == "fait"
    assert "Action 23" in reply.text and "Action 24" in reply.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("!maj 23 fait 50%", "« fait » veut dire 100 %"),
        ("!maj 23 à démarrer 30%", "« à démarrer » veut dire 0 %"),
        ("!maj 23 en cours 100%", "100 % veut dire « fait »"),
        ("!maj 23 fiat", "« fiat » : vouliez-vous dire « fait » ? Je note : « !maj 23 fait »"),
        ("!maj 23 en cours 50", "vouliez-vous dire 50 % ? Je note : « !maj 23 en cours 50 % »"),
        ("!maj 23 48 fait", "une autre action (écrivez « et 48 ») ou un avancement"),
    ],
)
def test_a_contradiction_or_a_word_not_understood_is_refused_with_why(say, db, text, expected):
    before = snapshot(db)
    reply = say(SYLVIE, text)
    assert reply.refused and expected in reply.text
    assert snapshot(db) == before


def test_going_back_to_not_started_clears_the_progress(say, db):
    say(SYLVIE, "!maj 23 en cours 40%")
    say(SYLVIE, "!maj 23 à démarrer")
    assert (get_action(db, 23).status, get_action(db, 23).progress) == (
        "à démarrer",
        None,
    )


def test_100_percent_on_a_done_action_changes_nothing_and_posts_nothing(say, db):
    say(SYLVIE, "!maj 23 fait")
    reply = say(SYLVIE, "!maj 23 100%")
    assert reply.refused and "rien n'a changé" in reply.text and reply.posts == []
