"""The real bot (`python -m bot.cli run`) against a real Synapse, driven by real nio clients.

One bot process serves every test here (the `pst_bot` fixture); the restart test in
test_matrix_restart.py runs its own.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json

from nio import RoomMessageFile, RoomMessageNotice, RoomSendError

from bot.matrix import texts as matrix_texts
from bot.matrix.events import strip_reply_fallback
from bot.matrix.login import SESSION_FILE
from bot.matrix.rooms import may_invite
from bot.matrix.send import Sender, is_transient
from commands.types import Attachment, Message

from .botproc import BotProcess
from .chat import Chat, in_reply_to, relates_to
from .synapse import MAX_UPLOAD_BYTES, unique_name


def content(event) -> dict:
    return event.source["content"]


async def test_action_is_answered_with_a_notice_in_reply(pst_bot):
    team = pst_bot
    command = await team.lm.send(team.group_room, "!action 29")
    answer = await team.lm.reply_to(command)
    assert isinstance(answer, RoomMessageNotice)
    assert answer.sender == team.bot.user_id
    assert answer.body.startswith("Action 29 — ")
    assert content(answer)["format"] == "org.matrix.custom.html"
    assert "<b>Action 29 — " in content(answer)["formatted_body"]
    assert in_reply_to(answer) == command
    assert content(answer)["m.mentions"] == {"user_ids": [team.lm.user_id]}


async def test_update_is_applied_and_posted_in_codir(pst_bot):
    team = pst_bot
    command = await team.lm.send(team.group_room, "!update 52 en cours 40% devis reçus")
    answer = await team.lm.reply_to(command)
    assert answer.body == "Action 52 : à démarrer → en cours, 40 % — « devis reçus »."

    def codir_post():
        return [
            e
            for e in team.dg.in_room(team.codir_room)
            if "l'action 52" in e.body and "devis reçus" in e.body
        ]

    await team.dg.until(codir_post, what="CODIR post")
    (post,) = codir_post()
    assert isinstance(post, RoomMessageNotice)
    assert post.body.startswith("LM a mis à jour l'action 52")
    assert content(post)["m.mentions"] == {"user_ids": []}
    rows = team.bot.query("select who, new_status, source_id from updates where action_number=52")
    assert rows == [(team.lm.user_id, "en cours", command)]


async def test_user_text_is_escaped_and_room_ping_neutralised(pst_bot):
    team = pst_bot
    await team.sv.command(team.group_room, "!maj 32 en cours <b>gras</b> @room")

    def codir_post():
        return [e for e in team.dg.in_room(team.codir_room) if "l'action 32" in e.body]

    await team.dg.until(codir_post, what="CODIR post")
    (post,) = codir_post()
    assert "&lt;b&gt;gras&lt;/b&gt;" in content(post)["formatted_body"]
    assert "<b>gras" not in content(post)["formatted_body"]
    assert "@room" not in post.body and "@room" not in content(post)["formatted_body"]


async def test_mine_lists_the_pilots_actions(pst_bot):
    team = pst_bot
    answer = await team.sv.command(team.group_room, "!mine")
    assert answer.body.startswith("Actions de SV : 12")


async def test_update_refused_for_non_pilot(pst_bot):
    team = pst_bot
    answer = await team.reader.command(team.group_room, "!update 29 fait")
    assert "pilote" in answer.body.lower()
    assert team.bot.query(
        "select count(*) from updates where action_number = 29 and who = ?", [team.reader.user_id]
    ) == [(0,)]


async def test_table_arrives_as_a_csv_file(pst_bot):
    team = pst_bot
    command = await team.dg.send(team.group_room, "!table")
    summary = await team.dg.reply_to(command)
    assert summary.body.startswith("Tableau consolidé : 127 actions")
    await team.dg.until(
        lambda: any(isinstance(e, RoomMessageFile) for e in team.dg.replies_to(command)),
        what="file",
    )
    (file_event,) = [e for e in team.dg.replies_to(command) if isinstance(e, RoomMessageFile)]
    assert content(file_event)["info"]["mimetype"] == "text/csv"
    downloaded = await team.dg.client.download(file_event.url)
    text = downloaded.body.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 1 + 127
    assert any(row and "52" in row[:6] for row in rows)


async def test_reply_fallback_is_stripped_and_threads_are_kept(pst_bot):
    team = pst_bot
    root = await team.lm.send(team.group_room, "Question pour le bot")
    body = f"> <{team.lm.user_id}> Question pour le bot\n\n!action 3"
    reply_command = await team.lm.send(
        team.group_room,
        content={
            "msgtype": "m.text",
            "body": body,
            "m.relates_to": {"m.in_reply_to": {"event_id": root}},
        },
    )
    answer = await team.lm.reply_to(reply_command)
    assert answer.body.startswith("Action 3 — ")

    in_thread = await team.lm.send(
        team.group_room,
        content={
            "msgtype": "m.text",
            "body": "!action 4",
            "m.relates_to": {
                "rel_type": "m.thread",
                "event_id": root,
                "is_falling_back": True,
                "m.in_reply_to": {"event_id": root},
            },
        },
    )
    answer = await team.lm.reply_to(in_thread)
    assert answer.body.startswith("Action 4 — ")
    assert relates_to(answer)["rel_type"] == "m.thread"
    assert relates_to(answer)["event_id"] == root


async def test_edits_notices_and_history_are_ignored(pst_bot):
    team = pst_bot
    original = await team.lm.send(team.group_room, "!action 5")
    edit = await team.lm.send(
        team.group_room,
        content={
            "msgtype": "m.text",
            "body": "* !action 6",
            "m.new_content": {"msgtype": "m.text", "body": "!action 6"},
            "m.relates_to": {"rel_type": "m.replace", "event_id": original},
        },
    )
    notice = await team.lm.send(team.group_room, content={"msgtype": "m.notice", "body": "!aide"})
    # The bot answers a room's commands in order: once the last is answered, so are the others.
    await team.lm.command(team.group_room, "!action 7")
    assert len(team.lm.replies_to(original)) == 1
    assert team.lm.replies_to(edit) == []
    assert team.lm.replies_to(notice) == []
    # Sent in the CODIR room before the bot's first start: history, not a command.
    assert team.dg.replies_to(team.before_start) == []


async def test_a_direct_chat_needs_no_bang(pst_bot, homeserver):
    team = pst_bot
    room = await team.sv.room_with(team.bot.user_id, is_direct=True)
    answer = await team.sv.command(room, "!mine")
    assert answer.body.startswith("Actions de SV")
    answer = await team.sv.command(room, "mes actions")
    assert answer.body.startswith("Actions de SV")
    answer = await team.sv.command(room, "Bonjour !\n24 en cours à 40 %, devis demandés")
    assert answer.body == "Action 24 : à démarrer → en cours, 40 % — « devis demandés »."
    answer = await team.sv.command(room, "quelles sont mes actions en retard ?")
    assert answer.body == "Pour cela, tapez : !mes-retards"


async def test_a_group_room_needs_a_bang_line_or_a_mention(pst_bot):
    team = pst_bot
    chatter = await team.sv.send(team.group_room, "25 fait, je vous tiens au courant")
    greeting = await team.sv.send(
        team.group_room, "Bonjour, voici mes mises à jour :\n!maj 25 en cours 10 %\nMerci"
    )
    answer = await team.sv.reply_to(greeting)
    assert answer.body == "Action 25 : à démarrer → en cours, 10 %."
    answer = await team.sv.command(team.group_room, "Bot PST (tests): action 25")
    assert answer.body.startswith("Action 25 — ")
    assert team.sv.replies_to(chatter) == []


async def test_invite_from_a_non_allowed_user_is_ignored(pst_bot):
    team = pst_bot
    room_id = await team.outsider.create_room([team.bot.user_id])

    def invite_answered() -> bool:
        room = team.outsider.client.rooms.get(room_id)
        return room is not None and team.bot.user_id not in room.invited_users

    await team.outsider.until(invite_answered, what="invite declined")
    assert not team.outsider.is_member(room_id, team.bot.user_id)
    assert "refusée" in team.bot.log_text()


def test_invite_policy_and_fallback_rules():
    allowed = ["@dg:cpas.be", "*:commune.be"]
    assert may_invite("@dg:cpas.be", allowed)
    assert may_invite("@anyone:commune.be", allowed)
    assert not may_invite("@other:cpas.be", allowed)
    assert not may_invite("@x:evil.commune.be", allowed)
    assert strip_reply_fallback("> <@a:b> x\n> y\n\n!maj 3 fait") == "!maj 3 fait"
    assert strip_reply_fallback("!maj 3 > 2") == "!maj 3 > 2"


def test_send_errors_that_retry_the_batch():
    # Retried: the answer is sent later. Skipped: the room refuses the bot for good.
    assert is_transient(RoomSendError("slow down", "M_LIMIT_EXCEEDED"))
    assert is_transient(RoomSendError("logged out", "M_UNKNOWN_TOKEN"))
    assert is_transient(RoomSendError("no code"))
    assert not is_transient(RoomSendError("not in room", "M_FORBIDDEN"))
    assert not is_transient(RoomSendError("event too large", "M_TOO_LARGE"))


async def test_a_reply_refused_for_good_does_not_block_the_room(pst_bot):
    team = pst_bot
    bot_id = team.bot.user_id
    # Only moderators may write: the bot's answers are refused (403 M_FORBIDDEN).
    room = await team.dg.room_with(bot_id, power_level_override={"events_default": 50})
    refused = await team.dg.send(room, "!action 11")
    await team.dg.until(lambda: f"Réponse à {refused} refusée" in team.bot.log_text(), 20, "log")
    levels = await team.dg.client.room_get_state_event(room, "m.room.power_levels")
    users = {**levels.content.get("users", {}), bot_id: 50}
    await team.dg.client.room_put_state(
        room, "m.room.power_levels", {**levels.content, "users": users}
    )
    # The batch with the refusal was not synced again: the next command is answered, once.
    assert (await team.dg.command(room, "!action 12")).body.startswith("Action 12 — ")
    await team.dg.sync(500)
    assert team.dg.replies_to(refused) == []
    assert team.bot.log_text().count(f"Réponse à {refused} refusée") == 1


async def test_encrypted_room_round_trip(pst_bot):
    team = pst_bot
    room = await team.crypto.room_with(team.bot.user_id, encrypted=True)
    assert team.crypto.client.rooms[room].encrypted
    command = await team.crypto.send(room, "!action 29")
    answer = await team.crypto.reply_to(command, timeout=20)
    assert isinstance(answer, RoomMessageNotice)
    assert answer.decrypted  # it came encrypted, and the client could read it
    assert answer.body.startswith("Action 29 — ")


def undecryptable(chat: Chat, session_id: str) -> dict:
    """An m.room.encrypted content from `chat`'s device whose room key nobody ever received."""
    return {
        "algorithm": "m.megolm.v1.aes-sha2",
        "sender_key": chat.client.olm.account.identity_keys["curve25519"],
        "device_id": chat.client.device_id,
        "session_id": session_id,
        "ciphertext": "AwgAEnCcZXN0IG5vbiBkw6ljaGlmZnJhYmxl",
    }


