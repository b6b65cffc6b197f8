"""Several `!maj` lines in one message: each line applied on its own, one reply saying per line
what was refused, one CODIR post."""

import pytest

from commands.types import Message
from storage import history
from storage.actions import get_action
from tests.conftest import ADMIN, SYLVIE, snapshot


def status(db, number: int) -> tuple:
    action = get_action(db, number)
    return action.status, action.progress


def test_every_line_is_applied_with_one_reply(say, db):
    reply = say(SYLVIE, "!maj 23 fait\n!maj 24 en cours 50%\n!maj 25 suspendu attente SPW")
    assert reply.text == (
        "3 actions mises à jour :\n"
        "• Action 23 : à démarrer → fait, 100 %\n"
        "• Action 24 : à démarrer → en cours, 50 %\n"
        "• Action 25 : à démarrer → suspendu — « attente SPW »"
    )
    assert status(db, 23) == ("fait", 100)
    assert status(db, 24) == ("en cours", 50)
    assert status(db, 25) == ("suspendu", None)
    assert get_action(db, 25).last_comment == "attente SPW"
    [post] = reply.posts
    assert post.room == "codir" and len(post.text.splitlines()) == 3
    assert all(f"l'action {n} " in post.text for n in (23, 24, 25))


def test_a_grouped_message_of_more_than_50_lines_is_refused_whole(say, db):
    before = snapshot(db)
    reply = say(SYLVIE, "\n".join(["!maj 23 en cours"] * 51))
    assert reply.refused and "51 lignes, au plus 50" in reply.text
    assert "Rien n'a été appliqué" in reply.text
    assert snapshot(db) == before


def test_50_lines_are_applied_with_one_codir_post(say, db):
    lines = [f"!maj 23 en cours {percent}%" for percent in range(1, 51)]
    reply = say(SYLVIE, "\n".join(lines))
    assert not reply.refused and reply.text.startswith("50 actions mises à jour")
    assert len(reply.posts) == 1 and len(reply.posts[0].text.splitlines()) == 50
    assert status(db, 23) == ("en cours", 50)


def test_lines_without_the_command_word_and_blank_lines_are_accepted(say, db):
    reply = say(SYLVIE, "!maj 23 fait\n\n   \n24 en cours\n!update 25 40%")
    assert reply.text.startswith("3 actions mises à jour")
    assert status(db, 25) == ("en cours", 40)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("!maj 23 fait\n!maj 24 bof", "Ligne 2 : « bof » : quel statut ?"),
        ("!maj 23 fait\n!maj 47 fait", "Ligne 2 : Vous n'êtes pas pilote de l'action 47"),
        ("!maj 23 fait\n!maj 999 fait", "Ligne 2 : L'action 999 n'existe pas"),
        ("!maj 23 fait\n!maj 24 en cours 120%", "Ligne 2 : Avancement « 120 % » impossible"),
        ("!maj 23 fait\n!maj 23 fait", "Ligne 2 : L'action 23 est déjà « fait »"),
        ("!maj 23 fait\n!action 24", "Ligne 2 : « !action 24 » : un message groupé ne contient"),
        ("!maj 23 fait\n!maj", "Ligne 2 : Il manque le numéro"),
    ],
)
def test_the_valid_lines_are_applied_and_each_refused_line_says_why(say, db, text, expected):
    before = {
        n: status(db, n)
        for n in (
            24,
            47,
        )
    }
    reply = say(SYLVIE, text)
    assert not reply.refused
    assert reply.text.startswith("1 action mise à jour :\n• Action 23 : à démarrer → fait")
    assert "Non appliqué (1) :" in reply.text and expected in reply.text
    assert status(db, 23) == ("fait", 100)
    assert {n: status(db, n) for n in before} == before
    [post] = reply.posts
    assert "l'action 23 " in post.text and "24" not in post.text


def test_when_no_line_applies_nothing_is_recorded_and_every_line_says_why(say, db):
    before = snapshot(db)
    reply = say(SYLVIE, "!maj 24 zzz\n!maj 47 fait\n!maj 23 à démarrer")
    assert reply.refused and reply.posts == []
    assert reply.text.splitlines() == [
        "Rien n'a été enregistré :",
        "• Ligne 1 : « zzz » : quel statut ? à démarrer, en cours, fait, suspendu ou abandonné.",
        "• Ligne 2 : Vous n'êtes pas pilote de l'action 47 (pilotes : DB, GR). Seuls ses pilotes"
        " et les administrateurs peuvent la mettre à jour.",
        "• Ligne 3 : L'action 23 est déjà « à démarrer » : rien n'a changé.",
    ]
    assert snapshot(db) == before


def test_an_update_repeated_with_the_same_comment_changes_nothing_and_posts_nothing(say, db):
    first = say(SYLVIE, "!maj 23 en cours 40 %, marché attribué")
    assert not first.refused and len(first.posts) == 1
    again = say(SYLVIE, "!maj 23 en cours 40 %, marché attribué")
    assert again.refused and again.posts == []
    assert "rien n'a changé" in again.text
    assert len(history.entries(db, 23)) == 1


def test_admin_updates_actions_of_several_pilots_in_one_message(say, db):
    reply = say(ADMIN, "!maj 23 fait\n!maj 47 en cours\n!maj 52 abandonné, repris par la commune")
    assert not reply.refused
    assert [status(db, n)[0] for n in (23, 47, 52)] == ["fait", "en cours", "abandonné"]


def test_every_line_shares_the_source_event_in_history(engine, db):
    engine.handle(Message(sender=SYLVIE, text="!maj 23 fait\n!maj 24 fait", event_id="$b1"))
    sources = [history.entries(db, n)[-1]["source_id"] for n in (23, 24)]
    assert sources == ["$b1", "$b1"]


def test_replayed_grouped_message_is_not_applied_twice(engine, db):
    message = Message(sender=SYLVIE, text="!maj 23 en cours 10%\n!maj 24 fait", event_id="$b2")
    first = engine.handle(message)
    again = engine.handle(message)
    assert again.text == first.text
    assert len(history.entries(db, 23)) == len(history.entries(db, 24)) == 1
    engine.delivered("$b2")
    assert engine.handle(message) is None


def test_an_unsure_line_of_a_grouped_message_is_asked_about_and_the_others_applied(say, db):
    reply = say(SYLVIE, "!maj 23 fait\n!maj 24 fait ?\n!maj 25 en cours 20%")
    assert status(db, 23) == ("fait", 100)
    assert status(db, 24) == ("à démarrer", None)  # asked about, not applied
    assert status(db, 25) == ("en cours", 20)
    assert "C'est bien ça ?" in reply.text and "24" in reply.text
    [post] = reply.posts
    assert "24" not in post.text


def test_two_segments_on_each_of_two_lines_are_four_updates_one_post(say, db):
    reply = say(SYLVIE, "!maj 23 fait, 24 en cours 30 %\n!maj 25 suspendu attente SPW, 32 à 10 %")
    assert [status(db, n)[0] for n in (23, 24, 25, 32)] == [
        "fait",
        "en cours",
        "suspendu",
        "en cours",
    ]
    assert "4 actions" in reply.text and len(reply.posts) == 1


def test_a_grouped_message_whose_every_line_is_unsure_changes_nothing(say, db):
    before = snapshot(db)
    reply = say(SYLVIE, "!maj 23 fait ?\n!maj 24 pas vraiment fini")
    assert reply.refused and "pas vraiment fini" in reply.text
    assert snapshot(db) == before
