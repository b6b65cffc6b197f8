"""The real bot (`python -m bot.cli run`) on Teams, against a stand-in for Microsoft's side
(teams_standin.py): every activity signed as the Bot Connector signs it, authentication on.

One Teams-only bot process serves the tests of this module (the `teams_bot` fixture); the last
test restarts it. The test on both transports runs its own bot with a real Synapse.
"""

from __future__ import annotations

import asyncio
import csv
import io

import sqlite_utils

from storage import absences
from storage.clock import now_utc

from .chat import Chat
from .conftest import TeamsTeam, teams_bot_process
from .synapse import unique_name
from .teams_standin import (
    ADAPTIVE_CARD,
    FILE_CONSENT,
    FILE_INFO,
    Sent,
    card_action,
    free_port,
    get,
    plain,
    post_activity,
    post_invoke,
    wait_listening,
)


def texts(sent: list[Sent]) -> list[str]:
    return [s.text for s in sent if s.text]


def updates(team: TeamsTeam, action: int) -> list[tuple]:
    return team.bot.query(
        "select who, new_status, source_id from updates where action_number = ? order by id",
        [action],
    )


def source(activity: dict) -> str:
    """How the store records an activity: its id within its conversation, named for Teams."""
    return f"teams:{activity['conversation']['id']}:{activity['id']}"


def codir_posts(team: TeamsTeam, action: int) -> list[Sent]:
    return [s for s in team.standin.sent(team.codir) if f"l'action {action}" in plain(s.text)]


def action_card(team: TeamsTeam, number: int) -> str:
    (answer,) = team.answers(team.say(team.dg, f"!action {number}"))
    return plain(answer.text)


# --- personal chats -------------------------------------------------------------------------


def test_action_in_a_personal_chat_is_answered_in_markdown(teams_bot):
    team = teams_bot
    (answer,) = team.answers(team.say(team.lm, "!action 29"))
    assert plain(answer.text).startswith("Action 29 — ")
    assert answer.activity.get("textFormat") == "markdown"
    assert answer.authorized
    # In a personal chat the "!" is optional.
    (answer,) = team.answers(team.say(team.lm, "action 30"))
    assert plain(answer.text).startswith("Action 30 — ")


def test_update_in_a_personal_chat_is_applied_and_posted_in_the_codir_channel(teams_bot):
    team = teams_bot
    command = team.say(team.lm, "!maj 52 en cours 40% devis reçus")
    (answer,) = team.answers(command)
    assert plain(answer.text) == "Action 52 : à démarrer → en cours, 40 % — « devis reçus »."
    assert updates(team, 52) == [(team.lm.aad, "en cours", source(command))]
    (post,) = team.standin.wait_for(lambda: codir_posts(team, 52), what="CODIR post")
    assert plain(post.text).startswith("LM a mis à jour l'action 52")
    assert "devis reçus" in post.text
    # Posted with the token the stand-in's login issued to the bot, nothing without one.
    assert post.authorized
    assert team.standin.unauthorized == []
    tokens = team.standin.recording.tokens
    assert tokens and {t["client_id"] for t in tokens} == {team.standin.app_id}
    assert {t["tenant"] for t in tokens} == {team.standin.tenant_id}


def test_mine_lists_the_pilots_actions_for_a_pilot_named_by_upn(teams_bot):
    team = teams_bot
    (answer,) = team.answers(team.say(team.sv, "!mes-actions"))
    assert plain(answer.text).startswith("Actions de SV : 12")
    (answer,) = team.answers(team.say(team.sv, "!mine"))
    assert plain(answer.text).startswith("Actions de SV : 12")
    # SV is configured by UPN: the bot asked the connector who 29:… is.
    assert any(mid == team.sv.id for _, mid in team.standin.recording.member_lookups)
    command = team.say(team.sv, "23 en cours")
    team.answers(command)
    assert updates(team, 23) == [(team.sv.upn, "en cours", source(command))]


def test_update_refused_for_a_reader_applies_nothing(teams_bot):
    team = teams_bot
    before = action_card(team, 29)
    command = team.say(team.reader, "!maj 29 fait")
    (answer,) = team.answers(command)
    assert "pilote" in plain(answer.text).lower()
    assert updates(team, 29) == []
    assert action_card(team, 29) == before
    assert codir_posts(team, 29) == []


