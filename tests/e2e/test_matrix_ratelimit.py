"""A homeserver that rate-limits the bot (M_LIMIT_EXCEEDED): every command is still answered,
exactly once. A second, small Synapse of its own with a low `rc_message`; the people in the
test are exempt, so only the bot meets the limit."""

from __future__ import annotations

import asyncio

from .botproc import BotProcess
from .chat import Chat
from .synapse import Homeserver, unique_name

#: Three events at once, then two a second: the burst below needs about 5 s of waiting.
LOW_RC_MESSAGE = {"rc_message": {"per_second": 2, "burst_count": 3}}
#: Actions the pilot LM of the Frameries example pilots.
LM_ACTIONS = [1, 10, 17, 50, 52, 53]


async def test_rate_limited_bot_answers_every_command_once(homeserver, tmp_path):
    # `homeserver` (the session's Synapse) only brings its skip-or-fail rule for a missing Synapse.
    limited = Homeserver(tmp_path / "synapse", rate_limits=LOW_RC_MESSAGE)
    await asyncio.to_thread(limited.start)
    chats: list[Chat] = []
    bot = None
    try:
        password = unique_name("pw")
        bot_id = await asyncio.to_thread(limited.register, unique_name("pst-bot"), password)
        dg, lm = await Chat.login(limited, "dg"), await Chat.login(limited, "lm")
        chats = [dg, lm]
        for chat in chats:
            await asyncio.to_thread(limited.exempt_from_rate_limits, chat.user_id)
        codir = await dg.create_room([bot_id], name="CODIR")
        bot = BotProcess(
            tmp_path / "bot",
            limited.base_url,
            bot_id,
            password,
            access={"admins": [dg.user_id], "allowed_inviters": [dg.user_id, lm.user_id]},
            pilots={"LM": lm.user_id},
            codir_room=codir,
        )
        bot.seed()
        bot.start()
        await dg.until(lambda: dg.is_member(codir, bot_id), 30, "bot in CODIR")
        room = await lm.room_with(bot_id, is_direct=True)

        # Six reads and three updates (each update: a reply and a CODIR post) at once.
        commands = [f"!action {n}" for n in LM_ACTIONS]
        commands += [
            f"!maj {n} en cours {20 + i}% limite-{i}" for i, n in enumerate(LM_ACTIONS[:3])
        ]
        sent = [await lm.send(room, text) for text in commands]
        await lm.until(lambda: all(lm.replies_to(e) for e in sent), 60, "every reply")
        await dg.until(
            lambda: sum("limite-" in e.body for e in dg.in_room(codir)) >= 3, 30, "CODIR posts"
        )
        await lm.sync(500)  # a duplicate would come late
        await dg.sync(0)

        assert "Got 429 response (ratelimited)" in bot.log_text()  # the limit was met
        for event_id, text in zip(sent, commands, strict=True):
            (answer,) = lm.replies_to(event_id)
            assert answer.body.startswith(f"Action {text.split()[1]} "), answer.body
        posts = sorted(e.body.rsplit(" ", 1)[1] for e in dg.in_room(codir) if "limite-" in e.body)
        assert posts == ["limite-0", "limite-1", "limite-2"]
        placeholders = ",".join("?" * len(sent))
        applied = bot.query(
            f"select count(*) from updates where source_id in ({placeholders})", sent
        )
        assert applied == [(3,)]
        assert bot.terminate() == 0
    finally:
        if bot is not None:
            bot.terminate()
        for chat in chats:
            await chat.close()
        await asyncio.to_thread(limited.stop)
