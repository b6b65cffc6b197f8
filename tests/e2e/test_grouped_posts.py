"""`[rhythm] codir_posts = "grouped"` on the real transports: changes made in Teams and in
Matrix reach both CODIR rooms as one post per quarter hour, every change once, none one by one.

One bot process on both transports (a real Synapse, the Teams stand-in with authentication
on). The quarter's post is recorded by `pst-bot schedule --now <end of the quarter>`, as an
administrator would, and sent by the running bot's scheduler within its minute."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from storage.held_posts import QUARTER, quarter_of

from .botproc import REPO
from .chat import Chat
from .conftest import teams_bot_process
from .synapse import unique_name
from .teams_standin import free_port, plain, post_activity, wait_listening

#: Grouped posts; no digest; reminders only in the first minute of the day (out of the way).
GROUPED = """
[rhythm]
digest = ""
working_hours = "00:00-00:01"
codir_posts = "grouped"
"""
HEAD = "Changements de "
ZONE = ZoneInfo("Europe/Brussels")


def schedule_at(bot, moment: datetime, password: str) -> str:
    """`pst-bot schedule --now` at the local `moment`, with the bot's configuration and
    secrets (it logs in nowhere: the running bot sends)."""
    local = f"{moment.astimezone(ZONE):%Y-%m-%d %H:%M}"
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "schedule", "--config", str(bot.config_path)]
        + ["--now", local],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, **bot._env, "PST_BOT_MATRIX_PASSWORD": password},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


async def test_grouped_posts_reach_both_codir_rooms_once_per_quarter(
    homeserver, teams_standin, tmp_path
):
    standin = teams_standin
    password = unique_name("pw")
    bot_id = await asyncio.to_thread(homeserver.register, unique_name("pst-bot"), password)
    dg = await Chat.login(homeserver, "dg")
    codir_room = await dg.create_room([bot_id], name="CODIR")
    lm = standin.add_user("Luc Martin", "lm@frameries.example")
    teams_codir = "19:codir-grouped@thread.tacv2"
    port = free_port()
    bot = teams_bot_process(
        tmp_path / "bot",
        standin,
        port,
        codir_conversation=teams_codir,
        homeserver=homeserver.base_url,
        user_id=bot_id,
        password=password,
        access={"admins": [dg.user_id], "allowed_inviters": [dg.user_id]},
        pilots={"LM": lm.aad},
        codir_room=codir_room,
    )
    bot.config_path.write_text(bot.config_path.read_text("utf-8") + GROUPED, "utf-8")
    bot.seed()
    bot.start()
    try:
        await asyncio.to_thread(wait_listening, port, lambda: bot.running)
        await dg.until(lambda: dg.is_member(codir_room, bot_id) or not bot.running, 30, "join")
        assert bot.running, bot.log_text()[-3000:]

        # A change in Teams, two in Matrix (one of them undone).
        activity = standin.message(lm, "!maj 56 en cours 30% marché lancé")
        url = f"http://127.0.0.1:{port}/api/messages"
        chat = activity["conversation"]["id"]
        status = await asyncio.to_thread(post_activity, url, activity, standin.sign(activity))
        assert status == 200
        await asyncio.to_thread(standin.wait_for, lambda: standin.sent(chat), 30, "answer")
        for text in ("!maj 47 en cours 10% convention signée", "!maj 48 fait", "!annuler"):
            await dg.reply_to(await dg.send(codir_room, text))

        def matrix_grouped():
            return [e for e in dg.in_room(codir_room) if e.sender == bot_id and HEAD in e.body]

        def teams_grouped():
            return [s for s in standin.sent(teams_codir) if HEAD in plain(s.text)]

        # Nothing is posted one change at a time (the outbox is looked at every 2 s).
        await asyncio.sleep(5)
        await dg.sync(200)
        assert [e for e in dg.in_room(codir_room) if "l'action 56" in e.body] == []
        assert standin.sent(teams_codir) == []

        held = bot.query("select key, at from held_posts order by id")
        assert len(held) == 4  # 56, 47, 48 and the undo of 48
        keys = {key for key, _ in held}
        last = max(datetime.fromisoformat(at) for _, at in held)
        over = quarter_of(last) + QUARTER + timedelta(minutes=1)
        schedule_at(bot, over, password)

        await dg.until(lambda: len(matrix_grouped()) >= len(keys), 90, "the grouped post")
        await asyncio.to_thread(
            standin.wait_for, lambda: len(teams_grouped()) >= len(keys) or None, 90, "Teams"
        )
        # Asked again: nothing more.
        assert schedule_at(bot, over, password).startswith("Rien à envoyer")
        await asyncio.sleep(3)
        await dg.sync(200)

        for told in ([e.body for e in matrix_grouped()], [plain(s.text) for s in teams_grouped()]):
            assert len(told) == len(keys)
            lines = [line for body in told for line in body.splitlines()[1:]]
            assert sum("l'action 56" in line and "marché lancé" in line for line in lines) == 1
            assert sum("l'action 47" in line and "convention signée" in line for line in lines) == 1
            assert sum("l'action 48" in line for line in lines) == 2  # the change, its undo
            assert len(lines) == 4
        assert bot.terminate() == 0
    finally:
        bot.terminate()
        await dg.close()