def test_installation_is_accepted(teams_bot):
    team = teams_bot
    assert team.post(team.standin.installation_update(team.reader)) == 200


# --- channels and group chats ---------------------------------------------------------------


def test_a_channel_message_mentioning_the_bot_is_answered_without_the_mention(teams_bot):
    team = teams_bot
    channel = team.standin.channel("19:pilotes-pst@thread.tacv2")
    command = team.say(team.dg, "!action 47", conversation=channel, mention=True)
    assert command["text"] == "<at>Bot PST</at> !action 47"
    (answer,) = team.answers(command)
    assert plain(answer.text).startswith("Action 47 — ")
    assert "<at>" not in answer.text and "Bot PST" not in answer.text


def test_a_group_chat_update_mentioning_the_bot_is_applied(teams_bot):
    team = teams_bot
    chat = team.standin.group_chat("pilotes-lm")
    command = team.say(team.lm, "53 en cours 10%", conversation=chat, mention=True)
    (answer,) = team.answers(command)
    assert "Action 53 : à démarrer → en cours, 10 %." in plain(answer.text)
    assert updates(team, 53) == [(team.lm.aad, "en cours", source(command))]


# --- authentication -------------------------------------------------------------------------


def test_unsigned_or_forged_requests_get_401_and_apply_nothing(teams_bot):
    team = teams_bot
    standin = team.standin
    conversation = standin.personal(team.lm)["id"]
    sent_before = len(standin.sent(conversation))
    forgeries = {
        "unsigned": lambda a: None,
        "garbage": lambda a: "Bearer not-a-jwt",
        "wrong audience": lambda a: standin.sign(a, audience="another-bot"),
        "wrong service URL": lambda a: standin.sign(a, service_url="https://evil.example/teams/"),
        "unpublished key": lambda a: standin.sign(a, key=standin.foreign_key),
        "wrong issuer": lambda a: standin.sign(a, issuer="https://evil.example"),
        "expired": lambda a: standin.sign(a, lifetime=-600),
    }
    for name, authorization in forgeries.items():
        activity = standin.message(team.lm, "!maj 50 fait")
        assert team.post(activity, authorization(activity)) == 401, name
    # The body's serviceUrl must match the token's too.
    activity = standin.message(team.lm, "!maj 50 fait")
    authorization = standin.sign(activity)
    activity["serviceUrl"] = "https://evil.example/teams/"
    assert team.post(activity, authorization) == 401
    # Nothing applied, nothing answered, nothing posted.
    assert updates(team, 50) == []
    assert codir_posts(team, 50) == []
    assert standin.sent(conversation)[sent_before:] == []


def test_a_signed_message_from_another_tenant_is_ignored(teams_bot):
    team = teams_bot
    activity = team.standin.message(team.lm, "!maj 59 fait")
    activity["conversation"]["tenantId"] = "99999999-9999-9999-9999-999999999999"
    activity["channelData"]["tenant"]["id"] = "99999999-9999-9999-9999-999999999999"
    assert team.post(activity) in (200, 401, 403)
    assert updates(team, 59) == []
    assert team.standin.sent(activity["conversation"]["id"])[team.marks[activity["id"]] :] == []


def test_a_redelivered_activity_is_applied_and_answered_once(teams_bot):
    team = teams_bot
    command = team.say(team.lm, "!maj 10 en cours 20%")
    team.answers(command)
    # Teams redelivers an activity it did not see acknowledged in time: same id.
    assert team.post(command) == 200
    assert team.post(command) == 200
    team.answers(team.say(team.lm, "!action 10"))  # a later answer: any duplicate came before
    answer, later = team.answers(command, count=2)
    assert plain(answer.text) == "Action 10 : à démarrer → en cours, 20 %."
    assert plain(later.text).startswith("Action 10 — ")
    assert updates(team, 10) == [(team.lm.aad, "en cours", source(command))]
    assert len(team.standin.wait_for(lambda: codir_posts(team, 10))) == 1


# --- files ----------------------------------------------------------------------------------


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def consent_cards(team: TeamsTeam, command: dict) -> list[dict]:
    """The FileConsentCards the bot sent in answer to `command`."""
    sent = team.answers(command)
    return [a for s in sent for a in s.attachments if a["contentType"] == FILE_CONSENT]