async def test_undecryptable_message_gets_one_notice_per_session(pst_bot):
    team = pst_bot
    crypto = team.crypto
    room = await crypto.room_with(team.bot.user_id, encrypted=True)
    first = await crypto.send_event(room, "m.room.encrypted", undecryptable(crypto, "session-A"))
    again = await crypto.send_event(room, "m.room.encrypted", undecryptable(crypto, "session-A"))
    other = await crypto.send_event(room, "m.room.encrypted", undecryptable(crypto, "session-B"))
    notice = await crypto.reply_to(first, timeout=20)
    assert isinstance(notice, RoomMessageNotice)
    assert notice.decrypted
    assert notice.body == matrix_texts.CANNOT_DECRYPT
    assert content(notice)["m.mentions"] == {"user_ids": [crypto.user_id]}
    assert (await crypto.reply_to(other)).body == matrix_texts.CANNOT_DECRYPT
    # Commands that can be read are still answered, in order: everything before them was seen.
    assert (await crypto.command(room, "!action 29")).body.startswith("Action 29 — ")
    assert len(crypto.replies_to(first)) == 1
    assert crypto.replies_to(again) == []  # same sender session: already told
    assert len(crypto.replies_to(other)) == 1
    log = team.bot.log_text()
    assert f"Message {first} de {crypto.user_id}" in log and "indéchiffrable" in log
    assert f"Message {again} de {crypto.user_id}" in log


