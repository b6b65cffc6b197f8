"""The DG's cycle on a real Synapse with the real bot process: a pilot's `!demande` reaches the
CODIR room, the DG's `!valider` applies it and `!refuser` does not, and either way the pilot is
told in a direct chat; the DG's `!campagne` gives the pilot one grouped request, and one reminder
about the actions still without news.

The decisions are recorded in `sends` and the campaign's request is recorded by the bot's
scheduler; both go out at its next pass (bot/scheduler.py: at start, then every EVERY_S). The
fixture therefore does every step in chat first and the tests then wait for their message, so
that one pass delivers them all. Working hours all day, every day (as in
test_matrix_reminders.py), so that the campaign's request is due whatever the time of the run.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest_asyncio
from dateutil.relativedelta import relativedelta

from bot.scheduler import EVERY_S
from commands.campaigns import MOST_LINES
from storage.vocabulary import CLOSED

from .botproc import BotProcess
from .chat import Chat
from .synapse import unique_name

#: Requests and reminders at any hour, any day; no digest.
RHYTHM = """
[rhythm]
digest = ""
working_hours = "00:00-23:59"
skip_weekends = false
skip_holidays = ""
"""
ZONE = ZoneInfo("Europe/Brussels")
#: The Conseil installed nine months before a day 30 days ahead: the PST's legal day (and its
#: publication's) is that day, its 30 days' notice due today.
INSTALLATION = datetime.now(ZONE).date() + timedelta(days=30) - relativedelta(months=9)
#: A pass of the scheduler, and the time its sends take.
PASS_S = EVERY_S + 20
VALIDATED_ACTION, VALIDATED_DEADLINE = "52", "2027-06-30"
REFUSED_ACTION, REFUSED_DEADLINE, REFUSAL = "53", "2029-12-31", "budget non disponible"


@dataclass
class Cycle:
    bot: BotProcess
    bot_id: str
    dg: Chat
    lm: Chat
    codir: str
    room: str  # the DG, the pilot LM and the bot
    answers: dict[str, str]  # command -> the bot's reply
    validated: str  # request number
    refused: str
    opens: str
    closes: str


def request_number(reply: str) -> str:
    found = re.match(r"Demande n° (\d+) envoyée au DG", reply)
    assert found, reply
    return found.group(1)


def from_bot(chat: Chat, room: str, bot_id: str, start: str) -> list:
    return [
        event
        for event in chat.in_room(room)
        if event.sender == bot_id and event.body.startswith(start)
    ]


def direct_messages(chat: Chat, bot_id: str, start: str) -> list[tuple[str, object]]:
    """What the bot said on its own (m.text) starting with `start`, with the room."""
    return [
        (room, event)
        for room, event in chat.messages
        if event.sender == bot_id
        and event.source["content"].get("msgtype") == "m.text"
        and event.body.startswith(start)
    ]


async def one_direct_message(cycle: Cycle, start: str):
    lm, bot_id = cycle.lm, cycle.bot_id
    await lm.until(lambda: direct_messages(lm, bot_id, start), PASS_S, f"« {start} »")
    [(room, message)] = direct_messages(lm, bot_id, start)
    await lm.until(lambda: lm.is_member(room, lm.user_id), 10, "the direct chat joined")
    assert set(lm.client.rooms[room].users) == {bot_id, lm.user_id}
    assert message.source["content"]["m.mentions"] == {"user_ids": [lm.user_id]}
    return message


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def cycle(homeserver, tmp_path_factory):
    password = unique_name("pw")
    bot_id = await asyncio.to_thread(homeserver.register, unique_name("pst-bot"), password)
    dg = await Chat.login(homeserver, "dg")
    lm = await Chat.login(homeserver, "lm")
    lm.accept_invites = True  # the group room, and the bot's direct chat
    dg.accept_invites = True  # the bot's direct chat with the DG (a legal notice)
    codir = await dg.create_room([bot_id], name="CODIR")
    bot = BotProcess(
        tmp_path_factory.mktemp("dg-cycle"),
        homeserver.base_url,
        bot_id,
        password,
        access={"admins": [dg.user_id], "allowed_inviters": [dg.user_id, lm.user_id]},
        pilots={"LM": lm.user_id},
        codir_room=codir,
    )
    installed = f'\n[organisation]\ninstallation = "{INSTALLATION.isoformat()}"\n'
    bot.config_path.write_text(bot.config_path.read_text("utf-8") + RHYTHM + installed, "utf-8")
    bot.seed()
    bot.start()
    try:
        await dg.until(lambda: dg.is_member(codir, bot_id) or not bot.running, 30, "bot up")
        assert bot.running, bot.log_text()
        room = await dg.create_room([bot_id, lm.user_id], name="Pilotes")
        await lm.until(lambda: room in lm.client.rooms, 10, "the group room")
        await dg.until(
            lambda: dg.is_member(room, bot_id) and dg.is_member(room, lm.user_id), 20, "joins"
        )
        answers: dict[str, str] = {}

        async def say(chat: Chat, where: str, text: str) -> str:
            answers[text] = (await chat.command(where, text, 20)).body
            return answers[text]

        for code in (VALIDATED_ACTION, REFUSED_ACTION):
            await say(lm, room, f"!action {code}")
        asked = f"!demande {VALIDATED_ACTION} échéance {VALIDATED_DEADLINE} raison marché relancé"
        validated = request_number(await say(lm, room, asked))
        await dg.until(
            lambda: from_bot(dg, codir, bot_id, f"📨 Demande n° {validated} "), 15, "CODIR post"
        )
        await say(dg, codir, f"!valider {validated}")
        asked = f"!demande {REFUSED_ACTION} échéance {REFUSED_DEADLINE} raison travaux"
        refused = request_number(await say(lm, room, asked))
        await say(dg, codir, f"!refuser {refused} {REFUSAL}")
        today = datetime.now(ZONE).date()
        # Opened yesterday, closing in two days: its reminder is due today (two working days
        # before the close), once its request has gone on an earlier day (see the reminder test).
        opens = (today - timedelta(days=1)).isoformat()
        closes = (today + timedelta(days=2)).isoformat()
        await say(dg, codir, f"!campagne {opens} {closes}")
        yield Cycle(bot, bot_id, dg, lm, codir, room, answers, validated, refused, opens, closes)
    finally:
        exit_code = bot.terminate()
        await dg.close()
        await lm.close()
    assert exit_code == 0, bot.log_text()


async def test_a_validated_deadline_request_moves_the_deadline_and_tells_the_pilot(cycle):
    number = cycle.validated
    assert number == "1"
    [post] = from_bot(cycle.dg, cycle.codir, cycle.bot_id, f"📨 Demande n° {number} ")
    assert f"action {VALIDATED_ACTION} au {VALIDATED_DEADLINE}" in post.body
    assert "marché relancé" in post.body and f"!valider {number}" in post.body
    decided = cycle.answers[f"!valider {number}"]
    assert decided.startswith(f"Demande n° {number} validée : action {VALIDATED_ACTION}")
    assert f"→ {VALIDATED_DEADLINE}" in decided
    await cycle.dg.until(
        lambda: from_bot(cycle.dg, cycle.codir, cycle.bot_id, f"✅ Demande n° {number} "),
        15,
        "the decision in the CODIR room",
    )

    before = cycle.answers[f"!action {VALIDATED_ACTION}"]
    assert f"Échéance : {VALIDATED_DEADLINE}" not in before
    now = await cycle.lm.command(cycle.room, f"!action {VALIDATED_ACTION}")
    assert f"Échéance : {VALIDATED_DEADLINE}" in now.body
    rows = cycle.bot.query(
        "select deadline, end_date from actions where code = ?", [VALIDATED_ACTION]
    )
    assert rows == [(VALIDATED_DEADLINE, VALIDATED_DEADLINE)]
    [(recipient,)] = cycle.bot.query(
        "select recipient from sends where kind = 'request' and key like ?", [f"%:{number}:%"]
    )
    assert recipient == cycle.lm.user_id

    told = await one_direct_message(cycle, f"✅ Votre demande n° {number} est validée")
    assert f"action {VALIDATED_ACTION} au {VALIDATED_DEADLINE}" in told.body
    await cycle.lm.until(
        lambda: (
            cycle.bot.query(
                "select count(*) from sends where kind = 'request' and key like ?"
                " and sent_at is not null",
                [f"%:{number}:%"],
            )
            == [(1,)]
        ),
        10,
        "marked sent",
    )


async def test_a_refused_request_changes_nothing_and_tells_the_pilot_why(cycle):
    number = cycle.refused
    assert number != cycle.validated
    assert cycle.answers[f"!refuser {number} {REFUSAL}"].startswith(f"Demande n° {number} refusée")
    told = await one_direct_message(cycle, f"❌ Votre demande n° {number} ")
    assert f"action {REFUSED_ACTION} au {REFUSED_DEADLINE}" in told.body
    assert told.body.endswith(f"est refusée : {REFUSAL}")
    now = await cycle.lm.command(cycle.room, f"!action {REFUSED_ACTION}")
    assert now.body == cycle.answers[f"!action {REFUSED_ACTION}"]
    assert REFUSED_DEADLINE not in now.body


async def test_a_campaign_gives_the_pilot_one_grouped_request(cycle):
    created = cycle.answers[f"!campagne {cycle.opens} {cycle.closes}"]
    assert created.startswith("Campagne n° 1 du "), created
    marks = ",".join("?" * len(CLOSED))
    codes = {
        code
        for (code,) in cycle.bot.query(
            "select a.code from actions a join action_pilots p on p.action_number = a.number"
            f" where p.pilot = 'LM' and a.status not in ({marks})",
            list(CLOSED),
        )
    }
    assert len(codes) > 1
    closes = datetime.fromisoformat(cycle.closes).strftime("%d/%m/%Y")
    asked = await one_direct_message(cycle, "Campagne de suivi : ")
    head, *lines = asked.body.splitlines()
    assert head == (
        f"Campagne de suivi : donnez des nouvelles de vos {len(codes)} actions d'ici le {closes}."
    )
    listed = {line.split()[1] for line in lines if line.startswith("• ")}
    assert listed and listed <= codes
    assert len(listed) == min(len(codes), MOST_LINES)
    assert lines[-1].startswith("Répondez ici, par exemple : !maj ")
    assert cycle.bot.query(
        "select count(*) from sends where kind = 'campaign-open' and recipient = ?",
        [cycle.lm.user_id],
    ) == [(1,)]


def back_a_day(bot: BotProcess, key: str) -> None:
    """The send `key` as if it had gone yesterday: the campaign opened yesterday, and the bot
    asked then (a reminder never comes the day of its request, commands/campaigns.py). The
    one change a test makes to the bot's database: the calendar, not the bot's behaviour."""
    conn = sqlite3.connect(bot.database, timeout=5)
    try:
        with conn:
            ((due, sent),) = conn.execute("select due_at, sent_at from sends where key = ?", [key])
            day = timedelta(days=1)
            earlier = [(datetime.fromisoformat(t) - day).isoformat() for t in (due, sent)]
            conn.execute("update sends set due_at = ?, sent_at = ? where key = ?", [*earlier, key])
    finally:
        conn.close()


def actions_answered(rate_reply: str) -> int:
    found = re.search(r"pilotes, (\d+)/\d+ actions", rate_reply)
    assert found, rate_reply
    return int(found.group(1))


async def test_a_pilot_still_missing_gets_one_reminder_about_the_actions_without_news(cycle):
    """After the request test. LM gives news of one action; the request as if it went
    yesterday: the next pass reminds LM of the others."""
    lm, dg, bot_id = cycle.lm, cycle.dg, cycle.bot_id
    ((_, asked),) = direct_messages(lm, bot_id, "Campagne de suivi : ")
    answered = [line.split()[1] for line in asked.body.splitlines() if line.startswith("• ")][0]
    before = actions_answered((await dg.command(cycle.codir, "!campagne", 20)).body)
    await lm.command(cycle.room, f"!maj {answered} ras", 20)
    after = actions_answered((await dg.command(cycle.codir, "!campagne", 20)).body)
    assert after == before + 1
    opening = cycle.bot.query(
        "select key from sends where kind = 'campaign-open' and recipient = ?", [lm.user_id]
    )
    back_a_day(cycle.bot, opening[0][0])

    start = "Rappel : "
    await lm.until(lambda: direct_messages(lm, bot_id, start), PASS_S, "the campaign's reminder")
    ((_, reminder),) = direct_messages(lm, bot_id, start)
    head, *lines = reminder.body.splitlines()
    closes = datetime.fromisoformat(cycle.closes).strftime("%d/%m/%Y")
    assert head.endswith(f"attendent encore des nouvelles, clôture le {closes}.")
    listed = {line.split()[1] for line in lines if line.startswith("• ")}
    assert listed and answered not in listed
    # Recorded once under its key (campaign-nudge:campaign:person): a later pass finds it.
    nudges = "select recipient from sends where kind = 'campaign-nudge' and sent_at is not null"
    await lm.until(lambda: cycle.bot.query(nudges) == [(lm.user_id,)], 10, "marked sent")


async def test_a_legal_notice_reaches_the_codir_room_and_the_dg_once(cycle):
    dg, bot_id = cycle.dg, cycle.bot_id
    legal_day = INSTALLATION + relativedelta(months=9)
    days = (legal_day - datetime.now(ZONE).date()).days
    head = (
        "Calendrier légal : la présentation du PST au Conseil (neuf mois après l'installation)"
        " et la publication du PST sur le site de l'institution (!publier),"
        f" au plus tard le {legal_day:%d/%m/%Y} (dans {days} jours)."
    )

    def to_the_dg():
        return [
            (room, e)
            for room, e in dg.messages
            if room != cycle.codir and e.sender == bot_id and e.body.startswith(head)
        ]

    await dg.until(lambda: from_bot(dg, cycle.codir, bot_id, head), PASS_S, "the CODIR notice")
    await dg.until(to_the_dg, PASS_S, "the DG's notice")
    [(room, told)] = to_the_dg()
    assert told.source["content"]["m.mentions"] == {"user_ids": [dg.user_id]}
    [post] = from_bot(dg, cycle.codir, bot_id, head)
    assert post.body == told.body
    assert post.body.splitlines()[1:], post.body  # what is missing, named
    assert cycle.bot.query(
        "select recipient from sends where kind = 'legal' order by recipient"
    ) == sorted([("codir",), (dg.user_id,)])  # the PST and its publication: one notice each


async def test_a_pilot_who_leaves_every_room_of_the_bot_is_reported_to_the_dg(cycle):
    """Last, as it ends LM's part: LM leaves every room shared with the bot; the DG gets one
    direct message with LM's open actions and the !pilote line; LM's reminders stop."""
    dg, lm, bot_id = cycle.dg, cycle.lm, cycle.bot_id
    shared = [room for room, info in lm.client.rooms.items() if bot_id in info.users]
    assert cycle.room in shared
    for room in sorted(shared, key=lambda r: r == cycle.room):  # the group room last
        await lm.client.room_leave(room)

    def told():
        return [
            (room, event)
            for room, event in dg.messages
            if event.sender == bot_id and event.body.startswith("👋 LM a quitté tous les salons")
        ]

    await dg.until(told, PASS_S, "the DG told that LM left")
    [(_, message)] = told()
    assert "Ses rappels s'arrêtent" in message.body
    assert message.body.splitlines()[-1] == "!pilote LM @nouvelle.personne:exemple.org"
    assert cycle.bot.query(
        "select count(*) from kv where key = ?", [f"departed: {lm.user_id}"]
    ) == [(1,)]