def test_table_in_a_personal_chat_arrives_through_the_consent_card(teams_bot):
    team = teams_bot
    standin = team.standin
    command = team.say(team.dg, "!tableau")
    (card,) = standin.wait_for(lambda: consent_cards(team, command), what="a FileConsentCard")
    sent = team.answers(command)
    assert any(plain(t).startswith("Tableau consolidé : 127 actions") for t in texts(sent)), sent
    assert card["name"].endswith(".csv")
    assert card["content"]["sizeInBytes"] > 0

    uploads_before = len(standin.uploads)
    accept = standin.file_consent(
        team.dg, card["content"]["acceptContext"], name=card["name"], accept=True
    )
    assert team.post(accept) == 200
    (upload,) = standin.uploads[uploads_before:]
    assert upload.name == card["name"]
    assert len(upload.data) == card["content"]["sizeInBytes"]
    size = len(upload.data)
    assert upload.headers.get("Content-Range") == f"bytes 0-{size - 1}/{size}"
    assert "Authorization" not in upload.headers  # OneDrive's URL carries its own rights
    rows = csv_rows(upload.data)
    assert len(rows) == 1 + 127

    (info,) = team.answers(accept)
    (attachment,) = info.attachments
    assert attachment["contentType"] == FILE_INFO
    assert attachment["content"]["uniqueId"] == accept["value"]["uploadInfo"]["uniqueId"]
    assert info.authorized


def test_a_declined_consent_card_uploads_nothing(teams_bot):
    team = teams_bot
    standin = team.standin
    command = team.say(team.dg, "!export csv")
    (card,) = standin.wait_for(lambda: consent_cards(team, command), what="a FileConsentCard")
    uploads_before = len(standin.uploads)
    decline = standin.file_consent(
        team.dg, card["content"]["declineContext"], name=card["name"], accept=False
    )
    assert team.post(decline) == 200
    (answer,) = team.answers(decline)
    assert "refusé" in plain(answer.text)
    assert standin.uploads[uploads_before:] == []


def test_table_in_a_channel_is_a_signed_download_link(teams_bot):
    team = teams_bot
    channel = team.standin.channel("19:pilotes-pst@thread.tacv2")
    command = team.say(team.dg, "!tableau", conversation=channel, mention=True)
    sent = team.answers(command)
    links = [
        word.strip("()<>")
        for text in texts(sent)
        for word in text.replace("](", " ").split()
        if f"{team.public_url}/files/" in word
    ]
    assert links, texts(sent)
    assert not any(a["contentType"] == FILE_CONSENT for s in sent for a in s.attachments)
    status, body, headers = get(links[0])
    assert status == 200, body
    assert len(csv_rows(body)) == 1 + 127
    status, _, _ = get(links[0] + "x")
    assert status in (400, 403, 404, 410)


def test_the_log_holds_no_secret_and_no_token(teams_bot):
    team = teams_bot
    log = team.bot.log_text()  # a -v (debug) log
    assert team.standin.app_secret not in log
    assert "eyJ" not in log  # no JWT: neither the bot's token nor the Bot Connector's


# --- restart (last: it restarts the module's bot) ------------------------------------------


def test_restart_keeps_the_state_and_does_not_replay_an_old_activity(teams_bot):
    team = teams_bot
    command = team.say(team.lm, "!maj 54 en cours 50% cahier des charges prêt")
    team.answers(command)
    export = team.say(team.dg, "!tableau")
    (consent,) = team.standin.wait_for(lambda: consent_cards(team, export), what="consent card")
    assert team.bot.terminate() == 0
    team.bot.start()
    wait_listening(team.port, lambda: team.bot.running)

    # Teams redelivers the old activity to the new process: not applied, not answered again.
    assert team.post(command) == 200
    team.answers(team.say(team.lm, "!action 54"))  # a later answer: any duplicate came before
    assert updates(team, 54) == [(team.lm.aad, "en cours", source(command))]
    assert len(team.answers(command)) == 2
    # The state is kept: the update made before the restart is read back.
    card = action_card(team, 54)
    assert "en cours" in card and "50 %" in card
    # Exports are not kept across a restart: a card accepted now says so.
    uploads_before = len(team.standin.uploads)
    accept = team.standin.file_consent(
        team.dg, consent["content"]["acceptContext"], name=consent["name"]
    )
    assert team.post(accept) == 200
    (answer,) = team.answers(accept)
    assert "plus disponible" in plain(answer.text)
    assert team.standin.uploads[uploads_before:] == []
    # And the bot works as before.
    (answer,) = team.answers(team.say(team.lm, "!maj 54 fait"))
    assert plain(answer.text).startswith("Action 54 : en cours")
    assert "→ fait" in answer.text


