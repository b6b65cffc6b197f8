"""A proposal confirmed in one tap, end to end: on Synapse by a reply « oui » or a ✅ reaction on
the bot's question, on Teams by the card's « Oui, enregistrer » button; each applied once.

The proposal comes from a near status (« fiat » for « fait »); the pilot is LM, on actions no
other end-to-end test updates (71, 72 on Matrix, 73 on Teams).
"""

from __future__ import annotations

from commands import proposal_texts

from .conftest import TeamsTeam
from .teams_standin import ADAPTIVE_CARD, card_action, post_invoke


def statuses(bot, number: int) -> list[tuple]:
    return bot.query(
        "select who, new_status, source_id from updates where action_number = ? order by id",
        [number],
    )


async def test_a_reply_oui_in_a_group_room_applies_the_proposal_once(pst_bot):
    team = pst_bot
    question = await team.lm.command(team.group_room, "!maj 71 fiat")
    assert "« fait »" in question.body and proposal_texts.HINT in question.body
    assert statuses(team.bot, 71) == []
    oui = await team.lm.send(team.group_room, "oui")  # no "!": it answers the question
    answer = await team.lm.reply_to(oui)
    assert "Action 71" in answer.body and "fait" in answer.body, answer.body
    assert statuses(team.bot, 71) == [(team.lm.user_id, "fait", oui)]
    # Answered: a second « oui » is plain chat again, not for the bot.
    await team.lm.send(team.group_room, "oui")
    await team.lm.command(team.group_room, "!action 71")  # any reply to it came before this
    assert len(statuses(team.bot, 71)) == 1


async def test_a_check_reaction_on_the_question_applies_the_proposal_once(pst_bot):
    team = pst_bot
    command = await team.lm.send(team.group_room, "!maj 72 fiat")
    question = await team.lm.reply_to(command)
    # Someone else's ✅ does nothing.
    await team.sv.send_event(team.group_room, "m.reaction", reaction(question.event_id, "✅"))
    reacted = await team.lm.send_event(
        team.group_room, "m.reaction", reaction(question.event_id, "✅")
    )
    answer = await team.lm.reply_to(reacted)
    assert "Action 72" in answer.body and "fait" in answer.body, answer.body
    assert statuses(team.bot, 72) == [(team.lm.user_id, "fait", reacted)]
    # A second reaction on the same question: nothing more is applied.
    await team.lm.send_event(team.group_room, "m.reaction", reaction(question.event_id, "👍"))
    await team.lm.command(team.group_room, "!action 72")
    assert len(statuses(team.bot, 72)) == 1


def reaction(event_id: str, key: str) -> dict:
    return {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": key}}


def test_the_teams_card_button_applies_the_proposal_once(teams_bot: TeamsTeam):
    team = teams_bot
    (question,) = team.answers(team.say(team.lm, "!maj 73 fiat"))
    (card,) = [a["content"] for a in question.attachments if a["contentType"] == ADAPTIVE_CARD]
    buttons = [b for block in card["body"] if "actions" in block for b in block["actions"]]
    assert [b["title"] for b in buttons] == ["Oui, enregistrer", "Non"]
    assert statuses(team.bot, 73) == []

    invoke = card_action(team.standin, team.lm, buttons[0]["data"])
    status, body = post_invoke(team.url, invoke, team.standin.sign(invoke))
    assert status == 200, team.bot.log_text()[-3000:]
    assert "Action 73" in body["value"] and "fait" in body["value"], body
    key = f"teams:{invoke['conversation']['id']}:{invoke['id']}"
    assert statuses(team.bot, 73) == [(team.lm.aad, "fait", key)]

    # Teams delivers the same invoke again: applied once.
    status, again = post_invoke(team.url, invoke, team.standin.sign(invoke))
    assert status == 200
    assert len(statuses(team.bot, 73)) == 1
