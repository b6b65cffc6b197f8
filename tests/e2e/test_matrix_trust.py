"""Trust: the rooms the bot serves (allow-list), the encryption store's secret key, a plain
install without encryption, and a busy database. Each test runs its own bot."""

from __future__ import annotations

import asyncio
import sqlite3

from nio import AsyncClient, AsyncClientConfig, LoginResponse, RoomMessageNotice
from nio.store import DefaultStore

from bot.matrix import texts as matrix_texts
from bot.matrix.rooms import room_allowed, room_server
from commands import texts as engine_texts

from .botproc import BotProcess
from .chat import Chat, in_reply_to
from .synapse import unique_name


async def new_bot(homeserver, workdir, *, admins: list[Chat], **options) -> BotProcess:
    """A registered bot account and its process (not started), the admins allowed to invite."""
    password = unique_name("pw")
    bot_id = await asyncio.to_thread(homeserver.register, unique_name("pst-bot"), password)
    ids = [chat.user_id for chat in admins]
    options.setdefault("access", {"admins": ids, "allowed_inviters": ids})
    options.setdefault("pilots", {"LM": ids[0]})
    bot = BotProcess(workdir, homeserver.base_url, bot_id, password, **options)
    bot.seed()
    return bot


def test_room_allow_list_rules():
    allowed = ["!room1:cpas.be", "*:commune.be"]
    assert room_allowed("!room1:cpas.be", allowed)
    assert room_allowed("!other:commune.be", allowed)
    assert not room_allowed("!other:cpas.be", allowed)
    assert not room_allowed("!other:evil.commune.be", allowed)
    # Room version 12 ids carry no server: the creator's stands in.
    assert room_server("!AbC123") == ""
    assert room_allowed("!AbC123", allowed, creator="@dg:commune.be")
    assert not room_allowed("!AbC123", allowed, creator="@x:evil.org")
    assert room_allowed("!anything", [])  # an empty list: every room


async def test_rooms_outside_the_allow_list_get_no_answer_and_are_left(homeserver, tmp_path):
    dg = await Chat.login(homeserver, "dg")
    bot = await new_bot(homeserver, tmp_path / "bot", admins=[dg])
    bot.start()
    try:
        kept = await dg.room_with(bot.user_id, name="gardé")
        dropped = await dg.room_with(bot.user_id, name="retiré")
        first = await dg.send(dropped, "!action 1")
        assert (await dg.reply_to(first)).body.startswith("Action 1 — ")
        assert bot.terminate() == 0

        # The list changes while the bot is stopped: only `kept` (and a server of no one).
        access = {
            "admins": [dg.user_id],
            "allowed_inviters": [dg.user_id],
            "allowed_rooms": [kept, "*:elsewhere.example"],
        }
        bot = BotProcess(
            bot.workdir,
            homeserver.base_url,
            bot.user_id,
            bot._password,
            access=access,
            pilots={},
            pickle_key=bot.pickle_key,
        )
        pending = await dg.send(dropped, "!action 2")
        bot.start()

        def bot_left() -> bool:
            return bot.user_id not in dg.client.rooms[dropped].users

        await dg.until(bot_left, 20, "bot leaves the room no longer allowed")
        assert (await dg.command(kept, "!action 3")).body.startswith("Action 3 — ")
        other = await dg.create_room([bot.user_id], name="jamais")

        def invite_declined() -> bool:
            room = dg.client.rooms.get(other)
            return room is not None and bot.user_id not in room.invited_users

        await dg.until(invite_declined, 20, "invite declined")
        assert not dg.is_member(other, bot.user_id)
        # Nothing from the bot in that room since the list changed (it can no longer write).
        history = await dg.history(dropped)
        answered = [in_reply_to(e) for e in history if e.sender == bot.user_id]
        assert answered == [first], answered
        assert pending not in answered
        log = bot.log_text()
        assert f"Salon {dropped} hors de access.allowed_rooms" in log
        assert f"dans {other} refusée : salon hors de access.allowed_rooms" in log
        assert bot.terminate() == 0
    finally:
        bot.terminate()
        await dg.close()