# --- both transports on one bot ------------------------------------------------------------


async def test_updates_cross_between_teams_and_the_matrix_codir_room(
    homeserver, teams_standin, tmp_path
):
    standin = teams_standin
    password = unique_name("pw")
    bot_id = await asyncio.to_thread(homeserver.register, unique_name("pst-bot"), password)
    dg = await Chat.login(homeserver, "dg")
    codir_room = await dg.create_room([bot_id], name="CODIR")
    lm = standin.add_user("Luc Martin", "lm@frameries.example")
    teams_codir = "19:codir-both@thread.tacv2"
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
    bot.seed()
    bot.start()
    try:
        await asyncio.to_thread(wait_listening, port, lambda: bot.running)
        await dg.until(lambda: dg.is_member(codir_room, bot_id) or not bot.running, 30, "join")
        assert bot.running, bot.log_text()[-3000:]

        # Teams -> the Matrix CODIR room.
        activity = standin.message(lm, "!maj 56 en cours 30% marché lancé")
        url = f"http://127.0.0.1:{port}/api/messages"
        status = await asyncio.to_thread(post_activity, url, activity, standin.sign(activity))
        assert status == 200

        def matrix_post():
            return [e for e in dg.in_room(codir_room) if "l'action 56" in e.body]

        await dg.until(matrix_post, 30, "Teams update in the Matrix CODIR room")
        (post,) = matrix_post()
        assert post.sender == bot_id
        assert post.body.startswith("LM a mis à jour l'action 56")
        assert "marché lancé" in post.body

        # Matrix -> the Teams CODIR channel.
        command = await dg.send(codir_room, "!maj 47 en cours 10% convention signée")
        await dg.reply_to(command)

        def teams_post():
            return [s for s in standin.sent(teams_codir) if "l'action 47" in plain(s.text)]

        (sent,) = await asyncio.to_thread(standin.wait_for, teams_post, 30, "Teams CODIR post")
        assert "convention signée" in sent.text
        assert sent.authorized
        # Each update once, in both CODIRs.
        await asyncio.to_thread(
            standin.wait_for,
            lambda: [s for s in standin.sent(teams_codir) if "l'action 56" in plain(s.text)],
        )
        await dg.sync(200)
        assert len(matrix_post()) == 1
        assert len(teams_post()) == 1

        # One engine: the same command gets the same answer in Teams and in Matrix (the Teams
        # markdown read back as the text it shows).
        for text in ("!action 56", "!synthese", "!aide maj", "!maj 999 fait"):
            activity = standin.message(lm, text)
            chat = activity["conversation"]["id"]
            before = len(standin.sent(chat))
            status = await asyncio.to_thread(post_activity, url, activity, standin.sign(activity))
            assert status == 200
            teams_answer = plain(standin.sent(chat)[before].text)
            matrix_answer = (await dg.command(codir_room, text)).body
            assert teams_answer == matrix_answer, text
        assert bot.terminate() == 0
    finally:
        bot.terminate()
        await dg.close()


# --- reminders as adaptive cards (their own bot: a [rhythm] with reminders at any hour) --------

#: Reminders at any hour, any day; no digest.
ANY_HOUR = """
[rhythm]
digest = ""
working_hours = "00:00-23:59"
skip_weekends = false
skip_holidays = ""
"""


def card_buttons(card: dict) -> list[list[dict]]:
    """A reminder card's rows of buttons, one row per action."""
    return [
        [b for column in block["columns"] for i in column["items"] for b in i.get("actions", [])]
        for block in card["body"]
        if block["type"] == "ColumnSet"
    ]


