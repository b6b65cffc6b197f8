"""Several actions in one line, each with its own state (issue 19, item 1): one update each,
one CODIR post for the message."""

import pytest

from commands.grammar import read_updates
from storage import history
from storage.actions import get_action
from storage.vocabulary import DONE, IN_PROGRESS
from tests.conftest import SYLVIE, snapshot


def segments(text: str) -> list[tuple]:
    return [(s.codes, s.status, s.progress, s.comment) for s in read_updates(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "52 fait, 53 en cours 30 %",
            [(("52",), DONE, None, None), (("53",), IN_PROGRESS, 30, None)],
        ),
        (
            "L'action 52 est terminée. L'action 53 en cours.",
            [(("52",), DONE, None, None), (("53",), IN_PROGRESS, None, None)],
        ),
        (
            "63 en cours 50% 47 fait",
            [(("63",), IN_PROGRESS, 50, None), (("47",), DONE, None, None)],
        ),
        (
            "52 fait et 53 en cours",
            [(("52",), DONE, None, None), (("53",), IN_PROGRESS, None, None)],
        ),
        (
            "52 fait - marché attribué ; 53 à 40 %",
            [(("52",), DONE, None, "marché attribué"), (("53",), None, 40, None)],
        ),
    ],
)
def test_each_action_named_with_its_own_state_is_its_own_segment(text, expected):
    assert segments(text) == expected


@pytest.mark.parametrize(
    "text, codes",
    [
        ("le 46 et le 47 sont terminés", ("46", "47")),
        ("46, 47 et 48 fait", ("46", "47", "48")),
        ("les actions 46 et 47 sont finies", ("46", "47")),
    ],
)
def test_a_shared_status_covers_a_list(text, codes):
    assert segments(text) == [(codes, DONE, None, None)]


def test_a_number_inside_a_comment_does_not_start_a_segment():
    assert segments("47 en cours 50 % : réunion le 12 avec le service") == [
        (("47",), IN_PROGRESS, 50, "réunion le 12 avec le service")
    ]


def test_a_date_in_a_comment_does_not_start_a_segment():
    assert segments("63 en cours reunion finances 15/01 - 10%") == [
        (("63",), IN_PROGRESS, 10, "reunion finances 15/01")
    ]


def test_two_segments_of_one_line_are_two_updates_and_one_codir_post(say, db):
    reply = say(SYLVIE, "!maj 23 en cours 50% 24 fait")
    assert (get_action(db, 23).status, get_action(db, 23).progress) == (IN_PROGRESS, 50)
    assert (get_action(db, 24).status, get_action(db, 24).progress) == (DONE, 100)
    assert "2 actions" in reply.text
    [post] = reply.posts
    assert "23" in post.text and "24" in post.text


def test_a_shared_status_updates_every_action_of_the_list(say, db):
    say(SYLVIE, "!maj le 23 et le 24 sont terminés")
    assert get_action(db, 23).status == get_action(db, 24).status == DONE
    assert len(history.entries(db, 23)) == len(history.entries(db, 24)) == 1


def test_a_sentence_in_a_direct_chat_style_updates_each_action(say, db):
    say(SYLVIE, "!maj L'action 23 est terminée. L'action 24 en cours 30 %.")
    assert get_action(db, 23).status == DONE
    assert (get_action(db, 24).status, get_action(db, 24).progress) == (IN_PROGRESS, 30)


def test_a_segment_on_an_action_of_someone_else_refuses_the_whole_line(say, db):
    before = snapshot(db)
    reply = say(SYLVIE, "!maj 23 fait, 52 fait")  # 52 is Luc's
    assert reply.refused
    assert snapshot(db) == before