async def test_file_over_the_upload_limit_becomes_a_notice(homeserver):
    chat = await Chat.login(homeserver, "limit")
    try:
        room = await chat.create_room([])
        command = await chat.send(room, "!tableau")
        too_big = Attachment("pst.csv", b"x" * (MAX_UPLOAD_BYTES + 1), "text/csv")
        sender = Sender(chat.client)
        await sender.file(
            Message(sender=chat.user_id, text="!tableau", room=room, event_id=command),
            too_big,
            "tx-1",
        )
        answer = await chat.reply_to(command)
        assert isinstance(answer, RoomMessageNotice)
        assert "dépasse la limite d'envoi du serveur (5,0 Mo)" in answer.body
    finally:
        await chat.close()


async def test_wrong_password_stops_the_bot_with_a_clear_log(homeserver, tmp_path):
    bot_id = await asyncio.to_thread(homeserver.register, unique_name("pst-bot"), "right")
    # A password no path or message could contain by chance (the test folder is named "wrong…").
    password = "Faux-Mot-De-Passe-4711"
    bot = BotProcess(tmp_path, homeserver.base_url, bot_id, password, access={}, pilots={})
    bot.start()
    assert await asyncio.to_thread(bot.wait, 30) == 1
    assert f"connexion refusée pour {bot_id}" in bot.log_text()
    assert password not in bot.log_text()  # no secret in the log


