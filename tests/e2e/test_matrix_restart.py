"""Never lose, never replay: the bot is killed (SIGKILL) in the middle of a burst of updates,
more updates arrive while it is down, and after a restart every update is applied exactly once
and every command answered once. Its own bot process, separate from the shared one."""

from __future__ import annotations

import asyncio
import time

from bot.matrix.sync import TIMELINE_LIMIT

from .botproc import BotProcess
from .burst import ACTIONS, applied, send_updates
from .chat import Chat, in_reply_to
from .synapse import unique_name


async def test_sigkill_during_a_burst_applies_every_update_once(homeserver, tmp_path):
    password = unique_name("pw")
    bot_id = await asyncio.to_thread(homeserver.register, unique_name("pst-bot"), password)
    dg = await Chat.login(homeserver, "dg")
    pilots = {code: await Chat.login(homeserver, code.lower()) for code in ACTIONS}
    codir = await dg.create_room([bot_id], name="CODIR")
    bot = BotProcess(
        tmp_path / "bot",
        homeserver.base_url,
        bot_id,
        password,
        access={
            "admins": [dg.user_id],
            "allowed_inviters": [c.user_id for c in pilots.values()] + [dg.user_id],
        },
        pilots={code: chat.user_id for code, chat in pilots.items()},
        codir_room=codir,
    )
    bot.seed()
    bot.start()
    try:
        rooms = {}
        for code, chat in pilots.items():
            rooms[code] = await chat.room_with(bot_id, is_direct=True)

        # Half the burst, then SIGKILL as soon as the bot has applied something.
        sent = await send_updates(pilots, rooms, 0, 5)
        deadline = time.monotonic() + 20
        while not applied(bot, sent):
            assert time.monotonic() < deadline, bot.log_text()
            await asyncio.sleep(0.002)
        bot.kill()
        applied_at_kill = sum(applied(bot, sent).values())
        assert 0 < applied_at_kill < 25, applied_at_kill

        # The other half while the bot is down, then restart.
        sent.update(await send_updates(pilots, rooms, 5, 10))
        assert len(sent) == 50
        # More commands in one room than a sync returns (TIMELINE_LIMIT): the rest is fetched.
        reads = [await dg.send(codir, f"!action {1 + i % 127}") for i in range(TIMELINE_LIMIT + 10)]
        bot.start()

        deadline = time.monotonic() + 60
        while len(applied(bot, sent)) < 50:
            assert time.monotonic() < deadline, bot.log_text()
            await asyncio.sleep(0.1)
        for code, chat in pilots.items():
            mine = [e for e, text in sent.items() if f"rafale {code}-" in text]
            await chat.until(lambda c=chat, m=mine: all(c.replies_to(e) for e in m), 30, "replies")
        posts_expected = {text.rsplit(" ", 1)[1] for text in sent.values()}  # "LM-3", ...
        deadline = time.monotonic() + 30
        while True:
            codir_history = await dg.history(codir)
            # An update that only repeats a state another pilot set posts as a note: "rafale"
            # is in every post of the burst, whichever its form.
            posts = [
                e.body
                for e in codir_history
                if "rafale" in e.body and in_reply_to(e) not in set(reads)
            ]
            answered = {in_reply_to(e) for e in codir_history}
            if len(posts) >= 50 and answered.issuperset(reads):
                break
            assert time.monotonic() < deadline, (len(posts), len(answered & set(reads)))
            await asyncio.sleep(0.5)
        # One more round of syncs catches a duplicate reply that would come late.
        for chat in pilots.values():
            await chat.sync(200)

        assert applied(bot, sent) == {event_id: 1 for event_id in sent}
        for code, chat in pilots.items():
            for event_id, text in sent.items():
                if f"rafale {code}-" in text:
                    assert len(chat.replies_to(event_id)) == 1, (text, chat.replies_to(event_id))
        assert sorted(body.rsplit(" ", 1)[1] for body in posts) == sorted(posts_expected)
        replies = [in_reply_to(e) for e in codir_history if in_reply_to(e) in set(reads)]
        assert sorted(replies) == sorted(reads)  # each answered once
        assert "événements manqués récupérés" in bot.log_text()
        assert bot.terminate() == 0
        assert "Arrêt propre" in bot.log_text()
    finally:
        bot.terminate()
        for chat in [dg, *pilots.values()]:
            await chat.close()
