"""Bidirectional controls (U+202A-202E, U+2066-2069) never reach the stored record: a line
cannot read otherwise on screen than what is stored (issue 21, item 5)."""

import pytest

from storage.actions import get_action
from tests.conftest import SYLVIE

CONTROLS = [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]


@pytest.mark.parametrize("control", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
def test_a_bidi_control_in_a_comment_is_not_stored(say, db, control):
    reply = say(SYLVIE, f"!maj 23 en cours — marché {control}relancé{control} hier")
    assert not reply.refused
    stored = " ".join(
        str(value) for row in db.query("select * from updates") for value in row.values()
    )
    assert control not in stored
    assert "relancé" in stored
    assert control not in (get_action(db, 23).last_comment or "")


def test_a_bidi_override_cannot_hide_the_status_a_pilot_stored(say, db):
    # "\u202e" would show « fait » reversed on screen; it is dropped, the text stays as typed.
    say(SYLVIE, "!maj 23 en cours \u202etiaf\u202c")
    assert get_action(db, 23).status == "en cours"
    assert "\u202e" not in (get_action(db, 23).last_comment or "")