async def test_a_missing_config_key_is_named(homeserver, tmp_path):
    bot = BotProcess(tmp_path, homeserver.base_url, "@x:localhost", "pw", access={}, pilots={})
    text = bot.config_path.read_text().replace('user_id = "@x:localhost"\n', "")
    bot.config_path.write_text(text)
    bot.start()
    assert await asyncio.to_thread(bot.wait, 30) == 2
    assert "clé manquante « matrix.user_id »" in bot.log_text()


async def test_verbose_log_never_shows_the_password_nor_the_token(pst_bot):
    # The shared bot runs with -v (debug log, nio included) since the session began; it has
    # logged in with its password, answered every test above (files, encrypted rooms) and
    # these commands.
    team = pst_bot
    assert (await team.lm.command(team.group_room, "!maj 53 en cours 10% journal")).body
    assert (await team.dg.command(team.group_room, "!tableau")).body
    session = json.loads((team.bot.workdir / "state" / SESSION_FILE).read_text())
    log = team.bot.log_text()
    assert " DEBUG bot.matrix.sync: Sync depuis " in log  # the log is verbose
    assert " INFO nio." in log  # nio's own lines, at INFO at most
    assert " DEBUG nio." not in log and " DEBUG peewee" not in log
    assert team.bot._password not in log
    assert session["access_token"] not in log
    assert team.bot.pickle_key not in log