def test_a_reminder_card_button_applies_the_update_once_and_tells_the_codir(
    teams_standin, tmp_path
):
    standin = teams_standin
    dg = standin.add_user("Dominique Gérard", "dg@frameries.example")
    lm = standin.add_user("Luc Martin", "lm@frameries.example")
    codir = "19:codir-reminders@thread.tacv2"
    port = free_port()
    bot = teams_bot_process(
        tmp_path / "bot",
        standin,
        port,
        codir_conversation=codir,
        access={"admins": [dg.aad]},
        pilots={"LM": lm.aad},
    )
    bot.config_path.write_text(bot.config_path.read_text("utf-8") + ANY_HOUR, "utf-8")
    bot.seed()
    # An admin paused the reminders: LM must write to the bot before it can reach them.
    db = sqlite_utils.Database(bot.database)
    absences.set_paused(db, True, dg.aad, now_utc())
    db.close()
    url = f"http://127.0.0.1:{port}/api/messages"
    chat = standin.personal(lm)["id"]

    def say(user, text: str) -> list[Sent]:
        activity = standin.message(user, text)
        before = len(standin.sent(activity["conversation"]["id"]))
        assert post_activity(url, activity, standin.sign(activity)) == 200, bot.log_text()[-3000:]
        return standin.wait_for(lambda: standin.sent(activity["conversation"]["id"])[before:])

    def press(data: dict, activity: dict | None = None) -> tuple[dict, dict]:
        activity = activity or card_action(standin, lm, data)
        status, body = post_invoke(url, activity, standin.sign(activity))
        assert status == 200, (status, bot.log_text()[-3000:])
        return activity, body

    def cards() -> list[dict]:
        return [
            a["content"]
            for s in standin.sent(chat)
            for a in s.attachments
            if a["contentType"] == ADAPTIVE_CARD
        ]

    bot.start()
    try:
        wait_listening(port, lambda: bot.running)
        say(lm, "!aide")  # the bot keeps LM's personal chat
        (resumed,) = say(dg, "!rappels reprise")
        assert "reprennent" in plain(resumed.text)
        # The schedule is looked at every minute, and at start: a restart sends it now.
        assert bot.terminate() == 0, bot.log_text()[-3000:]
        bot.start()
        wait_listening(port, lambda: bot.running)

        (card,) = standin.wait_for(cards, 30, "a reminder card in LM's personal chat")
        reminder = next(s for s in standin.sent(chat) if s.attachments)
        assert reminder.authorized
        assert reminder.activity["summary"].startswith("Bonjour LM")
        assert card["fallbackText"].startswith("Bonjour LM")  # the markdown text, for old clients
        rows = card_buttons(card)
        assert 1 <= len(rows) <= 12
        assert all([b["title"] for b in row] == ["fait", "en cours", "pas encore"] for row in rows)
        done = rows[0][0]
        assert done["type"] == "Action.Execute"
        code = done["data"]["pst"].split()[1]
        assert done["data"] == {"pst": f"!maj {code} fait"}
        (number,) = bot.query("select number from actions where code = ?", [code])[0]

        # A forged button applies nothing and says so in French.
        _, refused = press({"pst": "!rappels pause"})
        assert "rien n'a été modifié" in refused["value"]

        # LM presses "fait": applied, answered in the chat and on the card, told to the CODIR.
        before = len(standin.sent(chat))
        invoke, answer = press(done["data"])
        assert answer["type"] == "application/vnd.microsoft.activity.message"
        assert "→ fait" in answer["value"]
        (reply,) = standin.wait_for(lambda: standin.sent(chat)[before:], what="the reply")
        assert "→ fait" in plain(reply.text)
        assert bot.query(
            "select who, new_status, source_id from updates where action_number = ?", [number]
        ) == [(lm.aad, "fait", source(invoke))]

        def posts() -> list[Sent]:
            return [s for s in standin.sent(codir) if f"l'action {number}" in plain(s.text)]

        (post,) = standin.wait_for(posts, what="the CODIR post")
        assert plain(post.text).startswith(f"LM a mis à jour l'action {number}")

        # Teams delivers the same invoke again: not applied twice, nothing sent twice.
        sent_before = len(standin.sent(chat))
        _, again = press(done["data"], invoke)
        assert again["value"] == "Réponse déjà reçue : rien de plus à faire."
        say(lm, f"!action {code}")  # a later answer: any duplicate came before
        assert len(bot.query("select 1 from updates where action_number = ?", [number])) == 1
        assert len(standin.sent(chat)) == sent_before + 1
        assert len(posts()) == 1
        assert bot.query("select count(*) from sends where sent_at is null") == [(0,)]
    finally:
        exit_code = bot.terminate()
    assert exit_code == 0, bot.log_text()[-3000:]
