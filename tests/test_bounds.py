"""Bounds: what a pilot can paste never breaks the bot, and every answer fits in a chat event."""

import json

import pytest

from commands.formatting import PHONE
from commands.replies import MAX_REPLY
from storage import history
from tests.conftest import ADMIN, NOW, SYLVIE, snapshot

#: Matrix refuses events over 64 KiB; a reply's text and HTML travel in one event.
EVENT_LIMIT = 65_536


def event_size(reply) -> int:
    content = {"body": reply.text, "formatted_body": reply.html, "msgtype": "m.notice"}
    return len(json.dumps(content, ensure_ascii=False).encode("utf-8"))


@pytest.mark.parametrize(
    "text",
    ["!action " + "9" * 4300, "!maj " + "4" * 5000 + " fait", "!historique " + "7" * 4400],
)
def test_a_number_of_thousands_of_digits_is_refused_as_no_action_number(say, db, text):
    before = snapshot(db)
    reply = say(ADMIN, text)
    assert reply.refused and "n'est pas un numéro d'action" in reply.text
    assert snapshot(db) == before


@pytest.mark.parametrize("percent", ["4000%", "-5%", "101%"])
def test_a_percentage_out_of_range_is_refused(say, db, percent):
    before = snapshot(db)
    reply = say(SYLVIE, f"!maj 23 en cours {percent}")
    assert reply.refused and "de 0 à 100" in reply.text
    assert snapshot(db) == before


def test_a_percentage_of_thousands_of_digits_is_refused_as_out_of_range(say, db):
    before = snapshot(db)
    reply = say(SYLVIE, "!maj 23 " + "9" * 4400 + "%")
    assert reply.refused and "de 0 à 100" in reply.text
    assert snapshot(db) == before


@pytest.mark.parametrize(
    "command", ["!maj 23 en cours ", "!note 23 ", "!sante 23 risque ", "!echeance 23 2026 "]
)
def test_every_free_text_is_capped_like_a_note(say, db, command):
    before = snapshot(db)
    reply = say(ADMIN, command + "x" * 1001)
    assert reply.refused and "trop long (1001 caractères, maximum 1000)" in reply.text
    assert snapshot(db) == before


def test_an_old_huge_comment_still_gives_an_answer_that_fits_in_one_event(say, db):
    # Stored before comments were capped: 19,000 characters.
    history.record_update(db, 23, SYLVIE, comment="é" * 19_000, at=NOW)
    reply = say(ADMIN, "!action 23")
    assert not reply.refused
    assert len(reply.text) <= MAX_REPLY and event_size(reply) < EVENT_LIMIT
    assert "réponse raccourcie" in reply.text
    for text in ("!historique 23", f"!historique {SYLVIE}"):
        reply = say(ADMIN, text)
        assert not reply.refused and len(reply.text) <= PHONE, text


def test_a_long_history_comes_in_pages_with_a_pointer(say, db):
    for index in range(40):
        history.record_update(db, 23, SYLVIE, comment=f"{index} " + "mot " * 240, at=NOW)
    reply = say(ADMIN, "!historique 23")
    assert event_size(reply) < EVENT_LIMIT and len(reply.text) <= PHONE
    assert reply.text.splitlines()[-1].endswith(" : !historique 23 page 2")
