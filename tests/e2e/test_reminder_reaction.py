"""One tap on a reminder, on a real Synapse with the real bot process: the pilot's ✅ on their
reminder marks the action done, with one CODIR post; the reaction taken back (redacted) within
15 minutes undoes it, with its own post; someone else's ✅ on it changes nothing. On a reminder
about several actions the lines carry keycaps: a ✅ asks which line, a keycap marks that line's
action done.

LM's reminder is about one action, SV's about three (their deadlines moved five days ahead,
every other action's far away); both go out at the scheduler's pass at start, working hours all
day (as in test_matrix_reminders.py).
"""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import date, timedelta

from nio import RoomRedactResponse

from bot.matrix import texts
from commands.reminder_taps import KEYCAPS

from .botproc import BotProcess
from .chat import Chat
from .synapse import unique_name

#: Reminders at any hour, any day; no digest.
RHYTHM = """
[rhythm]
digest = ""
working_hours = "00:00-23:59"
skip_weekends = false
skip_holidays = ""
"""


def reaction(event_id: str, key: str) -> dict:
    return {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id, "key": key}}


def reminder_to(chat: Chat, bot_id: str) -> list[tuple[str, object]]:
    """The bot's reminders (m.text) the person saw, with their room."""
    return [
        (room, event)
        for room, event in chat.messages
        if event.sender == bot_id
        and event.source["content"].get("msgtype") == "m.text"
        and event.body.startswith("Bonjour")
    ]


def codir_posts(chat: Chat, codir: str, bot_id: str, code: str) -> list:
    return [
        event
        for event in chat.in_room(codir)
        if event.sender == bot_id and f"l'action {code} " in event.body
    ]


def due_soon(conn: sqlite3.Connection, pilot: str, count: int) -> list[str]:
    """`count` actions of `pilot` made due in five days; their codes, in order."""
    rows = conn.execute(
        "select a.number, a.code from actions a join action_pilots p on p.action_number = a.number"
        " where p.pilot = ? and a.status not in ('fait', 'abandonné') order by a.number limit ?",
        [pilot, count],
    ).fetchall()
    soon = (date.today() + timedelta(days=5)).isoformat()
    for number, _ in rows:
        conn.execute("update actions set end_date = ? where number = ?", [soon, number])
    return [code for _, code in rows]


async def one_reminder(chat: Chat, bot_id: str):
    await chat.until(lambda: reminder_to(chat, bot_id), 40, "a reminder")
    [(room, reminder)] = reminder_to(chat, bot_id)
    await chat.until(lambda: chat.is_member(room, chat.user_id), 10, "the direct chat joined")
    return room, reminder


def status(bot: BotProcess, code: str) -> str:
    [(found,)] = bot.query("select status from actions where code = ?", [code])
    return found


async def test_a_check_on_a_reminder_marks_it_done_and_taking_it_back_undoes_it(
    homeserver, tmp_path
):
    password = unique_name("pw")
    bot_id = await asyncio.to_thread(homeserver.register, unique_name("pst-bot"), password)
    dg = await Chat.login(homeserver, "dg")
    lm = await Chat.login(homeserver, "lm")
    sv = await Chat.login(homeserver, "sv")
    for chat in (dg, lm, sv):
        chat.accept_invites = True  # the bot's direct chats; the DG into LM's
    codir = await dg.create_room([bot_id], name="CODIR")
    bot = BotProcess(
        tmp_path / "bot",
        homeserver.base_url,
        bot_id,
        password,
        access={"admins": [dg.user_id], "allowed_inviters": [dg.user_id]},
        pilots={"LM": lm.user_id, "SV": sv.user_id},
        codir_room=codir,
    )
    bot.config_path.write_text(bot.config_path.read_text("utf-8") + RHYTHM, "utf-8")
    bot.seed()
    with sqlite3.connect(bot.database) as conn:
        conn.execute("update actions set end_date = '2099-12-31'")
        [code] = due_soon(conn, "LM", 1)
        several = due_soon(conn, "SV", 3)
    conn.close()
    bot.start()
    try:
        room, reminder = await one_reminder(lm, bot_id)
        assert reminder.body.endswith(texts.TAP_ONE) and f"!maj {code} fait" in reminder.body
        [(event_id,)] = bot.query(
            "select e.event_id from sent_events e join sends s on s.key = e.send_key"
            " where s.recipient = ?",
            [lm.user_id],
        )
        assert event_id == reminder.event_id
        before = status(bot, code)
        assert before != "fait"

        # Someone else's ✅ on LM's reminder changes nothing.
        await lm.client.room_invite(room, dg.user_id)
        await dg.until(lambda: dg.is_member(room, dg.user_id), 10, "the DG in LM's chat")
        await dg.send_event(room, "m.reaction", reaction(reminder.event_id, "✅"))

        tapped = await lm.send_event(room, "m.reaction", reaction(reminder.event_id, "✅"))
        done = await lm.reply_to(tapped, 20)
        assert f"Action {code}" in done.body and "fait" in done.body, done.body
        assert status(bot, code) == "fait"
        assert bot.query(
            "select who, source_id from updates where kind = 'status' and action_number ="
            " (select number from actions where code = ?)",
            [code],
        ) == [(lm.user_id, tapped)]
        await dg.until(lambda: codir_posts(dg, codir, bot_id, code), 15, "the CODIR post")

        taken_back = await lm.client.room_redact(room, tapped)
        assert isinstance(taken_back, RoomRedactResponse), taken_back
        undone = await lm.reply_to(taken_back.event_id, 20)
        assert undone.body.startswith(f"Annulé. Action {code}"), undone.body
        assert status(bot, code) == before
        await dg.until(lambda: len(codir_posts(dg, codir, bot_id, code)) == 2, 15, "undo post")
        assert "annulé" in codir_posts(dg, codir, bot_id, code)[-1].body

        # SV's reminder numbers its three lines; a ✅ asks which, a keycap says it.
        sv_room, numbered = await one_reminder(sv, bot_id)
        lines = [line for line in numbered.body.splitlines() if line.startswith(KEYCAPS)]
        assert [line.split(" ", 1)[0] for line in lines] == list(KEYCAPS[:3])
        assert numbered.body.endswith(texts.TAP_LINE)
        check = await sv.send_event(sv_room, "m.reaction", reaction(numbered.event_id, "✅"))
        asked = await sv.reply_to(check, 20)
        assert asked.body.startswith("Ce rappel porte sur 3 actions"), asked.body
        second = await sv.send_event(sv_room, "m.reaction", reaction(numbered.event_id, "2️⃣"))
        await sv.reply_to(second, 20)
        assert [status(bot, c) == "fait" for c in several] == [False, True, False]

        # Nothing more came of the DG's reaction: one change, one undo, two posts.
        check = await lm.command(room, f"!action {code}")
        assert check.body
        assert len(codir_posts(dg, codir, bot_id, code)) == 2
        assert bot.query("select count(*) from updates where who = ?", [dg.user_id]) == [(0,)]
    finally:
        exit_code = bot.terminate()
        await dg.close()
        await lm.close()
        await sv.close()
    assert exit_code == 0, bot.log_text()
