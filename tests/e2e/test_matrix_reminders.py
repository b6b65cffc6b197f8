"""A reminder reaches the pilot in a direct chat, notifies them (m.text with m.mentions), their
answer there ("47 fait", no "!") is applied, the CODIR room gets the day's digest, and a
restart sends neither again. Its own bot process, with a [rhythm] that allows reminders at any
hour and whose digest is due today from midnight."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from .botproc import BotProcess
from .chat import Chat, in_reply_to
from .synapse import unique_name

DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
#: Reminders at any hour, any day; the digest due today from midnight (Brussels time).
RHYTHM = """
[rhythm]
digest = "{day} 00:00"
working_hours = "00:00-23:59"
skip_weekends = false
skip_holidays = ""
"""


def digests_in(chat: Chat, room: str, bot_id: str) -> list:
    return [
        event
        for room_id, event in chat.messages
        if room_id == room and event.sender == bot_id and event.body.startswith("Digest CODIR")
    ]


def reminders_from(chat: Chat, bot_id: str) -> list[tuple[str, object]]:
    return [
        (room, event)
        for room, event in chat.messages
        if event.sender == bot_id and event.source["content"].get("msgtype") == "m.text"
    ]


async def test_a_reminder_in_a_direct_chat_is_answered_there_and_not_repeated(homeserver, tmp_path):
    password = unique_name("pw")
    bot_id = await asyncio.to_thread(homeserver.register, unique_name("pst-bot"), password)
    dg = await Chat.login(homeserver, "dg")
    lm = await Chat.login(homeserver, "lm")
    lm.accept_invites = True  # the bot's invitation to the direct chat
    codir = await dg.create_room([bot_id], name="CODIR")
    bot = BotProcess(
        tmp_path / "bot",
        homeserver.base_url,
        bot_id,
        password,
        access={"admins": [dg.user_id], "allowed_inviters": [dg.user_id, lm.user_id]},
        pilots={"LM": lm.user_id},
        codir_room=codir,
    )
    today = datetime.now(ZoneInfo("Europe/Brussels")).date()
    rhythm = RHYTHM.format(day=DAYS[today.weekday()])
    bot.config_path.write_text(bot.config_path.read_text(encoding="utf-8") + rhythm, "utf-8")
    bot.seed()
    # One of LM's actions falls due in five days (the others of 2019-2024 are overdue).
    soon = (date.today() + timedelta(days=5)).isoformat()
    with sqlite3.connect(bot.database) as conn:
        (number,) = conn.execute(
            "select min(action_number) from action_pilots where pilot = 'LM'"
        ).fetchone()
        conn.execute("update actions set end_date = ? where number = ?", [soon, number])
    conn.close()
    bot.start()
    try:
        await lm.until(lambda: reminders_from(lm, bot_id), 30, "a reminder")
        [(room_id, reminder)] = reminders_from(lm, bot_id)
        content = reminder.source["content"]
        assert content["m.mentions"] == {"user_ids": [lm.user_id]}
        assert f"{number} " in content["body"] and "fait" in content["body"]
        await lm.until(lambda: lm.is_member(room_id, lm.user_id), 10, "joined")
        assert set(lm.client.rooms[room_id].users) == {bot_id, lm.user_id}

        answer = await lm.send(room_id, f"{number} fait")
        reply = await lm.reply_to(answer, 15)
        assert reply.source["content"]["msgtype"] == "m.notice"
        assert bot.query("select status from actions where number = ?", [number]) == [("fait",)]
        assert bot.query("select count(*) from sends where sent_at is null") == [(0,)]
        await dg.until(lambda: digests_in(dg, codir, bot_id), 30, "the digest in the CODIR room")
        [digest] = digests_in(dg, codir, bot_id)
        assert digest.source["content"]["msgtype"] == "m.notice" and "!tableau" in digest.body

        # A restart: the day's reminder is recorded as sent, nothing goes out again.
        assert bot.terminate() == 0, bot.log_text()
        bot.start()
        started = time.monotonic()
        check = await lm.send(room_id, "!aide")  # answered once the bot is back and synced
        await lm.reply_to(check, 30)
        while time.monotonic() - started < 3:  # a pass at start would have sent by now
            await lm.sync(500)
        assert len(reminders_from(lm, bot_id)) == 1
        await dg.sync(500)
        assert len(digests_in(dg, codir, bot_id)) == 1
        assert [event for _, event in lm.messages if in_reply_to(event) == answer] == [reply]
    finally:
        exit_code = bot.terminate()
        await dg.close()
        await lm.close()
    assert exit_code == 0, bot.log_text()
