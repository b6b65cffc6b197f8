"""A quoted line is someone else's words: on every transport (the console, Teams, Matrix's
plain body) it never runs as the person quoting it (issue 21, item 4)."""

import pytest

from storage.actions import get_action
from tests.conftest import ADMIN, SYLVIE, snapshot

QUOTES = [
    "> !maj 23 fait",
    ">!maj 23 fait",
    "  > !maj 23 fait",
    "> > !maj 23 fait",
    "＞ !maj 23 fait",
    "&gt; !maj 23 fait",
    "> 23 fait",
]


@pytest.mark.parametrize("quoted", QUOTES)
def test_a_quoted_command_does_not_run_as_the_quoting_admin(say, db, quoted):
    before = snapshot(db)
    say(ADMIN, quoted)
    assert get_action(db, 23).status == "à démarrer"
    assert snapshot(db) == before


def test_the_quoting_persons_own_line_under_a_quote_still_runs(say, db):
    # The quote is left out; the person's own command is run.
    reply = say(SYLVIE, "> !maj 23 fait\n!maj 23 en cours")
    assert not reply.refused
    assert get_action(db, 23).status == "en cours"


def test_a_bulleted_command_still_runs(say, db):
    assert not say(SYLVIE, "- !maj 23 en cours").refused
    assert get_action(db, 23).status == "en cours"
