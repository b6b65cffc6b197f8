"""Conversations: which lines of a message are commands, in a direct chat (no `!` needed), a
group room (a `!` line or a mention), and what a greeting or a question gets."""

import pytest
from nio import RoomMessageText

from bot.matrix.events import incoming_command
from commands.conversation import understand
from commands.types import Message
from storage.actions import get_action
from tests.conftest import REGISTRY, SYLVIE, snapshot

BOT = "@pst:example.org"


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("!maj 23 fait", "!maj 23 fait"),
        ("! maj 23 fait", "!maj 23 fait"),
        ("- !maj 23 fait", "!maj 23 fait"),
        (
            "Bonjour, voici mes mises à jour :\n!maj 23 fait\n!maj 24 en cours 40 %\nMerci !",
            "!maj 23 fait\n!maj 24 en cours 40 %",
        ),
        (
            "Bonjour\n!maj 23 fait\n24 en cours 40 %\nbonne journée",
            "!maj 23 fait\n24 en cours 40 %",
        ),
        ("!note 23 première ligne\nseconde ligne", "!note 23 première ligne\nseconde ligne"),
        ("!23 fait", "!maj 23 fait"),
        ("!23", "!action 23"),
        ("Bonjour à tous, !maj 23 fait", "!maj 23 fait"),
    ],
)
def test_in_a_group_room_the_bang_lines_are_the_commands(text, command):
    assert understand(text, REGISTRY).text == command


@pytest.mark.parametrize(
    "text", ["23 fait", "mes actions", "Bonjour à tous", "quelles sont mes actions ?", "aide"]
)
def test_in_a_group_room_a_message_without_a_bang_line_is_not_for_the_bot(text):
    understood = understand(text, REGISTRY)
    assert understood.text is None and understood.answer == ""


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("23 fait", "!maj 23 fait"),
        ("n°23 : terminé, marché attribué", "!maj n°23 : terminé, marché attribué"),
        ("23 fiat", "!maj 23 fiat"),  # asked about by the update, not ignored
        ("mes actions", "!mes actions"),
        ("Mes retards", "!Mes retards"),
        ("aide", "!aide"),
        ("23", "!action 23"),
        ("action 23", "!action 23"),
        ("#23.", "!action #23."),
        ("Salut ! 23 fait", "!maj 23 fait"),
        ("Bonjour 23 fait", "!maj 23 fait"),
        ("Bonjour !\n23 fait\n24 en cours 40%\nMerci", "!maj 23 fait\n24 en cours 40%"),
    ],
)
def test_in_a_direct_chat_the_bang_is_optional(text, command):
    assert understand(text, REGISTRY, addressed=True).text == command


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("quelles sont mes actions en retard ?", "Pour cela, tapez : !mes-retards"),
        ("Quelles actions sont en retard ?", "Pour cela, tapez : !retard"),
        ("comment je mets à jour une action ?", "Pour cela, tapez : !maj 47 en cours 40 %"),
        ("je voudrais le fichier excel", "Pour cela, tapez : !export"),
        ("je me suis trompé", "Pour cela, tapez : !annuler"),
        ("c'est quoi ce truc ?", "Tapez « aide » pour la liste des commandes"),
        ("Je serai absent 2 semaines", "Je n'ai pas compris."),
        ("Bonjour", "Bonjour ! Écrivez par exemple"),
        ("merci !", ""),
        ("ok 👍", ""),
    ],
)
def test_a_question_gets_a_pointer_and_a_greeting_a_hello(text, answer):
    understood = understand(text, REGISTRY, addressed=True)
    assert understood.text is None
    assert understood.answer.startswith(answer) and bool(understood.answer) == bool(answer)


def test_a_direct_message_without_bang_is_applied(engine, db):
    reply = engine.handle(Message(sender=SYLVIE, text="23 en cours 40 %", direct=True))
    assert reply.text == "Action 23 : à démarrer → en cours, 40 %."
    assert get_action(db, 23).progress == 40


def test_a_group_message_without_bang_is_ignored_and_changes_nothing(engine, db):
    before = snapshot(db)
    assert engine.handle(Message(sender=SYLVIE, text="23 fait", room="!group:x")) is None
    assert snapshot(db) == before


def test_a_pointer_changes_nothing(engine, db):
    before = snapshot(db)
    reply = engine.handle(Message(sender=SYLVIE, text="où en est le plan ?", direct=True))
    assert reply.text == "Pour cela, tapez : !synthese" and not reply.posts
    assert snapshot(db) == before


def test_a_mention_counts_as_a_bang(engine, db):
    reply = engine.handle(Message(sender=SYLVIE, text="23 fait", room="!g:x", mentioned=True))
    assert reply.text.startswith("Action 23 : à démarrer → fait")


# ---------------------------------------------------------------- the Matrix side


class Room:
    """The two things the transport asks nio's MatrixRoom: its size and display names."""

    def __init__(self, members: int):
        self.member_count = members

    def user_name(self, user_id: str) -> str | None:
        return {BOT: "Bot PST", SYLVIE: "Sylvie V."}.get(user_id)


def event(body: str, **content) -> RoomMessageText:
    return RoomMessageText.from_dict(
        {
            "type": "m.room.message",
            "event_id": "$e",
            "sender": SYLVIE,
            "origin_server_ts": 1,
            "content": {"msgtype": "m.text", "body": body, **content},
        }
    )


def test_matrix_marks_a_two_member_room_as_a_direct_chat():
    message = incoming_command("!dm:x", event("23 fait"), BOT, Room(2))
    assert message.direct and message.text == "23 fait" and message.sender_name == "Sylvie V."


def test_matrix_passes_no_group_chatter_to_the_engine():
    assert (
        incoming_command("!g:x", event("23 fait, je vous tiens au courant"), BOT, Room(5)) is None
    )


@pytest.mark.parametrize(
    ("body", "content"),
    [
        ("Bot PST: 23 fait", {}),
        ("pst, 23 fait", {}),
        ("@pst:example.org 23 fait", {"m.mentions": {"user_ids": [BOT]}}),
        ("Bot PST 23 fait", {"m.mentions": {"user_ids": [BOT]}}),
    ],
)
def test_matrix_reads_a_leading_mention_as_a_bang_and_removes_it(body, content):
    message = incoming_command("!g:x", event(body, **content), BOT, Room(5))
    assert message.mentioned and message.text == "23 fait"


def test_matrix_does_not_take_the_bots_name_in_a_sentence_for_a_mention():
    assert incoming_command("!g:x", event("Bot PST est pratique"), BOT, Room(5)) is None


@pytest.mark.parametrize(
    ("text", "command"), [("95 risqué", "!maj 95 risqué"), ("47 RAS", "!maj 47 RAS")]
)
def test_a_health_or_a_check_in_in_a_direct_chat_is_an_update(text, command):
    assert understand(text, REGISTRY, True).text == command
