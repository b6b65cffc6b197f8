"""A pilot's request in the Teams CODIR channel (issue 24, item 6): a card with « Valider » and
« Refuser » and a field for the reason, whose clicks are the clicker's `!valider N` and
`!refuser N raison`; nothing else a card could send is run. The post itself comes from the
engine (`Post.request`); the whole path against the stand-in is tests/e2e/test_teams_cycle.py."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.teams import texts
from bot.teams.cards import (
    MOST_REASON,
    REASON,
    VERB,
    CardDataRefused,
    command_of,
    request_card,
)
from commands import requests_texts
from commands.types import CODIR_ROOM
from tests.conftest import ADMIN, LUC

POST = (
    "📨 Demande n° 4 de LM : l'action 95 à échéance 2027-06-30 (marché relancé) — !valider 4 "
    "ou !refuser 4 raison"
)


def card_of(text: str = POST, request: int = 4) -> tuple[dict, dict]:
    message = request_card(text, request).model_dump(by_alias=True, exclude_none=True)
    (attachment,) = message["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    return message, attachment["content"]


def card_buttons(card: dict) -> list[dict]:
    return [b for block in card["body"] if block["type"] == "ActionSet" for b in block["actions"]]


def click(button: dict, field: str | None = None) -> dict:
    """The data Teams sends for `button`: its own, plus the inputs it carries."""
    data = dict(button["data"])
    if field is not None and button.get("associatedInputs", "auto") == "auto":
        data[REASON] = field
    return data


# ---------------------------------------------------------------- the card


def test_a_request_card_shows_the_post_with_valider_and_refuser():
    message, card = card_of()
    assert card["version"] == "1.4"
    assert card["fallbackText"] == POST
    assert message["summary"] == POST
    (line,) = [b for b in card["body"] if b["type"] == "RichTextBlock"]
    assert [run["text"] for run in line["inlines"]] == [POST]  # plain text, never markdown
    validate, refuse = card_buttons(card)
    assert (validate["title"], validate["data"]) == (texts.CARD_VALIDATE, {VERB: "!valider 4"})
    assert (refuse["title"], refuse["data"]) == (texts.CARD_REFUSE, {VERB: "!refuser 4"})
    assert {validate["type"], refuse["type"]} == {"Action.Execute"}


def test_the_reason_field_goes_with_refuser_only():
    _, card = card_of()
    (field,) = [b for b in card["body"] if b["type"] == "Input.Text"]
    assert field["id"] == REASON
    assert field["maxLength"] == MOST_REASON
    assert not field.get("isMultiline", False)
    validate, refuse = card_buttons(card)
    assert validate["associatedInputs"] == "none"
    assert command_of(click(validate, "budget non disponible")) == "!valider 4"
    assert command_of(click(refuse, "budget non disponible")) == "!refuser 4 budget non disponible"


def test_refuser_without_a_reason_reaches_the_engine_which_asks_for_one(say):
    _, card = card_of()
    _, refuse = card_buttons(card)
    command = command_of(click(refuse, "   "))
    assert command == "!refuser 4"
    reply = say(LUC, "!demande 52 échéance 2027-06-30 raison marché relancé")
    number = re.search(r"n° (\d+)", reply.text).group(1)
    refused = say(ADMIN, f"!refuser {number}")
    assert refused.refused and refused.text == requests_texts.MISSING_REASON


# ---------------------------------------------------------------- what a click may run


@pytest.mark.parametrize(
    ("data", "command"),
    [
        ({VERB: "!valider 4"}, "!valider 4"),
        ({VERB: "!valider 123456789"}, "!valider 123456789"),
        ({VERB: "!refuser 4", REASON: "budget non disponible"}, "!refuser 4 budget non disponible"),
        ({VERB: "!refuser 4", REASON: "  deux   espaces  "}, "!refuser 4 deux espaces"),
        ({VERB: "!refuser 4 pas cette année"}, "!refuser 4 pas cette année"),
        ({VERB: "!refuser 4"}, "!refuser 4"),
        ({VERB: "!refuser 4", REASON: "x" * MOST_REASON}, "!refuser 4 " + "x" * MOST_REASON),
    ],
)
def test_a_decision_from_the_card_is_the_command_the_dg_would_type(data, command):
    assert command_of(data) == command


@pytest.mark.parametrize(
    "data",
    [
        {VERB: "!valider"},
        {VERB: "!valider 4 2027-06-30"},  # a date is typed, never clicked
        {VERB: "!valider quatre"},
        {VERB: "!valider -4"},
        {VERB: "!valider 1234567890"},
        {VERB: "!valider ٤"},  # a digit, but not one our card writes
        {VERB: "!valider 4\n!plan supprimer"},
        {VERB: "!refuser"},
        {VERB: "!refuser x budget"},
        {VERB: "!refuser 4", REASON: "budget\n!role dg admin"},
        {VERB: "!refuser 4", REASON: "budget\r!role dg admin"},
        {VERB: "!refuser 4", REASON: 4},
        {VERB: "!refuser 4", REASON: ["budget"]},
        {VERB: "!refuser 4", REASON: "x" * (MOST_REASON + 1)},
        {VERB: "!refuser 4 " + "x" * (MOST_REASON + 1)},
        {VERB: "!demandes"},
        {VERB: "!demande 95 abandon"},
        {REASON: "budget"},
    ],
)
def test_anything_else_a_request_card_could_send_is_refused(data):
    with pytest.raises(CardDataRefused) as refused:
        command_of(data)
    assert str(refused.value) == texts.CARD_REFUSED


#: Every shape a card's click may run, each on one line.
ALLOWED = re.compile(
    r"!valider [0-9]{1,9}"
    rf"|!refuser [0-9]{{1,9}}(?: \S[^\n\r]{{0,{MOST_REASON - 1}}})?"
    r"|!maj \S+ (?:fait|en cours|à démarrer)"
    r"|!note \S+ \S[^\n\r]{0,199}"
    r"|oui|non"
)
WORDS = st.sampled_from(
    ["!valider", "!refuser", "!maj", "!note", "!plan", "4", "47", "fait", "oui", " ", "\n", "٤"]
)
COMMANDS = st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=6).map(" ".join)
DATA = st.one_of(
    st.none(),
    st.integers(),
    st.fixed_dictionaries({VERB: COMMANDS}),
    st.fixed_dictionaries({VERB: COMMANDS}, optional={REASON: st.one_of(st.text(), st.integers())}),
    st.dictionaries(st.text(max_size=5), st.text(max_size=20), max_size=3),
)


@given(DATA)
def test_nothing_but_the_cards_shapes_ever_runs(data):
    try:
        command = command_of(data)
    except CardDataRefused:
        return
    assert ALLOWED.fullmatch(command), command
    assert len(command.splitlines()) == 1
    assert command == " ".join(command.split())


def test_the_engine_marks_a_request_post_for_the_transports(say):
    reply = say(LUC, "!demande 52 échéance 2027-06-30 raison marché relancé")
    number = int(re.search(r"n° (\d+)", reply.text).group(1))
    (post,) = reply.posts
    assert post.room == CODIR_ROOM
    assert post.request == number
    assert post.text.startswith(f"📨 Demande n° {number} ")
    # Any other post carries no request: the transports post its text.
    (update,) = say(ADMIN, "!maj 52 en cours").posts
    assert update.request is None
