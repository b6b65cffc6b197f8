"""The DG's cycle on Teams, with the real bot process and the stand-in for Microsoft's side
(teams_standin.py), every activity signed, authentication on (issue 24, items 4 and 6):

- a pilot's `!demande` in their personal chat reaches the CODIR channel as a card with
  « Valider » and « Refuser »; a reader's click is refused by the engine, the DG's applies the
  request (the deadline moves) and the pilot is told in their personal chat;
- a pilot removed from the team (`membersRemoved`) gives the DG one message with their open
  actions and the `!pilote` lines, and none more when Teams delivers the activity again.

The pilot's and the DG's messages are recorded in `sends` and go out at the scheduler's next
pass (bot/scheduler.py: at start, then every minute). The fixture therefore does every step
first and then restarts the bot, whose pass at start delivers them all: the tests stay fast.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

import pytest
import sqlite_utils

from commands import departure_texts
from storage import absences

from .conftest import TeamsTeam, is_reminder
from .teams_standin import (
    ADAPTIVE_CARD,
    Sent,
    card_action,
    plain,
    post_invoke,
    team_members_update,
    wait_listening,
)

ACTION, DEADLINE, REASON = "52", "2027-06-30", "marché relancé"


@dataclass
class Cycle:
    team: TeamsTeam
    number: str  # the request's
    post: Sent  # the request's card in the CODIR channel
    before: tuple  # action 52's deadline before the decision
    read_click: dict  # the invoke answers: a reader's click on « Valider »
    after_read: tuple  # action 52's deadline right after the reader's click
    dg_click: dict  # the DG's
    after_click: tuple  # action 52's deadline right after the DG's click
    removal: dict  # SV removed from the team (posted twice)


def cards_of(sent: Sent) -> list[dict]:
    return [a["content"] for a in sent.attachments if a.get("contentType") == ADAPTIVE_CARD]


def buttons(card: dict) -> dict[str, dict]:
    """A card's buttons by title."""
    return {
        b["title"]: b
        for block in card["body"]
        if block["type"] == "ActionSet"
        for b in block["actions"]
    }


def deadline(team: TeamsTeam) -> tuple:
    return team.bot.query("select deadline, end_date from actions where code = ?", [ACTION])[0]


def personal_messages(team: TeamsTeam, user, start: str) -> list[Sent]:
    chat = team.standin.personal(user)["id"]
    return [
        s for s in team.standin.sent(chat) if not is_reminder(s) and plain(s.text).startswith(start)
    ]


def press(team: TeamsTeam, user, data: dict, post: Sent) -> dict:
    """`user` clicks a button of `post` (a card in the CODIR channel); the invoke's answer."""
    where = team.standin.channel(team.codir, thread=post.id)
    activity = card_action(team.standin, user, data, conversation=where)
    status, body = post_invoke(team.url, activity, team.standin.sign(activity))
    assert status == 200, (status, team.bot.log_text()[-3000:])
    return body


@pytest.fixture(scope="module")
def cycle(teams_bot: TeamsTeam) -> Cycle:
    team, standin = teams_bot, teams_bot.standin
    team.answers(team.say(team.dg, "!aide"))  # the bot keeps the DG's personal chat
    team.answers(team.say(team.sv, "!mes-actions"))  # and SV's (her UPN asked, in the team)

    (recorded,) = team.answers(
        team.say(team.lm, f"!demande {ACTION} échéance {DEADLINE} raison {REASON}")
    )
    found = re.match(r"Demande n° (\d+) envoyée au DG", plain(recorded.text))
    assert found, recorded.text
    number = found.group(1)

    def request_posts() -> list[Sent]:
        return [
            s
            for s in standin.sent(team.codir)
            if cards_of(s) and cards_of(s)[0]["fallbackText"].startswith(f"📨 Demande n° {number} ")
        ]

    (post,) = standin.wait_for(request_posts, what="the request's card in the CODIR channel")
    before = deadline(team)
    validate = buttons(cards_of(post)[0])["Valider"]
    read_click = press(team, team.reader, validate["data"], post)
    after_read = deadline(team)
    dg_click = press(team, team.dg, validate["data"], post)
    after_click = deadline(team)

    removal = team_members_update(standin, team.dg, removed=[team.sv])
    assert team.post(removal) == 200, team.bot.log_text()[-3000:]
    assert team.post(removal) == 200  # Teams delivers it again

    # The decision's and the departure's messages go out at the pass that starts the bot.
    assert team.bot.terminate() == 0, team.bot.log_text()[-3000:]
    team.bot.start()
    wait_listening(team.port, lambda: team.bot.running)
    return Cycle(team, number, post, before, read_click, after_read, dg_click, after_click, removal)


def test_a_request_reaches_the_codir_channel_as_a_card_to_validate_or_refuse(cycle):
    card = cards_of(cycle.post)[0]
    assert cycle.post.authorized
    assert f"de LM : report de l'action {ACTION} au {DEADLINE}" in card["fallbackText"]
    assert REASON in card["fallbackText"]
    validate, refuse = buttons(card)["Valider"], buttons(card)["Refuser"]
    assert validate["data"] == {"pst": f"!valider {cycle.number}"}
    assert refuse["data"] == {"pst": f"!refuser {cycle.number}"}
    assert [b["id"] for b in card["body"] if b["type"] == "Input.Text"] == ["raison"]


def test_a_readers_click_is_refused_by_the_engine_and_changes_nothing(cycle):
    assert "réservée aux rôles" in cycle.read_click["value"]
    assert cycle.after_read == cycle.before
    assert cycle.before[0] != DEADLINE


def test_the_dgs_click_validates_the_request_and_the_pilot_is_told(cycle):
    team = cycle.team
    assert cycle.dg_click["value"].startswith(f"Demande n° {cycle.number} validée")
    assert cycle.after_click[0] == DEADLINE and deadline(team) == cycle.after_click
    decided = team.bot.query(
        "select decision, decided_by from requests where id = ?", [cycle.number]
    )
    assert decided == [("validée", team.dg.aad)]
    start = f"✅ Votre demande n° {cycle.number} est validée"
    (told,) = team.standin.wait_for(
        lambda: personal_messages(team, team.lm, start), 30, "the pilot told in their chat"
    )
    assert told.authorized


def test_a_pilot_removed_from_the_team_is_told_to_the_dg_once(cycle):
    team = cycle.team
    start = f"👋 SV {departure_texts.WHY['removed']}"
    (told,) = team.standin.wait_for(
        lambda: personal_messages(team, team.dg, start), 30, "the DG told that SV left"
    )
    lines = plain(told.text).splitlines()
    listed = [line for line in lines if line.startswith("• ")]  # SV's open actions
    assert listed and all("SV" in line.rsplit("(", 1)[1] for line in listed), lines
    assert lines[-1] == departure_texts.HOW.format(pilot="SV")

    # Teams delivered the removal twice: one message recorded for the DG, one sent.
    assert team.bot.query("select count(*) from sends where kind = 'departure'") == [(1,)]
    conn = sqlite3.connect(f"file:{team.bot.database}?mode=ro", uri=True)
    try:
        assert absences.departed(sqlite_utils.Database(conn), team.sv.upn)  # reminders stop
    finally:
        conn.close()
    team.answers(team.say(team.dg, "!aide"))  # a later answer: any duplicate came before
    assert len(personal_messages(team, team.dg, start)) == 1