async def test_plain_install_answers_backs_up_and_names_the_extra_in_encrypted_rooms(
    homeserver, tmp_path
):
    crypto = await Chat.login(homeserver, "crypto", store_dir=tmp_path / "crypto")
    # No pickle key: without encryption there is no store to protect. The nightly backup is
    # due from midnight, so the upkeep at start makes it.
    bot = await new_bot(
        homeserver,
        tmp_path / "bot",
        admins=[crypto],
        plain=True,
        pickle_key=None,
        storage={"backup_hour": 0},
    )
    bot.start()
    try:
        plain_room = await crypto.room_with(bot.user_id, is_direct=True)
        assert (await crypto.command(plain_room, "!action 29")).body.startswith("Action 29 — ")
        backups = bot.workdir / "backups"
        await crypto.until(lambda: list(backups.glob("pst-*.db")), 20, "nightly backup")
        (backup,) = backups.glob("pst-*.db")
        assert f"INFO bot.run: Sauvegarde nocturne : {backup}" in bot.log_text()
        copy = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        assert copy.execute("select count(*) from actions").fetchone() == (127,)
        copy.close()
        secret_room = await crypto.room_with(bot.user_id, encrypted=True)
        command = await crypto.send(secret_room, "!action 29")
        notice = await crypto.reply_to(command, timeout=20)
        assert isinstance(notice, RoomMessageNotice)
        assert notice.body == matrix_texts.NO_ENCRYPTION
        assert "pip install 'pst-bot[e2e]'" in notice.body
        log = bot.log_text()
        assert "chiffrement non installé : pip install 'pst-bot[e2e]'" in log
        assert f"Message {command} de {crypto.user_id}" in log
        assert "pip install 'pst-bot[e2e]'" in log.split(f"Message {command}")[1].splitlines()[0]
        assert "Traceback" not in log and engine_texts.INTERNAL_ERROR not in log
        assert bot.terminate() == 0
    finally:
        bot.terminate()
        await crypto.close()


async def test_pickle_key_required_and_a_store_made_without_one_reencrypted(homeserver, tmp_path):
    crypto = await Chat.login(homeserver, "crypto", store_dir=tmp_path / "crypto")
    bot = await new_bot(homeserver, tmp_path / "bot", admins=[crypto], pickle_key=None)
    state = bot.workdir / "state"
    state.mkdir()
    # The store an earlier version left: the device's keys, pickled with nio's default key.
    earlier = AsyncClient(
        homeserver.base_url,
        bot.user_id,
        device_id="PSTBOT",
        store_path=str(state),
        config=AsyncClientConfig(encryption_enabled=True),
    )
    assert isinstance(await earlier.login(bot._password), LoginResponse)
    await earlier.keys_upload()
    identity = earlier.olm.account.identity_keys
    await earlier.close()
    try:
        bot.start()  # no key: refused at once, the variable named
        assert await asyncio.to_thread(bot.wait, 30) == 2
        assert "matrix.pickle_key" in bot.log_text() and "PST_BOT_PICKLE_KEY" in bot.log_text()

        bot.pickle_key = unique_name("secret")
        bot.start()
        room = await crypto.room_with(bot.user_id, encrypted=True)
        answer = await crypto.command(room, "!action 29", timeout=20)
        assert answer.decrypted and answer.body.startswith("Action 29 — ")
        assert "rechiffré avec pickle_key" in bot.log_text()
        assert bot.terminate() == 0

        database = f"{bot.user_id}_PSTBOT.db"
        store = DefaultStore(bot.user_id, "PSTBOT", str(state), bot.pickle_key, database)
        assert store.load_account().identity_keys == identity  # the same device identity
        store.pickle_key = "DEFAULT_KEY"
        try:
            store.load_account()
            raise AssertionError("the store still opens with nio's default key")
        except ValueError:
            pass

        bot.pickle_key = "not-the-key"
        bot.start()
        assert await asyncio.to_thread(bot.wait, 30) == 2
        assert "ne permet pas de relire les clés de chiffrement" in bot.log_text()
        assert bot.pickle_key not in bot.log_text()
    finally:
        bot.terminate()
        await crypto.close()


