"""The bot keeps its access token across restarts: one password login, then the saved session
is resumed; a token the server no longer knows means one new password login. Its own bot
process, separate from the shared one."""

from __future__ import annotations

import asyncio
import json
import stat

from bot.matrix.login import SESSION_FILE

from .botproc import BotProcess
from .chat import Chat
from .synapse import unique_name


async def test_restart_resumes_the_saved_session_without_a_new_login(homeserver, tmp_path):
    password = unique_name("pw")
    bot_id = await asyncio.to_thread(homeserver.register, unique_name("pst-bot"), password)
    dg = await Chat.login(homeserver, "dg")
    bot = BotProcess(
        tmp_path / "bot",
        homeserver.base_url,
        bot_id,
        password,
        access={"admins": [dg.user_id], "allowed_inviters": [dg.user_id]},
        pilots={},
    )
    session = bot.workdir / "state" / SESSION_FILE
    # Registering returns a token, on a device of its own.
    registered = homeserver.access_token_count(bot_id)
    bot_devices = sorted([*homeserver.device_ids(bot_id), "PSTBOT"])
    bot.seed()
    bot.start()
    try:
        room = await dg.room_with(bot_id, is_direct=True)
        assert (await dg.command(room, "!action 29")).body.startswith("Action 29 — ")
        assert stat.S_IMODE(session.stat().st_mode) == 0o600
        token = json.loads(session.read_text())["access_token"]
        assert bot.terminate() == 0
        assert homeserver.access_token_count(bot_id) == registered + 1

        bot.start()
        assert (await dg.command(room, "!action 30")).body.startswith("Action 30 — ")
        assert homeserver.access_token_count(bot_id) == registered + 1  # no second login
        assert homeserver.device_ids(bot_id) == bot_devices
        assert "session reprise" in bot.log_text()
        assert bot.terminate() == 0

        # A token the server does not know (logged out, expired): one password login.
        saved = json.loads(session.read_text())
        session.write_text(json.dumps({**saved, "access_token": "syt_revoked"}))
        bot.start()
        assert (await dg.command(room, "!action 31")).body.startswith("Action 31 — ")
        assert homeserver.access_token_count(bot_id) == registered + 2
        assert homeserver.device_ids(bot_id) == bot_devices
        assert "ne reconnaît plus la session enregistrée" in bot.log_text()
        new_token = json.loads(session.read_text())["access_token"]
        assert new_token not in (token, "syt_revoked")
        assert stat.S_IMODE(session.stat().st_mode) == 0o600
        assert bot.terminate() == 0

        log = bot.log_text()
        assert token not in log and new_token not in log and password not in log
    finally:
        bot.terminate()
        await dg.close()


async def test_logged_out_while_running_the_bot_stops_then_answers_after_a_new_login(
    homeserver, tmp_path
):
    password = unique_name("pw")
    bot_id = await asyncio.to_thread(homeserver.register, unique_name("pst-bot"), password)
    lm = await Chat.login(homeserver, "lm")
    bot = BotProcess(
        tmp_path / "bot",
        homeserver.base_url,
        bot_id,
        password,
        access={"allowed_inviters": [lm.user_id]},
        pilots={"LM": lm.user_id},
    )
    session = bot.workdir / "state" / SESSION_FILE
    bot.seed()
    bot.start()
    try:
        room = await lm.room_with(bot_id, is_direct=True)
        assert (await lm.command(room, "!action 1")).body.startswith("Action 1 — ")
        token = json.loads(session.read_text())["access_token"]
        await asyncio.to_thread(homeserver.log_out, token)
        command = await lm.send(room, "!action 10")
        assert await asyncio.to_thread(bot.wait, 40) == 1
        assert not session.exists()
        assert "ne reconnaît plus la session du bot" in bot.log_text()

        bot.start()  # the password again; the command sent meanwhile is answered once
        assert (await lm.reply_to(command, timeout=20)).body.startswith("Action 10 — ")
        await lm.sync(500)
        assert len(lm.replies_to(command)) == 1
        assert json.loads(session.read_text())["access_token"] != token
        assert bot.terminate() == 0
    finally:
        bot.terminate()
        await lm.close()
