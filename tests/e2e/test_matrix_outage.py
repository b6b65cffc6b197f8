"""The homeserver out of the bot's reach: a TCP relay between the bot and Synapse is cut for
10 s while pilots keep writing (they talk to Synapse directly): connections refused for the
first half, then every request answered 502 (a reverse proxy whose Synapse is down). After it
comes back every command is answered once and applied once; and a stop request ends a login
that waits for the server. Each test runs its own bot."""

from __future__ import annotations

import asyncio
import time

from .botproc import BotProcess
from .burst import ACTIONS, applied, send_updates
from .chat import Chat, in_reply_to
from .proxy import TcpProxy
from .synapse import unique_name

#: How long the homeserver stays out of reach.
OUTAGE_S = 10


async def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.05)


async def test_outage_while_pilots_write_every_command_answered_and_applied_once(
    homeserver, tmp_path
):
    proxy = await TcpProxy.start(homeserver.port)
    password = unique_name("pw")
    bot_id = await asyncio.to_thread(homeserver.register, unique_name("pst-bot"), password)
    codes = ["LM", "MR", "AB"]
    dg = await Chat.login(homeserver, "dg")
    pilots = {code: await Chat.login(homeserver, code.lower()) for code in codes}
    codir = await dg.create_room([bot_id], name="CODIR")
    bot = BotProcess(
        tmp_path / "bot",
        proxy.url,
        bot_id,
        password,
        access={
            "admins": [dg.user_id],
            "allowed_inviters": [dg.user_id, *(c.user_id for c in pilots.values())],
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
        await dg.until(lambda: dg.is_member(codir, bot_id), 20, "bot in CODIR")

        # A first round, cut as soon as the bot has applied one: answers are on their way.
        sent = await send_updates(pilots, rooms, 0, 2)
        await wait_for(lambda: applied(bot, sent), 20, "first update applied")
        await proxy.cut()
        cut_at = time.monotonic()
        # The pilots keep writing while the bot cannot reach the server.
        index = 2
        while time.monotonic() - cut_at < OUTAGE_S and index < len(ACTIONS["LM"]):
            if proxy.cut_off and time.monotonic() - cut_at >= OUTAGE_S / 2:
                await proxy.bad_gateway()
            sent.update(await send_updates(pilots, rooms, index, index + 1))
            index += 1
            await asyncio.sleep(1)
        await asyncio.sleep(max(0.0, OUTAGE_S - (time.monotonic() - cut_at)))
        assert bot.running, bot.log_text()  # an outage is no reason to exit
        await proxy.restore()

        await wait_for(lambda: len(applied(bot, sent)) == len(sent), 90, "every update applied")
        for code, chat in pilots.items():
            mine = [e for e, text in sent.items() if f"rafale {code}-" in text]
            await chat.until(lambda c=chat, m=mine: all(c.replies_to(e) for e in m), 60, "replies")

        def codir_posts() -> list[str]:
            return [e.body for e in dg.in_room(codir) if "rafale" in e.body]

        await dg.until(lambda: len(codir_posts()) >= len(sent), 60, "CODIR posts")
        for chat in [dg, *pilots.values()]:  # a duplicate would come late
            await chat.sync(500)

        assert applied(bot, sent) == {event_id: 1 for event_id in sent}
        for code, chat in pilots.items():
            for event_id, text in sent.items():
                if f"rafale {code}-" in text:
                    (answer,) = chat.replies_to(event_id)
                    assert answer.body.startswith("Action "), (text, answer.body)
                    assert in_reply_to(answer) == event_id
        expected = sorted(text.rsplit(" ", 1)[1] for text in sent.values())
        assert sorted(body.rsplit(" ", 1)[1] for body in codir_posts()) == expected
        assert index > 4  # commands were written during the outage
        log = bot.log_text()
        assert "Timed out, sleeping" in log  # nio met the refused connections and waited
        assert "(HTTP 502) ; nouvel essai" in log  # the bot met the 502s and synced again
        assert bot.terminate() == 0
    finally:
        bot.terminate()
        await proxy.close()
        for chat in [dg, *pilots.values()]:
            await chat.close()


async def test_first_sigterm_stops_a_bot_waiting_to_log_in(homeserver, tmp_path):
    proxy = await TcpProxy.start(homeserver.port)
    await proxy.cut()  # the server is out of reach from the start
    bot = BotProcess(tmp_path / "bot", proxy.url, "@pst-bot:localhost", "pw", access={}, pilots={})
    bot.seed()
    bot.start()
    try:
        # nio retries the login for as long as the server is out of reach.
        await wait_for(lambda: "Timed out, sleeping" in bot.log_text(), 30, "login retried")
        assert bot.terminate(timeout=15) == 0
        assert "Arrêt demandé avant la fin de la connexion" in bot.log_text()
    finally:
        bot.terminate()
        await proxy.close()
