"""Matrix: a quoted line is someone else's words and never runs as the person quoting it; a
display name that imitates someone is shown with its owner's localpart. Real nio events and
rooms, the real engine on the bundled example (LM pilots action 72)."""

import pytest
from nio import MatrixRoom, RoomMessageText

from bot.matrix.events import display_name, incoming_command
from bot.matrix.quotes import without_quotes
from commands.catalogue import build_registry
from commands.engine import Engine
from commands.render import person_name
from commands.types import Directory, Message
from storage.actions import action_by_code
from storage.plans import choose_plan
from tests.conftest import ADMIN, LUC

BOT = "@pst:example.org"
MALLORY = "@mallory:example.org"
HTML = "org.matrix.custom.html"


def event(sender: str, body: str, **content) -> RoomMessageText:
    return RoomMessageText.from_dict(
        {
            "type": "m.room.message",
            "event_id": "$quote",
            "sender": sender,
            "origin_server_ts": 1,
            "content": {"msgtype": "m.text", "body": body, **content},
        }
    )


def room(*members: tuple[str, str | None]) -> MatrixRoom:
    """A nio room with the bot and `members` (user id, display name) joined."""
    matrix_room = MatrixRoom("!room:example.org", BOT)
    matrix_room.add_member(BOT, "Bot PST", None)
    for user_id, name in members:
        matrix_room.add_member(user_id, name, None)
    return matrix_room


GROUP = room((LUC, "Luc Martin"), (ADMIN, "Directrice"), ("@sylvie:example.org", "Sylvie"))
DIRECT = room((LUC, "Luc Martin"))


def status_of(db, code: str) -> str:
    return action_by_code(db, choose_plan(db).id, code).status


def run(engine, message: Message | None):
    return None if message is None else engine.handle(message)


# ---------------------------------------------------------------- quoted lines


@pytest.mark.parametrize(
    ("body", "content"),
    [
        ("> !maj 72 fait\n\nje confirme ?", {}),
        (
            "> <@sylvie:example.org> !maj 72 fait\n\nje confirme ?",
            {"m.relates_to": {"m.in_reply_to": {"event_id": "$x"}}},
        ),
        (
            "!maj 72 fait\nje confirme ?",
            {
                "format": HTML,
                "formatted_body": "<blockquote>!maj 72 fait</blockquote>je confirme ?",
            },
        ),
        (
            "!maj 72 fait\n\nje confirme ?",
            {
                "format": HTML,
                "formatted_body": (
                    '<mx-reply><blockquote><a href="https://matrix.to/#/$x">En réponse à</a> '
                    '<a href="https://matrix.to/#/@sylvie:example.org">Sylvie</a><br>'
                    "!maj 72 fait</blockquote></mx-reply>je confirme ?"
                ),
                "m.relates_to": {"m.in_reply_to": {"event_id": "$x"}},
            },
        ),
    ],
    ids=["markdown-quote", "reply-fallback", "blockquote-only-in-html", "mx-reply-only-in-html"],
)
def test_a_quoted_update_never_runs_as_the_pilot_quoting_it(engine, db, body, content):
    for where in (GROUP, DIRECT):
        message = incoming_command(where.room_id, event(LUC, body, **content), BOT, where)
        reply = run(engine, message)
        assert message is None or "72 fait" not in message.text
        assert reply is None or not reply.posts
    assert status_of(db, "72") == "à démarrer"


def test_the_pilots_own_line_after_a_quote_runs_and_only_it(engine, db):
    body = "> !maj 73 fait\n!maj 72 en cours 20 %"
    message = incoming_command(GROUP.room_id, event(LUC, body), BOT, GROUP)
    assert message.text == "!maj 72 en cours 20 %"
    engine.handle(message)
    assert (status_of(db, "72"), status_of(db, "73")) == ("en cours", "à démarrer")


def test_a_quote_further_down_the_message_is_left_out_too():
    body = "!maj 72 en cours\n> !maj 73 fait\n  >!maj 74 fait"
    assert without_quotes(body, {}) == "!maj 72 en cours"


def test_a_message_that_only_quotes_gets_no_answer_even_in_a_direct_chat():
    assert incoming_command(DIRECT.room_id, event(LUC, "> !maj 72 fait"), BOT, DIRECT) is None


def test_a_quote_in_html_leaves_the_senders_own_identical_words_out_rather_than_in():
    # The HTML shows the line quoted: whatever the plain body says, it is not the sender's.
    content = {"format": HTML, "formatted_body": "<p>ok</p><blockquote><p>!maj 72 fait</p>"}
    assert without_quotes("ok\n!maj   72 fait", content) == "ok"


def test_html_that_quotes_nothing_changes_nothing():
    content = {"format": HTML, "formatted_body": "<b>!maj 72 fait</b>"}
    assert without_quotes("!maj 72 fait", content) == "!maj 72 fait"


# ---------------------------------------------------------------- display names


def test_a_display_name_imitating_a_colleague_is_shown_with_its_own_localpart():
    directory = Directory()
    assert person_name(directory, LUC, "Luc Martin") == "Luc Martin (luc)"
    assert person_name(directory, MALLORY, "Luc Martin") == "Luc Martin (mallory)"
    assert person_name(directory, MALLORY, "LM") == "LM (mallory)"


def test_bidi_controls_in_a_display_name_cannot_turn_the_localpart_around():
    name = person_name(Directory(), MALLORY, "Luc Martin\u202e\u2066")
    assert name == "Luc Martin (mallory)"


def test_a_name_two_members_share_reaches_the_engine_without_nios_chat_id():
    shared = room((LUC, "Luc Martin"), (MALLORY, "Luc Martin"))
    assert shared.user_name(MALLORY) == f"Luc Martin ({MALLORY})"  # nio's disambiguation
    assert display_name(shared, MALLORY) == "Luc Martin"
    message = incoming_command(shared.room_id, event(MALLORY, "!aide"), BOT, shared)
    assert message.sender_name == "Luc Martin"


def test_a_member_without_a_display_name_passes_no_chat_id_as_a_name():
    nameless = room((MALLORY, None))
    assert nameless.user_name(MALLORY) == MALLORY
    assert display_name(nameless, MALLORY) == ""


def test_the_codir_post_of_an_imitator_names_them_by_localpart(db):
    # Mallory is in the « chefs de service » group (action 64): no initials of her own.
    directory = Directory(links={"chefs de service": {MALLORY, LUC}})
    engine = Engine(db, directory, build_registry())
    shared = room((LUC, "Luc Martin"), (MALLORY, "Luc Martin"))
    message = incoming_command(shared.room_id, event(MALLORY, "!maj 64 en cours"), BOT, shared)
    (post,) = engine.handle(message).posts
    assert post.text.startswith("Luc Martin (mallory) a mis à jour l'action 64")
    assert "@mallory" not in post.text