async def test_busy_database_gets_a_retry_notice_and_the_real_answer_is_not_swallowed(
    homeserver, tmp_path
):
    lm = await Chat.login(homeserver, "lm")
    bot = await new_bot(homeserver, tmp_path / "bot", admins=[lm])
    bot.start()
    lock = None
    try:
        room = await lm.room_with(bot.user_id, is_direct=True)
        assert (await lm.command(room, "!action 1")).body.startswith("Action 1 — ")
        # Another writer holds the database longer than the bot waits (busy_timeout).
        lock = sqlite3.connect(bot.database, timeout=30, isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")
        command = await lm.send(room, "!maj 52 en cours 30% base occupée")
        busy = await lm.reply_to(command, timeout=30)
        assert busy.body == engine_texts.RETRY_LATER
        assert bot.running, bot.log_text()  # no exit
        assert bot.query("select count(*) from updates where source_id = ?", [command]) == [(0,)]
        # Killed before it could store its sync position (the database is still held).
        bot.kill()
        lock.execute("ROLLBACK")
        lock.close()
        lock = None

        bot.start()  # the command comes again: now applied, and its real answer arrives
        real = await lm.reply_to(command, timeout=30, count=2)
        assert real.body.startswith("Action 52 : "), real.body
        assert bot.query("select count(*) from updates where source_id = ?", [command]) == [(1,)]
        await lm.sync(500)
        assert len(lm.replies_to(command)) == 2
        assert bot.terminate() == 0
    finally:
        if lock is not None:
            lock.close()
        bot.terminate()
        await lm.close()


async def test_a_quoted_update_never_runs_as_the_admin_quoting_it(homeserver, tmp_path):
    # LM pilots action 72 and is an admin: whatever runs as LM is applied.
    lm = await Chat.login(homeserver, "lm")
    mallory = await Chat.login(homeserver, "mallory")
    bot = await new_bot(homeserver, tmp_path / "bot", admins=[lm])
    bot.start()
    try:
        room = await lm.create_room([bot.user_id, mallory.user_id], name="Pilotes")
        mallory.accept_invites = True
        await mallory.until(lambda: room in mallory.client.rooms, 20, "mallory joins")
        await lm.until(
            lambda: lm.is_member(room, bot.user_id) and lm.is_member(room, mallory.user_id),
            30,
            "bot and mallory in the room",
        )
        bait = await mallory.send(room, "!maj 72 fait")
        refused = await mallory.reply_to(bait, timeout=20)
        assert "pilote" in refused.body  # not hers: refused
        # LM answers it in a reply, as Element sends one: the fallback quotes the bait.
        reply = await lm.send(
            room,
            content={
                "msgtype": "m.text",
                "body": f"> <{mallory.user_id}> !maj 72 fait\n\nc'est à toi ?",
                "format": "org.matrix.custom.html",
                "formatted_body": (
                    f'<mx-reply><blockquote><a href="https://matrix.to/#/{room}/{bait}">'
                    f'In reply to</a> <a href="https://matrix.to/#/{mallory.user_id}">'
                    f"{mallory.user_id}</a><br>!maj 72 fait</blockquote></mx-reply>c'est à toi ?"
                ),
                "m.relates_to": {"m.in_reply_to": {"event_id": bait}},
            },
        )
        quote = await lm.send(room, "> !maj 73 fait\n\nQuelqu'un confirme ?")
        html_only = await lm.send(
            room,
            content={
                "msgtype": "m.text",
                "body": "!maj 74 fait\nvu ?",
                "format": "org.matrix.custom.html",
                "formatted_body": "<blockquote>!maj 74 fait</blockquote>vu ?",
            },
        )
        # The bot answers a room's messages in order: once this is answered, so were those.
        after = await lm.command(room, "!action 72", timeout=20)
        assert "Statut : à démarrer" in after.body, after.body
        for event_id in (reply, quote, html_only):
            assert lm.replies_to(event_id) == [], event_id
        assert bot.query(
            "select count(*) from updates where source_id in (?, ?, ?, ?)",
            [bait, reply, quote, html_only],
        ) == [(0,)]
        assert bot.terminate() == 0
    finally:
        bot.terminate()
        await lm.close()
        await mallory.close()
